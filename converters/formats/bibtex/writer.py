"""BibTeX and BibLaTeX writer.

Decisions (see MAPPING.md and the README): preprints are ``@misc`` in BibTeX and
``@online`` in BibLaTeX; the arXiv id travels as ``eprint`` with both
``archivePrefix`` and ``eprinttype`` (Zotero reads only the latter); DOIs are bare;
classic BibTeX output is ASCII with TeX macros, BibLaTeX output UTF-8.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate
from typing import Any, TextIO

from ... import targets
from ...diagnostics import Reporter
from ...extras import Extra, Kind
from ...keys import KeyAllocator, ascii_key
from ...keys import report_change as report_key_change
from ...model import Date, Name, Record, Syntax, Text, iso_year
from ...options import Options
from ...piece import Piece
from ...rules import Rule
from ...rules import write as write_rules
from ...text import tex
from ...text.ids import ArxivIdError, normalize_isbn, normalize_issn, parse_arxiv_id, split_links
from ...text.markup import to_tex
from ...text.months import MACROS, SEASON_NAMES
from ...text.tex_encode import CharSink, combining_to_macros
from ...unwritten import report_line_breaks, report_unwritten
from .files import read_file_field, write_file_field
from .mapping import (
    ACCESSED_FIELDS,
    ARTICLE_SUBTYPES,
    CONTAINER_FIELDS,
    COUNTRY_KEYS,
    DEFAULT_ENTRY_TYPE,
    EDITOR_FIELDS,
    EDITOR_TYPES,
    ENTRY_GENRES,
    ENTRY_TYPES_WRITTEN,
    EPRINT_AS_WRITTEN,
    FILE_AS_WRITTEN,
    ISSUE_TYPES,
    LIST_PUBLISHER_FIELDS,
    MAIN_TITLE_PARTS,
    PATENT_LOCATION_KEYS,
    SERIES_NUMBER_TYPES,
    TITLE_PARTS,
    URL_AS_WRITTEN,
    VARIABLE_FIELDS,
    entry_csl_type,
    list_items,
    written_items,
)

MONTH_MACROS = MACROS
ENTRY_TYPES = ENTRY_TYPES_WRITTEN


# BibTeX type -> (BibTeX, BibLaTeX) field for the container title: the reader's table (an
# @inbook's booktitle is biber's mandatory field; plain.bst ignores it). A type without one
# writes a container as howpublished.
CONTAINER_FIELD = {entry_type: ("journal", "journaltitle") if "journaltitle" in names else ("booktitle", "booktitle")
                   for entry_type, names in CONTAINER_FIELDS.items()}

# BibTeX type -> (BibTeX, BibLaTeX) field for the publisher: standard styles want a thesis'
# school and a report's institution.
PUBLISHER_FIELD = {
    "phdthesis": ("school", "school"),
    "mastersthesis": ("school", "school"),
    "thesis": ("school", "institution"),
    "techreport": ("institution", "institution"),
    "report": ("institution", "institution"),
}

_ENTRY_TYPE = Extra("bibtex", "", Kind.ENTRY_TYPE)
_FJOURNAL_READ_AS = Extra("bibtex", "fjournal", Kind.READ_AS)
_VERSION_AS_WRITTEN = Extra("bibtex", "version", Kind.AS_WRITTEN)
_MACRO_NAME = re.compile(r"^[A-Za-z][^\s\"#%'(),={}]*$")

# Entry types and field names taken from the input (extras, CSL ``custom`` ``bibtex:`` keys)
# are written only when they are names: anything else could end the entry or add fields.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_:.+-]*\Z")

# Line breaks (everything str.splitlines() breaks at) with the blanks around them: in a
# value they become one space, as BibTeX reads them, so no line of a value starts with "@".
_LINE_BREAK = re.compile(r"[ \t]*(?:(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])[ \t]*)+")
_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_ATTENTION = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029{}\\]")  # what _safe_value handles
_UNUSUAL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_BREAK_BEFORE_BRACE = re.compile(r"(?<!\\)((?:\\\\)+)(?=[{}])")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_CONTROL_IN_LIGATURE = re.compile(r"(?<=[-`'!?])" + _CONTROL.pattern + r"+(?=[-`'])")  # "--\x00--"

_AND = re.compile(r"\sand\s", re.IGNORECASE)
_VERBATIM = frozenset({"url", "doi", "eprint"})  # biber reads them verbatim: no macros there
# a literal backtick's macro ended by {}: biber makes "{" the initial of a name part starting so
# (LaTeX stops at "Extra }"); ended by a space or by what follows, it is "`" to biber
_GRAVE_BEFORE_SPACE = re.compile(r"\\textasciigrave\{\}(?=\s|$)")
_GRAVE = re.compile(r"\\textasciigrave\{\}")


def _biber_grave(names: str) -> str:
    return _GRAVE.sub(r"\\textasciigrave ", _GRAVE_BEFORE_SPACE.sub(r"\\textasciigrave", names))


# A bare & in TeX text is an alignment tab, an error in any bibliography field (none is an
# alignment, in maths neither, unless an environment makes one); a bare % comments out the
# rest of the .bbl line (and biblatex's closing brace), a bare # is a macro parameter with no
# macro. BibTeX passes them on, so TeX kept as read gets \& \% \#, unless the text has a
# macro that reads them itself.
_BARE_SPECIAL = re.compile(r"((?<!\\)(?:\\\\)*)([&%#])")
_ALIGNMENT = re.compile(r"\\(?:begin|matrix|pmatrix|bordermatrix|cases|halign|valign|array)(?![A-Za-z])")
_OWN_READING = re.compile(r"\\(?:url|href|path|verb|nolinkurl|def|edef|gdef|newcommand|renewcommand|"
                          r"providecommand|catcode)(?![A-Za-z])")
_NOT_TEXT = frozenset(("url doi eprint file pdf verba verbb verbc urlraw "
                       "crossref xref xdata ids related entryset").split())

# a field of the input holding links only (Beebe's bibsource, journal-url, xmldata): verbatim,
# as url is; escaping its & and # would change the links
_LINKS_ONLY = re.compile(r"(?:https?|ftp)://[^\s{}\\]+(?:[;,]?\s+(?:https?|ftp)://[^\s{}\\]+)*")
_LINKS = ("crossref", "xdata")  # fields naming parents, as the extras loop writes them
_KEY_LISTS = frozenset(("crossref", "xref", "xdata", "ids", "related", "entryset"))  # fields that hold keys
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")

_PAGE_RANGE = re.compile(r"^\s*(\w+)\s*[-–—]+\s*(\w+)\s*$")


# the CSL variables of the record's maps this writer writes, both dialects alike (BibTeX
# output keeps biblatex's fields too, as it keeps every field of extras): the reader's table,
# the roles biblatex's editortype names (editor or editora ... with their type), collection-number
# (a book's `number`), and the volume's titles of a multi-volume work (with maintitle);
# volume-title-short where it has a field, the shorttitle of a volume that is not a chapter's book
WRITTEN_VARIABLES: frozenset[str] = frozenset({rule.variable for rule in VARIABLE_FIELDS} | {
    "collection-number", "volume-title", "volume-title-short"} | set(EDITOR_TYPES.values()))
_GENRE_ENTRY_TYPES = {genre.lower(): entry_type for entry_type, genre in ENTRY_GENRES.items()}
_PATENT_VARIABLES = WRITTEN_VARIABLES | {"jurisdiction"}
_COUNTRY_KEYS = {words.lower(): key for key, words in reversed(COUNTRY_KEYS.items())}  # EU: countryeu
_EDITOR_TYPE_KEYS = {role: kind for kind, role in EDITOR_TYPES.items()}


def write(records: Iterable[Record], out: TextIO, report: Reporter, options: Options | None = None,
          piece: Piece | None = None) -> int:
    return _write(records, out, report, options or Options(), biblatex=False, piece=piece)


def write_biblatex(records: Iterable[Record], out: TextIO, report: Reporter, options: Options | None = None,
                   piece: Piece | None = None) -> int:
    return _write(records, out, report, options or Options(), biblatex=True, piece=piece)


def key_allocator(options: Options, report: Reporter, *, biblatex: bool) -> KeyAllocator:
    """The keys this writer hands out: ASCII-only where the output is (8-bit BibTeX)."""
    return KeyAllocator.for_options(options, report, ascii=_tex_mode(options, biblatex) == "ascii")


def _tex_mode(options: Options, biblatex: bool) -> str:
    return options.tex or ("utf8" if biblatex else "ascii")


# biblatex's name lists (biber splits them into name parts)
NAME_LIST_FIELDS = frozenset((
    "author", "editor", "editora", "editorb", "editorc", "translator", "annotator", "commentator", "introduction",
    "foreword", "afterword", "bookauthor", "holder", "shortauthor", "shorteditor", "sortname", "namea", "nameb",
    "namec"))


@dataclass
class WrittenSoFar:
    """What the writer carries from one record to the next (``Piece.state``): only records that
    ``carries_state`` says so read or change it."""

    strings: dict[str, str] = field(default_factory=dict)  # @string macros written so far: name -> value
    preambles: set[str] = field(default_factory=set)  # a repeated @preamble would define its macros twice
    links: dict[str, list[str]] = field(default_factory=dict)  # crossref/xdata parents: lower key -> lower keys


def carries_state(record: Record) -> bool:
    """The record reads or adds to ``WrittenSoFar``: it has @string macros, @preamble text or a
    parent link (pieces of an output holding such records are written one after another)."""
    return any(key.kind is Kind.MACRO or key.kind is Kind.PREAMBLE or (key.kind is Kind.VALUE and key.field in _LINKS)
               for key in record.extras)


def _write(records: Iterable[Record], out: TextIO, report: Reporter, options: Options, *, biblatex: bool,
           piece: Piece | None = None) -> int:
    mode = _tex_mode(options, biblatex)
    target = "BibLaTeX" if biblatex else "BibTeX"
    keys = piece.keys if piece else key_allocator(options, report, biblatex=biblatex)
    state = piece.state if piece is not None and piece.state is not None else WrittenSoFar()
    strings, preambles, links = state.strings, state.preambles, state.links
    count = piece.before if piece else 0
    for record in records:
        key = keys.key_for(record)
        if options.keep_keys and key != record.key:
            report_key_change(report, record, key)
        entry_type, made = _fields(record, key, mode, options, biblatex, report, target)
        fields = []
        parents = False
        for name, value in made:
            if value.startswith("{") and _ATTENTION.search(value, 1, len(value) - 1):
                value = _safe_value(value, record, key, name, report, target)
            if name in _LINKS:
                parents = True  # made safe for LaTeX below, once cycles are cut
            elif name not in _VERBATIM and (biblatex or not value.isascii()):  # (ASCII is safe for pdflatex)
                value = combining_to_macros(value, biber=biblatex, name=name.lower() in NAME_LIST_FIELDS)
            fields.append((name, value))
        if parents:
            fields = [(name, combining_to_macros(value, biber=biblatex) if name in _LINKS else value)
                      for name, value in _without_cycles(fields, key, links, record, report, target)]
        fields, new_strings = (_with_macros(record, fields, strings)
                               if any(key.kind is Kind.MACRO for key in record.extras) else (fields, ()))
        parts = ["\n"] if count else []
        blocks = [block for block in preamble_blocks(record, report, key, ascii=mode == "ascii")
                  if block not in preambles]
        preambles.update(blocks)
        parts.extend(blocks)
        parts.extend(f"@string{{{name} = {value}}}\n\n" for name, value in new_strings)
        parts.append(f"@{entry_type}{{{key},\n")
        parts.extend(f"  {name} = {value},\n" for name, value in fields)
        parts.append("}\n")
        out.write("".join(parts))  # one write an entry: the output may be a checking wrapper
        count += 1
    return count - (piece.before if piece else 0)


def _with_macros(record: Record, fields: list[tuple[str, str]], strings: dict[str, str]
                 ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Write a field as the @string macro it was read with (an extra of kind MACRO).

    The macro is defined, before the first entry using it, with the value this writer
    would have written; a later record whose value differs gets the value in braces.
    """
    out: list[tuple[str, str]] = []
    new: list[tuple[str, str]] = []
    for name, value in fields:
        macro = record.extras.get(Extra("bibtex", name.lower(), Kind.MACRO))
        if macro and _MACRO_NAME.match(macro) and macro.lower() not in MONTH_MACROS and value.startswith("{"):
            known = strings.get(macro.lower())
            if known is None:
                strings[macro.lower()] = value
                new.append((macro, value))
            if known is None or known == value:
                out.append((name, macro))
                continue
        out.append((name, value))
    return out, new


