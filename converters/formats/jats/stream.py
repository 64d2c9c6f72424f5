"""Large JATS documents, read ``<ref>`` by ``<ref>`` so that memory does not grow with them.

A document longer than ``STREAM_FROM`` characters is copied to a temporary file as it is
read, then read twice from there with the hardened parser's settings:

1. the survey, through a parser target that builds nothing: checks what ``safety.load``
   checks on a whole text (entity declarations, well-formedness) and notes what the
   reading needs to know in advance (the root, whether it holds ``<article>`` children,
   whether there is any ``<ref>`` or ``<article-meta>``) and the unknown entities, which
   are reported before any record;
2. the reading, through a pull parser giving the events of ``<ref>``, ``<article>`` and
   ``<front>`` only: each ref (and, with ``jats_front``, each article's front matter) is
   read when its element ends, by the same code as for a whole tree, and what lies before
   it is freed.

A document the survey does not pass (it names an entity declaration, holds an XInclude,
whose warning needs the element's line, or is not well-formed) is read whole from the
copy, as a short one is, so it gets the same refusal, warning or salvage (and, over
``safety.MAX_CHARS``, the refusal of a document too long to read whole). Every other
document gives the records and diagnostics that reading it whole gives, whatever its length.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from ...model import Record
from . import safety
from .citation import CITATIONS, read_citation, read_ref
from .front import read_article_front, read_meta
from .inline import local
from .parts import Context

STREAM_FROM = 8 << 20  # characters: shorter documents are read whole
_CHUNK = 1 << 20
_ENTITY = "<!ENTITY"
_XINCLUDE = f"{{{safety.XINCLUDE}}}include"


@dataclass
class Spooled:
    """A long document's temporary copy (at its start) and its length in characters."""

    file: IO[str]
    chars: int


def take(stream: IO[str] | Iterable[str]) -> str | Spooled:
    """The document: its text when short, else a temporary copy of it."""
    pieces: Iterable[str] = _read_chunks(stream) if hasattr(stream, "read") else stream
    head: list[str] = []
    total = 0
    spool: IO[str] | None = None
    for piece in pieces:
        if not total and piece.startswith("\ufeff"):
            piece = piece[1:]
        total += len(piece)
        if spool is not None:
            spool.write(piece)
            continue
        head.append(piece)
        if total > STREAM_FROM:
            # surrogatepass: a lone surrogate from a caller's text comes back as it went
            spool = tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass", newline="")
            spool.writelines(head)
            head = []
    if spool is None:
        return "".join(head)
    spool.seek(0)
    return Spooled(spool, total)


def _read_chunks(stream) -> Iterator[str]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def _pieces(spool: IO[str]) -> Iterator[str]:
    spool.seek(0)
    yield from _read_chunks(spool)


_SETTINGS: dict[str, Any] = {  # safety._parser's settings, and its reasons
    "resolve_entities": False, "no_network": True, "load_dtd": False, "dtd_validation": False, "huge_tree": False,
    "remove_comments": True, "remove_pis": True, "encoding": "utf-8",
}


def _feed(parser, pieces: Iterable[str], entities: safety.NamedEntities) -> Iterator[None]:
    """Feed the document to ``parser``, named references replaced as ``safety.load`` does;
    yields after each piece (for a pull parser's events)."""
    for piece in pieces:
        parser.feed(entities.feed(piece).encode("utf-8", "replace"))
        yield
    parser.feed(entities.feed("", final=True).encode("utf-8", "replace"))
    parser.close()
    yield


def _events(pieces: Iterable[str], tags: list[str] | None = None) -> Iterator[tuple[str, etree._Element]]:
    """Start and end events of the elements named ``tags`` (of all, when None)."""
    parser = etree.XMLPullParser(events=("start", "end"), tag=tags, **_SETTINGS)
    for _ in _feed(parser, pieces, safety.NamedEntities()):
        yield from parser.read_events()


def _prune(element: etree._Element) -> None:
    """Free a finished element and everything before it: the siblings before it and before
    each of its ancestors (the ancestors themselves are still open)."""
    element.clear()
    node: etree._Element | None = element
    while node is not None and (parent := node.getparent()) is not None:
        while node.getprevious() is not None:
            del parent[0]
        node = parent


@dataclass
class Survey:
    root: str = ""
    root_line: int | None = None  # found by the reading
    article_children: bool = False  # the root holds <article> elements (a <pmc-articleset>)
    has_ref: bool = False
    has_meta: bool = False
    entities: safety.NamedEntities = field(default_factory=safety.NamedEntities)


