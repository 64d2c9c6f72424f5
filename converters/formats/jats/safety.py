"""Turning untrusted JATS text into an lxml tree without letting the document act.

What a hostile file could ask for, and what happens instead:

* entity declarations (billion laughs, quadratic blowup, ``SYSTEM "file:///etc/passwd"``
  external entities, parameter entities): a document whose text declares any entity
  is refused before lxml sees it (``<!ENTITY`` inside a comment, CDATA section or
  processing instruction declares nothing and is read); the parser also runs with
  ``resolve_entities=False``;
* an external DTD (``<!DOCTYPE article SYSTEM "http://...">``): never loaded
  (``load_dtd=False``, ``no_network=True``); real JATS files name one, so the
  DOCTYPE itself is fine;
* XInclude: never processed (lxml only includes on ``xinclude()``, which is never
  called); ``xi:include`` elements are reported;
* size: a document read whole (short, or not one ``stream.py`` can read ref by ref) over
  ``MAX_CHARS`` characters is refused; ``huge_tree=False`` keeps libxml2's limits on depth
  and text node size.

Named entities such as ``&nbsp;`` are legal in JATS only through its external DTD,
which is not loaded: the HTML5 names (a superset of the ISO sets the JATS DTD
declares) become character references; other names are kept as literal text and
reported. A document that is not well-formed is read again one ``<ref>`` (and one
``<article-meta>``) at a time, so one broken reference costs only itself.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from ...diagnostics import Reporter

MAX_CHARS = 200_000_000  # refuse longer documents read whole (characters, ~bytes for Latin text)

XINCLUDE = "http://www.w3.org/2001/XInclude"
_PREDEFINED = ("amp", "lt", "gt", "quot", "apos")
_ENTITY_DECL = re.compile(r"<!ENTITY\s*(%\s*)?([^\s>\"']*)")
# the next named reference, comment, CDATA section or PI (the last three are skipped whole)
_SCAN = re.compile(r"<!--|<!\[CDATA\[|<\?|&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_][\w.-]*);")
_REF_START = re.compile(r"<ref(?=[\s>/])")
_REF_END = "</ref>"
_META = re.compile(r"<article-meta(?=[\s>]).*?</article-meta>", re.S)
_NS_DECL = re.compile(r"""\sxmlns(:[A-Za-z_][\w.-]*)?\s*=\s*("[^"]*"|'[^']*')""")
_WRAPPER = "salvaged-fragment"  # the element each fragment of a broken document is parsed in
_ID_ATTR = re.compile(r"""\sid\s*=\s*["']([^"']*)["']""")


@dataclass
class Loaded:
    """A parsed document, or, for a broken one, the fragments that parsed on their own."""

    root: etree._Element | None = None
    fragments: list[etree._Element] = field(default_factory=list)

    @property
    def salvaged(self) -> bool:
        return self.root is None


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def refuse_entity_declarations(text: str, report: Reporter) -> bool:
    """True (after reporting) when the document declares entities; nothing is then read."""
    start = find_entity_declaration(text)
    if start is None:
        return False
    match = _ENTITY_DECL.match(text, start)
    assert match is not None, "start is an '<!ENTITY', which the pattern always matches"
    kind = "parameter entity" if match.group(1) else "entity"
    report.error(
        "jats.entity-declaration",
        f"the document declares {kind} '{match.group(2)}' in its DTD; documents that declare entities are "
        "refused (entity expansion bombs and external entities), nothing was read from it",
        line=line_at(text, match.start()), column=match.start() - text.rfind("\n", 0, match.start()),
        hint="remove the internal DTD subset; write characters or &#NNNN; references instead",
    )
    return True