def _without_cycles(fields: list[tuple[str, str]], key: str, links: dict[str, list[str]], record: Record,
                    report: Reporter, target: str) -> list[tuple[str, str]]:
    """The fields without a crossref/xdata parent that would close a cycle with the links
    written before (biber stops on "Circular inheritance"): merged inputs can form one."""
    out = []
    for name, value in fields:
        if name not in _LINKS:
            out.append((name, value))
            continue
        kept = []
        for parent in (p.strip() for p in value[1:-1].split(",") if p.strip()):
            if _reaches(parent.lower(), key.lower(), links):
                report.lost(key, Extra("bibtex", name), target, record=record,
                            value=f"{parent}: it would close a cycle")
            else:
                kept.append(parent)
                links.setdefault(key.lower(), []).append(parent.lower())
        if kept:
            out.append((name, _braced(", ".join(kept)) if len(kept) > 1 or kept[0] != value[1:-1] else value))
    return out


def _reaches(start: str, goal: str, links: dict[str, list[str]]) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(links.get(node, ()))
    return False


def _escape_specials(value: str) -> str:
    if ("&" not in value and "%" not in value and "#" not in value) or _OWN_READING.search(value):
        return value
    aligned = _ALIGNMENT.search(value) is not None
    return _BARE_SPECIAL.sub(lambda m: m[0] if aligned and m[2] == "&" else m[1] + "\\" + m[2], value)


def _braced(value: str) -> str:
    return "{" + value + "}"


