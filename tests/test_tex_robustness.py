"""TeX that pylatexenc cannot convert must cost nothing: no crash, no lost text, no stray stderr."""

from __future__ import annotations

import subprocess
import sys

import pytest

import converters
from converters.model import Syntax, Text
from converters.text import markup, tex

WRITERS = ("bibtex", "biblatex", "ris", "csl-json", "jats")


def _known_macros() -> list[str]:
    from pylatexenc.latex2text import get_default_latex_context_db

    db = get_default_latex_context_db()
    return sorted({spec.macroname for spec in db.iter_macro_specs()})


def _listing(abstract: str) -> str:
    return f"A title\nAnn Lee\n\n{abstract}\n\narXiv:2101.00001\nCreated: 2021-01-04\n"


@pytest.mark.parametrize("tail", ["", " ", "{", "{a}", "[x]"])
def test_every_macro_pylatexenc_knows_converts_without_raising(tail):
    macros = _known_macros()
    assert len(macros) > 500  # the real table, not an empty stand-in
    for name in macros:
        text = Text(f"See \\{name}{tail}", Syntax.TEX)
        markup.to_csl(text)
        markup.to_plain(text)
        tex.tex_to_unicode(text.value)


@pytest.mark.parametrize("abstract, kept", [
    ("An abstract ending in \\footnote", "\\footnote"),
    ("See \\href", "\\href"),
    ("Boxed \\colorbox{red}", "\\colorbox"),
    ("Metadata \\title", "\\title"),
])
def test_macros_pylatexenc_fails_on_keep_their_source(abstract, kept):
    # pylatexenc raises KeyError/IndexError/AttributeError on these (argument missing)
    for writer in WRITERS:
        result = converters.convert(_listing(abstract), writer, "arxiv-listing")
        assert result.count == 1 and result.failed == 0, writer
    csl = converters.convert(_listing(abstract), "csl-json", "arxiv-listing").text
    assert kept.replace("\\", "\\\\") in csl


def test_pylatexenc_warnings_do_not_reach_stderr(tmp_path):
    source = tmp_path / "listing.txt"
    source.write_text(_listing("A fraction \\frac and an \\input at the end \\overline"), encoding="utf-8")
    cli = "from converters.cli import main; main()"
    run = subprocess.run([sys.executable, "-c", cli, "convert", str(source), "--to", "csl-json", "-q"],
                         check=False, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # before: "WARNING: Error in configuration: macro '\\frac' failed ..."
    assert '"A fraction' in run.stdout
