"""The TeX tokenizer (tex.scan, the only TeX parser) against pylatexenc's parser as an oracle.

refconv reads pylatexenc's tables (symbols, accents, templates) as data; its parser is
not used. tests/tex_oracle.py gives pylatexenc's parser refconv's macro meanings, so on
well-formed TeX the two must produce the same spans. Where they differ on purpose, the
case is listed as data in tests/known_divergences/tex_pylatexenc.json (input, both
outputs, reason, and the pattern the property skips); every entry is checked below.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converters.model import Syntax, Text
from converters.text import tex
from converters.text.markup import Span, _merge, spans, to_csl
from tests.tex_oracle import oracle_spans

DIVERGENCES = json.loads((Path(__file__).parent / "known_divergences" / "tex_pylatexenc.json").read_text())


def ours(value: str, protect: bool = False) -> tuple[Span, ...]:
    pieces = tex.scan(value, protect=protect)
    return _merge([Span(kind, text if kind == "math" else tex.nfc(text)) for kind, text in pieces])


T, I, B, SC, N, M = (lambda c, k=k: Span(k, c) for k in ("text", "i", "b", "sc", "nocase", "math"))

# (TeX, protect, spans): style markup as spans; the innermost style wins, maths is its own span
STYLED = [
    (r"a \emph{x y} b", False, (T("a "), I("x y"), T(" b"))),
    (r"a \emph {x} b", False, (T("a "), I("x"), T(" b"))),
    (r"\textit{E. coli}", True, (I("E. coli"),)),
    (r"\textbf{bold} and \textsc{Caps}", False, (B("bold"), T(" and "), SC("Caps"))),
    (r"\emph{a}\emph{b}", False, (I("ab"),)),
    (r"\emph{}", False, ()),
    (r"\emph{Schr\"odinger's \'{e}}", False, (I("Schrödinger's é"),)),
    (r"\textbf{$x^2$ and \textit{y}}", False, (M("x^2"), B(" and "), I("y"))),
    (r"\emph{{DNA} x}", True, (I("DNA x"),)),
    (r"\emph{a {b {c}} d}", False, (I("a b c d"),)),
    (r"{A \emph{B} C} d", True, (N("A B C"), T(" d"))),  # case protection keeps only the text
    (r"{\emph{X}} y", True, (I("X"), T(" y"))),
    (r"{\em foo} bar", False, (I("foo"), T(" bar"))),
    (r"a {\it b \bf c} d", True, (T("a "), I("b "), B("c"), T(" d"))),
    (r"a\it b{\bf c}", False, (T("a"), I("b"), B("c"))),  # issue 11: the bold was lost
    (r"\begin{it}x\end{it} y", False, (I("x"), T(" y"))),  # issue 11: the italics were lost
    (r"{ \em a }", True, (N(" a "),)),
    (r"x {\sc Abc} y", False, (T("x "), SC("Abc"), T(" y"))),
    (r"{A \itshape b} c", False, (T("A "), I("b"), T(" c"))),
    (r"Top \em to the end", False, (T("Top "), I("to the end"))),
    (r"{\bfseries $x$ and {y}}", False, (M("x"), B(" and y"))),
    (r"\mkbibemph{E. coli} H\textsubscript{2}O", True, (I("E. coli"), T(" H"), Span("sub", "2"), T("O"))),
    (r"\textbf{a}~b -- $x$", False, (B("a"), T("\u00a0b – "), M("x"))),
    (r"\emph x y", False, (I("x"), T(" y"))),
]


@pytest.mark.parametrize(("value", "protect", "expected"), STYLED)
def test_style_macros_become_spans(value, protect, expected):
    assert ours(value, protect) == expected
    assert oracle_spans(value, protect) == expected


@pytest.mark.parametrize(("value", "protect", "expected"), STYLED)
def test_the_spans_writers_see_are_the_tokenizers(value, protect, expected):
    assert spans(Text(value, Syntax.BIBTEX if protect else Syntax.TEX)) == expected


def test_csl_gets_the_markup():
    assert to_csl(Text(r"The \emph{E. coli} genome, \textbf{bold}", Syntax.TEX)) == \
        "The <i>E. coli</i> genome, <b>bold</b>"


# --- what pylatexenc's parser used to be needed for: the tokenizer reads it itself ----------

@pytest.mark.parametrize(("value", "expected"), [
    (r"\emph*{x}", (I("x"),)),
    (r"\emph{x", (I("x"),)),  # unbalanced: the group ends with the text
    (r"\emph{\[x\]}", (M("x"),)),
    (r"a \( x \) b", (T("a "), M(" x "), T(" b"))),
    (r"a \[ x \] b", (T("a "), M(" x "), T(" b"))),
    (r"x $$y$$ z", (T("x "), M("y"), T(" z"))),
    (r"\textrm--", (T("–"),)),
    (r"\begin{itemize}\item a\end{itemize}", (T("• a"),)),
    (r"\begin{equation}E=mc^2\end{equation}", (M("E=mc^2"),)),
])
def test_structure_the_old_fast_path_left_to_pylatexenc(value, expected):
    assert ours(value) == expected


def test_display_maths_in_brackets_stays_maths():
    value = Text(r"the form \[ L_{e_i} = \sum_{k} u_k \] where $u$", Syntax.TEX)
    assert spans(value) == (T("the form "), M(r" L_{e_i} = \sum_{k} u_k "), T(" where "), M("u"))


def test_an_accent_takes_its_argument_after_a_space():
    assert tex.tex_to_unicode(r"A. Petojevi\' c") == "A. Petojević"


def test_tilde_and_caret_on_an_empty_group_are_the_characters():
    assert tex.tex_to_unicode(r"http://example.org/\~{}user/") == "http://example.org/~user/"
    assert tex.tex_to_unicode(r"x\^{}2") == "x^2"
    assert ours(r"\emph{a} \~{}b") == (I("a"), T(" ~b"))


def test_an_ampersand_is_kept():
    assert ours(r"Klimchuk & D\'emoulin") == (T("Klimchuk & Démoulin"),)


def test_a_percent_after_a_line_break_is_no_comment():
    assert ours(r"a\\%b") == (T("a\n%b"),)


def test_inverted_marks_are_ligatures():
    assert ours("!`Hola! ?`Qu\\'e?") == (T("¡Hola! ¿Qué?"),)


def test_a_letter_macro_takes_the_newline_after_it():
    assert ours("Gau\\ss\nx") == (T("Gaußx"),)


# --- the tokenizer agrees with the oracle on any text made of TeX's significant pieces --------

_TOKENS = [
    # style macros (mostly opening their argument: _balanced closes it), declarations, environments, groups
    r"\emph{", r"\textit{", r"\textbf{", r"\textsc{", r"\textsl{", r"\mkbibemph{", r"\mkbibbold{",
    r"\textsuperscript{", r"\textsubscript{", r"\emph", r"\textbf", r"\em", r"\it", r"\bf", r"\sc", r"\em ",
    r"\itshape", r"\bfseries", r"\scshape", r"\sl", r"\begin{it}a {b}\end{it}", r"\begin{em}$x$ \'e\end{em}",
    r"\begin{center}x \emph{y}\end{center}", r"\begin{it}", r"\end{it}",
    "{", "}", "{", "}", "{", "}", " ", " ", "\n",
    # maths, lone dollars included
    "$x$", "$a b$", r"$\alpha$", "$", "$", "$$", r"\(x\)", r"\[y\]", r"\(",
    # accents with every kind of argument, letter macros, combining marks
    r"\'", r"\`{", r"\~{", r"\^", r'\"{', r"\c{", r"\v ", r"\H{", r"\u{", r"\={", r"\.", r"\k{", r"\'e",
    r"\'{E}", r'\"{o}', r"\v s", r"\~{}", r"{\'\i}", r"\ss", r"\o", r"\i", r"\aa", r"\o{}", r"\L{}", r"\AA{}",
    "\u0301", "\u0308", "\u030c",
    # characters, ligatures, specials
    "e", "A", "x", "Ab", "é", "ı", "0", ".", "-", "--", "~", "``", "''", "`", "'", "!", "?", "&", "#", "_", "^",
    r"\\", r"\{", r"\}", r"\%", r"\$", r"\&", "%", r"\,", r"\ ",
    # symbols, logos and macros with arguments from the tables
    r"\alpha", r"\alpha ", r"\ldots{}", r"\dag", r"\TeX", r"\LaTeX{}", r"\slash", r"\textrm{", r"\mbox{",
    r"\enquote{", r"\mkbibquote{", r"\url{a~b}", r"\cite{a,b}",
]


_NESTING = re.compile(r"\\\\|\\[{}]|\\(begin|end)\{([^{}]*)\}|[{}]")


def _environments_nest(value: str) -> bool:
    """Every \\begin{x} has its \\end{x}, nested properly with the brace groups."""
    stack: list[str] = []
    for match in _NESTING.finditer(value):
        token = match.group()
        if match.group(1) == "begin" or token == "{":
            stack.append(match.group(2) or "{")
        elif match.group(1) == "end" or token == "}":
            if not stack or stack.pop() != (match.group(2) or "{"):
                return False
    return not stack


_MATHS = re.compile(r"\$\$([^$]+?)\$\$|\$([^$]+)\$|\\\(((?:(?!\\\)).)*)\\\)|\\\[((?:(?!\\\]).)*)\\\]", re.S)


def _maths_pair(value: str) -> bool:
    """Every maths delimiter has its partner, and no maths body crosses a brace group."""
    value = re.sub(r"\\[\\$]", "", value)  # \$ and \\ are no delimiters
    for match in _MATHS.finditer(value):
        body = next(body for body in match.groups() if body is not None)
        if "$" in body or re.search(r"\\[()\[\]]|\\(?:begin|end)(?![A-Za-z])", body) \
                or not _is_balanced_by_character(body):
            return False
    rest = _MATHS.sub("", value)
    return "$" not in rest and not re.search(r"\\[()\[\]]", rest)


def _macros_known(value: str) -> bool:
    """Every control word is one refconv's tables (or pylatexenc's) give a meaning."""
    from converters.text.tex_tables import pylatexenc_tables

    pyl = pylatexenc_tables()
    for match in re.finditer(r"\\\\|\\([A-Za-z]+)", value):
        name = match.group(1)
        if name and not (name in tex._HANDLERS or name in pyl.symbols or name in pyl.accents
                         or name in pyl.templates):
            return False
    return True


# rules a divergence can name instead of a pattern: the text is skipped when the rule is False
_RULES = {"environments-nest": _environments_nest, "maths-pair": _maths_pair, "macros-known": _macros_known}


def _skipped(value: str) -> str | None:
    """The reason of the known divergence that covers the text, if any."""
    for entry in DIVERGENCES:
        if "pattern" in entry and re.search(entry["pattern"], value):
            return entry["reason"]
        if "rule" in entry and not _RULES[entry["rule"]](value):
            return entry["reason"]
    return None


def _balanced(tokens: list[str]) -> str:
    """The tokens with braces paired: a "}" without its "{" is dropped, open groups closed at the end."""
    out, depth = [], 0
    for token in tokens:
        braces = re.sub(r"\\.", "", token)
        change = braces.count("{") - braces.count("}")
        if depth + change < 0:
            continue
        depth += change
        out.append(token)
    return "".join(out) + "}" * depth


# Fresh examples on every run under HYPOTHESIS_PROFILE=thorough (tests/conftest.py): a new
# disagreement fails and goes into known_divergences/tex_pylatexenc.json with its reason, or gets fixed.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_TOKENS), max_size=12).map(_balanced))
def test_the_tokenizer_agrees_with_pylatexenc_on_well_formed_tex(value):
    if not _is_balanced_by_character(value) or _skipped(value):
        return  # unbalanced text is escaped as plain by writers, never decoded
    logging.disable(logging.WARNING)  # pylatexenc logs each macro argument it misses
    try:
        for protect in (False, True):
            assert ours(value, protect) == oracle_spans(value, protect)
    finally:
        logging.disable(logging.NOTSET)
    # text with no TeX in it comes back as it was, not normalised (e + combining acute stays so)
    assert tex.nfc(tex.tex_to_unicode(value)) == tex.nfc(tex.flatten(tex.scan(value, protect=False)))


@pytest.mark.parametrize("entry", DIVERGENCES, ids=lambda entry: entry["input"])
def test_each_known_divergence_is_as_listed(entry):
    """The table stays true: both outputs are what it says, and its pattern matches its input."""
    logging.disable(logging.WARNING)
    try:
        assert tex.tex_to_unicode(entry["input"]) == entry["ours"]
        assert tex.nfc(tex.flatten(oracle_spans(entry["input"]))) == entry["pylatexenc"]
    finally:
        logging.disable(logging.NOTSET)
    assert entry["ours"] != entry["pylatexenc"]
    assert _skipped(entry["input"]) == entry["reason"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=12).map("".join))
def test_every_generated_text_is_decoded_by_the_tokenizer_alone(value):
    """No text reaches pylatexenc's parser: the tokenizer decodes it all, and markup's spans are its."""
    import pylatexenc.latexwalker as walker

    original = walker.LatexWalker.get_latex_nodes

    def refuse(*args, **kwargs):
        # learning what a one-argument macro does (tex_tables._OneArgument, once a process, on
        # "\\name{o}") is not parsing the text
        if any(frame.f_code.co_name == "_classify" for frame, _ in traceback.walk_stack(None)):
            return original(*args, **kwargs)
        raise AssertionError("pylatexenc's parser was asked to parse text")

    walker.LatexWalker.get_latex_nodes = refuse
    try:
        protect = _is_balanced_by_character(value)
        result = spans(Text(value, Syntax.BIBTEX if protect else Syntax.TEX))
        # text with no TeX comes back as written (e + U+0301 stays so); the tokens are what is compared
        assert _merge([Span(s.kind, s.content if s.kind == "math" else tex.nfc(s.content)) for s in result]) \
            == ours(value, protect)
        tex.tex_to_unicode(value)
    finally:
        walker.LatexWalker.get_latex_nodes = original


# --- brace matching -------------------------------------------------------------------

def _group_end_by_character(value: str, start: int) -> int | None:
    """The character-by-character matcher group_end replaced: the reference."""
    opening = value[start]
    closing = "}" if opening == "{" else "]"
    depth, i = 0, start
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            i += 2
            continue
        if ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _is_balanced_by_character(value: str) -> bool:
    depth, escaped = 0, False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "{}":
            depth += 1 if ch == "{" else -1
            if depth < 0:
                return False
    return depth == 0


@settings(max_examples=500)
@given(st.text(alphabet="{}[]\\a \n", max_size=24), st.integers(0, 23))
def test_brace_matching_agrees_with_the_character_by_character_matcher(value, start):
    assert tex.is_balanced(value) == _is_balanced_by_character(value)
    if value and value[start % len(value)] in "{[":
        assert tex.group_end(value, start % len(value)) == _group_end_by_character(value, start % len(value))


@pytest.mark.parametrize(("value", "start", "end"), [
    ("{a}", 0, 3), ("x{a{b}c}y", 1, 8), (r"{a\}b}", 0, 6), (r"{a\\}b}", 0, 5), ("{a", 0, None),
    ("[a{]}]", 0, 4), (r"[\]]", 0, 4), ("{a\\", 0, None),
])
def test_group_end(value, start, end):
    assert tex.group_end(value, start) == end


@pytest.mark.parametrize(("value", "balanced"), [
    ("", True), ("no braces", True), ("{a}", True), ("}{", False), (r"\{", True), (r"\\{", False), ("{{}", False),
])
def test_is_balanced(value, balanced):
    assert tex.is_balanced(value) is balanced