# Outside the DOCTYPE: a comment, CDATA section or processing instruction hides an
# "<!ENTITY" (it is text there); the DOCTYPE is scanned with the DTD's own syntax.
_OUTSIDE = re.compile(r"<!--|<!\[CDATA\[|<\?|<!DOCTYPE|<!ENTITY")
_CLOSERS = {"<!--": "-->", "<![CDATA[": "]]>", "<?": "?>"}
_HEAD_TOKEN = re.compile(r"[\"'\[>]")  # the DOCTYPE around its internal subset
_SUBSET_TOKEN = re.compile(r"<!--|<\?|<!|\]")  # the top level of the internal subset
_DECL_TOKEN = re.compile(r"[\"'>]")  # inside one markup declaration
_OTHER_DECL = re.compile(r"<!(?:ELEMENT|ATTLIST|NOTATION)\s")


def find_entity_declaration(text: str) -> int | None:
    """Where the document declares an entity, or None.

    Conservative: only a complete comment, CDATA section or PI outside the DOCTYPE, and
    quoted literals, comments and PIs where the DTD syntax puts them, are skipped; an
    unterminated one, or text the scanner cannot place, is searched like the rest."""
    pos = 0
    while (match := _OUTSIDE.search(text, pos)) is not None:
        token = match.group()
        if token == "<!ENTITY":
            return match.start()
        if token == "<!DOCTYPE":
            found, pos = _scan_doctype(text, match.end())
            if found is not None:
                return found
            continue
        end = text.find(_CLOSERS[token], match.end())
        if end < 0:
            return _fallback(text, match.end())
        pos = end + len(_CLOSERS[token])
    return None


def _fallback(text: str, pos: int) -> int | None:
    match = _ENTITY_DECL.search(text, pos)
    return None if match is None else match.start()


def _scan_doctype(text: str, pos: int) -> tuple[int | None, int]:
    """(offset of an entity declaration or None, offset after the DOCTYPE)."""
    subset = False
    while True:
        if not subset:
            match = _HEAD_TOKEN.search(text, pos)
            if match is None:
                return _fallback(text, pos), len(text)
            if (hidden := text.find("<!ENTITY", pos, match.start())) >= 0:  # not DTD syntax: no cover
                return hidden, len(text)
            token = match.group()
            if token == ">":
                return None, match.end()
            if token == "[":
                subset, pos = True, match.end()
                continue
            end = text.find(token, match.end())  # a quoted system or public id
            if end < 0:
                return _fallback(text, pos), len(text)
            pos = end + 1
            continue
        match = _SUBSET_TOKEN.search(text, pos)
        if match is None:
            return _fallback(text, pos), len(text)
        token = match.group()
        if token == "]":
            subset, pos = False, match.end()
        elif token in _CLOSERS:
            end = text.find(_CLOSERS[token], match.end())
            if end < 0:
                return _fallback(text, pos), len(text)
            pos = end + len(_CLOSERS[token])
        elif text.startswith("<!ENTITY", match.start()):
            return match.start(), len(text)
        elif _OTHER_DECL.match(text, match.start()):  # to its ">", past quoted literals
            declaration_end, entity_at = _declaration_end(text, match.end())
            if entity_at is not None:
                return entity_at, len(text)
            if declaration_end is None:
                return _fallback(text, pos), len(text)
            pos = declaration_end
        else:  # not DTD syntax (a conditional section, a typo): skip nothing
            pos = match.end()


def _declaration_end(text: str, pos: int) -> tuple[int | None, int | None]:
    """(offset after the declaration's ">" or None, offset of an "<!ENTITY" outside its literals)."""
    while (match := _DECL_TOKEN.search(text, pos)) is not None:
        if (hidden := text.find("<!ENTITY", pos, match.start())) >= 0:
            return None, hidden
        if match.group() == ">":
            return match.end(), None
        end = text.find(match.group(), match.end())
        if end < 0:
            return None, None
        pos = end + 1
    return None, None


