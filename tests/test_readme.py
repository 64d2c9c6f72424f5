"""The README's two commands stay the ones CI and users run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

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