def _safe_value(value: str, record: Record, key: str, name: str, report: Reporter, target: str) -> str:
    """The last guard before a value is written: one line, no control characters, braces
    balanced as BibTeX and bibtexparser count them, no backslash escaping the closing brace
    (a macro name such as ``jan`` passes as it is)."""
    inner = value[1:-1]
    if _UNUSUAL.search(inner):
        if _CONTROL.search(inner):
            found = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(inner)})
            report.warning("write.control-char", f"control character(s) {', '.join(found)} removed from '{name}'",
                           key=key, record=record, field=name)
            # removed, but not so as to join what they kept apart into a TeX ligature ("--\x00--")
            inner = _CONTROL.sub("", _CONTROL_IN_LIGATURE.sub("{}", inner))
        if _BREAKS.search(inner):
            if any(len(_BREAKS.findall(run)) > 1 for run in _LINE_BREAK.findall(inner)):
                report.lost(key, _record_field(record, name), target, "spaces", record=record,
                            value="paragraph breaks")
            inner = _LINE_BREAK.sub(" ", inner)
    inner = tex.balance_braces(inner)  # every path above balances its value: this is a safety net
    if "\\" in inner:
        # "\\{" is a line break and a brace, but bibtexparser takes the brace for an escaped one
        if "\\\\" in inner:  # only a doubled backslash can be one (a regex scan of every value is slow)
            inner = _BREAK_BEFORE_BRACE.sub(r"\1 ", inner)
        inner = tex.close_trailing_backslash(inner)
        if inner.endswith("\\"):
            inner += " "
    return _braced(inner)


def _verbatim(value: str, *, ascii: bool = False) -> str:
    """url/doi/eprint are verbatim: only braces could break out, so they are percent-encoded;
    in ascii mode non-ASCII too, as UTF-8 (an IRI's URI, RFC 3987 3.1), since no macro works there."""
    if ascii and not value.isascii():
        from urllib.parse import quote

        value = _NON_ASCII_RUN.sub(lambda m: quote(m[0], safe=""), value)
    if tex.bibtex_balanced(value) and tex.is_balanced(value):  # as BibTeX and as bibtexparser count
        return _braced(value)
    return _braced(value.replace("{", "%7B").replace("}", "%7D"))


