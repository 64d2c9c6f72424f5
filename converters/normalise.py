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
  passed on, so that the same title read from two files differed, and searching for it too.
A record that needs none of this is returned as it is (nearly every record: no copy).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

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


def normalise(record: Record) -> Record:
    ids = record.ids
    language = record.language
    if language is not None and (tag := to_language_tag(language)) is not None and tag != language:
        record = replace(record, language=tag)
    composed = _composed_fields(record)
    if composed:
        record = replace(record, **composed)
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


def _decomposed(value: str) -> bool:
    return not value.isascii() and not unicodedata.is_normalized("NFC", value)


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _text(value: Text) -> Text:
    if not _decomposed(value.value):
        return value
    if value.syntax in (Syntax.TEX, Syntax.BIBTEX) and "\\" in value.value:
        return value  # TeX's decoder composes what it makes (and a mark after \o is no macro name)
    return Text(_nfc(value.value), value.syntax)


def _name(name: Name) -> Name:
    parts: dict[str, Any] = {part: _nfc(v) for part in _NAME_PARTS if (v := getattr(name, part)) and _decomposed(v)}
    return replace(name, **parts) if parts else name


def _names(names: tuple[Name, ...]) -> tuple[Name, ...]:
    out = tuple(_name(n) for n in names)
    return names if all(a is b for a, b in zip(out, names, strict=True)) else out


def _composed_fields(record: Record) -> dict[str, Any]:
    """The fields of record whose text is not NFC, composed (empty: nothing to do)."""
    out: dict[str, Any] = {}
    for attr in _TEXTS:
        value = getattr(record, attr)
        if value is not None and (new := _text(value)) is not value:
            out[attr] = new
    for attr in _STRINGS:
        value = getattr(record, attr)
        if value is not None and _decomposed(value):
            out[attr] = _nfc(value)
    for attr in ("keywords", "affiliations"):  # (not attachments: a macOS path is decomposed, and stays so)
        values = getattr(record, attr)
        if any(_decomposed(v) for v in values):
            out[attr] = tuple(_nfc(v) for v in values)
    for attr in ("authors", "editors"):
        value = getattr(record, attr)
        if value and (new_names := _names(value)) is not value:
            out[attr] = new_names
    if record.variables and any(_text(v) is not v for v in record.variables.values()):
        out["variables"] = {k: _text(v) for k, v in record.variables.items()}
    if record.names and any(_names(v) is not v for v in record.names.values()):
        out["names"] = {k: _names(v) for k, v in record.names.items()}
    return out
