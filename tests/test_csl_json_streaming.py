"""The CSL-JSON reader reads through a window of the text (item by item), and gives what
reading the whole text at once gives: the same records and the same diagnostics, at the
same lines and columns, wherever the window's edges fall. Its memory does not grow with
the input."""

from __future__ import annotations

import gc
import io
import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from converters.diagnostics import Reporter
from converters.formats.csl_json import reader
from converters.options import Options

from .shared import shared_files

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "csl").glob("*.*json"))
CORPUS = shared_files("corpus/csl", "*.json")


def _read(text: str, chunk: int, kept: int, monkeypatch) -> tuple[list, list]:
    monkeypatch.setattr(reader, "CHUNK", chunk)
    monkeypatch.setattr(reader, "KEPT", kept)
    report = Reporter("<test>")
    records = list(reader.read(io.StringIO(text), report, Options()))
    return records, report.diagnostics


def _same_in_any_window(text: str, monkeypatch, windows=((1, 1), (2, 3), (7, 5), (64, 40))) -> None:
    whole = _read(text, 1 << 30, 1 << 30, monkeypatch)
    for chunk, kept in windows:
        assert _read(text, chunk, kept, monkeypatch) == whole, (chunk, kept)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_read_the_same_through_a_tiny_window(path, monkeypatch):
    _same_in_any_window(path.read_text(encoding="utf-8"), monkeypatch)


@pytest.mark.skipif(not CORPUS, reason="../shared/corpus/csl is absent")
def test_every_corpus_file_reads_the_same_through_a_small_window(monkeypatch):
    for path in CORPUS:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        whole = _read(text, 1 << 30, 1 << 30, monkeypatch)
        assert _read(text, 13, 7, monkeypatch) == whole, path


# Items, good and broken, as producers and accidents write them: the window may cut any of
# them anywhere, and recovery after a broken one must find the same next item.
_PIECES = [
    '{"id": "a", "type": "book", "title": "Sparse gauge models"}',
    '{"id": "b", "type": "article-journal", "author": [{"family": "Okafor", "given": "Ann"}], '
    '"issued": {"date-parts": [[2021, 3]]}}',
    '{"id": "c", "title": "Unterminated}',
    '{"id": "d", "title": "Bad \\q escape"}',
    '{"id": "e" "type": "book"}',
    '"id": "f", "type": "book"}',
    '{"id": "g", "volume": 12}',
    '{"id": "h", "title": "\\u00e9t\\u00e9 caf\\u00e9 \u00e9t\u00e9"}',
    '{"type": "report", "number": 1e3}',
    "[1, 2]",
    "{}",
]
_GLUE = [",", ", ", ",\n", "\n", " ", ",,", ",\r\n  "]


@st.composite
def documents(draw):
    items = draw(st.lists(st.sampled_from(_PIECES), max_size=8))
    glue = [draw(st.sampled_from(_GLUE)) for _ in items]
    body = "".join(item + sep for item, sep in zip(items, glue, strict=True))
    shape = draw(st.sampled_from(["array", "ndjson", "unclosed"]))
    if shape == "ndjson":
        return "\n".join(items) + "\n"
    return "[\n" + body.rstrip(", \n") + ("\n]\n" if shape == "array" else "")


@settings(max_examples=150, deadline=None)
@given(text=documents(), chunk=st.integers(1, 40), kept=st.integers(1, 60))
@example(text='[{"id": "a", "volume": 12}]', chunk=1, kept=1)  # a number cut by the window's edge
@example(text='[{"id": "c", "title": "Unterminated},\n{"id": "a", "type": "book"}]', chunk=3, kept=2)
def test_any_document_reads_the_same_wherever_the_window_cuts(text, chunk, kept):
    with pytest.MonkeyPatch.context() as monkeypatch:
        whole = _read(text, 1 << 30, 1 << 30, monkeypatch)
        assert _read(text, chunk, kept, monkeypatch) == whole


# --- memory -------------------------------------------------------------------------------


def _items(count: int, shape: str = "array"):
    """``count`` items (the same text but the id: caches stay as they are), as an array with an
    item a line, as an array on one line (``json.dump`` without indent) or as NDJSON."""
    one_line = shape == "one-line array"
    yield "[" if one_line else "[\n" if shape == "array" else ""
    for n in range(count):
        item = {"id": f"okafor{n}2021", "type": "article-journal", "title": "Sparse gauge models",
                "author": [{"family": "Okafor", "given": "Ann"}, {"family": "Smith", "given": "Jo"}],
                "container-title": "Phys. Rev. D", "issued": {"date-parts": [[2021]]}, "page": "1-10"}
        last = n == count - 1
        yield json.dumps(item) + ("\n" if shape == "ndjson" else ("" if last else ", ") if one_line
                                  else "\n" if last else ",\n")
    yield "]\n" if shape != "ndjson" else ""


def _read_peak(count: int, shape: str = "array") -> int:
    report = Reporter("<memory>")
    gc.collect()
    tracemalloc.start()
    try:
        read = sum(1 for _ in reader.read(_items(count, shape), report, Options()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read == count and not report.diagnostics
    return peak


@pytest.mark.parametrize("shape", ["array", "one-line array", "ndjson"])
def test_reading_peak_memory_stays_flat_when_the_input_doubles(monkeypatch, shape):
    # A small window, so that a few hundred items are many windows (the default, 1 MB,
    # behaves the same at scale). Read whole, the text, its line table and the decoder's
    # work grew by 570 bytes an item here (measured before the window); an array on one line
    # was read whole for a moment, to see whether its first line was an NDJSON item.
    monkeypatch.setattr(reader, "CHUNK", 4_096)
    monkeypatch.setattr(reader, "KEPT", 4_096)
    _read_peak(50, shape)  # imports and first-use tables
    small, large = _read_peak(1_000, shape), _read_peak(2_000, shape)
    assert large < small * 1.1 + 4_096, f"peak {small / 1e3:.0f} kB for 1,000 items, {large / 1e3:.0f} kB for 2,000"
