"""A conversion imports the reader and writer it uses, not every format's modules.

Whole-process time of a short conversion is mostly imports (issue 13 asks for a one-record
conversion in 120 ms), so the format packages export their names lazily (PEP 562). Each test
runs a fresh interpreter: this process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

BIB = "@article{a, title = {A}, author = {Smith, Ann}, year = 2020}\n"


def modules_after(source: str, target: str, text: str, tmp_path) -> set[str]:
    path = tmp_path / "in.txt"
    path.write_text(text, encoding="utf-8")
    code = (
        "import json, sys, io\n"
        "from converters import api\n"
        "from converters.diagnostics import Reporter\n"
        "from converters.options import Options\n"
        f"records = list(api.iter_load({str(path)!r}, {source!r}))\n"
        f"api.write_records(records, io.StringIO(), {target!r}, Reporter(), Options())\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('converters.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_bibtex_to_csl_json_imports_neither_the_bibtex_writer_nor_the_tex_encoder(tmp_path):
    loaded = modules_after("bibtex", "csl-json", BIB, tmp_path)
    assert "converters.formats.bibtex.reader" in loaded and "converters.formats.csl_json.writer" in loaded
    assert not {"converters.formats.bibtex.writer", "converters.text.tex_encode"} & loaded
    assert not {m for m in loaded if m.startswith(("converters.formats.ris", "converters.formats.jats"))}


def test_csl_json_to_bibtex_does_not_import_the_bibtex_reader(tmp_path):
    loaded = modules_after("csl-json", "bibtex", '[{"id": "a", "type": "book", "title": "A"}]', tmp_path)
    assert "converters.formats.bibtex.writer" in loaded
    assert "converters.formats.bibtex.reader" not in loaded


@pytest.mark.parametrize("package", ["bibtex", "ris", "csl_json", "jats"])
def test_every_exported_name_of_a_format_package_resolves(package):
    import importlib

    module = importlib.import_module(f"converters.formats.{package}")
    for name in module.__all__:
        assert getattr(module, name) is not None


def test_guessing_the_format_imports_no_other_reader(tmp_path):
    """Every detector runs on the head of the input; they live in formats/sniff.py, so only
    the chosen format's reader is imported (not lxml, not the arXiv builder)."""
    loaded = modules_after(None, "csl-json", BIB, tmp_path)
    assert "converters.formats.bibtex.reader" in loaded
    others = {m for m in loaded if m.startswith(("converters.formats.jats", "converters.formats.arxiv",
                                                 "converters.formats.ris", "converters.formats.refconv_json",
                                                 "converters.formats.csl_json.reader"))}
    assert others == set()


def test_neither_import_nor_a_conversion_without_dask_imports_dask(tmp_path):
    """Dask is an optional extra (converters/dask.py): only ``--dask`` imports it."""
    path = tmp_path / "in.bib"
    path.write_text(BIB, encoding="utf-8")
    code = (
        "import json, sys\n"
        "import converters\n"
        "from converters.cli import main\n"
        "try:\n"
        f"    main(['convert', {str(path)!r}, '--to', 'csl-json', '-o', {str(tmp_path / 'out.json')!r}, '-j', '2'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'fsspec')\n"
        "                        or m == 'converters.dask')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
    assert (tmp_path / "out.json").exists()
