"""Unicode -> TeX for BibTeX output (re-exported by ``tex``, whose decoder this uses).

Two rules drive everything here, because BibTeX, biber and pybtex read a value by
counting braces, and ``\\{`` counts as one for them:
- literal braces are written ``{\\textbraceleft}`` / ``{\\textbraceright}``, never ``\\{``;
- kept TeX is repaired, not rewritten: only its stray braces are replaced.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache, partial
from typing import Protocol

from .tex import _BRACE_TOKENS, nfc, tex_to_unicode
from .tex_tables import LATEX_UTF8_RANGES, MATH_ENVIRONMENTS

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "`": r"\textasciigrave{}",  # TeX prints a bare ` as a left quote (‘)
}
_SPECIALS_RE = re.compile("|".join(re.escape(c) for c in _SPECIALS))

TEX_MODES = ("utf8", "ascii", "minimal")


# TeX's accent commands. What each means in Unicode is taken from pylatexenc's decoder,
# not written here: see _combining_marks().
ACCENT_COMMANDS = ("'", "`", "^", '"', "~", "=", ".", "u", "v", "H", "c", "k", "r", "d", "b")

# Macros that pdflatex accepts in text with \usepackage[T1]{fontenc} and nothing else (found
# by compiling every encoding pylatexenc offers; the T2A Cyrillic, LGR Greek, TIPA and
# amssymb macros it also writes make pdflatex stop, as \symbol{"XXXX} does).
STANDARD_MACROS = frozenset("""
    " ' - . = ^ ` ~ , AE DH DJ Delta Downarrow Gamma H IJ L Lambda Leftarrow Leftrightarrow Longleftarrow
    Longleftrightarrow Longrightarrow NG O OE Omega Phi Pi Psi Rightarrow Sigma TH Theta Uparrow Updownarrow
    Upsilon Vert Xi ae aleph alpha amalg angle approx asymp b beta bigcap bigcup bigtriangledown bigtriangleup
    bigvee bigwedge bowtie bullet c cap cdots chi circ cong coprod cup d dashv ddots delta dh diamond dj doteq
    ell enskip ensuremath epsilon equiv eta exists forall frown gamma geq gg guillemotleft guillemotright
    guilsinglleft guilsinglright hookleftarrow hookrightarrow i ij in infty int iota k kappa l lambda langle
    lceil leftharpoondown leftharpoonup leftrightarrow leq lfloor ll lmoustache longleftarrow
    longleftrightarrow longmapsto longrightarrow mapsto mp mu nabla nearrow neq ng ni not notin nu nwarrow o
    odot oe oint omega ominus oplus oslash otimes parallel partial perp phi pi pm prec preceq prime prod
    propto psi quad quotedblbase quotesinglbase r rangle rceil rfloor rho rightharpoondown rightharpoonup
    rightleftharpoons rmoustache searrow sigma sim simeq smile sqcap sqcup sqsubseteq sqsupseteq ss star
    subset subseteq succ succeq sum supset supseteq swarrow tau textacutedbl textasciiacute textasciibreve
    textasciicaron textasciidieresis textasciimacron textasteriskcentered textbaht textbigcircle textblank
    textbrokenbar textbullet textcelsius textcent textcircledP textcolonmonetary textcompwordmark
    textcopyright textcurrency textdagger textdaggerdbl textdegree textdiscount textdiv textdong
    textdownarrow textellipsis textemdash textendash textestimated texteuro textexclamdown textflorin
    textfractionsolidus textinterrobang textleftarrow textlira textlnot textmho textmu textmusicalnote
    textnaira textnumero textonehalf textonequarter textonesuperior textopenbullet textordfeminine
    textordmasculine textparagraph textperiodcentered textpertenthousand textperthousand textpeso
    textquestiondown textquotedblleft textquotedblright textquoteleft textquoteright textrecipe
    textreferencemark textregistered textrightarrow textsection textservicemark textsterling textsubscript
    textsuperscript
    textthreequarters textthreesuperior texttimes texttrademark texttwosuperior textuparrow
    textvisiblespace textwon textyen th theta top triangleleft triangleright u updownarrow uplus upsilon v
    varepsilon varphi varpi varrho varsigma vartheta vdash vdots vee wedge wp wr xi zeta
