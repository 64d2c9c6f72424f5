"""``arxiv-abs``: arXiv's legacy ``.abs`` metadata files (one paper per file).

Layout and mapping are in ``blocks``; this module only tells the shape apart from a
listing built of the same blocks: an ``.abs`` file opens with its one block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ...diagnostics import Reporter
from ...model import Record
from ...options import Options
from .blocks import scan, to_record

NAME = "arxiv-abs"
CODE = "abs"

_OPENING = re.compile(r"^\ufeff?(?:-{10,}\s*\n)?\\\\\s*\n(?:arXiv:\S+|Paper:\s*\S+)\s*\n(?:From|Date):")
HEADER_AFTER_SEPARATOR = re.compile(r"(?m)^\\\\\s*\n(?:arXiv:\S|Paper[ :(])")


def detect(head: str) -> bool:
    """One block, at the very start: a listing of several blocks is ``arxiv-mailing``."""
    text = head.replace("\r\n", "\n")
    return bool(_OPENING.match(text)) and len(HEADER_AFTER_SEPARATOR.findall(text)) == 1


def read(stream: Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    count = 0
    for block in scan(stream, report, CODE):
        count += 1
        record = to_record(block, report, CODE)
        if record is not None:
            yield record
    if count == 0:
        report.error(f"{CODE}.no-record", "no '\\\\' block with an 'arXiv:ID' or 'Paper: ID' line found",
                     hint="is this an .abs file?")
    elif count > 1:
        report.info(f"{CODE}.several", f"{count} records in one .abs file; a listing reads as arxiv-mailing")
