"""The modules refconv's compiled build compiles with mypyc, and which are compiled here.

The Python source is the truth: ``pip install .`` compiles the modules below with mypyc
when it can (mypy at build time, a C compiler) and installs every module as Python when it
cannot, or when ``REFCONV_PURE=1`` (setup.py). An editable install is never compiled, so the
module you edit is the one that runs. The list was chosen by measurement (README, "Compiled
build"): the listing reader and arXiv builder, name splitting, identifiers, the BibTeX
splitter, reader and writer, the TeX encoder, the CSL-JSON writer and RIS. ``text/tex.py``
is left out: compiled, its lazy module attribute and its import cycle with the encoder
crash the interpreter on import.
"""

from __future__ import annotations

MODULES = (
    "converters.formats.arxiv_listing",
    "converters.formats.arxiv.authors",
    "converters.formats.arxiv.common",
    "converters.formats.arxiv.journal_ref",
    "converters.formats.bibtex.blocks",
    "converters.formats.bibtex.mapping",
    "converters.formats.bibtex.reader",
    "converters.formats.bibtex.values",
    "converters.formats.bibtex.writer",
    "converters.formats.csl_json.writer",
    "converters.formats.ris.reader",
    "converters.formats.ris.writer",
    "converters.keys",
    "converters.normalise",
    "converters.text.ids",
    "converters.text.markup",
    "converters.text.names",
    "converters.text.tex_encode",
)


def compiled_modules() -> list[str]:
    """The modules of MODULES that this installation loads from a compiled extension
    (found without running them)."""
    from importlib.util import find_spec

    out = []
    for name in MODULES:
        spec = find_spec(name)
        if spec is not None and spec.origin is not None and not spec.origin.endswith(".py"):
            out.append(name)
    return out


def build_description() -> str:
    """"compiled with mypyc, 18 of 18 modules" or "pure Python", for --version and benchmarks."""
    found = compiled_modules()
    return f"compiled with mypyc, {len(found)} of {len(MODULES)} modules" if found else "pure Python"
