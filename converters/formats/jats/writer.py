"""JATS 1.4 Archiving writer (the reader is ``reader.py`` beside it).

Two shapes (Options.jats_mode):

* ``references`` (default): one ``<article>`` whose ``<back><ref-list>`` holds one
  ``<ref><element-citation>`` per record: valid against the Archiving (Green) DTD,
  which, unlike Publishing, needs no journal metadata.
* ``articles``: one ``<article>`` with full front matter per record. One record is a
  standalone document; several are wrapped in ``<pmc-articleset>`` (the container
  PubMed Central uses for article sets), each ``<article>`` valid on its own.

XML is built as text: records stream out one at a time, and every value passes
through ``_esc`` (characters XML 1.0 forbids are dropped, markup escaped).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from ...csl import DATE_VARIABLES, NAME_VARIABLES, VARIABLES
from ...diagnostics import Reporter
from ...extras import Extra
from ...keys import KeyAllocator
from ...model import Date, Name, Record, Text, iso_year
from ...options import Options
from ...piece import Piece
from ...text.ids import ORCID_URL
from ...text.markup import Span, spans
from ...titles import as_one_volume
from ...unwritten import report_line_breaks, report_unwritten
from .parts import text_date
from .types import (
    ARTICLE_TYPE,
    PERSON_GROUP_TYPES,
    PUBLICATION_TYPE,
    PUBLICATION_TYPES,
    TITLE_IS_SOURCE,
    VARIABLE_ELEMENTS,
    csl_type,
)

PUBLIC_ID = "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.4 20241031//EN"
SYSTEM_ID = "JATS-archivearticle1-4.dtd"
DTD_VERSION = "1.4"
XLINK = "http://www.w3.org/1999/xlink"
MML = "http://www.w3.org/1998/Math/MathML"


_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")  # BCP 47 shape, as xml:lang wants
_WEB_LINK = re.compile(r"(?:https?|ftp)://", re.IGNORECASE)
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(value: str, quote: bool = False) -> str:
    value = _XML_FORBIDDEN.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace('"', "&quot;") if quote else value


def _el(tag: str, content: str, **attrs: str) -> str:
    attr_text = "".join(f' {k.replace("__", ":").replace("_", "-")}="{_esc(v, True)}"' for k, v in attrs.items())
    return f"<{tag}{attr_text}>{content}</{tag}>"


_INLINE = {"i": "italic", "b": "bold", "sc": "sc", "sup": "sup", "sub": "sub"}


def _rich(text: Text) -> str:
    """Text as JATS mixed content: maths become <inline-formula><tex-math>."""
    return _mixed(spans(text))


def _paragraphs(text: Text) -> str:
    """<p> per paragraph, cut in the text between maths and tags: an arXiv abstract's
    \\begin{align} has blank lines, and a cut in the source left its body outside it."""
    paragraphs: list[list[Span]] = [[]]
    for span in spans(text):
        pieces = span.content.split("\n\n") if span.kind != "math" else [span.content]
        for number, piece in enumerate(pieces):
            if number:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Span(span.kind, piece))
    return "".join(_el("p", _mixed(paragraph)) for paragraph in paragraphs if paragraph)


def _mixed(parts: Iterable[Span]) -> str:
    out = []
    for kind, content in parts:
        if kind == "math":
            out.append(_el("inline-formula", _el("tex-math", _esc(content))))
        elif kind in _INLINE:
            out.append(_el(_INLINE[kind], _esc(content)))
        else:
            out.append(_esc(content))
    return "".join(out)


_SIMPLE_PAGES = re.compile(r"\s*([^\s,;+–-]+)\s*(?:[–-]+\s*([^\s,;+–-]+)\s*)?")


def _page_elements(pages: str) -> str:
    """fpage and lpage for a page or a range; for anything else ("100-", "431-456, 791-823",
    "xii + 286") the first page and the whole as page-range, which the reader reads first."""
    simple = _SIMPLE_PAGES.fullmatch(pages)
    if simple:
        return _el("fpage", _esc(simple[1])) + (_el("lpage", _esc(simple[2])) if simple[2] else "")
    first = re.match(r"\s*([^\s,;+–-]*)", pages)
    return (_el("fpage", _esc(first[1])) if first and first[1] else "") + _el("page-range", _esc(pages.strip()))


def _name(name: Name) -> str:
    if name.literal is not None:
        return _el("collab", _esc(name.literal))
    surname = " ".join(p for p in (name.non_dropping_particle, name.family) if p)
    given = " ".join(p for p in (name.given, name.dropping_particle) if p)
    if not surname:
        return _el("string-name", _esc(given))
    parts = _el("surname", _esc(surname))
    if given:
        parts += _el("given-names", _esc(given))
    if name.suffix:
        parts += _el("suffix", _esc(name.suffix))
    return _el("name", parts)


def _years_only(date: Date) -> bool:
    """A range of whole years, which a citation's year element holds as its text."""
    end = date.end
    return (end is not None and date.month is None and date.season is None and not date.circa
            and end.year is not None and end.month is None and end.season is None and not end.circa
            and not date.open_ended)


