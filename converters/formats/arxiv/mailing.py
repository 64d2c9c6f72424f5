"""``arxiv-mailing``: arXiv's plain-text listings (``new``, ``pastweek``, monthly ``YYMM``).

The records are ``.abs`` blocks (see ``blocks``) between separators and preambles.
What each shape yields:

- daily mailings (``new``, ``new.XX``): new submissions with abstract and v1 date;
  cross-lists (``extras["arxiv:announcement"] = "cross-list"``) likewise; replacements
  carry the new version's date only (``extras["arxiv:replaced"]``), so their
  ``issued`` is the year and month in the id, with an info diagnostic;
- ``pastweek`` and monthly listings: header blocks without abstracts (id, dates,
  title, authors, categories, comments, journal-ref, DOI);
- a bare list of ``arXiv:ID`` / ``Paper: ID`` lines: records with the id alone
  (``issued`` from the id; info diagnostics, not warnings, for the missing title).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ...diagnostics import Reporter
from ...model import Record
from ...options import Options
from . import abs as abs_format
from .blocks import ID_LINE, scan, to_record

NAME = "arxiv-mailing"
CODE = "mailing"

_PREAMBLE = re.compile(r"(?m)^(?:Subject: .*(?:mailing|daily)|Papers received as of |/\* .+ \*/$| ?received from )")


def detect(head: str) -> bool:
    """Record blocks after ``\\\\`` lines, and either a mailing preamble or several blocks,
    or nothing but id lines; never a single-block file, which is ``arxiv-abs``."""
    text = head.replace("\r\n", "\n").lstrip("\ufeff")
    if abs_format.detect(text):
        return False
    blocks = len(abs_format.HEADER_AFTER_SEPARATOR.findall(text))
    return blocks >= 2 or (blocks == 1 and bool(_PREAMBLE.search(text))) or _id_list(text)


def _id_list(text: str) -> bool:
    lines = [line.strip() for line in text.split("\n")[:-1] if line.strip()]  # the last may be cut off
    return bool(lines) and all(ID_LINE.match(line) for line in lines)


def read(stream: Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    for block in scan(stream, report, CODE):
        record = to_record(block, report, CODE)
        if record is not None:
            yield record