""".split())

# Characters pylatexenc has no (or a wrong) macro for that LaTeX writes with a standard one.
# Decoding may give a near neighbour back (\, is read as a space).
_EXTRA_MACROS = {
    "\u00a0": "~",
    "\u00ad": r"\-",
    "\u00b7": r"{\textperiodcentered}",
    "\u2002": r"{\enskip}",
    "\u2003": r"{\quad}",
    "\u2007": r"{\enskip}",
    "\u2008": r"{\,}",
    "\u2009": r"{\,}",
    "\u200a": r"{\,}",
    "\u202f": r"{\,}",
    "\u2010": "-",
    "\u2011": "-",
    "\u02d9": r"{\.{}}",  # spacing accents, as \.{} and \c{} print them
    "\u00b8": r"{\c{}}",
    "\u2032": r"{\ensuremath{\prime}}",
    "\u2212": r"{\ensuremath{-}}",
    # typographic ligatures (text copied from PDFs): TeX makes them from the letters
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
    "\ufb06": "st",
    # superscript and subscript digits and signs beyond latin-1's three (kernel macros since 2015)
    **{chr(code): rf"\textsuperscript{{{char}}}" for code, char in zip((0x2070, *range(0x2074, 0x207F)),
                                                                      "0456789+-=()", strict=True)},
    **{chr(0x2080 + i): rf"\textsubscript{{{char}}}" for i, char in enumerate("0123456789+-=()")},
    # line breaks stay line breaks: the writer turns each run into a space
    "\u0085": "\n",
    "\u2028": "\n",
    "\u2029": "\n\n",
}

# What ascii mode writes for a character with no standard macro (the writer warns)
UNMAPPED = "{?}"


@lru_cache(maxsize=1)
def _ascii_encoder():
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    # characters it has no macro for are ours to handle (encode_char): no log line for them
    return UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all",
                                 unknown_char_policy="fail", unknown_char_warning=False)


@lru_cache(maxsize=1)
def _combining_marks() -> dict[str, str]:
    """Combining mark -> TeX accent command, by decoding each command with pylatexenc."""
    marks: dict[str, str] = {}
    for command in ACCENT_COMMANDS:
        decoded = unicodedata.normalize("NFD", tex_to_unicode(f"\\{command}{{o}}"))
        if decoded[:1] == "o" and len(decoded) == 2 and unicodedata.combining(decoded[1]):
            marks.setdefault(decoded[1], command)
    return marks


_MACRO_NAMES = re.compile(r"\\([A-Za-z]+|.)")


def _standard(encoded: str) -> bool:
    return all(name in STANDARD_MACROS for name in _MACRO_NAMES.findall(encoded))


@cache
def ascii_macro(char: str) -> str | None:
    """One non-ASCII character as ASCII TeX with standard LaTeX macros, or None.

    pylatexenc's own encoding first, if it decodes back to exactly that character (it
    writes ű as \\'u); else the accents of the decomposed character; else our table.
    """
    if char in _EXTRA_MACROS:
        return _EXTRA_MACROS[char]
    try:
        encoded = _ascii_encoder().unicode_to_latex(char)
        if encoded.isascii() and _standard(encoded) and tex_to_unicode(encoded) == char:
            return encoded
    except ValueError:
        pass
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    table = _combining_marks()
    if marks and base.isascii() and base.isalpha() and all(m in table for m in marks):
        encoded = base
        for mark in marks:
            encoded = f"\\{table[mark]}{{{encoded}}}"
        encoded = "{" + encoded + "}"
        if _standard(encoded) and tex_to_unicode(encoded) == char:
            return encoded
    return None


def encode_char(char: str) -> str:
    """ascii_macro(char), or UNMAPPED: never \\symbol, which pdflatex refuses."""
    return ascii_macro(char) or UNMAPPED


# A non-ASCII character, or a letter with combining marks NFC has no character for ("ȩ")
_NON_ASCII = re.compile(r"[A-Za-z]?[\u0300-\u036f]+|[^\x00-\x7f][\u0300-\u036f]*")


# Character pairs TeX would join into one glyph (-- is an en dash); plain text keeps them
# apart with an empty group.
_LIGATURES = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[!?])(?=`)")


_STRUCTURAL = re.compile(r"[\\{}]")
# what either substitution of escape_plain would change: a special or a ligature pair
_TO_ESCAPE = re.compile(r"[\\{}#$%&_~^`]|--|''")


class CharSink(Protocol):
    """Where the encoder notes a character it has no macro for (a list will do)."""

    def append(self, char: str, /) -> None: ...


def escape_plain(value: str, mode: str = "utf8", missing: CharSink | None = None) -> str:
    """Plain text to TeX.

    ``utf8``: TeX's specials (``# $ % & _ { } ~ ^ \\``) get macros, Unicode stays;
    ``ascii``: the same, and non-ASCII characters become macros (8-bit BibTeX);
    ``minimal``: only ``\\ { }``, which would change the structure of a .bib value or
    start a command, are escaped; everything else is written as it is.
    ``missing`` collects the characters ascii mode had no macro for.
    """
    if mode == "minimal":
        return _STRUCTURAL.sub(lambda m: _SPECIALS[m.group()], value)
    if _TO_ESCAPE.search(value) is None:  # most names and titles: one scan instead of two subs
        return encode_non_ascii(value, missing) if mode == "ascii" else value
    escaped = _SPECIALS_RE.sub(lambda m: _SPECIALS[m.group()], value)
    escaped = _LIGATURES.sub("{}", escaped)
    return encode_non_ascii(escaped, missing) if mode == "ascii" else escaped


def encode_non_ascii(tex: str, missing: CharSink | None = None) -> str:
    """Replace non-ASCII characters in TeX source by TeX macros (``ö`` -> ``{\\"o}``);
    one without a standard macro becomes UNMAPPED and is appended to ``missing``."""
    if tex.isascii():
        return tex

    def encode(match: re.Match[str]) -> str:
        found = match.group()
        macro = ascii_macro(found)
        if macro is not None:
            return macro
        if len(found) > 1:  # the characters one by one: an ASCII base letter stays
            return "".join(c if c.isascii() else _NON_ASCII.sub(encode, c) for c in found)
        if missing is not None:
            missing.append(found)
        return UNMAPPED

    return _NON_ASCII.sub(encode, nfc(tex))


def is_balanced(tex: str) -> bool:
    """True when every unescaped ``{`` has its ``}`` (how TeX pairs them)."""
    if "{" not in tex and "}" not in tex:
        return True  # most url/doi fields and many titles: no need to look at each character
    if "\\" in tex:
        tex = _ESCAPE.sub("", tex)  # the same escape tokens _BRACE_TOKENS finds, left to right
    return _pairs_up(tex)


_ESCAPE = re.compile(r"\\.", re.DOTALL)
_NOT_BRACE = re.compile(r"[^{}]+")
_PAIRED = re.compile(r"(?:[^{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\})*+")


def _pairs_up(text: str) -> bool:
    """Whether the braces of text pair up, each ``}`` closing an earlier ``{``: removing
    adjacent pairs until none is left empties exactly such a brace sequence. Scans in C,
    one pass per nesting level, where a loop over the braces ran in Python."""
    if _PAIRED.fullmatch(text):  # three levels deep at most: nearly every value, in one scan
        return True
    if text.count("{") != text.count("}"):
        return False
    braces = _NOT_BRACE.sub("", text)
    for _ in range(8):  # deeper nesting (hostile input) is counted below: the passes would be quadratic
        if "{}" not in braces:
            return not braces
        braces = braces.replace("{}", "")
    depth = 0
    for brace in braces:
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def bibtex_balanced(value: str) -> bool:
    """True when BibTeX, biber and pybtex find the braces balanced: they count ``\\{`` too."""
    if "{" not in value and "}" not in value:
        return True
    return _pairs_up(value)


def balance_braces(tex: str) -> str:
    """``tex`` with each brace that a parser would find unmatched written as a literal brace.

    BibTeX, biber and pybtex count ``\\{`` as a brace, bibtexparser and TeX do not. So the
    plain braces must pair among themselves, and so must the escaped ones: then every
    reader finds the value balanced. Pairs (``{x}``, ``$\\{x\\}$``) stay as they are; a
    stray ``}`` or ``\\}`` (arXiv 0704.0950 has "(-3.4}") becomes ``{\\textbraceright}``.
    """
    if bibtex_balanced(tex) and ("\\{" not in tex and "\\}" not in tex or is_balanced(tex)):
        return tex  # (with no escaped brace, TeX pairs the same braces as BibTeX)
    plain: list[int] = []
    escaped: list[int] = []
    stray: list[int] = []
    for match in _BRACE_TOKENS.finditer(tex):
        token = match.group()
        if token in ("{", "}"):
            opened, at = plain, match.start()
        elif token in ("\\{", "\\}"):
            opened, at = escaped, match.start() + 1
        else:
            continue  # another escape (\\\\, \\%): no brace
        if token.endswith("{"):
            opened.append(at)
        elif opened:
            opened.pop()
        else:
            stray.append(at)
    out: list[str] = []
    pos = 0
    for at in sorted(stray + plain + escaped):
        out.append(tex[pos : at - 1 if _odd_backslashes_before(tex, at) else at])
        out.append(_SPECIALS[tex[at]])
        pos = at + 1
    out.append(tex[pos:])
    return "".join(out)


def _odd_backslashes_before(text: str, at: int) -> bool:
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def close_trailing_backslash(tex: str) -> str:
    """A value ending in an unpaired backslash would escape the brace that closes it."""
    if tex.endswith("\\") and _odd_backslashes_before(tex + "}", len(tex)):
        return tex[:-1] + r"{\textbackslash}"
    return tex


# Outside maths, these mean themselves in arXiv's text (68% confidence, A&A, phi^4)
_TEXT_SPECIALS = {"%": r"\%", "&": r"\&", "#": r"\#", "^": r"\textasciicircum{}", "_": r"\_"}
_MATH_OPEN = {"$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]"}
# Maths macros of base LaTeX that arXiv authors write outside maths (\gamma-ray, \sim 10 GeV,
# \Lambda CDM): LaTeX stops on them there, so they get \ensuremath
MATH_ONLY = frozenset("""
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho
    varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon
    Phi Psi Omega pm mp times div cdot sim simeq approx propto leq geq le ge ll gg neq ne equiv infty partial
    nabla odot oplus otimes ell hbar prime rightarrow leftarrow to gets Rightarrow leftrightarrow
""".split())
# Maths macros taking an argument (\bar D, \hat{p}, \mathrm{GeV}; \frac two): outside maths they are
# wrapped in \ensuremath with their argument, as \ensuremath{\bar} alone would lose it
MATH_ONE_ARG = frozenset("""
    bar hat tilde vec dot ddot check breve acute grave widehat widetilde overline mathrm mathbf
    mathit mathcal mathsf mathtt sqrt frac
""".split())
_SPECIAL_TOKENS = re.compile(r"\\[A-Za-z]+|\\.|\$\$|\$|[%&#^_]", re.DOTALL)
# Text the loop below would change holds one of these (a superset: without any, it is returned as it is)
_MAY_CHANGE = re.compile(r"[%&#^_$]|\\[()\[\]]|\\(?:"
                         + "|".join(sorted(MATH_ONLY | MATH_ONE_ARG, key=len, reverse=True))
                         + r")(?![A-Za-z])")
# In maths, % still starts a comment and # is a macro parameter: arXiv's authors mean the signs
_MATH_SPECIALS = re.compile(r"\\.|[%#]", re.DOTALL)
# The argument of a MATH_ONE_ARG macro: blanks, then a group (one level of nesting), a macro or a character
_ARGUMENT = re.compile(r"\s*(?:\{(?:[^{}\\]|\\.|\{(?:[^{}\\]|\\.)*\})*\}|\\[A-Za-z]+|\\.|[^\s{}\\$])", re.DOTALL)


def _arguments(tex: str, at: int, name: str) -> int | None:
    """Where the argument(s) of a MATH_ONE_ARG macro end (\\frac has two), or None."""
    for _ in range(2 if name == "frac" else 1):
        argument = _ARGUMENT.match(tex, at)
        if argument is None:
            return None
        at = argument.end()
    return at


def _escape_in_math(math: str) -> str:
    return _MATH_SPECIALS.sub(lambda m: "\\" + m.group() if len(m.group()) == 1 else m.group(), math)


def escape_text_specials(tex: str) -> str:
    """Escape ``% & # ^ _`` outside maths in TeX written by people who mean the characters,
    and put maths macros found there (MATH_ONLY, MATH_ONE_ARG with its argument) in
    ``\\ensuremath``.

    Maths (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``, ``\\begin{align}…``) and escapes
    (``\\%``) are left alone, but for ``%`` and ``#`` in maths, which would comment out the
    rest of the line or stop LaTeX; a ``$`` that no later ``$`` closes is a dollar sign and is
    escaped too.
    """
    if "\\begin{" in tex and _MATH_ENVIRONMENT.search(tex):  # (2103.11058's abstract: an align)
        out: list[str] = []
        pos = 0
        for match in _MATH_ENVIRONMENT.finditer(tex):
            out += [_specials_outside_maths(tex[pos : match.start()]), _escape_in_math(match.group())]
            pos = match.end()
        out.append(_specials_outside_maths(tex[pos:]))
        return "".join(out)
    return _specials_outside_maths(tex)


def _specials_outside_maths(tex: str) -> str:
    try:
        return _SIMPLE_SPECIALS.sub(_simple_special, tex)
    except _NotSimple:
        return _escape_text_specials(tex)


# a maths environment written in text, as $...$ is: its & _ ^ are the maths'
_MATH_ENVIRONMENT = re.compile(r"\\begin\{(" + "|".join(re.escape(env) for env in sorted(MATH_ENVIRONMENTS))
                               + r")\}.*?\\end\{\1\}", re.DOTALL)


class _NotSimple(Exception):
    """The text needs the token walk below: something the one-pass substitution cannot decide."""


# One scan for the usual text (arXiv abstracts): maths whose first closer is its own,
# escapes, the characters to escape and the maths-only macros. What this cannot decide
# alone (a maths opener with no plain closer, \( \[, a macro with an argument) raises
# _NotSimple, and the token walk does the whole text: tests prove the two agree.
_MATH_BODY = r"[^$\\]*+(?:\\.[^$\\]*+)*+"  # up to the next unescaped $
_SIMPLE_SPECIALS = re.compile(
    r"\$\$(?P<display>" + _MATH_BODY + r")\$\$"
    r"|\$(?!\$)(?P<inline>" + _MATH_BODY + r")\$(?!\$)"
    r"|\\(?:(?P<macro>" + "|".join(sorted(MATH_ONLY | MATH_ONE_ARG, key=len, reverse=True))
    + r")(?![A-Za-z])|[()\[\]]|[^A-Za-z])"
    # single characters as branches of their own, not a class: then every branch opens with a
    # literal and the regex engine skips to the next candidate character in C
    r"|%|&|\#|\^|_|\$", re.DOTALL)


def _simple_special(match: re.Match[str]) -> str:
    token = match.group()
    if token in _TEXT_SPECIALS:
        return _TEXT_SPECIALS[token]
    math = match.group("inline")
    if math is None:
        math = match.group("display")
    if math is not None:
        if not is_balanced(math):
            raise _NotSimple
        return _escape_in_math(token) if "%" in math or "#" in math else token
    macro = match.group("macro")
    if macro in MATH_ONLY:
        return r"\ensuremath{" + token + "}"
    if macro is None and token[0] == "\\" and token[1] not in "()[]":
        return token  # an escape: \% \$ \\ \' ...
    raise _NotSimple  # a $ no plain closer closes, \( \[ \) \], or a macro taking an argument


def _escape_text_specials(tex: str) -> str:
    """escape_text_specials by walking the tokens: the general case."""
    if not _MAY_CHANGE.search(tex):
        return tex
    out: list[str] = []
    pos = 0
    tokens = list(_SPECIAL_TOKENS.finditer(tex))
    i = 0
    while i < len(tokens):
        match = tokens[i]
        token = match.group()
        closer = _MATH_OPEN.get(token)
        if closer:
            # the first closer that leaves the braces balanced: "$\textbf{a $b$ c}$" is maths with
            # maths inside; in "{$x} y$" the maths would leave its group, so it is none
            end = next((j for j in range(i + 1, len(tokens)) if tokens[j].group() == closer
                        and is_balanced(tex[match.end() : tokens[j].start()])), None)
            if end is not None:
                # the maths, up to its closing delimiter, is copied as it is but for % and #
                out.append(tex[pos : match.start()] + _escape_in_math(tex[match.start() : tokens[end].end()]))
                pos = tokens[end].end()
                i = end + 1
                continue
            out.append(tex[pos : match.start()] + (r"\$" * len(token) if token.startswith("$")
                                                   else "{\\textbackslash}" + token[1]))
            pos = match.end()
        elif token in ("\\)", "\\]"):  # a closer nothing opened: LaTeX stops on it
            out.append(tex[pos : match.start()] + "{\\textbackslash}" + token[1])
            pos = match.end()
        elif token in _TEXT_SPECIALS:
            out.append(tex[pos : match.start()] + _TEXT_SPECIALS[token])
            pos = match.end()
        elif token[1:] in MATH_ONLY:
            out.append(tex[pos : match.start()] + r"\ensuremath{" + token + "}")
            pos = match.end()
        elif token[1:] in MATH_ONE_ARG and (argument := _arguments(tex, match.end(), token[1:])):
            out.append(tex[pos : match.start()] + r"\ensuremath{" + token + tex[match.end() : argument] + "}")
            pos = argument
            while i + 1 < len(tokens) and tokens[i + 1].start() < pos:
                i += 1  # tokens inside the argument are the argument's
        i += 1
    out.append(tex[pos:])
    return "".join(out)


# --- case protection ------------------------------------------------------------------

_WORD = re.compile(r"[^\W_][\w'’-]*")


def needs_protection(word: str, first: bool = False) -> bool:
    """Words a sentence-casing style must not lowercase: inner capitals, all caps, and a
    lone capital that is a symbol ("Large N Limit", "Part I"), not the article "A"."""
    core = word.rstrip("'’-")
    if len(core) == 1:
        return core.isupper() and not first and core != "A"
    rest = core[1:]
    return not rest.islower() and any(c.isupper() for c in rest)  # islower: most words, in C


def protect_words(text: str, first: bool = True) -> list[tuple[bool, str]]:
    """Split plain text into (protect?, chunk) pieces."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for match in _WORD.finditer(text):
        is_first, first = first, False
        if needs_protection(match.group(), is_first):
            if match.start() > pos:
                out.append((False, text[pos : match.start()]))
            out.append((True, match.group()))
            pos = match.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


# Words needs_protection always passes (a lowercase letter or digit, then no capital; a
# capital, then at least one more letter or digit and no capital), ASCII only, whole words
# as _WORD finds them; and what _WORD steps over. A regex run over them in C leaves a Python
# call for the few words that may need braces (any other word, non-ASCII ones included).
_SAFE_RUN = (r"(?:(?:[a-z0-9][a-z0-9_'’-]*+|[A-Z](?=[a-z0-9_'’-]*[a-z0-9_])[a-z0-9_'’-]*+)(?![\w'’-])"
             r"|[\W_])*+")
_NEXT_CANDIDATE = re.compile(_SAFE_RUN + r"([^\W_][\w'’-]*+)?")


def _protect_plain_words(text: str) -> str:
    """protect_case_tex for text without groups, maths or macros: each word needing it braced."""
    first_word = _WORD.search(text)
    if first_word is None:
        return text
    first_at = first_word.start()

    def brace(match: re.Match[str]) -> str:
        word = match.group(1)
        if word is None or not needs_protection(word, match.start(1) == first_at):
            return match.group()
        return text[match.start() : match.start(1)] + "{" + word + "}"

    return _NEXT_CANDIDATE.sub(brace, text)


_MATH_CLOSE = re.compile(r"(?<!\\)\$")


_TEX_STRUCTURE = re.compile(r"[\\{}$]")


def protect_case_tex(tex: str) -> str:
    """Brace words needing protection in TeX source, outside groups, maths and macro names."""
    if _TEX_STRUCTURE.search(tex) is None:  # plain words: no group, maths or macro to step over
        return _protect_plain_words(tex)
    out: list[str] = []
    depth = 0
    in_math = False
    first = True
    i = 0
    n = len(tex)
    while i < n:
        ch = tex[i]
        if ch == "\\":
            match = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            token = match.group() if match else ch
            out.append(token)
            i += len(token)
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "$" and depth == 0 and not in_math:
            # maths at the top level is braced too: BibTeX's change.case$ knows no maths and would
            # lowercase its macros ($\Q(\sqrt{5})$ -> $\q...$, an undefined control sequence)
            close = _MATH_CLOSE.search(tex, i + 1)
            if close is not None:
                out.append("{" + tex[i : close.end()] + "}")
                i = close.end()
                first = False
                continue
            in_math = True
        elif ch == "$":
            in_math = not in_math
        elif depth == 0 and not in_math:
            match = _WORD.match(tex, i)
            if match:
                word = match.group()
                # a word glued to a following group ("Schr{\"o}dinger") is left alone
                glued = match.end() < n and tex[match.end()] in "{\\"
                out.append("{" + word + "}" if needs_protection(word, first) and not glued else word)
                first = False
                i = match.end()
                continue
        out.append(ch)
        i += 1
    return "".join(out)


# --- combining marks --------------------------------------------------------------------

_COMBINING = re.compile(r"[\u0300-\u036f]")
# a mark on nothing (after a blank or a brace) is an accent on an empty group: \'{}
_MARKED = re.compile(r"([^\\{}\s]|(?<!\\))([\u0300-\u036f]+)")
# An accent macro and its argument, as biber reads them ("\c{o}", "\'B", "\c{opyright}")
_ACCENT_MACRO = re.compile(r"\\([cvuHkrdb](?![A-Za-z])|['`^\"~=.])\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[A-Za-z])")


def _accent(command: str, argument: str, biber: bool, name: bool = False) -> str | None:
    """The accent macro on ``argument``, or None where biber leaves LaTeX no way to get it.

    biber turns accent macros into Unicode, and a mark with no precomposed character
    reaches LaTeX raw ("Unicode character U+0327 not set up"). It leaves \\'{{B}} alone,
    but not \\c or \\d in any form: those are spelt with \\csname, which LaTeX reads the same,
    except in a name, where biber splits \\csname's space into two name parts."""
    if not biber:
        return f"\\{command}{{{argument}}}"
    if command.isalpha():
        return None if name else f"\\csname {command}\\endcsname{{{argument}}}"
    return f"\\{command}{{{{{argument}}}}}"


def combining_to_macros(value: str, biber: bool = False, name: bool = False) -> str:
    """Characters pdflatex's UTF-8 input cannot take, as TeX accent macros on their base
    letter where they have one: a combining mark NFC cannot compose (``x`` + U+0327 ->
    ``{\\c{x}}``) and a precomposed letter outside LaTeX's set (``ế`` -> ``{\\'{\\^{e}}}``).
    For biber, accent macros in kept TeX that it would decode into such characters (or into
    ``ı`` + U+0301 from ``\\'\\i``) are rewritten so that it passes them on to LaTeX. In a
    biber ``name`` list, a letter that needs \\c, \\d and the like stays UTF-8: biber decodes
    every macro for it, so only biber's --output-safechars or a document that sets the
    character up prints it with pdflatex."""
    if value.isascii() and not biber:
        return value
    value = nfc(value)
    if biber and "\\" in value:  # before the macros made below, which are safe already
        value = _ACCENT_MACRO.sub(partial(_biber_accent, name=name), value)
    if not value.isascii():
        value = _NOT_IN_LATEX.sub(_decomposed, value)
    if _COMBINING.search(value):

        def macros(match: re.Match[str]) -> str:
            base, marks = match.groups()
            if not base.isascii():  # é + U+0302 from \^{\'e}: LaTeX takes no é inside an accent
                parts = _letter_and_marks(base + marks)
                base, marks = (parts[0], parts[1:]) if parts else (base, marks)
            return _accents_on(base, marks, biber, name) or nfc(match.group())

        value = _MARKED.sub(macros, value)
    return value


def _accents_on(base: str, marks: str, biber: bool, name: bool = False) -> str | None:
    """``base`` under ``marks`` (innermost first) as nested accent macros in a group, or None
    where a mark has no macro or biber leaves LaTeX no way to get it (see _accent)."""
    table = _combining_marks()
    built: str | None = base
    for mark in marks:
        command = table.get(mark)
        if command is None or built is None:
            return None
        built = _accent(command, built, biber, name)
    return None if built is None else "{" + built + "}"


_NOT_IN_LATEX = re.compile("[^\x00-\x7f" + "".join(
    f"{chr(first)}-{chr(last)}" for first, last in LATEX_UTF8_RANGES) + "]")


def _decomposed(match: re.Match[str]) -> str:
    """A letter LaTeX has no setup for, as its ASCII base + marks where every mark has an
    accent macro (a non-ASCII base inside an accent argument is no safer for pdflatex)."""
    char = match.group()
    parts = _letter_and_marks(char)
    return parts if parts else char


@lru_cache(maxsize=4096)
def _letter_and_marks(text: str) -> str | None:
    """NFD of ``text`` if it is one ASCII letter and marks that all have accent macros."""
    parts = unicodedata.normalize("NFD", text)
    table = _combining_marks()
    if len(parts) > 1 and parts[0].isascii() and parts[0].isalpha() and all(m in table for m in parts[1:]):
        return parts
    return None


_DOTLESS = {"\\i": "i", "\\j": "j", "{\\i}": "i", "{\\j}": "j"}


def _biber_accent(match: re.Match[str], name: bool = False) -> str:
    """An accent macro of kept TeX, as biber will pass it on in a form LaTeX takes."""
    command, argument = match.groups()
    if argument.startswith("{{"):
        return match.group()  # biber leaves \'{{B}} alone
    inner = argument[1:-1] if argument.startswith("{") else argument
    # biber reads \'\i as ı + U+0301, which LaTeX has no setup for; \'{i} is the same letter
    dotless = inner in _DOTLESS
    inner = _DOTLESS.get(inner, inner)
    macro = f"\\{command}{{{inner}}}"
    decoded = _decoded(macro)
    if not _COMBINING.search(decoded) and not _NOT_IN_LATEX.search(decoded):
        return macro if dotless else match.group()  # biber gives what LaTeX takes: \'e, \c{c}
    parts = _letter_and_marks(decoded)  # ế from \'{\^e}: every accent kept from biber
    return ((_accents_on(parts[0], parts[1:], True, name) if parts else None)
            or _accent(command, inner, True, name) or match.group())


@lru_cache(maxsize=4096)
def _decoded(macro: str) -> str:
    """An accent macro as NFC text (pylatexenc is slow: cached)."""
    return nfc(tex_to_unicode(macro))