def _one_date(date: Date, path: str, record: Record, key: str, report: Reporter,
              target: str = "JATS element-citation") -> None:
    """A date element holds one date: the end of a range, or circa, is reported."""
    if date.end or date.circa:
        report.lost(key, path, target, record=record, value=f"end of range {date.end.iso()}" if date.end else "circa")


def _date_parts(date: Date, order: str) -> str:
    """Citation order is year, month, day; pub-date wants day, month, year."""
    pieces = {}
    if (iso := date.iso()) is not None:  # (there is a year)
        pieces["year"] = _el("year", str(date.year), **({"iso_8601_date": iso} if order == "ymd" else {}))
    if date.month:
        pieces["month"] = _el("month", f"{date.month:02d}")
    if date.day:
        pieces["day"] = _el("day", f"{date.day:02d}")
    keys = ("year", "month", "day") if order == "ymd" else ("day", "month", "year")
    return "".join(pieces[k] for k in keys if k in pieces)


# the CSL variables of the record's maps this writer writes in an element-citation, and in the
# articles mode's front matter
WRITTEN_VARIABLES: frozenset[str] = (NAME_VARIABLES | frozenset(VARIABLE_ELEMENTS.values())
                                     | {"number-of-pages", "event-date", "volume-title"})  # (titles.as_one_volume)
# (contribs, with ORCID iDs and affiliations; a volume's title as the article's); the others go
# to custom-meta under their CSL names (submitted: <history>, a page count: <counts>)
FRONT_WRITTEN_VARIABLES: frozenset[str] = NAME_VARIABLES | {"volume-title"}
_EVERY_VARIABLE = VARIABLES | NAME_VARIABLES | DATE_VARIABLES


def write(records: Iterable[Record], out: TextIO, report: Reporter, options: Options | None = None,
          piece: Piece | None = None) -> int:
    """``piece``: references mode only (articles mode wraps a second article differently)."""
    options = options or Options()
    if options.jats_mode == "articles":
        return _write_articles(records, out, report, options)
    keys = piece.keys if piece else KeyAllocator.for_options(options, report)
    ref_ids = keys.ref_ids()  # ref/@id from the key, without a second allocator's memory
    if piece is None or piece.opens:
        out.write(_prolog())
        out.write(_article_open("research-article"))
        # the document has no metadata of its own: an empty article-meta (all optional in Archiving);
        # "References" heads the ref-list, where a reader does not take it for a title
        out.write("<front>\n<article-meta></article-meta>\n</front>\n<back>\n<ref-list>\n"
                  "<title>References</title>\n")
    count = 0
    for record in records:
        key = keys.key_for(record)
        ref_id = ref_ids.id_for(key)
        if record.key and ref_id != record.key and options.keep_keys:
            # JATS has no citation key: a JATS -> BibTeX round trip gives the XML id as the key
            report.lost(ref_id, "key", "jats", f"ref/@id as '{ref_id}'", record=record,
                        value=record.key)
        note = record.extras.get(_REF_NOTE)  # (the ref's own note, before its citation)
        out.write(_el("ref", (_el("note", _el("p", _esc(note))) if note else "") + _citation(record, key, report),
                      id=ref_id) + "\n")
        count += 1
    if piece is None or piece.closes:
        out.write("</ref-list>\n</back>\n</article>\n")
    return count


