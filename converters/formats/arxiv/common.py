"""One mapping from raw arXiv metadata to the canonical record, for every arXiv reader.

Readers fill a ``Draft`` with the values as their source spells them; ``build`` does
the rest exactly as ``arxiv_listing`` does: type ``article``, publisher ``arXiv``,
TeX title/abstract/comments, the id without version plus ``arxiv_version``, the
primary category as ``arxiv_class``, categories as keywords, journal DOIs only (the
arXiv DOI and abstract URL are derived by the model), ``issued`` = the v1 date and
everything else in ``extras[Extra("arxiv", field)]``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ...diagnostics import Reporter
from ...extras import Extra
from ...model import Date, Identifiers, Name, Position, Record, Syntax, Text, arxiv_doi
from ...normalise import decoded_again
from ...text.ids import (
    ArxivIdError,
    arxiv_id_date,
    is_doi,
    parse_arxiv_id,
    same_doi,
    strip_doi,
    subject_class,
)
from ...text.tex import has_tex
from .authors import affiliation_lines
from .journal_ref import normalise, parse_journal_ref

# A DOI list is split at white space, and at "," or ";" before white space or another DOI:
# a SICI DOI holds ";" ("10.1175/1520-0469(1996)053<0946:ASTFHH>2.0.CO;2").
_DOI_TOKEN = re.compile(r"[^\s,;](?:[^\s,;]|[,;](?!\s|$|(?i:doi:|https?:|10\.)))*")
_URL = re.compile(r"(?i:https?|ftp)://\S+|\bwww\.\S+")
_SIZE = re.compile(r"\s*\([^)]*\)\s*$")  # "(443kb)" or "(0kb,I)" after an .abs date
# UTF-8 read as Latin-1 turns "ü" into "Ã¼": worth a warning, never a silent repair
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")


def _may_be_mojibake(*texts: str) -> bool:
    return any("\u00c3" in text or "\u00c2" in text for text in texts)


@dataclass
class Draft:
    """Raw values of one paper, as the source gives them (text still TeX)."""

    line: int | None = None
    raw_id: str | None = None
    version: int | None = None  # the latest version, when the source says
    title: str | None = None
    authors: list[Name] = field(default_factory=list)
    authors_etal: bool = False
    affiliations: list[tuple[str, list[str]]] = field(default_factory=list)
    abstract: str | None = None
    comments: str | None = None
    categories: list[str] = field(default_factory=list)
    primary: str | None = None
    dois: list[str] = field(default_factory=list)  # each may hold several DOIs
    journal_ref: str | None = None
    report_no: str | None = None
    submitted: Date | None = None  # the v1 date
    versions: list[tuple[int, str]] = field(default_factory=list)  # (n, "2007-04-02T19:18:42Z (443kb)")
    extras: dict[Extra, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # source line per field, for diagnostics
    id_only: bool = False  # the source lists ids only: a missing title is expected
    checked_dois: bool = False  # the reader split and stripped its DOIs and reported malformed ones, with columns
    author_text: str | None = None  # the author list as the source wrote it, when it is one string
    parsed_id: tuple[str, int | None, str | None] | None = None  # parse_arxiv_id(raw_id), when the reader has it
    title_optional: bool = False  # the layout makes the title optional (the plain-text listing)

    @property
    def key(self) -> str | None:
        return f"arXiv:{self.raw_id}" if self.raw_id else None

    def where(self, name: str) -> int | None:
        return self.lines.get(name, self.line)

    def add_extra(self, name: str, value: str) -> None:
        """Keep a value under ``Extra("arxiv", name)``; a repeated field keeps every value, one per line."""
        value = value.strip()
        if not value:
            return
        key = Extra("arxiv", name.lower().replace(" ", "-"))
        self.extras[key] = f"{self.extras[key]}\n{value}" if key in self.extras else value


def build(draft: Draft, report: Reporter, code: str) -> Record | None:
    """The canonical record for a draft, or None (with an error) when it has no valid id.

    ``code`` prefixes diagnostic codes (``abs``, ``atom``, ...) so users can tell readers apart.
    """
    ids = _identifiers(draft, report, code)
    if ids is None:
        return None
    key = f"arXiv:{ids['arxiv']}"
    fields: dict = {"extras": dict(draft.extras)}
    _texts(draft, fields, report, code, key)
    _journal(draft, fields)
    if draft.report_no:
        fields["number"] = normalise(draft.report_no)
        fields["extras"][Extra("arxiv", "report-no")] = fields["number"]
    if draft.categories or draft.primary:
        fields["keywords"] = tuple(dict.fromkeys(([draft.primary] if draft.primary else []) + draft.categories))
    fields["issued"] = draft.submitted or _issued_from_id(ids["arxiv"], draft, report, code, key)
    if draft.versions:
        fields["extras"][Extra("arxiv", "versions")] = "\n".join(f"v{n} {text}" for n, text in sorted(draft.versions))
    authors, unplaced = _with_affiliations(draft.authors, draft.affiliations)
    authors = tuple(map(spaced_initials, authors))
    affiliations = affiliation_lines(unplaced)
    if affiliations:  # for a name the author list does not have (a source's two spellings of it)
        fields["extras"][Extra("arxiv", "affiliations")] = affiliations
    _warn_mojibake(draft, report, code, key)
    try:
        return Record(
            type="article",
            publisher="arXiv",
            authors=authors,
            authors_etal=draft.authors_etal,
            ids=Identifiers(**ids),
            position=Position(report.source, draft.line),
            **fields,
        )
    except ValueError as exc:  # the model refused a value: this record only
        report.error(f"{code}.invalid", f"record cannot be built: {exc}", line=draft.line, key=key)
        return None


_GLUED_INITIAL = re.compile(r"\.(?=[^\W\d_])")
_SPACED_HYPHEN = re.compile(r"\.\s+-")


def spaced_initials(name: Name) -> Name:
    """Initials written together ("A.A.", "Yu.N.") spaced as arXiv's own split spaces them
    ("A. A."), which BibTeX styles need to abbreviate each ("A.A." is one name part, "A.");
    "C.-P." stays, and arXiv's "C. -P." becomes it. So every arXiv source gives one spelling."""
    if not name.given or "." not in name.given:
        return name
    given = _spaced(name.given)
    return name if given == name.given else replace(name, given=given)


