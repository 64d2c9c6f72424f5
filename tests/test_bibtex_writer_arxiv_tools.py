"""arXiv TeX that broke the real bibtex, biber and pdflatex (issue 17), each as it came in:
a check on the written text that needs no TeX, and a run of the real tools (skipped where
they are absent)."""

from __future__ import annotations

import io
import re

import pytest

import converters
from converters.diagnostics import Reporter
from converters.formats.bibtex.writer import write_biblatex
from converters.model import Name, Record, Syntax, Text

from .tex_tools import missing_programs, run_biber, run_bibtex

needs_tex = pytest.mark.skipif(bool(missing_programs()), reason=f"TeX tools missing: {missing_programs()}")

# arXiv 0704.0422 and 0704.0601: a % in maths is a comment in TeX too; in the .bbl it ate the
# rest of biber's \field line ("File ended while scanning use of \field", "Lonely \item")
PERCENT_IN_MATHS = r"""------------------------------------------------------------------------------
\\
arXiv:0704.0422
Date: Tue, 3 Apr 2007 15:43:30 GMT   (420kb)

Title: Polarization conversion in a silica microsphere
Authors: Pablo Bianucci, Chris Fietz, John W. Robertson, Gennady Shvets and
  Chih-Kang Shih
Categories: physics.optics
\\
  We experimentally demonstrate controlled polarization-selective phenomena in
a whispering gallery mode resonator. We observed efficient ($\approx 75 %$)
polarization conversion of light in a silica microsphere coupled to a tapered
optical fiber with proper optimization of the polarization of the propagating
light. A simple model treating the microsphere as a ring resonator provides a
good fit to the observed behavior.
\\
"""

# arXiv 0704.0601 and 0704.0786: \bar, a maths accent, outside maths ("Missing $ inserted")
MATHS_ACCENT_IN_TEXT = r"""------------------------------------------------------------------------------
\\
arXiv:0704.0601
Date: Wed, 4 Apr 2007 15:58:48 GMT   (70kb)

Title: D-\bar D mixing and rare D decays in the Littlest Higgs model with
  non-unitarity matrix
Authors: Chuan-Hung Chen, Chao-Qiang Geng, Tzu-Chiang Yuan
Categories: hep-ph hep-ex
\\
  In this model, we show that the
$D-\bar D$ mixing parameter can be as large as the current experimental value
and the decay branching ratio (BR) of $D\to X_u \ga$ is small but its direct CP
asymmetry could be $O(10%)$.
\\
"""


def _written(abs_text: str, dialect: str) -> str:
    result = converters.loads(abs_text, "arxiv-abs")
    assert len(result.records) == 1
    return converters.dumps(result.records, dialect)


def test_percent_in_arxiv_maths_is_escaped_not_a_comment():
    bib = _written(PERCENT_IN_MATHS, "biblatex")
    assert r"($\approx 75 \%$)" in bib
    assert "75 %" not in bib
    assert r"$O(10\%)$" in _written(MATHS_ACCENT_IN_TEXT, "bibtex")


def test_maths_accent_outside_maths_gets_ensuremath_with_its_argument():
    bib = _written(MATHS_ACCENT_IN_TEXT, "bibtex")
    assert r"D-\ensuremath{\bar D} mixing" in bib
    assert r"$D-\bar D$ mixing" in bib  # maths that pairs is kept as it is


@needs_tex
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_arxiv_maths_in_text_passes_real_tex_tools(dialect):
    bib = converters.dumps([record for text in (PERCENT_IN_MATHS, MATHS_ACCENT_IN_TEXT)
                            for record in converters.loads(text, "arxiv-abs").records], dialect)
    run = (run_bibtex if dialect == "bibtex" else run_biber)(bib)
    assert len(run.keys) == 2
    assert run.tool_errors == []
    assert run.latex_errors == []


# astro-ph/listings/pastweek: before the author splitter learnt to ignore an unclosed brace,
# 22 authors became one family name, and biber skips an entry whose name has over two commas
MANY_COMMAS = Record(key="saxena2023jades", type="article", title=Text("JADES"), authors=(
    Name(family="Rodríguez Del Pino, Renske Smit, Hannah Übler, Irene Shivaei", given="Bruno"),
    Name(family="Evans", given="J", suffix="II")))


