"""BibTeX/BibLaTeX output that real bibtex and biber accept (issue 17): each test uses the
exact input of the issue, asserts on refconv's output in Python, and, where the TeX tools
are installed, runs them on it."""

from __future__ import annotations

import pytest

import converters
from converters.extras import Extra

from .tex_tools import missing_programs, run_biber, run_bibtex

TOOLS = {"bibtex": run_bibtex, "biblatex": run_biber}
needs_tex = pytest.mark.skipif(bool(missing_programs()), reason="the real TeX tools are not installed")

# bibtexparser's crossref_cascading_cycle.bib and crossref_missing_entries.bib (from biber's tests)
CYCLE = """@BOOK{circ1,
  DATE      = {1911},
  CROSSREF  = {circ2}
}

@BOOK{circ2,
  DATE      = {1911},
  CROSSREF  = {circ1}
}
"""
MISSING = """@INBOOK{mcr,
  AUTHOR    = {Megan Mistrel},
  ORIGDATE  = {1933},
  TITLE     = {Lumbering Lunatics},
  CROSSREF  = {missing1}
}
"""


def _converted(text: str, dialect: str) -> tuple[str, list]:
    loaded = converters.loads(text, "bibtex")
    return converters.dumps(loaded.records, dialect), loaded.diagnostics


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_crossref_cycle_is_reported_and_never_written(dialect):
    bib, diagnostics = _converted(CYCLE, dialect)
    assert [d.code for d in diagnostics if d.code.startswith("bibtex.")] == ["bibtex.inheritance-cycle"]
    link = "crossref" if dialect == "bibtex" else "xref"  # (biblatex: the link without inheriting again)
    assert bib.count(f"{link} = ") == 1 and f"{link} = {{circ2}}" in bib  # circ1 -> circ2 kept, the link back cut
    assert "crossref = {circ1}" not in bib and "xref = {circ1}" not in bib


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_crossref_to_a_missing_entry_is_reported_and_not_written(dialect):
    bib, diagnostics = _converted(MISSING, dialect)
    assert [d.code for d in diagnostics if d.code.startswith("bibtex.")] == ["bibtex.missing-parent"]
    assert "crossref" not in bib and "missing1" not in bib


@needs_tex
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_crossref_cycles_and_missing_parents_give_no_tool_error(dialect):
    bib, _ = _converted(CYCLE + MISSING, dialect)
    run = TOOLS[dialect](bib)
    assert run.tool_errors == []
    assert sorted(run.keys) == ["circ1", "circ2", "mcr"]


# pybtex's xampl.bib and xampl_mixed.bib open with this same @preamble
PREAMBLE = """@preamble{ "\\newcommand{\\noopsort}[1]{} "
        # "\\newcommand{\\printfirst}[2]{#1} "
        # "\\newcommand{\\singleletter}[1]{#1} "
        # "\\newcommand{\\switchargs}[2]{#2#1} " }

@ARTICLE{article-minimal,
   author = {L[eslie] A. Aamport},
   title = {The Gnats and Gnus Document Preparation System},
   journal = {\\mbox{G-Animal's} Journal},
   year = 1986,
}
"""


def _merged(texts: list[str], dialect: str) -> tuple[str, list]:
    records, diagnostics = [], []
    for text in texts:
        records += converters.loads(text, "bibtex").records
    return converters.dumps(records, dialect, diagnostics=diagnostics), diagnostics


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_an_identical_preamble_from_several_inputs_is_written_once(dialect):
    second = PREAMBLE.replace("@preamble", "@preamBle").replace("article-minimal", "article-mixed")
    bib, written = _merged([PREAMBLE, second], dialect)
    assert written == []  # nothing lost: the second copy says nothing new
    assert bib.count("@preamble") == 1
    assert bib.count("\\printfirst") == 1
    assert "{article-minimal," in bib and "{article-mixed," in bib


@needs_tex
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_merged_inputs_sharing_a_preamble_give_no_latex_error(dialect):
    second = PREAMBLE.replace("article-minimal", "article-mixed")
    run = TOOLS[dialect](_merged([PREAMBLE, second], dialect)[0])
    assert (run.tool_errors, run.latex_errors) == ([], [])
    assert sorted(run.keys) == ["article-minimal", "article-mixed"]


