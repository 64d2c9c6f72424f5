"""The command line as a user meets it: exit codes, stdin/stdout, detection, messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from converters.cli import main

from .validators import assert_valid_csl, assert_valid_jats, parse_bibtex, parse_ris

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "samples" / "arxiv-listing.txt")
BROKEN = "Good one.\n\narXiv:2101.00001\nCreated: 2021-01-01\n\nBad one.\n\narXiv:2101.00002\nCreated: 2021-02-31\n"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("bibtex", lambda text: len(parse_bibtex(text).entries)),
        ("biblatex", lambda text: len(parse_bibtex(text).entries)),
        ("ris", lambda text: len(parse_ris(text))),
        ("csl-json", lambda text: len(assert_valid_csl(text))),
        ("jats", lambda text: len(assert_valid_jats(text)[0].findall(".//ref"))),
    ],
)
def test_convert_the_sample_to_each_format(tmp_path, fmt, check):
    out = tmp_path / "out"
    result = run("convert", SAMPLE, "--to", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert check(out.read_text(encoding="utf-8")) == 10
    assert "10 of 10 records converted" in result.stderr


def test_stdin_to_stdout_with_dash():
    text = Path(SAMPLE).read_text(encoding="utf-8")
    result = run("convert", "-", "--to", "csl-json", "-q", input=text)
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 10
    assert result.stderr == ""


def test_input_format_is_detected_and_reported_in_verbose_mode():
    result = run("convert", SAMPLE, "--to", "ris", "-v")
    assert result.exit_code == 0
    assert re.search(r"info: read as arxiv-listing: extension and content both say arxiv-listing", result.stderr)


def test_some_records_failed_exits_1_and_writes_the_rest(tmp_path):
    source = tmp_path / "listing.txt"
    source.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "out.json"
    result = run("convert", str(source), "--to", "csl-json", "-o", str(out))
    assert result.exit_code == 1
    assert f"{source}:9:10: error: bad Created date '2021-02-31'" in result.stderr
    assert "[arXiv:2101.00002]" in result.stderr
    assert "1 of 2 records converted; 1 failed" in result.stderr
    assert [item["number"] for item in json.loads(out.read_text())] == ["arXiv:2101.00001"]


def test_nothing_converted_leaves_no_output_file(tmp_path):
    source = tmp_path / "listing.txt"
    source.write_text("Abstract.\n\narXiv:nope\nCreated: 2021-01-01\n", encoding="utf-8")
    out = tmp_path / "out.bib"
    result = run("convert", str(source), "--to", "bibtex", "-o", str(out))
    assert result.exit_code == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]  # no temporary file left behind either


def test_a_failed_run_keeps_the_previous_output(tmp_path):
    out = tmp_path / "out.bib"
    out.write_text("previous", encoding="utf-8")
    source = tmp_path / "listing.txt"
    source.write_text("Abstract.\n\narXiv:nope\nCreated: 2021-01-01\n", encoding="utf-8")
    run("convert", str(source), "--to", "bibtex", "-o", str(out))
    assert out.read_text() == "previous"


@pytest.mark.parametrize(
    "args",
    [
        ("convert", SAMPLE),  # no --to
        ("convert", SAMPLE, "--to", "docx"),
        ("convert", SAMPLE, "--to", "bibtex", "--from", "marc"),
        ("convert", SAMPLE, "--to", "bibtex", "--tex", "latin1"),
        ("convert", "--to", "bibtex"),  # no input
        ("frobnicate",),
    ],
)
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Error" in result.output or "Usage" in result.output


def test_unknown_format_names_the_known_ones():
    result = run("convert", SAMPLE, "--to", "docx")
    assert "unknown format 'docx'; known formats: arxiv-listing, bibtex" in result.output


def test_a_mistyped_format_gets_the_name_it_is_close_to():
    result = run("convert", SAMPLE, "--to", "bibtx")
    assert result.exit_code == 2 and "unknown format 'bibtx'; did you mean 'bibtex'? known formats:" in result.output


def test_missing_input_is_an_error_for_that_input_only(tmp_path):
    result = run("convert", str(tmp_path / "nope.txt"), SAMPLE, "--to", "ris", "-q")
    assert result.exit_code == 1
    assert "no such file" in result.stderr
    assert len(parse_ris(result.stdout)) == 10


def test_a_missing_input_is_reported_as_missing_not_as_a_failed_record(tmp_path):
    result = run("convert", str(tmp_path / "nonexist.bib"), "--to", "ris")
    assert result.exit_code == 1
    assert result.stderr == (f"{tmp_path / 'nonexist.bib'}: error: no such file\n"
                             "no records converted; 1 input not read\n")
    with_sample = run("convert", str(tmp_path / "nonexist.bib"), SAMPLE, "--to", "ris")
    assert with_sample.exit_code == 1
    assert with_sample.stderr.splitlines()[-1].startswith("10 of 10 records converted; 1 input not read")


def test_diagnostics_name_the_file_once_per_line(tmp_path):
    mystery = tmp_path / "mystery.dat"
    mystery.write_text("nothing recognisable here\n", encoding="utf-8")
    result = run("convert", str(tmp_path / "nope.bib"), str(tmp_path), str(tmp_path / "*.none"), str(mystery),
                 "--to", "ris")
    heads = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(heads) == 4
    for line in heads:
        source, _, message = line.partition(": error: ")
        assert source not in message and str(tmp_path) not in message, line
    assert "no records converted; 4 inputs not read" in result.stderr


def test_no_none_placeholder_in_messages_about_an_entry_without_a_key(tmp_path):
    source = tmp_path / "nokey.bib"
    source.write_text("@article{,\n title={T}},\n title={X}\n}\n", encoding="utf-8")
    result = run("convert", str(source), "--to", "ris")
    assert "'None'" not in result.stderr and "None" not in result.stderr.replace(str(tmp_path), "")
    assert "field 'title' after the end of the previous entry (which has no key) is ignored" in result.stderr


def test_several_inputs_make_one_output_with_unique_keys(tmp_path):
    result = run("convert", SAMPLE, SAMPLE, "--to", "bibtex", "-q")
    keys = [e.key for e in parse_bibtex(result.stdout).entries]
    assert len(keys) == 20 and len(set(keys)) == 20


def test_undetectable_input_says_to_pass_from(tmp_path):
    source = tmp_path / "mystery.dat"
    source.write_text("nothing recognisable here\n", encoding="utf-8")
    result = run("convert", str(source), "--to", "ris")
    assert result.exit_code == 1
    assert "cannot tell the input format" in result.stderr and "--from" in result.stderr


def test_strict_makes_warnings_fail(tmp_path):
    source = tmp_path / "listing.txt"
    source.write_text("Abstract.\n\narXiv:2101.00001 - doi: nonsense\nCreated: 2021-01-01\n", encoding="utf-8")
    assert run("convert", str(source), "--to", "ris").exit_code == 0
    assert run("convert", str(source), "--to", "ris", "--strict").exit_code == 1


def test_formats_lists_readers_and_writers():
    result = run("formats")
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split()[1:3] for line in result.stdout.splitlines()[1:]}
    assert lines["arxiv-listing"][0] == "yes"
    for name in ("bibtex", "biblatex", "ris", "csl-json", "jats"):
        assert lines[name][1] == "yes"


def test_version_is_the_installed_distributions():
    from importlib.metadata import version

    import converters
    from converters.compiled import build_description

    result = run("--version")
    assert result.exit_code == 0
    assert version("refconv") == converters.__version__
    assert result.stdout.strip() == f"refconv {converters.__version__} ({build_description()})"
    assert build_description() == "pure Python" or build_description().startswith("compiled with mypyc, ")


def test_undecodable_bytes_are_reported_with_an_offset(tmp_path):
    source = tmp_path / "listing.txt"
    source.write_bytes("Caf\u00e9 abstract.\n\narXiv:2101.00001\nCreated: 2021-01-01\n".encode("latin-1"))
    result = run("convert", str(source), "--to", "ris", "--from", "arxiv-listing")
    assert result.exit_code == 1
    assert "not valid utf-8: byte 0xe9 at offset 3" in result.stderr
    ok = run("convert", str(source), "--to", "ris", "--from", "arxiv-listing", "--encoding", "latin-1")
    assert ok.exit_code == 0 and "Café" in ok.stdout


def test_errors_show_the_source_line_and_a_caret(tmp_path):
    source = tmp_path / "listing.txt"
    source.write_text(BROKEN, encoding="utf-8")
    result = run("convert", str(source), "--from", "arxiv-listing", "--to", "refconv-json")
    lines = result.stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if "error: bad Created date" in line)
    assert lines[at + 1] == "    9 | Created: 2021-02-31"
    assert lines[at + 2] == "      |          ^"


def test_log_json_is_one_object_per_diagnostic_and_a_summary(tmp_path):
    source = tmp_path / "listing.txt"
    source.write_text(BROKEN, encoding="utf-8")
    result = run("convert", str(source), "--from", "arxiv-listing", "--to", "refconv-json", "--log", "json")
    objects = [json.loads(line) for line in result.stderr.splitlines()]
    assert objects[0] | {"source": None} == {
        "code": "listing.bad-date", "severity": "error", "source": None, "line": 9, "column": 10,
        "key": "arXiv:2101.00002",
        "message": "bad Created date '2021-02-31': expected a real calendar date YYYY-MM-DD"}
    assert objects[-1] == {"summary": {"converted": 1, "failed": 1, "warnings": 0, "unread_inputs": 0}}


def test_validate_reads_only_and_reports(tmp_path):
    source = tmp_path / "listing.txt"
    source.write_text(BROKEN, encoding="utf-8")
    result = run("validate", str(source), "--from", "arxiv-listing")
    assert result.exit_code == 1 and result.stdout == ""
    assert "1 file(s), 1 records read; 1 error(s)" in result.stderr
    assert run("validate", SAMPLE).exit_code == 0


def test_validate_checks_our_outputs_against_the_real_schemas(tmp_path):
    from .shared import shared_path

    schemas = shared_path("schemas")
    good = tmp_path / "good.json"
    run("convert", SAMPLE, "--to", "csl-json", "-o", str(good))
    assert run("validate", str(good), "--schemas", str(schemas)).exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "x", "type": "article", "title": "T", "colour": "red"}]', encoding="utf-8")
    result = run("validate", str(bad), "--from", "csl-json", "--schemas", str(schemas))
    assert result.exit_code == 1 and "validate.csl-schema" not in result.stderr
    assert "Additional properties are not allowed ('colour' was unexpected)" in result.stderr
    jats = tmp_path / "refs.xml"
    run("convert", SAMPLE, "--to", "jats", "-o", str(jats))
    assert run("validate", str(jats), "--schemas", str(schemas)).exit_code == 0


def test_validate_accepts_our_own_jats_articles_output_with_languages(tmp_path):
    """`--jats-mode articles` with two records or more writes a <pmc-articleset>; an article
    with xml:lang in it failed the DTD check with 'No declaration for attribute xmlns:xml'."""
    from .shared import shared_path

    schemas = shared_path("schemas")
    source = tmp_path / "lang.bib"
    source.write_text("@article{k1, title={Über die Theorie}, author={Müller, Hans}, year=2020, language={german},"
                      " journal={Z}}\n@article{k2, title={Zwei}, author={Bar, Hans}, year=2021, language={german},"
                      " journal={Z}}\n", encoding="utf-8")
    articles = tmp_path / "articles.xml"
    assert run("convert", str(source), "--to", "jats", "--jats-mode", "articles", "-o", str(articles)).exit_code == 0
    assert b'xml:lang="de' in articles.read_bytes()
    result = run("validate", str(articles), "--schemas", str(schemas))
    assert result.exit_code == 0, result.stderr
    assert "xmlns:xml" not in result.stderr
    # the check still checks: an element the DTD does not know, in the second article, at its line
    broken = tmp_path / "broken.xml"
    text = articles.read_text(encoding="utf-8").replace("<article-title>Zwei", "<bogus/><article-title>Zwei")
    broken.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "<bogus/>" in row)
    result = run("validate", str(broken), "--schemas", str(schemas))
    assert result.exit_code == 1
    assert f"{broken}:{line}: error: No declaration for element bogus" in result.stderr


def test_an_internal_error_is_one_line_and_exit_3(monkeypatch):
    from converters import api

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(api, "write_records", boom)
    result = run("convert", SAMPLE, "--to", "ris")
    assert result.exit_code == 3
    assert "refconv: internal error: RuntimeError: simulated bug" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_bytes_are_reported_with_file_offset_line_and_column(tmp_path):
    source = tmp_path / "listing.txt"
    good = "Fine abstract.\n\narXiv:2101.00001\nCreated: 2021-01-01\n\n"
    source.write_bytes(good.encode() + "Bad caf\u00e9.\n\narXiv:2101.00002\nCreated: 2021-01-02\n".encode("latin-1"))
    result = run("convert", str(source), "--from", "arxiv-listing", "--to", "refconv-json")
    assert result.exit_code == 1
    offset = len(good.encode()) + len("Bad caf")
    assert f"{source}:6:8: error: input is not valid utf-8: byte 0xe9 at offset {offset}" in result.stderr
    assert "--encoding" in result.stderr
    assert result.stdout.count('"arxiv": "2101.00001"') == 1  # the record before the bad bytes is kept


def test_unknown_encoding_is_a_usage_error():
    assert run("convert", SAMPLE, "--to", "ris", "--encoding", "klingon").exit_code == 2


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path):
    import subprocess
    import sys

    source = tmp_path / "big.txt"
    source.write_text("\n\n".join([Path(SAMPLE).read_text(encoding="utf-8")] * 500), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "converters.cli", "convert", str(source), "--to", "ris", "-q"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.read(10)
    process.stdout.close()  # like `| head -c 10`
    assert process.wait(timeout=60) == 141
    assert process.stderr.read() == b""


# --- outputs that cannot be written: usage or I/O errors, never "a bug", and no debris (issue 16 item 12)

def _refconv(*args: str, **popen):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "converters.cli", *args], cwd=ROOT, capture_output=True,
                          timeout=120, **popen)


def _no_bug_report(stderr: str) -> None:
    assert "internal error" not in stderr and "bug in refconv" not in stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_output_into_a_directory_is_a_usage_error_and_leaves_no_temporary_file(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    result = run("convert", SAMPLE, "--to", "ris", "-o", str(folder))
    assert result.exit_code == 2
    assert f"-o {folder}: Is a directory" in result.output and f"--out-dir {folder}" in result.output
    _no_bug_report(result.output)
    assert list(tmp_path.iterdir()) == [folder] and list(folder.iterdir()) == []


def test_output_in_a_missing_directory_is_a_usage_error(tmp_path):
    target = tmp_path / "nodir" / "x.ris"
    result = run("convert", SAMPLE, "--to", "ris", "-o", str(target))
    assert result.exit_code == 2
    assert f"-o {target}: No such file or directory: {target.parent}" in result.output
    _no_bug_report(result.output)
    assert list(tmp_path.iterdir()) == []


def test_report_into_a_directory_is_a_usage_error_before_anything_is_written(tmp_path):
    out = tmp_path / "out.ris"
    result = run("convert", SAMPLE, "--to", "ris", "-o", str(out), "--report", str(tmp_path))
    assert result.exit_code == 2
    assert f"--report {tmp_path}: Is a directory" in result.output
    assert list(tmp_path.iterdir()) == []


def _read_only_below(monkeypatch, folder: Path) -> None:
    """Creating files under ``folder`` fails as on a read-only mount (root ignores chmod)."""
    import errno
    import os

    real_open = os.open
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def open_(path, flags, mode=0o777, *, dir_fd=None):
        where = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path) if dir_fd is not None else path
        if flags & writing and os.path.abspath(where).startswith(str(folder)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", open_)


def test_output_on_a_read_only_mount_is_an_io_error_naming_the_path(tmp_path, monkeypatch):
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell which folder a descriptor opens")
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "out.ris"
    target.write_text("old\n", encoding="utf-8")
    _read_only_below(monkeypatch, folder)
    result = run("convert", SAMPLE, "--to", "ris", "-o", str(target))
    assert result.exit_code == 1
    assert f"refconv: cannot write {target}: Read-only file system" in result.stderr
    _no_bug_report(result.stderr)
    assert target.read_text(encoding="utf-8") == "old\n" and list(folder.iterdir()) == [target]


def test_out_dir_on_a_read_only_mount_is_an_io_error_for_each_output(tmp_path, monkeypatch):
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell which folder a descriptor opens")
    folder = tmp_path / "ro"
    folder.mkdir()
    _read_only_below(monkeypatch, folder)
    result = run("convert", SAMPLE, "--to", "ris", "--out-dir", str(folder))
    assert result.exit_code == 1
    assert f"{folder / 'arxiv-listing.ris'}: error: cannot write: Read-only file system" in result.stderr
    _no_bug_report(result.stderr)
    assert list(folder.iterdir()) == []


def test_out_dir_that_cannot_be_created_is_an_io_error():
    if not Path("/sys/kernel").is_dir():
        pytest.skip("needs Linux sysfs, where no directory can be created")
    result = _refconv("convert", SAMPLE, "--to", "ris", "--out-dir", "/sys/refconv-out", "-q")
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "refconv: cannot create directory /sys/refconv-out: " in stderr
    _no_bug_report(stderr)


def test_output_on_a_file_system_that_refuses_files_is_an_io_error():
    if not Path("/sys/kernel").is_dir():
        pytest.skip("needs Linux sysfs, where no file can be created")
    result = _refconv("convert", SAMPLE, "--to", "ris", "-o", "/sys/kernel/refconv.ris", "-q")
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "refconv: cannot write /sys/kernel/refconv.ris: " in stderr
    _no_bug_report(stderr)


def test_stdout_on_a_full_disk_is_an_io_error():
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    import subprocess
    import sys

    with open("/dev/full", "wb") as full:
        process = subprocess.run([sys.executable, "-m", "converters.cli", "convert", SAMPLE, "--to", "ris", "-q"],
                                 cwd=ROOT, stdout=full, stderr=subprocess.PIPE, timeout=120)
    stderr = process.stderr.decode()
    assert process.returncode == 1, stderr
    assert stderr == "refconv: cannot write <stdout>: No space left on device\n"


def test_closed_stdout_is_an_io_error():
    import os
    import subprocess
    import sys

    process = subprocess.run([sys.executable, "-m", "converters.cli", "convert", SAMPLE, "--to", "ris", "-q"],
                             cwd=ROOT, stderr=subprocess.PIPE, timeout=120, preexec_fn=lambda: os.close(1))
    stderr = process.stderr.decode()
    assert process.returncode == 1, stderr
    assert stderr == "refconv: cannot write <stdout>: standard output is closed (give -o FILE)\n"


def test_a_full_disk_while_writing_keeps_the_old_file_and_leaves_nothing(tmp_path, monkeypatch):
    import errno
    import io

    class FullDisk(io.FileIO):
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(io, "FileIO", FullDisk)
    target = tmp_path / "out.ris"
    target.write_text("old\n", encoding="utf-8")
    result = run("convert", SAMPLE, "--to", "ris", "-o", str(target))
    assert result.exit_code == 1
    assert f"refconv: cannot write {target}: No space left on device" in result.stderr
    _no_bug_report(result.stderr)
    assert target.read_text(encoding="utf-8") == "old\n" and list(tmp_path.iterdir()) == [target]


def test_short_from_and_to_flags_do_what_the_long_ones_do():
    long = run("convert", SAMPLE, "--from", "arxiv-listing", "--to", "ris", "-q")
    short = run("convert", SAMPLE, "-f", "arxiv-listing", "-t", "ris", "-q")
    assert long.exit_code == short.exit_code == 0, short.output
    assert short.output == long.output and short.output.count("ER  -") == 10


def test_python_m_converters_runs_the_command_line():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "converters", "convert", SAMPLE, "-t", "csl-json", "-q"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 10
    usage = subprocess.run([sys.executable, "-m", "converters", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert usage.stdout.startswith("Usage: refconv ")


def test_writer_warnings_point_at_the_record_in_its_input_not_at_stdout(tmp_path):
    """Issue 14: the quick-start's 'record has no title' warnings were '<stdout>: warning: …'."""
    for output in ([], ["-o", str(tmp_path / "out.bib")]):
        result = run("convert", SAMPLE, "--to", "bibtex", *output)
        assert result.exit_code == 0
        assert "<stdout>" not in result.stderr and "out.bib" not in result.stderr
        warned = [line for line in result.stderr.splitlines() if "warning: record has no title" in line]
        assert len(warned) == 3
        assert all(re.match(rf"{re.escape(SAMPLE)}:\d+: warning: .*\[arXiv:\d{{4}}\.\d{{5}}\]$", w) for w in warned)
        assert len([line for line in result.stderr.splitlines() if line.startswith("not carried")]) == 1


