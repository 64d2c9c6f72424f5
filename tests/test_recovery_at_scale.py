"""10,000 records, 1% corrupted in varied ways: the other 99% convert, each failure has its line."""

from __future__ import annotations

import random
import re

import pytest

import converters

from .listing_generator import listing

COUNT, EVERY = 10_000, 100  # one record in a hundred is broken


def _split_records(text: str, fmt: str) -> list[str]:
    if fmt == "arxiv-listing":
        return re.split(r"(?<=\n)(?=\S)(?<=Created: \d{4}-\d\d-\d\d\n\n)", text + "\n\n")
    if fmt == "ris":
        return [r + "ER  - \r\n" for r in text.split("ER  - \r\n") if r.strip()]
    return [("@" if i else "") + r + "\n" for i, r in enumerate(text.rstrip("\n").split("\n@"))]


CORRUPTIONS = {
    "arxiv-listing": [
        lambda r: re.sub(r"arXiv:\S+", "arXiv:2199.123", r),  # no month 99
        lambda r: re.sub(r"Created: \S+", "Created: 2021-02-30", r),
        lambda r: re.sub(r"Created: \S+", "Created: yesterday", r),
        lambda r: re.sub(r"arXiv:(\S+)", r"arXiv:\1x", r),
    ],
    "bibtex": [
        lambda r: r.replace("  title = {", "  title = {{", 1),  # an unbalanced brace inside one entry
        lambda r: re.sub(r",\n  year", "\n  year", r, count=1),  # a missing comma: recovered, with a warning
        lambda r: r.replace("  author = {", "  author {", 1),  # a missing '='
    ],
    "ris": [
        lambda r: r.replace("TY  - UNPB\r\n", "", 1),  # no TY: the record has no start
        lambda r: r.replace("ER  - \r\n", "", 1),  # no ER: the record runs into the next TY
    ],
}


# corruptions the reader repairs (the record is kept, with a warning on its line)
RECOVERED = {("bibtex", 1)}


@pytest.fixture(scope="module")
def records():
    return converters.loads(listing(COUNT, seed=7), "arxiv-listing").records


@pytest.mark.parametrize("fmt", ["arxiv-listing", "bibtex", "ris"])
def test_one_percent_corrupted_costs_only_those_records(records, fmt):
    text = listing(COUNT, seed=7) if fmt == "arxiv-listing" else converters.dumps(records, fmt)
    parts = _split_records(text, fmt)
    assert len(parts) == COUNT, f"split into {len(parts)}"
    rng = random.Random(3)
    broken: dict[int, int] = {}  # record index -> first line of that record in the corrupted file
    repaired = 0
    line = 1
    out = []
    for index, part in enumerate(parts):
        if index % EVERY == EVERY // 2:
            choice = rng.randrange(len(CORRUPTIONS[fmt]))
            part = CORRUPTIONS[fmt][choice](part)
            broken[index] = line
            repaired += (fmt, choice) in RECOVERED
        out.append(part)
        line += part.count("\n")
    corrupted = "".join(out)
    result = converters.loads(corrupted, fmt)
    assert len(result) == COUNT - len(broken) + repaired, [d.render() for d in result.errors[:5]]
    assert result.failed == len(broken) - repaired
    starts = sorted(broken.values())
    for error in result.errors:
        assert error.line is not None, error.render()
        # the error points into a corrupted record: between its first line and the next record
        nearest = max(s for s in starts if s <= error.line)
        assert error.line - nearest < 40, error.render()