@lru_cache(maxsize=4096)  # given names recur across papers
def _spaced(given: str) -> str:
    return _GLUED_INITIAL.sub(". ", _SPACED_HYPHEN.sub(".-", given))


def _with_affiliations(authors: list[Name], affiliations: list[tuple[str, list[str]]]
                       ) -> tuple[tuple[Name, ...], list[tuple[str, list[str]]]]:
    """The authors with their affiliations on them (matched by the name as displayed), and
    the affiliations no author of the list matches."""
    if not affiliations:
        return tuple(authors), []
    by_name: dict[str, list[str]] = {}
    for name, found in affiliations:
        by_name.setdefault(name, []).extend(found)
    placed = []
    for author in authors:
        found = [a for a in dict.fromkeys(by_name.pop(author.display(), ())) if a]
        placed.append(replace(author, affiliation=(*author.affiliation, *found)) if found else author)
    return tuple(placed), [(name, found) for name, found in by_name.items() if found]


def _identifiers(draft: Draft, report: Reporter, code: str) -> dict | None:
    if not draft.raw_id:
        report.error(f"{code}.missing-id", "record has no arXiv id", line=draft.line, key=draft.key)
        return None
    try:
        arxiv_id, version, subject = draft.parsed_id or parse_arxiv_id(draft.raw_id)
    except ArxivIdError as exc:
        report.error(f"{code}.bad-id", str(exc), line=draft.where("id"), key=draft.key)
        return None
    ids: dict = {"arxiv": arxiv_id, "arxiv_version": draft.version or version}
    primary = draft.primary or (draft.categories[0] if draft.categories else None)
    if primary:
        ids["arxiv_class"] = primary
    elif "/" in arxiv_id:  # an old-style id names its primary archive (and subject class)
        ids["arxiv_class"] = subject_class(arxiv_id, subject) if subject else arxiv_id.split("/")[0]
    dois = _dois(draft, arxiv_id, report, code)
    if dois:
        ids["doi"] = dois
    return ids


def _dois(draft: Draft, arxiv_id: str, report: Reporter, code: str) -> tuple[str, ...]:
    key = f"arXiv:{arxiv_id}"
    out: list[str] = []
    derived = arxiv_doi(arxiv_id)
    # a reader that checked its DOIs gives one bare DOI a value; the others give DOI fields as written
    tokens = ((doi, doi) for doi in draft.dois) if draft.checked_dois else (
        (token, strip_doi(token)) for text in draft.dois for token, _ in split_dois(text))
    for token, doi in tokens:
        if same_doi(doi, derived):
            report.info(f"{code}.arxiv-doi", f"'{doi}' is the arXiv DOI, which is derived from the id; not "
                        "stored as a journal DOI", line=draft.where("doi"), key=key, field="doi")
            continue
        if not is_doi(doi) and not draft.checked_dois:
            report.warning(f"{code}.bad-doi", f"'{token}' does not look like a DOI (10.NNNN/suffix); kept as given",
                           line=draft.where("doi"), key=key, field="doi")
        if not any(same_doi(doi, seen) for seen in out):
            out.append(doi)
    return tuple(out)