def test_progress_shows_bytes_and_an_eta_for_one_large_file_before_any_record():
    """Issue 14: on a 50 MB BibTeX file the line stayed blank for 28 s, then began at '9/s'."""
    from converters.cli import progress_text

    assert progress_text(0, 1.0, 2_000_000, 50_000_000) == "2.0 MB of 50.0 MB (4%)  0 records  ETA 0:24"
    assert progress_text(0, 1.0, 0, 50_000_000) == "0 B of 50.0 MB (0%)  0 records"  # no ETA from nothing
    assert progress_text(512, 2.0, 0, 0, 1, 4) == "512 records  256/s  1/4 files  ETA 0:06"  # stdin: files


def test_progress_follows_how_far_the_watched_input_is_read(tmp_path):
    from converters import batch
    from converters.cli import _Progress
    from converters.diagnostics import Reporter
    from converters.options import Options

    progress = _Progress(enabled=False)
    progress.start([SAMPLE])
    size = Path(SAMPLE).stat().st_size
    records = batch.read_input(SAMPLE, None, "utf-8", Options(), Reporter(SAMPLE), watch=progress.watch)
    next(records)
    assert 0 < progress.bytes_read() <= size
    assert f"of {size / 1000:.1f} KB" in progress.text()
    list(records)
    progress.file_done(0, SAMPLE)
    assert progress.bytes_read() == size and "(100%)" in progress.text()


RIS_UNPB_PREPRINT = ("TY  - UNPB\nTI  - A preprint\nAU  - Smith, Ann\nPY  - 2021\nT2  - arXiv\nPB  - arXiv\n"
                     "UR  - https://arxiv.org/abs/2101.00001\nER  - \n")


@pytest.mark.parametrize("ris_type", ["UNPB", "GEN", "JOUR"])
def test_the_cli_reads_with_the_format_options_the_library_reads_with(tmp_path, ris_type):
    # the RIS reader keeps an input TY that --ris-type would not write; the CLI gave its
    # readers only --jats-front, so it differed from converters.convert(ris_type=...)
    import converters

    source = tmp_path / "in.ris"
    source.write_text(RIS_UNPB_PREPRINT, encoding="utf-8")
    result = run("convert", str(source), "-t", "ris", "--ris-type", ris_type, "-q")
    assert result.exit_code == 0, result.output
    library = converters.convert(RIS_UNPB_PREPRINT, "ris", "ris", ris_type=ris_type).text
    assert result.stdout.replace("\r\n", "\n") == library.replace("\r\n", "\n")
