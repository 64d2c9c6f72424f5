"""The BibTeX/BibLaTeX reader: bibtexparser 2 splits, this module interprets.

Steps: read the input in chunks and cut it where no block can continue (a line
starting `@type{`: bibtexparser ends any block there); split each piece into blocks
as bibtexparser does (it keeps raw text and never aborts; blocks.py finds the same
blocks faster for the usual shapes and asks bibtexparser for the rest); walk the blocks in file order,
defining @string macros and evaluating each entry's fields with the macros known at
that point; report every failed block, duplicate and odd value with its line; map each
entry to a Record. An entry whose crossref/xdata parent (or @string) comes later waits
for it in a queue of bounded length, so memory does not grow with the input. A broken
entry costs only that entry.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from ...diagnostics import Reporter
from ...extras import Extra, Kind
from ...keys import DigestSet
from ...model import Record
from ...options import Options
from ..sniff import bibtex as detect  # noqa: F401 (the format's detector, re-exported)
from .inherit import Resolver
from .mapping import NOT_RECORDS, EntryInfo, to_record
from .values import BadValue, Macros, Value, evaluate

# bibtexparser logs each failed block; we report them as values, so keep it quiet
# (a NullHandler stops Python's last-resort handler printing to stderr).
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_ENTRY_HEAD = re.compile(r"@[ \t]*(?P<type>[\w-]*)[ \t]*[{(][ \t]*(?P<key>[^@,\s{}()=\"#%']*)")
_STRAY_AT = re.compile(r"(?m)^[ \t]*@(?!comment\b)[\w-]+", re.IGNORECASE)  # "@comment text" is a comment
_NEXT_FIELD_HEAD = re.compile(r"\s*([^\s\"#%'(),={}]+)\s*=\s*")
_COMMENT_LINE = re.compile(r"%[^\n]*(?:\n|$)")
_NAME = re.compile(r"[^\s\"#%'(),={}]+")
_NOT_ENTRIES = ("string", "preamble", "comment")
_NO_BRACE_HEAD = re.compile(r"@[ \t]*[\w-]+\s*(?P<key>[^@,\s{}()=\"#%']*)")
_STRAY_FIELD = re.compile(r"(?m)^[\s,]*(?P<name>[A-Za-z][\w-]*)\s*=\s*[\"{\w]")
_SWALLOWED = re.compile(r"\n[ \t]*[A-Za-z][\w-]*[ \t]*=")
_FIELD_NAME = re.compile(r"(?:^|[,{(\s])(?P<name>[^\s\"#%'(),={}]+)\s*=")



def read(stream: TextIO | Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    state = _State(report)
    prelude = getattr(stream, "prelude", None)
    if prelude:  # a block of a larger file (split.py): the macros the file defines before its first entry
        _define(state, prelude)
    first_line = getattr(stream, "first_line", 1)  # a block of a larger file (split.py) numbers on from its place
    for offset, line, text in split_batches(_chunks(stream), first_line):
        yield from state.walk(text, offset, line)
    state.release(final=True)
    yield from state.drain()


def _define(state: _State, prelude: str) -> None:
    """Read the @string macros of a file's header (split.bibtex_layout: @string, @preamble and
    @comment only) into ``state``, saying nothing: the block holding the header says it. Its
    @preamble text belongs to the file's first entry, in that block."""
    report, state.report = state.report, Reporter(state.report.source)
    for offset, line, text in split_batches(_chunks([prelude])):
        for _ in state.walk(text, offset, line):  # (a header gives no records)
            pass
    state.report, state.preambles, state.last_key = report, [], None


# -- streaming: the input is read in chunks and cut where no block can continue ---------------

CHUNK = 1 << 20  # characters read at a time; also about the most bibtexparser is given at once
# bibtexparser ends any block at a line starting `@type{` or `@type(` (its error recovery),
# so text cut there parses exactly as the whole would; only `@comment{...}` is matched by
# its braces first, as BibTeX and pybtex do (it may hold such lines: bibtex-ruby's comment.bib).
_BLOCK_START = re.compile(r"(?m)^[ \t]*@[\w]*[ \t]*(?=[{(])")
_PATIENCE = 16 * CHUNK  # how much text an unclosed @comment{ may hold before it is given up
_COMMENT_START = re.compile(r"@[ \t]*comment[ \t]*\{", re.IGNORECASE)
_ANY_COMMENT = re.compile(r"@[ \t]*comment", re.IGNORECASE)


