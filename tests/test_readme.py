"""The README's commands and examples stay the ones CI and users run, its option tables
the registry's, and the command line's examples valid."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from converters import option_tables, registry
from converters.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUICK_START = re.findall(r"```sh\n(python3 -m venv .*?)\n```", README)


def test_readme_has_the_two_fresh_machine_commands():
    assert len(QUICK_START) == 2
    sample, tests = QUICK_START
    assert "pip install ." in sample and "refconv convert samples/" in sample
    assert "pip install -e '.[test]'" in tests and "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim():
    assert QUICK_START[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_sample_command_converts_the_shipped_sample(monkeypatch):
    monkeypatch.chdir(ROOT)
    args = shlex.split(QUICK_START[0].split("&& refconv ", 1)[1])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("@misc{") == 10


def _block(language: str, containing: str) -> str:
    (block,) = [b for b in re.findall(rf"```{language}\n(.*?)```", README, re.S) if containing in b]
    return block


def test_the_readme_option_tables_are_generated_from_the_registry():
    start, end = README.index(option_tables.BEGIN), README.index(option_tables.END) + len(option_tables.END)
    assert README[start:end] == option_tables.render(), (
        "the option tables are stale: run python -m converters.option_tables --write README.md")


def test_the_option_tables_name_every_declared_option_and_only_real_flags():
    tables = option_tables.render()
    help_text = CliRunner().invoke(main, ["convert", "--help"], terminal_width=200).output
    for name in registry.declared_options():
        assert f"| `{name}`" in tables
    for flag in re.findall(r"\| `(--[a-z-]+)` \|", tables):
        assert flag in help_text, flag


def test_the_library_example_runs(tmp_path, monkeypatch):
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    monkeypatch.chdir(tmp_path)
    exec(_block("python", "convert_files([\"samples/arxiv-listing.txt\", "), {})
    assert (tmp_path / "all.ris").read_text(encoding="utf-8").count("TY  - JOUR") == 20


def test_the_parallel_example_runs(tmp_path, monkeypatch):
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    monkeypatch.chdir(tmp_path)
    exec(_block("python", "jobs=2"), {})
    assert (tmp_path / "two.json").read_bytes() == (tmp_path / "one.json").read_bytes()


@pytest.mark.parametrize("line", _block("sh", "_REFCONV_COMPLETE").strip().splitlines())
def test_the_shell_completion_lines_give_a_completion_script(line):
    shell_source = re.search(r"_REFCONV_COMPLETE=(\w+)", line)[1]
    shell = shell_source.removesuffix("_source")
    assert line.rstrip().endswith(f"# {shell}")
    result = CliRunner().invoke(main, [], prog_name="refconv", env={"_REFCONV_COMPLETE": shell_source})
    assert result.exit_code == 0
    assert "_refconv_completion" in result.stdout and f"_REFCONV_COMPLETE={shell}_complete" in result.stdout


def test_completion_offers_the_formats_own_flags():
    env = {"_REFCONV_COMPLETE": "bash_complete", "COMP_WORDS": "refconv convert --ris", "COMP_CWORD": "2"}
    result = CliRunner().invoke(main, [], prog_name="refconv", env=env)
    assert result.stdout.split() == ["plain,--ris-type"]


def _examples(command: click.Command) -> list[list[str]]:
    lines = [line.strip() for line in (command.epilog or "").splitlines() if line.strip().startswith(
        ("refconv ", "cat "))]
    examples = []
    for line in lines:
        words = shlex.split(line.split(" #", 1)[0].split("| ", 1)[-1])
        examples.append(words[1: words.index(">")] if ">" in words else words[1:])
    return examples


@pytest.mark.parametrize("name", ["", "convert", "formats", "validate"])
def test_each_help_shows_examples_that_are_valid_command_lines(name):
    command = main.commands[name] if name else main
    result = CliRunner().invoke(main, [name, "--help"] if name else ["--help"])
    assert result.exit_code == 0 and "Examples:" in result.output
    examples = _examples(command)
    assert examples
    for args in examples:
        sub = main.commands[args[0]]
        if "--help" in args:
            continue
        with main.make_context("refconv", args[:1]) as parent:
            sub.make_context(args[0], args[1:], parent=parent)  # raises on an unknown option or bad value
