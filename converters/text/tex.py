"""TeX <-> Unicode, on top of pylatexenc (we never hand-write accent tables).

Everything here works on strings; ``markup.py`` turns Text values into spans.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache, lru_cache

from .cache import cache_short

# pylatexenc logs warnings about macros it cannot expand. With no handler of its own,
# Python prints them on stderr, bypassing refconv's diagnostics; a null handler stops
# that (handlers a calling application configures still receive them).
logging.getLogger("pylatexenc").addHandler(logging.NullHandler())

# Characters that can make a string mean something other than itself in TeX. A string
# with none of them is returned as it is, which keeps TeX decoding off the hot path.
_TEX_TRIGGERS = re.compile(r"[\\{}$~%]|--|``|''|!`|\?`")

# a % after an even number of backslashes (\\% is a line break, then a percent sign)
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)((?:\\\\)*)%")


def has_tex(value: str) -> bool:
    return _TEX_TRIGGERS.search(value) is not None


@lru_cache(maxsize=2)
def _latex2text(math_mode: str = "verbatim"):
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        SpecialsTextSpec,
        get_default_latex_context_db,
    )

    db = get_default_latex_context_db().filter_context()  # a copy we may extend
    db.add_context_category("refconv", prepend=True, macros=[
        MacroTextSpec("symbol", simplify_repl=_symbol_text),  # our ASCII form of any character
        MacroTextSpec("textasciicircum", "^"),  # pylatexenc says U+02C6; LaTeX means U+005E
        # how the BibTeX writer writes literal braces (pylatexenc prints nothing for them)
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textperiodcentered", "\u00b7"),  # pylatexenc says U+02D9
        # \~{} and \^{} are how LaTeX writes a literal ~ and ^ (URLs in arXiv comments);
        # pylatexenc accents the empty group and prints nothing
        *(MacroTextSpec(accent, simplify_repl=_literal_on_empty(accent, db.get_macro_spec(accent).simplify_repl))
          for accent in "~^"),
        # markup macros pylatexenc does not know: keep their argument's text
        *(MacroTextSpec(name, "%s") for name in ("textsuperscript", "textsubscript", "mkbibemph", "mkbibbold",
                                                 "mkbibsuperscript", "mkbibsubscript")),
    ], specials=[
        SpecialsTextSpec("&", "&"),  # literal in bibliographic data, as the fast path has it; not 3 spaces
    ])
    return LatexNodes2Text(latex_context=db, math_mode=math_mode, strict_latex_spaces=False,
                           keep_braced_groups=False)


def _literal_on_empty(char: str, accent):
    """pylatexenc's text for an accent macro, but the character itself on an empty group."""
    from pylatexenc.latexwalker import LatexGroupNode

    def text(node, l2tobj=None) -> str:
        arg = node.nodeargd.argnlist[0] if node.nodeargd and node.nodeargd.argnlist else None
        if isinstance(arg, LatexGroupNode) and not arg.nodelist:
            return char
        return accent(node, l2tobj=l2tobj)

    return text


def _symbol_text(node, l2tobj=None) -> str:
    arg = node.nodeargd.argnlist[-1] if node.nodeargd and node.nodeargd.argnlist else None
    code = arg.latex_verbatim().strip("{} ") if arg is not None else ""
    try:
        return chr(int(code[1:], 16) if code.startswith('"') else int(code))
    except ValueError:
        return node.latex_verbatim()


@lru_cache(maxsize=1)
def _walker_context():
    from pylatexenc.latexwalker import get_default_latex_context_db
    from pylatexenc.macrospec import MacroSpec

    db = get_default_latex_context_db().filter_context()
    # macros pylatexenc does not know take an argument; without these their argument
    # would be read as a separate group (and lose its markup)
    db.add_context_category("refconv", prepend=True, macros=[
        MacroSpec(name, "{") for name in ("symbol", "textsuperscript", "textsubscript", "mkbibemph",
                                          "mkbibbold", "mkbibsuperscript", "mkbibsubscript")])
    return db


def walk(value: str):
    """The pylatexenc node list for a TeX string (``%`` is literal in bibliographic data)."""
    from pylatexenc.latexwalker import LatexWalker

    value = _UNESCAPED_PERCENT.sub(r"\1\\%", value)
    walker = LatexWalker(value, latex_context=_walker_context(), tolerant_parsing=True)
    nodes, _, _ = walker.get_latex_nodes()
    return nodes