def replace_named_entities(text: str, report: Reporter) -> str:
    """HTML5 named references become numeric ones; unknown names become literal text.

    Comments, CDATA sections and processing instructions are skipped whole: a reference
    there is not one.
    """
    entities = NamedEntities()
    replaced = entities.feed(text, final=True)
    entities.report_unknown(report)
    return replaced


_OPENERS = ("<!--", "<![CDATA[", "<?")
_NAME_TAIL = re.compile(r"[\w.-]*")


class NamedEntities:
    """``replace_named_entities`` over a text given in pieces, for documents read as a stream:
    ``feed`` returns the replaced text up to where a reference, comment, CDATA section or PI
    may go on in the next piece (held back until then); the pieces' results joined are the
    whole text's. Unknown names are counted, to be reported once at the end."""

    def __init__(self) -> None:
        self.pending = ""
        self.line = 1  # of the pending text's start
        self.unknown: dict[str, list[int]] = {}  # name -> [first line, count]

    def feed(self, piece: str, final: bool = False) -> str:
        text = self.pending + piece
        end = len(text) if final else _complete_until(text)
        out: list[str] = []
        copied = search = 0
        counted, line = 0, self.line  # lines counted up to ``counted``: once over the text
        while (match := _SCAN.search(text, search, end)) is not None:
            token = match.group()
            if token in _CLOSERS:
                close = text.find(_CLOSERS[token], match.end())
                if close >= 0:
                    search = close + len(_CLOSERS[token])
                elif final:
                    search = end  # unterminated: the parser reports it; the rest is left as it is
                    break
                else:
                    end = search = match.start()  # held back until its end comes
                    break
                continue
            name = match.group(1)
            value = html.entities.html5.get(name + ";")
            if value is None:
                if name not in self.unknown:
                    line += text.count("\n", counted, match.start())
                    counted = match.start()
                    self.unknown[name] = [line, 0]
                self.unknown[name][1] += 1
                replacement = "&amp;" + name + ";"
            else:
                replacement = "".join(f"&#x{ord(ch):X};" for ch in value)
            out.append(text[copied : match.start()])
            out.append(replacement)
            copied = search = match.end()
        stop = max(end, search)
        out.append(text[copied:stop])
        self.line += text.count("\n", 0, stop)
        self.pending = text[stop:]
        return "".join(out)

    def report_unknown(self, report: Reporter) -> None:
        for name, (line, count) in self.unknown.items():
            times = f" ({count} times)" if count > 1 else ""
            report.warning("jats.unknown-entity",
                           f"entity '&{name};'{times} is neither XML's nor HTML's and the DTD is not loaded; "
                           "kept as the literal text '&" + name + ";'",
                           line=line, hint="replace it by the character it stands for")


def _complete_until(text: str) -> int:
    """Where a token the next piece may complete starts: a last '&' followed by name
    characters only, or a last '<' that begins a comment, CDATA or PI opener."""
    end = len(text)
    amp = text.rfind("&")
    if amp >= 0 and _NAME_TAIL.fullmatch(text, amp + 1):
        end = amp
    lt = text.rfind("<")
    if lt >= 0 and any(opener.startswith(text[lt:]) for opener in _OPENERS):
        end = min(end, lt)
    return end


def _parser() -> etree.XMLParser:
    # A new parser per document: lxml parsers are not thread-safe. Not collect_ids=False:
    # with it libxml2 tries to load the external DTD (no_network stops http, not file:).
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True, encoding="utf-8")


def load(text: str, report: Reporter, *, front: bool = False) -> Loaded | None:
    """Parse safely; None (after an error) when nothing may be read from the document."""
    if refuse_entity_declarations(text, report):
        return None
    text = replace_named_entities(text, report)
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), _parser())
    except etree.XMLSyntaxError as exc:
        return _salvage(text, exc, report, front)
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:  # belt and braces
        report.error("jats.entity-declaration", "the document's DTD declares entities; nothing was read from it",
                     line=1)
        return None
    _report_xinclude(root, report)
    return Loaded(root)


