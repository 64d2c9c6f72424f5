"""RIS writer.

Lines are ``TG  - value`` with CRLF endings, as the spec asks. RIS has no preprint
type: preprints get ``TY  - UNPB`` by default (an option), ``T2``/``PB`` arXiv and the
id in ``AN``. Values are single lines, so a value can never start a tag of its own
(``ER  -``): every line break ``str.splitlines()`` knows (CR, LF, VT, FF, U+001C-U+001E,
NEL, U+2028, U+2029), with the white space around it, becomes one space (reported, once a
tag: an abstract's paragraphs are joined), and a value's leading and trailing white space is
dropped, as every RIS reader drops it. Other control
characters (NUL, ESC, DEL, C1) and lone surrogates are never written raw: each becomes
U+FFFD, with a warning. A citation key given by the input goes to ``ID`` (the reader
takes it back from there). The record's CSL variable maps go to the tags
``tables.VARIABLE_TAGS`` gives them for the RIS type written (a series: ``T3``; its
editor: ``A3``, or ``A2`` in a book); a variable that type has no tag for is reported
as dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TextIO

from ...diagnostics import Reporter
from ...extras import Extra, Kind
from ...keys import KeyAllocator
from ...model import Date, Name, Record, Text, iso_year
from ...options import Options
from ...piece import Piece
from ...rules import Rule
from ...rules import write as write_rules
from ...text.markup import to_plain
from ...text.months import SEASON_NAMES
from ...titles import VOLUME_VARIABLES, as_one_volume
from ...unwritten import report_unwritten
from ..sniff import ris as detect  # noqa: F401 (the format's detector, re-exported)
from .tables import (
    CONFERENCE_TYPES,
    DEFAULT_RIS_TYPE,
    LANGUAGE_RULES,
    MAP_VARIABLES,
    REPEATABLE_TAGS,
    RIS_TO_CSL,
    RIS_TYPES,
    SLOT_RULES,
    reads_as_preprint,
    rules_for,
    variable_for,
    variables_for,
)

_NEWLINES = re.compile(r"\s*[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+\s*")  # str.splitlines()'s breaks
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")  # tab aside; breaks are gone by then
_TAG = re.compile(r"^[A-Z][A-Z0-9]$")
_PAGE_RANGE = re.compile(r"^\s*(\w+)\s*[-–—]+\s*(\w+)\s*$")
# a count of pages: "16", or front matter and body as books give it ("xii + 340")
_PAGE_COUNT = re.compile(r"\s*(?:[0-9]+|[ivxlcdm]+)(?:\s*\+\s*(?:[0-9]+|[ivxlcdm]+))*\s*$", re.IGNORECASE)



# the CSL variables of the record's maps this writer writes, where the record's RIS type has a
# tag for them (tables.VARIABLE_TAGS); written_variables(record) says which for one record
# (and a volume's titles, as the record's: titles.as_one_volume)
WRITTEN_VARIABLES: frozenset[str] = MAP_VARIABLES | VOLUME_VARIABLES
_TY = Extra("ris", "TY")  # the RIS type the input gave, where the writer would choose another


def written_variables(record: Record, options: Options | None = None) -> frozenset[str]:
    """The map variables written for this record: those its RIS type has a tag for."""
    return variables_for(_ty(record, options or Options()).upper()) | VOLUME_VARIABLES


def _ty(record: Record, options: Options) -> str:
    original = record.extras.get(_TY)
    if original:
        return original
    if record.type == "article":
        return options.ris_type
    return RIS_TYPES.get(record.type, DEFAULT_RIS_TYPE)


def write(records: Iterable[Record], out: TextIO, report: Reporter, options: Options | None = None,
          piece: Piece | None = None) -> int:
    options = options or Options()
    keys = piece.keys if piece else KeyAllocator.for_options(options, report)
    count = piece.before if piece else 0
    for record in records:
        key = keys.key_for(record)
        lines = ["\r\n"] if count else []
        broken: set[str] = set()
        for tag, value in _tags(record, key, options, report):
            line, replaced = _line(value)
            if not value.isprintable() and _NEWLINES.search(value.strip()) and tag not in broken:
                broken.add(tag)  # (said once a tag: a paragraph break is no word)
                report.lost(key, _path(tag, record, options), "RIS", record=record, value="its line breaks")
            if replaced:
                report.warning("write.control-char", f"{replaced} control character{'s' * (replaced > 1)} in {tag} "
                               "written as U+FFFD (RIS carries text only)", key=key, record=record, field=tag)
            lines.append(f"{tag}  - {line}\r\n")
        lines.append("ER  - \r\n")
        out.write("".join(lines))  # one write a record: the output may be a checking wrapper
        count += 1
    return count - (piece.before if piece else 0)


_TAG_PATHS = {"AB": "abstract", "N2": "abstract", "N1": "note", "TI": "title", "T1": "title", "T2": "container_title"}


def _path(tag: str, record: Record, options: Options) -> str | Extra:
    """The record's field a tag was written from, for the loss report."""
    return _TAG_PATHS.get(tag) or variable_for(tag, _ty(record, options).upper()) or Extra("ris", tag)