def nodes_to_text(nodes, *, math: str = "verbatim") -> str:
    converter = _latex2text(math)
    try:
        return nfc(converter.nodelist_to_text(nodes))
    except Exception:  # noqa: BLE001 - pylatexenc's own bugs, see _node_text
        return nfc("".join(_node_text(converter, node) for node in nodes))


def _node_text(converter, node) -> str:
    """One node's text, or its TeX source when pylatexenc cannot convert it.

    pylatexenc raises KeyError, IndexError or AttributeError on some macros that lack
    their arguments (``\\href``, ``\\colorbox`` or ``\\title`` at the end of a text).
    Keeping the source loses nothing and costs one record nothing."""
    try:
        return converter.nodelist_to_text([node])
    except Exception:  # noqa: BLE001
        return node.latex_verbatim()


def tex_to_unicode(value: str, *, math: str = "verbatim") -> str:
    """Decode accents, ligatures and symbols; maths stays ``$...$`` unless math="text"."""
    if not has_tex(value) or (math == "verbatim" and only_inline_math(value)):
        return value
    if math == "verbatim":
        pieces = scan(value, protect=False)
        if pieces is not None:
            return nfc(flatten(pieces))
    return _decode(value, math)


# --- the fast path ---------------------------------------------------------------------
# Most TeX in bibliographic data is accents, letter macros, escapes, ligatures, groups,
# style macros and inline maths. scan() splits such text into pieces and has pylatexenc
# decode each distinct atom once (cached); anything else (other macros, environments,
# display maths) returns None and the whole string goes to pylatexenc.

_ATOM = re.compile(r"""
    \\[`'^"~=.](?:\{\\?[A-Za-z]\}|\\[ij](?![^\W\d_])|[A-Za-z])       # \'e \'{e} \'\i \'{\i}
  | \\[uvHckrdb](?:\{\\?[A-Za-z]\}|\ +[A-Za-z])                    # \v{s} \v s
  | \\(?:ss|o|O|l|L|ae|AE|oe|OE|aa|AA|i|j)(?![^\W\d_])(?:\{\}|\s*)  # letters that are macros
  | \\[&%$\#_{}]                                                  # escaped specials
  | ---|--|``|''|~|!`|\?`                                           # ligatures ("!`" is ¡)
""", re.X)

# Style macros and the span kind markup.py gives their argument, or, for a declaration
# ({\em x}, old arXiv abstracts' usual italics), to the rest of the enclosing group.
STYLE_MACROS = {
    "emph": "i", "textit": "i", "mkbibemph": "i", "textsl": "i",
    "textbf": "b", "mkbibbold": "b",
    "textsc": "sc",
    "textsuperscript": "sup", "mkbibsuperscript": "sup",
    "textsubscript": "sub", "mkbibsubscript": "sub",
}
DECLARATIONS = {
    "em": "i", "it": "i", "sl": "i", "itshape": "i", "slshape": "i",
    "bf": "b", "bfseries": "b",
    "sc": "sc", "scshape": "sc",
}


def scan(value: str, *, protect: bool) -> list[tuple[str, str]] | None:
    """(kind, text) pieces, kind "text", "math", a style (i, b, sc, sup, sub) or (protect=True:
    BibTeX) "nocase"; or None. The pieces are the spans markup._tex_spans makes of the same
    text, unmerged and not yet NFC."""
    return _Scan(value, protect).run()


# Runs of characters that mean themselves: scan() takes them in one step, not one by one.
_PLAIN = re.compile(r"[^\\{}$\-`'~!?]+")


