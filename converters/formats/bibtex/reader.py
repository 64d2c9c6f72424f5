"""The BibTeX/BibLaTeX reader: bibtexparser 2 splits, this module interprets.

Steps: split the whole input into blocks (bibtexparser keeps raw text and lines and
never aborts); walk the blocks in file order, defining @string macros and evaluating
each entry's fields with the macros known at that point; report every failed block,
duplicate and odd value with its line; then resolve crossref/xdata inheritance
(parents may come after children, so this needs the whole file) and map each entry
to a Record. A broken entry costs only that entry.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from ...diagnostics import Reporter
from ...model import Record
from ...options import Options
from .inherit import Resolver
from .mapping import NOT_RECORDS, EntryInfo, to_record
from .values import BadValue, Macros, Value, evaluate

# bibtexparser logs each failed block; we report them as values, so keep it quiet
# (a NullHandler stops Python's last-resort handler printing to stderr).
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_ENTRY_HEAD = re.compile(r"@[ \t]*(?P<type>[\w-]*)[ \t]*[{(][ \t]*(?P<key>[^@,\s{}()=\"#%']*)")
_STRAY_AT = re.compile(r"(?m)^[ \t]*@(?!comment\b)[\w-]+", re.IGNORECASE)  # "@comment text" is a comment
_COMMENT_LINE = re.compile(r"%[^\n]*(?:\n|$)")
_NAME = re.compile(r"[^\s\"#%'(),={}]+")
_NOT_ENTRIES = ("string", "preamble", "comment")
_STRAY_FIELD = re.compile(r"(?m)^[\s,]*(?P<name>[A-Za-z][\w-]*)\s*=\s*[\"{\w]")
_SWALLOWED = re.compile(r"\n[ \t]*[A-Za-z][\w-]*[ \t]*=")
_FIELD_NAME = re.compile(r"(?:^|[,{(\s])(?P<name>[^\s\"#%'(),={}]+)\s*=")


def detect(head: str) -> bool:
    return re.search(r"(?m)^[\s\ufeff]*@[A-Za-z]+\s*[{(]", head) is not None


def read(stream: TextIO | Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    text = stream.read() if hasattr(stream, "read") else "".join(stream)
    state = _State(_strip_boms(text), report)
    state.walk()
    yield from state.records()


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


@dataclass
class _State:
    text: str
    report: Reporter
    macros: Macros = field(default_factory=Macros)
    entries: list[_Entry] = field(default_factory=list)
    keys: dict[str, _Entry] = field(default_factory=dict)  # lower-cased key -> first entry
    last_key: str | None = None
    cursor: int = 0  # where the previous block ended

    def __post_init__(self) -> None:
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    # -- positions
    def where(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset in the text."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

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
    def walk(self) -> None:
        import bibtexparser
        from bibtexparser import model

        library = bibtexparser.parse_string(self.text, parse_stack=[])
        self.macros.later = self._all_strings(library.blocks, model)
        for block in library.blocks:
            offset = self.locate(block)
            if isinstance(block, (model.DuplicateFieldKeyBlock, model.DuplicateBlockKeyBlock)):
                inner = block.ignore_error_block
                (self.entry if isinstance(inner, model.Entry) else self.string)(inner, offset)
            elif isinstance(block, model.ParsingFailedBlock):
                self.failed(block, offset)
            elif isinstance(block, model.Entry):
                self.entry(block, offset)
            elif isinstance(block, model.String):
                self.string(block, offset)
            elif isinstance(block, model.Preamble):
                line, column = self.where(offset)
                self.report.info("bibtex.preamble", f"@preamble not converted: {' '.join(block.value.split())[:80]}",
                                 line=line, column=column, key=self.last_key,
                                 hint="a bibliography format has no place for LaTeX preamble code")
            elif isinstance(block, model.ImplicitComment):
                self.stray_text(block, offset)

    def _all_strings(self, blocks, model) -> dict[str, tuple[str, int | None]]:
        """Every @string value (evaluated without macros), for use-before-definition recovery."""
        out: dict[str, tuple[str, int | None]] = {}
        for block in blocks:
            inner = block.ignore_error_block if isinstance(block, model.DuplicateBlockKeyBlock) else block
            if isinstance(inner, model.String):
                try:
                    value = evaluate(inner.value, Macros(), inner.key).text
                except BadValue:
                    continue
                out.setdefault(inner.key.lower(), (value, self.where(self.text.find(inner.raw))[0]))
        return out

    def string(self, block, offset: int) -> None:
        line, column = self.where(offset)
        if not re.fullmatch(r"[^\s\"#%'(),={}0-9][^\s\"#%'(),={}]*", block.key):
            self.report.error("bibtex.bad-string", f"@string name '{block.key}' is not a valid name", line=line,
                              column=column, key=self.last_key,
                              hint="a name is letters, digits and -_.:+/ (not first a digit)")
            return
        try:
            evaluated = evaluate(block.value, self.macros, block.key)
        except BadValue as exc:
            self.report.error("bibtex.syntax", f"@string '{block.key}': {exc.message}", line=line, column=column,
                              key=self.last_key, hint=exc.hint)
            return
        for code, message, _, hint in evaluated.warnings:
            self.report.warning(code, message, line=line, key=self.last_key, hint=hint)
        previous = self.macros.define(block.key, evaluated.text, line)
        if previous is not None and previous[0] != evaluated.text:
            self.report.warning("bibtex.duplicate-string", f"@string '{block.key}' redefined (first defined at line "
                                f"{previous[1]}); entries below use the new value", line=line, column=column,
                                key=self.last_key)

    def stray_text(self, block, offset: int) -> None:
        """Text between entries is a comment, but not an `@word` line (a broken entry start)
        nor fields after an entry (an extra `}` closed it early): those would be lost."""
        raw = block.raw or ""
        match = _STRAY_AT.search(raw)
        if match:
            line, column = self.where(offset + match.end() - len(match.group().lstrip()))
            self.report.warning("bibtex.stray-text", f"'{match.group().strip()}' starts no entry; the text up to "
                                "the next entry is ignored as a comment", line=line, column=column,
                                key=self.last_key, hint="an entry needs `{` or `(` after its type")
            return
        match = _STRAY_FIELD.search(raw)
        if match and (raw.lstrip().startswith(",") or raw.rstrip().endswith(("}", ")"))):
            line, column = self.where(offset + match.start("name"))
            self.report.warning("bibtex.stray-fields", f"field '{match['name']}' after the end of entry "
                                f"'{self.last_key}' is ignored", line=line, column=column, key=self.last_key,
                                hint=f"an extra `}}` closed '{self.last_key}' early?")

    def failed(self, block, offset: int) -> None:
        line, column = self.where(offset)
        head = _ENTRY_HEAD.match(block.raw or "")
        name = head["key"] if head and head["key"] else None
        key = name if head and head["type"].lower() not in _NOT_ENTRIES else None  # a macro name is no record key
        kind = f"@{head['type']}" if head else "block"
        hint, hint_at = _diagnose(block.raw or "", getattr(block.error, "abort_reason", ""))
        if hint_at is not None:
            at_line, _ = self.where(offset + hint_at)
            hint = hint.replace("{line}", str(at_line))
        reason = getattr(block.error, "abort_reason", str(block.error)).strip()
        self.report.error("bibtex.syntax", f"cannot read {kind}{f' {name!r}' if name else ''}: {_tidy(reason)}",
                          line=line, column=column, key=key or self.last_key, hint=hint)

    def entry(self, block, offset: int) -> None:
        line, column = self.where(offset)
        key = block.key.strip()
        written_type = block.entry_type
        info = EntryInfo(written_type.lower(), written_type, key or None, line, column)
        entry = _Entry(info, {})
        if not key:
            self.report.warning("bibtex.no-key", f"@{written_type} entry has no citation key", line=line,
                                column=column, key=self.last_key, hint="write @type{key, ...}")
        for fld, (name_at, value_at) in zip(block.fields, _field_offsets(block.raw or "", block.fields)):
            if name_at is not None:  # offsets in the entry -> in the text
                name_at, value_at = offset + name_at, offset + value_at
            if not self.field(entry, fld, name_at, value_at):
                entry.ok = False
                break
        if entry.ok:
            self.duplicate_key(entry)
            self.entries.append(entry)
        if key:
            self.last_key = key

    def duplicate_key(self, entry: _Entry) -> None:
        key = entry.info.key
        if not key:
            return
        first = self.keys.get(key.lower())
        if first is None:
            self.keys[key.lower()] = entry
            return
        same = "" if first.info.key == key else f" (as '{first.info.key}': keys differ only in case)"
        self.report.warning("bibtex.duplicate-key", f"key '{key}' already used at line {first.info.line}{same}; "
                            "both entries are converted", line=entry.info.line, column=entry.info.column, key=key,
                            hint="BibTeX and biber would keep only the first; rename one")

    def field(self, entry: _Entry, fld, name_offset: int | None, value_offset: int | None) -> bool:
        name = fld.key
        if "%" in name:  # biber allows % comments between fields
            name = _COMMENT_LINE.sub("", name)
        name = name.strip().lower()
        line, column = self.where(name_offset) if name_offset is not None else (entry.info.line, None)
        key = entry.info.key or self.last_key
        if not _NAME.fullmatch(name):
            shown = " ".join(name.split())
            self.report.error("bibtex.syntax", f"'{shown}' is not a field name; entry not converted", line=line,
                              column=column, key=key, hint="missing comma before it?" if " " in shown else
                              "a field is name = value")
            return False
        try:
            evaluated = evaluate(fld.value, self.macros, name)
        except BadValue as exc:
            at_line, at_column = (line, None) if value_offset is None else self.where(value_offset + exc.offset)
            self.report.error("bibtex.syntax", f"field '{name}': {exc.message}; entry not converted", line=at_line,
                              column=at_column, key=key, hint=exc.hint, field=name)
            return False
        for code, message, offset, hint in evaluated.warnings:
            at_line, at_column = (line, None) if value_offset is None else self.where(value_offset + offset)
            self.report.warning(code, message, line=at_line, column=at_column, key=key, hint=hint, field=name)
        if name in entry.fields:
            first = entry.fields[name]
            self.report.warning("bibtex.duplicate-field", f"field '{name}' repeated (first at line {first.line}); "
                                f"the first value is used, this one is ignored: {evaluated.text[:60]!r}",
                                line=line, column=column, key=key, field=name, hint="BibTeX also keeps the first")
            return True
        if evaluated.text:  # an empty value says nothing (BibTeX treats it as missing)
            entry.fields[name] = Value(evaluated.text, line, column, evaluated.macro)
        return True

    # -- records
    def records(self) -> Iterator[Record]:
        by_key: dict[str, tuple[str, dict[str, Value]]] = {}
        for entry in self.entries:
            if entry.info.key and entry.info.key not in by_key:
                by_key[entry.info.key] = (entry.info.type, entry.fields)
        resolver = Resolver(by_key, self._inherit_warning)
        for entry in self.entries:
            info = entry.info
            if info.type in NOT_RECORDS:
                self.report.info("bibtex.not-a-record", f"@{info.written_type}{{{info.key}}} is "
                                 f"{NOT_RECORDS[info.type]}", line=info.line, column=info.column, key=info.key)
                continue
            if info.key and by_key.get(info.key, (None, None))[1] is entry.fields:
                fields = resolver.resolve(info.key)
            else:  # a duplicate key or no key: completed, but not a parent others can find
                fields = resolver.complete(info.key or "", info.type, entry.fields)
            yield to_record(info, fields, self.report)

    def _inherit_warning(self, code: str, message: str, key: str, where: Value | None, hint: str | None) -> None:
        self.report.warning(code, message, line=where.line if where else None,
                            column=where.column if where else None, key=key, hint=hint)


def _field_offsets(raw: str, fields) -> Iterator[tuple[int | None, int | None]]:
    """Offsets in the entry's raw text of each field's name and value, searched in order."""
    cursor = max(raw.find(","), 0)
    for fld in fields:
        found = _find_field(raw, fld.key, cursor)
        if found is None:
            yield None, None
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
