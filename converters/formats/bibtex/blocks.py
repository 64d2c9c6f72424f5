"""bibtexparser's blocks for the usual shapes of a .bib file, found several times faster.

bibtexparser's splitter visits every brace, quote, comma and line end through a few method
calls each: about a quarter of reading a .bib file. This module takes well-formed
``@type{key, name = value, ...}`` entries, ``@string{...}`` and ``@preamble{...}`` with a
few pattern searches each and returns the very blocks bibtexparser returns (same classes,
values, raw text and line numbers; tests/test_bibtex_blocks.py compares the two over the
shared corpus and generated text). bibtexparser stays the reference: whatever this module
does not take (a parenthesised block, ``@comment``, a repeated field name, a backslash or an
``@`` where a name is expected, anything bibtexparser would abort) goes to bibtexparser itself,
from that block to the next line that starts a block. bibtexparser ends an unclosed block at
such a line too, so the piece parses as the whole text would; a piece whose last block runs
into the cut is extended to the next such line and read again from that block.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bibtexparser import model

# bibtexparser's marks (splitter.py): a delimiter not escaped by a backslash, or a block start.
_BLOCK_START = re.compile(r"@[\w]*[ \t]*(?=[{(])")
_RECOVERY = re.compile(r"(?m)^[ \t]*(@[\w]*[ \t]*(?=[{(]))")  # where bibtexparser ends any open block
_NAME_REGION = re.compile(r'[^{}",=@\\]*')  # a key or field name: no mark, nothing subtle
_VALUE_MARK = re.compile(r'(?<!\\)[{}",]|@[\w]*[ \t]*(?=[{(])')
# One field in one match, for the usual values: runs of plain characters (a backslash makes the
# character after it plain, as bibtexparser's marks have it), groups in braces nested up to four
# deep, and quoted strings with no brace, quote or backslash subtleties. Anything else (deeper
# braces, `{"}` in quotes) falls to _value_end. Possessive loops: no backtracking.
_IN_BRACES = r"(?:[^{}\\]++|\\++[\s\S])"
_GROUP = r"\{" + _IN_BRACES + r"*+\}"
for _ in range(3):
    _GROUP = r"\{(?:" + _IN_BRACES + "|" + _GROUP + r")*+\}"
_QUOTED = r'"(?:[^"\\{]++|\{(?!")|\\++[^"{\\])*+"'
_FIELD = re.compile(r'([^{}",=@\\]*+)(?:=((?:[^{}",\\@]++|\\++[^@]|' + _GROUP + "|" + _QUOTED + r")*+)(?=[,}])|\})")
_GROUP_MARK = re.compile(r"(?<!\\)[{}]|@[\w]*[ \t]*(?=[{(])")


class _Declined(Exception):
    """A shape left to bibtexparser."""


def blocks(text: str, parse: Callable[[str], list]) -> list:
    """The blocks bibtexparser finds in text; ``parse`` is bibtexparser on a piece of text
    (its blocks, line numbers counted from the piece's start)."""
    lines = _Lines(text)
    out: list = []
    pos, n = 0, len(text)
    while True:
        found = _BLOCK_START.search(text, pos)
        at = found.start() if found else n
        comment = _implicit_comment(text, pos, at, lines)
        if found is None:
            if comment is not None:
                out.append(comment)
            return out
        try:
            block, end = _block(text, found, lines)
        except _Declined:
            pos = _fallback(text, pos, at, parse, lines, out)
            continue
        if comment is not None:
            out.append(comment)
        out.append(block)
        pos = end


def _fallback(text: str, pos: int, at: int, parse: Callable[[str], list], lines: _Lines, out: list) -> int:
    """bibtexparser from pos (the comment before the block at ``at``) to the next cut; where
    the piece's last block ran into the cut, again from that block to a later cut."""
    n = len(text)
    while True:
        cut = _RECOVERY.search(text, at + 1)
        end = cut.start(1) if cut else n
        piece = text[pos:end]
        found = [_unwrapped(block) for block in parse(piece)]
        _shift(found, lines.line(pos))
        last = found[-1] if found else None
        if end < n and isinstance(last, model.ParsingFailedBlock) and last.raw and piece.endswith(last.raw):
            found.pop()  # it ended at the cut, where the whole text goes on: read it with more
            out.extend(found)
            pos, at = end - len(last.raw), end
            continue
        out.extend(found)
        return end


def _unwrapped(block):
    """A duplicate key is the reader's to report (across pieces too): the block itself."""
    return block.ignore_error_block if isinstance(block, model.DuplicateBlockKeyBlock) else block


def _shift(found: list, first_line: int) -> None:
    """Line numbers counted from a piece's start, made the text's."""
    if not first_line:
        return
    for block in found:
        inner = [block, block.ignore_error_block] if isinstance(block, model.DuplicateFieldKeyBlock) else [block]
        for one in inner:
            if one is not None and one._start_line_in_file is not None:
                one._start_line_in_file += first_line
            for fld in getattr(one, "fields", ()) or ():
                if fld._start_line is not None:
                    fld._start_line += first_line


class _Lines:
    """bibtexparser's line numbers: line ends before a position, not counting one after a
    backslash (not a mark to bibtexparser); counted from the last position asked."""

    __slots__ = ("at", "count", "escaped_ends", "text")

    def __init__(self, text: str) -> None:
        self.text, self.at, self.count = text, 0, 0
        self.escaped_ends = "\\\n" in text  # a line end after a backslash is no mark: not counted

    def line(self, pos: int) -> int:
        text, at = self.text, self.at
        if pos >= at:
            self.count += text.count("\n", at, pos) - text.count("\\\n", max(at - 1, 0), pos)
        else:
            self.count -= text.count("\n", pos, at) - text.count("\\\n", max(pos - 1, 0), at)
        self.at = pos
        return self.count


def _implicit_comment(text: str, start: int, end: int, lines: _Lines) -> model.ImplicitComment | None:
    comment = text[start:end].strip()
    if not comment:
        return None
    first = start + len(text[start:end]) - len(text[start:end].lstrip())
    leading = text.count("\n", start, first)
    line = lines.line(start) + leading
    return model.ImplicitComment(comment=comment, start_line=line, raw=comment)


def _block(text: str, found: re.Match, lines: _Lines) -> tuple[object, int]:
    head = found.group().lower()
    opening = found.end()
    if text[opening] != "{" or head.startswith("@comment") or len(head.rstrip(" \t")) < 2:
        raise _Declined
    at = found.start()
    if head.startswith("@preamble"):
        end = _group_end(text, opening + 1)
        return model.Preamble(value=text[opening + 1 : end], start_line=lines.line(at), raw=text[at : end + 1]), end + 1
    if head.startswith("@string"):
        name = _NAME_REGION.match(text, opening + 1)
        assert name is not None
        if not text.startswith("=", name.end()):
            raise _Declined
        end = _group_end(text, name.end() + 1)
        return model.String(key=name.group().strip(), value=text[name.end() + 1 : end].strip(),
                            start_line=lines.line(at), raw=text[at : end + 1]), end + 1
    return _entry(text, head[1:].strip(), at, opening, lines)


def _entry(text: str, entry_type: str, at: int, opening: int, lines: _Lines) -> tuple[model.Entry, int]:
    key_region = _NAME_REGION.match(text, opening + 1)
    assert key_region is not None
    pos = key_region.end()
    if not text.startswith(",", pos):
        raise _Declined  # a key with no fields, or a mark in the key: bibtexparser's to judge
    start_line = lines.line(at)
    line, counted = start_line, at  # line ends before `counted`, kept here for the fields
    escaped_ends = lines.escaped_ends
    fields: list[model.Field] = []
    names: set[str] = set()
    field = _FIELD.match
    pos += 1
    while True:
        found = field(text, pos)
        if found is None:
            return _slow_field(text, entry_type, key_region.group().strip(), at, pos, start_line, fields, names,
                               lines)
        name = found.group(1).strip()
        if not name:
            if found.group(2) is None:  # `}`: the end (after a comma, or after the last value)
                end = found.end()
                return model.Entry(entry_type=entry_type, key=key_region.group().strip(), fields=fields,
                                   start_line=start_line, raw=text[at:end]), end
            raise _Declined  # `= value` with no name
        if found.group(2) is None or name in names:
            raise _Declined
        value = found.group(2)
        if "@" in value:  # an `@type{` opening a line inside a value ends the entry for bibtexparser
            return _slow_field(text, entry_type, key_region.group().strip(), at, pos, start_line, fields, names,
                               lines)
        names.add(name)
        equals = found.end(1)
        line += text.count("\n", counted, equals)
        if escaped_ends:
            line -= text.count("\\\n", max(counted - 1, 0), equals)
        counted = equals
        fields.append(model.Field(key=name, value=value.strip(), start_line=line))
        pos = found.end()
        if text.startswith(",", pos):
            pos += 1


def _slow_field(text: str, entry_type: str, key: str, at: int, pos: int, start_line: int, fields: list,
                names: set, lines: _Lines) -> tuple[model.Entry, int]:
    """The rest of an entry, mark by mark: values the field pattern does not take."""
    n = len(text)
    while True:
        region = _NAME_REGION.match(text, pos)
        assert region is not None
        stop = region.end()
        if stop >= n:
            raise _Declined
        name = region.group().strip()
        if text[stop] == "}" and not name:
            return model.Entry(entry_type=entry_type, key=key, fields=fields, start_line=start_line,
                               raw=text[at : stop + 1]), stop + 1
        if text[stop] != "=" or name in names:
            raise _Declined
        names.add(name)
        end = _value_end(text, stop + 1)
        fields.append(model.Field(key=name, value=text[stop + 1 : end].strip(), start_line=lines.line(stop)))
        pos = end + 1 if text[end] == "," else end  # at "}", the next round ends the entry


def _value_end(text: str, pos: int) -> int:
    """Index of the `,` or `}` ending a field value (bibtexparser's rules: braces nest, a
    quote outside braces toggles, `{"}` inside quotes is a quote character)."""
    depth, quoted, n = 0, False, len(text)
    search = _VALUE_MARK.search
    while True:
        mark = search(text, pos)
        if mark is None:
            raise _Declined
        char, at = mark.group(), mark.start()
        pos = mark.end()
        if char == '"':
            if depth:
                continue
            if quoted and at > 0 and at + 2 < n and text[at - 1] == "{" and text[at + 1] == "}":
                continue
            quoted = not quoted
        elif quoted:
            if char[0] == "@" and _at_line_start(text, at):
                raise _Declined
        elif char == "{":
            depth += 1
        elif char == "}":
            if not depth:
                return at
            depth -= 1
        elif char == ",":
            if not depth:
                return at
        elif _at_line_start(text, at):
            raise _Declined


def _group_end(text: str, pos: int) -> int:
    """Index of the `}` closing a @string or @preamble (braces nest; quotes do not count)."""
    depth = 0
    search = _GROUP_MARK.search
    while True:
        mark = search(text, pos)
        if mark is None:
            raise _Declined
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            if not depth:
                return mark.start()
            depth -= 1
        elif _at_line_start(text, mark.start()):
            raise _Declined
        pos = mark.end()


def _at_line_start(text: str, at: int) -> bool:
    """bibtexparser ends a block at an `@type{` with only white space before it on its line."""
    return not text[text.rfind("\n", 0, at) + 1 : at].strip()
