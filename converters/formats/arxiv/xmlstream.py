"""Streaming, inert XML parsing for the Atom and OAI-PMH readers.

The document cannot act: no DTD is loaded, no entity is expanded, nothing is fetched
(``load_dtd=False, resolve_entities=False, no_network=True``; ``huge_tree=False``
keeps libxml2's size limits). The text stream (already decoded with the user's
``--encoding``) is fed to lxml as UTF-8, overriding the document's own declaration.
Elements are yielded as they end and cleared afterwards, so memory stays flat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree

from ...diagnostics import Reporter

_CHUNK = 1 << 16
_SURROGATES = re.compile(r"[\ud800-\udfff]")


class _Utf8:
    """A bytes file over a text stream (or an iterable of lines).

    A lone surrogate (text from a caller, not from decoding) has no UTF-8 form: it becomes
    U+FFFD with a warning, rather than an exception from inside lxml's read callback.
    """

    def __init__(self, stream: Iterable[str], report: Reporter, code: str):
        self._read = getattr(stream, "read", None)
        self._lines: Iterator[str] = iter(()) if self._read else iter(stream)
        self._report, self._code = report, code
        self._line = 1  # of the next text read

    def read(self, size: int = -1) -> bytes:
        if self._read is not None:
            text = self._read(size if size and size > 0 else _CHUNK)
        else:
            text = next(self._lines, "")
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            line = self._line + text.count("\n", 0, exc.start)
            self._report.warning(f"{self._code}.surrogate", "lone surrogate (half of a UTF-16 pair, not text) "
                                 "replaced by U+FFFD", line=line)
            data = _SURROGATES.sub("\ufffd", text).encode("utf-8")
        self._line += text.count("\n")
        return data


def local(element) -> str:
    """The element name without its namespace (hepcrawl's fixtures move arXiv's namespace)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def iter_ends(stream: Iterable[str], wanted: set[str], report: Reporter, code: str) -> Iterator:
    """Yield each element whose local name is in ``wanted`` when it ends, then clear it.

    A syntax error ends the input with an error diagnostic (records already yielded stay).
    """
    events = etree.iterparse(_Utf8(stream, report, code), events=("end",), encoding="utf-8", load_dtd=False,
                             resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True,
                             remove_pis=True)
    try:
        for _, element in events:
            if local(element) in wanted:
                yield element
                _release(element)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        report.error(f"{code}.xml", f"not well-formed XML: {exc.msg}", line=line,
                     hint="records before this point were read")


def _release(element) -> None:
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def text_of(element, name: str) -> str | None:
    """The text of the first child with this local name (None when absent or empty)."""
    for child in element:
        if local(child) == name:
            value = "".join(child.itertext()).strip()
            return value or None
    return None


def children(element, name: str) -> list:
    return [child for child in element if local(child) == name]
