"""BibTeX/BibLaTeX output that untrusted text cannot break, and that bibtex, biber and
LaTeX read as written (issues 16 and 17, with their exact inputs)."""

from __future__ import annotations

import json

import pytest

import converters
from converters.extras import Extra
from converters.model import Identifiers, Name, Record, Syntax, Text
from converters.text import tex

from .shared import shared_path
from .validators import parse_bibtex

MODES = ("utf8", "ascii", "minimal")
TARGETS = ("bibtex", "biblatex")
INJECTED_NOTE = 'x}}\n@misc(injected, title = "pwned", year = 1666)\n'


def _pybtex_keys(text: str) -> list[str]:
    """pybtex in strict mode: any syntax error raises."""
    import pybtex.errors
    from pybtex.database import parse_string

    pybtex.errors.set_strict_mode(True)
    return list(parse_string(text, "bibtex").entries.keys())


def _values_balanced(text: str) -> None:
    for entry in parse_bibtex(text).entries:
        for field in entry.fields:
            assert tex.bibtex_balanced(str(field.value)), (entry.key, field.key, field.value)


def _write(records, fmt, mode, diagnostics=None):
    return converters.dumps(records, fmt, tex=mode, diagnostics=diagnostics)


# --- 16.1 literal braces ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", TARGETS)
@pytest.mark.parametrize("mode", MODES)
def test_literal_braces_in_a_note_cannot_inject_an_entry(fmt, mode):
    record = Record(key="real", title=Text("Real"), note=Text(INJECTED_NOTE))
    text = _write([record], fmt, mode)
    assert _pybtex_keys(text) == ["real"]
    _values_balanced(text)
    (back,) = converters.loads(text, "bibtex").records
    assert " ".join(back.note.plain().split()) == " ".join(INJECTED_NOTE.split())