def _prolog() -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE article PUBLIC "{PUBLIC_ID}" "{SYSTEM_ID}">\n'


def _article_open(article_type: str, language: str | None = "en") -> str:
    """An article is in the record's language when it has one; the references list is in English."""
    lang = f' xml:lang="{language}"' if language and _LANGUAGE.fullmatch(language) else ""
    return (f'<article xmlns:xlink="{XLINK}" xmlns:mml="{MML}" dtd-version="{DTD_VERSION}" '
            f'article-type="{_esc(article_type, True)}"{lang}>\n')


_AFFILIATION = frozenset({"affiliation"})  # a cited name's <aff>s; <name> has no place for an ORCID iD
_REF_NOTE = Extra("jats", "ref-note")  # a <ref>'s own <note>, written before its citation


def _affs(texts: tuple[str, ...]) -> str:
    return "".join(_el("aff", _esc(text)) for text in texts)


def _cited_name(name: Name) -> str:
    """A name in a citation's person-group, its affiliations after it (as the reader takes them)."""
    return _name(name) + _affs(name.affiliation)


def _citation(record: Record, key: str, report: Reporter) -> str:
    record = as_one_volume(record, report, key, "JATS")
    report_unwritten(report, record, key, "JATS", WRITTEN_VARIABLES, name_details=_AFFILIATION)
    if record.attachments:  # (files of the cited work: no element of a citation holds them)
        report.lost(key, "attachments", "JATS", record=record)
    report_line_breaks(report, record, key, "JATS", paragraphs=False, unwritten=("abstract",))
    # a type JATS4R has no value for is written by its CSL name (publication-type is free text),
    # which the reader reads back
    pub_type = _original(PUBLICATION_TYPE, record) or PUBLICATION_TYPES.get(record.type, record.type)
    parts: list[str] = []
    # the record's affiliations (the authors', for no one author) open the first group: an
    # <aff> before any name, which the reader takes so
    shared = _affs(record.affiliations)
    for role, names, etal in (("author", record.authors, record.authors_etal),
                              ("editor", record.editors, record.editors_etal)):
        if names or etal:
            inner = "".join(map(_cited_name, names)) + ("<etal/>" if etal else "")
            parts.append(_el("person-group", shared + inner, person_group_type=role))
            shared = ""
    for variable, names in record.names.items():  # translators, series editors ...: typed groups
        group_type = PERSON_GROUP_TYPES.get(variable)
        inner = shared + "".join(map(_cited_name, names))
        shared = ""
        parts.append(_el("person-group", inner, person_group_type=group_type) if group_type else
                     _el("person-group", inner, person_group_type="custom", custom_type=variable))
    if shared:
        report.lost(key, "affiliations", "JATS", record=record, value="no person-group to hold them")
    if not record.authors:
        report.warning("write.no-authors", "record has no authors; JATS4R asks for a typed person-group",
                       key=key, record=record, field="authors")
    ids = record.ids
    source = record.container_title
    if record.title and record.type in TITLE_IS_SOURCE and not source:
        parts.append(_el("source", _rich(record.title)))
    else:
        if record.title:
            in_a_whole = record.type in ("chapter", "entry-encyclopedia", "entry-dictionary")
            tag = "chapter-title" if in_a_whole else "article-title"
            parts.append(_el(tag, _rich(record.title)))
        else:
            report.warning("write.no-title", "record has no title; JATS4R asks for an article-title",
                           key=key, record=record, field="title")
        if source:
            parts.append(_el("source", _rich(source)))
        elif record.type == "article" and ids.arxiv:
            parts.append(_el("source", "arXiv"))
    if record.issued:
        if _years_only(record.issued):  # a work issued over years: <year>1885–1902</year>, as taxpub writes it
            assert record.issued.end is not None and record.issued.end.year is not None
            assert record.issued.year is not None
            parts.append(_el("year", f"{iso_year(record.issued.year)}–{iso_year(record.issued.end.year)}"))
        elif record.issued.year is not None:
            parts.append(_date_parts(record.issued, "ymd"))
            if record.issued.end or record.issued.circa:
                report.lost(key, "issued", "JATS element-citation", record=record,
                            value="end of range" if record.issued.end else "circa")
        elif record.issued.literal:
            parts.append(_el("string-date", _esc(record.issued.literal)))
    if record.volume:
        parts.append(_el("volume", _esc(record.volume)))
    if record.issue:
        parts.append(_el("issue", _esc(record.issue)))
    if record.edition:
        parts.append(_el("edition", _esc(record.edition)))
    # (arXiv as the publisher of a preprint is its <source> above, unless a journal is)
    if record.publisher and not (ids.arxiv and record.publisher == "arXiv" and not source):
        parts.append(_el("publisher-name", _esc(record.publisher)))
    if record.publisher_place:
        parts.append(_el("publisher-loc", _esc(record.publisher_place)))
    if record.pages:
        parts.append(_page_elements(record.pages))
    if record.number and not ids.arxiv:
        parts.append(_el("elocation-id", _esc(record.number)))
    if ids.arxiv:
        parts.append(_el("pub-id", _esc(ids.arxiv), pub_id_type="arxiv"))
    for doi in record.dois:
        parts.append(_el("pub-id", _esc(doi), pub_id_type="doi"))
    if ids.pmid:
        parts.append(_el("pub-id", _esc(ids.pmid), pub_id_type="pmid"))
    if ids.pmcid:
        parts.append(_el("pub-id", _esc(ids.pmcid), pub_id_type="pmcid"))
    for isbn in ids.isbn:
        parts.append(_el("isbn", _esc(isbn)))
    for issn in ids.issn:
        parts.append(_el("issn", _esc(issn)))
    for link in filter(None, (ids.primary_url, *ids.links)):
        parts.append(_el("ext-link", _esc(link), ext_link_type="uri", xlink__href=link))
    if record.accessed and record.accessed.year is not None:
        parts.append(_el("date-in-citation", _esc(record.accessed.iso() or ""), content_type="access-date",
                         iso_8601_date=record.accessed.iso() or ""))
        _one_date(record.accessed, "accessed", record, key, report)
    elif record.accessed and record.accessed.literal:  # the date as written: JATS's element holds text
        parts.append(_el("date-in-citation", _esc(record.accessed.literal), content_type="access-date"))
        read_back = text_date(record.accessed.literal)
        if read_back is not None and read_back.literal is None:  # readers take a date out of the text
            report.lost(key, "accessed", "JATS element-citation", f"date-in-citation (read back as {read_back.iso()})",
                        record=record, value=record.accessed.literal)
    for element, variable in VARIABLE_ELEMENTS.items():
        if variable in record.variables:
            parts.append(_el(element, _rich(record.variables[variable])))
    if "number-of-pages" in record.variables:
        parts.append(_el("size", _esc(record.variables["number-of-pages"].plain()), units="pages"))
    event_date = record.dates.get("event-date")
    if event_date is not None:
        iso = event_date.iso()
        text = _esc(iso or event_date.literal or "")
        parts.append(_el("conf-date", text, iso_8601_date=iso) if iso else _el("conf-date", text))
        if iso:
            _one_date(event_date, "event-date", record, key, report)
    if record.note:
        parts.append(_el("comment", _rich(record.note)))
    target = "JATS element-citation"
    for name in ("abstract", "keywords", "language"):
        if getattr(record, name):
            report.lost(key, name, target, record=record)
    if ids.arxiv_version:
        report.lost(key, "ids.arxiv_version", target, record=record)
    if ids.arxiv_class:
        report.lost(key, "ids.arxiv_class", target, record=record)
    for extra_key in record.extras:
        if extra_key != PUBLICATION_TYPE and extra_key != _REF_NOTE:
            report.lost(key, extra_key, target, record=record)
    if not any(parts):  # the DTD wants content: keep the record's place, and say so
        report.warning("write.empty-citation", "record has nothing a JATS citation can hold; written as an "
                       "empty <comment/>", key=key, record=record)  # the input's file and line
        parts.append("<comment/>")
    # a type that shares its JATS4R value with another (a review is "journal"), or a book with a
    # container title (its own title is then an article-title), reads back as the other type
    back_type = csl_type(pub_type) or "document"
    if back_type == "book" and any(part.startswith(("<article-title", "<chapter-title")) for part in parts):
        back_type = "chapter"
    if back_type != record.type:
        report.lost(key, "type", target, f'publication-type="{pub_type}" (read back as {back_type})', record=record,
                    value=record.type)
    return _el("element-citation", "".join(parts), publication_type=pub_type)