class _Scan:
    """One scan(): the pieces so far, text not yet in a piece, and the group depth."""

    __slots__ = ("buffer", "depth", "nocase_at", "pieces", "protect", "value")

    def __init__(self, value: str, protect: bool) -> None:
        self.value = value
        self.protect = protect
        self.pieces: list[tuple[str, str]] = []
        self.buffer: list[str] = []
        self.depth = 0
        self.nocase_at = -1  # depth at which the current case-protected group opened

    def run(self) -> list[tuple[str, str]] | None:
        value, i, n = self.value, 0, len(self.value)
        while i < n:
            plain = _PLAIN.match(value, i)
            if plain:
                self.buffer.append(plain.group())
                i = plain.end()
                continue
            i = self.step(i)
            if i is None:
                return None
        if self.depth != 0:
            return None
        self.flush("text")
        return self.pieces

    def flush(self, kind: str) -> None:
        if self.buffer:
            self.pieces.append((kind, "".join(self.buffer)))
            self.buffer.clear()

    def step(self, i: int) -> int | None:
        """Take the construct at i (a character _PLAIN stops at); the index after it, or None."""
        value, ch = self.value, self.value[i]
        if ch == "$":
            return self.math(i)
        if ch == "{":
            return self.open(i)
        if ch == "}":
            return self.close(i)
        match = _ATOM.match(value, i)
        if match:
            self.buffer.append(_atom(match.group()))
            return match.end()
        if ch != "\\":
            self.buffer.append(ch)  # - ` ' ! ? that make no ligature here
            return i + 1
        macro = _MACRO.match(value, i)
        if macro and (macro.group(1) in STYLE_MACROS or macro.group(1) in DECLARATIONS):
            return self.style(macro)
        end = _macro_end(value, i)
        if end is not None:
            self.buffer.append(_atom(value[i:end]))
        return end

    def math(self, i: int) -> int | None:
        match = _INLINE_MATH.match(self.value, i)
        if not match or self.nocase_at >= 0:
            return None
        self.flush("text")
        self.pieces.append(("math", match.group(1)))
        return match.end()

    def open(self, i: int) -> int:
        if self.protect and self.depth == 0 and not self.value.startswith("\\", i + 1):
            self.flush("text")  # BibTeX's case protection; {\'e} is a "special character" instead
            self.nocase_at = self.depth
        self.depth += 1
        return i + 1

    def close(self, i: int) -> int | None:
        self.depth -= 1
        if self.depth < 0:
            return None
        if self.depth == self.nocase_at:
            self.flush("nocase")
            self.nocase_at = -1
        return i + 1

    def style(self, macro: re.Match[str]) -> int | None:
        styled = _styled(self.value, macro)
        if styled is None:
            return None
        kind, text, end = styled
        if self.nocase_at >= 0:
            self.buffer.append(text)  # a case-protected group keeps only the text of its markup
        else:
            self.flush("text")  # as markup._tex_spans does at every style macro
            if kind == "text":
                self.buffer.append(text)
            else:
                self.pieces.append((kind, text))
        return end


def _enclosing_close(value: str, start: int) -> int:
    """Index of the ``}`` that closes the group ``start`` is in, or the end of the text."""
    depth = 0
    for match in _BRACE_TOKENS.finditer(value, start):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            if depth == 0:
                return match.start()
            depth -= 1
    return len(value)


@lru_cache(maxsize=8192)  # atoms are a few characters each
def _atom(atom: str) -> str:
    return _decode(atom, "verbatim")


def flatten(pieces: list[tuple[str, str]]) -> str:
    """The text of scan()'s pieces as pylatexenc prints it: markup dropped, maths verbatim."""
    return "".join(f"${text}$" if kind == "math" else text for kind, text in pieces)


def _styled(value: str, macro: re.Match[str]) -> tuple[str, str, int] | None:
    """(kind, text, end) of the style macro that ``macro`` matched, or None: leave it to pylatexenc.

    A declaration (``{\\em x}``) styles the rest of its group, up to the ``}`` left for
    close(). A style macro's argument must be a braced group that scan() can take apart;
    its text is that group's."""
    end = macro.end()
    if macro.end(1) < len(value) and value[macro.end(1)].isalpha():
        return None  # pylatexenc reads a longer macro name (\emé)
    if "*" in macro.group() or "\n\n" in macro.group():
        return None  # pylatexenc would take the star or keep the paragraph break (or take it as the argument)
    if macro.group(1) in DECLARATIONS:
        close = _enclosing_close(value, end)
        inner = scan(value[end:close], protect=False)
        return None if inner is None else (DECLARATIONS[macro.group(1)], flatten(inner), close)
    if not value.startswith("{", end):
        return None  # pylatexenc would take one token as the argument
    close = group_end(value, end)
    inner = scan(value[end + 1 : close - 1], protect=False) if close else None
    if inner is None:
        return None
    return STYLE_MACROS[macro.group(1)], flatten(inner), close


_MACRO = re.compile(r"\\(?:([A-Za-z]+)\*?\s*|[^A-Za-z])")
# Structure we do not take apart (scan() takes style macros apart before it asks _macro_end);
# \( and \[ open maths, which only pylatexenc delimits.
_NOT_AN_ATOM = {"begin", "end", "url", "href", "verb", "def", "newcommand", "renewcommand", "input", "include",
                "(", ")", "[", "]"}


_MATH_DELIMITER = re.compile(r"\$|\\[()\[\]]")
_ENVIRONMENT = re.compile(r"\\(?:begin|end)(?![A-Za-z])")
# pylatexenc reads these as one token, so as one argument (\textrm--)
_LIGATURES_AS_ONE_TOKEN = ("--", "``", "''", "!`", "?`")


