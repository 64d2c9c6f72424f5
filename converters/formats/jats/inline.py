"""JATS mixed content (titles, sources, comments, abstracts) as Text values.

Formatting becomes CSL rich text (``Syntax.HTML``: ``<i>``, ``<b>``, ``<sup>``,
``<sub>``, small caps as ``<span style="font-variant:small-caps;">``), which the
span parser in ``text/markup.py`` reads. Maths (``<tex-math>``) has no place in CSL
rich text, so a value holding maths is written as TeX instead (``$...$`` with
``\\textit{}`` and friends), the syntax arXiv titles arrive in: it keeps maths as
maths in BibTeX and back in JATS. A value without any markup is plain text.
Whitespace runs collapse to one space; paragraphs (abstracts) are kept apart by a
blank line.
"""

from __future__ import annotations

import html
import re

from ...model import Syntax, Text
from ...text.tex import escape_plain

STYLES = {"italic": "i", "bold": "b", "sup": "sup", "sub": "sub", "sc": "sc"}
_HTML_OPEN = {"i": "<i>", "b": "<b>", "sup": "<sup>", "sub": "<sub>",
              "sc": '<span style="font-variant:small-caps;">'}
_HTML_CLOSE = {"i": "</i>", "b": "</b>", "sup": "</sup>", "sub": "</sub>", "sc": "</span>"}
_TEX_OPEN = {"i": r"\textit{", "b": r"\textbf{", "sup": r"\textsuperscript{", "sub": r"\textsubscript{",
             "sc": r"\textsc{"}
# elements whose content is not part of the running text
_DROP = frozenset({"xref", "fn", "inline-graphic", "graphic", "media", "label", "contrib-group", "aff",
                   "target", "private-char"})
# an <xref> of these kinds is a marker (a footnote's "*", an affiliation's "1"); any other
# (a citation "Smith 2001", "Figure 2") is words of the sentence around it
_MARKER_XREFS = frozenset({"fn", "table-fn", "aff", "corresp", "author-notes"})
# elements whose children are words of their own even when the XML puts no space between them
# (TaxPub's <tp:taxon-name>: <tp:taxon-name-part>Anemone</…><tp:taxon-name-part>tenuicaulis</…>; a
# citation's fields: <source>Botanicheskii Zhurnal</source><volume>74</volume>)
_SPACED = frozenset({"name", "string-name", "person-group", "name-alternatives", "taxon-name",
                     "mixed-citation", "element-citation", "citation", "nlm-citation"})
