"""CSL-JSON as NDJSON (its first line an item by itself) is read line by line, and cut at
line feeds: each block read on its own gives what the whole file gives there, and blocks
over several processes give one process's output and diagnostics, byte for byte. Arrays,
pretty-printed items and YAML are read whole, never cut."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converters import api, split
from converters.batch import convert_files
from converters.diagnostics import Reporter
from converters.formats.csl_json.reader import one_item_a_line
from converters.options import Options

from .shared import SHARED, shared_files

WRITERS = ("csl-json", "ris", "bibtex", "jats", "refconv-json")
CSL_CORPUS = shared_files("corpus/csl", "*.json")


def _item(n: int, **more) -> str:
    return json.dumps({"id": f"item{n}", "type": "article-journal", "title": f"Title {n}",
                       "author": [{"family": "Müller", "given": "Ann"}], "issued": {"date-parts": [[2020 + n % 5]]},
                       **more}, ensure_ascii=False)


def _read(path: Path, blocks: list[split.Block]) -> tuple[list, list]:
    """Records and diagnostics of reading ``blocks`` one after another, each on its own."""
    report = Reporter(str(path))
    records = [record for block in blocks
               for record in api.read_block(block, "csl-json", "utf-8", report, Options())]
    return records, report.diagnostics


def _whole(path: Path) -> list[split.Block]:
    return [split.Block(str(path), 0, path.stat().st_size, 0)]


def _blocks(path: Path) -> list[split.Block]:
    return split.blocks(str(path), "csl-json", 1) if split.cuttable(str(path), "csl-json", "utf-8") else _whole(path)


def _reads_in_blocks_as_whole(path: Path) -> list[split.Block]:
    blocks = _blocks(path)  # a block a line, where the file is cut
    assert _read(path, blocks) == _read(path, _whole(path))
    return blocks


@pytest.fixture
def ndjson_with_trouble(tmp_path) -> Path:
    """CSL-JSON as NDJSON with what real files have: broken lines (one holding an object that
    reads as an item before its error), an item pretty-printed over three lines, blank and CRLF
    lines, an item without id or type, a byte that is not UTF-8, a repeated id."""
    lines = [_item(n) for n in range(12)]
    lines[3] = '{"id": "cut", "title": "cut sh'
    lines[5] = '{"id": "inner", "x": [1, {"type": "book", "title": "before the error"}], "y": nope}'
    lines[7] = '{"id": "over-lines",\n "type": "book",\n "title": "Three lines"}'
    lines[8] = '{"title": "no id, no type"}'
    lines[10] = _item(9)
    text = "\n".join(lines).replace(lines[1], lines[1] + "\r", 1) + "\n\n"
    path = tmp_path / "items.json"
    path.write_bytes(text.encode("utf-8").replace("Müller".encode(), b"M\xfcller", 1))
    return path


def test_ndjson_is_read_line_by_line(ndjson_with_trouble):
    records, said = _read(ndjson_with_trouble, _whole(ndjson_with_trouble))
    # 14 lines: the broken lines 4 and 6 and the three lines of the pretty-printed item skipped,
    # line 1 not converted (a byte that is not UTF-8), the other eight read
    assert [r.key for r in records] == ["item1", "item2", "item4", "item6", None, "item9", "item9", "item11"]
    assert [(d.code, d.line) for d in said if d.severity.value == "error"] == [
        ("read.encoding", 1), ("csl.syntax", 4), ("csl.syntax", 6), ("csl.syntax", 8), ("csl.syntax", 9),
        ("csl.syntax", 10)]
    assert all("NDJSON, one item a line" in d.hint for d in said if d.code == "csl.syntax")


def test_every_line_feed_of_ndjson_is_a_boundary(ndjson_with_trouble):
    data = ndjson_with_trouble.read_bytes()
    blocks = _reads_in_blocks_as_whole(ndjson_with_trouble)
    assert len(blocks) == 15  # a block a line, the blank last one too (it reads to nothing, says nothing)
    assert all(b.lines == data[:b.start].count(b"\n") for b in blocks)
    assert blocks[0].start == 0 and blocks[-1].end == len(data)
    assert split.can_split("csl-json", "utf-8") and not split.can_split("csl-json", "utf-16")


@pytest.mark.parametrize("text", [
    "[\n" + ",\n".join(_item(n) for n in range(5)) + "\n]\n",  # an array, an item a line
    "[" + _item(1) + "]\n" + _item(2) + "\n",  # a compact array first
    '{\n  "id": "a",\n  "type": "book"\n}\n{\n  "id": "b"\n}\n',  # pretty-printed items one after another
    '{"id": "a",\n "type": "book"}\n' + _item(2) + "\n",  # the first item over two lines
    "- id: a\n  type: book\n- id: b\n",  # CSL-YAML
    "# YAML whose lines are JSON\n" + _item(1) + "\n" + _item(2) + "\n",
])
def test_what_is_not_ndjson_is_read_whole_and_never_cut(text, tmp_path):
    path = tmp_path / "items.json"
    path.write_text(text, encoding="utf-8")
    assert not one_item_a_line(text)
    assert not split.cuttable(str(path), "csl-json", "utf-8")


def test_the_first_line_decides_after_a_bom_and_blank_lines(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(_item(n) for n in range(3)).encode() + b"\n")
    assert len(_reads_in_blocks_as_whole(path)) == 3
    path.write_bytes(b"\xef\xbb\xbf\n \n" + "\n".join(_item(n) for n in range(3)).encode() + b"\n")
    assert one_item_a_line(path.read_text(encoding="utf-8-sig"))  # read as NDJSON,
    assert not split.cuttable(str(path), "csl-json", "utf-8")  # not cut (its first block would be blank)
    assert len(api.load(path, "csl-json").records) == 3


# lines a CSL-JSON file may hold, good and bad: in any order, reading in blocks must give what
# reading whole gives (whether or not the drawn document is NDJSON)
_LINES = st.sampled_from([
    _item(1), _item(2, note="two"), '{"id": "x", "type": "book"}', '{"type": "book", "title": "no id"}',
    '{"title": "neither"}', '{"id": "broken", "title": "cut', '{"id": "in", "x": [{"type": "book"}], "y": no}',
    '{"id": "over",', '"type": "book"}', "", "   ", "[", "]", ",", '[{"id": "a1"}, {"id": "a2"}]',
    '{"items": [{"id": "wrapped"}]}', "42", "oops", '{"id": "crlf", "type": "book"}\r', "{", "}",
    '{"id": "deep", "x": ' + "[" * 1200 + "]" * 1200 + "}", '{"id": "t", "type": "book"}, ', '{"id": "u"} [',
])


@given(st.lists(_LINES, min_size=1, max_size=14), st.booleans())
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_document_reads_in_blocks_as_whole(tmp_path, lines, final_line_feed):
    path = tmp_path / "drawn.json"
    path.write_bytes(("\n".join(lines) + ("\n" if final_line_feed else "")).encode("utf-8"))
    _reads_in_blocks_as_whole(path)


@pytest.mark.parametrize("to", WRITERS)
def test_ndjson_converts_in_blocks_as_in_one_process(ndjson_with_trouble, to, tmp_path):
    def run(jobs: int) -> tuple[bytes, list[str]]:
        out = tmp_path / f"out-{jobs}"
        done = convert_files([ndjson_with_trouble], out, to, jobs=jobs, block_size=1)
        said = [d.to_json() for result in done.inputs for d in result.diagnostics]
        return out.read_bytes(), said + [d.to_json().replace(str(out), "OUT") for d in done.diagnostics]

    one, two = run(1), run(2)
    assert two == one
    assert any('"csl.syntax"' in line and '"line": 4' in line for line in one[1])


@pytest.mark.skipif(not CSL_CORPUS, reason=f"{SHARED}/corpus/csl is absent")
def test_every_csl_corpus_file_reads_in_blocks_as_whole(tmp_path):
    """The corpus files are arrays, never cut; their items written one a line (NDJSON, as
    ``--ndjson`` writes them) read as the array does, and in blocks as whole."""
    ndjson = tmp_path / "items.json"
    for path in CSL_CORPUS:
        assert not split.cuttable(str(path), "csl-json", "utf-8"), path
        items = json.loads(path.read_text(encoding="utf-8"))
        if not items or not isinstance(items[0], dict):
            continue
        ndjson.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8")
        blocks = _reads_in_blocks_as_whole(ndjson)
        assert len(blocks) == len(items), path
        array = [r.key for r in api.load(path, "csl-json").records]
        assert [r.key for r in api.load(ndjson, "csl-json").records] == array, path