# beebe/font.bib: a raw & that BibTeX passes on to LaTeX as an alignment tab
FONT = """@Misc{Bigelow:2019:FFF,
  title =        "Font Fun Facts",
  howpublished = "Bigelow & Holmes (blog)",
  note =         "Fonts \\& type $a & b$ in N & M",
  url =          "https://bigelowandholmes.typepad.com/?a=1&b=2",
  year =         "2019",
}
"""


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_bare_ampersand_in_tex_text_is_written_escaped_outside_maths(dialect):
    bib, _ = _converted(FONT, dialect)
    assert "howpublished = {Bigelow \\& Holmes (blog)}," in bib
    assert "Fonts \\& type $a \\& b$ in N \\& M" in bib  # an escaped one left alone, maths too is no alignment
    assert "?a=1&b=2" in bib  # verbatim


@needs_tex
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_bare_ampersand_in_tex_text_gives_no_latex_error(dialect):
    run = TOOLS[dialect](_converted(FONT, dialect)[0])
    assert (run.tool_errors, run.latex_errors) == ([], [])
    assert run.keys == ["Bigelow:2019:FFF"]


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_the_writer_never_closes_a_crossref_cycle_records_carry(dialect):
    # records that keep both links (another format's bibtex: extras, or an older reader's)
    first, second = converters.loads(CYCLE, "bibtex").records
    records = [first, second.evolve(extras={**second.extras, Extra("bibtex", "crossref"): "circ1"})]
    written: list = []
    bib = converters.dumps(records, dialect, diagnostics=written)
    if dialect == "biblatex":  # xref: a link biber follows without inheriting, so a cycle is no error
        assert "xref = {circ2}" in bib and "xref = {circ1}" in bib and "crossref" not in bib
        assert [d for d in written if d.code == "write.lost"] == []
        return
    assert "crossref = {circ2}" in bib and "crossref = {circ1}" not in bib
    [lost] = [d for d in written if d.code == "write.lost"]
    assert (lost.key, "circ1" in lost.message, "cycle" in lost.message) == ("circ2", True, True)


# bibtexparser's biber-examples.bib (from biber's tests): a bare % and # in a title
PERCENT = """@MISC{t1,
  KEYWORDS	= { primary, something,somethingelse},
  AUTHOR = {Bill Brown},
  TITLE = {10\\% of [100] and 90% of $Normal_2$ | \\& # things {$^{3}$}},
  YEAR = 1992,
  PAGES = {100--}
}
"""


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_bare_percent_or_hash_in_tex_text_is_written_escaped(dialect):
    bib, _ = _converted(PERCENT, dialect)
    assert "{10\\% of [100] and 90\\% of $Normal_2$ | \\& \\# things {$^{3}$}}" in bib


@pytest.mark.parametrize("text", ["\\url{http://a.org/x%20y#top}", "\\begin{tabular}{cc}a & b\\end{tabular}"])
def test_tex_that_reads_its_own_specials_is_kept_as_written(text):
    bib, _ = _converted("@misc{k, title={T}, note={%s}}" % text, "biblatex")
    assert "note = {%s}," % text in bib


@needs_tex
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_bare_percent_or_hash_in_tex_text_gives_no_latex_error(dialect):
    run = TOOLS[dialect](_converted(PERCENT, dialect)[0])
    assert (run.tool_errors, run.latex_errors) == ([], [])
    assert run.keys == ["t1"]


# bibtexparser's crossref_cascading_aliases.bib (from biber's tests): a crossref naming an ids alias
ALIASES = """@MVBOOK{ccr1,
  IDS       = {ccr1alias},
  AUTHOR    = {Vince Various},
  EDITOR    = {Edward Editor},
  TITLE     = {Stuff Concerning Varia},
  DATE      = {1934}
}

% using alias
@BOOK{ccr2,
  TITLE     = {Misc etc.},
  DATE      = {1923},
  CROSSREF  = {ccr1alias}
}
"""


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_crossref_to_an_ids_alias_inherits_and_is_written_with_the_parents_key(dialect):
    loaded = converters.loads(ALIASES, "bibtex")
    assert [d.code for d in loaded.diagnostics if d.code.startswith("bibtex.")] == []
    child = loaded.records[1]
    assert (child.key, child.extras[Extra("bibtex", "crossref")]) == ("ccr2", "ccr1")
    # the parent's title is the child's maintitle: the whole work, with the child's title as its volume's
    assert (child.title.value, child.variables["volume-title"].value) == ("Stuff Concerning Varia", "Misc etc.")
    bib = converters.dumps(loaded.records, dialect)
    link = "crossref" if dialect == "bibtex" else "xref"
    assert f"{link} = {{ccr1}}," in bib and "ccr1alias}," in bib  # the alias stays in ids


