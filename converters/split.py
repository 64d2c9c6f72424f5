"""One big input cut into blocks at record boundaries, for worker processes (``parallel.py``).

A boundary is a line the format's reader always ends a record at, so each block reads, on
its own, to exactly the records and diagnostics the whole file gives there:

- arXiv listing: after a ``Created:`` line (the reader closes the record it is in there);
- RIS: after an ``ER  -`` line whose next non-blank line is ``TY  -`` (nothing between
  two records that the reader would report as stray text).

Only formats whose records share no state qualify: BibTeX's ``@string`` macros, crossref
parents and duplicate-key checks span the file, so a .bib file is read by one process.
Blocks are found in bytes, so only encodings where a line feed is the byte 0x0a (UTF-8,
Latin-1, cp1252, ...) are cut; a UTF-16 file is one block.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass

# per format: the end of a line after which a new record starts
BOUNDARIES: dict[str, re.Pattern[bytes]] = {
    "arxiv-listing": re.compile(rb"(?m)^Created:[^\n]*\n"),
    "ris": re.compile(rb"(?m)^ER[ \t]{1,2}-[ \t]*\r?\n(?=(?:[ \t]*\r?\n)*TY[ \t]{1,2}-)"),
}

BLOCK_SIZE = 1 << 20  # bytes: a block's records are held by its worker until written (1 MB: measured best)


@dataclass(frozen=True, slots=True)
class Block:
    """Bytes ``start`` to ``end`` of ``path``, with ``lines`` lines before ``start``."""

    path: str
    start: int
    end: int
    lines: int


def can_split(format: str, encoding: str) -> bool:
    """Blocks of this format in this encoding (a name ``textio.sniff_bom`` gave) read as the
    whole file does."""
    return format in BOUNDARIES and len("\n".encode(encoding)) == 1


def blocks(path: str, format: str, size: int = BLOCK_SIZE) -> list[Block]:
    """``path`` cut into blocks of about ``size`` bytes at the format's record boundaries.

    Read in windows, not mapped: a mapped file's pages count in the process's memory as
    they are scanned, which made the main process as large as the input."""
    pattern = BOUNDARIES[format]
    total = os.path.getsize(path)
    if total <= size:
        return [Block(path, 0, total, 0)]
    cuts = [0]
    with open(path, "rb") as handle:
        at = size
        while at < total:
            cut = _next_cut(handle, pattern, at, total)
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


def _next_cut(handle, pattern: re.Pattern[bytes], at: int, total: int) -> int | None:
    """The end of the first boundary match starting at or after ``at``."""
    pos = at
    while pos < total:
        handle.seek(pos - 1)  # the byte before: ``^`` matches at pos only after a line feed
        window = handle.read(_WINDOW + _MARGIN + 1)
        last = pos + len(window) - 1 >= total
        found = pattern.search(window, 1)
        if found is not None and (last or found.end() <= len(window) - _MARGIN):
            return pos - 1 + found.end()
        pos += _WINDOW
    return None


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