def _fields(record: Record, key: str, mode: str, options: Options, biblatex: bool, report: Reporter,
            target: str) -> tuple[str, list[tuple[str, str]]]:
    dialect = 1 if biblatex else 0
    original = record.extras.get(_ENTRY_TYPE)
    if original and not _NAME.match(original):
        report.warning("write.bad-type", f"entry type {original!r} from the input is not a BibTeX name; "
                       "the record's own type is written", key=key, record=record, field="type")
        original = None
    entry_type = original.lower() if original else ENTRY_TYPES.get(record.type, DEFAULT_ENTRY_TYPE)[dialect]
    genre = record.variables.get("genre")
    if genre and not original and not biblatex and record.type == "thesis":  # a master's thesis
        entry_type = _GENRE_ENTRY_TYPES.get(genre.plain().lower(), entry_type)
    # a patent's jurisdiction is its location: written to @patent entries only
    report_unwritten(report, record, key, target, _PATENT_VARIABLES if entry_type == "patent" else WRITTEN_VARIABLES)
    report_line_breaks(report, record, key, target, paragraphs=True)
    if options.target is not None:  # the one place an import target changes BibTeX output (targets.py)
        shape = targets.shape(options.target, "biblatex" if biblatex else "bibtex")
        if isinstance(shape, targets.TexShape):
            entry_type = shape.entry_type(record.type, ENTRY_TYPES.get(record.type, DEFAULT_ENTRY_TYPE)[dialect],
                                          original)
    fields: list[tuple[str, str]] = []
    missing = _Missing(fields)  # characters ascii mode has no macro for

    def text(value: Text, *, protect: bool = False) -> str:
        if value.syntax is Syntax.BIBTEX:
            value = Text(_escape_specials(value.value), Syntax.BIBTEX)
        return _braced(to_tex(value, mode=mode, protect_case=protect and options.protect_case, missing=missing))

    def plain(value: str) -> str:
        return _braced(tex.escape_plain(value, mode, missing))

    lists_written: set[str] = set()  # list fields written from the input's items (their extras are used)

    def item(value: str, *read_from: str) -> str:
        """A biblatex list field (publisher, location): the items the input's list field had
        (read_from: its possible names), or else one item; "and" inside an item braced.
        Classic BibTeX has no lists: the items as the input wrote them, or else the value."""
        items = written_items(record.extras, value, *read_from)
        if items is None and not biblatex:  # one item: its "and" braced, which readers of lists (biber,
            # refconv) would split at ("Leonard Smithers {and} Company"); BibTeX prints the braces as nothing
            return _braced(_AND.sub(lambda m: f"{m.group()[0]}{{{m.group()[1:-1]}}}{m.group()[-1]}",
                                    tex.escape_plain(value, mode, missing)))
        if items is not None:
            lists_written.update(read_from)
        escaped = (tex.escape_plain(part, mode, missing) for part in items or (value,))
        return _braced(" and ".join(_braced(part) if _AND.search(part) else part for part in escaped))

    def names(role: str, people: tuple[Name, ...], etal: bool, path: str | None = None) -> None:
        text, braced_whole = _names(people, etal, mode, missing)
        if biblatex and "\\textasciigrave{}" in text:
            text = _biber_grave(text)
        fields.append((role, _braced(text)))
        path = path or f"{role}s"
        for person in braced_whole:
            report.lost(key, path, target, "one braced name: biber refuses a name with more than two "
                        "commas", record=record, value=_display(person))
        for person in people:
            if person.given and not person.is_literal and not (person.family or person.non_dropping_particle
                                                               or person.dropping_particle):
                # in the loss report: BibTeX and biber read the braced name back as a family name
                report.lost(key, path, target, "a braced single name, read back as a family name",
                            record=record, value=f"given name only: {person.given}")

    if record.authors:
        names("author", record.authors, record.authors_etal)
    if record.editors:
        names("editor", record.editors, record.editors_etal)
    _editor_roles(record, fields, names, report, key, target)
    container = CONTAINER_FIELD.get(entry_type, ("howpublished", "howpublished"))[dialect]
    own_title, container_title, main_title = _volume_titles(record, contained=container == "booktitle")
    issue_title = None
    if entry_type == "periodical" and container_title and own_title:  # one issue: the periodical is the title
        issue_title, own_title, container_title = own_title, container_title, None
    if own_title:
        title, parts = _split_subtitles(record, own_title, biblatex, TITLE_PARTS)
        fields.append(("title", text(title, protect=True)))
        for name, part in parts:
            fields.append((name, text(Text(part, Syntax.BIBTEX), protect=True)))
    else:
        report.warning("write.no-title", f"record has no title; {target} styles and biber will warn",
                       key=key, record=record, field="title")
    if issue_title:
        fields.append(("issuetitle", text(issue_title, protect=True)))
    if entry_type == "article" and record.type in _ARTICLE_SUBTYPES:  # biblatex's; BibTeX styles ignore it
        fields.append(("entrysubtype", _braced(_ARTICLE_SUBTYPES[record.type])))
    if container_title and container in ("journal", "journaltitle") and _FJOURNAL_READ_AS in record.extras:
        record = _full_journal(record, container_title, fields, text, biblatex)
    elif container_title:
        fields.append((container, text(container_title, protect=container == "booktitle")))
        if entry_type == "periodical":  # a periodical's howpublished says how it appears: no container
            report.lost(key, "container_title", target, "howpublished (read back as a field of its own)",
                        record=record, value=container_title.plain())
    if main_title:
        title, parts = _split_subtitles(record, main_title, biblatex, MAIN_TITLE_PARTS)
        fields.append(("maintitle", text(title, protect=True)))
        for name, part in parts:
            fields.append((name, text(Text(part, Syntax.BIBTEX), protect=True)))
        if container != "booktitle" and ("volume-title-short" in record.variables
                                          or "title-short" in record.variables):
            # a volume's shorttitle is the volume's: the whole work's short title has no field
            variables = dict(record.variables)
            if "title-short" in variables:
                report.lost(key, "title-short", target, record=record, value=variables.pop("title-short").plain())
            if "volume-title-short" in variables:
                variables["title-short"] = variables.pop("volume-title-short")
            record = replace(record, variables=variables)
    if "volume-title-short" in record.variables:
        report.lost(key, "volume-title-short", target, record=record,
                    value=record.variables["volume-title-short"].plain())
    fields.extend(_date_fields(record, biblatex, report, key, mode, missing))
    if record.volume:
        fields.append(("volume", plain(record.volume)))
    number = record.issue if entry_type == "article" else record.number
    if entry_type == "article" and record.number:  # an article's own number: biblatex's eid
        fields.append(("eid", plain(record.number)))
    series_number = record.variables.get("collection-number")
    if series_number and (number is None or entry_type in SERIES_NUMBER_TYPES):
        if number:  # a book's number is its number in the series
            report.lost(key, "issue" if entry_type == "article" else "number", target, record=record, value=number)
        fields.append(("number", text(series_number)))
        if entry_type not in SERIES_NUMBER_TYPES:  # elsewhere number is the item's own or its issue
            read_as = "the issue" if entry_type in ISSUE_TYPES else "the number"
            report.lost(key, "collection-number", target, f"number (read back as {read_as})", record=record,
                        value=series_number.plain())
    elif number:
        fields.append(("number", plain(number)))
        if series_number:
            report.lost(key, "collection-number", target, record=record, value=series_number.plain())
        elif entry_type in SERIES_NUMBER_TYPES or (entry_type in ISSUE_TYPES and entry_type != "article"):
            # there number numbers the series (biblatex, pandoc), or is a periodical's issue (an
            # article's number above is its issue already)
            read_as = "collection-number" if entry_type in SERIES_NUMBER_TYPES else "the issue"
            report.lost(key, "number", target, f"number (read back as {read_as})", record=record, value=number)
    if record.issue and entry_type != "article":
        # BibTeX has no issue field for non-articles: it is the number unless there is one, or
        # unless the number is a series number there (a chapter's, which the reader takes so)
        as_number = not biblatex and not (number or series_number) and entry_type not in SERIES_NUMBER_TYPES
        fields.append(("number" if as_number else "issue", plain(record.issue)))
        if as_number:
            report.lost(key, "issue", target, "number (read back as the number)", record=record, value=record.issue)
    if record.pages:
        match = _PAGE_RANGE.match(record.pages)
        # `--` is TeX's en dash here, so it is written raw, not escaped as plain text
        pages = "--".join(tex.escape_plain(end, mode, missing) for end in match.groups()) if match else None
        fields.append(("pages", _braced(pages) if pages else plain(record.pages)))
    if record.publisher and not (record.ids.arxiv and record.publisher == "arXiv"):
        name = PUBLISHER_FIELD.get(entry_type, ("publisher", "publisher"))[dialect]
        extras = record.extras
        if Extra("bibtex", name) in extras or (name == "institution" and Extra("bibtex", "school") in extras):
            name = "publisher"  # the input had both, e.g. publisher and institution (school: its alias)
        fields.append((name, item(record.publisher, *LIST_PUBLISHER_FIELDS)))
    jurisdiction = record.variables.get("jurisdiction") if entry_type == "patent" else None
    if record.publisher_place:
        fields.append(("location", item(record.publisher_place, "location")) if biblatex and not jurisdiction
                      else ("address", plain(record.publisher_place) if jurisdiction
                            else item(record.publisher_place, "location")))
        if entry_type == "patent" and biblatex:  # biber reads address as location, a patent's countries
            report.lost(key, "publisher_place", target, "location (read back as jurisdiction)", record=record,
                        value=record.publisher_place)
    if jurisdiction:
        fields.append(("location", _jurisdiction(record, jurisdiction, mode, missing)))
    if record.edition:
        fields.append(("edition", plain(record.edition)))
    ids = record.ids
    if ids.arxiv:
        eprint = _eprint_as_written(record)
        fields.append(("eprint", _verbatim(eprint or ids.arxiv)))
        fields.append(("eprinttype", "{arxiv}"))
        if not biblatex:
            fields.append(("archivePrefix", "{arXiv}"))
        if ids.arxiv_class:
            fields.append(("eprintclass" if biblatex else "primaryClass", _verbatim(ids.arxiv_class)))
        in_eprint = eprint is not None and ids.arxiv_version is not None  # (as written, it names the version)
        if biblatex and ids.arxiv_version and not (in_eprint and _VERSION_AS_WRITTEN not in record.extras):
            fields.append(("version", _braced(str(ids.arxiv_version))))
        elif ids.arxiv_version and not in_eprint and record.extras.get(_VERSION_AS_WRITTEN, "").strip() != str(
                ids.arxiv_version):
            report.lost(key, "ids.arxiv_version", target, record=record)  # arXiv's own export drops it too
    if record.primary_doi:
        fields.append(("doi", _verbatim(record.primary_doi, ascii=mode == "ascii")))
        for extra in record.other_dois:
            report.lost(key, "ids.doi", target, record=record, value=extra)
    if ids.primary_url:
        fields.append(("url", _verbatim(_url(record, key, target, report), ascii=mode == "ascii")))
    elif ids.links:
        report.lost(key, "ids.links", target, record=record, value="; ".join(ids.links))
    for name, numbers, normalise in (("isbn", ids.isbn, normalize_isbn), ("issn", ids.issn, normalize_issn)):
        if numbers:
            fields.append((name, plain(_as_given(record.extras.get(Extra("bibtex", name)), numbers, normalise)
                                       or ", ".join(numbers))))
    if ids.pmid:
        fields.append(("pmid", plain(ids.pmid)))
    if ids.pmcid:
        fields.append(("pmcid", plain(ids.pmcid)))
    if record.abstract:
        fields.append(("abstract", text(record.abstract)))
    if record.keywords:
        # a keyword holding a separator is one group ({Evolution, Biological}), as biblatex reads it
        fields.append(("keywords", _braced(", ".join(
            "{" + escaped + "}" if "," in word or ";" in word else escaped
            for word in record.keywords for escaped in (tex.escape_plain(word, mode, missing),)))))
    if record.affiliations:  # (Beebe's field: the authors', for no one author; several joined by "; ")
        fields.append(("affiliation", plain("; ".join(record.affiliations))))
        if any(";" in affiliation for affiliation in record.affiliations):
            report.lost(key, "affiliations", target, "affiliation (read back split at its ';')", record=record)
    if record.attachments:
        _file(record, fields, mode, report, key, target)
        lists_written.add("file")  # (the input's own form, if any, is used there)
    if record.language:
        several = None if biblatex else _languages_as_written(record)  # (biblatex: the list stays `language`)
        fields.append(("langid" if biblatex else "language", plain(several or _language(record, record.language))))
    if record.note:
        fields.append(("note", text(record.note)))
    if record.accessed and biblatex and record.accessed.year is None:  # biber takes ISO 8601 only there
        report.lost(key, "accessed", target, record=record, value=record.accessed.literal)
    elif record.accessed and biblatex:
        fields.append(("urldate", _braced(_iso(record.accessed))))
    elif record.accessed and not any(Extra("bibtex", name, Kind.AS_WRITTEN) in record.extras
                                     for name in ACCESSED_FIELDS[1:]):
        report.lost(key, "accessed", target, record=record)  # (else written as the input had it)
    _variable_fields(record, fields, biblatex, report, key, target, text, item, names, entry_type)
    if not biblatex and not record.authors and not record.editors and Extra("bibtex", "key") not in record.extras:
        # plain.bst sorts by author and warns "to sort, need author or key" without one
        fields.append(("key", plain(f"arXiv:{ids.arxiv}" if ids.arxiv else key)))
    written = {name.lower() for name, _ in fields}
    written_values = {name.lower(): value for name, value in fields}
    if own_title:  # the title holds them, split off above where biblatex reads them
        written.update(name for name, _ in TITLE_PARTS)
    if main_title:
        written.update(name for name, _ in MAIN_TITLE_PARTS)
    linked = biblatex and Extra("bibtex", "crossref") in record.extras
    for extra_key, value in record.extras.items():
        field_name = extra_key.field
        if extra_key.format != "bibtex":
            report.lost(key, extra_key, target, record=record)
            continue
        if extra_key.kind is not Kind.VALUE and extra_key.kind is not Kind.AS_WRITTEN:
            continue  # the entry type and the reader's notes on fields (a macro, a joined part ...)
        if extra_key.kind is Kind.AS_WRITTEN and field_name.lower() in lists_written or extra_key == URL_AS_WRITTEN:
            continue  # (its items are written, under the field the dialect names; the links in _url)
        # The record holds what its parents gave (a link kept is a parent found), and the entry
        # is written whole. biber would inherit again what the entry lacks under the parent's
        # names: a book's subtitle, read into the chapter's booktitle, would come back as its
        # booksubtitle and print twice. So biblatex gets the crossref as xref (the link, no
        # inheritance), and no xdata: its @xdata entry is not a record and is not written.
        if extra_key.kind is Kind.VALUE and field_name.lower() == "xdata":
            report.lost(key, extra_key, target, "the entry's own fields", record=record, value=value)
            continue
        if linked and extra_key.kind is Kind.VALUE and field_name.lower() in ("crossref", "xref"):
            if field_name.lower() == "xref":  # (biblatex's xref names one entry: the crossref parent's)
                report.lost(key, extra_key, target, record=record, value=value)
                continue
            field_name = "xref"
        # (a field as written is written again where another name holds the record's value)
        if not _NAME.match(field_name):
            report.warning("write.bad-field-name", f"field name {field_name!r} from the input is not a BibTeX "
                           "name; the field is not written", key=key, record=record, field=field_name)
        elif field_name.lower() not in written:
            kept = tex.close_trailing_backslash(tex.balance_braces(value))  # TeX as read: only repaired
            kept = kept if field_name.lower() in _NOT_TEXT or _LINKS_ONLY.fullmatch(kept) else _escape_specials(kept)
            if mode == "ascii" and not kept.isascii():
                # keys naming other entries as the key allocator writes theirs; the rest as TeX
                kept = (", ".join(ascii_key(k.strip()) for k in kept.split(",")) if field_name.lower() in _KEY_LISTS
                        else tex.encode_non_ascii(kept, missing))
            fields.append((field_name, _braced(kept)))
        elif field_name.lower() in written_values and not _says_the_same(written_values[field_name.lower()], value):
            # a second field of the input under a name written already (location and address
            # both given: BibTeX output has address only for the first)
            report.lost(key, extra_key, target, record=record, value=value[:60])
    for name, chars in missing.unmapped():
        path = _record_field(record, name)
        if name == "number" and entry_type == "article":
            path = "issue"
        shown = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}" for c in chars)
        report.warning("write.no-macro", f"{shown}: no standard LaTeX text macro, written as {tex.UNMAPPED} in "
                       f"'{name}' (--tex utf8 keeps {'it' if len(chars) == 1 else 'them'})", key=key, record=record,
                       field=str(path))
        report.lost(key, path, target, f"{tex.UNMAPPED} (no LaTeX macro)", record=record, value=shown)
    _particle_option(record, fields, report, key, target)
    read_back = entry_csl_type(entry_type, lambda name: _written(fields, name))
    if read_back != record.type:  # (classic BibTeX has no @online, @dataset, entrysubtype ...)
        report.lost(key, "type", target, f"@{entry_type} (read back as {read_back})", record=record, value=record.type)
    elif entry_type in ENTRY_GENRES and "genre" not in record.variables:  # no thesis of no degree in BibTeX
        report.lost(key, "type", target, f"@{entry_type} (read back as a {ENTRY_GENRES[entry_type]})", record=record,
                    value=record.type)
    return entry_type, fields


