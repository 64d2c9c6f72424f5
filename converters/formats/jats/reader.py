"""The JATS reader: references (and, on request, the article's own front matter).

Reads every ``<ref>`` of the document (back matter, sub-articles, each article of a
``<pmc-articleset>``), and with ``Options.jats_front`` also each article's front
matter, first. Citations outside a ``<ref>`` (a data availability statement quoting
a data set) are not references of the article and are not read. Never raises:
problems are diagnostics with the line and the ref id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TextIO

from ...diagnostics import Reporter
from ...model import Record
from ...options import Options
from ..sniff import jats as detect  # noqa: F401 (the format's detector, re-exported)
from . import safety
from .citation import CITATIONS, read_citation, read_ref
from .front import read_article_front, read_meta
from .inline import local
from .parts import Context


def read(stream: TextIO | Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    options = options or Options()
    text = safety.read_text(stream, report)
    if text is None:
        return
    loaded = safety.load(text, report, front=options.jats_front)
    if loaded is None:
        return
    ctx = Context(report)
    count = 0
    roots = loaded.fragments if loaded.salvaged else [loaded.root]
    for root in roots:
        for record in _records(root, ctx, report.source, options.jats_front):
            count += 1
            yield record
    ctx.summarise()
    if count == 0 and loaded.root is not None:
        _explain_nothing(loaded.root, report, options)


def _records(root, ctx: Context, source: str | None, front: bool) -> Iterator[Record]:
    name = local(root)
    if name in CITATIONS:  # a lone citation as the document
        record = read_citation(root, root.get("id"), ctx, source)
        if record is not None:
            yield record
        return
    if name == "article-meta":  # salvaged from a broken document
        if front:
            record = read_meta(root, ctx, source)
            if record is not None:
                yield record
        return
    articles = [root] if name == "article" else [c for c in root if local(c) == "article"]
    if not articles:
        yield from _refs(root, ctx, source)
        return
    for article in articles:
        if front:
            record = read_article_front(article, ctx, source)
            if record is not None:
                yield record
        yield from _refs(article, ctx, source)


def _refs(root, ctx: Context, source: str | None) -> Iterator[Record]:
    for ref in root.iter("{*}ref"):
        yield from read_ref(ref, ctx, source)


def _explain_nothing(root, report: Reporter, options: Options) -> None:
    if next(root.iter("{*}ref"), None) is not None:
        return
    if not options.jats_front and next(root.iter("{*}article-meta"), None) is not None:
        report.info("jats.no-references", "the document has no <ref>; nothing read",
                    line=root.sourceline, hint="set jats_front to read the article's own front matter as a record")
    elif next(root.iter("{*}article-meta"), None) is None:
        report.warning("jats.no-references", f"<{local(root)}> holds neither references nor front matter",
                       line=root.sourceline)
