"""The compiled build (mypyc, setup.py) against the pure-Python source it is built from.

A copy of the package is compiled here, as ``pip install .`` compiles it, and both builds
convert every input (the shared corpus and our samples) to every writer format in fresh
interpreters: outputs and diagnostics must be byte-identical. mypyc changes semantics where
Python is dynamic (a list subclass's override is not called from compiled code; annotations
are enforced), so this is the test that keeps the fast build honest. Skipped, with a message,
where the machine has no C compiler or no mypyc.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from converters.compiled import MODULES, build_description

from .shared import shared_files

ROOT = Path(__file__).resolve().parents[1]


def _can_compile() -> str | None:
    """Why this machine cannot build the compiled modules, or None."""
    try:
        import mypyc  # noqa: F401
    except ImportError:
        return "mypyc is not installed (it comes with mypy, a test dependency)"
    try:
        import setuptools  # noqa: F401
    except ImportError:
        return "setuptools is not installed (setup.py builds the compiled modules with it)"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler}) on this machine"
    return None


@pytest.fixture(scope="module")
def compiled_tree(tmp_path_factory) -> Path:
    reason = _can_compile()
    if reason:
        pytest.skip(f"compiled build not tested: {reason}")
    tree = tmp_path_factory.mktemp("compiled")
    shutil.copytree(ROOT / "converters", tree / "converters", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    # opt level 1: the same code paths as the installed -O3 build, built in a fraction of the time
    env = {**os.environ, "MYPYC_OPT_LEVEL": "1"}
    env.pop("REFCONV_PURE", None)
    done = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=tree, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return tree


def _digests(tree: Path, files: list[str], out: Path) -> dict[str, str]:
    script = ROOT / "tests" / "output_digest.py"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([sys.executable, str(script), str(tree), str(out), *files], check=True, cwd=tree, env=env,
                   timeout=900)
    return json.loads(out.read_text(encoding="utf-8"))


INPUTS = [str(p) for p in shared_files("corpus", "*")
          if p.suffix.lower() in {".bib", ".ris", ".json", ".xml", ".txt", ".nxml", ".abs", ".atom", ".jsonl"}]
INPUTS += [str(p) for p in sorted((ROOT / "samples").glob("*")) if p.is_file()]


def test_every_module_in_the_list_is_compiled_in_the_compiled_build(compiled_tree):
    said = subprocess.run([sys.executable, "-c", "from converters.compiled import build_description as b; print(b())"],
                          cwd=compiled_tree, capture_output=True, text=True, check=True).stdout.strip()
    assert said == f"compiled with mypyc, {len(MODULES)} of {len(MODULES)} modules"


def test_the_compiled_build_writes_byte_for_byte_what_the_source_writes(compiled_tree, tmp_path):
    pure = _digests(ROOT, INPUTS, tmp_path / "pure.json")
    compiled = _digests(compiled_tree, INPUTS, tmp_path / "compiled.json")
    assert pure.pop("build") == "pure Python" or os.environ.get("REFCONV_TEST_INSTALLED_BUILD")
    assert compiled.pop("build").startswith("compiled with mypyc")
    differing = sorted(k for k in pure if pure[k] != compiled.get(k))
    assert not differing, f"{len(differing)} outputs differ, e.g. {differing[:5]}"
    assert len(pure) > 5 * len(INPUTS) * 0.9  # every writer ran on (nearly) every input


def test_this_checkout_runs_the_source_not_a_stale_compiled_module():
    """An editable install never compiles (setup.py): the module you edit is the one that runs."""
    assert build_description() == "pure Python" or os.environ.get("REFCONV_TEST_INSTALLED_BUILD")