def test_name_part_with_commas_is_braced_whole_so_biber_counts_none():
    for dialect in ("bibtex", "biblatex"):
        author = re.search(r"author = \{(.*)\},\n", converters.dumps([MANY_COMMAS], dialect)).group(1)
        first, second = author.split(" and ")
        assert first.startswith("{Bruno Rodr") and first.endswith("Irene Shivaei}")
        assert second == "Evans, II, J"  # an ordinary name keeps its two commas


def test_name_part_with_commas_is_reported_lost():
    report = Reporter("<test>")
    write_biblatex([MANY_COMMAS], io.StringIO(), report)
    assert any("more than two commas" in str(d) for d in report.diagnostics)


@needs_tex
def test_name_part_with_commas_passes_biber():
    run = run_biber(converters.dumps([MANY_COMMAS], "biblatex"))
    assert run.tool_errors == [] and run.keys == ["saxena2023jades"]


# astro-ph/listings/2301: a comment's "\c{opyright}" (biber makes it o + U+0327, which LaTeX
# stops on) and authors "G. Mart\'-Devesa", "T. O\'Brien" (a mark with no precomposed character)
COMBINING_MARKS = r"""------------------------------------------------------------------------------
\\
arXiv:2301.07266
Date: Tue, 17 Jan 2023 10:00:00 GMT   (100kb)

Title: A search for mid-IR bands of amino acids in the Perseus Molecular Cloud
Authors: Susana Iglesias-Groth, G. Mart\'-Devesa, T. O\'Brien
Categories: astro-ph.GA astro-ph.EP astro-ph.SR
Comments: 8 pages, 2 figures, 1 table. Accepted Mem. S.A.It. Vol. 75, 282
  \c{opyright} SAIt 2023. arXiv admin note: substantial text overlap with
  arXiv:2104.12026
\\
  An abstract.
\\
"""


def test_combining_mark_is_written_as_accent_macro_never_raw():
    records = converters.loads(COMBINING_MARKS, "arxiv-abs").records
    for dialect in ("bibtex", "biblatex"):
        bib = converters.dumps(records, dialect, tex="utf8")
        assert not re.search("[\u0300-\u036f]", bib), dialect
    assert r"Mart{\'{-}}Devesa" in converters.dumps(records, "bibtex", tex="utf8")
    biblatex = converters.dumps(records, "biblatex")
    assert r"Mart{\'{{-}}}Devesa" in biblatex  # biber turns \'{-} back into a raw mark, not \'{{-}}
    assert r"\csname c\endcsname{opyright}" in biblatex
    # and refconv reads its own spelling back (it read "\csname c\endcsname" as a command kept as source)
    back = converters.loads(biblatex, "bibtex").records
    assert [r.note.plain() for r in back] == [r.note.plain() for r in records]


def test_combining_mark_after_base_letter_is_composed():
    record = Record(key="x", type="article", title=Text("Franc\u0327ois x\u0327"))
    bib = converters.dumps([record], "biblatex")
    assert "François" in bib and r"{\csname c\endcsname{x}}" in bib


def test_combining_mark_on_nothing_is_an_accent_on_an_empty_group():
    record = Record(key="x", type="article", title=Text("\u0301start a \u0301b"))
    bib = converters.dumps([record], "bibtex", tex="utf8")
    assert r"title = {{\'{}}start a {\'{}}b}" in bib


@needs_tex
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_combining_marks_pass_real_tex_tools(dialect):
    records = converters.loads(COMBINING_MARKS, "arxiv-abs").records
    records.append(Record(key="x", type="article", title=Text("Franc\u0327ois x\u0327 \u0301b")))
    bib = converters.dumps(records, dialect, tex="utf8")
    run = (run_bibtex if dialect == "bibtex" else run_biber)(bib)
    assert run.tool_errors == [] and len(run.keys) == 2
    assert run.latex_errors == []


# tugboat.bib's "\\Thanh" and "Tolen{\\.a}" give ế (U+1EBF) and ȧ (U+0227), texbook3.bib's
# "n{\\'\\i}ky" is read by biber as ı + U+0301, and "\\^{\\'e}" is é + U+0302 (no NFC form):
# pdflatex has no setup for any of them
OUTSIDE_LATEX = r"""@article{thanh, author = {\Thanh{} and Lolita Tolen{\.a} and Pi{\^{\'e}}rre Ducr{\'{\^e}}},
  title = {{\LaTeX} pro za{\v{c}}{\'a}te{\v{c}}n{\'\i}ky and Th{\'{\^{e}}}}, journal = {J}, year = 2001}
"""