def _report_split_literals(record: Record, key: str, report: Reporter) -> None:
    """An organisation's name holding a comma ("Smith, Jones and Partners") reads back from
    RIS as a person's "Family, Given" unless the reader knows it for an organisation: said."""
    for path, names in (("authors", record.authors), ("editors", record.editors), *record.names.items()):
        for name in names:
            if name.literal is not None and "," in name.literal:
                from .reader import parse_name  # (rare: only for such names)

                again = parse_name(name.literal)[0]
                if again is None or again.literal is None:
                    report.lost(key, path, "RIS", "its name tag (read back as a person's family and given names)",
                                record=record, value=name.literal)


def _line(value: str) -> tuple[str, int]:
    """The value on one line, and how many control characters it had to replace."""
    if value.isprintable():  # no line break and no control character (nearly every value): no scan
        return value.strip(), 0
    return _CONTROL.subn("\ufffd", _NEWLINES.sub(" ", value).strip())


def _text(value: Text, options: Options) -> str:
    return to_plain(value, plain_math=options.plain_math)


# a suffix inside a family name ("{Bailey, Jr.}", as Beebe braces it for BibTeX's sorting): RIS's
# "Last, First, Suffix" has its place for it, where the comma would otherwise split the family
_FAMILY_SUFFIX = re.compile(r"(?P<family>[^,]+),\s*(?P<suffix>(?:Jr|Sr)\.?|I{2,3}|IV|V|VI{1,3})")


def _name(name: Name) -> str:
    if name.literal is not None:
        return _organisation(name.literal)
    family = " ".join(p for p in (name.non_dropping_particle, name.family) if p)
    given = " ".join(p for p in (name.given, name.dropping_particle) if p)
    suffix = name.suffix
    if "," in family and not suffix and (match := _FAMILY_SUFFIX.fullmatch(family)):
        family, suffix = match["family"].strip(), match["suffix"]
    parts = [family, given] + ([suffix] if suffix else [])
    if given or suffix:
        return ", ".join(parts)
    return family if name.non_dropping_particle else _organisation(family)  # (a family name alone reads as one)


def _organisation(literal: str) -> str:
    """An organisation's name (or a family name alone) as is, or with EndNote's trailing comma
    where a reader would take it for a person's given and family names ("Electronic Arts,",
    not "Arts, Electronic")."""
    if "," in literal or len(literal.split()) < 2:
        return literal
    from .reader import parse_name  # (an organisation of several words: rare)

    again = parse_name(literal)[0]
    return literal if again is not None and again.literal is not None else f"{literal.rstrip()},"


def _da(date: Date) -> str:
    assert date.year is not None  # (callers write DA for dates with a year)
    parts = [iso_year(date.year), f"{date.month:02d}" if date.month else "", f"{date.day:02d}" if date.day else ""]
    # a season in the "other" part, as Zotero's RIS export writes it ("1969///Spring")
    season = SEASON_NAMES[date.season - 1] if date.season is not None and _season_only(date) else ""
    return "/".join(parts) + "/" + season


def _season_only(date: Date) -> bool:
    return date.season is not None and date.month is None and date.day is None