def _chunks(stream: TextIO | Iterable[str]) -> Iterator[str]:
    if hasattr(stream, "read"):
        while chunk := stream.read(CHUNK):
            yield chunk
        return
    buffer: list[str] = []
    size = 0
    for line in stream:
        buffer.append(line)
        size += len(line)
        if size >= CHUNK:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def split_batches(chunks: Iterable[str], first_line: int = 1) -> Iterator[tuple[int, int, str]]:
    """(offset, line, text): the input in pieces of about CHUNK characters, each ending
    where a block starts, with its offset and 1-based first line."""
    buffer, offset, line, first = "", 0, first_line, True
    for chunk in chunks:
        buffer += chunk
        if first:  # BOMs before the first `@`, whichever chunk they are in
            buffer = _strip_boms(buffer)
            first = "@" not in buffer
        if len(buffer) < CHUNK:
            continue
        cut = _cut(buffer)
        if cut:
            yield offset, line, buffer[:cut]
            offset, line = offset + cut, line + buffer.count("\n", 0, cut)
            buffer = buffer[cut:]
    if buffer:
        yield offset, line, _strip_boms(buffer) if first else buffer


def _cut(text: str) -> int:
    """The last block start in text after which no earlier block can continue (0: none).
    A block start inside a brace-matched `@comment{...}` is no cut."""
    if not _ANY_COMMENT.search(text):  # the usual text: the last block start, found from the end
        end = len(text)
        while (at := text.rfind("@", 0, end)) > 0:
            head = text.rfind("\n", 0, at) + 1
            if not text[head:at].strip(" \t") and _BLOCK_START.match(text, head):
                return at
            end = at
        return 0
    cut, pos = 0, 0
    for match in _BLOCK_START.finditer(text):
        if match.start() < pos:
            continue
        at = match.end() - len(match.group().lstrip())
        if at > 0:
            cut = at
        if _COMMENT_START.match(text, at):
            closed = comment_end(text, text.index("{", at))
            if closed is None and len(text) - at < _PATIENCE:  # not closed yet: wait for more
                return cut
            pos = closed or pos  # (one never closed is cut like any other block, as bibtexparser does)
    return cut


def comment_end(text: str, start: int) -> int | None:
    """Index after the `}` closing the `{` at start, every brace counted (as BibTeX does)."""
    depth = 0
    for match in _BRACES.finditer(text, start):
        depth += 1 if match.group() == "{" else -1
        if depth == 0:
            return match.end()
    return None


_BRACES = re.compile(r"[{}]")


def _strip_boms(text: str) -> str:
    """A BOM (or several, from concatenated files) before the first `@` is noise."""
    first = text.find("@")
    head = text[:first] if first >= 0 else text
    return head.replace("\ufeff", "") + (text[first:] if first >= 0 else "")


@dataclass
class _Entry:
    info: EntryInfo
    fields: dict[str, Value]
    ok: bool = True
    parents: tuple[str, ...] = ()  # crossref and xdata keys, lower case
    # fields naming an @string not defined yet: (name, raw value, line, column of the value,
    # the undefined names), evaluated again when it is (BibTeX wants it first: a warning)
    deferred: list = field(default_factory=list)
    preambles: tuple[str, ...] = ()  # @preamble texts just before this entry


# An entry waits for its crossref/xdata parents (BibTeX wants them after it) in a queue of
# at most WINDOW entries; a parent before its child is found among the last REMEMBERED
# entries (@xdata, and an entry some child named already, are always kept).
WINDOW = 10_000
REMEMBERED = 2_000
_PARENT_TYPES = frozenset({"xdata"})
# a value ending in a backslash, which bibtexparser reads as escaping the brace after it:
# retried with this character between the two (and removed from the values again)
_UNESCAPE = "\ue000"
_ESCAPED_BRACE = re.compile(r"\\(?=[{}])")


