"""Text values as flat spans, and the renderings every writer needs.

A span is (kind, content). Kinds: ``text``, ``math`` (TeX source without the
dollars), ``nocase`` (case-protected text), ``i``, ``b``, ``sc``, ``sup``, ``sub``, ``nodecor``
(CSL's: text a style must not format; the other formats have no such markup, so plain text there).
Content is Unicode (NFC) for every kind but ``math``.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, NamedTuple

from ..model import Syntax, Text
from . import tex
from .cache import cache_short
from .sentence_case import sentence_case

if TYPE_CHECKING:
    from .tex_encode import CharSink


class Span(NamedTuple):
    kind: str
    content: str




def spans(text: Text, *, kept: bool = False) -> tuple[Span, ...]:
    """kept: BibTeX's special characters and macro groups as kind "kept" (tex.scan_unknown)."""
    if kept and text.syntax is Syntax.BIBTEX and "{\\" in text.value:  # (else no group is "kept")
        result, unknown = _kept_spans(text.value)
    else:
        result, unknown = _spans(text.value, text.syntax)
    if unknown:
        tex.report_unknown(unknown, text.value)  # every call: the cache must not hide a run's first use
    return result


@cache_short(maxsize=8192)
def _spans(value: str, syntax: Syntax) -> tuple[tuple[Span, ...], tuple[str, ...]]:
    if syntax is Syntax.PLAIN:
        return ((Span("text", value),) if value else ()), ()
    if syntax is Syntax.HTML:
        return _html_spans(value), ()
    if not tex.has_tex(value):
        return ((Span("text", value),) if value else ()), ()
    if tex.only_inline_math(value):
        return tuple(Span("math" if is_math else "text", chunk) for is_math, chunk in tex.split_inline_math(value)), ()
    pieces, unknown = tex.scan_unknown(value, protect=syntax is Syntax.BIBTEX)
    return _merge([Span(kind, content if kind == "math" else tex.nfc(content)) for kind, content in pieces]), unknown


@cache_short(maxsize=1024)
def _kept_spans(value: str) -> tuple[tuple[Span, ...], tuple[str, ...]]:
    pieces, unknown = tex.scan_unknown(value, protect=True, kept=True)
    return _merge([Span(kind, content if kind == "math" else tex.nfc(content)) for kind, content in pieces]), unknown


_HTML_TAG = re.compile(
    r'<(?P<close>/)?(?P<tag>i|b|sup|sub|sc|span)(?P<attrs>(?:\s+[a-z-]+="[^"]*")*)\s*>', re.I
)
_HTML_KIND = {"i": "i", "b": "b", "sup": "sup", "sub": "sub", "sc": "sc"}  # <sc>: citeproc-js's small caps


# What producers write in text values, which no citation processor reads: Crossref's and
# PubMed's CSL-JSON carry JATS (<jats:p>, <jats:italic>, <ext-link>), DataCite's HTML
# paragraphs (<p>, <br>), Zotero's RIS notes HTML (<p>, <div>, <strong>). Inline styles become
# CSL's tags, paragraphs and headings paragraph breaks, and the other elements leave their
# text. Only a well-formed tag counts ("$x<p$ and $y>q$" is maths, not a paragraph).
_PRODUCER_TAG = re.compile(
    r"<(/?)(?:jats:)?(p|div|title|h[1-6]|li|ul|ol|blockquote|br|sec|italic|em|bold|strong|sc|sup|sub|ext-link"
    r"|a|underline|u|monospace|code|list|list-item|label|inline-formula|email|uri|named-content|styled-content)"
    r"((?:\s+[\w:-]+=\"[^\"<>]*\")*)\s*(/?)>",
    re.IGNORECASE)