class _VariableSink:
    """The writer's side of VARIABLE_TAGS (rules.Sink): the rule's first tag, a line a value."""

    def __init__(self, record: Record, ty: str, tags: list[tuple[str, str]], options: Options):
        self.record = record
        self.kind = ty
        self.tags = tags
        self.options = options

    def value(self, rule: Rule) -> Any:
        slot = rule.how.slot
        if slot == "names":
            return self.record.names.get(rule.variable)
        if slot == "core":
            return getattr(self.record, rule.variable) or None
        return self.record.variables.get(rule.variable) if slot == "variables" else None  # (editors: ED)

    def field(self, rule: Rule) -> str:
        return rule.fields[0]

    def emit(self, field: str, written: list[str]) -> None:
        self.tags.extend((field, line) for line in written)

    def name(self, person: Name) -> str:
        return _name(person)

    def text(self, value: Text) -> str:
        return _text(value, self.options)


_AFFILIATION = frozenset({"affiliation"})


def _names_affiliations(record: Record) -> tuple[str, ...]:
    """The names' institutions, each once, in order: AD, as Scopus and Web of Science write it."""
    return tuple(dict.fromkeys(a for names in (record.authors, record.editors, *record.names.values())
                               for name in names for a in name.affiliation))


def _report_uncarried(record: Record, key: str, report: Reporter) -> None:
    """What RIS has no tag for, said once per record."""
    if record.editors_etal:
        report.lost(key, "editors_etal", "RIS", record=record)
    if record.ids.arxiv_version:
        report.lost(key, "ids.arxiv_version", "RIS", record=record)
    if record.ids.pmcid:
        report.lost(key, "ids.pmcid", "RIS", record=record)
    date = record.issued
    if date and (date.end or (date.season and not _season_only(date)) or date.circa):
        what = "end of range" if date.end else "circa" if date.circa else "season"
        report.lost(key, "issued", "RIS", record=record, value=what)


