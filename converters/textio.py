"""Decoding input bytes with exact positions for errors, without losing the rest.

Python's text wrapper decodes in chunks, so its errors give an offset within a chunk,
and a strict decode loses everything after one bad byte. This splits the bytes into
lines first (on the encoded line feed, so UTF-16 and UTF-32 split right too), decodes
each line, replaces undecodable bytes with U+FFFD and records each bad spot with its
file offset, line and column; ``api`` turns the spots into diagnostics naming the
record that holds them. A byte order mark chooses the Unicode encoding (and byte
order) when the encoding asked for is a Unicode one or the default.
"""

from __future__ import annotations

import codecs
import io
import re
import threading
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, Any

_CHUNK = 1 << 16
_MARK = "\udcff"  # stands for a bad spot while a line is decoded; no UTF decoder yields a lone surrogate

# longest first: the UTF-32-LE mark begins with the UTF-16-LE one
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_STATELESS = {"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "iso8859-1", "ascii", "cp1252"}
_UNICODE = {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}


@dataclass(frozen=True)
class BadSpot:
    """A run of bytes that did not decode, replaced by one U+FFFD."""

    encoding: str
    offset: int  # in the file, counted from 0
    line: int
    column: int  # of the U+FFFD in the decoded line, from 1
    data: bytes

    @property
    def message(self) -> str:
        shown = " ".join(f"0x{b:02x}" for b in self.data[:8]) + (" ..." if len(self.data) > 8 else "")
        return f"input is not valid {self.encoding}: byte {shown} at offset {self.offset}"


_local = threading.local()
_MARKS = re.compile(_MARK + "+")


def _collect(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _local.spots.append((exc.start, exc.end))
    return _MARK, exc.end


codecs.register_error("refconv.collect", _collect)


def sniff_bom(head: bytes, encoding: str) -> str:
    """The encoding to decode with: a BOM's, when the one asked for is Unicode; for a bare
    ``utf-16``/``utf-32`` without one, the byte order the zero bytes show (ASCII-heavy text)."""
    name = codecs.lookup(encoding).name.replace("_", "-")
    if name not in _UNICODE:
        return name
    for bom, found in _BOMS:
        if head.startswith(bom):
            return found
    if name in ("utf-16", "utf-32"):
        unit = 2 if name == "utf-16" else 4
        low = sum(1 for i in range(0, len(head) - unit + 1, unit) if head[i] == 0)
        high = sum(1 for i in range(unit - 1, len(head), unit) if head[i] == 0)
        return f"{name}-be" if low > high else f"{name}-le"
    return "utf-8" if name == "utf-8-sig" else name


def _newline(encoding: str) -> tuple[bytes, int]:
    """The encoded line feed and the code unit size (1 for ASCII-compatible encodings)."""
    encoded = "\n".encode(encoding)
    return encoded, len(encoded)


class DecodedLines(io.TextIOBase):
    """A read-only text stream over a binary one; lines keep their endings.

    ``spots`` collects each bad spot as its line is decoded, for ``api`` to report.
    After ``read(size)`` (the format head) one ``seek(0)`` replays what was read, on any
    stream, stdin included, so the head's bad spots are found again at their right lines.
    """

    def __init__(self, binary: IO[bytes] | io.BufferedIOBase, encoding: str = "utf-8", name: str | None = None,
                 *, start: tuple[int, int] = (0, 0)):
        """``start``: the file offset and the number of lines before ``binary``'s first byte,
        when it is a block of a larger file (``split``): positions are the file's."""
        self._binary = binary
        self._start = start
        self.first_line = start[1] + 1  # readers number lines from here
        self.prelude: str | None = None  # a block's: what its reader reads first (split.Block.prelude)
        self._head = binary.read(512) or b""  # the BOM, or zero bytes telling a UTF-16 byte order
        self.encoding_name = sniff_bom(self._head, encoding)
        self._newline, self._unit = _newline(self.encoding_name)
        # ASCII-compatible stateless encodings (nearly every input) are read in blocks of whole
        # lines, each decoded in one call; a block with a bad byte falls back to line by line
        self._lines: io.BufferedReader | None = None
        if self._unit == 1 and self.encoding_name in _STATELESS:
            self._lines = io.BufferedReader(_Chained(self._chunks()), _CHUNK)
        self._source = self._raw_lines()
        # raw lines read by read(size) (the format head), for the one rewind; None once lines
        # were read otherwise (then nothing is kept: memory stays flat)
        self._kept: list[bytes] | None = []
        self._again: deque[bytes] = deque()  # those lines, read again after it
        self._buffer = ""  # text decoded ahead by read(size)
        self._offset, self._line = start
        self.spots: deque[BadSpot] = deque()
        self.name = name

    def _chunks(self) -> Iterator[bytes]:
        if self._head:
            yield self._head
        while chunk := self._binary.read(_CHUNK):
            yield chunk

    def _raw_lines(self) -> Iterator[bytes]:
        if self._lines is not None:
            yield from self._lines
            return
        if self._unit == 1:  # ASCII-compatible: 0x0a is always a line feed; C splits the lines
            yield from io.BufferedReader(_Chained(self._chunks()), _CHUNK)
            return
        pending = b""
        for chunk in self._chunks():
            pending += chunk
            start = search = 0
            while (at := pending.find(self._newline, search)) >= 0:
                if (at - start) % self._unit:  # straddles two code units: not a line feed
                    search = at + 1
                    continue
                search = end = at + self._unit
                yield pending[start:end]
                start = end
            pending = pending[start:]
        if pending:
            yield pending

    def _decode(self, raw: bytes) -> str:
        self._line += 1
        _local.spots = []
        text = raw.decode(self.encoding_name, errors="refconv.collect")
        if _local.spots:
            text = self._spots(raw, text, _local.spots)
        self._offset += len(raw)
        return text

    def _decode_lines(self, raws: list[bytes]) -> str:
        """Lines decoded in one call when they are all valid (the usual input); line by line,
        to place each bad spot, when not. Joined lines decode as the lines do in these
        stateless encodings, which split only at a whole encoded line feed."""
        if len(raws) > 1 and self.encoding_name in _STATELESS:
            joined = b"".join(raws)
            try:
                text = joined.decode(self.encoding_name)
            except UnicodeDecodeError:
                pass
            else:
                self._line += len(raws)
                self._offset += len(joined)
                return text
        return "".join([self._decode(raw) for raw in raws])

    def _block(self, size: int) -> bytes:
        """At most ``size`` bytes and the rest of the line they end in (b"" at the end)."""
        assert self._lines is not None
        raw = self._lines.read(size)
        if raw and not raw.endswith(b"\n"):
            raw += self._lines.readline()
        return raw

    def _decode_block(self, raw: bytes) -> str:
        try:
            text = raw.decode(self.encoding_name)
        except UnicodeDecodeError:  # line by line, to place each bad spot
            return "".join([self._decode(line) for line in io.BytesIO(raw)])
        self._line += raw.count(b"\n") + (not raw.endswith(b"\n"))
        self._offset += len(raw)
        return text

    def _blocks_ready(self) -> bool:
        """Whether reading may go on block by block: no head left to replay or keep."""
        return self._lines is not None and self._kept is None and not self._again

    def _spots(self, raw: bytes, text: str, found: list[tuple[int, int]]) -> str:
        """Record the bad spots of a line; adjacent runs of bad bytes are one spot, one U+FFFD."""
        merged: list[list[int]] = []  # [start, end, column in the text once runs are merged]
        at, removed = -1, 0
        for start, end in found:
            at = text.index(_MARK, at + 1)
            if merged and merged[-1][1] == start:
                merged[-1][1] = end
                removed += 1
            else:
                merged.append([start, end, at + 1 - removed])
        for start, end, column in merged:
            self.spots.append(BadSpot(self.encoding_name, self._offset + start, self._line, column, raw[start:end]))
        return _MARKS.sub("\ufffd", text)

    def _next_raw(self, keep: bool = False) -> bytes:
        raw = self._again.popleft() if self._again else next(self._source, b"")
        if self._kept is not None:
            if keep and raw:
                self._kept.append(raw)
            elif not keep:
                self._kept = None
        return raw

    def __iter__(self):
        while self._buffer or self._again:
            line = self.readline()
            if not line:
                return
            yield line
        self._kept = None
        if self._blocks_ready():
            # newline="\n": split at line feeds only, as the bytes were, and translate nothing
            while raw := self._block(_CHUNK):
                yield from io.StringIO(self._decode_block(raw), newline="\n")
            return
        for raw in self._source:  # the usual path: no bookkeeping left
            yield self._decode(raw)

    # typeshed types IOBase.readline as bytes; its own TextIOBase.readline ignores that too
    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        if self._buffer:
            end = self._buffer.find("\n") + 1
            if not end:
                raw = self._next_raw()
                self._buffer += self._decode(raw) if raw else ""
                end = self._buffer.find("\n") + 1 or len(self._buffer)
            line, self._buffer = self._buffer[:end], self._buffer[end:]
            return line
        raw = self._next_raw()
        return self._decode(raw) if raw else ""

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            text, self._buffer = self._buffer, ""
            return text + "".join(self)
        parts, have = [self._buffer], len(self._buffer)
        while have < size:  # one join at the end: += on an attribute copies the buffer each time
            if self._blocks_ready():
                # a byte is at most one character: no line past the one that fills `size`
                raw = self._block(size - have)
                if not raw:
                    break
                parts.append(self._decode_block(raw))
                have += len(parts[-1])
                continue
            raws, got = [], 0
            # line by line only while the head is replayed or kept, then on by blocks
            while got < size - have and not self._blocks_ready() and (raw := self._next_raw(keep=True)):
                raws.append(raw)  # a byte is at most one character: no line past the one that fills `size`
                got += len(raw)
            if not raws:
                break
            parts.append(self._decode_lines(raws))
            have += len(parts[-1])
        buffer = "".join(parts) if len(parts) > 1 else parts[0]
        text, self._buffer = buffer[:size], buffer[size:]
        return text

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._kept is not None  # only lines read by read(size) so far

    def seek(self, offset: int, whence: int = 0) -> int:
        """Back to the start, once (after the format head is read): the lines read so far
        are kept for it, so stdin and pipes rewind too; their bad spots are found again."""
        if offset != 0 or whence != 0 or self._kept is None:
            raise io.UnsupportedOperation("only one rewind to the start is supported")
        self._again, self._kept = deque(self._kept), None
        self._buffer = ""
        self._offset, self._line = self._start
        self.spots.clear()
        return 0

    def close(self) -> None:
        self._binary.close()
        super().close()


class _Chained(io.RawIOBase):
    """A raw stream over an iterator of chunks (the read-ahead, then the rest)."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._left:
            self._left = next(self._chunks, b"")
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


_MOST_SPOTS = 200  # messages per input: a file in another encoding would bury every other one


class SpotOwners:
    """Reports each bad spot against the record holding it, which is then not converted.

    Records come in file order with their first line, and a reader yields a record only
    after decoding all its lines. So a spot belongs to the last record starting at or
    before it, unless the reader reported a failed record in between: then to that failed
    record if its error comes before the spot, and to no record (too close to call) if
    after. A record is held back only while a spot at or after its start is unsettled,
    until the next record starts past the spot.
    """

    def __init__(self, stream, report):
        self.spots: deque[BadSpot] = getattr(stream, "spots", deque())
        self.report = report
        self.previous: tuple[int, str | None] = (0, None)  # first line and label of the last record
        self.held = False  # whether that record is held back
        self.reported = 0
        self.errors: list[tuple[int, str | None]] = []  # the reader's errors (line, key), in line order
        self.seen = 0  # diagnostics already looked at

    def filter(self, records: Iterator) -> Iterator:
        held = None
        for record in records:
            line = record.position.line if record.position is not None else None
            if line is None:  # nothing to place it by: keep the order, settle later
                if held is not None:
                    yield held
                    held, self.held = None, False
                yield record
                continue
            keep = self._settle(line)
            if held is not None and keep:
                yield held
            self.previous, held = (line, record.label), None
            self.held = bool(self.spots)  # a spot at or after its start: wait for the next record
            if self.held:
                held = record
            else:
                yield record
        keep = self._settle(None)
        if held is not None and keep:
            yield held
        if self.reported > _MOST_SPOTS:
            self.report.warning("read.encoding", f"{self.reported - _MOST_SPOTS} more bad bytes replaced by U+FFFD "
                                f"({self.reported} in all)", hint="pass --encoding if the file is in another one")

    def _settle(self, before: int | None) -> bool:
        if not self.spots or (before is not None and self.spots[0].line >= before):
            return True
        from .diagnostics import Severity

        for diag in self.report.diagnostics[self.seen:]:
            if diag.severity is Severity.ERROR and diag.line is not None and diag.code != "read.encoding":
                insort(self.errors, (diag.line, diag.key), key=itemgetter(0))
        self.seen = len(self.report.diagnostics)
        start, label = self.previous
        low = bisect_right(self.errors, start, key=itemgetter(0))
        high = len(self.errors) if before is None else bisect_left(self.errors, before, key=itemgetter(0))
        between = self.errors[low:high]  # failed records after the held one
        keep = True
        while self.spots and (before is None or self.spots[0].line < before):
            spot = self.spots.popleft()
            earlier = [key for line, key in between if line <= spot.line]
            if earlier:  # inside (or after) a record the reader already failed
                self._report(Severity.ERROR, spot, earlier[-1], "")
            elif between or not self.held or spot.line < start:  # not in a record that can be told
                self._report(Severity.WARNING, spot, None, "; replaced by U+FFFD")
            else:
                self._report(Severity.ERROR, spot, label, "; record not converted", count=keep)
                keep = False
        return keep

    def _report(self, severity, spot: BadSpot, key: str | None, outcome: str, count: bool = False) -> None:
        self.reported += 1
        if count:
            self.report.failed += 1
        if self.reported > _MOST_SPOTS:
            return
        hint = f"pass --encoding (latin-1, cp1252, gbk, ...) if the file is not {spot.encoding}"
        if self.reported == _MOST_SPOTS:
            hint += "; further bad bytes get no message each (counted at the end)"
        self.report.add(severity, "read.encoding", spot.message + outcome, line=spot.line, column=spot.column,
                        key=key, hint=hint)


# -- JSON values: lone surrogates and nesting (the json module accepts both)

MAX_JSON_DEPTH = 64  # bibliographic data nests a few levels; far deeper is an attack or damage
_SURROGATE = re.compile(r"[\ud800-\udfff]|\\u[dD][89abAB][0-9a-fA-F]{2}")
_LONE = re.compile(r"[\ud800-\udfff]")


_PAIR = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def surrogate_at(text: str, start: int = 0, end: int | None = None) -> int | None:
    """Offset of the first lone surrogate escape (or character) in text[start:end]."""
    paired = -1  # a valid escaped pair ends here: its low half is no problem
    for found in _SURROGATE.finditer(text, start, len(text) if end is None else end):
        if found.start() < paired:
            continue
        pair = _PAIR.match(text, found.start())
        if pair is None:
            return found.start()
        paired = pair.end()
    return None


def scrub_json(value, *, surrogates: bool = True, check_depth: bool = True):
    """``(value, lone surrogates replaced, too deep)``: each lone surrogate in a string
    (keys too) becomes U+FFFD, since such text cannot be written as UTF-8; ``too deep``
    when nesting passes MAX_JSON_DEPTH (the value is then returned unchanged). Iterative,
    so no depth can overflow the stack."""
    replaced = 0
    deepest = 0
    if not surrogates and not check_depth:
        return value, 0, False
    todo: list[tuple[Any, int, Any, Any]] = [(value, 1, None, None)]  # (value, depth, container, key/index)
    while todo:
        item, depth, parent, slot = todo.pop()
        if isinstance(item, str):
            if surrogates and _LONE.search(item):
                fixed, count = _LONE.subn("\ufffd", item)
                replaced += count
                if parent is not None:
                    parent[slot] = fixed
                else:
                    value = fixed
            continue
        if not isinstance(item, (dict, list)):
            continue
        deepest = max(deepest, depth)
        if check_depth and deepest > MAX_JSON_DEPTH:
            return value, replaced, True
        if isinstance(item, list):
            todo.extend((v, depth + 1, item, i) for i, v in enumerate(item))
        else:
            if surrogates and any(_LONE.search(k) for k in item):
                for k in [k for k in item if _LONE.search(k)]:
                    fixed, count = _LONE.subn("\ufffd", k)
                    replaced += count
                    item[fixed] = item.pop(k)
            todo.extend((v, depth + 1, item, k) for k, v in item.items())
    return value, replaced, False


def nests_deep(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether a JSON text may nest past MAX_JSON_DEPTH (a cheap test before a walk)."""
    end = len(text) if end is None else end
    return text.count("[", start, end) + text.count("{", start, end) > MAX_JSON_DEPTH


@dataclass(frozen=True)
class JsonProblem:
    message: str
    offset: int | None  # in the text, where it shows
    fatal: bool  # the value cannot be used


def vet_json(value, text: str, start: int = 0, end: int | None = None):
    """A parsed JSON value and what is wrong with it: ``(value, problem or None)``, with
    lone surrogates replaced. ``text[start:end]`` is the value's JSON text, scanned first
    so that clean values (nearly all) cost two C-level scans and no walk."""
    end = len(text) if end is None else end
    surrogates = _SURROGATE.search(text, start, end) is not None
    value, replaced, deep = scrub_json(value, surrogates=surrogates, check_depth=nests_deep(text, start, end))
    if deep:
        return value, JsonProblem(f"nested deeper than {MAX_JSON_DEPTH} levels; not converted", start, True)
    if replaced:
        return value, JsonProblem(f"lone surrogate{'s' if replaced > 1 else ''} (half of a UTF-16 pair, not "
                                  f"text) replaced by U+FFFD ({replaced})", surrogate_at(text, start, end), False)
    return value, None


TOO_DEEP = f"nested too deep to read (more than {MAX_JSON_DEPTH} levels)"


class Encodable:
    """Output text that UTF-8 can always encode: a lone surrogate (from a record built by
    a caller; the readers already replace theirs) becomes U+FFFD, said once per output,
    instead of an exception in the middle of a document."""

    def __init__(self, out, report):
        self._out = out
        self._report = report
        self._replaced = 0

    def write(self, text: str) -> int:
        if not text.isascii() and _LONE.search(text):
            text, count = _LONE.subn("\ufffd", text)
            if not self._replaced:
                self._report.warning("write.surrogate", "lone surrogate (half of a UTF-16 pair, not text) in a "
                                     "record replaced by U+FFFD: UTF-8 cannot encode it")
            self._replaced += count
        return self._out.write(text)

    def writelines(self, lines) -> None:
        self.write("".join(lines))  # one check and one write for a whole entry's lines

    def __getattr__(self, name: str):
        return getattr(self._out, name)
