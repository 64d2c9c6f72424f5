"""One big input cut into blocks at record boundaries, for worker processes (``parallel.py``).

A boundary is a line the format's reader always ends a record at, so each block reads, on
its own, to exactly the records and diagnostics the whole file gives there:

- arXiv listing: after a ``Created:`` line (the reader closes the record it is in there);
- RIS: after an ``ER  -`` line whose next non-blank line is ``TY  -`` (nothing between
  two records that the reader would report as stray text);
- BibTeX: before a line starting ``@type{`` (bibtexparser ends any block there), in a file
  whose entries share nothing but what a block can be given (``bibtex_layout``): ``@string``
  macros defined before the first entry, which each block's reader reads first (its
  ``prelude``), and crossref/xdata parents, which are never cut from their children (nor is
  anything after an entry one process holds back to the end: one whose parent the file lacks,
  or that names a macro no @string defines); other files (macros defined between entries,
  @preamble or @comment there, a key used twice) are read by one process;
- line-delimited JSON (the arXiv snapshot, refconv-json, CSL-JSON as NDJSON): after any line
  feed, each line being read on its own. CSL-JSON is cut only when its reader reads it line by
  line (``csl_json.reader.one_item_a_line``: its first line is an item by itself); a block
  after the first is always read so.

Blocks are found in bytes, so only encodings where a line feed is the byte 0x0a (UTF-8,
Latin-1, cp1252, ...) are cut; a UTF-16 file is one block.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

# how a file is opened for reading bytes: a local file, or through an fsspec filesystem (dask.py)
Opener = Callable[[str], IO[bytes]]


def open_bytes(path: str) -> IO[bytes]:
    return open(path, "rb")

# per format: the end of a line after which a new record starts
BOUNDARIES: dict[str, re.Pattern[bytes]] = {
    "arxiv-listing": re.compile(rb"(?m)^Created:[^\n]*\n"),
    "ris": re.compile(rb"(?m)^ER[ \t]{1,2}-[ \t]*\r?\n(?=(?:[ \t]*\r?\n)*TY[ \t]{1,2}-)"),
    # before a line starting `@type{`: bibtexparser ends any block there (its error recovery)
    "bibtex": re.compile(rb"(?m)^(?=[ \t]*@\w*[ \t]*[{(])"),
}
BOUNDARIES["biblatex"] = BOUNDARIES["bibtex"]
# one JSON object per line: a record never spans a line feed
BOUNDARIES["arxiv-json"] = BOUNDARIES["refconv-json"] = BOUNDARIES["csl-json"] = re.compile(rb"\n")

BLOCK_SIZE = 1 << 20  # bytes: a block's records are held by its worker until written (1 MB: measured best)


@dataclass(frozen=True, slots=True)
class Block:
    """Bytes ``start`` to ``end`` of ``path``, with ``lines`` lines before ``start``;
    ``prelude``: the file's first bytes its reader reads first, for what they define (a .bib
    file's @string macros), and reports nothing of."""

    path: str
    start: int
    end: int
    lines: int
    prelude: int = 0


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a file may be cut: after ``header`` bytes (which every block's reader reads first,
    see Block.prelude), and never inside a span (first, last], (a child and its parent)."""

    header: int = 0
    spans: tuple[tuple[int, int], ...] = ()

    def allows(self, cut: int) -> int | None:
        """None when a block may start at ``cut``, else the offset to look again from."""
        if cut <= self.header:
            return self.header + 1
        for first, last in self.spans:  # (few: the parents' spans, merged)
            if first < cut <= last:
                return last + 1
        return None


FREE = Layout()


def can_split(format: str, encoding: str) -> bool:
    """Blocks of this format in this encoding (a name ``textio.sniff_bom`` gave) can read as
    the whole file does (for BibTeX, ``bibtex_layout`` says where they do)."""
    return format in BOUNDARIES and len("\n".encode(encoding)) == 1


def cuttable(path: str, format: str, encoding: str, opener: Opener = open_bytes) -> bool:
    """``path``, read as ``format`` in ``encoding``, gives in blocks what it gives whole."""
    return layout(path, format, encoding, opener) is not None


def layout(path: str, format: str, encoding: str, opener: Opener = open_bytes) -> Layout | None:
    """How ``path``, read as ``format`` in ``encoding``, may be cut so that its blocks give what
    it gives whole; None when it may not."""
    if not can_split(format, encoding):
        return None
    if format == "csl-json":
        return FREE if _ndjson(path, encoding, opener) else None
    if format in ("bibtex", "biblatex"):
        return bibtex_layout(path, opener)
    return FREE


def _ndjson(path: str, encoding: str, opener: Opener) -> bool:
    """CSL-JSON that its reader reads line by line (an array or YAML is read whole)."""
    from .formats.csl_json.reader import one_item_a_line

    with opener(path) as handle:
        head = handle.read(_WINDOW)
    text = head.decode(encoding, errors="replace").removeprefix("\ufeff")
    # (blank lines first: not cut, or the first block would read as an empty input)
    return "\n" in text and bool(text[:text.find("\n")].strip()) and one_item_a_line(text)


# What ties BibTeX entries together, so that a block alone would not read as the whole file
# does, and what a block can be given of it (bibtex_layout): the header's macros, parents kept
# with their children. Looked for in lowercased text with plain searches and patterns that
# start with a literal: a case-insensitive pattern took 1.2 s on 27 MB.
_BIBTEX_HEAD = re.compile(rb"(?m)@[ \t]*(\w*)[ \t]*[{(][ \t]*([^,\n]*?)[ \t]*(?:,|$)")  # (at a line's start: _heads)
_BIBTEX_HEADER_BLOCK = re.compile(rb"@[ \t]*(?:string|preamble|comment)[ \t]*[{(]")
_BIBTEX_HEADER_TYPES = (b"string", b"preamble", b"comment")
# entries that are no records (bibtex.mapping.NOT_RECORDS): @preamble text waits past them for a record
_NOT_RECORD_TYPES = (b"set", b"xdata", b"ieeetranbstctl")
_MACRO_DEFINED = re.compile(rb"@[ \t]*string[ \t]*[{(][ \t]*([^\s=]+)[ \t]*=")
# a value naming a macro: a bare word after "=" (a field's value when a field name is all
# that comes before it on its line or after a comma) or after "#" (a concatenation). (Found
# by the bare word, the few candidates then checked: a pattern starting with the field name
# took 0.6 s on 15 MB.)
_BARE_WORD = re.compile(rb"([=#])[ \t]*([a-z_][^\s,#\"{}()=%']*)")
_FIELD_HEAD = re.compile(rb"[ \t]*[\w:.+-]+[ \t]*")
_MONTHS = frozenset(b"jan feb mar apr may jun jul aug sep oct nov dec".split())
_PARENT_FIELDS = (b"crossref", b"xdata", b"ids")
_EQUALS = re.compile(rb"[ \t]*=")
_KEY_LIST = re.compile(rb"[ \t]*(?:\{([^{}\n]*)\}|\"([^\"\n]*)\")")


def bibtex_layout(path: str, opener: Opener = open_bytes) -> Layout | None:
    """Where a .bib file may be cut, when its entries share only what blocks can be given:
    @string macros defined before the first entry (a header of @string, @preamble and
    @comment, which each block's reader reads first), and crossref/xdata parents (a block
    holds a child and its parent, and what lies between). None, so one process reads it,
    when a block would read otherwise: @string, @preamble or @comment after the first entry
    (macros a block would lack, text the next entry takes), a key used twice (the warning
    names the first), or a parent list not written as {keys}. An entry whose parent the file
    lacks, or that names a macro no @string defines, waits for it to the end, as one process
    does: no cut after it. Read in windows; the keys seen are held as digests."""
    from .keys import DigestSet

    keys = DigestSet()
    header: int | None = None
    defined: set[bytes] = set(_MONTHS)  # the header's macros, and BibTeX's own
    late = -1  # the first @preamble or @comment after the header (after the last entry, the last record's)
    waits: int | None = None  # the first entry naming a macro no @string defines
    last_entry = -1  # the last entry that is a record (trailing @preamble text is its)
    first_record = -1  # the first (the header's @preamble text is its)
    children: list[tuple[int, list[bytes]]] = []  # an entry's offset and the parents it names
    wanted: set[bytes] = set()  # the keys children named
    found: dict[bytes, int] = {}  # where those parents are, as far as seen (BibTeX wants them after)
    aliases: dict[bytes, int] = {}  # ids aliases, and the entries they name
    last: int | None = None  # the last entry started in the windows before
    for base, low in _line_windows(path, opener):
        heads = _heads(low, base)
        starts = [at for at, _, _ in heads]
        for at, kind, key in heads:
            if kind not in _BIBTEX_HEADER_TYPES:  # (those after the header: below)
                header = at if header is None else header
                if kind not in _NOT_RECORD_TYPES:
                    last_entry = at
                    first_record = at if first_record < 0 else first_record
                if not keys.add(key.decode("latin-1")):
                    return None
        for block in _BIBTEX_HEADER_BLOCK.finditer(low):
            if header is not None and base + block.start() > header:
                if b"string" in block.group():
                    return None
                late = base + block.start() if late < 0 else late  # the first: no entry may follow it
        defined.update(m.group(1) for m in _MACRO_DEFINED.finditer(low))
        # a macro no @string defines: one process holds the entry back, waiting for it to the end of
        # the file (an @string may come), and every entry after it: none of them is cut off
        if header is not None and waits is None:
            used = _undefined_macro(low, max(0, header - base), defined)
            waits = None if used < 0 else _owner(starts, base + used, last)
            if used >= 0 and waits is None:
                return None
        for field, at, end in _parent_fields(low):
            listed = _KEY_LIST.match(low, end)
            if listed is None:
                return None  # a macro or a value over lines: not worth reading here
            owner = _owner(starts, base + at, last)
            if owner is None:
                return None  # a field before any entry
            named = [k.strip() for k in (listed.group(1) or listed.group(2) or b"").split(b",") if k.strip()]
            if field == b"ids":
                aliases.update(dict.fromkeys(named, owner))
            else:
                children.append((owner, named if field == b"xdata" else named[:1]))
                wanted.update(children[-1][1])
        for at, _, key in heads if wanted else ():
            if key in wanted:
                found.setdefault(key, at)
        last = starts[-1] if starts else last
    if header is None:
        return FREE  # no entry: one block
    if 0 <= late < last_entry:
        return None
    tail = [(last_entry, _END)] if late >= 0 else []  # trailing @preamble text is the last record's
    if first_record > header:  # an @set or @xdata first: the header's @preamble text waits for the record
        tail.append((header, first_record))
    if waits is not None:
        tail.append((waits, _END))
    if not children:
        return Layout(header, tuple(_merged(tail)))
    parents = {**aliases, **found}
    # a parent before the child that names it, seen before it was wanted: looked for again
    again = {key for key in wanted - parents.keys() if key.decode("latin-1") in keys}
    if again:
        parents.update(_parent_offsets(path, opener, again))
    spans = []
    for child, named in children:
        for key in named:
            parent = parents.get(key)
            # a parent the file lacks is waited for to its end: nothing after the child is cut off
            spans.append((child, _END) if parent is None else (min(child, parent), max(child, parent)))
    return Layout(header, tuple(_merged(spans + tail)))


_END = 1 << 62  # past any file's end


def _parent_offsets(path: str, opener: Opener, wanted: set[bytes]) -> dict[bytes, int]:
    """The offset of the entry each wanted key (lower case) names (ids aliases: the first pass
    has them all)."""
    out: dict[bytes, int] = {}
    for base, low in _line_windows(path, opener):
        for at, _, key in _heads(low, base):
            if key in wanted:
                out.setdefault(key, at)
    return out


def _heads(low: bytes, base: int) -> list[tuple[int, bytes, bytes]]:
    """(offset of its line, type, key) of each entry head: an "@type{key," a line starts with
    (found by its "@", then its line checked: a pattern anchored at each line's start was 4x slower)."""
    out = []
    for found in _BIBTEX_HEAD.finditer(low):
        at = found.start()
        line = low.rfind(b"\n", 0, at) + 1
        if line == at or not low[line:at].strip(b" \t"):
            out.append((base + line, found.group(1), found.group(2)))
    return out


def _parent_fields(low: bytes):
    """(field, offset, end of "=") of each crossref, xdata and ids field in ``low``."""
    for word in _PARENT_FIELDS:
        at = low.find(word)
        while at >= 0:
            before = low[at - 1:at]
            equals = _EQUALS.match(low, at + len(word))
            if not (before.isalnum() or before in (b"_", b"-")) and equals:
                yield word, at, equals.end()
            at = low.find(word, at + 1)


def _undefined_macro(low: bytes, start: int, defined: set[bytes]) -> int:
    """Where a field value from ``start`` on first names a macro not in ``defined``; -1 if none."""
    for found in _BARE_WORD.finditer(low, start):
        if found.group(2) in defined:
            continue
        at = found.start()
        if found.group(1) == b"#":
            if low[at - 1:at] in (b" ", b"\t", b"\n", b"\"", b"}"):
                return at
            continue
        line = low.rfind(b"\n", 0, at) + 1
        head = max(line, low.rfind(b",", line, at) + 1)
        if _FIELD_HEAD.fullmatch(low, head, at):
            return at
    return -1


def _owner(starts: list[int], at: int, last: int | None) -> int | None:
    """The offset of the entry a field at ``at`` is in: the last that starts before it."""
    index = bisect.bisect_left(starts, at)
    return starts[index - 1] if index else last


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if out and first <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def _line_windows(path: str, opener: Opener):
    """(offset, lowercased bytes) of whole lines, about a megabyte at a time."""
    with opener(path) as handle:
        base, tail = 0, b""
        while True:
            chunk = handle.read(1 << 20)
            text = tail + chunk
            cut = len(text) if not chunk else text.rfind(b"\n") + 1
            if cut:
                yield base, text[:cut].lower()
            base, tail = base + cut, text[cut:]
            if not chunk:
                return


def blocks(path: str, format: str, size: int = BLOCK_SIZE, opener: Opener = open_bytes, total: int | None = None,
           layout: Layout = FREE) -> list[Block]:
    """``path`` cut into blocks of about ``size`` bytes at the format's record boundaries
    that ``layout`` allows; ``opener`` and ``total`` (the file's size) for a file that is not
    local (``dask.py``).

    Read in windows, not mapped: a mapped file's pages count in the process's memory as
    they are scanned, which made the main process as large as the input."""
    if total is None:
        total = os.path.getsize(path)
    if total <= size:
        return [Block(path, 0, total, 0)]
    cuts = [0]
    with opener(path) as handle:
        at = size
        while at < total:
            cut = _next_cut(handle, format, at, total)
            if cut is None or cut >= total:
                break
            again = layout.allows(cut)
            if again is not None:
                at = again
                continue
            cuts.append(cut)
            at = cut + size
        cuts.append(total)
        out, lines = [], 0
        for start, end in itertools.pairwise(cuts):
            out.append(Block(path, start, end, lines, layout.header if start else 0))
            lines += _count_lines(handle, start, end)
    return out


_WINDOW = 1 << 16
_MARGIN = 1 << 12  # a match this near a window's end is looked for again in the next (its lookahead)


def _next_cut(handle, format: str, at: int, total: int) -> int | None:
    """The end of the first boundary match starting at or after ``at`` that the format accepts."""
    pattern, accept = BOUNDARIES[format], _ACCEPT.get(format)
    pos = at
    while pos < total:
        handle.seek(pos - 1)  # the byte before: ``^`` matches at pos only after a line feed
        window = handle.read(_WINDOW + _MARGIN + 1)
        last = pos + len(window) - 1 >= total
        for found in pattern.finditer(window, 1):
            if not last and found.end() > len(window) - _MARGIN:
                break  # looked for again in the next window, with what follows it
            cut = pos - 1 + found.end()
            if accept is None or accept(handle, cut):
                return cut
        pos += _WINDOW
    return None


_BRACE = re.compile(rb"(?<!\\)[{}]")


def _bibtex_entry_closed(handle, cut: int) -> bool:
    """The block before ``cut`` closes its braces: bibtexparser would otherwise read on to the
    next block start and say so ("Unexpected block start"), where a block ending at the cut
    says "end of file"."""
    start = max(0, cut - _WINDOW)
    handle.seek(start)
    before = handle.read(cut - start)
    starts = list(BOUNDARIES["bibtex"].finditer(before))  # (empty matches at each block start line)
    if not starts:
        return False  # an entry longer than a window: not cut there
    depth = 0
    for brace in _BRACE.finditer(before, starts[-1].start()):
        depth += 1 if brace.group() == b"{" else -1
    return depth == 0


_ACCEPT = {"bibtex": _bibtex_entry_closed, "biblatex": _bibtex_entry_closed}


def _count_lines(handle, start: int, end: int) -> int:
    handle.seek(start)
    count, left = 0, end - start
    while left > 0:
        chunk = handle.read(min(left, 1 << 20))
        if not chunk:
            break
        count += chunk.count(b"\n")
        left -= len(chunk)
    return count

