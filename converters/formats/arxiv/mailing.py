"""``arxiv-mailing``: arXiv's plain-text listings (``new``, ``pastweek``, monthly ``YYMM``).

The records are ``.abs`` blocks (see ``blocks``) between separators and preambles.
What each shape yields:

- daily mailings (``new``, ``new.XX``): new submissions with abstract and v1 date;
  cross-lists (``extras[Extra("arxiv", "announcement")] = "cross-list"``) likewise; replacements
  carry the new version's date only (``extras[Extra("arxiv", "replaced")]``), so their
  ``issued`` is the year and month in the id, with an info diagnostic;
- ``pastweek`` and monthly listings: header blocks without abstracts (id, dates,
  title, authors, categories, comments, journal-ref, DOI);
- a bare list of ``arXiv:ID`` / ``Paper: ID`` lines: records with the id alone
  (``issued`` from the id; info diagnostics, not warnings, for the missing title).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...diagnostics import Reporter
from ...model import Record
from ...options import Options
from ..sniff import arxiv_mailing as detect  # noqa: F401 (the format's detector, re-exported)
from .blocks import scan, to_record

NAME = "arxiv-mailing"
CODE = "mailing"



def read(stream: Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    for block in scan(stream, report, CODE):
        record = to_record(block, report, CODE)
        if record is not None:
            yield record