@dataclass
class _State:
    report: Reporter
    macros: Macros = field(default_factory=Macros)
    queue: deque = field(default_factory=deque)  # entries in file order, waiting for parents
    known: OrderedDict = field(default_factory=OrderedDict)  # lower key -> (key, type, fields): the window
    kept: dict = field(default_factory=dict)  # lower key -> (key, type, fields): named parents, xdata
    wanted: set = field(default_factory=set)  # lower keys some child names as a parent
    keys: DigestSet = field(default_factory=DigestSet)  # every key seen, lower case (8 bytes a key)
    # lower key -> (key, line) of its first entry, for the recent ones: the duplicate warning's "where"
    key_lines: OrderedDict = field(default_factory=OrderedDict)
    preambles: list[str] = field(default_factory=list)
    last_key: str | None = None
    held: Record | None = None  # the last record, held back for trailing @preambles
    ready: list[Record] = field(default_factory=list)  # released, to be yielded
    final: bool = False  # the whole input has been read
    text: str = ""
    base: int = 0  # the text's offset and first line in the input
    base_line: int = 1
    cursor: int = 0  # where the previous block ended

    def __post_init__(self) -> None:
        window = _Window(self)
        self.resolver = Resolver(window, self._inherit_warning, window.get_key,
                                 lambda parent: self.final and parent.lower() not in self.keys)

    # -- positions
    def where(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset in the current text."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return self.base_line + index, offset - self.line_starts[index] + 1

    def locate(self, block) -> int:
        """Offset of a block in the text. Blocks come in file order and their raw text is a
        slice of it, so a forward search finds them (bibtexparser's start_line skips lines
        that end in a backslash, so it is not used)."""
        raw = block.raw or ""
        found = self.text.find(raw, self.cursor) if raw else -1
        if found < 0:
            return self.cursor
        self.cursor = found + len(raw)
        return found

    # -- walking the blocks
    def walk(self, text: str, base: int, base_line: int) -> Iterator[Record]:
        """The records of ``text``, each given as soon as the next entry starts: a record is
        read while the writer asks for it, whatever the chunk, so what reading it says (an
        unknown TeX macro naming the record before) comes where it comes from a block of the
        file read alone (parallel.py)."""
        import bibtexparser
        from bibtexparser import model

        self.text, self.base, self.base_line, self.cursor = text, base, base_line, 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        blocks = _split(text, bibtexparser, model)
        for block in blocks:
            offset = self.locate(block)
            if getattr(block, "retried", None) is not None:
                offset = block.retried
            if isinstance(block, (model.DuplicateFieldKeyBlock, model.DuplicateBlockKeyBlock)):
                inner = block.ignore_error_block
                if isinstance(inner, model.Entry):
                    yield from self.entry(inner, offset)
                else:
                    self.string(inner, offset)
            elif isinstance(block, model.ParsingFailedBlock):
                self.failed(block, offset)
            elif isinstance(block, model.Entry):
                yield from self.entry(block, offset)
            elif isinstance(block, model.String):
                self.string(block, offset)
            elif isinstance(block, model.Preamble):
                self.preamble(block, offset)
            elif isinstance(block, model.ImplicitComment):
                self.stray_text(block, offset)
        self.text, self.line_starts = "", [0]

    def preamble(self, block, offset: int) -> None:
        """Kept with the entry after it (``bibtex:@preamble:<n>``): LaTeX code the document
        needs (tugboat.bib defines \\booktitle in one), which a BibTeX writer writes again."""
        line, column = self.where(offset)
        try:
            evaluated = evaluate(block.value, self.macros, "@preamble")
        except BadValue as exc:
            self.report.warning("bibtex.syntax", f"@preamble not read: {exc.message}", line=line, column=column,
                                key=self.last_key, hint=exc.hint)
            return
        self.preambles.append(evaluated.text.replace(_UNESCAPE, ""))

    def string(self, block, offset: int) -> None:
        line, column = self.where(offset)
        if not re.fullmatch(r"[^\s\"#%'(),={}0-9][^\s\"#%'(),={}]*", block.key):
            self.report.error("bibtex.bad-string", f"@string name '{block.key}' is not a valid name", line=line,
                              column=column, key=self.last_key,
                              hint="a name is letters, digits and -_.:+/ (not first a digit)")
            return
        try:
            evaluated = evaluate(block.value, self.macros, block.key, strip=False)
        except BadValue as exc:
            self.report.error("bibtex.syntax", f"@string '{block.key}': {exc.message}", line=line, column=column,
                              key=self.last_key, hint=exc.hint)
            return
        for code, message, _, hint in evaluated.warnings:
            self.report.warning(code, message, line=line, key=self.last_key, hint=hint)
        previous = self.macros.define(block.key, evaluated.text.replace(_UNESCAPE, ""), line)
        if previous is not None and previous[0] != evaluated.text:
            self.report.warning("bibtex.duplicate-string", f"@string '{block.key}' redefined (first defined at line "
                                f"{previous[1]}); entries below use the new value", line=line, column=column,
                                key=self.last_key)

    def stray_text(self, block, offset: int) -> None:
        """Text between entries is a comment, but not an `@word` line (a broken entry start)
        nor fields after an entry (an extra `}` closed it early): those would be lost."""
        raw = block.raw or ""
        match = _STRAY_AT.search(raw)
        if match and re.match(r"\s*[{(]", raw[match.end():]):  # BibTeX reads `@type⏎{`; bibtexparser does not
            line, column = self.where(offset + match.end() - len(match.group().lstrip()))
            self.report.warning("bibtex.stray-text", f"'{match.group().strip()}' is followed by `{{` on the next "
                                "line, which refconv does not read as an entry; ignored as a comment", line=line,
                                column=column, key=self.last_key, hint="put `{` on the line of the entry type")
            return
        if match:
            at = offset + match.end() - len(match.group().lstrip())
            line, column = self.where(at)
            head = _NO_BRACE_HEAD.match(raw, match.end() - len(match.group().lstrip()))
            key = head["key"] if head and head["key"] else None
            named = f" {key!r}" if key else ""
            # BibTeX: "an entry type must be followed by { or (": the entry is an error, not a comment
            self.report.error("bibtex.syntax", f"cannot read {match.group().strip()}{named}: no `{{` or `(` after "
                              "the entry type; entry not converted", line=line, column=column,
                              key=key, hint="write @type{key, ...}")
            if key:
                self.last_key = key
            return
        match = _STRAY_FIELD.search(raw)
        if match and (raw.lstrip().startswith(",") or raw.rstrip().endswith(("}", ")"))):
            line, column = self.where(offset + match.start("name"))
            entry = f"entry '{self.last_key}'" if self.last_key else "the previous entry (which has no key)"
            self.report.warning("bibtex.stray-fields", f"field '{match['name']}' after the end of {entry} "
                                "is ignored", line=line, column=column, key=self.last_key,
                                hint=f"an extra `}}` closed {entry.removesuffix(' (which has no key)')} early?")

    def failed(self, block, offset: int) -> None:
        line, column = self.where(offset)
        head = _ENTRY_HEAD.match(block.raw or "")
        name = head["key"] if head and head["key"] else None
        key = name if head and head["type"].lower() not in _NOT_ENTRIES else None  # a macro name is no record key
        kind = f"@{head['type']}" if head else "block"
        hint, hint_at = _diagnose(block.raw or "", getattr(block.error, "abort_reason", ""))
        if hint is not None and hint_at is not None:
            at_line, _ = self.where(offset + hint_at)
            hint = hint.replace("{line}", str(at_line))
        reason = getattr(block.error, "abort_reason", str(block.error)).strip()
        self.report.error("bibtex.syntax", f"cannot read {kind}{f' {name!r}' if name else ''}: {_tidy(reason)}",
                          line=line, column=column, hint=hint,
                          # an entry's own key, or none (never a neighbour's); a broken @string or @preamble,
                          # no record, is placed by the last entry read
                          key=key if head and head["type"].lower() not in _NOT_ENTRIES else self.last_key)

    def entry(self, block, offset: int) -> Iterator[Record]:
        """Read an entry; the records ready before it is mapped are given first (the one held
        back for trailing @preamble text goes once another record's entry has been read)."""
        line, column = self.where(offset)
        key = block.key.strip()
        written_type = block.entry_type
        info = EntryInfo(written_type.lower(), written_type, key or None, line, column)
        entry = _Entry(info, {})
        if not key:
            self.report.warning("bibtex.no-key", f"@{written_type} entry has no citation key", line=line,
                                column=column, hint="write @type{key, ...}")
        elif any(c.isspace() for c in key):  # read whole by bibtexparser; BibTeX stops the key at the space
            self.report.warning("bibtex.key-space", f"key '{key}' holds a space: BibTeX and biber reject the "
                                "entry", line=line, column=column, key=key,
                                hint="write the key without spaces (refconv's BibTeX writers leave them out)")
        name_at: int | None
        value_at: int | None
        for fld, found in zip(block.fields, _field_offsets(block.raw or "", block.fields), strict=True):
            if found is None:
                name_at = value_at = None
            else:  # offsets in the entry -> in the text
                name_at, value_at = offset + found[0], offset + found[1]
            if not self.field(entry, fld.key, fld.value, name_at, value_at):
                entry.ok = False
                break
        if entry.ok:
            self.duplicate_key(entry)
            if self.held is not None and info.type not in NOT_RECORDS:
                self.ready.append(self.held)
                self.held = None
            yield from self.drain()
            self.enqueue(entry)
        if key:
            self.last_key = key
        yield from self.drain()

    def duplicate_key(self, entry: _Entry) -> None:
        key = entry.info.key
        if not key:
            return
        lower = key.lower()
        if self.keys.add(lower):  # a new key
            self.key_lines[lower] = (key, entry.info.line)
            if len(self.key_lines) > 5 * REMEMBERED:
                self.key_lines.popitem(last=False)
            return
        first = self.key_lines.get(lower)
        where = f"at line {first[1]}" if first else "earlier in the file"
        same = "" if first is None or first[0] == key else f" (as '{first[0]}': keys differ only in case)"
        self.report.warning("bibtex.duplicate-key", f"key '{key}' already used {where}{same}; "
                            "both entries are converted", line=entry.info.line, column=entry.info.column, key=key,
                            hint="BibTeX and biber would keep only the first; rename one")

    def field(self, entry: _Entry, name: str, raw: str, name_offset: int | None, value_offset: int | None) -> bool:
        if "%" in name:  # biber allows % comments between fields
            name = _COMMENT_LINE.sub("", name)
        name = name.strip().lower()
        line, column = self.where(name_offset) if name_offset is not None else (entry.info.line, None)
        key = entry.info.key
        if not _NAME.fullmatch(name):
            shown = " ".join(name.split())
            self.report.error("bibtex.syntax", f"'{shown}' is not a field name; entry not converted", line=line,
                              column=column, key=key, hint="missing comma before it?" if " " in shown else
                              "a field is name = value")
            return False
        try:
            evaluated = evaluate(raw, self.macros, name)
        except BadValue as exc:
            at_line, at_column = (line, None) if value_offset is None else self.where(value_offset + exc.offset)
            if exc.next_field is not None:  # `title = {A} author = {B}`: Zotero reads both, so do we
                return self.missing_comma(entry, name, raw, exc.next_field, name_offset, value_offset)
            self.report.error("bibtex.syntax", f"field '{name}': {exc.message}; entry not converted", line=at_line,
                              column=at_column, key=key, hint=exc.hint, field=name)
            return False
        undefined = evaluated.undefined
        if undefined and name not in entry.fields:  # defined further down, perhaps: evaluated again then
            at_line, at_column = (line, None) if value_offset is None else self.where(value_offset)
            entry.deferred.append((name, raw, at_line, at_column, undefined))
            entry.fields[name] = Value("", line, column)  # its place: the first of a repeated field wins
            return True
        if evaluated.warnings:
            self.warn_value(evaluated.warnings, name, key, raw, *((line, None) if value_offset is None
                                                                   else self.where(value_offset)))
        text = evaluated.text.replace(_UNESCAPE, "")
        if name in entry.fields:
            first = entry.fields[name]
            self.report.warning("bibtex.duplicate-field", f"field '{name}' repeated (first at line {first.line}); "
                                f"the first value is used, this one is ignored: {text[:60]!r}",
                                line=line, column=column, key=key, field=name, hint="BibTeX also keeps the first")
            return True
        if text:  # an empty value says nothing (BibTeX treats it as missing)
            entry.fields[name] = Value(text, line, column, evaluated.macro)
        return True

    def warn_value(self, warnings, name: str, key: str | None, raw: str, line: int, column: int | None) -> None:
        """Report a value's warnings where they are: an offset in the raw value, which starts
        at line:column."""
        for code, message, offset, hint in warnings:
            at_line, at_column = line, None
            if column is not None:
                newlines = raw.count("\n", 0, offset)
                at_line = line + newlines
                at_column = column + offset if not newlines else offset - raw.rfind("\n", 0, offset)
            self.report.warning(code, message, line=at_line, column=at_column, key=key, hint=hint, field=name)

    def evaluate_deferred(self, entry: _Entry) -> None:
        """The fields that named an @string not defined then, with the definitions read since."""
        defined = self.macros.defined
        for name, raw, line, column, undefined in entry.deferred:
            macros = Macros({k: v for k, v in defined.items() if k not in undefined},
                            {k: defined[k] for k in undefined if k in defined})
            evaluated = evaluate(raw, macros, name)
            self.warn_value(evaluated.warnings, name, entry.info.key, raw, line, column)
            text = evaluated.text.replace(_UNESCAPE, "")
            place = entry.fields.pop(name)
            if text:
                entry.fields[name] = Value(text, place.line, place.column, evaluated.macro)
        entry.deferred = []

    def missing_comma(self, entry: _Entry, name: str, raw: str, cut: int, name_offset: int | None,
                      value_offset: int | None) -> bool:
        """Read the value up to where the next `name =` starts, then that field: one warning."""
        head = _NEXT_FIELD_HEAD.match(raw, cut)
        assert head is not None, "the scan that raised found a field head at cut"
        at = None if value_offset is None else value_offset + cut
        line, column = self.where(at) if at is not None else (entry.info.line, None)
        self.report.warning("bibtex.missing-comma", f"no comma between field '{name}' and field '{head[1].lower()}'; "
                            "read as two fields", line=line, column=column, key=entry.info.key,
                            field=name, hint=f"add a comma after the value of '{name}'")
        if not self.field(entry, name, raw[:cut].rstrip(), name_offset, value_offset):
            return False
        return self.field(entry, head[1], raw[head.end():], at, None if at is None else at + head.end() - cut)

    # -- records: an entry waits (in file order) for its crossref/xdata parents
    def enqueue(self, entry: _Entry) -> None:
        if self.preambles and entry.info.type not in NOT_RECORDS:
            entry.preambles, self.preambles = tuple(self.preambles), []
        parents = [*_keys(entry.fields.get("xdata")), *_keys(entry.fields.get("crossref"))[:1]]
        entry.parents = tuple(p.lower() for p in parents)
        self.wanted.update(entry.parents)
        self.queue.append(entry)
        self.remember(entry)
        self.release()

    def remember(self, entry: _Entry) -> None:
        key = (entry.info.key or "").lower()
        if not key or key in self.known or key in self.kept:
            return  # a duplicate key or no key: completed, but not a parent others can find
        remembered = (entry.info.key, entry.info.type, entry.fields)
        # biber finds an entry by its ``ids`` aliases too
        names = [key, *(a.lower() for a in _keys(entry.fields.get("ids"))
                        if a.lower() not in self.known and a.lower() not in self.kept)]
        if any(name in self.wanted for name in names) or entry.info.type in _PARENT_TYPES:
            self.kept.update(dict.fromkeys(names, remembered))
        else:
            for name in names:
                self.known[name] = remembered
            while len(self.known) > REMEMBERED:
                self.known.popitem(last=False)

    def lookup(self, key: str) -> tuple[str, str, dict[str, Value]] | None:
        return self.kept.get(key) or self.known.get(key)

    def waiting(self, entry: _Entry) -> bool:
        """Whether an @string the entry names is not defined yet, or one of its parents (or
        their parents, all the way up) has not been read yet."""
        if any(not undefined <= self.macros.defined.keys() for *_, undefined in entry.deferred):
            return True
        seen: set[str] = set()
        todo = list(entry.parents)
        while todo:
            parent = todo.pop()
            if parent in seen:
                continue  # a cycle: the Resolver cuts and reports it
            seen.add(parent)
            found = self.lookup(parent)
            if found is None:
                return True
            if any(e.deferred and (e.info.key or "").lower() == parent for e in self.queue):
                return True  # a parent field waits for an @string: inheriting it now would give ""
            fields = found[2]
            todo.extend(k.lower() for k in [*_keys(fields.get("xdata")), *_keys(fields.get("crossref"))[:1]])
        return False

    def release(self, final: bool = False) -> None:
        """Records of the entries at the head of the queue that wait for nothing; at the end
        of the input, or past WINDOW entries, the head goes without its missing parents.
        Called after each entry, so that the wait does not depend on how the input was cut."""
        if final:  # a parent still waiting for an @string that never came: its children inherit its
            # fields as evaluated now (the macro's name), not the empty placeholder
            for entry in self.queue:
                if entry.deferred and (entry.info.key or "").lower() in self.wanted:
                    self.evaluate_deferred(entry)
        while self.queue:
            head = self.queue[0]
            bounded_out = len(self.queue) > WINDOW
            if not (final or bounded_out) and (head.parents or head.deferred) and self.waiting(head):
                break
            self.queue.popleft()
            if head.deferred:
                self.evaluate_deferred(head)
            record = self.record(head, final)
            if record is None:
                continue
            if self.held is not None:
                self.ready.append(self.held)
            self.held = record
        if final:
            if self.preambles and self.held is not None:  # @preamble after the last entry
                self.held = _with_preambles(self.held, self.preambles)
            elif self.preambles:
                self.report.warning("bibtex.preamble", f"{len(self.preambles)} @preamble block(s) not converted: "
                                    "the file has no entry to carry them", key=self.last_key)
            self.preambles = []
            if self.held is not None:
                self.ready.append(self.held)
                self.held = None

    def drain(self) -> Iterator[Record]:
        ready, self.ready = self.ready, []
        yield from ready

    def record(self, entry: _Entry, final: bool) -> Record | None:
        info = entry.info
        if info.type in NOT_RECORDS:
            if info.type == "set":  # a record to biblatex, and lost here: say so in the totals
                members = entry.fields.get("entryset")
                self.report.warning("bibtex.set-not-converted", f"@{info.written_type}{{{info.key}}} is not "
                                    f"converted: {NOT_RECORDS[info.type]}"
                                    + (f" ({members.text})" if members else ""), line=info.line,
                                    column=info.column, key=info.key, hint="cite its members instead")
            else:
                self.report.info("bibtex.not-a-record", f"@{info.written_type}{{{info.key}}} is "
                                 f"{NOT_RECORDS[info.type]}", line=info.line, column=info.column, key=info.key)
            return None
        if len(self.resolver.done) > 64:  # a cache for parents shared by neighbours, not a store
            self.resolver.done.clear()
        self.final = final
        fields = entry.fields  # nothing to inherit (nine entries in ten)
        if entry.parents:
            found = self.lookup((info.key or "").lower())
            if found is not None and found[2] is entry.fields:
                fields = self.resolver.resolve(found[0])
            else:  # a duplicate key or no key: completed, but not a parent others can find
                fields = self.resolver.complete(info.key or "", info.type, entry.fields)
        record = to_record(info, fields, self.report)
        return _with_preambles(record, entry.preambles) if entry.preambles else record

    def _inherit_warning(self, code: str, message: str, key: str, where: Value | None, hint: str | None) -> None:
        parent = message.split("'")[1] if code == "bibtex.missing-parent" else ""
        if code == "bibtex.missing-parent" and (not self.final or parent.lower() in self.keys):
            message = message.replace("is not in this file", f"was not found within {WINDOW} entries after it "
                                      f"or {REMEMBERED} before it")
            hint = "refconv reads BibTeX as a stream: put parents near the entries naming them"
        self.report.warning(code, message, line=where.line if where else None,
                            column=where.column if where else None, key=key, hint=hint)


class _Window(Mapping):
    """The remembered entries as the Resolver's mapping key -> (type, fields)."""

    def __init__(self, state: _State):
        self.state = state

    def __getitem__(self, key: str) -> tuple[str, dict[str, Value]]:
        found = self.state.lookup(key.lower())
        if found is None or found[0] != key:
            raise KeyError(key)
        return found[1], found[2]

    def __contains__(self, key: object) -> bool:
        found = self.state.lookup(str(key).lower())
        return found is not None and found[0] == key

    def get_key(self, key: str) -> str | None:
        found = self.state.lookup(key.lower())
        return found[0] if found else None

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


def _with_preambles(record: Record, preambles: Iterable[str]) -> Record:
    extras = dict(record.extras)
    start = sum(1 for k in extras if k.kind is Kind.PREAMBLE)
    for n, text in enumerate(preambles, start + 1):
        extras[Extra("bibtex", str(n), Kind.PREAMBLE)] = text
    return record.evolve(extras=extras)


def _keys(value: Value | None) -> list[str]:
    if value is None:
        return []
    return [k.strip() for k in value.text.split(",") if k.strip()]


def _split(text: str, bibtexparser, model) -> list:
    """bibtexparser's blocks for text, with `@comment{...}` matched by its braces, and a
    failed block retried with backslashes before braces read as BibTeX reads them."""
    if not _ANY_COMMENT.search(text):
        return _parse(text, bibtexparser, model)
    blocks: list = []
    pos = 0
    for match in _BLOCK_START.finditer(text):
        at = match.end() - len(match.group().lstrip())
        if at < pos or not _COMMENT_START.match(text, at):
            continue
        end = comment_end(text, text.index("{", at))
        if end is None:  # never closed: bibtexparser ends it at the next block start
            continue
        blocks.extend(_parse(text[pos:at], bibtexparser, model))
        brace = text.index("{", at)
        blocks.append(model.ExplicitComment(comment=text[brace + 1:end - 1], raw=text[at:end]))
        pos = end
    blocks.extend(_parse(text[pos:], bibtexparser, model))
    return blocks


def _parse(text: str, bibtexparser, model) -> list:
    from .blocks import blocks as fast_blocks

    if not text:
        return []
    blocks = fast_blocks(text, lambda piece: bibtexparser.parse_string(piece, parse_stack=[]).blocks)
    if not any(isinstance(b, model.ParsingFailedBlock) and "\\" in (b.raw or "") for b in blocks):
        return blocks
    out = []
    for block in blocks:
        raw = block.raw or ""
        if isinstance(block, model.ParsingFailedBlock) and _ESCAPED_BRACE.search(raw) and _UNESCAPE not in raw:
            retried = bibtexparser.parse_string(_ESCAPED_BRACE.sub("\\\\" + _UNESCAPE, raw), parse_stack=[]).blocks
            if retried and not any(isinstance(b, model.ParsingFailedBlock) for b in retried):
                for again in retried:  # raw as in the input, so that locate() finds it
                    again._raw = (again.raw or "").replace(_UNESCAPE, "")
                out.extend(retried)
                continue
        out.append(block)
    return out

def _field_offsets(raw: str, fields) -> Iterator[tuple[int, int] | None]:
    """Offsets in the entry's raw text of each field's name and value, searched in order."""
    cursor = max(raw.find(","), 0)
    for fld in fields:
        found = _find_field(raw, fld.key, cursor)
        if found is None:
            yield None
            continue
        cursor = found[1] + len(fld.value)
        yield found


_BEFORE_NAME = re.compile(r"[\s,{(]")
_EQUALS = re.compile(r"\s*=\s*")
_NEXT_NAME = re.compile(r"[\s,]*([^\s\"#%'(),={}]+)\s*=\s*")


def _find_field(raw: str, name: str, cursor: int) -> tuple[int, int] | None:
    r"""(name offset, value offset) of the first `name =` at or after cursor whose name
    follows the start, white space, `,`, `{` or `(`. The same as searching for
    ``(?<![^\s,{(])NAME\s*=\s*``, without compiling that pattern for every field of
    every entry (which cost 8% of reading a .bib file)."""
    # Usually the name is the next word after cursor, past the comma: one match tells.
    # (No match can start in the skipped commas and white space: a name holds none.)
    head = _NEXT_NAME.match(raw, cursor)
    if head is not None and head[1] == name and head.start(1) > cursor:
        return head.start(1), head.end()
    start = cursor
    while (at := raw.find(name, start)) >= 0:
        if at == 0 or _BEFORE_NAME.match(raw, at - 1):
            equals = _EQUALS.match(raw, at + len(name))
            if equals:
                return at, equals.end()
        start = at + 1
    return None


def _tidy(reason: str) -> str:
    return " ".join(reason.split()).rstrip(".")


def _diagnose(raw: str, reason: str) -> tuple[str | None, int | None]:
    """A hint for a failed block: an unclosed brace or quote, a missing comma or `=`.

    Returns the hint and, when it names a place, that place's offset in raw (the hint
    then holds "{line}" to be filled in).
    """
    opened = _unclosed(raw)
    if opened is not None:
        char, offset = opened
        what = "`{`" if char == "{" else '`"`'
        name = _last_field_name(raw[:offset])
        inside = f" in field '{name}'" if name else ""
        return f"unbalanced {what} opened at line {{line}}{inside}", offset
    closer = ")" if re.match(r"@\s*[\w-]*\s*\(", raw) else "}"
    if "found `@" in reason or "Unexpected block start" in reason or "end of file" in reason:
        return f"the entry is not closed: missing `{closer}`?", None
    if "Expected comma after entry key" in reason:
        return "missing comma after the citation key?", None
    if "Expected a `=` after entry key" in reason:
        return "a field name without `= value`, or a missing comma?", None
    return None, None


def _unclosed(raw: str) -> tuple[str, int] | None:
    """Where a failed block went wrong: an open quote, a value brace never closed, or one
    that swallowed the next field (its `}` came lines later, after "name =")."""
    stack: list[int] = []
    quote: int | None = None
    swallowed: int | None = None
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            stack.append(i)
        elif ch == "}" and stack:
            start = stack.pop()
            if len(stack) == 1 and swallowed is None and _SWALLOWED.search(raw, start, i):
                swallowed = start
        elif ch == '"' and len(stack) == 1:
            quote = i if quote is None else None
        i += 1
    if quote is not None:
        return '"', quote
    if len(stack) > 1:
        return "{", stack[1]
    if swallowed is not None:
        return "{", swallowed
    return None


def _last_field_name(text: str) -> str | None:
    names = _FIELD_NAME.findall(text)
    return names[-1].lower() if names else None