def _original(extra_key: Extra, record: Record) -> str | None:
    """The publication-type/article-type the input gave, while it still names the record's type."""
    value = record.extras.get(extra_key)
    if value is None:
        return None
    if extra_key == ARTICLE_TYPE:
        return value if (value == "preprint") == (record.type == "article") else None
    return value if csl_type(value.strip()) == record.type else None


def _write_articles(records: Iterable[Record], out: TextIO, report: Reporter, options: Options) -> int:
    """One <article> per record; a second record switches to a <pmc-articleset> wrapper."""
    keys = KeyAllocator.for_options(options, report)
    iterator = iter(records)
    first = next(iterator, None)
    if first is None:
        report.warning("write.empty", "no records to write; JATS needs at least one article")
        return 0
    second = next(iterator, None)
    if second is None:
        out.write(_prolog())
        out.write(_front_article(first, keys.key_for(first), report))
        return 1
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<pmc-articleset>\n')
    count = 0
    for record in _chain(first, second, iterator):
        out.write(_front_article(record, keys.key_for(record), report))
        count += 1
    out.write("</pmc-articleset>\n")
    return count


def _chain(first: Record, second: Record, rest: Iterable[Record]):
    yield first
    yield second
    yield from rest


def _contrib(name: Name) -> str:
    """A contributor of the front matter: ORCID iD (as JATS4R writes it), name, affiliations."""
    orcid = _el("contrib-id", _esc(ORCID_URL + name.orcid), contrib_id_type="orcid") if name.orcid else ""
    return orcid + _name(name) + _affs(name.affiliation)


