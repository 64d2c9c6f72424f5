"""A piece of one output written on its own: a block of a big input that a worker process
converts (``parallel.py``). The main process hands out the citation keys in input order,
so the pieces joined are byte for byte the output one process writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .keys import KeyAllocator


@dataclass(frozen=True, slots=True)
class Piece:
    keys: KeyAllocator  # the keys (and JATS ref ids) the main process gave this piece's records
    before: int = 0  # records the output holds before this piece
    opens: bool = True  # the piece starts the output: it writes the output's head
    closes: bool = True  # the piece ends the output: it writes the output's tail
    # what the writer carries from record to record, as the pieces before left it, and left as this
    # piece leaves it (BibTeX: @string macros, @preamble blocks, parent links written); None: nothing yet
    state: Any = None
