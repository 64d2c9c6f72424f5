"""Hostile JSON: lone surrogates, deep nesting, items broken mid-line (issue 16, items 6, 8, 9)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import converters
from converters.cli import main
from converters.extras import Extra
from converters.model import Name, Record, Text


def _snapshot(n: int, title: str = "Title") -> str:
    return ('{"id": "2101.0000%d", "submitter": "A", "authors": "Ann Author", "title": "%s %d", '
            '"categories": "cs.LG", "versions": [{"version": "v1", "created": "Mon, 4 Jan 2021 10:00:00 GMT"}], '
            '"update_date": "2021-01-05", "authors_parsed": [["Author", "Ann", ""]]}') % (n, title, n)


def _refconv(n: int, title: str = "Title") -> str:
    line = converters.dumps([Record(type="article", key=f"k{n}", title=Text(f"T {n}"))], "refconv-json").strip()
    return line.replace(f'"T {n}"', f'"{title} {n}"')


def _csl(n: int, title: str = "Title") -> str:
    return '{"id": "k%d", "type": "article", "title": "%s %d"}' % (n, title, n)


LINES = {"csl-json": _csl, "refconv-json": _refconv, "arxiv-json": _snapshot}


def _three(fmt: str, middle: str) -> str:
    """Three records, the middle one's title holding ``middle`` (raw JSON text)."""
    line = LINES[fmt]
    items = [line(1), line(2, middle), line(3)]
    return ("[\n" + ",\n".join(items) + "\n]\n") if fmt == "csl-json" else "\n".join(items) + "\n"


def _titles(result):
    return [r.title.value for r in result]


@pytest.mark.parametrize("fmt", list(LINES))
def test_a_lone_surrogate_is_replaced_with_a_diagnostic_by_each_json_reader(fmt):
    result = converters.loads(_three(fmt, "bad \\ud800"), fmt)
    assert _titles(result) == ["Title 1", "bad \ufffd 2", "Title 3"]
    (warning,) = [d for d in result.diagnostics if "surrogate" in d.code]
    assert warning.line == 2 if fmt != "csl-json" else warning.line == 3
    assert warning.column is not None and warning.key in ("k2", "arXiv:2101.00002")
    # a valid pair is one character, not a problem
    paired = converters.loads(_three(fmt, "ok \\ud83d\\ude00"), fmt)
    assert _titles(paired)[1] == "ok \U0001f600 2" and not any("surrogate" in d.code for d in paired.diagnostics)


@pytest.mark.parametrize("to", ["bibtex", "biblatex", "ris", "csl-json", "jats", "refconv-json"])
def test_a_lone_surrogate_read_from_csl_json_reaches_every_writer_as_encodable_text(tmp_path, to):
    source = tmp_path / "in.json"
    source.write_text(_three("csl-json", "bad \\ud800"), encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(source), "--to", to])
    assert result.exit_code == 0, result.output
    result.stdout.encode("utf-8")
    # U+FFFD as such, or (ASCII BibTeX, which has no macro for it) the reported placeholder {?}
    replaced = "\ufffd" in result.stdout or "FFFD" in result.stdout or (to == "bibtex" and "bad {?} 2" in result.stdout)
    assert replaced and "Title 3" in result.stdout  # complete


@pytest.mark.parametrize("to", ["bibtex", "biblatex", "ris", "csl-json", "jats", "refconv-json"])
def test_dumps_never_returns_text_utf8_cannot_encode(to):
    record = Record(type="article", key="k\ud800", title=Text("T\ud800x\udfff"), authors=(Name(family="F\udc00"),),
                    extras={Extra("csl", "x"): "\ud800"})
    diagnostics: list = []
    text = converters.dumps([record, Record(type="article", key="next", title=Text("Next"))], to,
                            diagnostics=diagnostics)
    text.encode("utf-8")
    if to == "bibtex":  # ASCII in every byte (issue 14), key included: the reported placeholder {?}
        assert text.isascii() and "T{?}x{?}" in text and "Next" in text
        assert {d.field for d in diagnostics if d.code == "write.no-macro"} == {"title", "authors"}
        return
    assert "\ufffd" in text and "Next" in text
    # said: once by the output guard, or by a writer that replaces such characters itself (RIS, per tag)
    said = [d.code for d in diagnostics if d.code in ("write.surrogate", "write.control-char")]
    assert said == ["write.surrogate"] or (to == "ris" and said and set(said) == {"write.control-char"})


