"""CSL-JSON writer.

Only schema types and schema keys are written (one bad item makes Zotero reject the
whole file). Everything without a CSL variable goes to ``custom``, which the schema
keeps for exactly that. Titles are CSL rich text (``<span class="nocase">``);
abstracts plain text (escaped only where a reader would see a tag or an entity);
maths stays TeX unless plain_math is asked for.
English BibTeX titles of works are written in CSL's sentence case (text/sentence_case.py;
``sentence_case=False`` keeps the letters), and an entry with a subtitle but no short
title gets biblatex's short form as title-short (titles.derived_title_short).

Every CSL variable of the record's maps is written: the title-like text variables as
rich text, the others plain, names as name objects, dates as date objects. A name's
ORCID iD and affiliation, which the schema allows on no name object, go to
``custom["csl:<variable>-meta"]`` (one object per name, in order, Crossref's keys:
``"ORCID": "https://orcid.org/..."``, ``"affiliation": [{"name": ...}]``) with the other
name keys read from CSL-JSON; the schema's ``comma-suffix``, ``static-ordering`` and
``parse-names`` go back on the name (``parse-names: false`` also on a given name holding a
comma and a family name in double quotes, which processors would otherwise read as a suffix
and as a name without them). When an arXiv record has a ``version`` variable of its own, the
arXiv version goes to ``custom["arxiv-version"]``.

Extras read from CSL-JSON come back where they were: ``Extra("csl", variable)`` as the
top-level variable when the item does not already have it and the value has the
shape the schema asks for (names, dates and ``categories`` are stored as JSON text;
anything else goes to ``custom``), a ``custom`` member (``Kind.CUSTOM``, JSON text) as
``custom[member]``. Every other extra goes to ``custom`` under its text form
(``"bibtex:howpublished"``, converters/extras.py), which the reader reads back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from ... import csl, targets
from ...diagnostics import Reporter
from ...extras import Extra, Kind
from ...keys import KeyAllocator
from ...keys import report_change as report_key_change
from ...model import Date, Name, Record, Syntax, Text
from ...options import Options
from ...piece import Piece
from ...serialize import encode_json, encode_json_parts, escape_line_breaks
from ...text.ids import ORCID_URL
from ...text.markup import producer_markup, to_csl, to_plain
from ...titles import CONTAINED_TYPES, derived_title_short
from ...unwritten import report_unwritten
from ..sniff import csl_json as detect  # noqa: F401 (the format's detector, re-exported)
from .tables import (
    ARRAY_VARIABLES,
    CSL_VARIABLES,
    DATE_KEYS,
    DATE_VARIABLES,
    ESCAPED_HYPHEN,
    NAME_KEYS,
    NAME_VARIABLES,
    NON_RANGE_HYPHEN,
    RICH_TEXT_VARIABLES,
    SLOT_VARIABLES,
    from_note,
    note_lines,
    suffix_in_given,
    unquoted,
)

# the CSL variables of the record's maps this writer writes: all of them
WRITTEN_VARIABLES: frozenset[str] = csl.VARIABLES | csl.NAME_VARIABLES | csl.DATE_VARIABLES
# Titles of works, which an English BibTeX title gives in title case and CSL stores in
# sentence case (text/sentence_case.py); a container's title only when the container is a
# book: a journal's title, like an event's, is a name and keeps its capitals (as pandoc has it)
SENTENCE_CASE_VARIABLES = frozenset(
    "title title-short collection-title volume-title original-title part-title reviewed-title".split())
# name keys the schema allows beside the name's parts: put back on the name object
_NAME_FLAGS = ("comma-suffix", "static-ordering", "parse-names")


def write(records: Iterable[Record], out: TextIO, report: Reporter, options: Options | None = None,
          piece: Piece | None = None) -> int:
    options = options or Options()
    keys = piece.keys if piece else KeyAllocator.for_options(options, report)
    count = piece.before if piece else 0
    if not options.ndjson and (piece is None or piece.opens):
        out.write("[")
    for record in records:
        key = keys.key_for(record)
        if options.keep_keys and key != record.key:
            report_key_change(report, record, key)
        item = to_item(record, key, options, report)
        if options.ndjson:
            out.write(encode_json(item) + "\n")
        else:
            out.write(",\n  " if count else "\n  ")
            out.write(_pretty(item))
        count += 1
    if not options.ndjson and (piece is None or piece.closes):
        out.write("\n]\n" if count else "]\n")
    return count - (piece.before if piece else 0)



def _pretty(item: dict[str, Any]) -> str:
    """One variable a line, each value compact: readable, and json's C encoder does the work
    (indent= falls back to its pure-Python encoder, several times slower)."""
    parts = ",\n".join(f"    {encode_json_parts(key)}: {encode_json_parts(value)}" for key, value in item.items())
    return escape_line_breaks("{\n" + parts + "\n  }")  # once per item, not per value


def _name(name: Name) -> dict[str, str]:
    if name.literal is not None:
        return {"literal": name.literal}
    out = {}
    for attr, key in (("family", "family"), ("given", "given"), ("dropping_particle", "dropping-particle"),
                      ("non_dropping_particle", "non-dropping-particle"), ("suffix", "suffix")):
        value = getattr(name, attr)
        if value:
            out[key] = value
    return out


def _split_by_processors(name: Name) -> bool:
    """Whether CSL processors (and refconv's reader) would read this name otherwise than its
    parts say: part of a given name as a suffix, or a family name in double quotes as one without them."""
    given = name.given
    return (given is not None and not name.suffix and suffix_in_given(given) != (given, None, False, False)) or (
        unquoted(name.family)[1])


def _read_back_as_written(plain: str) -> str:
    """A plain abstract as it is, unless a reader of CSL strings (citeproc, refconv) would take
    some of it for a tag or an entity ("the <b> tag", "AT&amp;T"): then "&" and "<" escaped."""
    if ("<" in plain or "&" in plain) and to_plain(Text(producer_markup(plain), Syntax.HTML)) != plain:
        return plain.replace("&", "&amp;").replace("<", "&lt;")
    return plain


def _date(date: Date) -> dict[str, Any]:
    if date.year is None:
        return {"literal": date.literal}
    parts = [date.parts()]
    if date.end and date.end.year is not None:
        end = date.end.parts()
        if date.end.season and date.end.month is None:
            end.append(20 + date.end.season)  # CSL writes a season as month 21-24
        parts.append(end)
    out: dict[str, Any] = {"date-parts": parts}
    if date.season:
        out["season"] = date.season
    if date.circa:
        out["circa"] = True
    return out


def _names(var: str, names: tuple[Name, ...], record: Record, item: dict[str, Any], custom: dict[str, Any],
           used: set[str | Extra]) -> None:
    """``item[var]`` as CSL name objects; what a name carries that CSL has no key for (ORCID,
    affiliation, the other keys a producer wrote, read into extras ``csl:<var>-meta``) goes to
    ``custom["csl:<var>-meta"]``, one object per name, in order: the schema allows no other key
    on a name."""
    objects = [_name(n) for n in names]
    item[var] = objects
    meta_key = Extra("csl", var, Kind.NAME_META)
    metas = _loads(record.extras[meta_key]) if meta_key in record.extras else None
    if isinstance(metas, list) and len(metas) == len(names) and all(isinstance(m, dict) for m in metas):
        used.add(meta_key)  # written here, with the names, not as an extra
    elif any(n.orcid or n.affiliation or _split_by_processors(n) for n in names):
        metas = [{}] * len(names)  # (copied below)
    else:
        return  # nearly every record
    written = []
    for name, obj, meta in zip(names, objects, metas, strict=True):
        meta = dict(meta)
        if _split_by_processors(name):
            meta["parse-names"] = False  # as written: a given name with a comma ("John, Jr." from elsewhere)
        for flag in _NAME_FLAGS:
            if flag in meta and (_scalar(meta[flag]) or isinstance(meta[flag], bool)):
                obj[flag] = meta.pop(flag)
        if name.orcid:
            meta["ORCID"] = ORCID_URL + name.orcid  # as Crossref writes it
            used.add("name orcid")
        if name.affiliation:
            meta["affiliation"] = [{"name": a} for a in name.affiliation]
            used.add("name affiliation")
        written.append(meta)
    if any(written):
        custom[str(meta_key)] = written


def to_item(record: Record, key: str, options: Options, report: Reporter) -> dict[str, Any]:
    report_unwritten(report, record, key, "CSL-JSON", WRITTEN_VARIABLES, name_details=True)
    item: dict[str, Any] = {"id": key, "type": record.type}
    if record.key and record.key != key:  # the id had to differ (made unique, or --new-keys): the key given
        item["citation-key"] = record.key  # CSL 1.0.2's own place for it (Zotero 7: Citation Key)
    custom: dict[str, Any] = {}
    used: set[str | Extra] = set()  # extras written with the names, and "name orcid"/"name affiliation" when written
    plain_math = options.plain_math
    sentence = options.sentence_case and _english(record.language)
    if record.title:
        # a periodical's title is its name, unless the record is one issue of it (its container)
        issue_of = record.type != "periodical" or record.container_title is not None
        item["title"] = to_csl(record.title, plain_math=plain_math, sentence=sentence and issue_of)
    if record.authors:
        _names("author", record.authors, record, item, custom, used)
    if record.authors_etal:
        custom["author-etal"] = True
    if record.editors:
        _names("editor", record.editors, record, item, custom, used)
    if record.editors_etal:
        custom["editor-etal"] = True
    if record.issued:
        item["issued"] = _date(record.issued)
    if record.accessed:
        item["accessed"] = _date(record.accessed)
    if record.container_title:
        item["container-title"] = to_csl(record.container_title, plain_math=plain_math,
                                         sentence=sentence and record.type in CONTAINED_TYPES)
    for attr, var in SLOT_VARIABLES:
        value = getattr(record, attr)
        if value:
            item[var] = value
    if NON_RANGE_HYPHEN in item.get("page", ""):
        item["page"] = item["page"].replace(NON_RANGE_HYPHEN, ESCAPED_HYPHEN)
    ids = record.ids
    if ids.arxiv:
        item["number"] = f"arXiv:{ids.arxiv}"
        if record.number:
            custom["number"] = record.number
        if "version" in record.variables:  # "version" is the record's own (null: no arXiv version)
            custom["arxiv-version"] = ids.arxiv_version
        elif ids.arxiv_version:
            item["version"] = str(ids.arxiv_version)
        if ids.arxiv_class:
            custom["arxiv-primary-class"] = ids.arxiv_class
    elif record.number:
        item["number"] = record.number
    dois = record.dois
    if dois:
        item["DOI"] = dois[0]
    if len(dois) > 1:
        custom["DOIs"] = list(dois)
    if ids.primary_url:
        item["URL"] = ids.primary_url
    if ids.isbn:
        item["ISBN"] = ids.isbn[0] if len(ids.isbn) == 1 else " ".join(ids.isbn)
    if ids.issn:
        item["ISSN"] = ids.issn[0] if len(ids.issn) == 1 else " ".join(ids.issn)
    if ids.pmid:
        item["PMID"] = ids.pmid
    if ids.pmcid:
        item["PMCID"] = ids.pmcid
    if record.keywords:
        # (a keyword holding a comma, "Evolution, Biological": the list is separated by semicolons)
        item["keyword"] = ("; " if any("," in word for word in record.keywords) else ", ").join(record.keywords)
    if record.affiliations:  # (no CSL variable: the authors', for no one author)
        custom["affiliations"] = list(record.affiliations)
        report.lost(key, "affiliations", "CSL-JSON", "custom", record=record)
    if ids.links:  # (CSL has one URL)
        custom["links"] = list(ids.links)
        report.lost(key, "ids.links", "CSL-JSON", "custom", record=record)
    if record.attachments:
        custom["attachments"] = [{name: value for name, value in (
            ("location", a.location), ("title", a.title), ("media-type", a.media_type)) if value is not None}
            for a in record.attachments]
        report.lost(key, "attachments", "CSL-JSON", "custom", record=record)
    if record.abstract:
        # plain text: reference managers (Zotero) show an abstract's tags literally; CSL rich text is for titles
        item["abstract"] = _read_back_as_written(to_plain(record.abstract, plain_math=plain_math))
    if record.note:
        item["note"] = to_csl(record.note, plain_math=plain_math)
    short = derived_title_short(record) if record.extras else None
    if short is not None:
        item["title-short"] = to_csl(short, plain_math=plain_math, sentence=sentence)
    for var, text in record.variables.items():
        if var in RICH_TEXT_VARIABLES:
            item[var] = to_csl(text, plain_math=plain_math, sentence=sentence and var in SENTENCE_CASE_VARIABLES)
        else:  # plain, as the abstract: citeproc would read tags, but producers write these as text
            item[var] = to_plain(text, plain_math=plain_math)
    for var, names in record.names.items():
        _names(var, names, record, item, custom, used)
    for var, date in record.dates.items():
        item[var] = _date(date)
    for detail in ("name affiliation", "name orcid"):
        if detail in used:  # CSL has no key for them on a name object (csl-data.json)
            report.lost(key, detail, "CSL-JSON", "custom", record=record)
    for extra_key, value in record.extras.items():
        if extra_key in used:
            continue
        name, kind = extra_key.field, extra_key.kind
        if extra_key.format == "csl" and kind is Kind.CUSTOM:
            custom.setdefault(name, _loads(value, value))
            continue
        variable = (_as_variable(name, value) if extra_key.format == "csl" and kind is Kind.VALUE and name not in item
                    else None)
        flat = str(extra_key)  # custom's keys are text: the extra's text form
        if variable is not None:
            item[name] = variable
        elif flat in custom:  # the names' meta, when it no longer lines up with the names
            custom[f"{flat}.unaligned"] = value
        else:
            custom[flat] = value
    if custom:
        item["custom"] = custom
    if options.target is not None:  # the one place an import target reshapes an item (targets.py)
        shape = targets.shape(options.target, "csl-json")
        if isinstance(shape, targets.CslShape):
            plain_note = to_plain(record.note, plain_math=plain_math) if record.note else None
            shape.apply(item, plain_note)
    note = item.get("note")
    if isinstance(note, str) and ":" in note and (
            misread := [(var, value) for _, var, value in note_lines(note)[0] if from_note(var, item)]):
        var, value = misread[0]
        report.warning("write.note-reads-as-variables", f"the note opens with '{var}: {value[:40]}', which "
                       f"citeproc-js, pandoc and refconv read as the variable {var}", key=key, record=record,
                       field="note", hint="CSL-JSON has no way to say a note's line is text")
    return item


def _english(language: str | None) -> bool:
    """An English record, or one whose language is not given (BibTeX's styles assume English)."""
    return language is None or language[:2].lower() == "en" and language[2:3] in ("", "-")


def _loads(text: str, default: Any = None) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return default


def _as_variable(name: str, value: str) -> Any:
    """A CSL-JSON extra as the top-level variable's value, or None when it has no schema-valid shape."""
    if name not in CSL_VARIABLES:
        return None
    if name in NAME_VARIABLES:
        names = _loads(value)
        return names if _valid_names(names) else None
    if name in DATE_VARIABLES:
        date = _loads(value)
        return date if _valid_date(date) else None
    if name in ARRAY_VARIABLES:
        items = _loads(value)
        ok = isinstance(items, list) and all(isinstance(i, str) for i in items)
        return items if ok else None
    return value


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _valid_names(names: Any) -> bool:
    if not isinstance(names, list):
        return False
    for name in names:
        if not isinstance(name, dict) or not set(name) <= NAME_KEYS:
            return False
        for key, value in name.items():
            flag = key in ("comma-suffix", "static-ordering", "parse-names")
            if not (isinstance(value, str) or (flag and (_scalar(value) or isinstance(value, bool)))):
                return False
    return True


def _valid_date(date: Any) -> bool:
    if not isinstance(date, dict) or not set(date) <= DATE_KEYS:
        return False
    parts = date.get("date-parts", [[0]])
    if not (isinstance(parts, list) and 1 <= len(parts) <= 2):
        return False
    if not all(isinstance(p, list) and 1 <= len(p) <= 3 and all(_scalar(x) for x in p) for p in parts):
        return False
    if "season" in date and not _scalar(date["season"]):
        return False
    if "circa" in date and not (_scalar(date["circa"]) or isinstance(date["circa"], bool)):
        return False
    return all(isinstance(date[k], str) for k in ("literal", "raw") if k in date)
