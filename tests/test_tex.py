"""TeX <-> Unicode: a table of cases checked by hand, maths untouched, round trips."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from converters.model import Syntax, Text
from converters.text import tex
from converters.text.markup import Span, spans, to_csl, to_plain, to_tex

# (TeX source, Unicode it means)
DECODE = [
    # TeX's quotes: `` and '' are double, a lone ` a left single quote and the ' closing it a right
    # one; any other ' is an apostrophe, kept ASCII (O'Neil, it's)
    ("``double''", "“double”"), ("`Manual'", "‘Manual’"), ("it's `a' b", "it's ‘a’ b"), ("O'Neil", "O'Neil"),
    ("`open", "‘open"), (r"\emph{`x'}", "‘x’"), (r"`{Manual}'", "‘Manual’"), ("$`x'$", "$`x'$"),
    # acute, grave, circumflex, diaeresis, tilde, macron, dot, breve, caron, double acute
    (r"\'e", "é"), (r"\'{e}", "é"), (r"{\'e}", "é"), (r"\'E", "É"), (r"\'{A}", "Á"),
    (r"\`a", "à"), (r"\`{E}", "È"), (r"{\`u}", "ù"),
    (r"\^o", "ô"), (r"\^{I}", "Î"), (r"{\^e}", "ê"),
    (r'\"u', "ü"), (r'\"{o}', "ö"), (r'{\"O}', "Ö"), (r'\"{y}', "ÿ"),
    (r"\~n", "ñ"), (r"\~{N}", "Ñ"), (r"{\~a}", "ã"),
    (r"\=a", "ā"), (r"\={o}", "ō"), (r"{\=E}", "Ē"),
    (r"\.z", "ż"), (r"\.{Z}", "Ż"), (r"{\.I}", "İ"),
    (r"\u{g}", "ğ"), (r"\u{a}", "ă"), (r"{\u A}", "Ă"),
    (r"\v{s}", "š"), (r"{\v s}", "š"), (r"\v{c}", "č"), (r"\v{Z}", "Ž"), (r"\v{r}", "ř"), (r"\v{C}", "Č"),
    (r"\v{e}", "ě"), (r"\v{n}", "ň"),
    (r"\H{o}", "ő"), (r"\H{O}", "Ő"), (r"\H{u}", "ű"),
    # cedilla, ogonek, ring
    (r"\c{c}", "ç"), (r"\c c", "ç"), (r"{\c{C}}", "Ç"), (r"\c{s}", "ş"), (r"\c{S}", "Ş"),
    (r"\k{a}", "ą"), (r"\k{e}", "ę"), (r"\k{E}", "Ę"),
    (r"\r{a}", "å"), (r"\r{u}", "ů"), (r"\r{U}", "Ů"),
    # dotless i and j under accents
    (r"{\'\i}", "í"), (r"\'{\i}", "í"), (r"\^{\i}", "î"), (r'\"{\i}', "ï"), (r"\`{\i}", "ì"),
    # letters that are macros of their own
    (r"{\ss}", "ß"), (r"\ss{}", "ß"), (r"{\o}", "ø"), (r"{\O}", "Ø"), (r"{\ae}", "æ"), (r"{\AE}", "Æ"),
    (r"{\oe}", "œ"), (r"{\OE}", "Œ"), (r"{\aa}", "å"), (r"{\AA}", "Å"), (r"{\l}", "ł"), (r"{\L}", "Ł"),
    (r"{\i}", "ı"),
    # ligatures, spaces, quotes
    ("a--b", "a–b"), ("a---b", "a—b"), ("a~b", "a\u00a0b"), ("``q''", "“q”"),
    # single quotes stay ASCII: in data they are mostly apostrophes, not TeX quotes
    ("O'Brien", "O'Brien"),
    # escaped specials
    (r"\&", "&"), (r"\%", "%"), (r"\$", "$"), (r"\#", "#"), (r"\_", "_"), (r"\{", "{"), (r"\}", "}"),
    # bare % is literal in bibliographic data, not a TeX comment
    ("50% of", "50% of"),
    # words and names as they appear in real bibliographies
    (r'Schr{\"o}dinger', "Schrödinger"), (r"Erd{\H{o}}s", "Erdős"), (r"Dvo{\v{r}}{\'a}k", "Dvořák"),
    (r'G{\"o}del', "Gödel"), (r"Poincar{\'e}", "Poincaré"), (r"Fran{\c{c}}ois", "François"),
    (r"Bj{\o}rn", "Bjørn"), (r"{\L}ukasz", "Łukasz"), (r"Gau{\ss}", "Gauß"), (r"Jos{\'e}", "José"),
    (r'M{\"u}ller', "Müller"), (r"Ku{\v{c}}era", "Kučera"), (r"Pr{\'\i}stup", "Prístup"),
    (r'{\AA}ngstr{\"o}m', "Ångström"), (r"Bal\'azs", "Balázs"), (r"Tom\`as", "Tomàs"), (r"{\O}bro", "Øbro"),
    (r"{\v{S}}koda", "Škoda"), (r"Wroc{\l}aw", "Wrocław"), (r"Sm{\'\i}d", "Smíd"), (r"{\'E}mile Zola", "Émile Zola"),
    (r"Ca{\~n}ada", "Cañada"), (r"S{\~a}o Paulo", "São Paulo"), (r"Krak{\'o}w", "Kraków"),
    (r"Gr{\"u}{\ss}e", "Grüße"), (r"Ha{\v{s}}ek", "Hašek"), (r"{\c{C}}elik", "Çelik"),
    (r"Pe{\~n}a", "Peña"), (r"N{\o}rskov", "Nørskov"), (r"{\AE}sop", "Æsop"),
    # braces only group
    ("{DNA} and {RNA}", "DNA and RNA"), ("{{nested}}", "nested"),
]

# maths must come out exactly as it went in
MATH = [
    r"$\omega$", r"$x^2$", r"$\alpha + \beta$", r"$\mathcal{O}(n)$", r"$E = mc^2$", r"$\frac{1}{2}$",
    r"$\sqrt{2}$", r"$\{x_i\}$", r"$a_{ij}$", r"$\bar{\mathbf{G}}$", r"$SU(3)\times SU(2)$", r"$d \le 8$",
]


@pytest.mark.parametrize(("source", "expected"), DECODE)
def test_tex_decodes_to_nfc_unicode(source, expected):
    decoded = tex.tex_to_unicode(source)
    assert decoded == expected
    assert unicodedata.is_normalized("NFC", decoded)


@pytest.mark.parametrize("math", MATH)
def test_maths_is_never_decoded(math):
    assert tex.tex_to_unicode(math) == math
    assert tex.tex_to_unicode(f"before {math} after") == f"before {math} after"
    assert spans(Text(f"a {math} b", Syntax.TEX)) == (Span("text", "a "), Span("math", math[1:-1]), Span("text", " b"))


@pytest.mark.parametrize("math", MATH)
def test_maths_survives_every_text_rendering(math):
    value = Text(rf"Accent {{\'e}} then {math}", Syntax.TEX)
    assert to_plain(value) == f"Accent é then {math}"
    assert to_csl(value).endswith(math)
    # kept whole; $...$ at the top level is also braced, so BibTeX's case change leaves it alone
    assert to_tex(value, mode="ascii").endswith((math, "{" + math + "}"))


def test_top_level_maths_in_a_title_is_protected_from_bibtex_case_changes():
    r"""plain.bst lowercases titles outside braces, maths included: $\Q(\sqrt{5})$ became $\q…$,
    an undefined control sequence (arXiv 0704.0011 under the real-tools tier)."""
    out = to_tex(Text(r"Modular forms over $\Q(\sqrt{5})$ via", Syntax.TEX), mode="ascii")
    assert out == r"Modular forms over {$\Q(\sqrt{5})$} via"


# (Unicode, TeX written in ascii mode): what 8-bit BibTeX needs
ENCODE_ASCII = [
    ("é", r"{\'e}"), ("É", r"{\'E}"), ("à", r"{\`a}"), ("ô", r"{\^o}"), ("ö", r'{\"o}'), ("Ö", r'{\"O}'),
    ("ñ", r"{\~n}"), ("ç", r"{\c{c}}"), ("š", r"{\v{s}}"), ("ő", r"{\H{o}}"), ("ß", r"{\ss}"), ("ø", r"{\o}"),
    ("Ø", r"{\O}"), ("æ", r"{\ae}"), ("Å", r"{\r{A}}"), ("ł", r"{\l}"), ("Ł", r"{\L}"), ("ı", r"{\i}"),
    ("Schrödinger", r'Schr{\"o}dinger'), ("Dvořák", r"Dvo{\v{r}}{\'a}k"), ("Øbro", r"{\O}bro"),
    # pylatexenc writes ű as \'u (wrong accent): we check every encoding and mend it
    ("Erdős Szűcs", r"Erd{\H{o}}s Sz{\H{u}}cs"), ("Ű", r"{\H{U}}"),
    ("ş", r"{\c{s}}"), ("ą", r"{\k{a}}"), ("þ", r"{\th}"),
]


@pytest.mark.parametrize(("unicode", "expected"), ENCODE_ASCII)
def test_unicode_encodes_to_tex_macros_in_ascii_mode(unicode, expected):
    assert tex.escape_plain(unicode, "ascii") == expected
    assert tex.tex_to_unicode(expected) == unicode


# ș has a comma below, not the cedilla of \c{s} (ş); Cyrillic's macros need T2A, Greek text
# LGR: pdflatex refuses them, as it refuses \symbol{"XXXX}. Written as {?}, and named.
UNMAPPED = ["ș", "中", "Ħ", "И", "\u0415\u0436", "ə"]


@pytest.mark.parametrize("unicode", UNMAPPED)
def test_ascii_mode_never_writes_symbol_and_names_what_has_no_standard_macro(unicode):
    missing: list[str] = []
    encoded = tex.escape_plain(f"x {unicode} y", "ascii", missing)
    assert "symbol" not in encoded and encoded.isascii()
    assert encoded == "x " + "{?}" * len(unicode) + " y"
    assert missing == list(unicode)


# Characters that have a standard LaTeX text macro, which pylatexenc misses or gets wrong
STANDARD = [("\u2009", r"{\,}"), ("\u00b7", r"{\textperiodcentered}"), ("\u00a0", "~"), ("\u2212", r"{\ensuremath{-}}")]


@pytest.mark.parametrize(("unicode", "expected"), STANDARD)
def test_ascii_mode_maps_every_character_that_has_a_standard_macro(unicode, expected):
    missing: list[str] = []
    assert tex.escape_plain(f"a{unicode}b", "ascii", missing) == f"a{expected}b"
    assert not missing


def test_ascii_mode_macros_are_all_ones_pdflatex_accepts():
    import re
    import unicodedata as ud

    for code in range(0xA0, 0x3000):
        char = chr(code)
        if ud.category(char) in ("Cn", "Cs", "Co", "Mn", "Me", "Cc"):
            continue
        macro = tex.ascii_macro(char)
        if macro is not None:
            assert set(re.findall(r"\\([A-Za-z]+|.)", macro)) <= tex.STANDARD_MACROS, (char, macro)


def test_utf8_mode_keeps_unicode_and_escapes_specials():
    assert tex.escape_plain("Schrödinger & Søn -- 50%", "utf8") == r"Schrödinger \& Søn -{}- 50\%"


def test_minimal_mode_escapes_only_what_would_break_the_field():
    assert tex.escape_plain("Schrödinger & Søn -- 50% {x} a\\b", "minimal") == \
        r"Schrödinger & Søn -- 50% {\textbraceleft}x{\textbraceright} a\textbackslash{}b"


SPECIALS = [
    ("50%", r"50\%"), ("A & B", r"A \& B"), ("a_b", r"a\_b"), ("#1", r"\#1"), ("$5", r"\$5"),
    ("{x}", r"{\textbraceleft}x{\textbraceright}"), ("a\\b", r"a\textbackslash{}b"), ("a~b", r"a\textasciitilde{}b"),
    ("x^2", r"x\textasciicircum{}2"),
    # TeX would join these into one glyph: plain text keeps them apart
    ("1--2", "1-{}-2"), ("a---b", "a-{}-{}-b"), ("``x''", r"\textasciigrave{}\textasciigrave{}x'{}'"),
    ("!`", r"!\textasciigrave{}"), ("a `b", r"a \textasciigrave{}b"),  # (TeX prints a bare ` as ‘)
]


@pytest.mark.parametrize(("plain", "expected"), SPECIALS)
def test_plain_specials_are_escaped_and_decode_back(plain, expected):
    assert tex.escape_plain(plain) == expected
    assert tex.tex_to_unicode(expected) == plain


def test_the_table_is_at_least_a_hundred_cases():
    assert len(DECODE) + len(MATH) + len(ENCODE_ASCII) + len(SPECIALS) >= 100


LATIN = "".join(chr(c) for c in range(0xC0, 0x180)
                if unicodedata.category(chr(c)).startswith("L") and chr(c) not in "ĸŉſ")


# (the letters with a standard macro: the others are written as {?}, see above)
@given(st.text(alphabet="".join(c for c in LATIN if tex.ascii_macro(c)) + "abcXYZ -.,'`!?", max_size=40))
def test_ascii_encoding_round_trips_latin_text(value):
    encoded = tex.escape_plain(value, "ascii")
    assert encoded.isascii()
    assert tex.tex_to_unicode(encoded) == unicodedata.normalize("NFC", value)


@given(st.text(alphabet="abc {}\\$%&#_~^ xyz", max_size=30))
def test_any_plain_text_escapes_to_balanced_tex_that_decodes_back(value):
    encoded = tex.escape_plain(value)
    assert tex.is_balanced(encoded)
    assert tex.tex_to_unicode(encoded) == value.replace("~", "~")


# --- case protection ----------------------------------------------------------------

PROTECT = [
    ("DeepSeek-R1: Incentivizing Reasoning in LLMs", "{DeepSeek-R1}: Incentivizing Reasoning in {LLMs}"),
    ("The Large N Limit", "The Large {N} Limit"),
    ("A study of mRNA and DNA", "A study of {mRNA} and {DNA}"),
    (r"Schr{\"o}dinger equations", r"Schr{\"o}dinger equations"),
    ("Part I of $N$ parts", "Part {I} of {$N$} parts"),
    (r"Already {DNA} braced", r"Already {DNA} braced"),
    (r"\LaTeX\ for iOS", r"\LaTeX\ for {iOS}"),
]


@pytest.mark.parametrize(("title", "expected"), PROTECT)
def test_case_protection_braces_only_what_needs_it(title, expected):
    assert tex.protect_case_tex(title) == expected
    assert not tex.protect_case_tex(title).startswith("{{")


def test_bibtex_braces_become_csl_nocase_and_come_back():
    value = Text("The {DNA} of {\\'E}mile", Syntax.BIBTEX)
    assert to_csl(value) == 'The <span class="nocase">DNA</span> of Émile'
    html = Text('The <span class="nocase">DNA</span> of Émile', Syntax.HTML)
    assert to_tex(html, mode="utf8") == "The {DNA} of Émile"


def test_csl_rich_text_markup_renders_per_target():
    value = Text("<i>E. coli</i> and H<sub>2</sub>O &amp; <b>x</b>", Syntax.HTML)
    assert to_plain(value) == "E. coli and H2O & x"
    assert to_tex(value, protect_case=False) == r"\textit{E. coli} and H\textsubscript{2}O \& \textbf{x}"


def test_csl_nodecor_comes_back_in_csl_and_is_plain_text_elsewhere():
    # citeproc's class="nodecor": text no style formats ("v." in an italic case name)
    value = Text('Lessard <span class="nodecor">v.</span> Schmidt', Syntax.HTML)
    assert to_csl(value) == 'Lessard <span class="nodecor">v.</span> Schmidt'
    assert to_plain(value) == "Lessard v. Schmidt"
    assert to_tex(value, protect_case=False) == "Lessard v. Schmidt"


@given(st.lists(st.sampled_from(["Ann", "Z.", "F.", "C.-P.", "Jean-Paul", "Øbro", "DeepSeek-AI", "O'Brien", "MacLeod",
                                 "É.", "Li", "Ng"]), min_size=1, max_size=4).map(" ".join))
def test_the_simple_name_fast_path_agrees_with_bibtex_rules(name):
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    from converters.text.names import _simple_first_last

    fast = _simple_first_last(name)
    assert fast is not None
    parts = parse_single_name_into_parts(name, strict=False)
    assert (fast.family, fast.given) == (" ".join(parts.last), " ".join(parts.first) or None)
    assert not parts.von and not parts.jr


def test_markup_macros_pylatexenc_does_not_know_keep_their_argument():
    value = Text(r"H\textsubscript{2}O, x\textsuperscript{2}, \mkbibemph{E. coli}, {H\textsubscript{2}}", Syntax.BIBTEX)
    assert to_csl(value) == 'H<sub>2</sub>O, x<sup>2</sup>, <i>E. coli</i>, <span class="nocase">H2</span>'
    assert tex.tex_to_unicode(r"H\textsubscript{2}O") == "H2O"


def test_ascii_mode_encodes_a_letter_with_combining_marks_nfc_cannot_compose():
    # x + U+0327 has no precomposed form (arXiv 2301 has such author names): the accent macro, not {?}
    missing: list[str] = []
    assert tex.escape_plain("Se\u0327vik x\u0327 \u00f8\u0304", "ascii", missing) == r"S{\c{e}}vik {\c{x}} {\o}{?}"
    assert missing == ["\u0304"]


def test_an_escaped_dollar_does_not_close_display_maths():
    # found by the pylatexenc property test (tests/test_tex_fast_path.py): $$\em\$$$ is one formula
    assert tex.scan(r"$$\em\$$$", protect=False) == [("math", r"\em\$")]
    assert tex.scan(r"$$a\\$$ b", protect=False) == [("math", r"a\\"), ("text", " b")]  # \\ is a line break


def test_a_combining_mark_after_a_macro_composes_with_the_letter_before():
    # found by the tokenizer property test (tests/test_tex_fast_path.py): \TeX then U+0308 is TeẌ, NFC
    assert spans(Text("\\TeX\\emph\\em{\u0308", Syntax.TEX)) == (Span("text", "Te\u1e8c"),)


def test_ascii_mode_writes_ligatures_as_letters_and_script_digits_with_kernel_macros():
    # PDF text copies "ﬁeld"; chemistry writes "H₂O": each was "{?}", a lost letter, in classic BibTeX
    missing: list[str] = []
    assert tex.encode_non_ascii("ﬁeld ﬂow eﬃcient H₂O x⁴ C₆₀", missing) == \
        r"field flow efficient H\textsubscript{2}O x\textsuperscript{4} C\textsubscript{6}\textsubscript{0}"
    assert missing == []


@pytest.mark.parametrize("tex_text, plain", [
    # maths symbols out of maths, as arXiv abstracts write them: the space after the macro is the author's
    (r"what proves that P \neq NP", "what proves that P ≠ NP"),  # 0704.0514
    (r"coordinates x^\mu (with \mu= 0", "coordinates x^μ (with μ= 0"),  # 0704.0064
    (r"$Z^0 \to 2\gamma$ and", "$Z^0 \\to 2\\gamma$ and"),  # (in maths: kept as maths)
    (r"Z^0 \to 2\gamma and", "Z^0 → 2γ and"),  # 0704.0921
    (r"mass M=3875.2\pm 0.7 MeV", "mass M=3875.2±0.7 MeV"),  # an operator written tight stays tight
    (r"Stra\ss e and \o re", "Straße and øre"),  # a Latin letter joins the word going on, as in TeX
])
def test_a_maths_symbol_out_of_maths_keeps_the_space_after_it(tex_text, plain):
    assert Text(tex_text, Syntax.TEX).plain() == plain


def test_a_text_macro_still_joins_the_word_after_its_space():
    # the BibLaTeX writer ends \textasciigrave with a space (biber needs it): it joins "i"
    assert Text(r"Shafi\textasciigrave i and Amiga\TeX\ldots or", Syntax.BIBTEX).plain() == "Shafi`i and AmigaTeX…or"
