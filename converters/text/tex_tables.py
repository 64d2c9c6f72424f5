"""What TeX macros mean in bibliographic text: tables (data), read by tex.py's tokenizer.

pylatexenc's latex2text tables are the base (symbols, accents, argument templates such as
``\\frac`` → ``%s/%s``: see ``pylatexenc_tables``); the tables here add what bibliographic
data needs and pylatexenc lacks or prints as a placeholder (``\\cite`` → ``<cit.>``).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

_V = TypeVar("_V")

# Logos and the acronym macros of TUGboat's tugboat.def (the largest TeX-heavy .bib files).
LOGOS = {
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX", "BibLaTeX": "BibLaTeX",
    "biber": "Biber", "MF": "METAFONT", "MP": "METAPOST", "METAFONT": "METAFONT", "METAPOST": "METAPOST",
    "MetaPost": "MetaPost", "MetaFont": "METAFONT", "slMF": "METAFONT", "AmS": "AMS", "AMS": "AMS",
    "AmSTeX": "AMS-TeX", "AMSTeX": "AMS-TeX", "AmSLaTeX": "AMS-LaTeX", "AMSLaTeX": "AMS-LaTeX",
    "SliTeX": "SliTeX", "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX",
    "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "ConTeXt": "ConTeXt", "eTeX": "e-TeX", "PiCTeX": "PiCTeX",
    "plainTeX": "plain TeX", "AllTeX": "(La)TeX", "LyX": "LyX", "TikZ": "TikZ", "TeXLive": "TeX Live",
    "TeXworks": "TeXworks", "TeXtures": "Textures", "XyMTeX": "XyMTeX", "Xy": "Xy", "XyM": "XyM",
    "OMEGA": "Omega", "NTS": "NTS", "PreTeX": "PreTeX", "Thanh": "Hàn Thế Thành", "TUB": "TUGboat",
    "TUG": "TUG", "SC": "Steering Committee", "CTAN": "CTAN", "PS": "PostScript", "PDF": "PDF", "DVI": "DVI",
    "DVD": "DVD",
    "HTML": "HTML", "XML": "XML", "SGML": "SGML", "VAX": "VAX", "UNIX": "UNIX", "WEB": "WEB", "Tib": "Tib",
    "mtex": "MusiXTeX", "La": "La", "CSTUG": "CSTUG", "GUST": "GUST", "DANTE": "DANTE",
    # more of Beebe's bibliographies (font.bib, texbook3.bib) and tugboat.def
    "POSTSCRIPT": "PostScript", "AMSTEX": "AMS-TeX", "LAMSTeX": "LAMS-TeX", "JTeX": "JTeX", "VorTeX": "VorTeX",
    "TeXMaG": "TeXMaG", "MacOSX": "Mac OS X", "Java": "Java", "CSS": "CSS", "FEATPOST": "FEATPOST",
    "DVItoVDU": "DVItoVDU", "tug": "TUG",
}
# Logos that are words of their own: the space after one is the author's ("The \POSTSCRIPT font
# handbook", "\Java and TeX"), where a TeX logo joins what follows ("\TeX book")
WORD_LOGOS = frozenset({"POSTSCRIPT", "PS", "PDF", "DVI", "DVD", "HTML", "XML", "SGML", "VAX", "UNIX", "Java", "CSS",
                        "MacOSX", "CTAN", "TUG", "tug", "TUB", "CSTUG", "GUST", "DANTE", "LyX", "TikZ"})

# An accent over an empty group prints the accent alone, as TeX does (\'{} is ´, not nothing);
# \~{} and \^{} are how LaTeX writes a literal ~ and ^ (URLs). \d{} and \b{} have no
# spacing form and print nothing.
ACCENT_ON_NOTHING = {"~": "~", "^": "^", "'": "\u00b4", "`": "`", '"': "\u00a8", "=": "\u00af", ".": "\u02d9",
                     "u": "\u02d8", "v": "\u02c7", "H": "\u02dd", "c": "\u00b8", "k": "\u02db", "r": "\u02da"}

# Text symbols pylatexenc lacks or gets wrong for bibliographic data.
SYMBOLS = {
    "slash": "/", "hyphen": "-", "S": "§", "P": "¶", "textasciicircum": "^", "Dash": "—",
    "emdash": "—", "endash": "–",  # Beebe's bibliographies' dashes (Software\emdash Practice and Experience)
    "textbraceleft": "{", "textbraceright": "}", "textless": "<", "textgreater": ">", "textbar": "|",
    "textunderscore": "_", "textdollar": "$", "textquotesingle": "'", "textquotedbl": '"',
    "textellipsis": "…", "dag": "†", "ddag": "‡", "textdagger": "†", "textdaggerdbl": "‡",
    "thinspace": "\u2009", "enspace": "\u2002", "nobreakspace": "\u00a0", "textregistered": "®",
    "texttrademark": "™", "textcopyright": "©", "textdegree": "°", "textbullet": "•",
    "textperiodcentered": "·", "textvisiblespace": "␣", "textnumero": "№", "textonehalf": "½",
    "guillemotleft": "«", "guillemotright": "»", "guillemetleft": "«", "guillemetright": "»",
    "quotedblbase": "„", "quotesinglbase": "‚", "textsterling": "£", "euro": "€", "EUR": "€",
    "item": "• ", "par": "\n\n", "newline": "\n", "linebreak": "\n", "break": "\n", "nth": "th",
    # control symbols: italic correction, end-of-sentence mark, discretionary hyphen
    "/": "", "@": "", "-": "\u00ad", "\\": "\n", " ": " ", "\n": " ",
    # macros that print nothing (spacing, size, font resets, structure)
    **dict.fromkeys((
        "relax", "protect", "noindent", "indent", "unskip", "ignorespaces", "nobreak", "allowbreak",
        "hfill", "hfil", "vfill", "smallskip", "medskip", "bigskip", "newblock", "nolinebreak", "nopagebreak",
        "tiny", "scriptsize", "footnotesize", "small", "normalsize", "large", "Large", "LARGE", "huge", "Huge",
        "rm", "tt", "sf", "normalfont", "upshape", "mdseries", "rmfamily", "sffamily", "ttfamily", "ssf",
        "smc", "slnine", "SMC", "selectfont", "nobreakdash", "xspace", "null", "strut", "leavevmode",
        "centering", "raggedright", "raggedleft", "displaystyle", "textstyle", "scriptstyle",
    ), ""),
}

# Macros printing nothing that take arguments (argspec as in pylatexenc: "{" required, "[" optional).
SILENT = {
    "label": "{", "index": "{", "hspace": "*{", "vspace": "*{", "hyphenation": "{", "phantom": "{",
    "hphantom": "{", "vphantom": "{", "nocite": "{", "pagestyle": "{", "thispagestyle": "{",
    "setlength": "{{", "addtolength": "{{", "fontsize": "{{", "fontfamily": "{", "usefont": "{{{{",
    "selectlanguage": "{", "foreignlanguage": "[{", "raisebox": "{[[",
    # BibTeX's sort-key convention (xampl.bib, Beebe's files: @preamble{"\newcommand{\noopsort}[1]{}"})
    "noopsort": "{",
}

# Macros whose (last) argument is their text; argspec as above, the last "{" is the text.
# ("foreignlanguage" is in SILENT for its language argument: its text follows as a group.)
KEEP_TEXT = {
    "textrm": "{", "textnormal": "{", "textup": "{", "textmd": "{", "textsf": "{", "texttt": "{",
    "text": "{", "mbox": "{", "hbox": "{", "fbox": "{", "makebox": "[[{", "framebox": "[[{",
    "NoCaseChange": "{", "nocase": "{", "ensuremath": "{", "mathrm": "{", "mathnormal": "{",
    "mathbf": "{", "mathit": "{", "mathsf": "{", "mathtt": "{", "mathcal": "{", "mathbb": "{",
    "mathscr": "{", "mathfrak": "{", "boldsymbol": "{", "bm": "{", "operatorname": "*{", "textcolor": "[{{",
    "colorbox": "[{{", "underline": "{", "uline": "{", "textnhtt": "{", "mkbibacro": "{",
    "textlatin": "{", "textgreek": "{", "hyperlink": "{{", "hypertarget": "{{", "rlap": "{", "llap": "{",
    "texorpdfstring": "{{", "uppercase": "{", "lowercase": "{", "MakeUppercase": "{",
    "MakeLowercase": "{", "MakeTextUppercase": "{", "MakeTextLowercase": "{",
    # TUGboat's tugboat.def: names of programs, packages, files, acronyms
    "acro": "{", "pkg": "{", "pgm": "{", "file": "{", "env": "{", "cls": "{", "dtn": "{", "progname": "{",
    "code": "{", "meta": "{", "tubissue": "{", "lib": "{", "manfnt": "{", "Abstract": "{",
    "smash": "{",  # (its text without height: font.bib's \smash{TeX})
}

# Which argument of a KEEP_TEXT macro is its text, where it is not the last one.
TEXT_ARGUMENT = {"texorpdfstring": 0, "hypertarget": 1}

# Case changes of their argument (after decoding).
CASE = {"uppercase": str.upper, "MakeUppercase": str.upper, "MakeTextUppercase": str.upper,
        "lowercase": str.lower, "MakeLowercase": str.lower, "MakeTextLowercase": str.lower}

# Quotation macros: (opening, closing) around their argument's text.
QUOTES = {
    "mkbibquote": ("“", "”"), "enquote": ("“", "”"), "enquote*": ("‘", "’"), "textquote": ("“", "”"),
    "mkbibparens": ("(", ")"), "mkbibbrackets": ("[", "]"), "parentext": ("(", ")"), "brackettext": ("[", "]"),
}

# Links: the text shown. \url{u} shows u; \href{u}{text} shows text (the URL goes where a
# target can carry it: see tex.links()).
URLS = {"url": "{", "nolinkurl": "{", "path": "{", "doi": "{", "email": "{"}
HREFS = {"href": "[{{"}

# Citations and references keep their keys visible: \cite{BV} -> [BV], \ref{fig} -> fig.
CITES = {name: "*[[{" for name in (
    "cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear", "citeyearpar", "Cite", "Citep",
    "Citet", "parencite", "Parencite", "textcite", "Textcite", "autocite", "Autocite", "footcite", "smartcite",
    "supercite", "fullcite", "footfullcite", "citetitle", "cites", "parencites", "textcites",
)}
REFS = {name: "*{" for name in ("ref", "autoref", "cref", "Cref", "pageref", "nameref", "vref", "eqref")}

# biblatex's text macros whose argument is a key into the bibliography strings.
BIBSTRING_MACROS = {"bibstring": None, "biblstring": None, "bibsstring": None, "bibcpstring": str.capitalize,
                    "bibcplstring": str.capitalize, "bibcpsstring": str.capitalize, "bibucstring": str.upper,
                    "bibuclstring": str.upper, "bibucsstring": str.upper, "bibxstring": None}

# Environments whose content is plain text (lists, alignment); style environments ({it},
# {em}, {bf}, ...) come from tex.DECLARATIONS.
TEXT_ENVIRONMENTS = frozenset((
    "center", "flushleft", "flushright", "quote", "quotation", "verse", "itemize", "enumerate", "description",
    "abstract", "minipage", "small", "footnotesize", "normalsize", "large", "otherlanguage", "otherlanguage*",
    "document", "sloppypar", "raggedright", "tabular", "tabbing",
))
MATH_ENVIRONMENTS = frozenset((
    "equation", "equation*", "align", "align*", "eqnarray", "eqnarray*", "gather", "gather*", "multline",
    "multline*", "displaymath", "math",
))


class PylatexencTables:
    """pylatexenc's latex2text defaults as plain data: symbols, accents and templates."""

    __slots__ = ("accents", "alphabets", "symbols", "templates")

    def __init__(self, symbols: dict[str, str], templates: dict[str, tuple[str, str]],
                 accents: _Kind[str], alphabets: _Kind[dict[int, str]]):
        self.symbols = symbols  # name -> text, for macros without arguments
        self.templates = templates  # name -> (argspec, "%s/%s"-style template)
        self.accents = accents  # name -> combining mark
        self.alphabets = alphabets  # \mathbf and friends: str.translate table, letter -> 𝐚


