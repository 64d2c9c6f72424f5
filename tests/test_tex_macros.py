"""Issue 11 (items 2, 7, 8) and the TeX tables: what each kind of macro becomes.

Known macros become their text (logos, symbols, quotes, links, citations, biblatex strings),
style macros and environments become spans, unknown macros keep their source and are
reported once per name per run, and maths is decoded only under --plain-math.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import converters
from converters.model import Syntax, Text
from converters.text import tex
from converters.text.markup import Span, spans, to_plain

T, I, B = (lambda c, k=k: Span(k, c) for k in ("text", "i", "b"))


def _bib(title: str, **fields: str) -> str:
    extra = "".join(f",\n  {name} = {{{value}}}" for name, value in fields.items())
    return f"@article{{k,\n  title = {{{title}}},\n  author = {{Lee, Ann}},\n  year = 2020{extra}\n}}\n"


def _csl(bib: str, **options) -> dict:
    options.setdefault("sentence_case", False)  # the letters as decoded (sentence case: test_sentence_case.py)
    result = converters.convert(bib, "csl-json", "bibtex", **options)
    return json.loads(result.text)[0]


# --- item 2: logos and text macros are text, not deleted -------------------------------------

@pytest.mark.parametrize(("source", "expected"), [
    (r"\TeX", "TeX"), (r"\LaTeX", "LaTeX"), (r"\BibTeX", "BibTeX"), (r"{\MF}", "METAFONT"),
    (r"input\slash output", "input/output"), (r"\S 3", "§3"),
    (r"The {\TeX}book", "The TeXbook"), (r"{\LaTeX} Project Team", "LaTeX Project Team"),
    (r"\TeX\ and \LaTeX{} and {\TeX} and", "TeX and LaTeX and TeX and"),
    # TeX's rule: the space after a control word is no word break ("\TeX book" is the TeXbook)
    (r"The \TeX book, Ars\TeX nica, \TeX -based", "The TeXbook, ArsTeXnica, TeX-based"),
    # ... except before a capital or a digit, where the corpus means two words ("\TeX Live")
    (r"A {\TeX Live} installation, {\TeX Northeast}", "A TeX Live installation, TeX Northeast"),
    (r"comments in {\TeXworks 0.4}", "comments in TeXworks 0.4"),
])
def test_tex_logos_and_text_macros_are_kept_as_text(source, expected):
    assert tex.tex_to_unicode(source) == expected
    assert re.sub("<[^>]+>", "", _csl(_bib(source))["title"]) == expected


def test_a_logo_keeps_its_letter_case_in_csl():
    assert _csl(_bib(r"The {\TeX}book"))["title"] == 'The <span class="nocase">TeX</span>book'
    assert spans(Text(r"\emph{\LaTeX} x", Syntax.BIBTEX)) == (I("LaTeX"), T(" x"))


def test_an_unknown_macro_keeps_its_source():
    assert tex.tex_to_unicode(r"a \foo b") == r"a \foo b"
    assert tex.tex_to_unicode(r"\foo{x}{\'e} y") == r"\foo{x}{é} y"  # its arguments keep their braces
    assert _csl(_bib(r"The \foo{} method"))["title"] == r"The \foo{} method"


def test_an_unknown_macro_is_reported_once_per_name_per_run():
    bib = _bib(r"\foo a \foo") + _bib(r"\foo b \bar").replace("{k,", "{k2,")
    for _ in range(2):  # a second run reports again (nothing is hidden by caches)
        result = converters.convert(bib, "csl-json", "bibtex")
        unknown = [d for d in result.diagnostics if d.code == "tex.unknown-macro"]
        assert sorted(d.message.split()[3] for d in unknown) == [r"\bar", r"\foo"]
        assert all(d.severity == "info" for d in unknown)
        assert {d.message.split()[3]: d.key for d in unknown} == {r"\foo": "k", r"\bar": "k2"}


def test_href_shows_its_text_and_url_its_address():
    assert tex.tex_to_unicode(r"\href{https://example.org}{Example}") == "Example"
    assert tex.tex_to_unicode(r"\url{u}") == "u"
    assert tex.tex_to_unicode(r"see \url{http://x.org/~a_b%20c}") == "see http://x.org/~a_b%20c"
    assert _csl(_bib(r"\href{https://example.org}{Example}"))["title"] == "Example"


@pytest.mark.parametrize("source", [r"\mkbibquote{X}", r"\enquote{X}"])
def test_quotation_macros_keep_their_quotation_marks(source):
    assert tex.tex_to_unicode(source) == "“X”"


def test_the_hyphen_macro_is_a_hyphen():
    assert tex.tex_to_unicode(r"methodology\hyphen independent") == "methodology-independent"


def test_bibstring_is_resolved_from_biblatex_strings():
    assert tex.tex_to_unicode(r"\bibstring{newseries}") == "new series"
    assert tex.tex_to_unicode(r"\bibcpstring{newseries}") == "New series"
    assert tex.tex_to_unicode(r"\bibstring{nosuchstring}") == r"\bibstring{nosuchstring}"


def test_a_declaration_inside_a_declaration_keeps_the_bold():
    assert spans(Text(r"a\it b{\bf c}", Syntax.TEX)) == (T("a"), I("b"), B("c"))


def test_an_italic_environment_keeps_the_italics():
    assert spans(Text(r"\begin{it}x y\end{it} z", Syntax.TEX)) == (I("x y"), T(" z"))
    assert _csl(_bib(r"\begin{it}E. coli\end{it} genomes"))["title"] == "<i>E. coli</i> genomes"


# --- item 7 (TeX side) ------------------------------------------------------------------------

def test_an_ascii_arrow_is_an_arrow():
    assert tex.tex_to_unicode("A --> B") == "A → B"
    assert tex.tex_to_unicode("a -- b --- c") == "a – b — c"


def test_a_citation_keeps_its_key_visible():
    assert tex.tex_to_unicode(r"as in \cite{BV}") == "as in [BV]"
    assert tex.tex_to_unicode(r"\citep[p.~3]{a, b}") == "[a, b, p.\u00a03]"


def test_listing_arrows_and_citations_reach_csl_and_ris():
    listing = ("Flow A --> B in \\cite{BV} models\nAnn Lee\n\nWe show A --> B as in \\cite{BV}.\n\n"
               "arXiv:2101.00001\nCreated: 2021-01-04\n")
    item = json.loads(converters.convert(listing, "csl-json", "arxiv-listing").text)[0]
    assert (item["title"], item["abstract"]) == ("Flow A → B in [BV] models", "We show A → B as in [BV].")
    assert "TI  - Flow A → B in [BV] models" in converters.convert(listing, "ris", "arxiv-listing").text


# --- item 8: CSL-JSON for reference managers ---------------------------------------------

def test_csl_abstracts_are_plain_text():
    item = _csl(_bib(r"The \emph{E. coli} genome", abstract=r"An \emph{E. coli} and \textbf{bold} abstract"))
    assert item["abstract"] == "An E. coli and bold abstract"
    assert item["title"] == "The <i>E. coli</i> genome"  # titles stay CSL rich text


def test_plain_math_keeps_unknown_macros():
    item = _csl(_bib("T", abstract=r"$\Bz\to\pip\pim\piz$ Time-dependent"), plain_math=True)
    assert item["abstract"] == r"\Bz→\pip\pim\piz Time-dependent"


def test_plain_math_uses_pylatexencs_tables():
    assert tex.math_to_text(r"\mathbf{x} + \mathcal{O}(n), \mathbb{R}^2, \frac{1}{2}, \vec{v} \not= \sqrt{2}") == \
        "𝐱 + 𝒪(n), ℝ^2, 1/2, v⃗ ≠ √(2)"


def test_plain_math_decodes_maths_inside_braces():
    title = _csl(_bib(r"{$\alpha$ decay}"), plain_math=True)["title"]
    assert re.sub(r"<[^>]+>", "", title) == "α decay"  # maths as text, " decay" case-protected
    assert to_plain(Text(r"{$\alpha$ decay}", Syntax.BIBTEX), plain_math=True) == "α decay"


# --- accents: the same at every position --------------------------------------------------

ACCENTED = [
    (r"\"Ozkan", "Özkan"), (r"\L{}ukasz", "Łukasz"), (r"\v{C}apek", "Čapek"), (r"\'A", "Á"), (r"\c{C}", "Ç"),
    (r"\H{O}", "Ő"), (r"\k{A}", "Ą"), (r"\.{Z}", "Ż"), (r"\^{O}", "Ô"), (r"\={A}", "Ā"), (r"\AA{}", "Å"),
    (r"\O{}bro", "Øbro"), (r"Nu\~{n}ez", "Nuñez"), (r"\v Capek", "Čapek"), (r"{\v{S}}koda", "Škoda"),
    ("Gau{\\ss}", "Gauß"), (r"Ant\'on", "Antón"), (r"{\'\i}", "í"),
]


@pytest.mark.parametrize(("source", "expected"), ACCENTED)
def test_accents_decode_in_every_form(source, expected):
    assert tex.tex_to_unicode(source) == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ACCENTED + [("Smith", "Smith"), ("and", "and"), ("{Ann}", "Ann")]),
                min_size=1, max_size=6),
       st.sampled_from([" ", ", ", " and ", "~", "-"]))
def test_accents_decode_the_same_at_every_position(words, separator):
    glue = "\u00a0" if separator == "~" else separator
    assert tex.tex_to_unicode(separator.join(w for w, _ in words)) == glue.join(e for _, e in words)


# --- any text at all: the tokenizer never raises ------------------------------------------

_ANY = [*"\\{}[]$%&~^_'\"`-!?ab \n*#@()=.,", r"\begin{", r"\end{", "it}", "equation}", "foo}", r"\href", r"\url",
        r"\cite", r"\emph", r"\'", r"\v", r"\path", r"\verb", r"\bibstring", r"\symbol", r"\frac", r"\enquote",
        r"\it", "$$", r"\(", r"\[", r"\\", "é", "\u0301", r"\textcolor", r"\foo", "--", "-->", r"\item"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ANY), max_size=30).map("".join))
def test_the_tokenizer_reads_any_text_without_raising(value):
    # a backslash ending an accent's argument (\v \) raised AttributeError in the first version
    tex.tex_to_unicode(value)
    tex.math_to_text(value)
    for syntax in (Syntax.TEX, Syntax.BIBTEX):
        to_plain(Text(value, syntax), plain_math=True)


@pytest.mark.parametrize(("source", "expected"), [
    # texbook3.bib's Ry{\'{}cko}, Journ{\'{}ees} and Mar{\=a}{\d{t}}h{\={}\i}: TeX prints the accent alone
    (r"Ry{\'{}cko}", "Ry\u00b4cko"), (r"Journ{\'{}ees}", "Journ\u00b4ees"), (r"h{\={}\i}", "h\u00afı"),
    (r"\v{} \.{} \c{}", "\u02c7 \u02d9 \u00b8"), (r"a\~{}b\^{}c", "a~b^c"),
])
def test_an_accent_over_nothing_prints_the_accent_alone_and_comes_back(source, expected):
    assert tex.tex_to_unicode(source) == expected
    written = converters.dumps(converters.loads(_bib(source), "bibtex").records, "bibtex")  # ascii: macros
    assert "{?}" not in written
    assert converters.loads(written, "bibtex").records[0].title.plain() == expected


def test_noopsort_prints_nothing_as_its_preamble_defines():
    # xampl.bib and Beebe's files: @preamble{"\newcommand{\noopsort}[1]{}"}; texbook3's Han:2000:MTE
    assert tex.tex_to_unicode(r"{\noopsort{Han}H{\`a}n Th{\^e}} Th{\`a}nh") == "Hàn Thê Thành"
    bib = _bib(r"{\noopsort{1973b}}The Title")
    assert _csl(bib)["title"] == "The Title"
    assert r"\noopsort{1973b}" in converters.dumps(converters.loads(bib, "bibtex").records, "bibtex")  # kept for BibTeX


def test_raise_and_lower_move_their_box_and_print_no_dimension():
    # texbook3's Han:2000:MTE stacks an acute over ê with \raise 0.5ex\hbox{\'{}}
    assert tex.tex_to_unicode(r"Th{\^e}\raise 0.5ex\hbox{\'{}} and a\lower-2pt\hbox{b}c") == "Thê´ and abc"
    assert tex.tex_to_unicode(r"\raise x") == r"\raise x"  # no dimension: not TeX we know, kept


def test_an_unknown_macro_in_a_name_is_said_alike_however_often_the_process_met_the_name():
    """Name splitting is cached; the macro used to be said only on a cache miss, so what a
    conversion said (and which record it named) depended on what the process had converted
    before. A --jobs worker, forked after other work, would have said it differently."""
    from converters import convert

    text = ("@article{a, author = {Q{\\frobnicate}uux, Ann}, title = {One}}\n"
            "@article{b, author = {Q{\\frobnicate}uux, Ann}, title = {Two}}\n")
    said = [[d for d in convert(text, to="csl-json", from_="bibtex").diagnostics if d.code == "tex.unknown-macro"]
            for _ in range(3)]
    assert len(said[0]) == 1 and "\\frobnicate" in said[0][0].message
    assert said[0] == said[1] == said[2]