@needs_tex
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_crossref_to_an_ids_alias_gives_no_tool_error(dialect):
    run = TOOLS[dialect](_converted(ALIASES, dialect)[0])
    assert run.tool_errors == []
    assert sorted(run.keys) == ["ccr1", "ccr2"]


def test_an_open_range_is_biblatexs_open_range_and_biber_takes_it():
    # CSL writes a range with no end yet ("1987–") with the year 0 as its end; biblatex as "1987/"
    # ("1987/0000" was written: the year 0 is 1 BC to biber)
    items = '[{"id": "k", "type": "book", "title": "T", "issued": {"date-parts": [[1987], [0]]}}]'
    records = converters.loads(items, "csl-json").records
    out = converters.dumps(records, "biblatex")
    assert "date = {1987/}," in out
    assert converters.loads(out, "biblatex").records[0].issued == records[0].issued
    if not missing_programs():
        run = run_biber(out)
        assert run.keys == ["k"] and not run.tool_errors and not run.latex_errors, run.log[-3000:]


# biblatex's data annotations (biblatex manual 3.7), as texlive's 97-annotations.bib writes them
ANNOTATED = """@MISC{ann1,
  AUTHOR           = {Last1, First1 and Last2, First2},
  AUTHOR+an        = {1:family=student;2=corresponding},
  TITLE            = {The Title},
  DATE             = {2018},
  TITLE+an:french  = {="Le titre"}
}
"""


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_data_annotations_are_written_back_as_the_fields_they_are(dialect):
    # their names hold "+" and ":": they were refused as no field name ("+"), or dropped
    # without a word as the reader's own notes (":")
    out, _ = _converted(ANNOTATED, dialect)
    assert 'author+an = {1:family=student;2=corresponding},' in out
    assert 'title+an:french = {="Le titre"},' in out
    (back,) = converters.loads(out, "bibtex").records
    assert back.extras[Extra("bibtex", "title+an:french")] == '="Le titre"'
    if dialect == "biblatex" and not missing_programs():
        run = run_biber(out)
        assert run.keys == ["ann1"] and not run.tool_errors and not run.latex_errors, run.log[-3000:]


# A chapter whose book has a subtitle: the chapter's record holds "Book: Subtitle" as its
# container title. Written with the crossref, biber (and refconv) would give the chapter the
# book's subtitle again as its booksubtitle, and print it twice.
SUBTITLED_PARENT = """@book{parent, editor = {Ed, A.}, title = {Parent Book}, subtitle = {Parent Sub}, date = {1999}}
@inbook{kid, author = {Kid, K.}, title = {Chapter}, crossref = {parent}}
@xdata{pub, publisher = {Pub}, subtitle = {Given Sub}}
@book{given, title = {Given}, xdata = {pub}, date = {2000}}
"""


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_what_a_child_inherited_is_not_inherited_again_when_read_back(dialect):
    first = converters.loads(SUBTITLED_PARENT, "bibtex").records
    assert [str(r.container_title) for r in first] == ["None", "Parent Book: Parent Sub", "None"]
    assert str(first[2].title) == "Given: Given Sub"
    written: list = []
    bib = converters.dumps(first, dialect, diagnostics=written)
    again = converters.loads(bib, "bibtex")
    assert [(r.title, r.container_title, r.publisher) for r in again.records] == \
        [(r.title, r.container_title, r.publisher) for r in first]
    assert [d.code for d in again.diagnostics if d.severity != "info"] == []
    # the @xdata entry is no record: its fields are the entry's own, and the link is said
    assert "xdata" not in bib and [(d.key, d.code) for d in written if "xdata" in d.message] == \
        [("given", "write.moved")]


@needs_tex
def test_biber_prints_an_inherited_subtitle_once():
    run = run_biber(converters.dumps(converters.loads(SUBTITLED_PARENT, "bibtex").records, "biblatex"))
    assert run.tool_errors == []
    kid = run.bbl.split("\\entry{kid}")[1].split("\\endentry")[0]
    assert kid.count("Parent Sub") == 1


@needs_tex
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_ligatures_and_script_digits_in_ascii_mode_compile(dialect):
    records = converters.loads("@misc{k, title = {ﬁeld eﬃcient H₂O x⁴}, year = 2000}", "bibtex").records
    bib = converters.dumps(records, dialect, tex="ascii")
    assert "{?}" not in bib
    run = (run_bibtex if dialect == "bibtex" else run_biber)(bib)
    assert (run.tool_errors, run.latex_errors, run.undefined_macros) == ([], [], set())