@lru_cache(maxsize=1024)
def _argspec(name: str) -> str:
    spec = _walker_context().get_macro_spec(name)
    return getattr(getattr(spec, "args_parser", None), "argspec", "") if spec else ""


def _macro_end(value: str, start: int) -> int | None:
    """End of a macro with exactly the arguments pylatexenc's spec gives it, or None."""
    match = _MACRO.match(value, start)
    if not match:
        return None
    # a control symbol (\', \\, \,) has a spec too: \' takes an argument, \\ an optional one
    name = match.group(1) or value[start + 1]
    if name in _NOT_AN_ATOM:
        return None
    if match.group(1) and value[match.end(1) : match.end(1) + 1].isalpha():
        return None  # for pylatexenc a non-ASCII letter continues the name (\alphaé)
    end = match.end()
    argspec = _argspec(name)
    for kind in argspec:
        while end < len(value) and value[end].isspace():
            end += 1
        if end >= len(value):
            return None if kind == "{" else end
        if kind == "*":
            end += value[end] == "*"
        elif kind == "[" and value[end] == "[" or kind == "{" and value[end] == "{":
            close = group_end(value, end)
            if close is None or _MATH_DELIMITER.search(value, end, close) or _ENVIRONMENT.search(value, end, close):
                return None  # maths or an unclosed environment could run past the brace that closes the argument
            end = close
        elif kind == "{":
            if value[end] in "\\}$%" or value.startswith(_LIGATURES_AS_ONE_TOKEN, end):
                return None  # a macro or something odd as the argument: leave it to pylatexenc
            end += 1
    return end


@cache
def _between_delimiters(opening: str) -> re.Pattern[str]:
    """A run of characters that cannot open or close a group: escapes (\\}) are in the run.
    Jumping over such runs is several times faster than visiting every character."""
    closing = "}" if opening == "{" else "]"
    other = "[^" + re.escape("\\" + opening + closing) + "]*"
    return re.compile(f"{other}(?:\\\\.{other})*", re.DOTALL)


def group_end(value: str, start: int) -> int | None:
    """Index after the `}` (or `]`) closing the group opened at start; escaped ones do not count."""
    opening = value[start]
    skip = _between_delimiters(opening).match
    depth = 0
    i, n = start, len(value)
    while i < n:
        ch = value[i]
        if ch == opening:
            depth += 1
        elif ch != "\\":  # the closing delimiter (a backslash stops a run only at the very end)
            depth -= 1
            if depth == 0:
                return i + 1
        i = skip(value, i + 1).end()
    return None


@cache_short(maxsize=8192)
def _decode(value: str, math: str) -> str:
    return nodes_to_text(walk(value), math=math)


_INLINE_MATH = re.compile(r"(?<![\\$])\$([^$]+)\$(?!\$)")


def only_inline_math(value: str) -> bool:
    """True when the only TeX in ``value`` is ``$...$`` maths, the common case in arXiv
    abstracts: then the text outside the maths needs no decoding at all."""
    return "$" in value and not has_tex(_INLINE_MATH.sub("", value))


def split_inline_math(value: str) -> list[tuple[bool, str]]:
    """(is_math, chunk) pieces of a string for which only_inline_math() holds."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for match in _INLINE_MATH.finditer(value):
        if match.start() > pos:
            out.append((False, value[pos : match.start()]))
        out.append((True, match.group(1)))
        pos = match.end()
    if pos < len(value):
        out.append((False, value[pos:]))
    return out


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


# --- Unicode -> TeX: in tex_encode.py, re-exported here ------------------------------

_BRACE_TOKENS = re.compile(r"\\.|[{}]", re.DOTALL)  # escapes are one token, so \\{ is no brace

_ENCODE_NAMES = frozenset({
    "TEX_MODES", "ACCENT_COMMANDS", "encode_char", "ascii_macro", "escape_plain", "encode_non_ascii",
    "is_balanced", "bibtex_balanced", "balance_braces", "escape_text_specials", "needs_protection",
    "protect_words", "protect_case_tex", "close_trailing_backslash", "UNMAPPED", "STANDARD_MACROS", "MATH_ONLY",
    "_SPECIALS",
})


def __getattr__(name: str):
    """The encoding half lives in tex_encode (which imports this module): loaded on first use."""
    if name in _ENCODE_NAMES:
        from . import tex_encode

        value = globals()[name] = getattr(tex_encode, name)  # later look-ups do not come here
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