# Entries of pylatexenc's tables we do not take: placeholders and run-time values.
_NOT_FROM_PYLATEXENC = {"today", "input", "include", "cite", "citet", "citep", "ref", "autoref", "cref", "Cref",
                        "eqref", "url", "href", "item", "%", "\\", "textasciicircum"}


@lru_cache(maxsize=1)
def pylatexenc_tables() -> PylatexencTables:
    """Read pylatexenc's tables once. Its one-argument macros are accents, styled
    alphabets or neither; which, is found by decoding with pylatexenc itself, and only
    for the macros an input uses (see ``_OneArgument``)."""
    from pylatexenc.latex2text import get_default_latex_context_db
    from pylatexenc.latexwalker import get_default_latex_context_db as walker_db

    text_db, walk_db = get_default_latex_context_db(), walker_db()
    symbols: dict[str, str] = {}
    templates: dict[str, tuple[str, str]] = {}
    one_argument: set[str] = set()
    for category in text_db.category_list:
        for name, spec in text_db.d[category]["macros"].items():
            if name in _NOT_FROM_PYLATEXENC or name in symbols or name in templates or name in one_argument:
                continue
            walk_spec = walk_db.get_macro_spec(name)
            argspec = getattr(getattr(walk_spec, "args_parser", None), "argspec", "") or ""
            repl = spec.simplify_repl
            if isinstance(repl, str):
                if "%" in repl:
                    templates[name] = (argspec, repl)
                elif not argspec:
                    symbols[name] = repl
            elif callable(repl) and argspec == "{":
                one_argument.add(name)  # (no such macro is defined twice in pylatexenc's tables)
    macros = _OneArgument(frozenset(one_argument))
    return PylatexencTables(symbols, templates, _Kind(macros, "accent"), _Kind(macros, "alphabet"))