_ARTICLE_SUBTYPES = {csl_type: subtype for subtype, csl_type in ARTICLE_SUBTYPES.items()}


def _file(record: Record, fields: list[tuple[str, str]], mode: str, report: Reporter, key: str,
          target: str) -> None:
    """``file``, as the input wrote it while that still lists the record's attachments, else
    as JabRef and Zotero write it (files.py). A path is no TeX: it is written as it is, or
    not at all where braces would not balance or ascii mode forbids its letters."""
    written = record.extras.get(FILE_AS_WRITTEN)
    value = (written.strip() if written is not None and read_file_field(written) == record.attachments
             else write_file_field(record.attachments))
    if mode == "ascii" and not value.isascii():
        report.lost(key, "attachments", target, record=record, value=f"{value[:60]} (not ASCII)")
    elif _BREAKS.search(value):  # (a value is one line: the path would change)
        report.lost(key, "attachments", target, record=record, value=f"{value[:60]!r} (a line break in a path)")
    elif not (tex.bibtex_balanced(value) and tex.is_balanced(value)):
        report.lost(key, "attachments", target, record=record, value=f"{value[:60]} (unbalanced braces)")
    else:
        fields.append(("file", _braced(value)))


def _url(record: Record, key: str, target: str, report: Reporter) -> str:
    """The URL; with further links, the input's "a; b" (Beebe's) while it lists the same links.
    biblatex has one url: links from elsewhere (RIS's second UR) are reported."""
    ids = record.ids
    written = record.extras.get(URL_AS_WRITTEN)
    if written is not None and split_links(written) == [ids.primary_url, *ids.links]:
        return written
    for link in ids.links:
        report.lost(key, "ids.links", target, record=record, value=link)
    return ids.primary_url or ""