_MATH = frozenset({"inline-formula", "disp-formula", "tex-math", "math"})
_SPACE = re.compile(r"[ \t\r\n]+")  # XML white space; a no-break space is content
_DOCUMENT = re.compile(r"\\begin\{document\}(.*)\\end\{document\}", re.S)
_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))
# TeX ligatures that would change plain text ("--" is an en dash, ``...'' quotes)
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[!?])(?=`)")


def _apart(before, child) -> bool:
    """Two neighbours in a _SPACED element with nothing between them, neither a style inside a
    word ("H<sub>2</sub>O")."""
    return (not before.tail and isinstance(child.tag, str) and isinstance(before.tag, str)
            and local(child) not in STYLES and local(before) not in STYLES
            and not _empty(before) and not _empty(child))


def _empty(element) -> bool:
    return not "".join(element.itertext()).strip()


def _is_content(xref) -> bool:
    """A cross-reference whose text belongs to the sentence (not a footnote or affiliation marker)."""
    return (xref.get("ref-type") or "").strip().lower() not in _MARKER_XREFS


def local(element) -> str:
    """The element name without namespace ('' for comments and the like)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2] if tag.startswith("{") else tag


class Builder:
    """Collects tokens from elements, then renders them as one Text."""

    def __init__(self) -> None:
        # ("t", text) | ("o", style) | ("c", style) | ("m", tex) | ("p", "") paragraph break
        self.tokens: list[tuple[str, str]] = []

    def text(self, value: str | None) -> None:
        if value:
            self.tokens.append(("t", value))

    def paragraph(self) -> None:
        self.tokens.append(("p", ""))

    def walk(self, element, skip: frozenset[str] = frozenset()) -> Builder:
        """Add the content of an element (not its tail)."""
        self.text(element.text)
        element_name = local(element)
        spaced = element_name in _SPACED
        for index, child in enumerate(element):
            if spaced and index and _apart(element[index - 1], child):
                self.text(" ")  # <surname>Allan</surname><given-names>HH</given-names>: two words
            name = local(child)
            if name in skip or (name in _DROP and not (name == "xref" and _is_content(child))):
                pass
            elif name in STYLES:
                self.tokens.append(("o", STYLES[name]))
                self.walk(child, skip)
                self.tokens.append(("c", STYLES[name]))
            elif name in _MATH:
                self._math(child)
            elif name == "break":
                self.text(" ")
            elif name:
                self.walk(child, skip)
            self.text(child.tail)
        return self

    def _math(self, element) -> None:
        tex = next((e for e in element.iter() if local(e) == "tex-math"), None)
        if tex is not None:
            source = _tex_source("".join(tex.itertext()))
            if source is not None:
                self.tokens.append(("m", source))
            else:
                self.text("".join(tex.itertext()))
            return
        math = next((e for e in element.iter() if local(e) == "math"), None)
        if math is not None and math.get("alttext"):
            self.text(math.get("alttext"))
        else:
            self.text("".join(element.itertext()))

    def build(self) -> Text | None:
        tokens = _normalise(self.tokens)
        if not any(kind in ("t", "m") for kind, _ in tokens):
            return None
        kinds = {kind for kind, _ in tokens}
        if "m" in kinds:
            return Text(_render(tokens, _tex_text, _TEX_OPEN, dict.fromkeys(_TEX_OPEN, "}")), Syntax.TEX)
        if "o" in kinds:
            return Text(_render(tokens, _html_text, _HTML_OPEN, _HTML_CLOSE), Syntax.HTML)
        return Text(_render(tokens, str, {}, {}), Syntax.PLAIN)


    def plain(self) -> str:
        """The text without formatting, maths as $TeX$ (what Text.plain() gives, without parsing)."""
        parts = {"t": lambda v: v, "m": lambda v: f"${v}$", "p": lambda v: "\n\n"}
        return "".join(parts[kind](value) for kind, value in _normalise(self.tokens) if kind in parts)


def rich(element, skip: frozenset[str] = frozenset()) -> Text | None:
    if len(element) == 0:  # the common case: text only
        text = _SPACE.sub(" ", element.text or "").strip()
        return Text(text) if text else None
    return Builder().walk(element, skip).build()


def plain(element, skip: frozenset[str] = frozenset()) -> str:
    """The element's text with whitespace collapsed, formatting dropped."""
    if element is None:
        return ""
    if len(element) == 0:
        return _SPACE.sub(" ", element.text or "").strip()
    return Builder().walk(element, skip).plain()


def _tex_source(source: str) -> str | None:
    """tex-math content without document wrapper or delimiters; None if it is not usable.
    A one-line source without them keeps the spaces at its edges: refconv writes "$5 and $10"
    (dollars a listing paired as maths) as it was read, and reads it back so."""
    bare = source.strip()
    document = _DOCUMENT.search(bare)
    if document:
        bare = document.group(1).strip()
    for start, end in _DELIMITERS:
        if len(bare) > len(start) + len(end) and bare.startswith(start) and bare.endswith(end):
            bare = bare[len(start) : -len(end)].strip()
            break
    else:
        if not document and "\n" not in source:
            bare = source
    return bare if bare.strip() and "$" not in bare else None


def _normalise(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Collapse whitespace across token boundaries; drop empty style pairs and edge spaces."""
    out: list[tuple[str, str]] = []
    space_before = True  # at the start and after a paragraph break, leading spaces go
    for kind, value in tokens:
        if kind == "t":
            value = _SPACE.sub(" ", value)
            if space_before:
                value = value.lstrip(" ")
            if value:
                out.append(("t", value))
                space_before = value.endswith(" ")
        elif kind == "c" and out and out[-1] == ("o", value):
            out.pop()
        elif kind == "p":
            _strip_end(out)
            if out and out[-1][0] != "p":
                out.append(("p", ""))
            space_before = True
        else:
            out.append((kind, value))
            if kind == "m":
                space_before = False
    _strip_end(out)
    while out and out[-1][0] == "p":
        out.pop()
        _strip_end(out)
    return out


def _strip_end(out: list[tuple[str, str]]) -> None:
    for i in range(len(out) - 1, -1, -1):
        kind, value = out[i]
        if kind == "t":
            stripped = value.rstrip(" ")
            if stripped:
                out[i] = ("t", stripped)
                return
            del out[i]
        elif kind != "c":
            return


def _render(tokens, text, opens, closes) -> str:
    parts = []
    for kind, value in tokens:
        if kind == "t":
            parts.append(text(value))
        elif kind == "o":
            parts.append(opens.get(value, ""))
        elif kind == "c":
            parts.append(closes.get(value, ""))
        elif kind == "m":
            parts.append(f"${value}$")
        else:
            parts.append("\n\n")
    return "".join(parts)


def _html_text(value: str) -> str:
    return html.escape(value, quote=False)


def _tex_text(value: str) -> str:
    return _LIGATURE.sub("{}", escape_plain(value))


def element_text(element) -> str:
    """All text of an element, whitespace collapsed (for values that are never rich)."""
    return _SPACE.sub(" ", "".join(element.itertext())).strip()