class _OneArgument:
    """pylatexenc's one-argument macros, each classified the first time an input uses it:
    decoding all of them up front cost every process about 15 ms, and an input uses few.
    An accent is what combining mark pylatexenc puts on ``\\name{o}``; a styled alphabet
    what it makes of the letters and digits."""

    def __init__(self, names: frozenset[str]):
        self.names = names
        self._found: dict[str, tuple[str, object] | None] = {}
        self._converter: LatexNodes2Text | None = None  # made on the first use

    def kind(self, name: str) -> tuple[str, object] | None:
        if name not in self.names:
            return None
        if name not in self._found:
            self._found[name] = self._classify(name)
        return self._found[name]

    def _classify(self, name: str) -> tuple[str, object] | None:
        if self._converter is None:
            from pylatexenc.latex2text import LatexNodes2Text

            self._converter = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=False)
        decoded = unicodedata.normalize("NFD", self._converter.latex_to_text(f"\\{name}{{o}}"))
        if len(decoded) == 2 and decoded[0] == "o" and unicodedata.combining(decoded[1]):
            return ("accent", decoded[1])
        styled = self._converter.latex_to_text(f"\\{name}{{{_ALPHANUMERIC}}}")
        if len(styled) == len(_ALPHANUMERIC) and styled != _ALPHANUMERIC:
            return ("alphabet", str.maketrans(dict(zip(_ALPHANUMERIC, styled, strict=True))))
        return None


