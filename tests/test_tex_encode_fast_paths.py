"""The TeX writer's fast paths against the long ways they stand in for.

escape_text_specials() does the usual text with one regex substitution and hands the rest
to the token walk (_escape_text_specials); _pairs_up() accepts braces nested up to three
deep with one regex before it strips and pairs them. Each must give exactly what the long
way gives, on the texts that take the shortcut and on those that fall back.
"""

from __future__ import annotations

from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converters.text import tex_encode

# the characters and macros both paths decide on: maths delimiters, escapes, the specials,
# maths-only macros (with and without argument) and a macro that merely starts like one
_PIECES = st.sampled_from([
    "$", "$$", "\\$", "\\(", "\\)", "\\[", "\\]", "\\\\", "\\%", "%", "&", "#", "^", "_", "{", "}", "\\{",
    "\\alpha", "\\alphabet", "\\bar", "\\frac", "\\sim", "\\textit", "\\'", " ", "x", "10", "\\", "\n",
])
tex_texts = st.lists(st.one_of(_PIECES, st.text(alphabet="ab $\\{}%", max_size=3)), max_size=14).map("".join)


@settings(max_examples=3000)
@given(tex_texts)
def test_escape_text_specials_fast_path_matches_the_token_walk(text):
    assert tex_encode.escape_text_specials(text) == tex_encode._escape_text_specials(text)


@pytest.mark.parametrize("text, expected", [
    ("68% of $x_1$ & y", r"68\% of $x_1$ \& y"),
    ("$50% of a$ and $b$", r"$50\% of a$ and $b$"),  # % in maths would comment out the rest
    ("costs $5 and more", r"costs \$5 and more"),  # no closer: a dollar sign (the walk decides)
    ("$a$$b$", "$a$$b$"),  # "$$" inside inline maths is no closer (the walk decides)
    ("a \\sim 10 GeV \\bar D", "a \\ensuremath{\\sim} 10 GeV \\ensuremath{\\bar D}"),
    ("$\\{x$ y $\\}$", "$\\{x$ y $\\}$"),
    ("{$x} y$", "{\\$x} y\\$"),  # maths would leave its group: none
])
def test_escape_text_specials_known_texts(text, expected):
    assert tex_encode.escape_text_specials(text) == expected
    assert tex_encode._escape_text_specials(text) == expected


# 2103.11058's abstract writes an align outside $...$: its & _ ^ were escaped as text
# (\&=, \_{CP}, \textasciicircum{}) and \mathcal put in \ensuremath, which broke the maths
@pytest.mark.parametrize("text, expected", [
    ("we find \\begin{align} a_{CP} &= 1\\% \\\\ b^2 &= 2 \\end{align} with 5% & more",
     "we find \\begin{align} a_{CP} &= 1\\% \\\\ b^2 &= 2 \\end{align} with 5\\% \\& more"),
    ("\\begin{equation*} x # y \\end{equation*} and \\begin{foo} a_b \\end{foo}",
     "\\begin{equation*} x \\# y \\end{equation*} and \\begin{foo} a\\_b \\end{foo}"),
])
def test_a_maths_environment_in_text_is_maths(text, expected):
    assert tex_encode.escape_text_specials(text) == expected


def _pairs_reference(text: str) -> bool:
    """Every brace counted, escaped or not (as BibTeX counts them): never below zero, zero at the end."""
    depths = list(accumulate(1 if char == "{" else -1 for char in text if char in "{}"))
    return not depths or (min(depths) >= 0 and depths[-1] == 0)


@settings(max_examples=3000)
@given(st.text(alphabet="{}{}a\\", max_size=24))
def test_pairs_up_matches_a_brace_counter(text):
    assert tex_encode._pairs_up(text) == _pairs_reference(text)


@given(st.text(alphabet="{}a\\", max_size=20))
def test_balance_braces_shortcut_keeps_every_balanced_value(text):
    balanced = tex_encode.bibtex_balanced(text) and tex_encode.is_balanced(text)
    assert (tex_encode.balance_braces(text) == text) or not balanced


def _protect_each_word(text: str) -> str:
    """The long way for plain words: needs_protection asked about every word."""
    first = True

    def brace(match):
        nonlocal first
        word, is_first, first = match.group(), first, False
        return "{" + word + "}" if tex_encode.needs_protection(word, is_first) else word

    return tex_encode._WORD.sub(brace, text)


# words the shortcut passes by and words it must hand over: capitals inside, single capitals,
# the article "A" first and later, apostrophes, hyphens, underscores, digits, non-ASCII letters
_WORDS = st.sampled_from([
    "a", "A", "I", "x", "The", "the", "LHC", "DeepSeek-R1", "3D", "2x", "A-", "I'", "A’s", "don't", "-", "'", "’",
    "_", "foo_bar", "Baz_Q", "über", "Über", "ÜBER", "GmbH", "ǅemal", "Ärger", "é", "É", "x²", "ﬁne", " ", "  ",
    ",", ".", "(", ")", ":", "\t", "\n",
])
plain_texts = st.lists(st.one_of(_WORDS, st.text(alphabet="aA1_-'’ é.", max_size=4)), max_size=16).map("".join)


@settings(max_examples=3000)
@given(plain_texts)
def test_protect_case_fast_path_matches_asking_about_every_word(text):
    assert tex_encode._protect_plain_words(text) == _protect_each_word(text)


@pytest.mark.parametrize("text, expected", [
    ("A Study of I and DeepSeek-R1 in 3D", "A Study of {I} and {DeepSeek-R1} in {3D}"),
    ("I see", "I see"),  # the first word: a capital that starts a sentence
    ("part I of LLMs’ A- side", "part {I} of {LLMs’} A- side"),  # "A" is the article
    ("über GmbH Ärger", "über {GmbH} Ärger"),
])
def test_protect_case_known_plain_texts(text, expected):
    assert tex_encode.protect_case_tex(text) == expected == _protect_each_word(text)