class _Surveyor:
    """An lxml parser target: sees each element's name and builds nothing (no tree, no
    Python element per element: a third of the time events would take)."""

    def __init__(self, found: Survey) -> None:
        self.found, self.depth = found, 0

    def start(self, tag: str, attrib) -> None:
        self.depth += 1
        name = tag.rpartition("}")[2]
        if self.depth == 1:
            self.found.root = name
        elif self.depth == 2 and name == "article":
            self.found.article_children = True
        if name == "ref":
            self.found.has_ref = True
        elif name == "article-meta":
            self.found.has_meta = True
        elif tag == _XINCLUDE:  # reported with its line: the whole reading does that
            raise _ReadWhole

    def end(self, tag: str) -> None:
        self.depth -= 1

    def close(self) -> None:
        return None


def survey(spool: IO[str]) -> Survey | None:
    """What the reading needs to know in advance; None when the document is to be read whole
    (it names an entity declaration anywhere, holds an XInclude, or is not well-formed)."""
    found = Survey()
    # the stubs' ParserTarget lists every callback; lxml calls those the target has
    parser = etree.XMLParser(target=_Surveyor(found), **_SETTINGS)  # type: ignore[call-overload]
    try:
        for _ in _feed(parser, _declaring_nothing(_pieces(spool)), found.entities):
            pass
    except (etree.XMLSyntaxError, _ReadWhole):
        return None
    return found


class _ReadWhole(Exception):
    """The document is one to read whole."""


def _declaring_nothing(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces, until one (or two together) hold ``<!ENTITY``: ``safety.load`` decides
    what such a document may be (it skips one inside a comment, for instance)."""
    tail = ""  # the last characters before ``piece``, which may begin one
    for piece in pieces:
        if _ENTITY in piece or _ENTITY in tail + piece[: len(_ENTITY) - 1]:
            raise _ReadWhole
        tail = (tail + piece[-len(_ENTITY):])[1 - len(_ENTITY):]
        yield piece


def read(spool: IO[str], found: Survey, ctx: Context, source: str | None, front: bool) -> Iterator[Record]:
    """The records of a surveyed document, in the order ``reader._records`` gives them."""
    if found.root in CITATIONS or found.root == "article-meta":
        yield from _whole_root(spool, found, ctx, source, front)
        return
    by_article = found.root == "article" or found.article_children
    article: etree._Element | None = None
    front_due = False  # the article's front matter is yet to be read (before its refs)
    held: list[etree._Element] = []  # refs that ended before their article's front matter
    in_front = open_refs = 0
    # events of these elements only: the others cost nothing in Python
    for event, element in _events(_pieces(spool), ["{*}ref", "{*}article", "{*}front", "{*}" + found.root]):
        name = local(element)
        parent = element.getparent()
        if event == "start":
            if parent is None:
                found.root_line = element.sourceline
            if by_article and name == "article" and (parent is None if found.root == "article" else
                                                     parent is not None and parent.getparent() is None):
                article, front_due, held = element, front, []
            elif front_due and name == "front" and parent is article:
                in_front += 1
            if name == "ref":
                open_refs += 1
            continue
        if name == "ref":
            open_refs -= 1
            if not open_refs and (article is not None or not by_article):
                if front_due:
                    held.append(element)
                else:
                    yield from _refs(element, ctx, source)
        if front_due and name == "front" and parent is article:
            in_front -= 1
            yield from _front(article, held, ctx, source)
            front_due, held = False, []
        elif element is article:
            if front_due:  # an article without front matter
                yield from _front(article, held, ctx, source)
                front_due, held = False, []
            article = None
        if parent is not None and not (open_refs or in_front or held):
            _prune(element)


def _front(article, held: list, ctx: Context, source: str | None) -> Iterator[Record]:
    record = read_article_front(article, ctx, source)
    if record is not None:
        yield record
    for ref in held:
        yield from _refs(ref, ctx, source)


def _refs(ref, ctx: Context, source: str | None) -> Iterator[Record]:
    for inner in ref.iter("{*}ref"):  # nested refs in document order, as root.iter gives them
        yield from read_ref(inner, ctx, source)


def _whole_root(spool: IO[str], found: Survey, ctx: Context, source: str | None, front: bool) -> Iterator[Record]:
    """A lone citation (or a lone <article-meta>) as the document: one record, read whole."""
    root = None
    for event, element in _events(_pieces(spool)):
        if event == "start" and root is None:
            root = element
    if root is None:
        return
    found.root_line = root.sourceline
    if found.root in CITATIONS:
        record = read_citation(root, root.get("id"), ctx, source)
    else:
        record = read_meta(root, ctx, source) if front else None
    if record is not None:
        yield record