class _Kind(Generic[_V]):
    """The macros of one kind ("accent", "alphabet") as a read-only mapping: name -> value."""

    def __init__(self, macros: _OneArgument, kind: str):
        self._macros = macros
        self._kind = kind

    def get(self, name: str, default: _V | None = None) -> _V | None:
        found = self._macros.kind(name)
        return found[1] if found is not None and found[0] == self._kind else default  # type: ignore[return-value]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __getitem__(self, name: str) -> _V:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value


_ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


# What pdflatex's UTF-8 input (the LaTeX default since 2018) sets up with the encodings a
# T1 document loads (OT1, T1, TS1, OMS): the code points declared by ot1enc.dfu, t1enc.dfu,
# ts1enc.dfu and omsenc.dfu of TeX Live 2022 (tests/test_latex_utf8_table.py re-reads them
# where TeX is installed). Anything else non-ASCII stops pdflatex ("Unicode character ...
# not set up for use with LaTeX") unless the document loads more.
LATEX_UTF8_RANGES = (
    (0x00A0, 0x0125), (0x0128, 0x0137), (0x0139, 0x013E), (0x0141, 0x0148), (0x014A, 0x0165),
    (0x0168, 0x017E), (0x0192, 0x0192), (0x01C4, 0x01D4), (0x01E2, 0x01E3), (0x01E6, 0x01EB),
    (0x01F0, 0x01F0), (0x01F4, 0x01F5), (0x0218, 0x021B), (0x0232, 0x0233), (0x0237, 0x0237),
    (0x02C7, 0x02C7), (0x02D8, 0x02D9), (0x02DB, 0x02DB), (0x02DD, 0x02DD), (0x0E3F, 0x0E3F),
    (0x1E02, 0x1E03), (0x1E0D, 0x1E0D), (0x1E1E, 0x1E21), (0x1E25, 0x1E25), (0x1E30, 0x1E31),
    (0x1E37, 0x1E37), (0x1E43, 0x1E43), (0x1E45, 0x1E45), (0x1E47, 0x1E47), (0x1E5B, 0x1E5B),
    (0x1E63, 0x1E63), (0x1E6D, 0x1E6D), (0x1E8E, 0x1E91), (0x1E9E, 0x1E9E), (0x1EF2, 0x1EF3),
    (0x200C, 0x200C), (0x2010, 0x2016), (0x2018, 0x201A), (0x201C, 0x201E), (0x2020, 0x2022),
    (0x2030, 0x2031), (0x2039, 0x203B), (0x203D, 0x203D), (0x2044, 0x2044), (0x204E, 0x204E),
    (0x2052, 0x2052), (0x20A1, 0x20A1), (0x20A4, 0x20A4), (0x20A6, 0x20A6), (0x20A9, 0x20A9),
    (0x20AB, 0x20AC), (0x20B1, 0x20B1), (0x2103, 0x2103), (0x2116, 0x2117), (0x211E, 0x211E),
    (0x2120, 0x2120), (0x2122, 0x2122), (0x2126, 0x2127), (0x212E, 0x212E), (0x2190, 0x2193),
    (0x2329, 0x232A), (0x2422, 0x2423), (0x25E6, 0x25E6), (0x25EF, 0x25EF), (0x266A, 0x266A),
    (0x27E8, 0x27E9), (0x3008, 0x3009), (0xFB00, 0xFB06), (0xFEFF, 0xFEFF),
)