@pytest.mark.parametrize("fmt", TARGETS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("source", ["ris", "csl-json"])
def test_an_unbalanced_plain_title_does_not_swallow_the_next_entry(fmt, mode, source):
    if source == "ris":
        given = "TY  - JOUR\nTI  - Foo { bar\nER  - \n\nTY  - JOUR\nTI  - Next\nER  - \n"
    else:
        given = json.dumps([{"id": "a", "type": "book", "title": "Foo { bar"},
                            {"id": "b", "type": "book", "title": "Next"}])
    text = _write(converters.loads(given, source).records, fmt, mode)
    assert len(_pybtex_keys(text)) == 2
    assert "\\{" not in text and "\\}" not in text  # BibTeX counts an escaped brace as a brace
    titles = [r.title.plain() for r in converters.loads(text, "bibtex").records]
    assert titles == ["Foo { bar", "Next"]


# --- 16.2 line breaks ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", TARGETS)
@pytest.mark.parametrize("mode", MODES)
def test_a_line_break_before_an_at_sign_cannot_start_an_entry(fmt, mode):
    breaks = ["\n", "\r\n", "\r", "\u2028", "\u0085", "\n\n"]
    records = [Record(key=f"r{i}", title=Text(f"Title {i}"),
                      abstract=Text(f'first{brk}@misc(evil{i}, title = "x"){brk}last'))
               for i, brk in enumerate(breaks)]
    text = _write(records, fmt, mode)
    headers = [line for line in text.splitlines() if line.lstrip().startswith("@")]
    assert [h[h.index("{") + 1 : -1] for h in headers] == [f"r{i}" for i in range(len(breaks))]
    assert len(parse_bibtex(text).entries) == len(records)
    assert len(_pybtex_keys(text)) == len(records)
    back = converters.loads(text, "bibtex").records
    assert [r.key for r in back] == [r.key for r in records]
    assert all("@misc(evil" in r.abstract.plain() for r in back)


def test_paragraph_breaks_written_as_spaces_are_reported():
    diagnostics: list = []
    _write([Record(key="p", title=Text("T"), abstract=Text("one\n\ntwo"))], "bibtex", "utf8", diagnostics)
    assert any(d.code == "write.moved" and d.field == "abstract" and "paragraph" in d.message for d in diagnostics)


# --- 16.3 entry types and field names from the input ----------------------------------------


CUSTOM_ATTACK = [{
    "id": "victim", "type": "book", "title": "Victim",
    "custom": {"bibtex:type": "misc{injected,\n title = {pwned}}\n@comment",
               "bibtex:x = {1}, note = {pwned}, y": "value"},
}]


@pytest.mark.parametrize("fmt", TARGETS)
def test_entry_types_and_field_names_from_csl_custom_are_refused_unless_names(fmt):
    diagnostics: list = []
    text = _write(converters.loads(json.dumps(CUSTOM_ATTACK), "csl-json").records, fmt, "utf8", diagnostics)
    assert _pybtex_keys(text) == ["victim"]
    assert "pwned" not in text and "injected" not in text
    codes = {(d.code, d.key) for d in diagnostics}
    assert ("write.bad-type", "victim") in codes and ("write.bad-field-name", "victim") in codes


def test_valid_extra_field_names_and_types_are_still_written():
    item = [{"id": "ok", "type": "book", "title": "T",
             "custom": {"bibtex:type": "inbook", "bibtex:my-field.x_1": "kept"}}]
    text = _write(converters.loads(json.dumps(item), "csl-json").records, "biblatex", "utf8")
    assert text.startswith("@inbook{ok,") and "my-field.x_1 = {kept}" in text


# --- 16.4 control characters -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", TARGETS)
@pytest.mark.parametrize("mode", MODES)
def test_nul_esc_and_del_are_not_written_raw_and_are_reported(fmt, mode):
    diagnostics: list = []
    text = _write([Record(key="c", title=Text("a\x00b\x1bc\x7fd"))], fmt, mode, diagnostics)
    assert not any(ch in text for ch in "\x00\x1b\x7f")
    assert "title = {abcd}" in text
    assert any(d.code == "write.control-char" and d.key == "c" and "U+0000" in d.message for d in diagnostics)


# --- 17.1 / 17.2 arXiv text kept as TeX -----------------------------------------------------


@pytest.mark.parametrize("fmt", TARGETS)
@pytest.mark.parametrize("mode", MODES)
def test_a_stray_brace_in_arxiv_tex_is_written_as_a_literal_brace(fmt, mode):
    # arXiv 0704.0950's abstract: "(-3.4}"; the maths and macros around it are kept
    abstract = r"a slope of $\alpha = -2.1$ (-3.4} for \emph{all} sources"
    record = Record(key="0704.0950", title=Text("T"), abstract=Text(abstract, Syntax.TEX),
                    ids=Identifiers(arxiv="0704.0950"))
    text = _write([record], fmt, mode)
    assert r"$\alpha = -2.1$ (-3.4{\textbraceright} for \emph{all}" in text
    assert _pybtex_keys(text) == ["0704.0950"]
    _values_balanced(text)


SPECIALS = [
    ("68% confidence", r"68\% confidence"),
    ("accepted in A&A", r"accepted in A\&A"),
    ("phi^4 model", r"phi\textasciicircum{}4 model"),
    ("the n_s index, issue #3", r"the n\_s index, issue \#3"),
    # maths is left alone (a % in it: test_bibtex_writer_real_tools)
    (r"$x_1^2 + 50$ and x_1", r"$x_1^2 + 50$ and x\_1"),
    (r"already 5\% \& \_ escaped", r"already 5\% \& \_ escaped"),
    (r"\(a_b\) and \[c^d\] and $$e_f$$ g_h", r"\(a_b\) and \[c^d\] and $$e_f$$ g\_h"),
    ("costs $5", r"costs \$5"),  # a $ no later $ closes is a dollar sign
    # maths macros outside maths stop LaTeX (arXiv 2301's "{\gamma}-ray blazar", "{\Lambda}CDM")
    (r"{\gamma}-ray blazar, {\Lambda}CDM at \sim10 GeV", r"{\ensuremath{\gamma}}-ray blazar, "
     r"{\ensuremath{\Lambda}}CDM at \ensuremath{\sim}10 GeV"),
]


@pytest.mark.parametrize(("arxiv", "expected"), SPECIALS)
def test_arxiv_text_specials_outside_maths_are_escaped(arxiv, expected):
    record = Record(key="k", title=Text("T"), abstract=Text(arxiv, Syntax.TEX))
    text = _write([record], "biblatex", "utf8")
    assert f"abstract = {{{expected}}}" in text
    (back,) = converters.loads(text, "bibtex").records
    assert back.abstract.plain() == (arxiv if arxiv == "costs $5" else Text(arxiv, Syntax.TEX).plain())


def test_bibtex_source_keeps_its_own_specials():
    # a value read from BibTeX already is TeX: nothing is escaped twice
    record = Record(key="k", title=Text(r"50\% of {A}\&{A}", Syntax.BIBTEX))
    assert r"title = {50\% of {A}\&{A}}" in _write([record], "bibtex", "utf8")


def test_a_value_ending_in_a_backslash_cannot_escape_its_closing_brace():
    record = Record(key="k", title=Text("ends with backslash \\", Syntax.BIBTEX))
    text = _write([record], "bibtex", "utf8")
    assert r"title = {ends with backslash {\textbackslash}}" in text
    assert _pybtex_keys(text) == ["k"]


# --- 17.4 given-only names --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", TARGETS)
def test_a_given_only_name_is_one_braced_name_not_a_leading_comma(fmt):
    items = [{"id": "b", "type": "book", "title": "T", "author": [{"given": "Banksy"}, {"given": "I Test J R"},
                                                                  {"family": "Doe", "given": "J"}]}]
    diagnostics: list = []
    text = _write(converters.loads(json.dumps(items), "csl-json").records, fmt, "utf8", diagnostics)
    assert "author = {{Banksy} and {I Test J R} and Doe, J}" in text
    assert ", Banksy" not in text
    noted = [d for d in diagnostics if d.code == "write.moved" and d.field == "authors"]
    assert [d.message.split("(")[1].split(")")[0] for d in noted] == ["given name only: Banksy",
                                                                     "given name only: I Test J R"]


# --- 17.5 ascii mode ----------------------------------------------------------------------------


def test_ascii_mode_maps_thin_space_and_middle_dot_and_names_cyrillic():
    record = Record(key="asr", title=Text("10\u2009000 a\u00b7b Иван"))
    diagnostics: list = []
    text = _write([record], "bibtex", "ascii", diagnostics)
    assert "symbol" not in text and text.isascii()
    assert r"10{\,}000 a{\textperiodcentered}b {?}{?}{?}{?}" in text
    (warned,) = [d for d in diagnostics if d.code == "write.no-macro"]
    assert warned.key == "asr" and warned.field == "title" and "--tex utf8" in warned.message
    assert warned.message.startswith("U+0418 CYRILLIC CAPITAL LETTER I, U+0432 CYRILLIC SMALL LETTER VE, U+0430")
    assert any(d.code == "write.moved" and d.field == "title" for d in diagnostics)  # in the loss report too
    assert "Иван" in _write([record], "bibtex", "utf8")


def test_ascii_mode_names_each_field_that_holds_a_character_without_a_macro():
    record = Record(key="fld", authors=(Name(family="Петров", given="Ivan"),), title=Text("Plain title"),
                    publisher="Жук", note=Text("see Щ"), extras={Extra("bibtex", "series"): "Ю"})
    diagnostics: list = []
    _write([record], "bibtex", "ascii", diagnostics)
    warned = [(d.field, d.message.split(":")[0]) for d in diagnostics if d.code == "write.no-macro"]
    assert warned == [("authors", "U+041F CYRILLIC CAPITAL LETTER PE, U+0435 CYRILLIC SMALL LETTER IE, "
                                  "U+0442 CYRILLIC SMALL LETTER TE, U+0440 CYRILLIC SMALL LETTER ER, "
                                  "U+043E CYRILLIC SMALL LETTER O, U+0432 CYRILLIC SMALL LETTER VE"),
                      ("publisher", "U+0416 CYRILLIC CAPITAL LETTER ZHE, U+0443 CYRILLIC SMALL LETTER U, "
                                    "U+043A CYRILLIC SMALL LETTER KA"),
                      ("note", "U+0429 CYRILLIC CAPITAL LETTER SHCHA"),
                      ("bibtex:series", "U+042E CYRILLIC CAPITAL LETTER YU")]


# --- 17.7 @inbook keeps booktitle -----------------------------------------------------------


@pytest.mark.parametrize("fmt", TARGETS)
def test_inbook_keeps_its_booktitle(fmt):
    path = shared_path("corpus", "bibtex", "texlive", "biblatex-examples.bib")
    records = {r.key: r for r in converters.load(path).records}
    chosen = [records[k] for k in ("kant:kpv", "kant:ku", "nietzsche:historie")]
    library = parse_bibtex(_write(chosen, fmt, "utf8"))
    for entry in library.entries:
        assert entry.entry_type == "inbook"
        assert "booktitle" in entry.fields_dict and "howpublished" not in entry.fields_dict, entry.key
    assert library.entries[0].fields_dict["booktitle"].value == \
        "Kritik der praktischen Vernunft. Kritik der Urtheilskraft"


@pytest.mark.parametrize("fmt", TARGETS)
def test_the_word_and_in_any_name_part_does_not_split_the_name(fmt):
    # arXiv 2301.06708 ("K.S.Srivani and Shiv K. Sethi") parsed with "and" as a particle: biber
    # saw an empty name ("consecutive 'and'") and skipped the whole entry
    odd = Name(family="Shiv K. Sethi", given="K.S.Srivani", non_dropping_particle="and")
    record = Record(key="2301.06708", title=Text("T"), authors=(Name(family="Girish", given="B.S."), odd,
                                                              Name(family="X", given="Y", suffix="Jr AND more")))
    text = _write([record], fmt, "utf8")
    assert "author = {Girish, B.S. and {and} Shiv K. Sethi, K.S.Srivani and X, {Jr AND more}, Y}" in text
    assert len(converters.loads(text, "bibtex").records[0].authors) == 3


def test_every_ascii_macro_compiles_with_pdflatex(tmp_path):
    """17.5 with the real program: pdflatex, T1 fonts, no other package, every macro ascii mode writes."""
    import shutil
    import subprocess
    import unicodedata

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is absent (apt-get install texlive-latex-base texlive-latex-recommended)")
    lines = []
    for code in range(0xA0, 0x3000):
        char = chr(code)
        if unicodedata.category(char) not in ("Cn", "Cs", "Co", "Mn", "Me", "Cc", "Zl", "Zp"):
            macro = tex.ascii_macro(char)
            if macro is not None:
                lines.append(f"{macro} % {code:04X}\n\n")
    assert len(lines) > 600
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\\usepackage[T1]{fontenc}\\begin{document}\n"
                                      + "".join(lines) + "\\end{document}\n", encoding="ascii")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert run.returncode == 0 and "\n! " not in log, log[log.find("\n! "):][:600]