def test_letters_pdflatex_cannot_take_are_written_as_accents_biber_passes_on():
    records = converters.loads(OUTSIDE_LATEX, "bibtex").records
    biblatex = converters.dumps(records, "biblatex")
    assert "\u1ebf" not in biblatex and "\u0227" not in biblatex
    assert (r"author = {{Hàn Th{\'{{\^{{e}}}}} Thành} and Tolen{\.{{a}}}, Lolita and "
            r"Ducr{\'{{\^{{e}}}}}, Pi{\^{{\'{{e}}}}}rre}") in biblatex
    assert r"za{\v{c}}{\'a}te{\v{c}}n{\'{i}}ky and Th{{\'{{\^{{e}}}}}}" in biblatex
    utf8 = converters.dumps(records, "bibtex", tex="utf8")  # bibtex leaves macros alone: plain form
    assert r"{Hàn Th{\'{\^{e}}} Thành} and" in utf8 and r"Tolen{\.{a}}" in utf8 and r"n{\'\i}ky" in utf8
    assert r"Pi{\^{\'{e}}}rre" in utf8


def test_a_letter_needing_a_letter_accent_stays_utf8_in_a_biber_name():
    # biber-examples.bib's "Luzzatto, Moshe Ḥayyim": biber decodes \d in every spelling, and
    # splits \csname d\endcsname at its space into two name parts; in a title \csname works
    record = Record(key="x", type="book", title=Text("Ramḥal Ḥ"),
                    authors=(Name(family="Luzzatto", given="Moshe Ḥayyim"),))
    biblatex = converters.dumps([record], "biblatex")
    assert "author = {Luzzatto, Moshe Ḥayyim}" in biblatex
    assert r"title = {Ramḥal {{\csname d\endcsname{H}}}}" in biblatex  # ḥ is set up, Ḥ is not (braced: a capital)


def test_letters_latex_takes_stay_utf8():
    record = Record(key="x", type="article", title=Text("Łódź ærø façade ǎ ș ß"))
    assert "title = {Łódź ærø façade ǎ ș ß}" in converters.dumps([record], "biblatex")


@needs_tex
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_letters_outside_latex_pass_real_tex_tools(dialect):
    records = converters.loads(OUTSIDE_LATEX, "bibtex").records
    records.append(Record(key="y", type="article", title=Text("Łódź Ærø façade ǎ ș ẞ ế ȧ ḿ")))
    run = (run_bibtex if dialect == "bibtex" else run_biber)(converters.dumps(records, dialect, tex="utf8"))
    assert run.tool_errors == [] and sorted(run.keys) == ["thanh", "y"]
    assert run.latex_errors == []


# TeX that would break LaTeX however the author meant it: maths leaving its group, a \( or \)
# without its partner, \frac outside maths
BROKEN_TEX = {
    r"{$x} y$ z": r"{\$x} y\$ z",
    r"\(a unclosed": r"{\textbackslash}(a unclosed",
    r"a \) b": r"a {\textbackslash}) b",
    r"$\frac12$ \frac{1}{2} x": r"$\frac12$ \ensuremath{\frac{1}{2}} x",
    r"already \(x\) and \[y\]": r"already \(x\) and \[y\]",
}


@pytest.mark.parametrize(("arxiv", "expected"), BROKEN_TEX.items())
def test_unpaired_maths_delimiters_and_groups_are_spelt_out(arxiv, expected):
    record = Record(key="k", type="article", title=Text("T"), note=Text(arxiv, Syntax.TEX))
    assert f"note = {{{expected}}}" in converters.dumps([record], "biblatex")


@needs_tex
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_unpaired_maths_delimiters_pass_real_tex_tools(dialect):
    records = [Record(key=f"k{i}", type="article", title=Text(arxiv, Syntax.TEX), note=Text(arxiv, Syntax.TEX))
               for i, arxiv in enumerate(BROKEN_TEX)]
    run = (run_bibtex if dialect == "bibtex" else run_biber)(converters.dumps(records, dialect))
    assert run.tool_errors == [] and len(run.keys) == len(records)
    assert run.latex_errors == []