def _eprint_as_written(record: Record) -> str | None:
    """The input's eprint as it wrote it ("math/0307200v3"), while it still names the record's
    arXiv id and version."""
    written = record.extras.get(EPRINT_AS_WRITTEN)
    if written is None:
        return None
    try:
        arxiv_id, version, _ = parse_arxiv_id(written)
    except ArxivIdError:
        return None
    ids = record.ids
    return written if arxiv_id == ids.arxiv and version == ids.arxiv_version else None


def _written(fields: list[tuple[str, str]], name: str) -> str | None:
    """The value written for a field (its outer braces off), None if none was (a scan: the
    type check asks for one to three fields of fifteen or so)."""
    for written, value in fields:
        if written.lower() == name:
            return value[1:-1] if value.startswith("{") and value.endswith("}") else value
    return None


def _jurisdiction(record: Record, value: Text, mode: str, missing: CharSink) -> str:
    """A patent's countries as biblatex's list of keys (it prints them localised); the
    field as the input wrote it while it still says the same."""
    written = record.extras.get(PATENT_LOCATION_KEYS)
    words = [w.strip() for w in value.plain().split(";") if w.strip()]
    if written is not None:
        parts = list_items(written)
        if [COUNTRY_KEYS.get(p.lower(), p) for p in parts] == words:  # TeX as read, as extras are written
            kept = tex.close_trailing_backslash(tex.balance_braces(written.strip()))
            return _braced(tex.encode_non_ascii(kept, missing) if mode == "ascii" and not kept.isascii() else kept)
    items = []
    for word in words:
        escaped = _COUNTRY_KEYS.get(word.lower()) or tex.escape_plain(word, mode, missing)
        items.append(_braced(escaped) if _AND.search(escaped) else escaped)
    return _braced(" and ".join(items))


def _variable_fields(record: Record, fields: list[tuple[str, str]], biblatex: bool, report: Reporter, key: str,
                     target: str, text: Callable[..., str], item: Callable[[str], str],
                     names: Callable[..., None], entry_type: str) -> None:
    """The record's typed maps, by the reader's table (VARIABLE_FIELDS) and the one engine.
    A field the entry already has (an arXiv version as `version`) is not written twice."""
    if not (record.variables or record.names or record.dates):
        return
    # (an input field these shadow, annote beside annotation, is reported by the extras loop,
    # as every field written twice is)
    write_rules(VARIABLE_FIELDS, VariableSink(record, fields, biblatex, report, key, target, text, item, names,
                                              entry_type))


class VariableSink:
    """The writer's side of VARIABLE_FIELDS (rules.Sink): where a rule's conversion writes,
    and the BibTeX it writes with."""

    def __init__(self, record: Record, fields: list[tuple[str, str]], biblatex: bool, report: Reporter, key: str,
                 target: str, text: Callable[..., str], item: Callable[..., str], names: Callable[..., None],
                 entry_type: str):
        self.record = record
        self.fields = fields
        self.biblatex = biblatex
        self.report = report
        self.key = key
        self.target = target
        self.text = text
        self.item = item
        self.names = names
        self.entry_type = entry_type
        self.kind = entry_type
        self.taken = {name.lower() for name, _ in fields}  # the fields written before the rules'

    def value(self, rule: Rule) -> Any:
        return getattr(self.record, rule.how.slot).get(rule.variable)

    def field(self, rule: Rule) -> str:
        return rule.written_as if rule.written_as and not self.biblatex else rule.fields[0]

    def emit(self, field: str, written: str) -> None:
        self.fields.append((field, written))

    def clash(self, rule: Rule, field: str, value: Text | Date) -> bool:
        """The entry has the field already, holding another value: this one is lost, and said."""
        if field not in self.taken:
            return False
        self.report.lost(self.key, rule.variable, self.target, record=self.record,
                         value=_iso(value) if isinstance(value, Date) else value.plain())
        return True

    @staticmethod
    def braced(value: str) -> str:
        return _braced(value)

    @staticmethod
    def iso(date: Date) -> str:
        return _iso(date)


class _Missing:
    """The characters ascii mode had no macro for, each noted with the field it was in: the
    one being made, as a value is made before it is appended to ``fields``. (Not a list
    subclass: compiled callers append to a list without calling an override.)"""

    def __init__(self, fields: list[tuple[str, str]]):
        self.fields = fields
        self.chars: list[str] = []
        self.at: list[int] = []

    def append(self, char: str) -> None:
        self.chars.append(char)
        self.at.append(len(self.fields))

    def unmapped(self) -> list[tuple[str, list[str]]]:
        """(field name, its missing characters without repeats), in field order."""
        if not self.chars:  # the usual entry: every character had a macro
            return []
        by_field: dict[int, list[str]] = {}
        for char, index in zip(self.chars, self.at, strict=True):
            if index < len(self.fields):  # made for a value that was then not written: no field
                by_field.setdefault(index, []).append(char)
        return [(self.fields[index][0], list(dict.fromkeys(chars))) for index, chars in sorted(by_field.items())]


# BibTeX field -> the record field it carries, for loss reports
_RECORD_FIELD = {
    "author": "authors", "editor": "editors", "title": "title", "subtitle": "title", "titleaddon": "title",
    "journal": "container_title", "journaltitle": "container_title", "booktitle": "container_title",
    "fjournal": "container_title",
    "howpublished": "container_title", "year": "issued", "volume": "volume", "number": "number",
    "issue": "issue", "pages": "pages", "publisher": "publisher", "school": "publisher", "eid": "number",
    "institution": "publisher", "address": "publisher_place", "location": "publisher_place",
    "edition": "edition", "isbn": "ids.isbn", "issn": "ids.issn", "pmid": "ids.pmid", "pmcid": "ids.pmcid",
    "abstract": "abstract", "keywords": "keywords", "language": "language", "langid": "language",
    "note": "note", "key": "key",
    **{name: rule.variable for rule in VARIABLE_FIELDS for name in (*rule.fields, rule.written_as) if name},
}


def _record_field(record: Record, name: str) -> str | Extra:
    """The record field a written BibTeX field carries, for loss reports: a variable of the
    record's maps only when the record has it (else the field came from extras)."""
    path = _RECORD_FIELD.get(name)
    if path == "number" and record.number is None and "collection-number" in record.variables:
        return "collection-number"
    if path is None or (path in _VARIABLE_PATHS and path not in record.variables and path not in record.names
                        and path not in record.dates):
        return Extra("bibtex", name)
    return path


_VARIABLE_PATHS = WRITTEN_VARIABLES


