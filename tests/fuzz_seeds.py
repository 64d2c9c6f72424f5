"""Seed inputs for fuzzing each reader: our own sample in every format, and our fixtures."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import converters
from converters import registry

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

# fixture folder and file endings that hold each reader's own shape
_FIXTURE_GLOBS = {
    "arxiv-abs": ("arxiv", "*.abs"),
    "arxiv-mailing": ("arxiv", "*.txt"),
    "arxiv-atom": ("arxiv", "*.atom.xml"),
    "arxiv-oai": ("arxiv", "oai-*.xml"),
    "arxiv-json": ("arxiv", "*.jsonl"),
    "arxiv-listing": ("listing", "*.txt"),
    "bibtex": ("bibtex", "*.bib"),
    "biblatex": ("bibtex", "*.bib"),
    "ris": ("ris", "*.ris"),
    "csl-json": ("csl", "*.json"),
    "jats": ("jats", "*.xml"),
}


@cache
def seeds(fmt: str) -> tuple[str, ...]:
    found: list[str] = []
    sample = converters.load(ROOT / "samples" / "arxiv-listing.txt").records
    if fmt == "arxiv-listing":
        found.append((ROOT / "samples" / "arxiv-listing.txt").read_text(encoding="utf-8"))
    elif registry.get(fmt).can_write:
        found.append(converters.dumps(sample[:4], fmt))
    folder, pattern = _FIXTURE_GLOBS.get(fmt, (None, None))
    if folder:
        for path in sorted((FIXTURES / folder).glob(pattern))[:8]:
            raw = path.read_bytes()
            if len(raw) < 20_000:
                found.append(raw.decode("utf-8", errors="replace"))
    return tuple(found) or ("",)


def reader_names() -> list[str]:
    return [fmt.name for fmt in registry.readers()]
