"""RIS reader: one pass, line by line, holding one record's lines at a time.

Line grammar (what real exporters write, not only what the spec allows):

- a tag line is a tag (a capital letter, then a capital or a digit), one or two spaces
  or a tab, a hyphen, then a space and the value, or the end of the line: ``SP  -``
  is an empty value, never a continuation;
- any other non-blank line inside a record continues the previous tag's value: with a
  line break for AB, N1, N2 and KW (paragraphs, and Rayyan's one keyword per line),
  with a space for every other tag (wrapped titles);
- ``TY`` opens a record and ``ER`` closes it; text outside records (exporter headers
  such as "Record #1 of 2", numbering) is ignored and reported as info;
- inside a line, another line break (VT, FF, U+001C-U+001E, NEL, U+2028, U+2029) is read
  as a continuation would be (info), and a control character (NUL, ESC, DEL, C1) or a
  lone surrogate becomes U+FFFD (a warning with its line and column): no value keeps one.

Tags map to the model through ``tables.TAG_SLOTS`` (the record's slots) and
``tables.VARIABLE_TAGS`` (its CSL variable maps, by RIS type); every value that does not make it
into the model is kept in ``extras[Extra("ris", TAG)]`` (several values joined with a line
break, which the writer splits back into several lines).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TextIO

from ...diagnostics import Reporter, Severity
from ...extras import Extra
from ...model import Attachment, Date, Identifiers, Name, Position, Record, Syntax, Text, arxiv_url
from ...normalise import arxiv_id_from, decoded_again, repair_said
from ...options import Options
from ...rules import Rule
from ...rules import read as read_rules
from ...text.ids import (
    ArxivIdError,
    arxiv_fields,
    is_doi,
    is_link,
    normalize_isbn,
    normalize_issn,
    split_links,
    strip_doi,
)
from ...text.markup import has_producer_markup, producer_markup
from ...text.months import SEASONS, month_number
from ...text.names import (
    ORGANISATION_WORDS,
    PARTICLES,
    SUFFIXES,
    is_organisation,
    leading_particle,
    split_display_name,
    trailing_particle,
)
from ...text.tex import has_tex
from .tables import (
    ARTICLE_NUMBER_TYS,
    BT_IS_TITLE,
    CONFERENCE_TYPES,
    DEFAULT_RIS_TYPE,
    DOI_FALLBACK_TAGS,
    KNOWN_TAGS,
    LANGUAGE_RULES,
    MULTILINE_TAGS,
    RIS_TO_CSL,
    RIS_TYPE_NAMES,
    RIS_TYPES,
    SLOT_RULES,
    reads_as_preprint,
    rules_for,
    tags_for,
    variable_for,
)

_LINE_BREAK = re.compile(r"\r\n?|\n")
_TAG_LINE = re.compile(r"([A-Z][A-Z0-9])[ \t]{1,2}-(?:[ \t]|$)")  # the value is the rest of the line
# (other cleanings: info)
_WARNINGS = frozenset({"ris.control-char", "ris.tag-like-line", "ris.tag-in-line", "text.double-encoded"})
# a tag line glued to the end of the line before, as an exporter that cut a long value wrote it
# (Scopus: "... American Psychiatric PubUR  - https://..."): read as text, as RIS says, and said
_GLUED_TAG = re.compile(r"(?<=.)([A-Z][A-Z0-9])  - ")
# a second tag line after white space on the same line (Rayyan's Embase export: "UR  - https://…
# U2  - L2029880245"): a line break the exporter lost, so read as a line of its own, and said
_SECOND_TAG = re.compile(r"[ \t]{2,}([A-Z][A-Z0-9])  - ")
# a line a person meant as a tag line: a known tag, then two spaces or a hyphen beside a space, or
# in lower case with the hyphen ("AU  Doe", "AU -Doe", "AU- Doe", "au  - Doe"): read as a
# continuation, and said ("AN-1" in a wrapped abstract is not)
_TAG_LIKE = re.compile(r"([A-Z][A-Z0-9])(?:[ \t]{2,}(?=[^\s-])|[ \t]+-|-[ \t])|([a-z][a-z0-9])[ \t]+-[ \t]")
# Formats that look tagged but are not RIS: said once, instead of an error per line.
_OTHER_FORMATS = (
    (re.compile(r"PMID- "), "MEDLINE/PubMed (.nbib)"),
    (re.compile(r"(?:FN|PT|VR) "), "Web of Science field-tagged"),
)
# What no value keeps raw: control characters but tab, other line breaks, lone surrogates.
_SUSPECT = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # str.splitlines()'s
_FOLD = re.compile(r"\s*\n\s*")


@dataclass(slots=True)
class _Entry:
    tag: str
    value: str
    line: int
    column: int
    more: list[str] | None = None  # continuation lines, joined once when the record closes (linear)

    def join_more(self) -> None:
        if self.more:
            self.value = ("\n" if self.tag in MULTILINE_TAGS else " ").join([self.value, *self.more])
            self.more = None


@dataclass(slots=True)
class _Pending:
    """The lines of the record being read."""

    line: int  # of its TY
    entries: list[_Entry]
    stray: list[tuple[int, str]] = field(default_factory=list)  # text right after TY
    cleaned: list[tuple[str, str, int, int, str]] = field(default_factory=list)  # code, tag, line, column, text

    def label(self) -> str | None:
        for tag in ("ID", "TI", "T1"):
            for entry in self.entries:
                if entry.tag == tag and entry.value:
                    return entry.value[:40]
        return None


def read(stream: TextIO | Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    reader = _Reader(report, options or Options())
    for number, line in _lines(stream):
        record = reader.feed(number, line)
        if record is not None:
            yield record
        if reader.stopped:
            return
    last = reader.finish()
    if last is not None:
        yield last


def _lines(stream: TextIO | Iterable[str]) -> Iterator[tuple[int, str]]:
    """Numbered lines without their ends; a lone CR (old Mac files) ends a line too."""
    number = getattr(stream, "first_line", 1) - 1  # a block of a larger file (split.py) numbers on from its place
    for raw in stream:
        text = raw.rstrip("\r\n")
        pieces = _LINE_BREAK.split(text) if "\r" in text else (text,)
        for piece in pieces:
            number += 1
            yield number, piece


class _Reader:
    """The line state machine: inside a record, outside (noise), or in a block without TY."""

    def __init__(self, report: Reporter, options: Options):
        self.report = report
        self.options = options
        self.current: _Pending | None = None
        self.orphan: tuple[int, list[str]] | None = None  # first line and tags of lines no TY opened
        self.noise: tuple[int, str, int] | None = None  # first line, its text, line count, per gap
        self.seen_content = False
        self.stopped = False
        self.records = 0
        self.last_label: str | None = None

    def feed(self, number: int, line: str) -> Record | None:
        line = line.removeprefix("\ufeff")
        if _SUSPECT.search(line) is None:
            return self._feed(number, line)
        line, found = _clean(line)
        record = self._feed(number, line)
        if self.current is not None:  # said with the record's key when it is built
            tag = self.current.entries[-1].tag
            self.current.cleaned.extend((code, tag, number, column, text) for code, column, text in found)
        return record

    def _feed(self, number: int, line: str, offset: int = 0) -> Record | None:
        if not self.seen_content and line.strip():
            self.seen_content = True
            if self._other_format(number, line):
                return None
        match = _TAG_LINE.match(line)
        if match is None:
            self._text(number, line)
            return None
        tag, value = match[1], line[match.end():]
        second = _SECOND_TAG.search(value) if "  - " in value and tag not in ("TY", "ER") else None
        if second is not None and second[1] in ("TY", "ER"):  # (a record's bounds: on lines of their own)
            second = None
        if second is not None:
            value = value[:second.start()]
        lead = value.lstrip()
        stripped = _fold(lead.rstrip(), tag)
        column = offset + match.end() + 1 + len(value) - len(lead)  # 1-based, at the value's first character
        if tag == "TY":
            self._open(_Entry(tag, stripped, number, column))
        elif self.current is None:
            self._outside(number, tag)
        elif tag == "ER":
            return self._close(self.current)
        else:
            self.current.entries.append(_Entry(tag, stripped, number, column))
            if second is not None:
                start = match.end() + second.start(1)
                self.current.cleaned.append((
                    "ris.tag-in-line", tag, number, offset + start + 1,
                    f"'{second[1]}  - ' after white space inside the value of {tag}: two tag lines on one line (an "
                    f"exporter lost the line break, as Rayyan's Embase export does); read as a line of its own"))
                self._feed(number, line[start:], offset + start)
            elif "  - " in value:
                self._glued(number, value, tag, offset + match.end())
        return None

    def _glued(self, number: int, text: str, tag: str, offset: int) -> None:
        """Said when ``text`` (of the value of ``tag``, from column ``offset`` + 1) holds a tag
        line glued to it."""
        glued = _GLUED_TAG.search(text)
        if glued is not None and glued[1] in KNOWN_TAGS and self.current is not None:
            self.current.cleaned.append((
                "ris.tag-in-line", tag, number, offset + glued.start() + 1,
                f"'{glued[1]}  - ' inside the value of {tag} looks like a tag line glued to the line before it "
                f"(an exporter's cut value); read as text of {tag}"))

    def finish(self) -> Record | None:
        """The record the input ends in, when no ER closed it: everything it holds was read,
        so it is kept (exporters omit the last ER; a file cut short loses only its tail)."""
        self._flush_noise()
        self._flush_orphan()
        if self.current is not None:
            self.report.warning(
                "ris.missing-final-er",
                f"input ends inside the record starting at line {self.current.line} (no 'ER  - ' closes it); "
                "record kept as read",
                line=self.current.line, column=1, key=self.current.label(),
                hint="if the file was cut short, the record's last value may be incomplete",
            )
            return self._close(self.current)
        if self.records == 0 and self.seen_content and not self.stopped and self.report.failed == 0:
            self.report.warning("ris.no-records", "no RIS record found (no 'TY  - ' line)", line=1)
        return None

    def _other_format(self, number: int, line: str) -> bool:
        for pattern, name in _OTHER_FORMATS:
            if pattern.match(line):
                self.report.error("ris.not-ris", f"input looks like {name} format, not RIS; nothing converted",
                                  line=number, column=1, hint="export the records as RIS, or convert them first")
                self.stopped = True
                return True
        return False

    def _text(self, number: int, line: str) -> None:
        if not line.strip():
            return
        current = self.current
        if current is None:
            if self.orphan is None:  # text inside a block without TY belongs to that block
                first, text, count = self.noise or (number, line.strip(), 0)
                self.noise = (first, text, count + 1)
            return
        last = current.entries[-1]
        if last.tag == "TY":
            current.stray.append((number, line.strip()))
            return
        looks = _TAG_LIKE.match(line)
        if looks is not None and (looks[1] or looks[2]).upper() in KNOWN_TAGS:
            current.cleaned.append(("ris.tag-like-line", last.tag, number, 1,
                                    f"'{line.strip()[:60]}' looks like a tag line ({(looks[1] or looks[2]).upper()}) "
                                    "but is not one (a tag line is the tag in capitals, two spaces, '- ' and the "
                                    f"value); read as a continuation of {last.tag}"))
        if "  - " in line:
            self._glued(number, line, last.tag, 0)
        text = _fold(line.strip(), last.tag)
        if not last.value:
            last.value = text
        elif last.more is None:
            last.more = [text]
        else:
            last.more.append(text)

    def _open(self, entry: _Entry) -> None:
        self._flush_noise()
        self._flush_orphan()
        if self.current is not None:
            self.report.error(
                "ris.missing-er",
                f"record starting at line {self.current.line} has no 'ER  - ' line before the next 'TY' "
                f"(line {entry.line}); record not converted",
                line=self.current.line, column=1, key=self.current.label(),
                hint=f"add 'ER  - ' before line {entry.line}",
            )
        self.current = _Pending(entry.line, [entry])

    def _outside(self, number: int, tag: str) -> None:
        """Tag lines no TY opened: a record without TY if an ER closes them, else exporter trailer."""
        self._flush_noise()
        if tag != "ER":
            if self.orphan is None:
                self.orphan = (number, [])
            self.orphan[1].append(tag)
            return
        if self.orphan is None:
            self.report.warning("ris.stray-er", "'ER' line outside a record (no 'TY' before it); ignored",
                                line=number, column=1, key=self.last_label)
            return
        first, tags = self.orphan
        self.orphan = None
        self.report.error(
            "ris.missing-ty",
            f"record without a 'TY  - ' line (tags {', '.join(dict.fromkeys(tags))}, lines {first}-{number}); "
            "not converted",
            line=first, column=1, key=self.last_label,
            hint="each record starts with 'TY  - <type>' and ends with 'ER  - '",
        )

    def _flush_orphan(self) -> None:
        """Tag lines after an ER that no ER closes (Ovid writes 'NL  - ' there): said, not converted."""
        if self.orphan is not None:
            first, tags = self.orphan
            self.orphan = None
            self.report.warning(
                "ris.after-er",
                f"tag line{'s' if len(tags) > 1 else ''} {', '.join(dict.fromkeys(tags))} after 'ER', outside any "
                "record; ignored",
                line=first, column=1, key=self.last_label,
                hint="the exporter wrote them after the record's end",
            )

    def _close(self, pending: _Pending) -> Record | None:
        self.current = None
        for entry in pending.entries:
            entry.join_more()
        try:
            record = _Builder(pending, self.report, self.options).build()
        except Exception as exc:  # a bug must cost one record, never the batch
            self.report.error("ris.internal", f"record could not be converted: {type(exc).__name__}: {exc}",
                              line=pending.line, key=pending.label())
            return None
        self.records += 1
        self.last_label = record.label
        return record

    def _flush_noise(self) -> None:
        if self.noise:
            number, first, count = self.noise
            self.noise = None
            self.report.info(
                "ris.noise",
                f"{count} line{'s' if count > 1 else ''} of text outside any record ignored "
                f"(exporter noise), starting '{first[:60]}'",
                line=number, column=1, key=self.last_label,
            )


# --- building a record from its tag lines -----------------------------------------------


class _Builder:
    """Maps one record's tag lines to a Record; each slot takes its tags and leaves the rest."""

    def __init__(self, pending: _Pending, report: Reporter, options: Options):
        self.pending = pending
        self.report = report
        self.options = options
        # a diagnostic names the record it is about, never a neighbour: none without ID or title
        self.key = pending.label()
        self.ty = pending.entries[0]
        self.tags: dict[str, list[_Entry]] = {}
        for entry in pending.entries[1:]:
            if entry.value:  # an empty tag carries nothing
                self.tags.setdefault(entry.tag, []).append(entry)
        self.fields: dict = {}
        self.ids: dict = {}
        self.variables: dict[str, Text] = {}
        self.names: dict[str, tuple[Name, ...]] = {}
        self.more_editors: list[_Entry] = []  # tags that hold editors for this type (a book's A3)
        self.kept: dict[Extra, list[str]] = {}  # extras' values, joined once at the end (linear)

    # -- helpers

    def take(self, *tags: str) -> list[_Entry]:
        present = self.tags
        taken: list[_Entry] = []
        for tag in tags:
            if tag in present:
                taken += present.pop(tag)
        return taken

    def keep(self, entry: _Entry) -> None:
        self.kept.setdefault(Extra("ris", entry.tag), []).append(entry.value)

    def warn(self, code: str, message: str, entry: _Entry | None = None, **more) -> None:
        where = {"line": entry.line, "column": entry.column} if entry else {"line": self.pending.line}
        self.report.warning(code, message, key=self.key, **where, **more)

    def info(self, code: str, message: str, entry: _Entry | None = None, **more) -> None:
        where = {"line": entry.line, "column": entry.column} if entry else {"line": self.pending.line}
        self.report.info(code, message, key=self.key, **where, **more)

    def pick(self, tags: Iterable[str]) -> _Entry | None:
        """The first value by precedence; differing others are kept in extras."""
        return self.choose(self.take(*tags))

    def choose(self, entries: list[_Entry]) -> _Entry | None:
        """The first of the entries; the others are kept in extras when they differ from it."""
        if not entries:
            return None
        chosen = entries[0]
        for other in entries[1:]:
            if _norm(other.value) != _norm(chosen.value):
                self.keep(other)
        return chosen

    # -- the record

    def build(self) -> Record:
        for code, tag, line, column, text in self.pending.cleaned:
            self.report.add(Severity.WARNING if code in _WARNINGS else Severity.INFO, code, text,
                            line=line, column=column, key=self.key, field=tag)
        self._stray()
        ty_code, csl_type = self._type()
        key = self.pick(tags_for("key"))
        self._name_variables(ty_code)
        self._texts(ty_code)
        self._names()
        self._dates()
        self._simple()
        if ty_code in ARTICLE_NUMBER_TYS and "number" not in self.fields:
            article_number = self.pick(("C7",))  # the article number (Web of Science, Scopus)
            if article_number:
                self.fields["number"] = article_number.value
        if variable_for("SP", ty_code) is None:  # else SP is the number of pages (_text_variables)
            self._pages()
        self._keywords()
        self._identifiers()
        self._lines("affiliations", str)
        self._lines("attachments", Attachment)  # (after the DOI search, which looks at L1 too)
        self._text_variables(ty_code)
        csl_type = self._preprint(ty_code, csl_type)
        self._arxiv_class()
        for entries in list(self.tags.values()):  # everything unmapped is kept
            for entry in entries:
                self.keep(entry)
        extras = {key: "\n".join(values) for key, values in self.kept.items()}
        original = ty_code if ty_code in RIS_TO_CSL else self.ty.value  # a long name counts as its code
        if self.ty.value and _writer_ty(csl_type, self.options) != original:
            extras[Extra("ris", "TY")] = original  # the writer would not give it back
        return Record(
            type=csl_type,
            key=key.value if key else None,
            ids=Identifiers(**self.ids),
            variables=self.variables,
            names=self.names,
            extras=extras,
            position=Position(self.report.source, self.pending.line),
            **self.fields,
        )

    def _stray(self) -> None:
        for number, text in self.pending.stray:
            self.report.warning("ris.stray-text", f"untagged text after the TY line, kept in extras: '{text[:60]}'",
                                line=number, column=1, key=self.key)
            self.kept.setdefault(Extra("ris", "unparsed"), []).append(text)

    def _type(self) -> tuple[str, str]:
        raw = self.ty.value
        if not raw:
            self.warn("ris.no-type", "empty TY; read as a generic document", self.ty)
            return "GEN", "document"
        code = raw.upper()
        code = code if code in RIS_TO_CSL else RIS_TYPE_NAMES.get(code, code)
        if code not in RIS_TO_CSL:
            self.warn("ris.unknown-type",
                      f"unknown RIS type '{raw}'; read as a generic document (kept for RIS output)", self.ty)
            return code, "document"
        if code != raw.upper():
            self.info("ris.type-name", f"type name '{raw}' read as RIS type {code}", self.ty)
        return code, RIS_TO_CSL[code]

    def _texts(self, ty_code: str) -> None:
        title_tags = tags_for("title")
        if ty_code in BT_IS_TITLE and not any(tag in self.tags for tag in title_tags):
            title_tags = (*title_tags, "BT")
        title = self.pick(title_tags)
        if title:
            self.fields["title"] = Text(title.value, Syntax.PLAIN)
        if ty_code in CONFERENCE_TYPES and "C3" in self.tags and "T2" in self.tags:
            # Zotero's and the spec's shape: C3 the proceedings, T2 the conference's name
            proceedings, event = self.pick(("C3",)), self.pick(("T2",))
            assert proceedings is not None and event is not None
            self.fields["container_title"] = Text(proceedings.value, Syntax.PLAIN)
            self.variables["event-title"] = Text(event.value, Syntax.PLAIN)
        container = self.pick(tags_for("container"))
        if container:
            self.fields["container_title"] = Text(container.value, Syntax.PLAIN)
        first, *rest = tags_for("abstract")  # all lines of the first tag present; the others if they differ
        abstract, other = self.take(first), self.take(*rest)
        if not abstract:
            abstract, other = other, []
        if abstract:
            text = "\n".join(e.value for e in abstract)
            self.fields["abstract"] = _text_or_markup(text)
            normalised = _norm(text) if other else ""
            for number, entry in enumerate(other):  # past a few, all are kept: the search would be quadratic
                if number >= _DUPLICATE_CHECKS or _norm(entry.value) not in normalised:
                    self.keep(entry)
        notes = self.take(*tags_for("note"))
        if notes:
            self.fields["note"] = _text_or_markup("\n".join(e.value for e in notes))

    def _names(self) -> None:
        authors, etal = self._name_list(self.take(*tags_for("authors")))
        editors, editors_etal = self._name_list(self.take(*tags_for("editors")) + self.more_editors)
        self.fields.update(authors=authors, authors_etal=etal, editors=editors, editors_etal=editors_etal)

    def _name_variables(self, ty_code: str) -> None:
        """Tags that hold a name variable for this type (A3 series editors, A4 translators),
        by the one engine: taken before the editors slot, which reads A2 only where A2 is not
        a series editor."""
        read_rules(rules_for(ty_code)[0], self)

    def _text_variables(self, ty_code: str) -> None:
        """Tags that hold a text variable for this type (T3, ST, J2/JA, NV, SE, ...), by the one
        engine: the first value by the table's precedence; differing others stay in extras."""
        read_rules(rules_for(ty_code)[1], self)
        short = self.variables.get("container-title-short")
        if short is not None and "container_title" not in self.fields:  # JA alone (Nature): Zotero does the same
            self.fields["container_title"] = short

    # -- the engine's source (rules.Source) for VARIABLE_TAGS: every value of a rule's tags
    @property
    def kind(self) -> str:
        return self.ty.value

    def take_for(self, rule: Rule) -> tuple[str, list[_Entry]] | None:
        entries = self.take(*rule.fields)
        return (rule.fields[0], entries) if entries else None

    def give_back(self, field: str) -> None:
        """(Nothing goes back: a value not chosen is in extras already.)"""

    def put(self, rule: Rule, value: Any) -> None:
        slot = rule.how.slot
        if slot == "names":
            if value:
                self.names[rule.variable] = self.names.get(rule.variable, ()) + value
        elif slot == "editors":
            self.more_editors += value
        elif slot == "core":
            self.fields[rule.variable] = value
        else:
            self.variables[rule.variable] = value

    def names_in(self, entries: list[_Entry]) -> tuple[Name, ...]:
        """The names of a name variable's lines; an "et al." line stays as it is in extras (the
        maps have no et al. flag)."""
        for entry in entries:
            if _ETAL.match(entry.value):
                self.keep(entry)
        return self._name_list([e for e in entries if not _ETAL.match(e.value)])[0]

    def _name_list(self, entries: list[_Entry]) -> tuple[tuple[Name, ...], bool]:
        names: list[Name] = []
        etal = False
        for entry in sorted(entries, key=lambda e: e.line):
            if _ETAL.match(entry.value):
                etal = True
                continue
            parts = _several_names(entry.value)
            if parts:
                self.warn("ris.several-names", f"{len(parts)} names in one {entry.tag} line; split at ';'", entry,
                          hint="RIS wants one name per line", field=entry.tag)
            elif ";" in entry.value:
                self.warn("ris.several-names", f"{entry.tag} line holds ';' but does not split into names; "
                          "kept as one name", entry, field=entry.tag)
            for part in parts or [entry.value]:
                name, doubt = parse_name(part)
                if doubt:
                    self.warn("ris.name", doubt, entry, field=entry.tag)
                if name is None:
                    self.keep(entry)
                else:
                    names.append(name)
        return tuple(names), etal

    def _dates(self) -> None:
        issued = self._first_date(_month_day_of_year(self.take(*tags_for("issued"))), literal=True)
        if issued:
            self.fields["issued"] = issued
        accessed = self._first_date(self.take(*tags_for("accessed")), literal=False)
        if accessed:
            self.fields["accessed"] = accessed

    def _first_date(self, entries: list[_Entry], *, literal: bool) -> Date | None:
        chosen: Date | None = None
        unread: list[_Entry] = []
        for entry in entries:
            if not entry.value.strip("/ "):
                continue  # "///": the exporter had no date
            date, exact = parse_date(entry.value)
            if date is not None and date.year == 0:  # "0000": exporters' placeholder, no calendar has it
                self.warn("ris.year-zero", f"{entry.tag} '{entry.value}' has year 0000, which means no date; "
                          "read as no date, the value kept in extras", entry)
                self.keep(entry)
                continue
            if date is None:
                unread.append(entry)
            elif chosen is None:
                chosen = date
                if not exact:
                    self.info("ris.partial-date", f"{entry.tag} '{entry.value}': only {date.iso()} read; "
                              "the value is kept in extras", entry)
                    self.keep(entry)
            elif not exact or not _agrees(date, chosen):
                self.info("ris.other-date", f"{entry.tag} '{entry.value}' differs from the date used "
                          f"({chosen.iso()}); kept in extras", entry)
                self.keep(entry)
        if chosen is None and literal and unread:
            entry = unread.pop(0)
            chosen = Date(literal=entry.value)
            self.warn("ris.bad-date", f"{entry.tag} '{entry.value}' is not a RIS date (YYYY/MM/DD/other); "
                      "kept as a literal date", entry)
        for entry in unread:
            self.warn("ris.bad-date", f"{entry.tag} '{entry.value}' is not a RIS date (YYYY/MM/DD/other); "
                      "kept in extras", entry)
            self.keep(entry)
        return chosen

    def _simple(self) -> None:
        read_rules(SLOT_RULES + LANGUAGE_RULES, self)

    def _pages(self) -> None:
        start, end = self.pick(tags_for("start_page")), self.pick(tags_for("end_page"))
        if start and end:
            if _norm(start.value) == _norm(end.value):
                self.fields["pages"] = start.value
            elif _RANGE.search(start.value):
                self.fields["pages"] = start.value
                self.keep(end)
            else:
                self.fields["pages"] = f"{start.value}-{end.value}"
        elif start:
            self.fields["pages"] = start.value
        elif end:
            self.info("ris.end-page-only", "EP without SP; kept in extras", end)
            self.keep(end)

    def _keywords(self) -> None:
        words = [word.strip() for e in self.take(*tags_for("keywords")) for word in e.value.split("\n")]
        self.fields["keywords"] = tuple(w for w in words if w)

    def _lines(self, slot: str, kind: type) -> None:
        """A slot that takes one value a line (AD, L1)."""
        values = [line.strip() for e in self.take(*tags_for(slot)) for line in e.value.split("\n")]
        if any(values):
            self.fields[slot] = tuple(kind(v) for v in values if v)

    def _identifiers(self) -> None:
        for entry in self.take(*tags_for("accession")):
            if "arxiv" not in self.ids and entry.value.lower().startswith("arxiv:"):
                self._set_arxiv(entry.value, entry)
            else:
                self.keep(entry)
        dois = self._dois()
        urls = [(url, e) for e in self.take(*tags_for("url")) for url in split_links(e.value)]
        if "arxiv" not in self.ids:  # arXiv's DataCite DOI or its pages, as the normalisation pass reads them
            arxiv, version = arxiv_id_from(dois, *(url for url, _ in urls))
            if arxiv is not None:
                self.ids["arxiv"] = arxiv
                if version:
                    self.ids["arxiv_version"] = version
        if "arxiv" in self.ids:  # derived by the model: never stored (arXiv's DOI: see normalise)
            urls = [(u, e) for u, e in urls if u != arxiv_url(self.ids["arxiv"])]
        if dois:
            self.ids["doi"] = tuple(dict.fromkeys(dois))
        if urls:
            self.ids["url"] = urls[0][0]
            links = tuple(dict.fromkeys(url for url, _ in urls[1:] if is_link(url) and url != urls[0][0]))
            if links:
                self.ids["links"] = links
            for url, entry in urls[1:]:
                if not is_link(url):  # (words after a link: "(accessed 5 March 2020)")
                    self.keep(_Entry("UR", url, entry.line, entry.column))
        self._isbn_issn()

    def _set_arxiv(self, value: str, entry: _Entry | None = None) -> bool:
        try:
            self.ids.update(arxiv_fields(value))
        except ArxivIdError as exc:
            if entry is not None:
                self.warn("ris.bad-arxiv-id", f"{exc}; kept in extras", entry)
                self.keep(entry)
            return False
        return True

    def _dois(self) -> list[str]:
        dois: list[str] = []
        for entry in self.take(*tags_for("doi")):
            found = [strip_doi(t) for t in entry.value.split() if is_doi(strip_doi(t))]
            rest = " ".join(t for t in entry.value.split() if not is_doi(strip_doi(t)))
            if rest:  # "DOI", or a DOI with the next line glued on (Rayyan)
                self.warn("ris.bad-doi", f"'{rest[:60]}' in DO is not a DOI (10.NNNN/suffix); kept in extras", entry)
                self.keep(_Entry("DO", rest, entry.line, entry.column))
            dois.extend(found)
        if not dois:
            for tag in DOI_FALLBACK_TAGS:
                for entry in self.tags.get(tag, []):
                    doi = strip_doi(entry.value)
                    if is_doi(doi) and (tag != "UR" or doi != entry.value):
                        self.info("ris.doi-elsewhere", f"no DO line; DOI {doi} taken from {tag} (also kept there)",
                                  entry)
                        return [doi]
        return dois

    def _isbn_issn(self) -> None:
        found: dict[str, list[str]] = {"isbn": [], "issn": []}
        for entry in self.take(*tags_for("isbn_issn")):
            tokens, leftover = _sn_tokens(entry.value)
            kinds = [_sn_kind(t) for t in tokens]
            for kind, number in kinds:
                if kind:
                    found[kind].append(number)
            bad = [t for t, (kind, _) in zip(tokens, kinds, strict=True) if kind is None]
            if bad or not tokens:
                self.warn("ris.bad-sn", f"SN '{entry.value[:60]}' holds no valid ISBN or ISSN"
                          f"{' (' + ', '.join(bad) + ')' if bad else ''}; kept in extras", entry)
                self.keep(entry)
            elif leftover:
                self.info("ris.sn-text", f"SN '{entry.value[:60]}': text besides the numbers kept in extras", entry)
                self.keep(entry)
        for kind, numbers in found.items():
            if numbers:
                self.ids[kind] = tuple(dict.fromkeys(numbers))

    def _preprint(self, ty_code: str, csl_type: str) -> str:
        """Our writer's arXiv preprint (UNPB, T2/PB arXiv, AN arXiv:ID) reads back as CSL's preprint."""
        container = self.fields.get("container_title")
        if not reads_as_preprint(ty_code, bool(self.ids.get("arxiv")), self.fields.get("publisher"),
                                 container.value if container is not None else None):
            return csl_type
        if container is not None and _is_arxiv(container.value):
            del self.fields["container_title"]
            self.fields.setdefault("publisher", "arXiv")
        return "article"

    def _arxiv_class(self) -> None:
        keywords = self.fields.get("keywords")
        if self.ids.get("arxiv") and "arxiv_class" not in self.ids and keywords and _ARXIV_CLASS.match(keywords[0]):
            self.ids["arxiv_class"] = keywords[0]


