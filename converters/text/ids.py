"""Identifier normalisation: DOIs, arXiv ids, ISBN/ISSN (validated with python-stdnum)."""

from __future__ import annotations

import re
from typing import Any

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|info:doi/)", re.I)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def strip_doi(value: str) -> str:
    """Remove resolver and scheme prefixes and surrounding space; never changes case."""
    value = value.strip()
    while True:
        stripped = _DOI_PREFIX.sub("", value)
        if stripped == value:
            return value
        value = stripped.strip()


def is_doi(value: str) -> bool:
    return _DOI.match(value) is not None


def same_doi(a: str, b: str) -> bool:
    """DOIs are case-insensitive (the DOI Handbook, 2.4)."""
    return strip_doi(a).lower() == strip_doi(b).lower()


_ORCID = re.compile(r"^(?:https?://(?:www\.)?orcid\.org/|orcid:\s*)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/?$", re.I)
ORCID_URL = "https://orcid.org/"


def bare_orcid(value: str) -> str | None:
    """An ORCID iD without its resolver ("0000-0002-1825-0097"), or None when the value is none."""
    match = _ORCID.match(value.strip())
    return match[1].upper() if match else None


_ARXIV_PREFIX = re.compile(r"^(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.I)
_NEW_ID = re.compile(r"^(?P<yy>\d\d)(?P<mm>\d\d)\.(?P<num>\d{4,5})(?:v(?P<v>\d+))?$")
_OLD_ID = re.compile(r"^(?P<archive>[a-z][a-z-]*)(?:\.(?P<sc>[A-Z]{2}))?/"
                     r"(?P<yy>\d\d)(?P<mm>\d\d)(?P<num>\d{3})(?:v(?P<v>\d+))?$")


_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)


