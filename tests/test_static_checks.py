"""mypy and ruff run in the normal suite, so CI (the README's test command) checks them:
py.typed promises types, and the mypyc build (issue 13) needs them right."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """The tool run as CI runs it: from the checkout, with the configuration in pyproject.toml."""
    tool = args[0]
    if subprocess.run([sys.executable, "-m", tool, "--version"], capture_output=True).returncode != 0:
        pytest.fail(f"{tool} is not installed: pip install -e '.[test]'")
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_mypy_finds_no_error_in_the_package(tmp_path):
    result = _run("mypy", "converters", "--cache-dir", str(tmp_path / "mypy-cache"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing_in_the_code_the_tests_and_the_scripts():
    result = _run("ruff", "check", "--no-cache", "converters", "tests", "fuzz", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_not_made_quiet_by_its_configuration():
    mypy = CONFIG["tool"]["mypy"]
    assert mypy["python_version"] == CONFIG["project"]["requires-python"].removeprefix(">=")
    assert mypy["check_untyped_defs"] and mypy["warn_unused_ignores"] and mypy["warn_redundant_casts"]
    assert "ignore_errors" not in mypy and not mypy.get("ignore_missing_imports")
    for override in mypy.get("overrides", []):  # only for third-party packages that ship no types
        assert set(override) == {"module", "ignore_missing_imports"}, override
        assert not any(m == "converters" or m.startswith("converters.") for m in override["module"]), override


def test_ruff_checks_at_least_the_agreed_rule_sets():
    lint = CONFIG["tool"]["ruff"]["lint"]
    assert {"E", "F", "W", "I", "B", "UP"} <= set(lint["select"])
    assert not lint.get("ignore"), "ignore a rule per file, with its reason, not everywhere"
