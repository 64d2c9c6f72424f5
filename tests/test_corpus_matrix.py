"""Every reader x every writer on the real-world corpus in ../shared.

Files are read with the format guessed, as a user would, so this also checks detection.
The outputs must pass the real validators, CSL-JSON must hold no raw TeX accents
outside maths, ASCII BibTeX no non-ASCII byte, and maths must survive each round trip.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest

import converters
from converters.model import Record, Syntax, Text

from .shared import SHARED, shared_files
from .validators import assert_valid_csl, assert_valid_jats, parse_bibtex, parse_ris

# reader: (corpus folder, globs, files to leave out)
CORPORA = {
    "bibtex": ("corpus/bibtex", ("*.bib",)),
    "ris": ("corpus/ris", ("*.ris",)),
    "csl-json": ("corpus/csl", ("*.json",)),
    "jats": ("corpus/jats", ("*.xml", "*.nxml")),
    "arxiv-abs": ("corpus/arxiv/abs-files", ("*.abs",)),
    "arxiv-atom": ("corpus/arxiv/api-atom-arxiv.py", ("*.atom.xml",)),
    "arxiv-oai": ("corpus/arxiv/oai-pmh-hepcrawl", ("*.xml",)),
    "arxiv-json": ("corpus/arxiv/kaggle-metadata-sample", ("*.jsonl",)),
}
ENCODINGS = {"gbk_test.bib": "gbk"}
# files that are in these folders but are not of the folder's format (their own tests say why)
NOT_OF_THE_FORMAT = {"example_wos.ris", "pubmed.ris"}
PER_READER = 2500  # records per reader through the writers: enough variety, bounded time

WRITERS = ("bibtex", "biblatex", "ris", "csl-json", "jats")


def _files(fmt: str):
    folder, globs = CORPORA[fmt]
    return [p for p in shared_files(folder, *globs) if p.name not in NOT_OF_THE_FORMAT]


@cache
def corpus(fmt: str) -> tuple[tuple[Record, ...], tuple[str, ...]]:
    """Records read from the reader's corpus (format guessed), and the files guessed wrong."""
    records: list[Record] = []
    misread: list[str] = []
    for path in _files(fmt):
        encoding = ENCODINGS.get(path.name, "latin-1" if "latin1" in path.name else "utf-8")
        try:
            result = converters.load(path, encoding=encoding)
        except converters.ConversionError:
            misread.append(f"{path.relative_to(SHARED)}: not recognised")
            continue
        if result.format != fmt:
            misread.append(f"{path.relative_to(SHARED)}: read as {result.format}")
        records.extend(result.records)
    return tuple(records), tuple(misread)


def _sample(fmt: str) -> list[Record]:
    records, _ = corpus(fmt)
    if not records:
        pytest.skip(f"../shared/{CORPORA[fmt][0]} is absent")
    step = max(1, len(records) // PER_READER)
    return list(records[::step])[:PER_READER]


@pytest.mark.parametrize("fmt", CORPORA)
def test_the_format_of_every_corpus_file_is_guessed_right(fmt):
    if not _files(fmt):
        pytest.skip(f"../shared/{CORPORA[fmt][0]} is absent")
    _, misread = corpus(fmt)
    assert list(misread) == []


# \ra or \ce are macros of their own (kept as source when unknown), not \r or \c on a letter
_ACCENT_MACRO = r"\\(?:[`'^\"~=.]|[uvHckr](?![A-Za-z]))"
_RAW_ACCENT = re.compile(_ACCENT_MACRO + r"\s*\{?[A-Za-z]|\{" + _ACCENT_MACRO)
# maths in all its TeX forms: $...$, $$...$$, \(...\), \[...\] and environments like align
# (unclosed when arXiv cut a long abstract short: then it runs to the end)
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]|\\begin\{(\w+\*?)\}.*?(?:\\end\{\1\}|\Z)", re.S)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("reader", CORPORA)
def test_every_reader_writer_pair_gives_valid_output(reader, writer):
    records = _sample(reader)
    text = converters.dumps(records, writer)
    if writer == "csl-json":
        items = assert_valid_csl(text)
        assert len(items) == len(records)
        for item in items:
            for field in ("title", "container-title", "abstract", "note"):
                for value in _strings(item.get(field)):
                    outside_maths = _MATH.sub("", value)
                    assert not _RAW_ACCENT.search(outside_maths), f"raw TeX accent in {item['id']} {field}: {value!r}"
    elif writer == "jats":
        (article,) = assert_valid_jats(text)
        assert len(article.findall(".//ref")) == len(records)
    elif writer in ("bibtex", "biblatex"):
        assert len(parse_bibtex(text).entries) == len(records)
        if writer == "bibtex":
            assert text.isascii(), "8-bit BibTeX output must be ASCII"
    else:
        assert len(parse_ris(text)) == len(records)


def _maths(value: Text | None) -> list[str]:
    """The maths of a text as its plain rendering shows it: after a round trip through a
    plain-text format the same $...$ is there, though no longer marked as maths. A % or #
    in arXiv's maths means the sign, and BibTeX output spells it \\% (issue 17)."""
    return [" ".join(re.sub(r"(?<!\\)([%#])", r"\\\1", m.group().strip("$")).split())  # (white space: TeX's)
            for m in re.finditer(r"\$[^$]+\$", value.plain())] if value else []


def _unpaired_dollar(value: Text | None) -> bool:
    """An odd number of $ is not TeX (0704.0200 lacks one): the BibTeX writer spells the
    unpaired $ out as \\$, so LaTeX can read it, and its maths cannot compare."""
    return bool(value) and len(re.findall(r"(?<!\\)\$", value.value)) % 2 == 1


CARRY_TEXT = {  # text fields each writer carries (the round-trip matrix holds the rest)
    "bibtex": ("title", "abstract", "note"),
    "biblatex": ("title", "abstract", "note"),
    "ris": ("title", "abstract", "note"),
    "csl-json": ("title", "abstract", "note"),
    "jats": ("title", "note"),
}


@pytest.mark.parametrize("writer", WRITERS)
def test_maths_survives_every_round_trip(writer):
    records = [r for fmt in ("arxiv-abs", "arxiv-json", "bibtex") for r in corpus(fmt)[0]
               if any(_maths(getattr(r, f)) for f in CARRY_TEXT[writer])
               and not any(_unpaired_dollar(getattr(r, f)) for f in CARRY_TEXT[writer])][:800]
    if not records:
        pytest.skip("the shared corpus is absent")
    back = converters.loads(converters.dumps(records, writer), writer)
    assert len(back) == len(records)
    for before, after in zip(records, back, strict=True):
        for field in CARRY_TEXT[writer]:
            assert _maths(getattr(before, field)) == _maths(getattr(after, field)), \
                f"{writer}: maths in {field} of {before.label} changed"


def test_maths_spans_are_counted_the_same_in_tex_and_in_csl_rich_text():
    value = Text(r"Bounds $O(d^2)$ and $\alpha$", Syntax.TEX)
    assert _maths(value) == ["O(d^2)", r"\alpha"]
    csl = json.loads(converters.dumps([Record(title=value)], "csl-json"))[0]["title"]
    assert csl == r"Bounds $O(d^2)$ and $\alpha$"
