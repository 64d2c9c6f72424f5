"""CSL-JSON reader: an array of items, one item, or items one per line (NDJSON); CSL-YAML
too when PyYAML happens to be importable (it is not a dependency).

Position-aware: each item is decoded on its own with ``json.JSONDecoder.raw_decode`` at
its offset, so every diagnostic carries the item's line (or the line of the variable
concerned). A syntax error (or nesting too deep) is one error with the decoder's line
and column, naming the broken item; reading resumes at the next '{' after a ',', '['
or line break that decodes to an item, on the same line or later (compact arrays too).
NDJSON (an input whose first line is an item by itself, ``one_item_a_line``) is read line
by line, as the NDJSON format says: each line a document of its own, so a broken line
costs only itself (and a block of such a file, ``split.py``, reads as the whole file does).
Lone surrogates become U+FFFD with a warning (UTF-8 cannot carry them). The text is read
through a window (``CHUNK`` characters at a time, what lies behind the next item dropped),
so memory does not grow with the input; an item longer than the window widens it, and a
decoding error near the window's end reads on before it counts, so that every record and
diagnostic is what reading the whole text at once gives. CSL-YAML is read whole.

Mapping (what real producers write, not only what the schema allows): every CSL 1.0.2
variable goes to its slot or to the record's maps (``converters/csl.py``): titles and
the title-like variables of ``Record.variables`` are CSL rich text (``Syntax.HTML``), the
other text and number variables plain (the abstract and note are read as rich text);
name variables are read as ``author`` is, date variables as ``issued``; the legacy
``journalAbbreviation`` and ``shortTitle`` become ``container-title-short`` and
``title-short`` (when both spellings differ, the CSL 1.0.2 one wins and the legacy one
is kept in extras, with a warning). Strings given as lists (Crossref's
``container-title``, ``ISSN``) take their first value; numbers become strings;
``date-parts`` may hold strings, be empty, carry seasons (21-24), ``circa``, ranges,
``raw`` or ``literal``. On a name object, an ORCID iD ("ORCID" or "orcid", Crossref's
URL form too) becomes ``Name.orcid`` (bare) and an affiliation (text, texts, or
Crossref's ``[{"name": ...}]``) ``Name.affiliation``.

The record's key is ``citation-key`` when given, else ``id`` (an earlier writer's
``custom["original-key"]`` first); our writer writes ``citation-key`` only when the id
had to differ from the key (made unique).

What the model has no field for is kept in extras (converters/extras.py):
``Extra("csl", variable)`` (the processor's variables, ``categories`` and unknown keys:
strings as they are, any other JSON value as JSON text; a name list holding "et al."
outside ``author`` and ``editor``, as given; an ``id`` that is an item URI beside the
``citation-key``), kind ``NAME_META`` (the other keys of a variable's name objects, JSON,
one object per name), kind ``RAW`` (a value of a known variable the reader could not use
as given), kind ``ENTRY_TYPE`` (a type that is no CSL type), kind ``CUSTOM`` (members of
``custom`` that are not ours, JSON) and, under the key their text form names, ``custom``
members named ``<format>:<field>`` (extras of other formats written by our writer; a
names' meta there is put back on the names). The writer puts each back where it came from.
"""

from __future__ import annotations

import calendar
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any, TextIO

from ... import csl
from ...diagnostics import Reporter
from ...extras import Extra, Kind
from ...model import (
    CSL_TYPES,
    Attachment,
    Date,
    Identifiers,
    Name,
    Position,
    Record,
    Syntax,
    Text,
    arxiv_url,
)
from ...normalise import arxiv_id_from
from ...options import Options
from ...text.ids import (
    ArxivIdError,
    arxiv_fields,
    bare_orcid,
    is_doi,
    normalize_isbn,
    normalize_issn,
    strip_doi,
)
from ...text.markup import producer_markup
from ...text.months import SEASONS
from ...text.names import leading_particle, trailing_particle
from ...text.patterns import matcher
from ...textio import TOO_DEEP, vet_json
from . import tables
from .tables import (
    DEFAULT_TYPE,
    ESCAPED_HYPHEN,
    ETAL,
    NON_RANGE_HYPHEN,
    RICH_TEXT_VARIABLES,
    SLOT_VARIABLES,
    TEXT_VARIABLES,
    TYPE_ALIASES,
)

_DECODER = json.JSONDecoder()
_ITEM_START = re.compile(r"[,\[\n][ \t\r\n]*\{")
_LINE_END = re.compile("\n")
_space = matcher(r"[ \t\r\n]*")
_MISSING = object()
_ATTACHMENT_KEYS = frozenset({"location", "title", "media-type"})  # custom["attachments"]'s, as our writer writes


