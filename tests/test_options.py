"""Formats declare their options in the registry: the library's keywords, the command line's
flags, the checks of a value and the README's tables all come from those declarations."""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import converters
from converters import Options, UsageError, registry
from converters.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "arxiv-listing.txt"


def convert_help() -> str:
    return CliRunner().invoke(main, ["convert", "--help"], terminal_width=200).output


@pytest.fixture
def records():
    return converters.load(SAMPLE).records[:2]


@pytest.fixture
def format_with_an_option(monkeypatch):
    """A format added the documented way: one module (here, this test's functions) and one
    registry line declaring its option."""
    declared = registry.Option("shout", bool, False, "Write the titles in capitals")

    def write(records, out, report, options):
        count = 0
        for record in records:
            title = record.title.value if record.title else ""
            out.write((title.upper() if options.shout else title) + "\n")
            count += 1
        return count

    monkeypatch.setitem(sys.modules, "refconv_test_shouting", type(sys)("refconv_test_shouting"))
    sys.modules["refconv_test_shouting"].write = write
    line = registry.Format("shouting", "titles, one a line", writer="refconv_test_shouting:write",
                           output_extension=".txt", options=(declared,))
    monkeypatch.setattr(registry, "FORMATS", (*registry.FORMATS, line))
    for cached in (registry.all_formats, registry.declared_options):
        cached.cache_clear()
    yield line
    for cached in (registry.all_formats, registry.declared_options):
        cached.cache_clear()


def test_every_declared_option_is_a_command_line_flag():
    text = convert_help()
    for name, (option, formats) in registry.declared_options().items():
        flag = f"--no-{option.flag[2:]}" if option.type is bool and option.default else option.flag
        assert flag in text, name
        assert f"[{', '.join(formats)}]" in text, name


def test_a_new_format_s_option_is_a_flag_and_a_keyword_with_no_other_change(format_with_an_option, records,
                                                                            monkeypatch):
    monkeypatch.setenv("REFCONV_NO_PLUGINS", "1")
    assert "--shout" in convert_help()
    assert converters.dumps(records, "shouting", shout=True).splitlines()[0].isupper()
    assert not converters.dumps(records, "shouting").splitlines()[0].isupper()
    result = CliRunner().invoke(main, ["convert", str(SAMPLE), "-t", "shouting", "--shout", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].isupper()


def test_ris_type_is_the_keyword_the_flag_names(records):
    by_keyword = converters.dumps(records, "ris", ris_type="JOUR")
    assert by_keyword.startswith("TY  - JOUR\r\n")
    by_flag = CliRunner().invoke(main, ["convert", str(SAMPLE), "-t", "ris", "--ris-type", "JOUR", "-q"])
    assert by_flag.stdout.startswith("TY  - JOUR\n")  # (the runner reads CRLF back as LF)


def test_the_former_ris_preprint_type_still_works_with_a_deprecation_warning(records):
    with pytest.warns(DeprecationWarning, match="ris_preprint_type is now called ris_type") as caught:
        text = converters.dumps(records, "ris", ris_preprint_type="JOUR")
    assert text == converters.dumps(records, "ris", ris_type="JOUR")
    assert caught[0].filename == __file__  # it names the caller's line, not refconv's
    with pytest.warns(DeprecationWarning):
        assert Options().ris_preprint_type == "UNPB"


def test_the_current_names_give_no_warning(records):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        converters.dumps(records, "ris", ris_type="GEN", plain_math=True)
        assert Options(ris_type="GEN").ris_type == "GEN"


@pytest.mark.parametrize(("keyword", "value", "message"), [
    ("ris_type", "BOOK", "option ris_type must be one of UNPB, JOUR, GEN, MANSCPT, INPR, RPRT, ELEC, got 'BOOK'"),
    ("jats_mode", "chapters", "option jats_mode must be one of references, articles"),
    ("tex", "latin1", "option tex must be one of utf8, ascii, minimal"),
    ("ndjson", "yes", "option ndjson takes a bool, got 'yes'"),
    ("colour", "red", "unknown option(s) colour; known: jats_front, jats_mode, keep_keys"),
])
def test_a_value_the_declaration_does_not_allow_is_a_usage_error(keyword, value, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Options(**{keyword: value})


def test_the_command_line_checks_choices_from_the_same_declaration():
    result = CliRunner().invoke(main, ["convert", str(SAMPLE), "-t", "ris", "--ris-type", "BOOK"])
    assert result.exit_code == 2
    for choice in registry.declared_options()["ris_type"][0].choices:
        assert choice in result.output


def test_an_option_on_by_default_is_turned_off_with_no(records):
    braced = CliRunner().invoke(main, ["convert", str(SAMPLE), "-t", "bibtex", "-q"]).stdout
    plain = CliRunner().invoke(main, ["convert", str(SAMPLE), "-t", "bibtex", "-q", "--no-protect-case"]).stdout
    assert braced == converters.dumps(converters.load(SAMPLE), "bibtex")
    assert plain == converters.dumps(converters.load(SAMPLE), "bibtex", protect_case=False) != braced


def test_a_format_s_option_reads_as_an_attribute_with_its_declared_default():
    options = Options(jats_mode="articles")
    assert options.jats_mode == "articles"
    for name, (option, _) in registry.declared_options().items():
        if name != "jats_mode":
            assert getattr(options, name) == option.default
    with pytest.raises(AttributeError):
        options.colour  # noqa: B018


def test_options_survive_pickling_for_worker_processes():
    options = Options(ris_type="GEN", key_pattern="[auth][year]", keep_keys=False)
    assert pickle.loads(pickle.dumps(options)) == options
    assert hash(options) == hash(pickle.loads(pickle.dumps(options)))


def test_two_formats_sharing_an_option_must_declare_it_alike(monkeypatch):
    other = registry.Option("tex", str, "utf8", "something else")
    monkeypatch.setattr(registry, "FORMATS", (*registry.FORMATS, registry.Format("odd", "x", options=(other,))))
    registry.all_formats.cache_clear()
    registry.declared_options.cache_clear()
    try:
        with pytest.raises(UsageError, match="format 'odd' declares option tex unlike 'bibtex' does"):
            registry.declared_options()
    finally:
        registry.all_formats.cache_clear()
        registry.declared_options.cache_clear()


def test_building_the_flags_imports_no_format_module():
    code = ("import sys; from converters.cli import main\n"
            "try: main(['convert', '--help'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('converters.formats')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={"REFCONV_NO_PLUGINS": "1", "PATH": ""}, check=True)
    assert "--ris-type" in done.stdout
    assert done.stdout.rstrip().endswith("[]")


def test_a_format_cannot_declare_a_general_option(monkeypatch):
    clash = registry.Option("keep_keys", bool, False, "mine")
    monkeypatch.setattr(registry, "FORMATS", (*registry.FORMATS, registry.Format("odd", "x", options=(clash,))))
    registry.all_formats.cache_clear()
    registry.declared_options.cache_clear()
    try:
        with pytest.raises(UsageError, match="a format declares option.s. keep_keys, which Options already has"):
            Options()
    finally:
        registry.all_formats.cache_clear()
        registry.declared_options.cache_clear()