@pytest.mark.parametrize("fmt", list(LINES))
@pytest.mark.parametrize("depth", [1000, 100])
def test_json_nested_1000_deep_costs_only_its_record(fmt, depth):
    deep = "[" * depth + "]" * depth
    text = _three(fmt, "x").replace('"x 2"', deep)
    result = converters.loads(text, fmt)
    assert len(result) == 2 and result.failed == 1
    (error,) = result.errors
    assert "deep" in error.message and error.line == (3 if fmt == "csl-json" else 2) and error.column


def test_csl_json_nested_deep_at_the_top_level_is_one_error_not_a_crash():
    result = converters.loads("[" * 5000 + "]" * 5000, "csl-json")
    assert len(result) == 0 and [d.code for d in result.errors] == ["csl.syntax"]


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <entry>
    <id>http://arxiv.org/abs/2101.00001v1</id>
    <published>2021-01-01T00:00:00Z</published>
    <title>Bad TITLE</title>
    <author><name>Ann Author</name></author>
  </entry>
</feed>
"""


def test_the_atom_and_oai_byte_reader_replaces_lone_surrogates():
    result = converters.loads(ATOM.replace("TITLE", "\ud800"), "arxiv-atom")
    assert _titles(result) == ["Bad \ufffd"]
    assert [(d.code, d.line) for d in result.diagnostics if "surrogate" in d.code] == [("atom.surrogate", 6)]
    oai = converters.loads('<?xml version="1.0"?>\n<OAI-PMH>\udfff</OAI-PMH>\n', "arxiv-oai")
    assert [(d.code, d.line) for d in oai.diagnostics if "surrogate" in d.code] == [("oai.surrogate", 2)]


PRETTY = """[
  {"id": "a", "type": "article", "title": "A"},
  "id": "b", "type": "article", "title": "B"},
  {"id": "c", "type": "article", "title": "C"}
]
"""
COMPACT = ('[{"id": "a", "type": "article", "title": "A"}, "id": "b", "type": "article", "title": "B"}, '
           '{"id": "c", "type": "article", "title": "C"}, {"id": "d", "type": "article", "title": "D"}]')


@pytest.mark.parametrize(("text", "kept", "where"), [(PRETTY, ["a", "c"], (3, 7)), (COMPACT, ["a", "c", "d"], (1, 52))])
def test_a_csl_item_missing_its_opening_brace_mid_line_costs_only_itself(text, kept, where):
    result = converters.loads(text, "csl-json")
    assert [r.key for r in result] == kept
    (error,) = result.errors
    assert error.key == "b" and (error.line, error.column) == where  # the broken item, not the one before


def test_a_csl_item_cut_mid_line_resumes_at_the_next_item_on_the_same_or_next_line():
    items = [{"id": f"k{n}", "type": "article", "title": f"T{n}"} for n in range(6)]
    compact = json.dumps(items)
    cut = compact.replace('"title": "T2"}', '"title": "T2')  # an unterminated string swallows to the next quote
    result = converters.loads(cut, "csl-json")
    assert {r.key for r in result} >= {"k0", "k1", "k4", "k5"} and result.errors[0].key == "k2"
    lines = ",\n".join(json.dumps(i) for i in items)
    lost = "[\n" + lines.replace('"title": "T2"}', '"title": "T2"') + "\n]"  # its '}' lost
    result = converters.loads(lost, "csl-json")
    assert [r.key for r in result] == ["k0", "k1", "k3", "k4", "k5"] and result.errors[0].key == "k2"


def test_a_lone_surrogate_after_a_valid_pair_is_pointed_at_not_the_pair():
    line = '{"id": "k", "type": "article", "title": "\\ud83d\\ude00 then \\ud800"}'
    result = converters.loads(line, "csl-json")
    (warning,) = [d for d in result.diagnostics if d.code == "csl.surrogate"]
    assert line[warning.column - 1:].startswith("\\ud800\"")
    assert _titles(result) == ["\U0001f600 then \ufffd"]