def read(stream: TextIO | Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    # a block of a larger file (split.py: only NDJSON is cut) numbers its lines on from its place
    first_line = getattr(stream, "first_line", 1)
    reader = _Reader(_chunks(stream), report, options or Options(), first_line - 1, by_lines=first_line > 1)
    yield from reader.records()


def one_item_a_line(text: str) -> bool:
    """The first line of ``text`` that is not blank is one JSON object by itself: the input is
    read as NDJSON, line by line (a pretty-printed item or an array starts otherwise)."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    line = text[start:len(text) if end < 0 else end]
    try:
        value, stop = _DECODER.raw_decode(line)
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(value, dict) and not line[stop:].strip()


def _wrapped(value: Any) -> bool:
    """An object holding the items in "items" or "references" (a Zotero or pandoc wrapper)."""
    return (isinstance(value, dict) and "type" not in value
            and isinstance(value.get("items", value.get("references")), list))


def _once(text: str) -> Callable[[int], str]:
    given = [text]
    return lambda size: given.pop() if given else ""


CHUNK = 1 << 20  # characters read at a time
KEPT = 1 << 20  # read text is dropped once this much of it lies behind the next item
_LOOKAHEAD = 16  # a decoding error this close to the end of what was read may be the cut, not the JSON


def _chunks(stream: TextIO | Iterable[str]) -> Callable[[int], str]:
    """``read(size)``: at least ``size`` characters of the stream (fewer only at its end)."""
    if hasattr(stream, "read"):
        return stream.read
    lines = iter(stream)

    def read(size: int) -> str:
        parts, count = [], 0
        for line in lines:
            parts.append(line)
            count += len(line)
            if count >= size:
                break
        return "".join(parts)

    return read


class _Reader:
    """Reads the input item by item through a window of its text, so memory does not grow
    with the input: offsets are the window's, and ``line_starts`` (its line starts, the
    first one at or before the window) with ``lines_before`` give the file's lines."""

    def __init__(self, read: Callable[[int], str], report: Reporter, options: Options, lines_before: int = 0,
                 *, by_lines: bool = False, line: bool = False):
        """``by_lines``: read as NDJSON whatever the first line is; ``line``: this is one line
        of NDJSON (read as a document of its own, JSON only)."""
        self._read = read
        self.text = ""
        self.eof = False
        self.by_lines, self.in_line = by_lines, line
        self.whole = "the line" if line else "input"  # what ends where reading stops, for messages
        self.lines_before = lines_before
        self.line_starts = [0]
        self.report = report
        self.options = options
        self.last_label: str | None = None
        if self.more() and self.text.startswith("\ufeff"):
            self.text = " " + self.text[1:]  # same length: offsets and columns stay right

    # -- the window

    def more(self) -> bool:
        """Read on (at least as much again as the window holds, so that one long item is
        decoded a few times, not once a chunk); False at the end of the input."""
        chunk = self._read(max(CHUNK, len(self.text)))
        if not chunk:
            self.eof = True
            return False
        start = len(self.text)
        self.text += chunk
        self.line_starts.extend(m.end() + start for m in _LINE_END.finditer(chunk))
        return True

    def drop(self, pos: int) -> int:
        """Forget the text before ``pos`` once there is enough of it; ``pos`` in the new window."""
        if pos < KEPT:
            return pos
        kept = bisect_right(self.line_starts, pos) - 1  # the line ``pos`` is on
        self.lines_before += kept
        self.line_starts = [start - pos for start in self.line_starts[kept:]]
        self.text = self.text[pos:]
        return 0

    def decode(self, pos: int) -> tuple[Any, int]:
        """The JSON value at ``pos`` and the offset after it, reading on while the window's end
        may be what cut it short (errors as decoding the whole input gives them)."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, pos)
            except json.JSONDecodeError as exc:
                if self.eof or not (exc.msg.startswith("Unterminated string")
                                    or exc.pos >= len(self.text) - _LOOKAHEAD):
                    raise
                self.more()
                continue
            if end < len(self.text) or self.eof:  # a number at the end might go on
                return value, end
            self.more()

    # -- positions

    def line(self, offset: int) -> int:
        return self.lines_before + bisect_right(self.line_starts, offset)

    def column(self, offset: int) -> int:
        return offset - self.line_starts[bisect_right(self.line_starts, offset) - 1] + 1

    def at(self, offset: int) -> dict:
        return {"line": self.line(offset), "column": self.column(offset)}

    def skip(self, pos: int) -> int:
        """The first offset from ``pos`` that is not white space (or the end of the input)."""
        while (pos := _space(self.text, pos).end()) == len(self.text) and not self.eof:
            self.more()
        return pos

    # -- splitting the input into items

    def records(self) -> Iterator[Record]:
        pos = self.skip(0)
        if self.by_lines or (not self.in_line and self.first_line_is_an_item(pos)):
            yield from self.lines(pos)
            return
        for value, start, end in self.values(pos):
            record = self.convert(value, start, end)
            if record is not None:
                yield record

    def values(self, pos: int) -> Iterator[tuple[Any, int, int]]:
        if pos == len(self.text):
            self.report.warning("csl.empty", "input is empty: no CSL-JSON items", line=1)
            return
        if self.text[pos] not in "[{":
            if not self.in_line:
                yield from self.yaml_values(pos)
            else:  # (a line of a pretty-printed item, say: one error for the line, not one per value)
                self.report.error("csl.syntax", f"invalid JSON: a line of NDJSON starts with {self.text[pos]!r}, "
                                  "not an item's '{'", **self.at(pos), key=_id_in(self.text),
                                  hint="the line is skipped (the input is read as NDJSON, one item a line, "
                                       "as its first line is an item by itself)")
            return
        while pos < len(self.text):
            if self.text[pos] == "[":
                pos = yield from self.array(pos)
            else:
                pos = yield from self.single(pos)
            if pos is None:
                return
            pos = self.skip(self.drop(pos))

    def first_line_is_an_item(self, pos: int) -> bool:
        if not self.text.startswith("{", pos):  # (an array on one line is not read whole to find out)
            return False
        end = self.line_end(pos)  # (before self.text is read: it grows the window)
        return one_item_a_line(self.text[pos:end])

    def line_end(self, pos: int) -> int:
        """The offset of the line feed ending ``pos``'s line (or of the input's end), reading on
        until the window holds the line whole."""
        while (end := self.text.find("\n", pos)) < 0 and not self.eof:
            self.more()
        return len(self.text) if end < 0 else end

    def lines(self, pos: int) -> Iterator[Record]:
        """NDJSON: each line read as a document of its own, its items converted as they come."""
        pos = self.line_starts[bisect_right(self.line_starts, pos) - 1]  # (columns count from the line's start)
        while pos < len(self.text):
            stop = self.line_end(pos)
            first = _space(self.text, pos).end()
            if first < stop:  # (not a blank line)
                value, end = self.item_alone(first, stop)
                if end < 0:  # anything else: read as a document of its own, without its line feed
                    line = _Reader(_once(self.text[pos:stop]), self.report, self.options, self.line(pos) - 1,
                                   line=True)
                    yield from line.records()  # (a warning in a line names an item of that line)
                elif (record := self.convert(value, first, end)) is not None:
                    yield record
            pos = self.drop(min(stop + 1, len(self.text)))
            if pos == len(self.text) and not self.eof:
                self.more()

    def item_alone(self, first: int, stop: int) -> tuple[Any, int]:
        """The line's item and its end when it is the line's only value (nearly every line of
        NDJSON, read in place); end -1 otherwise."""
        if self.text[first] != "{":
            return None, -1
        try:
            value, end = _DECODER.raw_decode(self.text, first)
        except (json.JSONDecodeError, RecursionError):
            return None, -1
        if end > stop or _space(self.text, end).end() < stop or _wrapped(value):
            return None, -1
        return value, end

    def array(self, pos: int):
        """Items of an array from its '['; returns the offset after its ']' (None: stop)."""
        pos = self.skip(pos + 1)
        while pos < len(self.text):
            pos = self.drop(pos)
            if self.text[pos] == "]":
                return pos + 1
            if self.text[pos] == ",":
                self.report.warning("csl.extra-comma", "extra ',' in the array ignored", **self.at(pos),
                                    key=self.last_label)
                pos = self.skip(pos + 1)
                continue
            try:
                value, end = self.decode(pos)
            except json.JSONDecodeError as exc:
                resumed = self.broken(pos, exc.pos, f"invalid JSON: {exc.msg}")
            except RecursionError:
                resumed = self.broken(pos, pos, TOO_DEEP)
            else:
                after = self.skip(end)
                if after < len(self.text) and self.text[after] == ":":  # a member outside an object: '{' lost
                    resumed = self.broken(pos, after, "invalid JSON: a 'name: value' pair outside an object "
                                                      "(the item's '{' is missing?)")
                else:
                    yield value, pos, end
                    pos = self.next_in_array(after)
                    continue
            if resumed is None:
                return None
            pos = resumed
        self.report.warning("csl.unclosed", f"{self.whole} ends inside the array (no closing ']')",
                            **self.at(len(self.text)), key=self.last_label,
                            hint=f"{'the line' if self.in_line else 'the file'} may have been cut short")
        return None

    def next_in_array(self, pos: int) -> int:
        if pos < len(self.text) and self.text[pos] == ",":
            comma, pos = pos, self.skip(pos + 1)
            if pos < len(self.text) and self.text[pos] == "]":
                self.report.warning("csl.extra-comma", "trailing ',' before ']' ignored", **self.at(comma),
                                    key=self.last_label)
        elif pos < len(self.text) and self.text[pos] != "]":
            self.report.warning("csl.missing-comma", "missing ',' between items", **self.at(pos),
                                key=self.last_label)
        return pos

    def single(self, pos: int):
        """One top-level value (an item, or the next line of NDJSON)."""
        try:
            value, end = self.decode(pos)
        except json.JSONDecodeError as exc:
            return self.broken(pos, exc.pos, f"invalid JSON: {exc.msg}")
        except RecursionError:
            return self.broken(pos, pos, TOO_DEEP)
        if _wrapped(value):
            self.report.warning("csl.wrapped", "items read from the object's 'items'/'references' list",
                                **self.at(pos))
            for item in value.get("items", value.get("references")):
                yield item, pos, end
        else:
            yield value, pos, end
        return end

    def broken(self, start: int, error: int, message: str) -> int | None:
        """Report a broken item once, naming it (not its neighbour); the offset of the next
        item, wherever it starts, or None when no item follows."""
        resume = self.resume(start, error)
        span = self.text[start:error if resume is None else resume]
        key = _id_in(span)
        if resume is not None:
            after = f"reading goes on at the next item (line {self.line(resume)})"
        else:
            after = ("reading goes on at the next line (the input is read as NDJSON, one item a line, as its first "
                     "line is an item by itself)" if self.in_line else "reading goes on at the next item: none follows")
        self.report.error("csl.syntax", message, **self.at(error), key=key, hint=f"the item is skipped; {after}")
        return resume

    def resume(self, start: int, error: int) -> int | None:
        """The next '{' that starts an item: after ',', '[' or a line break, and decoding to an
        object with "id" or "type" (an author's object inside the broken item has neither). The
        error's own line is searched from its start, since the next item may begin on it."""
        text = self.text
        pos = max(start + 1, min(error, max(text.rfind("\n", 0, error), text.rfind(",", 0, error))))
        while True:
            text = self.text
            for found in _ITEM_START.finditer(text, pos):
                at = found.end() - 1
                try:
                    value, _ = self.decode(at)
                except (json.JSONDecodeError, RecursionError):
                    continue
                if isinstance(value, dict) and ("id" in value or "type" in value):
                    return at
            # searched to the end of ``text``: a start it cut begins at its last character but space
            pos = max(pos, len(text.rstrip(" \t\r\n")) - 1)
            if len(self.text) == len(text) and not self.more():
                return None

    def yaml_values(self, pos: int) -> Iterator[tuple[Any, int, int]]:
        while self.more():  # YAML is read whole
            pass
        try:
            import yaml
        except ImportError:
            self.report.error("csl.not-json", "input is not CSL-JSON: expected '[' or '{'", **self.at(pos),
                              hint="CSL-YAML is read only when PyYAML is installed")
            return
        try:
            root = next(iter(yaml.compose_all(self.text, Loader=yaml.SafeLoader)), None)
            data = next(iter(yaml.safe_load_all(self.text)), None)
        except Exception as exc:  # YAMLError, or a document too deep to build
            mark = getattr(exc, "problem_mark", None)
            where = {"line": mark.line + 1, "column": mark.column + 1} if mark else self.at(pos)
            self.report.error("csl.syntax", f"input is neither JSON nor valid YAML: {exc}".split("\n")[0], **where)
            return
        if root is None:
            self.report.error("csl.not-json", "input is not CSL-JSON (nor CSL-YAML): no items", **self.at(pos))
            return
        if isinstance(data, dict) and isinstance(data.get("references"), list):  # pandoc metadata block
            node = next(v for k, v in root.value if k.value == "references")
            items, nodes = data["references"], node.value
        elif isinstance(data, list):
            items, nodes = data, root.value
        else:
            items, nodes = [data], [root]
        for item, node in zip(items, nodes, strict=True):
            try:
                value = _from_yaml(item, ())
            except ValueError as exc:  # an alias that contains itself
                self.report.error("csl.syntax", f"YAML item cannot be read: {exc}", **self.at(node.start_mark.index))
                continue
            yield value, node.start_mark.index, node.end_mark.index

    # -- items to records

    def convert(self, value: Any, start: int, end: int) -> Record | None:
        if not isinstance(value, dict):
            self.report.error("csl.not-an-item", f"item is not an object (got {_json_type(value)}); not converted",
                              **self.at(start))
            return None
        value, problem = vet_json(value, self.text, start, end)
        if problem is not None:
            where = self.at(problem.offset if problem.offset is not None else start)
            if problem.fatal:
                self.report.error("csl.syntax", problem.message, **where, key=_label(value))
                return None
            self.report.warning("csl.surrogate", problem.message, **where, key=_label(value))
        try:
            record = _Item(value, self, start, end).build()
        except Exception as exc:  # a bug must cost one item, never the batch
            self.report.error("csl.internal", f"item could not be converted: {type(exc).__name__}: {exc}",
                              **self.at(start), key=_label(value))
            return None
        self.last_label = record.label
        return record


class _Item:
    """One item to a Record: each step takes its variables; what is left goes to extras."""

    def __init__(self, item: dict, reader: _Reader, start: int, end: int):
        self.item = dict(item)
        self.reader = reader
        self.report = reader.report
        self.start, self.end = start, end
        self.key = _label(item)  # a diagnostic names its own item, never the one before
        self.fields: dict = {}
        self.ids: dict = {}
        self.extras: dict[Extra, str] = {}
        self.variables: dict[str, Text] = {}
        self.names: dict[str, tuple[Name, ...]] = {}
        self.dates: dict = {}
        self.parsed: list[tuple[str, str | None, str | None, str | None]] = []  # given names split as processors do

    # -- helpers

    def where(self, var: str | None) -> dict:
        if var is not None:
            found = self.reader.text.find(f'"{var}"', self.start, self.end)
            if found >= 0:
                return self.reader.at(found)
        return self.reader.at(self.start)

    def warn(self, code: str, message: str, var: str | None = None, **more) -> None:
        self.report.warning(code, message, key=self.key, field=var, **self.where(var), **more)

    def info(self, code: str, message: str, var: str | None = None) -> None:
        self.report.info(code, message, key=self.key, field=var, **self.where(var))

    def take(self, var: str) -> Any:
        return self.item.pop(var, _MISSING)

    def keep(self, name: str, value: Any, kind: Kind = Kind.VALUE) -> None:
        self.extras[Extra("csl", name, kind)] = value if isinstance(value, str) else _dumps(value)

    def string(self, var: str) -> str | None:
        """A text variable: numbers become strings, a list of strings its first value."""
        value = self.take(var)
        if value is _MISSING or value is None:
            return None
        if isinstance(value, str):
            return value if value.strip() else None
        if _is_number(value):
            return str(value)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            values = [v for v in value if v.strip()]
            if len(values) > 1:
                self.warn("csl.several-values", f"'{var}' has {len(values)} values; the first is used, "
                          f"all are kept in extras", var)
                self.keep(var, value, Kind.RAW)
            return values[0] if values else None
        self.warn("csl.bad-value", f"'{var}' should be text, got {_json_type(value)}; kept in extras", var)
        self.keep(var, value, Kind.RAW)
        return None

    # -- the record

    def build(self) -> Record:
        self._note_variables()
        custom = self._custom()
        key = self._key(custom)
        csl_type = self._type()
        self._texts()
        self._names(custom)
        self._dates()
        for name, var in SLOT_VARIABLES:
            value = self.string(var)
            if value is not None:
                self.fields[name] = value
        if ESCAPED_HYPHEN in self.fields.get("pages", ""):
            self.fields["pages"] = self.fields["pages"].replace(ESCAPED_HYPHEN, NON_RANGE_HYPHEN)
        self._keywords()
        self._identifiers(custom)
        self._ours_in_custom(custom)
        self._legacy_names()
        for var in list(self.item):  # the record's maps (csl.py), then unknown keys
            if var in csl.VARIABLES:
                self._variable(var)
            elif var in csl.NAME_VARIABLES:
                value = self.take(var)
                names, etal = self._name_list(var, value, custom)
                if names:
                    self.names[var] = names
                if etal and Extra("csl", var) not in self.extras:  # "et al." has a place only in the list as given
                    self.keep(var, value)
            elif var in csl.DATE_VARIABLES:
                self._date(var, self.dates)
            elif var in TEXT_VARIABLES:  # the processor's own: as they are, with the same coercions
                value = self.string(var)
                if value is not None:
                    self.keep(var, value)
            else:
                self.keep(var, self.item.pop(var))
        self._rest_of_custom(custom)
        if self.parsed:
            var, written, given, suffix = self.parsed[0]
            more = f" (and {len(self.parsed) - 1} more)" if len(self.parsed) > 1 else ""
            read = f"suffix '{suffix}'" if suffix else "the list's et al."
            self.info("csl.name-suffix", f"'{var}': given name '{written}' read as given '{given or ''}' and {read}, "
                      f"as CSL processors read a comma in a given name{more}", var)
        return Record(
            type=csl_type,
            key=key,
            ids=Identifiers(**self.ids),
            variables=self.variables,
            names=self.names,
            dates=self.dates,
            extras=self.extras,
            position=Position(self.report.source, self.reader.line(self.start)),
            **self.fields,
        )

    def _custom(self) -> dict:
        custom = self.take("custom")
        if custom is _MISSING or custom is None:
            return {}
        if not isinstance(custom, dict):
            self.warn("csl.bad-value", f"'custom' should be an object, got {_json_type(custom)}; kept in extras",
                      "custom")
            self.keep("custom", custom, Kind.RAW)
            return {}
        return dict(custom)

    def _key(self, custom: dict) -> str | None:
        """The citation key: our earlier writer's original-key, else "citation-key", else the id
        (which pandoc and Better BibTeX make the citation key). An id that is an item URI
        (Zotero's) beside a citation key is kept in extras; any other id is only the file's
        handle for the item (ours, made unique: "smitha" beside "smith")."""
        value = self.take("id")
        original = custom.pop("original-key", None)
        if original is not None and not isinstance(original, str):
            custom["original-key"] = original  # not ours: kept with the rest of custom
        citation = self.string("citation-key")
        if value is _MISSING or value is None or value == "":
            self.warn("csl.no-id", "item has no 'id' (the schema requires one); a key is made when writing")
        elif not isinstance(value, (str, int)) or isinstance(value, bool):
            self.warn("csl.bad-value", f"'id' should be a string or number, got {_json_type(value)}", "id")
            self.keep("id", value, Kind.RAW)
            value = None
        elif citation is not None and str(value) != citation and not original and "://" in str(value):
            self.keep("id", str(value))  # an item URI (Zotero's) beside the citation key: the item's identity
        if isinstance(original, str) and original:
            return original
        if citation is not None:
            return citation
        return str(value) if value not in (_MISSING, None, "") else None

    def _type(self) -> str:
        value = self.take("type")
        if isinstance(value, str) and value in CSL_TYPES:
            return value
        if value is _MISSING or value in (None, ""):
            self.warn("csl.no-type", f"item has no 'type' (the schema requires one); read as '{DEFAULT_TYPE}'")
            return DEFAULT_TYPE
        self.keep("", value, Kind.ENTRY_TYPE)
        nearest = TYPE_ALIASES.get(value.strip().lower()) if isinstance(value, str) else None
        if nearest:
            self.warn("csl.type", f"type '{value}' is not a CSL type; read as '{nearest}' (original kept in extras)",
                      "type")
            return nearest
        self.warn("csl.type", f"unknown type {_dumps(value)}; read as '{DEFAULT_TYPE}' (original kept in extras)",
                  "type")
        return DEFAULT_TYPE

    def _note_variables(self) -> None:
        """The note's leading ``variable: value`` lines, as citeproc-js and pandoc read them
        (Zotero writes its Extra field so: "original-date: 1984-03-02", "translator: Garnett
        || Constance"): variables the item lacks. A line for a variable the item gives, or for
        no CSL variable ("standard_id: ..."), stays in the note, as does everything from the
        first line that is not "name: value" on (prose)."""
        note = self.item.get("note")
        if not isinstance(note, str) or ":" not in note:
            return
        opening, after = tables.note_lines(note)
        found: dict[str, Any] = {}
        kept: list[str] = []
        for line, var, value in opening:
            if not tables.from_note(var, self.item):
                kept.append(line)  # (no CSL variable; the item's own value wins; its type and key are its own)
            elif var in tables.NAME_VARIABLES:
                family, bar, given = value.partition("||")
                name = {"family": family.strip(), "given": given.strip()} if bar else {"literal": value}
                found.setdefault(var, []).append({k: v for k, v in name.items() if v})
            elif var not in found:
                found[var] = {"raw": value} if var in tables.DATE_VARIABLES else value
            else:
                kept.append(line)
        if not found:
            return
        self.item.update(found)
        rest = "\n".join(kept + after).strip("\n")
        if rest.strip():
            self.item["note"] = rest
        else:
            del self.item["note"]
        self.info("csl.note-variables", f"the note's leading lines give {', '.join(found)} (the note-field "
                  "convention citeproc-js, pandoc and Zotero's Extra field use)"
                  + (f"; {len(kept)} other line(s) of that form stay in the note" if kept else ""), "note")

    def _ours_in_custom(self, custom: dict) -> None:
        """What our writer puts in ``custom`` for want of a CSL variable: the record's
        affiliations (a list of texts), further links (a list of texts) and attachments
        (objects with a location); a value of another shape is not ours and stays."""
        links = custom.get("links")
        if isinstance(links, list) and links and all(isinstance(a, str) and a for a in links):
            self.ids["links"] = tuple(custom.pop("links"))
        affiliations = custom.get("affiliations")
        if isinstance(affiliations, list) and affiliations and all(isinstance(a, str) and a for a in affiliations):
            self.fields["affiliations"] = tuple(custom.pop("affiliations"))
        files = custom.get("attachments")
        if isinstance(files, list) and files and all(
                isinstance(f, dict) and isinstance(f.get("location"), str) and f["location"]
                and set(f) <= _ATTACHMENT_KEYS and all(isinstance(v, str) for v in f.values()) for f in files):
            self.fields["attachments"] = tuple(Attachment(f["location"], f.get("title"), f.get("media-type"))
                                               for f in custom.pop("attachments"))

    def _texts(self) -> None:
        for var, name, syntax in (("title", "title", Syntax.HTML), ("container-title", "container_title", Syntax.HTML),
                                  ("abstract", "abstract", Syntax.HTML), ("note", "note", Syntax.HTML)):
            value = self.string(var)
            if value is not None:
                self.fields[name] = Text(producer_markup(value), syntax)

    def _variable(self, var: str) -> None:
        """A text or number variable of Record.variables: rich text if title-like, else plain."""
        value = self.string(var)
        if value is not None:
            rich = var in RICH_TEXT_VARIABLES
            self.variables[var] = Text(producer_markup(value) if rich else value,
                                       Syntax.HTML if rich else Syntax.PLAIN)

    def _legacy_names(self) -> None:
        """journalAbbreviation and shortTitle (Zotero, citeproc-js) under their CSL 1.0.2 names;
        when both spellings are given and differ, the CSL 1.0.2 one wins, the other is kept."""
        for legacy, name in csl.LEGACY_NAMES.items():
            old = self.string(legacy)
            if old is None:
                continue
            new = self.string(name) if name in self.item else None
            if new is None:
                new = old
            elif new != old:
                self.warn("csl.legacy", f"'{legacy}' differs from '{name}'; '{name}' is used, '{legacy}' kept "
                          "in extras", legacy)
                self.keep(legacy, old)
            self.variables[name] = Text(new, Syntax.HTML if name in RICH_TEXT_VARIABLES else Syntax.PLAIN)

    # -- names

    def _names(self, custom: dict) -> None:
        for var, name in (("author", "authors"), ("editor", "editors")):
            value = self.take(var)
            names, etal = self._name_list(var, value, custom) if value is not _MISSING else ((), False)
            self.fields[name] = names
            self.fields[f"{name}_etal"] = etal or _truthy(custom.pop(f"{var}-etal", False))

    def _name_list(self, var: str, value: Any, custom: dict) -> tuple[tuple[Name, ...], bool]:
        if value is None:
            return (), False
        if not isinstance(value, list):
            self.warn("csl.bad-value", f"'{var}' should be a list of names, got {_json_type(value)}; kept in extras",
                      var)
            self.keep(var, value)
            return (), False
        value = _with_meta(value, custom, str(Extra("csl", var, Kind.NAME_META)))
        names: list[Name] = []
        metas: list[dict] = []
        etal = lost = False
        for raw in value:
            name, meta, is_etal = self._name(var, raw)
            etal = etal or is_etal
            if name is not None:
                names.append(name)
                metas.append(meta)
            elif not is_etal:
                lost = True
        if lost:
            self.keep(var, value)  # the whole list, as given
        if any(metas):
            self.keep(var, metas, Kind.NAME_META)
        return tuple(names), etal

    def _name(self, var: str, raw: Any) -> tuple[Name | None, dict, bool]:
        if isinstance(raw, str) and raw.strip():
            self.warn("csl.name", f"a name in '{var}' is a bare string '{raw[:40]}'; read as a literal name", var)
            return Name(literal=raw.strip()), {}, False
        if not isinstance(raw, dict):
            self.warn("csl.name", f"a name in '{var}' is {_json_type(raw)}, not an object; kept in extras", var)
            return None, {}, False
        parts = {k: _text_or_none(raw.get(k)) for k in _NAME_PARTS}
        # parse-names: false is kept (and written back): without it processors would split the name
        parse = "parse-names" not in raw or _truthy(raw["parse-names"])
        meta = {k: v for k, v in raw.items() if k not in _NAME_PARTS and (k != "parse-names" or not parse)}
        if not any(parts.values()) and isinstance(meta.get("name"), str):  # Crossref organisations
            parts["literal"] = meta.pop("name")
        orcid, affiliation = _name_details(meta)
        literal = parts["literal"]
        # "et al." as a name of its own (pandoc writes {"literal": "others"}); Sam Others is a person
        if literal and ETAL.match(literal) or parts["family"] and not parts["given"] and ETAL.match(parts["family"]):
            return None, {}, True
        if literal and (parts["family"] or parts["given"]):
            self.warn("csl.name", f"a name in '{var}' has both literal and family/given parts; the parts are used, "
                      "the literal kept in extras", var)
            meta["literal"] = literal
            literal = None
        if literal:
            return Name(literal=literal, affiliation=affiliation, orcid=orcid), meta, False
        if not (parts["family"] or parts["given"]):
            self.warn("csl.name", f"a name in '{var}' has no family, given or literal part; kept in extras", var)
            return None, {}, False
        family, given, suffix = parts["family"], parts["given"], parts["suffix"]
        dropping, non_dropping = parts["dropping-particle"], parts["non-dropping-particle"]
        is_etal = quoted = False
        if parse:
            family, quoted = tables.unquoted(family)
            if quoted:
                meta["parse-names"] = False  # the name as its producer fixed it, for processors too
            if given and not suffix:
                given, suffix, comma, is_etal = tables.suffix_in_given(given)
                if comma:
                    meta.setdefault("comma-suffix", True)
                if suffix or is_etal:
                    self.parsed.append((var, parts["given"], given, suffix))
        if _truthy(raw.get("parse-names")) and not quoted and not (dropping or non_dropping):
            non_dropping, family = leading_particle(family)
            given, dropping = trailing_particle(given)
        if not (family or given):  # "Doe, et al." has no name left but the et al.
            return None, {}, is_etal
        return Name(family=family, given=given, dropping_particle=dropping, non_dropping_particle=non_dropping,
                    suffix=suffix, affiliation=affiliation, orcid=orcid), meta, is_etal

    # -- dates

    def _dates(self) -> None:
        for var in ("issued", "accessed"):
            self._date(var, self.fields)

    def _date(self, var: str, into: dict) -> None:
        value = self.take(var)
        if value is _MISSING or value is None:
            return
        date, complete, problem = parse_date(value)
        if problem:
            self.warn("csl.date", f"'{var}': {problem}", var)
        if not complete:
            self.keep(var, value)
        if date is not None:
            into[var] = date

    # -- identifiers and numbers

    def _keywords(self) -> None:
        value = self.take("keyword")
        if value is _MISSING or value is None:
            return
        if isinstance(value, str):  # "a, b", or "a; b" (a keyword may hold a comma then)
            words = value.split(";" if ";" in value else ",")
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            words = value
        else:
            self.warn("csl.bad-value", f"'keyword' should be text, got {_json_type(value)}; kept in extras", "keyword")
            self.keep("keyword", value, Kind.RAW)
            return
        self.fields["keywords"] = tuple(w.strip() for w in words if w.strip())

    def _identifiers(self, custom: dict) -> None:
        dois = self._dois(custom)
        self._arxiv(custom, dois)
        url = self.string("URL")
        if "arxiv" in self.ids:  # derived by the model: never stored (arXiv's DOI: see normalise)
            url = None if url == arxiv_url(self.ids["arxiv"]) else url
        if dois:
            self.ids["doi"] = tuple(dict.fromkeys(dois))
        if url:
            self.ids["url"] = url
        self._isbn_issn()
        for var, name in (("PMID", "pmid"), ("PMCID", "pmcid")):
            value = self.string(var)
            if value:
                self.ids[name] = value

    def _dois(self, custom: dict) -> list[str]:
        value = self.take("DOI")
        given = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        if value is not _MISSING and value is not None and not all(isinstance(v, str) for v in given):
            self.warn("csl.bad-value", f"'DOI' should be text, got {_json_type(value)}; kept in extras", "DOI")
            self.keep("DOI", value, Kind.RAW)
            given = []
        dois = [strip_doi(t) for v in given for t in v.split()]
        listed = custom.pop("DOIs", None)  # our writer: every DOI, given ones first, then the arXiv one
        if isinstance(listed, list) and all(isinstance(d, str) for d in listed):
            listed = [strip_doi(d) for d in listed]
            dois = [d for d in dois if d.lower() not in {x.lower() for x in listed}] + listed
        elif listed is not None:
            custom["DOIs"] = listed  # not ours: kept as it is
        for doi in dois:
            if not is_doi(doi):
                self.warn("csl.bad-doi", f"'{doi}' does not look like a DOI (10.NNNN/suffix); kept as given", "DOI")
        return dois

    def _arxiv(self, custom: dict, dois: list[str]) -> None:
        number = self.string("number")
        on_arxiv = (self.fields.get("publisher") or "").strip().casefold() == "arxiv"
        prefixed = number is not None and number.lower().startswith("arxiv:")  # an arXiv id whatever the item
        if number and (on_arxiv or prefixed) and self._set_arxiv(number[6:] if prefixed else number):
            number = None
        if "arxiv" not in self.ids:  # arXiv's DataCite DOI, as the normalisation pass reads it
            arxiv, version = arxiv_id_from(dois)
            if arxiv is not None:
                self.ids["arxiv"] = arxiv
                if version:
                    self.ids["arxiv_version"] = version
        if "arxiv" in self.ids:
            moved = custom.pop("number", None)  # our writer moves the record's own number there
            number = number or (moved if isinstance(moved, str) else None)
            if "arxiv-version" in custom:  # our writer: "version" is not the arXiv version
                version = custom.pop("arxiv-version")
                if isinstance(version, int) and not isinstance(version, bool) and version > 0:
                    self.ids["arxiv_version"] = version
                elif version is not None:
                    custom["arxiv-version"] = version  # not ours
            else:
                self._version()
            primary = custom.pop("arxiv-primary-class", None)
            if isinstance(primary, str) and primary:
                self.ids["arxiv_class"] = primary
        if number:
            self.fields["number"] = number

    def _set_arxiv(self, value: str) -> bool:
        try:
            self.ids.update(arxiv_fields(value))
        except ArxivIdError:
            return False
        return True

    def _version(self) -> None:
        version = self.item.get("version")
        if isinstance(version, (str, int)) and str(version).strip().lstrip("v").isdigit():
            number = int(str(version).strip().lstrip("v"))
            if self.ids.get("arxiv_version") in (None, number):
                self.ids["arxiv_version"] = number
                self.take("version")

    def _isbn_issn(self) -> None:
        for var, name, normalise in (("ISBN", "isbn", normalize_isbn), ("ISSN", "issn", normalize_issn)):
            value = self.take(var)
            if value is _MISSING or value is None:
                continue
            values = [value] if isinstance(value, str) else value if isinstance(value, list) else None
            if values is None or not all(isinstance(v, str) for v in values):
                self.warn("csl.bad-value", f"'{var}' should be text, got {_json_type(value)}; kept in extras", var)
                self.keep(var, value, Kind.RAW)
                continue
            found = []
            for token in (t for v in values for t in _id_tokens(v, normalise)):
                number, valid = normalise(token)
                if not valid:
                    self.warn("csl.bad-id", f"'{token}' is not a valid {var}; kept as given", var)
                found.append(number if valid else token)
            if found:
                self.ids[name] = tuple(dict.fromkeys(found))

    def _rest_of_custom(self, custom: dict) -> None:
        for key, value in custom.items():
            extra = Extra.parse(key) if ":" in key else None  # "<format>:<field>": an extra our writer put there
            if extra is not None and extra not in self.extras:
                self.extras[extra] = value if isinstance(value, str) else _dumps(value)
            else:
                self.extras[Extra("csl", key, Kind.CUSTOM)] = _dumps(value)


# --- values -------------------------------------------------------------------------------

_NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")
_ID_IN_TEXT = re.compile(r'"id"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+))')
_EDTF = re.compile(r"^(?P<y>-?\d{1,4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?P<q>[?~%])?$")


def _with_meta(names: list, custom: dict, key: str) -> list:
    """The name objects with the keys our writer moved to ``custom[key]`` (one object per name,
    in order: the name keys CSL has no place for) put back, when they still line up."""
    meta = custom.get(key)
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except ValueError:
            return names
    if not (isinstance(meta, list) and len(meta) == len(names)
            and all(isinstance(m, dict) for m in meta) and all(isinstance(n, dict) for n in names)):
        return names
    del custom[key]
    return [{**m, **n} for m, n in zip(meta, names, strict=True)]


def _name_details(meta: dict) -> tuple[str | None, tuple[str, ...]]:
    """ORCID iD and affiliations from a name object's other keys, taken out of ``meta`` where
    unambiguous: "ORCID"/"orcid" holding an iD (Crossref writes the URL); "affiliation" as text,
    a list of texts, or Crossref's list of {"name": ...}. Anything else stays in meta."""
    orcid = None
    for key in ("ORCID", "orcid"):
        value = meta.get(key)
        found = bare_orcid(value) if isinstance(value, str) else None
        if found and orcid in (None, found):
            orcid = found
            del meta[key]
    value = meta.get("affiliation")
    affiliation: tuple[str, ...] = ()
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        texts = [v if isinstance(v, str) else v.get("name") if isinstance(v, dict) and set(v) == {"name"} else None
                 for v in value]
        if all(isinstance(t, str) and t.strip() for t in texts):
            affiliation = tuple(t.strip() for t in texts if t)
            del meta["affiliation"]
    return orcid, affiliation


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)  # default: YAML's own types


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "a boolean", type(None): "null"}
    return names.get(type(value)) or ("a number" if _is_number(value) else type(value).__name__)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text_or_none(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    return str(value) if _is_number(value) else None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no")
    return bool(value)


def _label(item: dict) -> str | None:
    value = item.get("id")
    if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "":
        return str(value)
    title = item.get("title")
    return title[:40] if isinstance(title, str) and title else None


def _id_in(fragment: str) -> str | None:
    match = _ID_IN_TEXT.search(fragment)
    return (match[1] or match[2]) if match else None


def _id_tokens(value: str, normalise: Callable[[str], tuple[str, bool]]) -> list[str]:
    """The numbers of an ISBN/ISSN variable: a list split at commas or semicolons, and at spaces
    unless the spaces are inside one number ("0 201 13447 0" is one ISBN, printed so)."""
    tokens: list[str] = []
    for chunk in re.split(r"[,;]+", value):
        chunk = chunk.strip()
        if chunk:
            tokens.extend([chunk] if normalise(chunk)[1] else chunk.split())
    return tokens


def _from_yaml(value: Any, active: tuple[int, ...]) -> Any:
    """YAML's own dates as CSL-JSON would have them; recursive aliases refused."""
    import datetime as dt

    if isinstance(value, (dict, list)):
        if id(value) in active:
            raise ValueError("a YAML alias refers to itself")
        inner = (*active, id(value))
        if isinstance(value, dict):
            return {str(k): _from_yaml(v, inner) for k, v in value.items()}
        return [_from_yaml(v, inner) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def parse_date(value: Any) -> tuple[Date | None, bool, str | None]:
    """A CSL date variable -> (date, complete?, problem). Incomplete means the caller keeps
    the original: the model could not hold all of it."""
    if isinstance(value, str):
        return parse_edtf(value) or Date(literal=value), True, None
    if _is_number(value) and _int(value) is not None:
        return Date(_int(value)), True, None
    if isinstance(value, list):
        value = {"date-parts": value}
        problem = "a bare list taken as date-parts"
    elif isinstance(value, dict):
        problem = None
    else:
        return None, False, f"not a date ({_json_type(value)}); kept in extras"
    complete = set(value) <= {"date-parts", "season", "circa", "literal", "raw"}
    start, parts_ok, parts_problem = _date_parts(value.get("date-parts"))
    complete = complete and parts_ok
    problem = problem or parts_problem
    for key in ("raw", "literal"):
        text = value.get(key)
        if isinstance(text, str) and text.strip():
            if start is None:
                start = (parse_edtf(text) if key == "raw" else None) or Date(literal=text)
            else:
                complete = False  # both a structured date and text: keep the original
        elif text is not None:
            complete, problem = False, problem or f"'{key}' is not text"
    if start is None:
        nothing = not any(value.get(k) for k in ("season", "circa", "literal", "raw"))
        return None, complete and nothing, problem
    season, season_ok = _season(value.get("season"))
    if not season_ok:
        complete, problem = False, problem or f"season {value.get('season')!r} is not 1-4 or a season name"
    if start.year is not None:
        start = replace(start, season=season or start.season, circa=_truthy(value.get("circa")) or start.circa)
    elif season or _truthy(value.get("circa")):
        complete = False
    return start, complete, problem


def _date_parts(parts: Any) -> tuple[Date | None, bool, str | None]:
    if parts is None:
        return None, True, None
    if not isinstance(parts, list):
        return None, False, "date-parts is not a list"
    complete = len(parts) <= 2
    problem = None if complete else "more than two dates in date-parts (a range has two)"
    dates = []
    for part in parts[:2]:
        date, ok, part_problem = _one_date(part)
        complete, problem = complete and ok, problem or part_problem
        dates.append(date)
    if not dates or dates[0] is None:
        return None, complete and not any(dates), problem
    start = dates[0]
    if len(dates) > 1 and dates[1] is not None:
        start = replace(start, end=dates[1])
    return start, complete, problem


def _one_date(part: Any) -> tuple[Date | None, bool, str | None]:
    if not isinstance(part, list):
        return None, False, "a date-parts entry is not a list"
    if not part or part[0] in (None, ""):
        return None, True, None  # [[]] and [[null]]: the producer had no date
    complete = len(part) <= 3
    problem = None if complete else f"{len(part)} date parts (at most year, month, day); the rest kept in extras"
    numbers: list[int] = []  # up to the first that is not a number
    for x in part[:3]:
        number = _int(x)
        if number is None:
            complete, problem = False, problem or f"date part {x!r} is not a number"
            break
        numbers.append(number)
    if not numbers:
        return None, False, problem
    year = numbers[0]
    month: int | None = numbers[1] if len(numbers) > 1 else None
    day: int | None = numbers[2] if len(numbers) > 2 else None
    season = None
    if month is not None and 21 <= month <= 24:  # CSL's seasons as months
        season, month = month - 20, None
        complete = complete and day is None
        day = None
    if month is not None and not 1 <= month <= 12:
        complete = False
        problem = problem or f"month {month} is not 1-12"
        month = day = None
    if day is not None and (month is None or not 1 <= day <= calendar.monthrange(year if year > 0 else 2000,
                                                                                    month)[1]):
        complete = False
        problem = problem or f"day {day} does not exist in that month"
        day = None
    return Date(year, month, day, season=season), complete, problem


def _season(value: Any) -> tuple[int | None, bool]:
    if value is None or value == "":
        return None, True
    number = _int(value)
    if number is not None:
        if 1 <= number <= 4:
            return number, True
        if 21 <= number <= 24:
            return number - 20, True
        return None, False
    if isinstance(value, str) and value.strip().lower() in SEASONS:
        return SEASONS[value.strip().lower()], True
    return None, False


def parse_edtf(text: str) -> Date | None:
    """The EDTF subset CSL producers write: YYYY, YYYY-MM, YYYY-MM-DD, a '/' range, '~'/'?' as circa."""
    text = text.strip()
    if "/" in text:
        first, _, second = text.partition("/")
        start = _edtf_one(first)
        end = _edtf_one(second) if second not in ("", "..") else None
        if start is None or (end is None and second not in ("", "..")):
            return None
        return replace(start, end=end) if end else start
    return _edtf_one(text)


def _edtf_one(text: str) -> Date | None:
    match = _EDTF.match(text.strip())
    if match is None:
        return None
    year = int(match["y"])
    month = int(match["m"]) if match["m"] else None
    day = int(match["d"]) if match["d"] else None
    season = None
    if month is not None and 21 <= month <= 24 and day is None:
        season, month = month - 20, None
    if month is not None and not 1 <= month <= 12:
        return None
    # (a day comes only with a month)
    if day is not None and month is not None and not 1 <= day <= calendar.monthrange(year if year > 0 else 2000,
                                                                                      month)[1]:
        return None
    return Date(year, month, day, season=season, circa=match["q"] is not None)