def _texts(draft: Draft, fields: dict, report: Reporter, code: str, key: str) -> None:
    if draft.title and draft.title.strip():
        fields["title"] = Text(normalise(draft.title), Syntax.TEX)
    elif draft.id_only:
        report.info(f"{code}.id-only", "the source gives the id only", line=draft.line, key=key)
    elif not draft.title_optional:
        report.warning(f"{code}.no-title", "record has no title", line=draft.where("title"), key=key,
                       field="title")
    if draft.abstract and draft.abstract.strip():
        fields["abstract"] = Text(normalise_abstract(draft.abstract), Syntax.TEX)
    if draft.comments and draft.comments.strip():
        fields["note"] = comments_text(normalise(draft.comments))


def _journal(draft: Draft, fields: dict) -> None:
    if not draft.journal_ref or not draft.journal_ref.strip():
        return
    verbatim = normalise(draft.journal_ref)
    fields["extras"][Extra("arxiv", "journal-ref")] = verbatim
    parsed = parse_journal_ref(verbatim)
    if parsed is None:
        return
    fields["container_title"] = Text(parsed.journal, Syntax.PLAIN)
    fields["volume"] = parsed.volume
    fields["pages"] = parsed.pages
    if parsed.issue:
        fields["issue"] = parsed.issue
    fields["extras"][Extra("arxiv", "journal-year")] = str(parsed.year)  # issued stays the arXiv date


def _issued_from_id(arxiv_id: str, draft: Draft, report: Reporter, code: str, key: str) -> Date:
    year, month = arxiv_id_date(arxiv_id)
    report.info(f"{code}.issued-from-id", f"no v1 date given; issued is {year}-{month:02d}, the month in the id",
                line=draft.line, key=key, field="issued")
    return Date(year, month)


def _warn_mojibake(draft: Draft, report: Reporter, code: str, key: str) -> None:
    if draft.author_text is not None and not _may_be_mojibake(draft.title or "", draft.author_text):
        return  # two C-level scans instead of a search in every name
    texts = [draft.title or "", *(n.display() for n in draft.authors)]
    for text in texts:
        if decoded_again(text) is not None:
            continue  # proven so by a C1 character: decoded again by the normalisation pass, which says so
        match = _MOJIBAKE.search(text)
        if match:
            word = next(w for w in text.split() if _MOJIBAKE.search(w))
            report.warning(f"{code}.mojibake",
                           f"'{word}' looks like UTF-8 read as Latin-1 in the source; kept as given",
                           line=draft.line, key=key)
            return


# --- text shapes shared by the sources -------------------------------------------------


def split_dois(text: str) -> list[tuple[str, int]]:
    """The DOIs of a DOI field or ``doi:`` tail, each with its offset in the text."""
    return [(match.group(), match.start()) for match in _DOI_TOKEN.finditer(text)]


def comments_text(text: str) -> Text:
    """Comments as TeX, like titles and abstracts, unless their only TeX-like characters
    are inside URLs ("code at http://www.gfdl.gov/~smg"): arXiv shows comments as typed,
    so there ``~`` is a tilde, not TeX's no-break space."""
    if has_tex(text) and _URL.search(text) and not has_tex(_URL.sub(" ", text)):
        return Text(text, Syntax.PLAIN)
    return Text(text, Syntax.TEX)


def normalise_abstract(text: str) -> str:
    """Unwrap an arXiv abstract: an indented line (or a blank line) starts a paragraph;
    paragraphs are joined by a blank line, as the listing reader joins them."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # one line, single ASCII spaces (the listing unwraps its own): as it is (C-level checks)
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.strip("\r\n").splitlines():
        if not line.strip() or (line[:1].isspace() and current):
            if current:
                paragraphs.append(current)
            current = []
        if line.strip():
            current.append(line.strip())
    if current:
        paragraphs.append(current)
    return "\n\n".join(" ".join(" ".join(p).split()) for p in paragraphs)


def split_categories(text: str | None) -> list[str]:
    return list(dict.fromkeys((text or "").split()))


def parse_rfc2822(text: str) -> tuple[Date, str] | None:
    """``Mon, 2 Apr 2007 19:18:42 GMT   (443kb)`` -> (the UTC day, ``2007-04-02T19:18:42Z (443kb)``)."""
    size = _SIZE.search(text)
    stamp = text[: size.start()] if size else text
    try:
        import email.utils  # (the .abs and mailing dates only: 4 ms of imports the listing need not pay)

        moment = email.utils.parsedate_to_datetime(stamp.strip())
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC)
    except (TypeError, ValueError, IndexError, OverflowError):  # overflow: a day or year of 20 digits
        return None
    iso = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if size:
        iso += " " + size.group().strip()
    return Date(moment.year, moment.month, moment.day), iso


def parse_iso_date(text: str) -> Date | None:
    """``2017-07-27T08:18:33Z`` or ``2014-12-29`` -> the (UTC) day."""
    text = text.strip()
    try:
        if "T" in text:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(dt.UTC)
            return Date(moment.year, moment.month, moment.day)
        day = dt.date.fromisoformat(text)
    except (ValueError, OverflowError):
        return None
    return Date(day.year, day.month, day.day)
