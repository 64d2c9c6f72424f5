"""The BibTeX corpus in ../shared as the reference-oracle tests read it: each file decoded
once and read by refconv once per test run, shared by the pybtex and pandoc oracles."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import converters

from .shared import SHARED, shared_files

BIBTEX_FILES = shared_files("corpus/bibtex", "*.bib")
ENCODINGS = {"gbk_test.bib": "gbk"}  # the one corpus file not in UTF-8 (bibtexparser's GBK test)


def name_of(path: Path) -> str:
    return str(path.relative_to(SHARED / "corpus" / "bibtex"))


def encoding(path: Path) -> str:
    return ENCODINGS.get(path.name, "utf-8-sig")


@cache
def ours(path: Path) -> dict:
    """refconv's records by key; a key given twice in the file is left out (each tool keeps
    a different one of the two, so comparing them says nothing)."""
    records = converters.load(path, encoding=ENCODINGS.get(path.name, "utf-8")).records
    seen: dict = {}
    twice = set()
    for record in records:
        if record.key in seen:
            twice.add(record.key)
        seen[record.key] = record
    return {key: record for key, record in seen.items() if key not in twice}
