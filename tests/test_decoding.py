"""Input decoding: a bad byte costs only its record; UTF-16/32 read like UTF-8 (issue 16, items 5 and 13)."""

from __future__ import annotations

import io
import json
import re

import pytest
from click.testing import CliRunner

import converters
from converters.cli import main
from converters.textio import DecodedLines

BAD = b"\xff"  # never valid in UTF-8

# three records per format; the second title holds "@BAD@", where the bad byte goes
THREE = {
    "bibtex": "@article{a, title={One}, year=2001}\n@article{b, title={T@BAD@wo}, year=2002}\n"
              "@article{c, title={Three}, year=2003}\n",
    "ris": "TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nTI  - T@BAD@wo\nER  - \n\nTY  - JOUR\nTI  - Three\nER  - \n",
    "csl-json": '[\n{"id": "a", "type": "article", "title": "One"},\n{"id": "b", "type": "article", '
                '"title": "T@BAD@wo"},\n{"id": "c", "type": "article", "title": "Three"}\n]\n',
    "arxiv-listing": "One.\n\narXiv:2101.00001\nCreated: 2021-01-01\n\nT@BAD@wo.\n\narXiv:2101.00002\n"
                     "Created: 2021-01-02\n\nThree.\n\narXiv:2101.00003\nCreated: 2021-01-03\n",
    "refconv-json": "".join('{"type": "article", "key": "%s", "title": {"value": "%s"}}\n' % pair
                            for pair in (("a", "One"), ("b", "T@BAD@wo"), ("c", "Three"))),
    "arxiv-json": "".join('{"id": "2101.0000%d", "title": "%s", "authors": "A. B", "update_date": "2021-01-02"}\n'
                          % pair for pair in ((1, "One"), (2, "T@BAD@wo"), (3, "Three"))),
}


def _bad_file(tmp_path, fmt: str):
    text = THREE[fmt]
    data = text.encode().replace(b"@BAD@", BAD)
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    line = text[: text.index("@BAD@")].count("\n") + 1
    column = text.index("@BAD@") - text.rfind("\n", 0, text.index("@BAD@"))
    return path, data.index(BAD), line, column


def _kept(records, fmt):
    if fmt == "arxiv-listing":
        return [r.ids.arxiv[-1] for r in records]
    if fmt == "arxiv-json":
        return [r.title.value for r in records]
    return [r.title.value for r in records]


@pytest.mark.parametrize("fmt", list(THREE))
def test_one_invalid_utf8_byte_costs_only_its_record(tmp_path, fmt):
    path, offset, line, column = _bad_file(tmp_path, fmt)
    result = converters.load(path, fmt)
    assert _kept(result, fmt) in (["One", "Three"], ["1", "3"])
    (error,) = [d for d in result.errors]
    assert error.code == "read.encoding" and (error.line, error.column) == (line, column)
    assert f"byte 0xff at offset {offset}" in error.message and error.source == str(path)
    assert error.key in ("b", "T\ufffdwo", "arXiv:2101.00002")  # the record holding it, not a neighbour
    assert result.failed == 1  # the count says what was lost


def test_the_cli_keeps_the_neighbours_of_a_bad_byte_and_fails_the_run(tmp_path):
    path, offset, line, column = _bad_file(tmp_path, "bibtex")
    result = CliRunner().invoke(main, ["convert", str(path), "--from", "bibtex", "--to", "csl-json"])
    assert result.exit_code == 1
    assert [item["id"] for item in json.loads(result.stdout)] == ["a", "c"]
    assert f"{path}:{line}:{column}: error: input is not valid utf-8: byte 0xff at offset {offset}" in result.stderr
    assert "2 of 3 records converted; 1 failed" in result.stderr


def test_each_bad_spot_is_one_diagnostic_and_records_far_from_it_are_kept():
    ris = "".join(f"TY  - JOUR\nTI  - Title {n}@BAD@\nER  - \n\n" if n in (3, 7) else
                  f"TY  - JOUR\nTI  - Title {n}\nER  - \n\n" for n in range(10))
    data = ris.encode().replace(b"@BAD@", b"\xc3\x28\xfe\xfe")  # a broken sequence, then a run of two
    result = converters.load(io.BytesIO(data), "ris")
    assert [r.title.value for r in result] == [f"Title {n}" for n in range(10) if n not in (3, 7)]
    assert [(d.line, d.column) for d in result.errors] == [(14, 14), (14, 16), (30, 14), (30, 16)]
    assert result.failed == 2


def test_a_bad_byte_on_stdin_is_found_after_the_format_head(tmp_path):
    """The head read for detection is replayed, not decoded apart: lines and offsets stay right."""
    text = "".join(f"@misc{{k{n}, title={{T{n}}}}}\n" for n in range(2000))  # far more than the head
    data = text.encode().replace(b"T1999", b"T\xff999")
    result = CliRunner().invoke(main, ["convert", "-", "--to", "ris"], input=data)
    assert result.exit_code == 1 and result.stdout.count("TY  - ") == 1999
    assert f"<stdin>:2000:22: error: input is not valid utf-8: byte 0xff at offset {data.index(BAD)}" in result.stderr


ENCODINGS = ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
BOMS = {"utf-8-sig": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00",
        "utf-32-be": b"\x00\x00\xfe\xff"}
SAME = ("TY  - JOUR\nTI  - Caf\u00e9 \u65e5\u672c \U0001d53c\nAU  - M\u00fcller, J\u00fcrgen\nPY  - 2020\nER  - \n\n"
        "TY  - BOOK\nTI  - Second \u2014 line\nER  - \n")


