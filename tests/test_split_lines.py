"""Line-delimited JSON inputs (the arXiv snapshot, refconv-json) cut at line feeds: blocks
over several processes give one process's output and diagnostics, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from converters import split
from converters.batch import convert_files

from .shared import SHARED, shared_files
from .snapshot_generator import write_snapshot

WRITERS = ("csl-json", "ris", "bibtex", "jats", "refconv-json")
KAGGLE = shared_files("corpus/arxiv/kaggle-metadata-sample", "*.jsonl")


def _run(path: Path, to: str, jobs: int, tmp_path: Path, **options) -> tuple[bytes, list[str]]:
    out = tmp_path / f"out-{jobs}"
    done = convert_files([path], out, to, jobs=jobs, block_size=1, **options)  # a block a line
    said = [d.to_json() for result in done.inputs for d in result.diagnostics]
    said += [d.to_json().replace(str(out), "OUT") for d in done.diagnostics]
    return (out.read_bytes() if out.exists() else b""), said


def _same_as_one_process(path: Path, to: str, tmp_path: Path, **options) -> list[str]:
    one = _run(path, to, 1, tmp_path, **options)
    two = _run(path, to, 2, tmp_path, **options)
    assert two[0] == one[0]
    assert two[1] == one[1]
    return one[1]


@pytest.fixture
def snapshot_with_bad_lines(tmp_path) -> Path:
    """120 records, every 25th line cut short, one byte that is not UTF-8, blank lines."""
    path = write_snapshot(tmp_path / "snapshot.json", 120, corrupt_every=25)
    data = path.read_bytes().replace(b"pages", b"p\xe9ges", 1).replace(b"\n", b"\n\n", 3)
    path.write_bytes(data)
    return path


def test_every_line_feed_of_a_snapshot_is_a_boundary(snapshot_with_bad_lines):
    data = snapshot_with_bad_lines.read_bytes()
    blocks = split.blocks(str(snapshot_with_bad_lines), "arxiv-json", 1)
    assert len(blocks) == 120  # a block a record: a blank line goes with the record before it
    assert blocks[0].start == 0 and blocks[-1].end == len(data)
    assert all(data[b.start:b.end].endswith(b"\n") and b.lines == data[:b.start].count(b"\n") for b in blocks)
    assert split.can_split("arxiv-json", "utf-8") and split.can_split("refconv-json", "utf-8")
    assert split.can_split("csl-json", "utf-8")  # (as NDJSON: tests/test_split_csl_json.py)


@pytest.mark.parametrize("to", WRITERS)
def test_a_snapshot_converts_in_blocks_as_in_one_process(snapshot_with_bad_lines, to, tmp_path):
    said = _same_as_one_process(snapshot_with_bad_lines, to, tmp_path)
    bad = [json.loads(line) for line in said if '"arxiv-json.bad-line"' in line]
    assert [d["line"] for d in bad] == [28, 53, 78, 103]  # 25, 50, ... after the three doubled line feeds
    assert any('"read.encoding"' in line for line in said)


def test_snapshot_ndjson_output_in_blocks_as_in_one_process(snapshot_with_bad_lines, tmp_path):
    _same_as_one_process(snapshot_with_bad_lines, "csl-json", tmp_path, ndjson=True)


def test_refconv_json_converts_in_blocks_as_in_one_process(snapshot_with_bad_lines, tmp_path):
    records = tmp_path / "records.ndjson"
    convert_files([snapshot_with_bad_lines], records, "refconv-json")
    data = records.read_bytes().splitlines(keepends=True)
    data.insert(7, b'{"not": "a record"}\n')
    records.write_bytes(b"".join(data))
    for to in ("bibtex", "csl-json", "refconv-json"):
        said = _same_as_one_process(records, to, tmp_path)
        assert any('"refconv-json.record"' in line and '"line": 8' in line for line in said)


@pytest.mark.skipif(not KAGGLE, reason=f"{SHARED}/corpus/arxiv/kaggle-metadata-sample is absent")
@pytest.mark.parametrize("to", WRITERS)
def test_the_kaggle_sample_converts_in_blocks_as_in_one_process(to, tmp_path):
    for path in KAGGLE:
        _same_as_one_process(path, to, tmp_path)