_PRODUCER_INLINE = {"italic": "i", "em": "i", "bold": "b", "strong": "b", "sc": "sc", "sup": "sup", "sub": "sub"}
_PRODUCER_BLOCKS = frozenset({"p", "div", "title", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote"})
_BREAKS = re.compile(r"[ \t]*\n[ \t]*(?:\n[ \t\n]*)?")


def _producer_tag(match: re.Match[str]) -> str:
    closing, name = match.group(1), match.group(2).lower()
    if name in _PRODUCER_INLINE:
        return f"<{closing}{_PRODUCER_INLINE[name]}>"
    if name == "br":
        return "\n"
    return "\n\n" if name in _PRODUCER_BLOCKS else ""  # (an opening tag too: "<p>One<p>Two")


def has_producer_markup(value: str) -> bool:
    """A producer's tags, well nested: "<p>a</p>", "a<br>b", and HTML's "<p>a" at the start of
    a value (its end tag may be left out); not "use the <p> element" or "the </p> tag"."""
    if "<" not in value:
        return False
    found = False
    open_tags: list[str] = []
    for match in _PRODUCER_TAG.finditer(value):
        found = True
        closing, name, void = match.group(1), match.group(2).lower(), match.group(4)
        if name == "br" or void:
            continue
        if not closing:
            open_tags.append(name)
            continue
        while open_tags and open_tags[-1] != name and open_tags[-1] in _END_TAG_OPTIONAL:
            open_tags.pop()
        if not open_tags or open_tags.pop() != name:
            return False
    if open_tags and not value.lstrip().startswith("<"):
        return False
    return found and all(tag in _END_TAG_OPTIONAL for tag in open_tags)


_END_TAG_OPTIONAL = frozenset({"p", "li"})  # HTML lets these close themselves


def producer_markup(value: str) -> str:
    """CSL rich text for a value a producer wrote with JATS or HTML tags, well nested; else the value."""
    if not has_producer_markup(value):
        return value
    text = _PRODUCER_TAG.sub(_producer_tag, value)
    if "\n" not in text:
        return text
    return _BREAKS.sub(lambda m: "\n\n" if m.group().count("\n") > 1 else "\n", text).strip()


def _html_spans(value: str) -> tuple[Span, ...]:
    out: list[Span] = []
    stack: list[str] = []
    pos = 0
    for match in _HTML_TAG.finditer(value):
        if match.start() > pos:
            out.append(Span(stack[-1] if stack else "text", html.unescape(value[pos : match.start()])))
        pos = match.end()
        if match.group("close"):
            if stack:
                stack.pop()
            continue
        tag = match.group("tag").lower()
        attrs = match.group("attrs") or ""
        if tag == "span":
            kind = ("nocase" if "nocase" in attrs else "sc" if "small-caps" in attrs
                    else "nodecor" if "nodecor" in attrs else "text")
        else:
            kind = _HTML_KIND[tag]
        stack.append(kind)
    if pos < len(value):
        out.append(Span(stack[-1] if stack else "text", html.unescape(value[pos:])))
    return tuple(_merge(out))


def _merge(items: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for span in items:
        if not span.content:
            continue
        if merged and merged[-1].kind == span.kind and span.kind != "math":
            joined = merged[-1].content + span.content
            # a combining mark that starts a piece composes with the letter ending the one before
            merged[-1] = Span(span.kind, joined if span.content.isascii() else tex.nfc(joined))
        else:
            merged.append(span)
    return tuple(merged)


# --- renderings ---------------------------------------------------------------------


def to_plain(text: Text, *, plain_math: bool = False) -> str:
    """Unicode text; maths stays as ``$TeX$`` unless plain_math asks for Unicode."""
    parts = []
    for kind, content in spans(text):
        if kind == "math":
            parts.append(tex.math_to_text(content) if plain_math else f"${content}$")
        else:
            parts.append(content)
    return "".join(parts)


# citeproc reads only these tags in CSL strings; a "<" opening one of them in our text is
# escaped, every other "<" (3<p_T<4, <br>) is just a character
_TAGLIKE = re.compile(r"<(?=/?(?:i|b|sup|sub|sc|span)\b)", re.IGNORECASE)

_CSL_WRAP = {
    "nocase": ('<span class="nocase">', "</span>"),
    "i": ("<i>", "</i>"),
    "b": ("<b>", "</b>"),
    "sup": ("<sup>", "</sup>"),
    "sub": ("<sub>", "</sub>"),
    "sc": ('<span style="font-variant:small-caps;">', "</span>"),
    "nodecor": ('<span class="nodecor">', "</span>"),  # no style's formatting ("v." in a case name)
}


_ENTITY_LIKE = re.compile(r"&#?[A-Za-z0-9]+;?")


def _escape_entity(match: re.Match[str]) -> str:
    piece = match.group()
    return "&amp;" + piece[1:] if html.unescape(piece) != piece else piece


def _csl_escape(value: str) -> str:
    """Escape exactly what a rich-text reader would take for markup: a ``<`` that could open a
    tag, and an ``&`` that would read as an entity (``&amp;`` typed as text stays ``&amp;``)."""
    if "&" in value:
        value = _ENTITY_LIKE.sub(_escape_entity, value)
    return _TAGLIKE.sub("&lt;", value)


def to_csl(text: Text, *, plain_math: bool = False, sentence: bool = False) -> str:
    """CSL rich text: citeproc's HTML-like tags; a literal ``<`` that could open a tag, or an
    ``&`` that could start an entity, is escaped. ``sentence``: a BibTeX title is lowered to
    CSL's sentence case where BibTeX lets a style lower it (text/sentence_case.py)."""
    parts = []
    sentence = sentence and text.syntax is Syntax.BIBTEX
    pieces = sentence_case(spans(text, kept=True)) if sentence else spans(text)
    for kind, content in pieces:
        if kind == "math":
            body = tex.math_to_text(content) if plain_math else f"${content}$"
            parts.append(_csl_escape(body))
            continue
        body = _csl_escape(content)
        if kind in _CSL_WRAP:
            start, end = _CSL_WRAP[kind]
            parts.append(f"{start}{body}{end}")
        else:
            parts.append(body)
    return "".join(parts)


_TEX_WRAP = {"i": r"\textit", "b": r"\textbf", "sc": r"\textsc", "sup": r"\textsuperscript",
             "sub": r"\textsubscript"}


def to_tex(text: Text, *, mode: str = "utf8", protect_case: bool = True, missing: CharSink | None = None) -> str:
    """TeX for BibTeX output from any syntax.

    TeX source is kept as written, only repaired where it would break out of its field
    or mean something else than its author meant: stray braces become literal braces,
    a trailing backslash is spelt out, and in arXiv's TeX (Syntax.TEX) ``% & # ^ _``
    outside maths are escaped. Then case protection and, in ascii mode, macros for
    non-ASCII. Anything else is escaped as plain text. ``missing`` collects the
    characters ascii mode had no macro for.
    """
    if text.syntax in (Syntax.TEX, Syntax.BIBTEX):
        value = text.value
        if text.syntax is Syntax.TEX:
            value = tex.escape_text_specials(value)
        value = tex.close_trailing_backslash(tex.balance_braces(value))
        if text.syntax is Syntax.TEX and protect_case:
            value = tex.protect_case_tex(value)
        return tex.encode_non_ascii(value, missing) if mode == "ascii" else value
    parts = []
    first = True
    for kind, content in spans(text):
        if kind == "math":
            parts.append(f"${content}$")
        elif kind == "nocase":
            parts.append("{" + tex.escape_plain(content, mode, missing) + "}")
        elif kind in _TEX_WRAP:
            parts.append(_TEX_WRAP[kind] + "{" + tex.escape_plain(content, mode, missing) + "}")
        elif protect_case:
            for protect, chunk in tex.protect_words(content, first):
                escaped = tex.escape_plain(chunk, mode, missing)
                parts.append("{" + escaped + "}" if protect else escaped)
        else:
            parts.append(tex.escape_plain(content, mode, missing))
        first = first and not content.strip()
    return "".join(parts)