def _encoded(encoding: str) -> bytes:
    """With a BOM: Python's utf-16/utf-32 write one; the explicit byte orders need it added."""
    return BOMS.get(encoding, b"") + SAME.encode(encoding)


def _titles(records):
    return [r.title.value for r in records]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_utf16_and_utf32_inputs_with_a_bom_are_read_without_encoding(tmp_path, encoding):
    path = tmp_path / "in.ris"
    path.write_bytes(_encoded(encoding))
    expected = _titles(converters.loads(SAME, "ris"))
    assert expected == ["Caf\u00e9 \u65e5\u672c \U0001d53c", "Second \u2014 line"]
    result = converters.load(path)  # detected, too
    assert result.ok and result.format == "ris" and _titles(result) == expected
    assert result.records[0].authors[0].family == "M\u00fcller"
    cli = CliRunner().invoke(main, ["convert", str(path), "--to", "csl-json"])
    assert cli.exit_code == 0 and [i["title"] for i in json.loads(cli.stdout)] == expected


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_encoding_utf16_and_utf32_work_with_and_without_a_bom(tmp_path, encoding):
    family = encoding[:6]
    expected = _titles(converters.loads(SAME, "ris"))
    for data in (_encoded(encoding), SAME.encode(encoding if encoding[-1] == "e" else encoding + "-le")):
        path = tmp_path / "in.ris"
        path.write_bytes(data)
        for asked in {family, encoding}:
            assert _titles(converters.load(path, "ris", encoding=asked)) == expected, (asked, data[:8])
            cli = CliRunner().invoke(main, ["convert", str(path), "--to", "csl-json", "--encoding", asked])
            assert cli.exit_code == 0, cli.stderr
            assert [i["title"] for i in json.loads(cli.stdout)] == expected


def test_a_lone_surrogate_in_utf16_is_a_bad_spot_with_its_offset():
    data = "TY  - JOUR\nTI  - ok\nER  - \n\nTY  - JOUR\nTI  - X\nER  - \n".encode("utf-16-le")
    at = data.index("X".encode("utf-16-le"))
    data = b"\xff\xfe" + data[:at] + b"\x00\xd8" + data[at:]
    result = converters.load(io.BytesIO(data), "ris")
    assert _titles(result) == ["ok"]
    (error,) = result.errors
    assert (error.line, error.column) == (6, 7) and f"byte 0x00 0xd8 at offset {at + 2}" in error.message


def test_a_line_feed_byte_inside_a_utf16_character_does_not_split_the_line():
    text = "TY  - JOUR\nTI  - \u0a0a\u010a\nER  - \n"  # code units 0x0a0a and 0x010a hold byte 0x0a
    stream = DecodedLines(io.BytesIO(text.encode("utf-16")), "utf-16")
    assert list(stream) == ["\ufeffTY  - JOUR\n", "TI  - \u0a0a\u010a\n", "ER  - \n"] and not stream.spots


def test_a_latin1_file_read_as_utf8_says_to_pass_encoding_and_caps_its_messages():
    data = "".join(f"@misc{{k{n}, title={{Caf\u00e9 {n}}}}}\n" for n in range(400)).encode("latin-1")
    result = converters.load(io.BytesIO(data), "bibtex")
    assert len(result) == 0 and result.failed == 400
    assert len(result.diagnostics) < 220 and "400 in all" in result.diagnostics[-1].message
    assert all("--encoding" in d.hint for d in result.diagnostics if d.code == "read.encoding")
    assert re.search(r"byte 0xe9 at offset \d+", result.errors[0].message)


def _expected_spots(data: bytes) -> list[tuple[int, int, int]]:
    """(offset, line, column) of each bad byte, found the slow way: line by line."""
    found, offset = [], 0
    for number, line in enumerate(io.BytesIO(data), 1):
        text = line.decode("utf-8", errors="replace")
        at = -1
        for start in (i for i, b in enumerate(line) if b == BAD[0]):
            at = text.index("\ufffd", at + 1)
            found.append((offset + start, number, at + 1))
        offset += len(line)
    return found


def _many_blocks_with_bad_bytes() -> bytes:
    """Several 64 KiB blocks: bad bytes in a later block, in a line longer than a block,
    on a CRLF line, and on a last line without a line feed."""
    lines = [f"line {n} ünïcode é\n".encode() for n in range(9000)]
    lines[4000] = b"x" * 70000 + BAD + b"y\n"
    lines[7000] = b"bad " + BAD + b" crlf\r\n"
    return b"".join(lines) + b"tail " + BAD


@pytest.mark.parametrize("how", ["read", "iterate"])
def test_bad_bytes_far_into_a_large_input_keep_their_offset_line_and_column(how):
    data = _many_blocks_with_bad_bytes()
    stream = DecodedLines(io.BytesIO(data), "utf-8")
    head = stream.read(100)
    stream.seek(0)
    assert head
    if how == "read":
        parts = []
        while part := stream.read(5000):
            parts.append(part)
        text = "".join(parts)
    else:
        lines = list(stream)
        assert lines == [line.decode("utf-8", errors="replace") for line in io.BytesIO(data)]
        text = "".join(lines)
    assert text == data.decode("utf-8", errors="replace")
    assert [(s.offset, s.line, s.column) for s in stream.spots] == _expected_spots(data)
