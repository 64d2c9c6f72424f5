"""Blocks of the README generated from the code (option tables, the CSL variable table):
each lies between a BEGIN and an END marker and is rewritten by its module's ``--write``."""

from __future__ import annotations

import sys
from collections.abc import Callable


def replace_block(text: str, begin: str, end: str, block: str) -> str:
    """``text`` with what lies between the markers (markers included) replaced by ``block``."""
    start, stop = text.index(begin), text.index(end) + len(end)
    return text[:start] + block + text[stop:]


def main(argv: list[str], module: str, render: Callable[[], str], begin: str, end: str) -> int:
    """``python -m MODULE`` prints the block; ``--write README.md`` puts it in place."""
    if argv[:1] == ["--write"] and len(argv) == 2:
        with open(argv[1], encoding="utf-8") as handle:
            text = handle.read()
        new = replace_block(text, begin, end, render())  # before opening for writing: an error leaves the file
        with open(argv[1], "w", encoding="utf-8", newline="") as handle:
            handle.write(new)
        return 0
    if argv:
        print(f"usage: python -m {module} [--write README.md]", file=sys.stderr)
        return 2
    print(render())
    return 0