def _language(record: Record, language: str) -> str:
    """The language as the .bib had it when that still names the record's language, else
    the babel name of its BCP 47 tag (biblatex's langid wants one) when that reads back
    as the same tag, else the tag."""
    extras = record.extras
    def written(name: str) -> str | None:
        return extras.get(Extra("bibtex", name, Kind.AS_WRITTEN)) or extras.get(Extra("bibtex", name))

    return _language_name(language, written("langid"), written("hyphenation"), written("language"),
                          extras.get(Extra("bibtex", "langidopts"), ""))


def _languages_as_written(record: Record) -> str | None:
    """A language field naming several languages ("English and German"), as the input wrote
    it, when its first is the record's language: classic BibTeX has the one field for both."""
    from ...text.languages import split_languages, to_bcp47

    several = record.extras.get(Extra("bibtex", "language"))
    items = split_languages(tex.tex_to_unicode(several)) if several else ()
    return several if len(items) > 1 and to_bcp47(items[0]) == record.language else None


@lru_cache(maxsize=1024)  # a file has few languages: the name lookups run once per spelling
def _language_name(language: str, langid: str | None, hyphenation: str | None, written_language: str | None,
                   options: str) -> str:
    from ...text.languages import to_babel, to_bcp47, with_variant

    for written in (langid, hyphenation, written_language):
        if written and (tag := to_bcp47(written)) and language in (tag, with_variant(tag, options)):
            return written
    babel = to_babel(language)
    return babel if babel and to_bcp47(babel) == language else language  # reads back the same


def preamble_blocks(record: Record, report: Reporter, key: str, *, ascii: bool = False) -> list[str]:
    """The @preamble blocks the reader kept with this record (extras of kind PREAMBLE),
    written before its entry. BibTeX counts every brace, escaped or not: text whose braces
    do not balance so could end the block early, and is refused; on one line, no `@`
    can start a line. ``ascii``: non-ASCII letters as TeX macros, as in the entries."""
    out = []
    for extra_key, value in record.extras.items():
        if extra_key.kind is not Kind.PREAMBLE:
            continue
        if ascii and not value.isascii():
            value = tex.encode_non_ascii(value, [])
        depths = list(accumulate(1 if ch == "{" else -1 for ch in value if ch in "{}"))
        if not depths or (min(depths) >= 0 and depths[-1] == 0):
            out.append(f"@preamble{{{{{' '.join(value.split())}}}}}\n\n")
        else:
            report.warning("write.bad-preamble", f"@preamble text with unbalanced braces not written: {value[:60]!r}",
                           key=key, record=record, field=str(extra_key))
    return out


_NUMBER_IN_LIST = re.compile(r"[0-9][0-9Xx\s-]{7,}[0-9Xx]")


def _full_journal(record: Record, full: Text, fields: list[tuple[str, str]], text: Callable[..., str],
                  biblatex: bool) -> Record:
    """A journal read with Beebe's fjournal written so again: each of journal and fjournal
    holds the variable it was read into (Kind.READ_AS), the container title or its short
    form; biblatex's journaltitle is always the container title. A short form written so
    is not written a second time as shortjournal in classic BibTeX."""
    extras = record.extras
    short = record.variables.get("container-title-short")
    held = {"container-title": full, "container-title-short": short}
    journal_holds = extras.get(Extra("bibtex", "journal", Kind.READ_AS))
    fjournal_holds = extras[_FJOURNAL_READ_AS]
    journal = full if biblatex else held.get(journal_holds or "container-title") or full
    fields.append(("journaltitle" if biblatex else "journal", text(journal)))
    if Extra("bibtex", "fjournal", Kind.AS_WRITTEN) not in extras:  # else written as the input had it, with the extras
        fields.append(("fjournal", text(held.get(fjournal_holds) or full)))
    if not biblatex and short is not None and "container-title-short" in (journal_holds, fjournal_holds):
        # (not journalabr's)
        variables = dict(record.variables)
        del variables["container-title-short"]
        record = replace(record, variables=variables)
    return record


def _as_given(text: str | None, numbers: tuple[str, ...], normalise: Callable[[str], tuple[str, bool]]) -> str | None:
    """The input's ISBN/ISSN field as written ("0-486-23929-2 (paperback)") when it holds the
    record's numbers and no other: its qualifiers are data the bare list would lose."""
    if not text:
        return None
    found = [normalise(m.group())[0] for m in _NUMBER_IN_LIST.finditer(text)]
    return text if sorted(dict.fromkeys(found)) == sorted(numbers) else None


def _says_the_same(written: str, kept: str) -> bool:
    """Whether a field as written holds what an input field kept in extras says (the babel
    name the language was written with, say), letter case and TeX spelling aside."""
    inner = written[1:-1] if written.startswith("{") and written.endswith("}") else written
    return " ".join(tex.tex_to_unicode(inner).casefold().split()) == " ".join(
        tex.tex_to_unicode(kept).casefold().split())


def _editor_roles(record: Record, fields: list[tuple[str, str]], names: Callable[..., None], report: Reporter,
                  key: str, target: str) -> None:
    """Names in a role biblatex's editortype names (compiler, collaborator): the first free
    one of editor, editora, editorb, editorc, with its type key; what finds none is reported."""
    roles = [(_EDITOR_TYPE_KEYS[role], role) for role, people in record.names.items()  # (in the order read)
             if role in _EDITOR_TYPE_KEYS and people]
    if not roles:
        return
    free = [f for f in EDITOR_FIELDS
            if not (f == "editor" and record.editors) and Extra("bibtex", f) not in record.extras]
    for kind, role in roles:
        if not free:
            report.lost(key, role, target, record=record, value=_display(record.names[role][0]))
            continue
        field = free.pop(0)
        names(field, record.names[role], Extra("bibtex", field, Kind.OTHERS) in record.extras, role)
        fields.append((f"{field}type", _braced(kind)))


def _volume_titles(record: Record, contained: bool) -> tuple[Text | None, Text | None, Text | None]:
    """(title, container title, maintitle). A record with a volume-title is one volume of a
    multi-volume work, which CSL writes as its title (a chapter's container-title): biblatex
    writes the volume's title as title (booktitle) and the whole work's as maintitle."""
    volume = record.variables.get("volume-title")
    if volume is None:
        return record.title, record.container_title, None
    if contained:
        return record.title, volume, record.container_title
    return volume, record.container_title, record.title


def _split_subtitles(record: Record, title: Text, biblatex: bool, names: tuple[tuple[str, str], ...]
                     ) -> tuple[Text, list[tuple[str, str]]]:
    """The title as the reader joined it ("Title: Subtitle. Addon"), split back into the
    biblatex fields it came from while it still ends with them (BibTeX styles know no
    subtitle: they get the whole title)."""
    parts: list[tuple[str, str]] = []
    for name, joiner in reversed(names):
        part = record.extras.get(Extra("bibtex", name, Kind.JOINED))
        if biblatex and part and title.syntax is Syntax.BIBTEX and title.value.endswith(joiner + part):
            title = Text(title.value[: -len(joiner + part)], Syntax.BIBTEX)
            parts.insert(0, (name, part))
    return title, parts


