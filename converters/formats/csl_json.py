"""CSL-JSON writer (the reader lives beside it once written).

Only schema types and schema keys are written (one bad item makes Zotero reject the
whole file). Everything without a CSL variable goes to ``custom``, which the schema
keeps for exactly that. Titles are CSL rich text (``<span class="nocase">``);
abstracts and notes plain text; maths stays TeX unless plain_math is asked for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

from ..diagnostics import Reporter
from ..keys import KeyAllocator
from ..model import Date, Name, Record
from ..options import Options
from ..text.markup import to_csl, to_plain

# CSL variables a "csl:" extra may be written back to (the schema's item keys).
CSL_VARIABLES = frozenset(
    """DOI ISBN ISSN PMCID PMID URL abstract accessed annote archive archive-place archive_collection
    archive_location author authority available-date call-number categories chair chapter-number
    citation-key citation-label citation-number collection-editor collection-number collection-title
    compiler composer container-author container-title container-title-short contributor curator
    dimensions director division edition editor editorial-director event event-date event-place
    event-title executive-producer first-reference-note-number genre guest host illustrator interviewer
    issue issued journalAbbreviation jurisdiction keyword language locator medium narrator note number
    number-of-pages number-of-volumes organizer original-author original-date original-publisher
    original-publisher-place original-title page page-first part part-title performer printing producer
    publisher publisher-place recipient references reviewed-author reviewed-genre reviewed-title scale
    script-writer section series-creator shortTitle source status submitted supplement title title-short
    translator version volume volume-title volume-title-short year-suffix""".split()
)


def detect(head: str) -> bool:
    text = head.lstrip("\ufeff \t\r\n")
    return text[:1] in "[{" and '"type"' in head and ('"id"' in head or '"title"' in head)


def write(records: Iterable[Record], out: TextIO, report: Reporter, options: Options | None = None) -> int:
    options = options or Options()
    keys = KeyAllocator(options.keep_keys)
    count = 0
    if not options.ndjson:
        out.write("[")
    for record in records:
        item = to_item(record, keys.key_for(record), options, report)
        if options.ndjson:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
        else:
            out.write(",\n  " if count else "\n  ")
            out.write(json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        count += 1
    if not options.ndjson:
        out.write("\n]\n" if count else "]\n")
    return count


def _name(name: Name) -> dict[str, str]:
    if name.is_literal:
        return {"literal": name.literal}
    out = {}
    for attr, key in (("family", "family"), ("given", "given"), ("dropping_particle", "dropping-particle"),
                      ("non_dropping_particle", "non-dropping-particle"), ("suffix", "suffix")):
        value = getattr(name, attr)
        if value:
            out[key] = value
    return out


def _date(date: Date) -> dict[str, Any]:
    if date.year is None:
        return {"literal": date.literal}
    parts = [date.parts()]
    if date.end and date.end.year is not None:
        parts.append(date.end.parts())
    out: dict[str, Any] = {"date-parts": parts}
    if date.season:
        out["season"] = date.season
    if date.circa:
        out["circa"] = True
    return out


def to_item(record: Record, key: str, options: Options, report: Reporter) -> dict[str, Any]:
    item: dict[str, Any] = {"id": key, "type": record.type}
    custom: dict[str, Any] = {}
    plain_math = options.plain_math
    if record.key and record.key != key:
        custom["original-key"] = record.key
    if record.title:
        item["title"] = to_csl(record.title, plain_math=plain_math)
    if record.authors:
        item["author"] = [_name(n) for n in record.authors]
    if record.authors_etal:
        custom["author-etal"] = True
    if record.editors:
        item["editor"] = [_name(n) for n in record.editors]
    if record.editors_etal:
        custom["editor-etal"] = True
    if record.issued:
        item["issued"] = _date(record.issued)
    if record.accessed:
        item["accessed"] = _date(record.accessed)
    if record.container_title:
        item["container-title"] = to_csl(record.container_title, plain_math=plain_math)
    for attr, var in (("publisher", "publisher"), ("publisher_place", "publisher-place"), ("volume", "volume"),
                      ("issue", "issue"), ("pages", "page"), ("edition", "edition"), ("language", "language")):
        value = getattr(record, attr)
        if value:
            item[var] = value
    ids = record.ids
    if ids.arxiv:
        item["number"] = f"arXiv:{ids.arxiv}"
        if record.number:
            custom["number"] = record.number
        if ids.arxiv_version:
            item["version"] = str(ids.arxiv_version)
        if ids.arxiv_class:
            custom["arxiv-primary-class"] = ids.arxiv_class
    elif record.number:
        item["number"] = record.number
    if ids.primary_doi:
        item["DOI"] = ids.primary_doi
    if len(ids.all_dois) > 1:
        custom["DOIs"] = list(ids.all_dois)
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
        item["keyword"] = ", ".join(record.keywords)
    if record.abstract:
        item["abstract"] = to_plain(record.abstract, plain_math=plain_math)
    if record.note:
        item["note"] = to_plain(record.note, plain_math=plain_math)
    for extra_key, value in record.extras.items():
        namespace, _, name = extra_key.partition(":")
        if namespace == "csl" and name in CSL_VARIABLES and name not in item:
            item[name] = value
        else:
            custom[extra_key] = value
    if custom:
        item["custom"] = custom
    return item
