"""pylatexenc's parser as an independent reference for refconv's TeX tokenizer (tests only).

refconv reads pylatexenc's tables but not its parser. Here the parser is the oracle: it
decides how arguments, groups, accents and maths are delimited, and the meanings
refconv adds to TeX (logos, \\cite -> [key], a verbatim \\url, the literal & and %) are
given to it as macro specs, so that on well-formed TeX both must give the same spans.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from converters.text import tex
from converters.text import tex_tables as tables
from converters.text.markup import Span, _merge

_UNESCAPED_PERCENT = re.compile(r"(?<!\\)((?:\\\\)*)%")  # % is literal in bibliographic data
_PERCENT = "\ue000"  # stands for a bare % while pylatexenc parses (a private-use character)


def _verbatim_arg(node, l2tobj=None) -> str:
    arg = node.nodeargd.argnlist[-1] if node.nodeargd and node.nodeargd.argnlist else None
    return arg.latex_verbatim()[1:-1] if arg is not None else ""


def _cite(node, l2tobj=None) -> str:
    keys = _verbatim_arg(node)
    return "[" + ", ".join(k.strip() for k in keys.split(",")) + "]"


def _literal_on_empty(char: str, accent):
    from pylatexenc.latexwalker import LatexGroupNode

    def text(node, l2tobj=None) -> str:
        arg = node.nodeargd.argnlist[0] if node.nodeargd and node.nodeargd.argnlist else None
        if isinstance(arg, LatexGroupNode) and not arg.nodelist:
            return tables.ACCENT_ON_NOTHING[char]
        return accent(node, l2tobj=l2tobj)

    return text


@lru_cache(maxsize=1)
def _contexts():
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        SpecialsTextSpec,
        get_default_latex_context_db,
    )
    from pylatexenc.latexwalker import get_default_latex_context_db as walker_db
    from pylatexenc.macrospec import MacroSpec

    text_db = get_default_latex_context_db().filter_context()
    text_db.add_context_category("refconv", prepend=True, macros=[
        *(MacroTextSpec(name, text) for name, text in {**tables.SYMBOLS, **tables.LOGOS}.items() if name.isalpha()),
        *(MacroTextSpec(name, "%s") for name in ("textrm", "mbox", "textsuperscript", "textsubscript",
                                                  "mkbibemph", "mkbibbold")),
        *(MacroTextSpec(name, opening + "%s" + closing) for name, (opening, closing) in tables.QUOTES.items()),
        MacroTextSpec("url", simplify_repl=_verbatim_arg),
        MacroTextSpec("cite", simplify_repl=_cite),
        *(MacroTextSpec(accent, simplify_repl=_literal_on_empty(accent, text_db.get_macro_spec(accent).simplify_repl))
          for accent in tables.ACCENT_ON_NOTHING),
    ], specials=[SpecialsTextSpec("&", "&")])
    walk_db = walker_db().filter_context()
    walk_db.add_context_category("refconv", prepend=True, macros=[
        *(MacroSpec(name, "{") for name in ("textsuperscript", "textsubscript", "mkbibemph", "mkbibbold",
                                            "url", *tables.QUOTES)),
        MacroSpec("cite", "{"),
    ])
    converter = LatexNodes2Text(latex_context=text_db, math_mode="verbatim", strict_latex_spaces=False,
                                keep_braced_groups=False)
    return walk_db, converter


def oracle_spans(value: str, protect: bool = False) -> tuple[Span, ...]:
    """The spans refconv's rules give, with pylatexenc's parser doing the parsing."""
    from pylatexenc.latexwalker import LatexWalker

    walk_db, converter = _contexts()
    source = _UNESCAPED_PERCENT.sub("\\1" + _PERCENT, value)  # a character, not a comment
    nodes, _, _ = LatexWalker(source, latex_context=walk_db, tolerant_parsing=True).get_latex_nodes()
    out: list[Span] = []
    _visit(nodes, "text", protect, out, converter, protect)
    out = [Span(kind, text.replace(_PERCENT, "%")) for kind, text in out]
    return tuple(Span(kind, text if kind == "math" else unicodedata.normalize("NFC", text))
                 for kind, text in _merge(out))


def _visit(nodes, kind: str, top: bool, out: list[Span], converter, protect: bool) -> None:
    from pylatexenc.latexwalker import (
        LatexEnvironmentNode,
        LatexGroupNode,
        LatexMacroNode,
        LatexMathNode,
    )

    def styled(new: str) -> str:
        return kind if kind == "nocase" else new

    for node in nodes:
        if isinstance(node, LatexMacroNode) and node.macroname in tex.DECLARATIONS:
            kind = styled(tex.DECLARATIONS[node.macroname])  # the rest of this group
        elif isinstance(node, LatexMathNode):
            out.append(Span("math", "".join(n.latex_verbatim() for n in node.nodelist)))
        elif isinstance(node, LatexGroupNode):
            special = node.latex_verbatim().startswith("{\\")  # BibTeX's "special character": {\'e}, {\TeX}
            inner = "nocase" if top and not special else kind
            _visit(node.nodelist, inner, False, out, converter, protect)
        elif isinstance(node, LatexEnvironmentNode) and node.environmentname in tex.DECLARATIONS:
            _visit(node.nodelist, styled(tex.DECLARATIONS[node.environmentname]), top, out, converter, protect)
        elif isinstance(node, LatexEnvironmentNode):
            _visit(node.nodelist, kind, top, out, converter, protect)
        elif isinstance(node, LatexMacroNode) and node.macroname in tables.QUOTES and node.nodeargd.argnlist:
            opening, closing = tables.QUOTES[node.macroname]
            arg = node.nodeargd.argnlist[-1]
            out.append(Span(kind, opening))
            _visit(arg.nodelist if isinstance(arg, LatexGroupNode) else [arg], kind, False, out, converter, protect)
            out.append(Span(kind, closing))
        elif (isinstance(node, LatexMacroNode) and node.nodeargd and node.nodeargd.argnlist
              and node.macroname in (*tex.STYLE_MACROS, "textrm", "mbox")):
            arg = node.nodeargd.argnlist[-1]
            inner = styled(tex.STYLE_MACROS.get(node.macroname, kind))
            _visit(arg.nodelist if isinstance(arg, LatexGroupNode) else [arg], inner, False, out, converter, protect)
        elif isinstance(node, LatexMacroNode) and node.macroname in tables.LOGOS and protect and kind == "text":
            out.append(Span("nocase", tables.LOGOS[node.macroname]))  # a logo's letter case is fixed
        else:
            out.append(Span(kind, converter.nodelist_to_text([node])))