_ARXIV_PAGE = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>[^?#\s]+?)/?$", re.I)


def arxiv_id_in_url(url: str) -> str | None:
    """The arXiv id (with its version, if any) of an abstract or PDF page URL, or None."""
    match = _ARXIV_PAGE.match(url.strip())
    return match["id"] if match else None


def arxiv_id_in_doi(doi: str) -> str | None:
    """The arXiv id inside arXiv's own DataCite DOI (10.48550/arXiv.ID), or None."""
    match = _ARXIV_DOI.match(doi.strip())
    return match[1] if match else None


class ArxivIdError(ValueError):
    pass


def parse_arxiv_id(value: str) -> tuple[str, int | None, str | None]:
    """Return (id without version, version, subject class of an old id) or raise ArxivIdError.

    New ids are YYMM.NNNN from 0704 to 1412 and YYMM.NNNNN from 1501; old ids are
    archive(.SC)/YYMMNNN from 1991 to 2007, written without the subject class.
    """
    text = _ARXIV_PREFIX.sub("", value.strip())
    if text.lower().endswith(".pdf"):
        text = text[:-4]
    match = _NEW_ID.match(text)
    if match:
        yy, mm = int(match["yy"]), int(match["mm"])
        digits = len(match["num"])
        if not 1 <= mm <= 12:
            raise ArxivIdError(f"month {match['mm']} in arXiv id '{value}' is not 01-12")
        yymm = yy * 100 + mm
        if yymm < 704:
            raise ArxivIdError(f"new-style arXiv ids start at 0704; '{value}' is earlier")
        if (yymm <= 1412 and digits != 4) or (yymm >= 1501 and digits != 5):
            expected = 4 if yymm <= 1412 else 5
            raise ArxivIdError(f"arXiv ids from {match['yy']}{match['mm']} have {expected} digits after the dot; "
                               f"got '{value}'")
        return f"{match['yy']}{match['mm']}.{match['num']}", _version(match["v"]), None
    match = _OLD_ID.match(text)
    if match:
        yy, mm = int(match["yy"]), int(match["mm"])
        if not 1 <= mm <= 12:
            raise ArxivIdError(f"month {match['mm']} in arXiv id '{value}' is not 01-12")
        if 8 <= yy <= 90:
            raise ArxivIdError(f"old-style arXiv ids run from 1991 to 2007; '{value}' is outside")
        return f"{match['archive']}/{match['yy']}{match['mm']}{match['num']}", _version(match["v"]), match["sc"]
    raise ArxivIdError(
        f"'{value}' is not an arXiv id: expected YYMM.NNNNN or archive/YYMMNNN, optionally with vN"
    )


def _version(text: str | None) -> int | None:
    return int(text) if text else None


def arxiv_fields(value: str) -> dict[str, Any]:
    """An arXiv id as a record's identifier fields: ``arxiv``, and ``arxiv_version`` and
    ``arxiv_class`` where the id gives them (an old id's subject class: math.GT/0309136 is
    math.GT); ArxivIdError if it is none."""
    arxiv_id, version, subject = parse_arxiv_id(value)
    fields: dict[str, Any] = {"arxiv": arxiv_id}
    if version:
        fields["arxiv_version"] = version
    if subject:
        fields["arxiv_class"] = subject_class(arxiv_id, subject)
    return fields


def subject_class(arxiv_id: str, subject: str) -> str:
    """The class an old id's subject names within its archive (math/0309136, GT: math.GT)."""
    return f"{arxiv_id.split('/')[0]}.{subject}"


def arxiv_id_date(arxiv_id: str) -> tuple[int, int]:
    """(year, month) of submission encoded in an arXiv id."""
    yymm = arxiv_id.split("/")[-1][:4] if "/" in arxiv_id else arxiv_id[:4]
    yy, mm = int(yymm[:2]), int(yymm[2:])
    return (1900 + yy if yy >= 91 else 2000 + yy), mm


def normalize_isbn(value: str) -> tuple[str, bool]:
    """(ISBN in its one canonical form, valid?): a valid ISBN hyphenated as its registration
    group and publisher ranges say (``0201134470`` and ``0-201-13447-0`` are both
    ``0-201-13447-0``, as most .bib files already write it); an invalid one as given, which
    callers keep and report. Every reader uses this, so one book has one ISBN spelling."""
    from stdnum import isbn

    try:
        compact = isbn.compact(value)
        if isbn.is_valid(compact):
            return isbn.format(compact), True
    except Exception:  # stdnum cannot compact some strings
        pass
    return value.strip(), False


def same_isbn(a: str, b: str) -> bool:
    """Whether two ISBNs name the same book: an ISBN-10 and its ISBN-13 do."""
    from stdnum import isbn

    try:
        return isbn.to_isbn13(isbn.compact(a)) == isbn.to_isbn13(isbn.compact(b))
    except Exception:  # not both valid: equal as written
        return a.strip() == b.strip()


def normalize_issn(value: str) -> tuple[str, bool]:
    """(ISSN as ``NNNN-NNNC``, valid?); an invalid one as given, as for ISBNs."""
    from stdnum import issn

    try:
        compact = issn.compact(value)
        if issn.is_valid(compact):
            return issn.format(compact), True
    except Exception:
        pass
    return value.strip(), False


# several links in one value: split at white space, or at a ";" that ends a link (not the ";2" of
# a SICI DOI's link)
_SPLIT_LINKS = re.compile(r"\s+|;(?=\s|$|(?:https?|ftp)://|www\.)", re.IGNORECASE)
_LINK_START = re.compile(r"[a-z][a-z0-9+.-]*:|www\.|10\.\d", re.IGNORECASE)


def split_links(value: str) -> list[str]:
    """The links of a value that may hold several (RIS's UR, Beebe's BibTeX "url = a; b"), in
    order, unless it starts with no link: EndNote's Web of Science link "<Go to ISI>://WOS:0002"
    has spaces in it (it stays whole). Words after the links ("http://x.org/a (accessed 2020)")
    stay one text, the last item."""
    pieces = [piece for piece in _SPLIT_LINKS.split(value) if piece]
    if len(pieces) > 1 and not _LINK_START.match(pieces[0]):
        return [value.strip()]
    words = next((i for i, piece in enumerate(pieces) if not _LINK_START.match(piece)), None)
    if words is None:
        return pieces
    rest = value[value.index(pieces[words], sum(len(p) for p in pieces[:words])):].strip()
    return [*pieces[:words], rest]


def is_link(value: str) -> bool:
    """A value that starts as a link does (a scheme, www., a DOI)."""
    return _LINK_START.match(value) is not None