# --- values -------------------------------------------------------------------------------

_DUPLICATE_CHECKS = 32  # N2 values looked for inside the abstract (exporters write one, repeating AB)
_ETAL = re.compile(r"^et\.?\s*al\.?$", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")
_RANGE = re.compile(r"\w\s*[-–—]+\s*\w")
_ARXIV_ARCHIVES = (
    "astro-ph|cond-mat|cs|econ|eess|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math|math-ph|nlin|nucl-ex|nucl-th|"
    "physics|q-bio|q-fin|quant-ph|stat|acc-phys|adap-org|alg-geom|ao-sci|atom-ph|bayes-an|chao-dyn|chem-ph|"
    "cmp-lg|comp-gas|dg-ga|funct-an|mtrl-th|patt-sol|plasm-ph|q-alg|solv-int|supr-con"
)
_ARXIV_CLASS = re.compile(rf"^(?:{_ARXIV_ARCHIVES})(?:\.[A-Za-z-]+)?$")
_SN_QUALIFIER = re.compile(r"\([^)]*\)")
_SN_NUMBER = re.compile(r"\d[\dXx-]*")
_SLASH_DATE = re.compile(r"^(?P<y>-?\d{4})(?:/(?P<m>\d{1,2})?(?:/(?P<d>\d{1,2})?(?:/(?P<o>.*))?)?)?$")
_ISO_DATE = re.compile(r"^(?P<y>-?\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?(?P<o>[T ].*)?$")
_YEAR_FIRST = re.compile(r"^(?P<y>-?\d{4})\b")  # (a year before 1 AD: -0100, as the writer writes it)


def _clean(line: str) -> tuple[str, list[tuple[str, int, str]]]:
    """The line with its other line breaks as LF (folded by the tag) and its control characters
    as U+FFFD; what was found: (code, 1-based column of the first, message)."""
    breaks: list[tuple[int, str]] = []
    controls: list[tuple[int, str]] = []
    found = []
    again = decoded_again(line)  # (a C1 character inside "Ã\x9f" is the line's UTF-8 encoded twice over)
    if again is not None:
        found.append(("text.double-encoded", 1, repair_said([(line, again)])))
        line = again
        if _SUSPECT.search(line) is None:
            return line, found

    def fix(match: re.Match) -> str:
        char = match[0]
        (breaks if char in _BREAKS else controls).append((match.start() + 1, char))
        return "\n" if char in _BREAKS else "\ufffd"

    line = _SUSPECT.sub(fix, line)
    if breaks:
        column, char = breaks[0]
        found.append(("ris.line-break", column, f"line break U+{ord(char):04X} inside a line read as a line break"
                      + (f" ({len(breaks)} in this line)" if len(breaks) > 1 else "")))
    if controls:
        column, char = controls[0]
        found.append(("ris.control-char", column, f"control character U+{ord(char):04X} replaced by U+FFFD"
                      + (f" ({len(controls)} in this line)" if len(controls) > 1 else "")))
    return line, found


def _fold(text: str, tag: str) -> str:
    """A value's inner line breaks (from _clean) as its continuation lines would be joined."""
    return _FOLD.sub("\n" if tag in MULTILINE_TAGS else " ", text) if "\n" in text else text


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def _is_arxiv(value: str | None) -> bool:
    return value is not None and value.strip().casefold() == "arxiv"


def _writer_ty(csl_type: str, options: Options) -> str:
    return options.ris_type if csl_type == "article" else RIS_TYPES.get(csl_type, DEFAULT_RIS_TYPE)


def _agrees(date: Date, chosen: Date) -> bool:
    return date.year == chosen.year and all(
        getattr(date, part) in (None, getattr(chosen, part)) for part in ("month", "day", "season"))


_MONTH_DAY = re.compile(r"^\s*(?P<month>[^\W\d_]{3,}\.?)(?:\s+(?P<day>\d{1,2}))?\s*$")
_YEAR = re.compile(r"^\s*(?P<year>\d{4})\s*$")


def _month_day_of_year(entries: list[_Entry]) -> list[_Entry]:
    """Web of Science writes the month and day in DA without the year (DA  - SEP 22) and the
    year in PY: one date, 2010/09/22/."""
    year = next((m["year"] for e in entries if e.tag == "PY" and (m := _YEAR.match(e.value))), None)
    if year is None or int(year) == 0:
        return entries
    out = []
    for entry in entries:
        match = _MONTH_DAY.match(entry.value) if entry.tag == "DA" else None
        month = month_number(match["month"]) if match else None
        day = int(match["day"]) if match and match["day"] else None
        if month is not None and (day is None or 1 <= day <= calendar.monthrange(int(year), month)[1]):
            # (a day that month does not have leaves DA as written: kept in extras, reported)
            entry = _Entry(entry.tag, f"{year}/{month:02d}/{f'{day:02d}' if day else ''}/", entry.line, entry.column)
        out.append(entry)
    return out


def parse_date(text: str) -> tuple[Date | None, bool]:
    """A RIS date (``YYYY/MM/DD/other``, ``YYYY``, ``YYYY///``; ISO ``YYYY-MM-DD`` too).

    Returns the date and whether all of the text was read (False: "other" text, a
    time, an impossible day, or words after the year).
    """
    text = text.strip()
    match = _SLASH_DATE.match(text) or _ISO_DATE.match(text)
    exact = True
    if match is None:
        match = _YEAR_FIRST.match(text)
        if match is None:
            return None, False
        return Date(int(match["y"])), False
    groups = match.groupdict()
    year = int(groups["y"])
    month = int(groups["m"]) if groups.get("m") else None
    day = int(groups["d"]) if groups.get("d") else None
    month, day = month or None, day or None  # 00 means "not given"
    other = (groups.get("o") or "").strip()
    if other:
        # a season in the "other" part ("1969///Spring", as our writer and Zotero's write it)
        season = SEASONS.get(other.lower()) if match.re is _SLASH_DATE and month is None and day is None else None
        if season is not None:
            return Date(year, season=season), True
        exact = False
    if month is not None and not 1 <= month <= 12:
        month, day, exact = None, None, False
    if day is not None and (month is None or not 1 <= day <= calendar.monthrange(year, month)[1]):
        day, exact = None, False
    return Date(year, month, day), exact


def _text_or_markup(text: str) -> Text:
    """RIS is plain text, but Zotero writes its notes (and some exporters abstracts) as HTML,
    <p>, <div>, <strong>: read as markup where such a tag is, so no tag reaches another format."""
    return Text(producer_markup(text), Syntax.HTML) if has_producer_markup(text) else Text(text, Syntax.PLAIN)


def _several_names(value: str) -> list[str] | None:
    """"Smith, J.; Doe, K." -> the names, when every piece is clearly a name."""
    parts = [p.strip() for p in value.split(";") if p.strip()]
    if len(parts) < 2 or not all(_name_shaped(p) for p in parts):
        return None
    return parts


def _name_shaped(text: str) -> bool:
    pieces = [p.strip() for p in text.split(",")]
    if any(ch.isdigit() for ch in text) or len(pieces) > 3:
        return False
    if len(pieces) > 1:
        return bool(pieces[0]) and bool(pieces[1]) and len(pieces[0].split()) <= 4
    return 2 <= len(text.split()) <= 4


def _has_organisation_word(text: str) -> bool:
    return any(word.lower().strip(".") in ORGANISATION_WORDS for word in re.findall(r"[\w.'’-]+", text))


def parse_name(value: str) -> tuple[Name | None, str | None]:
    """A RIS name: ``Family, Given[, Suffix]``; ending with its only comma (EndNote's mark of a
    corporate author) an organisation (literal); without a comma an organisation, ``Family
    Initials`` (``Liu R.``, Embase) or a name as written (``John Smith``).

    Returns the name (None for an empty value) and a doubt worth a warning.
    """
    text = " ".join(value.split())
    if text.endswith(",") and "," not in text[:-1] and text[:-1].strip():
        return Name(literal=text[:-1].rstrip()), None  # EndNote's mark of a corporate author: "Electronic Arts,"
    text = text.rstrip(" ,")  # a leading comma means "no family name"
    if not text:
        return None, None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        return _name_without_comma(text), None
    if len(parts) > 3:
        return Name(literal=text), f"name '{text[:60]}' has {len(parts) - 1} commas; kept as one literal name"
    family, given = parts[0], parts[1] or None
    suffix = parts[2] if len(parts) == 3 and parts[2] else None
    if not family:
        return (Name(given=given, suffix=suffix) if given else None), None
    particle, family = leading_particle(family)
    if len(family.split()) > 1 and _has_organisation_word(family):
        return Name(literal=text), None  # "Department of Health, UK"
    given, dropping = trailing_particle(given, PARTICLES)
    return Name(family=family, given=given, non_dropping_particle=particle, dropping_particle=dropping,
                suffix=suffix), None


def _name_without_comma(text: str) -> Name:
    if is_organisation(text):
        return Name(literal=text)
    tokens = text.split()
    initials = 0  # "Liu R.", "Brownstein C D", "Smith JA": Vancouver order, family first
    while initials < len(tokens) - 1 and _INITIALS.match(tokens[len(tokens) - 1 - initials]):
        initials += 1
    if initials and not _INITIALS.match(tokens[0]):
        return Name(family=" ".join(tokens[:-initials]), given=" ".join(tokens[-initials:]))
    if has_tex(text):  # RIS is plain text: a backslash, brace, "~" or "--" is a character, never TeX
        return _plain_first_von_last(tokens)
    return split_display_name(text)


def _plain_first_von_last(tokens: list[str]) -> Name:
    """split_display_name's reading (BibTeX's First von Last, a trailing suffix split off) of
    whitespace tokens taken as typed."""
    suffix = tokens[-1] if len(tokens) > 2 and tokens[-1].lower() in SUFFIXES else None
    words = tokens[:-1] if suffix else tokens
    if len(words) == 1:
        return Name(family=words[0], suffix=suffix) if suffix else Name(literal=words[0])
    lower = [i for i, word in enumerate(words[:-1]) if word[:1].islower()]
    first, last = (lower[0], lower[-1] + 1) if lower else (len(words) - 1, len(words) - 1)
    return Name(family=" ".join(words[last:]), given=" ".join(words[:first]) or None,
                non_dropping_particle=" ".join(words[first:last]) or None, suffix=suffix)


def _sn_tokens(value: str) -> tuple[list[str], str]:
    """ISBNs/ISSNs in an SN value ("03064530 (ISSN)", "1478-6435 1478-6443", '["1932-8494" "1932-8486"]',
    "0 19 852663 6") and the text left besides them and the qualifiers that only name their kind
    (a qualifier that says more, "(electronic)", is text left)."""
    said = " ".join(q for q in _SN_QUALIFIER.findall(value) if q.strip("()").strip().upper() not in ("ISSN", "ISBN"))
    text = _SN_QUALIFIER.sub(" ", value).strip()
    if _sn_kind(text)[0]:
        return [text], said
    tokens = _SN_NUMBER.findall(text)
    leftover = " ".join(filter(None, (_SN_NUMBER.sub("", text).strip(" \t;,[]\"'"), said)))
    return tokens, leftover


@lru_cache(maxsize=4096)
def _sn_kind(token: str) -> tuple[str | None, str]:
    """("isbn" | "issn" | None, normalised): check digits by python-stdnum, which is slow, so only
    for tokens of the right length, and cached (a file repeats its journals' ISSNs)."""
    digits = re.sub(r"[\s-]", "", token)
    if len(digits) in (10, 13):
        number, valid = normalize_isbn(token)
        if valid:
            return "isbn", number
    if len(digits) == 8:
        number, valid = normalize_issn(token)
        if valid:
            return "issn", number
    return None, token