def _names(names: tuple[Name, ...], etal: bool, mode: str, missing: CharSink | None = None
           ) -> tuple[str, list[Name]]:
    """The name list as BibTeX, and the names that had to be braced whole (a loss to report)."""
    parts = []
    braced_whole = []
    for name in names:
        written = _name(name, mode, missing)
        if written.count(",") > 2 and _too_many_commas(written):  # braced whole, which biber does not check
            written = "{" + tex.escape_plain(_display(name), mode, missing) + "}"
            braced_whole.append(name)
        parts.append(written)
    if etal:
        parts.append("others")
    return " and ".join(parts), braced_whole


def _too_many_commas(written: str) -> bool:
    """Biber counts every comma of a name not braced whole, braced ones too, and skips
    the entry at more than two ("Family, Suffix, Given")."""
    return written.count(",") > 2 and not (written.startswith("{") and tex.bibtex_balanced(written[1:-1])
                                           and written.endswith("}"))


def _display(name: Name) -> str:
    if name.is_literal:
        return name.literal or ""
    parts = (name.given, name.dropping_particle, name.non_dropping_particle, name.family)
    text = " ".join(filter(None, parts))
    return f"{text}, {name.suffix}" if name.suffix else text


_AND_WORD = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


# One capitalised word with no space, comma or TeX special: the common name part, which
# needs no group unless it is the word "and" itself
_PLAIN_PART = re.compile(r"[A-Z][A-Za-z.'-]*")


def _splits(part: str) -> bool:
    """BibTeX would split a name at this part's comma or its word "and" (in any case)."""
    if _PLAIN_PART.fullmatch(part):
        return len(part) == 3 and part.lower() == "and"
    return "," in part or ("nd" in part.lower() and _AND_WORD.search(part) is not None)


def _needs_group(part: str) -> bool:
    if _PLAIN_PART.fullmatch(part):
        return len(part) == 3 and part.lower() == "and"
    return _splits(part) or any(w[:1].islower() for w in part.split())  # would be read as a von part


def _grouped(text: str, original: str) -> str:
    return "{" + text + "}" if _splits(original) else text


# Given names of plain capitalised words ("John A."): with a plain family, the common name,
# which needs no escaping and no group in any mode
_PLAIN_GIVEN = re.compile(r"[A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*)*")


# "Family, Given" of such parts, with no part the word "and" (in any case)
_PLAIN_NAME = re.compile(_PLAIN_PART.pattern + ", " + _PLAIN_GIVEN.pattern)
_AND_PART = re.compile(r"(?:^| )and(?:[ ,]|$)", re.IGNORECASE)


def _plain_name(family: str, given: str) -> str | None:
    """"Family, Given" when both are plain words that need no escaping and no group."""
    written = f"{family}, {given}"
    if (_PLAIN_NAME.fullmatch(written) and "--" not in written and "''" not in written
            and _AND_PART.search(written) is None):
        return written
    return None


def _name(name: Name, mode: str, missing: CharSink | None = None) -> str:
    family, given = name.family, name.given
    if (family and given and name.literal is None and not name.suffix and not name.dropping_particle
            and not name.non_dropping_particle and (written := _plain_name(family, given))):
        return written

    def esc(part: str) -> str:
        return tex.escape_plain(part, mode, missing)

    if name.literal is not None:
        return "{" + esc(name.literal) + "}"
    # (a name with both kinds, "de" dropping and "la" not, keeps both words in the one von part)
    particle = " ".join(filter(None, (name.dropping_particle, name.non_dropping_particle)))
    if not name.family and not particle:
        # ", Banksy" crashes biber (libbtparse): a given name alone is one braced name
        return "{" + esc(" ".join(filter(None, (name.given, name.suffix)))) + "}"
    family = esc(name.family or "")
    # with no given part, an unbraced "Hàn Thế Thành" would come back as given "Hàn Thế"
    if name.family and (_needs_group(name.family) or (not name.given and not name.suffix and not particle
                                                      and any(c.isspace() for c in name.family))):
        family = "{" + family + "}"
    # every part: an arXiv author list can leave "and Shiv K." in a particle
    last = f"{_grouped(esc(particle), particle)} {family}" if particle else family
    given = _grouped(esc(name.given), name.given) if name.given else ""
    if name.suffix:
        return f"{last}, {_grouped(esc(name.suffix), name.suffix)}, {given}"
    return f"{last}, {given}" if given else last


def _particle_option(record: Record, fields: list[tuple[str, str]], report: Reporter, key: str,
                     target: str) -> None:
    """BibTeX's name syntax has one von part; biblatex's ``options = {useprefix=false}`` says
    it drops (CSL's dropping particle: "Brandt, Ahasver von"), and the reader reads it so.
    One entry has one option: names with a particle of each kind cannot all come back."""
    people = [(role, person) for role, names in (("authors", record.authors), ("editors", record.editors),
                                                 *record.names.items()) for person in names]
    dropping = [(role, p) for role, p in people if p.dropping_particle and not p.non_dropping_particle]
    if not dropping:
        return
    if any(p.non_dropping_particle for _, p in people):
        for role, person in dropping:
            report.lost(key, role, target, "a non-dropping particle (the entry has names with both kinds)",
                        record=record, value=_display(person))
        return
    at = next((i for i, (name, _) in enumerate(fields) if name.lower() == "options"), None)
    if at is None:
        fields.append(("options", "{useprefix=false}"))
    elif "useprefix" not in fields[at][1].lower():
        fields[at] = (fields[at][0], fields[at][1][:-1] + ",useprefix=false}")


def _iso(date: Date) -> str:
    text = _iso_part(date)
    if date.open_ended:  # biblatex's open range
        text += "/"
    elif date.end and date.end.iso():
        text += "/" + _iso_part(date.end)
    if date.circa:
        text += "~"
    return text


def _iso_part(date: Date) -> str:
    """ISO 8601, with EDTF's seasons (21 spring .. 24 winter) as biblatex reads them."""
    if date.season and date.month is None and date.year is not None:
        return f"{iso_year(date.year)}-{20 + date.season}"
    return date.iso() or ""


def _date_fields(record: Record, biblatex: bool, report: Reporter, key: str, mode: str,
                 missing: CharSink | None = None) -> list[tuple[str, str]]:
    date = record.issued
    if date is None:
        return []
    if date.year is None:
        if date.literal:
            report.warning("write.literal-date", f"date '{date.literal}' is not structured; written as year",
                           key=key, record=record, field="issued")
            return [("year", _braced(tex.escape_plain(date.literal, mode, missing)))]
        return []
    if biblatex:
        return [("date", _braced(_iso(date)))]
    fields = [("year", _braced(str(date.year)))]
    if date.month:
        fields.append(("month", MONTH_MACROS[date.month - 1]))
    elif date.season:
        fields.append(("month", _braced(SEASON_NAMES[date.season - 1])))
    if date.day:
        fields.append(("day", _braced(str(date.day))))
    if date.end:
        report.lost(key, "issued", "BibTeX", record=record,
                    value="its open end" if date.open_ended else f"end of range {date.end.iso()}")
    if date.circa:
        report.lost(key, "issued", "BibTeX", record=record, value="circa")
    return fields
