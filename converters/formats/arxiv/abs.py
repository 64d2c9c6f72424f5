"""``arxiv-abs``: arXiv's legacy ``.abs`` metadata files (one paper per file).

Layout and mapping are in ``blocks``; this module only tells the shape apart from a
listing built of the same blocks: an ``.abs`` file opens with its one block.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...diagnostics import Reporter
from ...model import Record
from ...options import Options
from ..sniff import arxiv_abs as detect  # noqa: F401 (the format's detector, re-exported)
from .blocks import scan, to_record

NAME = "arxiv-abs"
CODE = "abs"




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