def _report_xinclude(root: etree._Element, report: Reporter) -> None:
    for element in root.iter(f"{{{XINCLUDE}}}include"):
        report.warning("jats.xinclude",
                       f"XInclude of '{element.get('href', '')}' is never processed; nothing was included",
                       line=element.sourceline, hint="include the content in the file itself")


_POSITION_SUFFIX = re.compile(r",\s*line \d+, column \d+$")


def _message(exc: etree.XMLSyntaxError, first_line: int = 1) -> str:
    """lxml's message without its position; inner line numbers made the file's."""
    message = _POSITION_SUFFIX.sub("", str(exc.msg or exc))
    if first_line > 1:
        message = re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + first_line - 1}", message)
    return message.replace(f"<{_WRAPPER}>", "the end of the input").replace(_WRAPPER, "the end of the input")


def _salvage(text: str, exc: etree.XMLSyntaxError, report: Reporter, front: bool) -> Loaded:
    """Parse each <ref> (and <article-meta>) on its own; report what still fails."""
    line, column = exc.position if exc.position else (exc.lineno, None)
    namespaces: dict[str, str] = {}
    for match in _NS_DECL.finditer(text):
        namespaces.setdefault(match.group(1) or "", match.group(2))
    wrapper = f"<{_WRAPPER}" + "".join(f" xmlns{p}={uri}" for p, uri in namespaces.items()) + ">"
    loaded = Loaded()
    spans = [(m.start(), m.end()) for m in _META.finditer(text)] if front else []
    spans += list(_ref_spans(text))
    failed: list[tuple[int, int]] = []  # line ranges of fragments that failed too
    line_of = _LineCounter(text)
    for start, end in sorted(spans):
        first_line = line_of(start)
        fragment = _fragment(text, start, end, first_line, wrapper, report)
        if fragment is None:
            failed.append((first_line, first_line + text.count("\n", start, end)))
        else:
            loaded.fragments.append(fragment)
    if not any(first <= line <= last for first, last in failed):
        report.error("jats.malformed", f"the document is not well-formed XML: {_message(exc)}",
                     line=line, column=column, hint="fix the XML at this position")
    total = len(spans)
    if total:
        report.info("jats.salvaged", f"the document is not well-formed; read {total - len(failed)} of {total} "
                    "<ref>/<article-meta> elements one by one", line=line)
    return loaded


def _ref_spans(text: str) -> Iterator[tuple[int, int]]:
    starts = [m.start() for m in _REF_START.finditer(text)]
    for i, start in enumerate(starts):
        limit = starts[i + 1] if i + 1 < len(starts) else len(text)
        end = text.rfind(_REF_END, start, limit)
        yield start, (limit if end < 0 else end + len(_REF_END))


class _LineCounter:
    """Line numbers of increasing offsets, counted once over the text (not from the start each time)."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def __call__(self, offset: int) -> int:
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _fragment(text: str, start: int, end: int, first_line: int, wrapper: str, report: Reporter):
    """Parse text[start:end] inside the wrapper; element lines are made those of the file."""
    first_column = start - text.rfind("\n", 0, start)
    try:
        root = etree.fromstring((wrapper + text[start:end] + f"</{_WRAPPER}>").encode("utf-8", "replace"), _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno or 1, None)
        if line == 1 and column is not None:
            column = first_column + column - len(wrapper) - 1
        ref_id = _ID_ATTR.search(text, start, min(end, text.find(">", start) + 1 or end))
        report.error("jats.malformed", f"reference is not well-formed XML: {_message(exc, first_line)}; skipped",
                     line=first_line + line - 1, column=column, key=ref_id.group(1) if ref_id else None,
                     hint="the references around it were read")
        return None
    for element in root.iter():
        if element.sourceline is not None:  # lxml lets it be set; types-lxml says read-only
            element.sourceline += first_line - 1  # type: ignore[misc]
    _report_xinclude(root, report)
    return root
