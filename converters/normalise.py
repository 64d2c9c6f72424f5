"""One pass after every reader: the identifier rules that hold whatever the source.

Readers map fields; the forms of identifiers are decided here, once, so that the same
work read from two formats gives the same record:
- DOIs bare (no resolver or ``doi:`` prefix), each once (DOIs are case-insensitive);
- an arXiv id taken from arXiv's DataCite DOI (``10.48550/arXiv.ID``) or abstract page
  when the reader found none; that URL then not stored (the model derives it), nor that DOI
  for a preprint (the model derives it for a preprint only: ``Record.dois``);
- ISBNs and ISSNs in their canonical form when valid (``text.ids``), each once;
- the language as a BCP 47 tag where it is a language's name or ISO 639-2 code ("English",
  "eng": en; ``text.languages.to_language_tag``), else as written;
- text composed (Unicode NFC): a source may write "ê" as e + U+0302, which every writer
  passed on, so that the same title read from two files differed, and searching for it too;
- text encoded as UTF-8 and decoded as Latin-1 (arXiv's API answers hold "WeiÃ\x9fl" for
  "Weißl", "$Ï\x89$" for "$ω$") decoded again, where a C1 control character, which no text
  holds, proves it, and said: the writers would drop the control character, "WeiÃl".
A record that needs none of this is returned as it is (nearly every record: no copy).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from .diagnostics import Reporter
from .model import Identifiers, Name, Record, Syntax, Text, arxiv_doi
from .text.ids import (
    ArxivIdError,
    arxiv_id_in_doi,
    arxiv_id_in_url,
    normalize_isbn,
    normalize_issn,
    parse_arxiv_id,
    same_doi,
    strip_doi,
)
from .text.languages import to_language_tag

_ARXIV_ABS = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/abs/(?P<id>[^?#\s]+?)/?$", re.I)


def normalise(record: Record, report: Reporter | None = None) -> Record:
    ids = record.ids
    language = record.language
    if language is not None and (tag := to_language_tag(language)) is not None and tag != language:
        record = replace(record, language=tag)
    repaired: list[tuple[str, str]] = []
    composed = _composed_fields(record, repaired)
    if composed:
        record = replace(record, **composed)
    if repaired and report is not None:
        report.warning("text.double-encoded", repair_said(repaired), key=record.key, record=record,
                       hint="the source decoded UTF-8 bytes as Latin-1 before encoding them again")
    if not (ids.doi or ids.url or ids.isbn or ids.issn):
        return record
    fixed = normalise_ids(ids, preprint=record.is_arxiv_paper)
    return record if fixed is ids else replace(record, ids=fixed)


def normalise_ids(ids: Identifiers, preprint: bool = True) -> Identifiers:
    dois = _dois(ids.doi)
    arxiv, version, url = ids.arxiv, ids.arxiv_version, ids.url
    if arxiv is None:
        arxiv, version = arxiv_id_from(dois, url)
    if arxiv is not None:
        if preprint:
            derived = arxiv_doi(arxiv)
            dois = tuple(d for d in dois if not same_doi(d, derived))
        if url is not None and _is_abstract_page(url, arxiv, version):
            url = None
    isbn = _each_once(normalize_isbn(v)[0] for v in ids.isbn) if ids.isbn else ids.isbn
    issn = _each_once(normalize_issn(v)[0] for v in ids.issn) if ids.issn else ids.issn
    if (dois, arxiv, version, url, isbn, issn) == (ids.doi, ids.arxiv, ids.arxiv_version, ids.url, ids.isbn, ids.issn):
        return ids
    return replace(ids, doi=dois, arxiv=arxiv, arxiv_version=version, url=url, isbn=isbn, issn=issn)


def _dois(dois: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for doi in dois:
        doi = strip_doi(doi)
        if doi and not any(same_doi(doi, seen) for seen in out):
            out.append(doi)
    return tuple(out)


def arxiv_id_from(dois: tuple[str, ...] | list[str], *urls: str | None) -> tuple[str | None, int | None]:
    """(id, version) from arXiv's DataCite DOI among dois or an abstract or PDF page among
    urls, else (None, None): the one rule every reader and this pass use."""
    candidates = [found for doi in dois if (found := arxiv_id_in_doi(doi))]
    candidates += [found for url in urls if url and (found := arxiv_id_in_url(url))]
    for candidate in candidates:
        try:
            arxiv, version, _ = parse_arxiv_id(candidate)
        except ArxivIdError:
            continue
        return arxiv, version
    return None, None


def _is_abstract_page(url: str, arxiv: str, version: int | None) -> bool:
    """The abstract page the model derives (any scheme or host spelling, and the version
    the record has: a page of another version is a URL worth keeping)."""
    match = _ARXIV_ABS.match(url)
    if not match:
        return False
    try:
        found, found_version, _ = parse_arxiv_id(match["id"])
    except ArxivIdError:
        return False
    return found == arxiv and found_version in (None, version)


def _each_once(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# --- composed text -----------------------------------------------------------------------

_TEXTS = ("title", "abstract", "note", "container_title")
_STRINGS = ("publisher", "publisher_place", "volume", "issue", "pages", "number", "edition")
_NAME_PARTS = ("family", "given", "dropping_particle", "non_dropping_particle", "suffix", "literal")


_C1 = re.compile("[\x80-\x9f]")
# one character's UTF-8 bytes, each read as a Latin-1 character ("ß" is c3 9f: "Ã\x9f")
_UTF8_AS_LATIN1 = re.compile("[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _decomposed(value: str) -> bool:
    """Text to compose or to decode again (not ASCII, and not NFC or holding a C1 character)."""
    return not value.isascii() and (not unicodedata.is_normalized("NFC", value) or _C1.search(value) is not None)


def _redecoded(match: re.Match) -> str:
    try:
        return match[0].encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return match[0]


def decoded_again(value: str) -> str | None:
    """``value`` with its UTF-8-read-as-Latin-1 characters decoded again, where a C1 control
    character (which no text holds) proves it encoded twice over; None where nothing is."""
    if _C1.search(value) is None:
        return None
    fixed = _UTF8_AS_LATIN1.sub(_redecoded, value)
    return fixed if fixed != value else None


def _nfc(value: str, repaired: list[tuple[str, str]], compose: bool = True) -> str:
    fixed = decoded_again(value)
    if fixed is not None:
        repaired.append((value, fixed))
        value = fixed
    return unicodedata.normalize("NFC", value) if compose else value


def repair_said(repaired: list[tuple[str, str]]) -> str:
    """The first repair, in its words: "'Ã\\x9f' read as 'ß' in '... Weißl ...'"."""
    before, after = repaired[0]
    match = next(m for m in _UTF8_AS_LATIN1.finditer(before) if _redecoded(m) != m[0])
    at = len(_UTF8_AS_LATIN1.sub(_redecoded, before[:match.start()]))
    context = after[max(0, at - 30):at + 30]
    more = f" (and {len(repaired) - 1} more values)" if len(repaired) > 1 else ""
    return (f"text encoded as UTF-8 twice over, decoded again: {match[0]!r} read as {_redecoded(match)!r} "
            f"in {context!r}{more}")


def _text(value: Text, repaired: list[tuple[str, str]]) -> Text:
    if not _decomposed(value.value):
        return value
    # TeX's decoder composes what it makes (and a mark after \o is no macro name)
    compose = value.syntax not in (Syntax.TEX, Syntax.BIBTEX) or "\\" not in value.value
    text = _nfc(value.value, repaired, compose)
    return value if text == value.value else Text(text, value.syntax)


def _name(name: Name, repaired: list[tuple[str, str]]) -> Name:
    parts: dict[str, Any] = {part: _nfc(v, repaired) for part in _NAME_PARTS
                             if (v := getattr(name, part)) and _decomposed(v)}
    return replace(name, **parts) if parts else name


def _names(names: tuple[Name, ...], repaired: list[tuple[str, str]]) -> tuple[Name, ...]:
    out = tuple(_name(n, repaired) for n in names)
    return names if all(a is b for a, b in zip(out, names, strict=True)) else out


def _composed_fields(record: Record, repaired: list[tuple[str, str]]) -> dict[str, Any]:
    """The fields of record whose text is not NFC, composed, or UTF-8 read as Latin-1, decoded
    again (``repaired`` says which); empty: nothing to do."""
    out: dict[str, Any] = {}
    for attr in _TEXTS:
        value = getattr(record, attr)
        if value is not None and (new := _text(value, repaired)) is not value:
            out[attr] = new
    for attr in _STRINGS:
        value = getattr(record, attr)
        if value is not None and _decomposed(value):
            out[attr] = _nfc(value, repaired)
    for attr in ("keywords", "affiliations"):  # (not attachments: a macOS path is decomposed, and stays so)
        values = getattr(record, attr)
        if any(_decomposed(v) for v in values):
            out[attr] = tuple(_nfc(v, repaired) for v in values)
    for attr in ("authors", "editors"):
        value = getattr(record, attr)
        if value and (new_names := _names(value, repaired)) is not value:
            out[attr] = new_names
    if record.variables and any(_decomposed(v.value) for v in record.variables.values()):
        out["variables"] = {k: _text(v, repaired) for k, v in record.variables.items()}
    if record.names and any(_names(v, []) is not v for v in record.names.values()):
        out["names"] = {k: _names(v, repaired) for k, v in record.names.items()}
    return out
