"""Batch conversion: directories, globs, one output per input, parallel jobs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from converters import UsageError, batch
from converters.batch import convert_files, expand_inputs, output_path, output_paths
from converters.cli import main

from .validators import parse_bibtex

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = (ROOT / "samples" / "arxiv-listing.txt").read_text(encoding="utf-8")
BAD = "Abstract.\n\narXiv:not-an-id\nCreated: 2021-01-01\n"


def _tree(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    (src / "a" / "one.txt").write_text(SAMPLE, encoding="utf-8")
    (src / "b" / "two.txt").write_text(SAMPLE, encoding="utf-8")
    (src / "b" / "broken.txt").write_text(BAD, encoding="utf-8")
    (src / "b" / "notes.md").write_text("not bibliographic", encoding="utf-8")
    return src


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_directories_need_recursive(tmp_path):
    src = _tree(tmp_path)
    found, problems = expand_inputs([str(src)], recursive=False)
    assert found == [] and problems[0].code == "batch.directory" and "--recursive" in problems[0].hint
    found, problems = expand_inputs([str(src)], recursive=True)
    assert [Path(p).name for p, _ in found] == ["one.txt", "broken.txt", "two.txt"]
    assert [(Path(d.source).name, d.code) for d in problems] == [("notes.md", "batch.skipped")]  # said, at -v


def test_quoted_globs_expand(tmp_path):
    src = _tree(tmp_path)
    found, _ = expand_inputs([str(src / "*" / "*.txt")], recursive=False)
    assert len(found) == 3
    _, problems = expand_inputs([str(src / "*.nothing")], recursive=False)
    assert problems[0].code == "batch.no-match"


def test_output_names_mirror_the_tree_with_the_target_extension(tmp_path):
    assert output_path(str(tmp_path / "src/a/one.txt"), str(tmp_path / "src"), "out", ".bib") == Path("out/a/one.bib")
    assert output_path("refs.csl.json", None, "out", ".ris") == Path("out/refs.ris")
    assert output_path("-", None, "out", ".xml") == Path("out/stdin.xml")


def test_out_dir_writes_one_output_per_input_and_a_bad_input_costs_only_itself(tmp_path):
    src = _tree(tmp_path)
    out = tmp_path / "out"
    result = run("convert", str(src), "-r", "--to", "csl-json", "--out-dir", str(out), "--jobs", "2")
    assert result.exit_code == 1
    assert len(json.loads((out / "a" / "one.json").read_text())) == 10
    assert len(json.loads((out / "b" / "two.json").read_text())) == 10
    assert not (out / "b" / "broken.json").exists()
    assert "20 of 21 records converted from 3 input(s)" in result.stderr
    assert "broken.txt:3:7: error:" in result.stderr


def test_out_dir_name_clashes_give_x_x2_x3_in_input_order_and_the_summary_names_them(tmp_path):
    """`a/x.bib b/x.bib c/x.bib` gave x.json, x-2.json and x-2-3.json; the same file twice
    wrote only x-2.ris. With --jobs too, the names follow the input order, not the finish order."""
    for folder, title in (("a", "One"), ("b", "Two"), ("c", "Three")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.bib").write_text(f"@article{{k, title={{{title}}}, year=2020}}\n", encoding="utf-8")
    inputs = [str(tmp_path / f / "x.bib") for f in "abc"]
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = run("convert", *inputs, "--to", "csl-json", "--out-dir", str(out), "--jobs", jobs)
        assert result.exit_code == 0, result.output
        titles = {p.name: json.loads(p.read_text())[0]["title"] for p in out.iterdir()}
        assert titles == {"x.json": "One", "x-2.json": "Two", "x-3.json": "Three"}
        assert f"renamed, as inputs share a name: {out / 'x-2.json'}, {out / 'x-3.json'}" in result.stderr
    out = tmp_path / "twice"
    result = run("convert", inputs[0], inputs[0], "--to", "ris", "--out-dir", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["x-2.ris", "x.ris"]
    assert "2 of 2 records converted from 2 input(s)" in result.stderr


def test_a_renamed_output_never_takes_another_inputs_own_name():
    inputs = [("a/x.bib", None), ("b/x.bib", None), ("x-2.bib", None), ("X.bib", None)]
    assert [(str(path), str(natural) if natural else None) for path, natural in output_paths(inputs, "o", ".ris")] == [
        ("o/x.ris", None), ("o/x-3.ris", "o/x.ris"), ("o/x-2.ris", None), ("o/X-4.ris", "o/X.ris")]


def test_an_unknown_extension_is_replaced_by_the_targets_and_no_extension_gets_one():
    assert output_path("snapshot.jsonl", None, "o", ".json") == Path("o/snapshot.json")
    assert output_path("listings/new", "listings", "o", ".bib") == Path("o/new.bib")


def test_same_names_from_different_places_do_not_overwrite_each_other(tmp_path):
    src = _tree(tmp_path)
    (src / "c").mkdir()
    (src / "c" / "one.txt").write_text(SAMPLE, encoding="utf-8")
    out = tmp_path / "out"
    result = run("convert", str(src / "a" / "one.txt"), str(src / "c" / "one.txt"),
                 "--to", "ris", "--out-dir", str(out))
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["one-2.ris", "one.ris"]


def test_combined_output_from_a_directory(tmp_path):
    src = _tree(tmp_path)
    (src / "b" / "broken.txt").unlink()
    result = run("convert", str(src), "-r", "--to", "bibtex", "-q")
    assert result.exit_code == 0 and result.stdout.count("@misc{") == 20


def test_out_dir_excludes_output(tmp_path):
    assert run("convert", "x.txt", "--to", "ris", "-o", "a.ris", "--out-dir", "d").exit_code == 2


def test_an_output_that_cannot_be_written_costs_only_its_input(tmp_path):
    """Issue 16 item 12: a write failure under --out-dir is an error for that output, named with
    the OS reason, not an internal error that stops the batch (here the target is a directory)."""
    src = _tree(tmp_path)
    out = tmp_path / "out"
    (out / "a" / "one.ris").mkdir(parents=True)
    for jobs in ("1", "2"):
        result = run("convert", str(src), "-r", "--to", "ris", "--out-dir", str(out), "--jobs", jobs)
        assert result.exit_code == 1
        assert f"{out / 'a' / 'one.ris'}: error: cannot write: Is a directory" in result.stderr
        assert "internal error" not in result.stderr
        assert (out / "b" / "two.ris").read_text(encoding="utf-8").count("ER  - ") == 10
        assert sorted(p.name for p in (out / "a").iterdir()) == ["one.ris"]
        assert not any((out / "a" / "one.ris").iterdir())


def test_out_dir_that_is_a_file_is_a_usage_error(tmp_path):
    src = _tree(tmp_path)
    out = tmp_path / "out"
    out.write_text("a file", encoding="utf-8")
    result = run("convert", str(src / "a" / "one.txt"), "--to", "ris", "--out-dir", str(out))
    assert result.exit_code == 2 and f"--out-dir {out}: Not a directory" in result.output
    assert out.read_text(encoding="utf-8") == "a file"


# --- many inputs, one output, in the library ---------------------------------------------


def test_convert_files_writes_several_inputs_into_one_file_with_unique_keys(tmp_path):
    src = _tree(tmp_path)
    out = tmp_path / "all.bib"
    done = convert_files([src / "a" / "one.txt", str(src / "b" / "two.txt")], out, "bibtex")
    assert (done.count, done.failed, done.ok, done.kept) == (20, 0, True, False)
    assert [(i.name, i.records) for i in done.inputs] == [(str(src / "a" / "one.txt"), 10),
                                                          (str(src / "b" / "two.txt"), 10)]
    keys = [e.key for e in parse_bibtex(out.read_text(encoding="utf-8")).entries]
    assert len(keys) == 20 and len(set(keys)) == 20


def test_convert_files_reads_streams_and_writes_to_a_stream():
    out = io.StringIO()
    done = convert_files([io.StringIO(SAMPLE), io.BytesIO(SAMPLE.encode())], out, "ris", "arxiv-listing",
                         ris_type="GEN")
    assert done.count == 20 and out.getvalue().count("TY  - GEN") == 20
    assert [i.name for i in done.inputs] == ["<stream>", "<stream>"]


def test_convert_files_a_bad_input_costs_only_itself(tmp_path):
    (tmp_path / "bad.txt").write_text(BAD, encoding="utf-8")
    (tmp_path / "good.txt").write_text(SAMPLE, encoding="utf-8")
    seen = []
    done = convert_files([tmp_path / "missing.txt", tmp_path / "bad.txt", tmp_path / "good.txt"],
                         tmp_path / "out.json", "csl-json", on_input=seen.append)
    assert done.count == 10 and done.failed == 1 and done.unread == 1 and not done.ok  # a missing file: no record
    missing, bad, good = done.inputs
    assert [d.code for d in missing.diagnostics] == ["read.missing"]
    assert bad.failed == 1 and bad.diagnostics[0].source == str(tmp_path / "bad.txt")
    assert good.failed == 0 and seen == done.inputs
    assert len(json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))) == 10


def test_convert_files_keeps_the_old_file_when_nothing_converts_or_strict_fails(tmp_path):
    out = tmp_path / "out.ris"
    out.write_text("old\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    done = convert_files([tmp_path / "empty.txt"], out, "ris", "arxiv-listing")
    assert done.kept and done.count == 0 and [d.code for d in done.diagnostics] == ["write.nothing"]
    (tmp_path / "bad.txt").write_text(BAD, encoding="utf-8")
    (tmp_path / "good.txt").write_text(SAMPLE, encoding="utf-8")
    strict = convert_files([tmp_path / "good.txt", tmp_path / "bad.txt"], out, "ris", strict=True)
    assert strict.kept and "write.strict-kept" in [d.code for d in strict.diagnostics]
    assert out.read_text(encoding="utf-8") == "old\n"


def test_convert_files_rejects_options_no_format_declares(tmp_path):
    with pytest.raises(UsageError, match="unknown option"):
        convert_files([], tmp_path / "x.ris", "ris", ris_kind="JOUR")


def test_the_command_line_one_output_is_convert_files(tmp_path, monkeypatch):
    calls = []
    real = batch.convert_files

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "convert_files", spy)
    (tmp_path / "in.txt").write_text(SAMPLE, encoding="utf-8")
    result = run("convert", str(tmp_path / "in.txt"), str(tmp_path / "in.txt"), "-t", "ris", "--ris-type", "GEN",
                 "-o", str(tmp_path / "out.ris"))
    assert result.exit_code == 0, result.output
    (args, kwargs), = calls
    assert args[:3] == ([str(tmp_path / "in.txt")] * 2, str(tmp_path / "out.ris"), "ris")
    assert kwargs["ris_type"] == "GEN"
    assert "20 of 20 records converted" in result.stderr
