"""The JATS reader: references (and, on request, the article's own front matter).

Reads every ``<ref>`` of the document (back matter, sub-articles, each article of a
``<pmc-articleset>``), and with ``Options.jats_front`` also each article's front
matter, first. Citations outside a ``<ref>`` (a data availability statement quoting
a data set) are not references of the article and are not read. Never raises:
problems are diagnostics with the line and the ref id. A long document is read <ref> by
<ref> (``stream.py``), with what reading it whole gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TextIO

from ...diagnostics import Reporter
from ...model import Record
from ...options import Options
from ..sniff import jats as detect  # noqa: F401 (the format's detector, re-exported)
from . import safety, stream
from .citation import CITATIONS, read_citation, read_ref
from .front import read_article_front, read_meta
from .inline import local
from .parts import Context


def read(source: TextIO | Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    options = options or Options()
    document = stream.take(source)
    if isinstance(document, str):
        yield from _read_whole(document, len(document), report, options)
        return
    with document.file:  # a long document's temporary copy
        surveyed = stream.survey(document.file)
        if surveyed is None:  # entity declarations, an XInclude, or not well-formed: read as a whole
            document.file.seek(0)
            text = document.file.read() if document.chars <= safety.MAX_CHARS else ""
            yield from _read_whole(text, document.chars, report, options)
            return
        surveyed.entities.report_unknown(report)
        ctx = Context(report)
        count = 0
        for record in stream.read(document.file, surveyed, ctx, report.source, options.jats_front):
            count += 1
            yield record
        ctx.summarise()
        if count == 0:
            _explain_nothing(surveyed.root, surveyed.root_line, surveyed.has_ref, surveyed.has_meta, report, options)


def _read_whole(text: str, chars: int, report: Reporter, options: Options) -> Iterator[Record]:
    if chars > safety.MAX_CHARS:  # its text and tree would not fit in memory (a streamed document has no limit)
        report.error("jats.too-large",
                     f"input is larger than the JATS reader's limit of {safety.MAX_CHARS:,} characters for a "
                     "document read whole (one that is not well-formed, declares an entity or holds an XInclude); "
                     "nothing read", line=1, hint="split the file, or raise converters.formats.jats.safety.MAX_CHARS")
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
    if count == 0 and (root := loaded.root) is not None:
        _explain_nothing(local(root), root.sourceline, next(root.iter("{*}ref"), None) is not None,
                         next(root.iter("{*}article-meta"), None) is not None, report, options)


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


def _explain_nothing(root: str, line: int | None, has_ref: bool, has_meta: bool, report: Reporter,
                     options: Options) -> None:
    if has_ref:
        return
    if not options.jats_front and has_meta:
        report.info("jats.no-references", "the document has no <ref>; nothing read", line=line,
                    hint="set jats_front to read the article's own front matter as a record")
    elif not has_meta:
        report.warning("jats.no-references", f"<{root}> holds neither references nor front matter", line=line)