def _tags(record: Record, key: str, options: Options, report: Reporter) -> list[tuple[str, str]]:
    record = as_one_volume(record, report, key, "RIS")
    ty = _ty(record, options)
    # (an event title without proceedings has no tag: a lone T2 reads back as the proceedings)
    conference = ty.upper() in CONFERENCE_TYPES and "event-title" in record.variables and bool(record.container_title)
    affiliations = record.affiliations or _names_affiliations(record)
    report_unwritten(report, record, key, "RIS", variables_for(ty.upper()) | ({"event-title"} if conference else set()),
                     name_details=_AFFILIATION if affiliations and not record.affiliations else False)
    name_rules, text_rules = rules_for(ty.upper())
    maps = bool(record.variables or record.names)
    tags: list[tuple[str, str]] = [("TY", ty)]
    read_back = RIS_TO_CSL.get(ty.upper())
    if record.ids.arxiv and reads_as_preprint(  # (the container's text only for an arXiv record)
            ty.upper(), True, record.publisher, record.container_title.plain() if record.container_title else None):
        read_back = "article"
    if read_back is not None and read_back != record.type and record.type != "article":  # (UNPB, GEN: the option)
        report.lost(key, "type", "RIS", f"TY {ty} (read back as {read_back})", record=record, value=record.type)
    if record.key and options.keep_keys:
        tags.append(("ID", record.key))  # as given: RIS ids need not be unique or key-safe
    if record.title:
        tags.append(("TI", _text(record.title, options)))
    tags.extend(("AU", _name(n)) for n in record.authors)
    tags.extend(("AD", affiliation) for affiliation in affiliations)  # (after the authors, as Scopus writes it)
    if record.authors_etal:
        report.lost(key, "authors_etal", "RIS", record=record)
    tags.extend(("ED", _name(n)) for n in record.editors)
    if maps:
        write_rules(name_rules, _VariableSink(record, ty, tags, options))
    _report_split_literals(record, key, report)
    _report_uncarried(record, key, report)
    if record.issued:
        if record.issued.year is not None:
            tags.append(("PY", iso_year(record.issued.year)))
            tags.append(("DA", _da(record.issued)))
        elif record.issued.literal:
            tags.append(("PY", record.issued.literal))
    ids = record.ids
    is_preprint = record.type == "article" and ids.arxiv
    if conference and record.container_title:  # (conference says there is one; for the type checker)
        tags.append(("T2", _text(record.variables["event-title"], options)))
        tags.append(("C3", _text(record.container_title, options)))
    elif record.container_title:
        tags.append(("T2", _text(record.container_title, options)))
    elif is_preprint:
        tags.append(("T2", "arXiv"))
    sink = _VariableSink(record, ty, tags, options)
    write_rules(SLOT_RULES, sink)
    if record.pages and variable_for("SP", ty.upper()) == "number-of-pages":
        # a book's SP is its number of pages; its pages, when a count and no number of pages is
        # given, are that count (classic BibTeX's books, as Zotero reads them: numPages); a range
        # within it has no tag
        if "number-of-pages" not in record.variables and _PAGE_COUNT.match(record.pages):
            tags.append(("SP", record.pages.strip()))
            report.lost(key, "pages", "RIS", "SP (read back as number-of-pages)", record=record, value=record.pages)
        else:
            report.lost(key, "pages", "RIS", record=record, value=record.pages)
    elif record.pages:
        match = _PAGE_RANGE.match(record.pages)
        # (a range whose ends agree, "120--120", stays whole: SP and EP alike read back as one page)
        tags.extend([("SP", match[1]), ("EP", match[2])] if match and match[1] != match[2] else [("SP", record.pages)])
    if record.abstract:
        tags.append(("AB", _text(record.abstract, options)))
    if record.note:
        tags.append(("N1", _text(record.note, options)))
    if record.primary_doi:
        tags.append(("DO", record.primary_doi))
        for extra in record.other_dois:
            report.lost(key, "ids.doi", "RIS", record=record, value=extra)
    if ids.primary_url:
        tags.append(("UR", ids.primary_url))
    tags.extend(("UR", link) for link in ids.links)
    if ids.arxiv:
        tags.append(("AN", f"arXiv:{ids.arxiv}"))
    if affiliations and not record.affiliations:
        report.lost(key, "name affiliation", "RIS", "AD (read back as the authors', for no one author)",
                    record=record)
    tags.extend(("L1", attachment.location) for attachment in record.attachments)
    if any(a.title or a.media_type for a in record.attachments):
        report.lost(key, "attachments", "RIS", record=record, value="their titles and media types")
    tags.extend(("SN", value) for value in (*ids.isbn, *ids.issn))
    if ids.arxiv_class and ids.arxiv_class not in record.keywords:
        tags.append(("KW", ids.arxiv_class))
    tags.extend(("KW", kw) for kw in record.keywords)
    write_rules(LANGUAGE_RULES, sink)
    if record.accessed and not record.accessed.year:  # Y2 is a RIS date: YYYY/MM/DD/
        report.lost(key, "accessed", "RIS", record=record, value=record.accessed.literal)
    elif record.accessed:
        tags.append(("Y2", _da(record.accessed)))
        if record.accessed.end or record.accessed.circa:
            report.lost(key, "accessed", "RIS", record=record,
                        value=f"end of range {record.accessed.end.iso()}" if record.accessed.end else "circa")
    if ids.pmid:  # RIS has no PMID tag; exporters put it in AN, which an arXiv id already holds
        if ids.arxiv:
            report.lost(key, "ids.pmid", "RIS", record=record)
        else:
            tags.append(("AN", ids.pmid))
            report.lost(key, "ids.pmid", "RIS", "AN (reads back as an accession number)", record=record)
    if maps:
        write_rules(text_rules, sink)
    written = {tag for tag, _ in tags}
    for extra_key, value in record.extras.items():
        if extra_key == _TY:
            continue
        tag = extra_key.field
        if extra_key.format == "ris" and extra_key.kind is Kind.VALUE and _TAG.match(tag) and (
                tag not in written or tag in REPEATABLE_TAGS):
            tags.extend((tag, v) for v in value.split("\n"))
        else:  # another format's field, or a second value most importers would take instead of the first
            report.lost(key, extra_key, "RIS", record=record)
    return tags