def _front_article(record: Record, key: str, report: Reporter) -> str:
    record = as_one_volume(record, report, key, "JATS")
    report_unwritten(report, record, key, "JATS", _EVERY_VARIABLE, name_details=True)
    if record.attachments:  # (a reference manager's files: <self-uri> names the article's own online forms)
        report.lost(key, "attachments", "JATS", record=record)
    report_line_breaks(report, record, key, "JATS", paragraphs=("abstract",))  # (its paragraphs are <p>s)
    ids = record.ids
    meta: list[str] = []
    if ids.arxiv:
        meta.append(_el("article-id", _esc(ids.arxiv), pub_id_type="arxiv"))
    own_doi = ids.derived_doi or (ids.doi[0] if ids.doi else None)
    if own_doi:
        meta.append(_el("article-id", _esc(own_doi), pub_id_type="doi"))
    for kind, value in (("pmid", ids.pmid), ("pmcid", ids.pmcid)):
        if value:
            meta.append(_el("article-id", _esc(value), pub_id_type=kind))
    if ids.arxiv_version:
        meta.append(_el("article-version", f"v{ids.arxiv_version}", article_version_type="arxiv-version"))
    if ids.arxiv_class:  # the primary class alone; all keywords (categories too) go in kwd-group
        meta.append(_el("article-categories", _el("subj-group", _el("subject", _esc(ids.arxiv_class)),
                                                  subj_group_type="arxiv-categories")))
    title = _el("article-title", _rich(record.title)) if record.title else ""
    if not record.title:
        report.warning("write.no-title", "record has no title", key=key, record=record, field="title")
    meta.append(_el("title-group", title) if title else "")
    contribs = []
    groups = [("author", record.authors, record.authors_etal), ("editor", record.editors, record.editors_etal),
              *((PERSON_GROUP_TYPES.get(variable, variable), names, False) for variable, names in record.names.items())]
    shared = _affs(record.affiliations)  # (no contrib points at them)
    for role, names, etal in groups:
        inner = "".join(_el("contrib", _contrib(n), contrib_type=role) for n in names)
        if etal:
            inner += "<etal/>"
        if inner:
            contribs.append(_el("contrib-group", inner + shared))
            shared = ""
    if shared:
        report.lost(key, "affiliations", "JATS", record=record, value="no contrib-group to hold them")
    meta.extend(contribs)
    if record.issued and record.issued.year is not None:
        meta.append(_el("pub-date", _date_parts(record.issued, "dmy"), date_type="preprint" if ids.arxiv else "pub",
                        iso_8601_date=record.issued.iso() or ""))
        _one_date(record.issued, "issued", record, key, report, "JATS")
    elif record.issued and record.issued.literal:  # (a pub-date holds parts only)
        report.lost(key, "issued", "JATS", record=record, value=record.issued.literal)
    if record.volume:
        meta.append(_el("volume", _esc(record.volume)))
    if record.issue:
        meta.append(_el("issue", _esc(record.issue)))
    meta.extend(_el("isbn", _esc(isbn)) for isbn in ids.isbn)
    if record.pages:
        meta.append(_page_elements(record.pages))
    submitted = record.dates.get("submitted")
    if submitted and submitted.year is not None:  # (received: the date the journal had it)
        meta.append(_el("history", _el("date", _date_parts(submitted, "dmy"), date_type="received",
                                       iso_8601_date=submitted.iso() or "")))
        _one_date(submitted, "submitted", record, key, report, "JATS")
    url = ids.primary_url
    # (self-uri elsewhere names the article's own files: "elife-00666.pdf")
    for link in (url, *ids.links) if url and _WEB_LINK.match(url) else ids.links:
        if _WEB_LINK.match(link):
            meta.append(_el("self-uri", _esc(link), xlink__href=link))
        else:
            report.lost(key, "ids.links", "JATS", record=record, value=link)
    for doi in ids.doi if ids.arxiv else ids.doi[1:]:
        meta.append(_el("related-article", "", related_article_type="published-article" if ids.arxiv else "companion",
                        ext_link_type="doi", xlink__href=doi))
    if record.abstract:
        meta.append(_el("abstract", _paragraphs(record.abstract)))
    if record.keywords:
        meta.append(_el("kwd-group", "".join(_el("kwd", _esc(k)) for k in record.keywords)))
    custom = []
    if record.type not in ("article", "article-journal"):  # (article-type says research article or preprint)
        custom.append(("type", record.type))
    if record.note:
        custom.append(("comments", record.note.plain()))
    for extra_key, value in record.extras.items():
        if extra_key != ARTICLE_TYPE and not extra_key.is_source_form:  # (the attribute carries it)
            custom.append((str(extra_key), value))  # read back by its text form
    if record.container_title:
        custom.append(("container-title", record.container_title.plain()))
    if record.publisher:
        custom.append(("publisher", record.publisher))
    # what article-meta has no element for (its publisher is the journal's), read back by name
    custom.extend((name, value) for name, value in (
        ("publisher-place", record.publisher_place), ("number", record.number), ("edition", record.edition),
        ("issn", " ".join(ids.issn)),  # (the journal's: journal-meta, which this mode does not write)
        ("url", url if url and not _WEB_LINK.match(url) else None),
        ("language", record.language if record.language and not _LANGUAGE.fullmatch(record.language) else None),
        ("accessed", record.accessed and (record.accessed.iso() if record.accessed.year is not None
                                          else record.accessed.literal))) if value)
    if record.accessed and record.accessed.year is not None:
        _one_date(record.accessed, "accessed", record, key, report, "JATS")
    pages = record.variables["number-of-pages"].plain() if "number-of-pages" in record.variables else ""
    counted = pages.isdigit()
    # every other CSL variable has no element here: under its CSL name, as the reader reads it
    for var, text in record.variables.items():
        if var not in FRONT_WRITTEN_VARIABLES and not (var == "number-of-pages" and counted):
            custom.append((var, text.plain()))
    for var, date in record.dates.items():
        if var != "submitted" or date.year is None:
            custom.append((var, date.iso() or date.literal or ""))
            if date.year is not None:
                _one_date(date, var, record, key, report, "JATS")
    if counted:
        meta.append(_el("counts", _el("page-count", "", count=pages)))
    if custom:
        meta.append(_el("custom-meta-group", "".join(
            _el("custom-meta", _el("meta-name", _esc(k)) + _el("meta-value", _esc(v))) for k, v in custom)))
    front = _el("front", _el("article-meta", "".join(meta)))
    article_type = _original(ARTICLE_TYPE, record) or (
        "preprint" if record.type == "article" else "research-article")
    return _article_open(article_type, record.language) + front + "\n</article>\n"
