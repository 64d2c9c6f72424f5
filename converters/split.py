"""One big input cut into blocks at record boundaries, for worker processes (``parallel.py``).

A boundary is a line the format's reader always ends a record at, so each block reads, on
its own, to exactly the records and diagnostics the whole file gives there:

- arXiv listing: after a ``Created:`` line (the reader closes the record it is in there);
- RIS: after an ``ER  -`` line whose next non-blank line is ``TY  -`` (nothing between
  two records that the reader would report as stray text);
- BibTeX: before a line starting ``@type{`` (bibtexparser ends any block there), and only in
  a file whose entries share nothing (``free_entries``): ``@string`` macros, crossref parents
  and the duplicate-key check span the file, so such a file is read by one process;
- line-delimited JSON (the arXiv snapshot, refconv-json, CSL-JSON as NDJSON): after any line
  feed, each line being read on its own. CSL-JSON is cut only when its reader reads it line by
  line (``csl_json.reader.one_item_a_line``: its first line is an item by itself); a block
  after the first is always read so.

Blocks are found in bytes, so only encodings where a line feed is the byte 0x0a (UTF-8,
Latin-1, cp1252, ...) are cut; a UTF-16 file is one block.
"""

from __future__ import annotations

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

# What ties BibTeX entries together, so that a block would not read as the whole file does:
# macros, @preamble text kept with the next entry, @comment matched by its braces across
# lines, parents and key lists, and a key used twice (its warning names the first). Looked
# for in lowercased text with plain searches: a case-insensitive pattern took 1.2 s on 27 MB.
_BIBTEX_TIED_BLOCK = re.compile(rb"@[ \t]*(?:string|preamble|comment|set)[ \t]*[{(]")
_BIBTEX_TIE_FIELDS = (b"crossref", b"xdata", b"xref", b"related", b"entryset", b"ids")
_FIELD_EQUALS = re.compile(rb"[ \t]*=")
_BIBTEX_KEY = re.compile(rb"(?m)^[ \t]*@\w*[ \t]*[{(][ \t]*([^,\n]*?)[ \t]*(?:,|$)")

BLOCK_SIZE = 1 << 20  # bytes: a block's records are held by its worker until written (1 MB: measured best)


@dataclass(frozen=True, slots=True)
class Block:
    """Bytes ``start`` to ``end`` of ``path``, with ``lines`` lines before ``start``."""

    path: str
    start: int
    end: int
    lines: int


def can_split(format: str, encoding: str) -> bool:
    """Blocks of this format in this encoding (a name ``textio.sniff_bom`` gave) can read as
    the whole file does (for BibTeX, ``free_entries`` says whether they do)."""
    return format in BOUNDARIES and len("\n".encode(encoding)) == 1


def cuttable(path: str, format: str, encoding: str, opener: Opener = open_bytes) -> bool:
    """``path``, read as ``format`` in ``encoding``, gives in blocks what it gives whole."""
    if not can_split(format, encoding):
        return False
    if format == "csl-json":
        return _ndjson(path, encoding, opener)
    return format not in ("bibtex", "biblatex") or free_entries(path, opener)


def _ndjson(path: str, encoding: str, opener: Opener) -> bool:
    """CSL-JSON that its reader reads line by line (an array or YAML is read whole)."""
    from .formats.csl_json.reader import one_item_a_line

    with opener(path) as handle:
        head = handle.read(_WINDOW)
    text = head.decode(encoding, errors="replace").removeprefix("\ufeff")
    # (blank lines first: not cut, or the first block would read as an empty input)
    return "\n" in text and bool(text[:text.find("\n")].strip()) and one_item_a_line(text)


def free_entries(path: str, opener: Opener = open_bytes) -> bool:
    """A .bib file whose entries share nothing (no @string, @preamble, @comment, @set,
    crossref, xdata, xref, related, entryset or ids, no key used twice): a reference
    manager's export, usually. Read in windows; the keys seen are held as digests."""
    from .keys import DigestSet

    keys = DigestSet()
    with opener(path) as handle:
        tail = b""
        while True:
            chunk = handle.read(1 << 20)
            text = tail + chunk
            cut = len(text) if not chunk else text.rfind(b"\n") + 1  # whole lines: a key or tie is on one
            lines, tail = text[:cut], text[cut:]
            low = lines.lower()  # keys too: BibTeX's keys ignore case
            if _BIBTEX_TIED_BLOCK.search(low) or _names_a_tie_field(low):
                return False
            if not all(keys.add(found.group(1).decode("latin-1")) for found in _BIBTEX_KEY.finditer(low)):
                return False
            if not chunk:
                return True


def _names_a_tie_field(low: bytes) -> bool:
    for word in _BIBTEX_TIE_FIELDS:
        at = low.find(word)
        while at >= 0:
            before = low[at - 1:at]
            if not (before.isalnum() or before == b"_") and _FIELD_EQUALS.match(low, at + len(word)):
                return True
            at = low.find(word, at + 1)
    return False


def blocks(path: str, format: str, size: int = BLOCK_SIZE, opener: Opener = open_bytes, total: int | None = None
           ) -> list[Block]:
    """``path`` cut into blocks of about ``size`` bytes at the format's record boundaries;
    ``opener`` and ``total`` (the file's size) for a file that is not local (``dask.py``).

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
            cuts.append(cut)
            at = cut + size
        cuts.append(total)
        out, lines = [], 0
        for start, end in itertools.pairwise(cuts):
            out.append(Block(path, start, end, lines))
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

