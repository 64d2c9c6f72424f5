"""``arxiv-atom``: responses of the arXiv API (``export.arxiv.org/api/query``).

Per ``<entry>``: ``id`` (abstract URL with version), ``title``, ``summary``,
``published`` (v1 date: ``issued``), ``updated`` (latest version's date),
``author/name`` (+ ``arxiv:affiliation``), ``category/@term``,
``arxiv:primary_category``, ``arxiv:comment``, ``arxiv:journal_ref``, ``arxiv:doi``
and ``link``s (the abstract, PDF and DOI links are derivable and not kept).

Not records: an API error comes as an entry titled ``Error`` whose id points into
``/api/errors`` (an error diagnostic); an empty page is a warning; a page that is not
the last says so (info). An entry repeating an earlier one in the same file is
skipped with a warning. Pages converted together in one run are separate inputs: an
entry on two overlapping pages is written twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ...diagnostics import Reporter
from ...model import Record
from ...options import Options
from ...text.names import split_display_name
from ...text.tex import tex_to_unicode
from ..sniff import arxiv_atom as detect  # noqa: F401 (the format's detector, re-exported)
from .common import Draft, build, parse_iso_date
from .xmlstream import children, iter_ends, local, text_of

NAME = "arxiv-atom"
CODE = "atom"

_ABS_URL = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/abs/", re.I)
_VERSION = re.compile(r"v(\d+)$")
_DERIVED_LINKS = {"alternate", "pdf", "doi"}
_FEED_NUMBERS = {"totalResults", "startIndex", "itemsPerPage"}
_MAPPED = {"id", "title", "summary", "published", "updated", "author", "category", "primary_category",
           "comment", "journal_ref", "doi", "link"}



def read(stream: Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    seen: dict[str | None, int] = {}  # arXiv id -> line (build() always gives the record one)
    feed: dict[str, int] = {}
    entries = 0
    for element in iter_ends(stream, {"entry", *_FEED_NUMBERS}, report, CODE):
        name = local(element)
        if name != "entry":
            feed[name] = _int(element.text)
            continue
        entries += 1
        record = _entry(element, report, seen)
        if record is not None:
            yield record
    if not any(d.code == f"{CODE}.xml" for d in report.diagnostics):  # a cut-off page says nothing about paging
        _page_notes(feed, entries, report)


def _int(text: str | None) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        return -1


def _entry(entry, report: Reporter, seen: dict[str | None, int]) -> Record | None:
    line = entry.sourceline
    entry_id = text_of(entry, "id") or ""
    if text_of(entry, "title") == "Error" or "/api/errors" in entry_id:
        report.error(f"{CODE}.api-error",
                     f"the arXiv API answered with an error: {text_of(entry, 'summary') or entry_id}",
                     line=line, key=entry_id.rsplit("#", 1)[-1] or None, hint="check the query or id_list")
        return None
    draft = _draft(entry, entry_id)
    record = build(draft, report, CODE)
    if record is None:
        return None
    first = seen.get(record.ids.arxiv)
    if first is not None:
        report.warning(f"{CODE}.duplicate", f"entry repeats the one at line {first}; skipped", line=line,
                       key=record.label)
        return None
    seen[record.ids.arxiv] = line
    return record


def _draft(entry, entry_id: str) -> Draft:
    draft = Draft(line=entry.sourceline, raw_id=_ABS_URL.sub("", entry_id) or None)
    draft.lines["id"] = entry.sourceline
    draft.title = text_of(entry, "title")
    draft.abstract = text_of(entry, "summary")
    draft.comments = text_of(entry, "comment")
    draft.journal_ref = text_of(entry, "journal_ref")
    draft.dois = [doi] if (doi := text_of(entry, "doi")) else []
    draft.categories = [c.get("term", "").strip() for c in children(entry, "category") if c.get("term", "").strip()]
    primary = children(entry, "primary_category")
    draft.primary = (primary[0].get("term") or "").strip() or None if primary else None
    _dates(entry, draft)
    _authors(entry, draft)
    _links(entry, draft)
    for child in entry:
        if local(child) not in _MAPPED and "".join(child.itertext()).strip():
            draft.add_extra(local(child), "".join(child.itertext()))
    return draft


def _dates(entry, draft: Draft) -> None:
    published, updated = text_of(entry, "published"), text_of(entry, "updated")
    version = _VERSION.search(draft.raw_id or "")
    n = int(version[1]) if version else None
    if published:
        draft.submitted = parse_iso_date(published)
        draft.versions.append((1, published))
    if updated:
        draft.add_extra("updated", updated)
        if n and n > 1:
            draft.versions.append((n, updated))  # the feed's updated is the latest version's date


def _authors(entry, draft: Draft) -> None:
    for author in children(entry, "author"):
        name = " ".join((text_of(author, "name") or "").split())
        if not name:
            continue
        parsed = split_display_name(name)
        draft.authors.append(parsed)
        affiliations = [tex_to_unicode(" ".join(a.text.split())) for a in children(author, "affiliation") if a.text]
        if affiliations:
            draft.affiliations.append((parsed.display(), affiliations))


def _links(entry, draft: Draft) -> None:
    for link in children(entry, "link"):
        kind = link.get("title") or link.get("rel") or ""
        if kind not in _DERIVED_LINKS and link.get("href"):
            draft.add_extra("link", link.get("href"))


def _page_notes(feed: dict[str, int], entries: int, report: Reporter) -> None:
    total, start = feed.get("totalResults", -1), feed.get("startIndex", 0)
    if entries == 0:
        report.warning(f"{CODE}.empty", "the feed has no entries"
                       + (" (opensearch:totalResults is 0)" if total == 0 else ""),
                       hint="an id_list of unknown or malformed ids returns an empty feed")
    elif total > start + entries:
        report.info(f"{CODE}.more-results", f"this page holds results {start + 1}-{start + entries} of {total}; "
                    f"the next page starts at start={start + entries}")
