"""One ``<ref>`` -> records: element-citation, mixed-citation, NLM 2.x citation and
nlm-citation, each child element to its field by a handler table; what has no field
goes to ``extras[Extra("jats", element)]``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ...extras import Extra
from ...keys import suffix_letters
from ...model import Date, Name, Record, Text
from ...normalise import arxiv_id_from
from ...text.ids import ArxivIdError, parse_arxiv_id
from .inline import STYLES, element_text, local, plain, rich
from .parts import (
    NAME_ELEMENTS,
    Context,
    Draft,
    add_identifier,
    aff_text,
    date_from,
    href,
    institution_ids,
    iso_date,
    parts_date,
    place_names,
    read_name,
    text_date,
)
from .types import PERSON_GROUP_ROLES, PUBLICATION_TYPE, TITLE_IS_SOURCE, VARIABLE_ELEMENTS, csl_type

CITATIONS = frozenset({"element-citation", "mixed-citation", "citation", "nlm-citation"})
AUTHOR_ROLES = frozenset(role for role, where in PERSON_GROUP_ROLES.items() if "author" in where)
EDITOR_ROLES = frozenset(role for role, where in PERSON_GROUP_ROLES.items() if "editor" in where)
ACCESS_TYPES = frozenset({"access-date", "accessed", "access", "cited", "date-accessed"})
_ARXIV_SOURCE = re.compile(r"arxiv\b", re.I)
_ARXIV_IN_TEXT = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)")
# words that join tagged fields in rendered citations and say nothing themselves
_CONNECTORS = frozenset("""and eds edn vol vols pp available from accessed cited retrieved http https www doi
    pmid pmcid pmc editor editors in et al online internet url pages page chap chapter see also with""".split())
_WORD = re.compile(r"[^\W\d_]{3,}")
# formatting and links around text; namespaced elements (TaxPub's tp:taxon-name) are text too
_TRANSPARENT = frozenset({"xref", "underline", "overline", "strike", "monospace", "roman", "sans-serif",
                          "styled-content", "named-content", "x", "abbrev", "break", "inline-formula"})


def read_ref(ref, ctx: Context, source: str | None) -> Iterator[Record]:
    """The records of one <ref>: one per citation, keys suffixed a, b, ... when several."""
    ref_id = ref.get("id")
    citations = _citations(ref)
    if not citations:
        ctx.report.info("jats.empty-ref", "<ref> holds no citation (only notes or a label); skipped",
                        line=ref.sourceline, key=ref_id)
        return
    # the ref's own note ("For selected reviews, see:", ACS), kept with its first citation
    note = "\n".join(text for child in ref if local(child) == "note" and (text := plain(child)))
    for i, (element, alternative) in enumerate(citations):
        key = f"{ref_id}{suffix_letters(i)}" if ref_id and len(citations) > 1 else ref_id
        record = read_citation(element, key, ctx, source, alternative)
        if record is not None and note:
            record, note = record.evolve(extras={**record.extras, Extra("jats", "ref-note"): note}), ""
        if record is not None:
            yield record


def _citations(ref) -> list[tuple[object, str | None]]:
    """The citations of a ref, each with the text of an alternative rendering of it, if any.

    ``<citation-alternatives>`` gives one work in several forms: one record. A ref that
    holds one structured citation and one untagged mixed-citation (SciELO's practice)
    also gives one work twice: one record, the untagged text kept in extras.
    """
    found: list[tuple[object, str | None]] = []
    for child in ref:
        name = local(child)
        if name in CITATIONS:
            found.append((child, None))
        elif name == "citation-alternatives":
            group = [c for c in child if local(c) in CITATIONS]
            if group:
                chosen = max(group, key=lambda c: (local(c) == "element-citation", len(c)))
                others = [plain(c) for c in group if c is not chosen and local(c) == "mixed-citation"]
                found.append((chosen, "\n".join(others) or None))
    if len(found) == 2:
        bare = [c for c, _ in found if local(c) == "mixed-citation" and not _tagged(c)]
        if len(bare) == 1:
            structured = next(c for c, _ in found if c is not bare[0])
            if _tagged(structured):
                return [(structured, plain(bare[0]) or None)]
    return found


def _tagged(citation) -> bool:
    """Whether a citation tags any field (formatting alone does not count)."""
    return any(local(d) in _HANDLERS or local(d) in NAME_ELEMENTS for d in citation.iterdescendants())


@dataclass
class _Collected:
    """Elements of one citation waiting for the decisions that need all of them."""

    titles: dict[str, Text] = field(default_factory=dict)  # article-title, chapter-title, data-title
    source: Text | None = None
    groups: dict[str, list[Name]] = field(default_factory=dict)
    etal: set[str] = field(default_factory=set)
    date_parts: dict[str, object] = field(default_factory=dict)  # year/month/day/season elements
    dates: dict[str, Date | None] = field(default_factory=dict)  # the first pub date, the first string-date
    pages: dict[str, str] = field(default_factory=dict)  # fpage, lpage, page-range
    loose: list[str] = field(default_factory=list)  # untagged text of a mixed-citation
    hints: set[str] = field(default_factory=set)  # elements that tell the type (patent, conf-name)
    fields: int = 0  # tagged elements read


def read_citation(element, key: str | None, ctx: Context, source: str | None,
                  alternative: str | None = None) -> Record | None:
    draft = Draft(line=element.sourceline, key=key)
    raw_type = (element.get("publication-type") or element.get("citation-type") or "").strip()
    if raw_type:
        draft.extras[PUBLICATION_TYPE] = raw_type
    got = _Collected()
    _walk(element, draft, got, ctx, key)
    if alternative:
        draft.extra("mixed-citation", alternative)
    loose = " ".join(" ".join(got.loose).split())
    if not got.fields:
        if not loose:
            ctx.report.warning("jats.empty-citation", f"empty <{local(element)}>; no record", line=element.sourceline,
                               key=key)
            return None
        draft.notes.append(rich(element) or Text(loose))
        ctx.report.warning("jats.unstructured", "citation has no tagged fields; its text is kept as the note",
                           line=element.sourceline, key=key, field="note")
    elif local(element) == "mixed-citation" and any(w.lower() not in _CONNECTORS for w in _WORD.findall(loose)):
        draft.extra("mixed-citation", plain(element))  # untagged words: keep the whole rendering
        ctx.note_unmapped("mixed-citation", element.sourceline)
    _finish(draft, got, raw_type, ctx, element.sourceline)
    try:
        return draft.build(source)
    except ValueError as exc:  # the model refused a value: say so, never raise
        ctx.report.error("jats.bad-citation", f"citation not converted: {exc}", line=element.sourceline, key=key)
        return None


def _walk(element, draft: Draft, got: _Collected, ctx: Context, key: str | None) -> None:
    got.loose.append(element.text or "")
    for child in element:
        name = local(child)
        handler = _HANDLERS.get(name)
        if not name:  # a comment or processing instruction
            pass
        elif handler is not None:
            handler(child, draft, got, ctx, key)
            got.fields += 1
        elif name in NAME_ELEMENTS:
            _add_name(child, "author", draft, got, ctx, key)
            got.fields += 1
        elif name in STYLES or name in _TRANSPARENT or child.tag.startswith("{"):
            if _tagged(child):
                _walk(child, draft, got, ctx, key)  # formatting around tagged fields
            else:
                got.loose.append(element_text(child))  # formatting of untagged text
        else:
            draft.extra(name, plain(child) or href(child))
            ctx.note_unmapped(name, child.sourceline)
            got.fields += 1
        got.loose.append(child.tail or "")


# --- handlers: (element, draft, collected, context, key) ---------------------------------

def _person_group(el, draft, got, ctx, key):
    role = (el.get("person-group-type") or "author").strip().lower()
    if role == "custom" and (el.get("custom-type") or "").strip():
        role = el.get("custom-type").strip().lower()
    for child in el:
        name = local(child)
        if name in NAME_ELEMENTS:
            _add_name(child, role, draft, got, ctx, key)
        elif name == "etal":
            got.etal.add(role)
        elif name == "role":
            draft.extra("role", plain(child))
        elif name == "aff":  # the preceding name's; before any, the authors' for no one author
            _add_affiliation(aff_text(child), got.groups.get(role), draft)
            for ident in institution_ids(child):
                draft.extra("institution-id", ident)


def _add_affiliation(text: str, names: list[Name] | None, draft) -> None:
    if text and names:
        names[-1] = replace(names[-1], affiliation=(*names[-1].affiliation, text))
    elif text and text not in draft.affiliations:
        draft.affiliations.append(text)


def _add_name(el, role, draft, got, ctx, key):
    name = read_name(el, ctx, key, draft)
    if name is not None:
        got.groups.setdefault(role, []).append(name)


def _etal(el, draft, got, ctx, key):
    got.etal.add("author")


def _title(el, draft, got, ctx, key):
    text = rich(el)
    if text is None:
        return
    if local(el) in got.titles:
        draft.extra(local(el), text.plain())
    else:
        got.titles[local(el)] = text


def _source(el, draft, got, ctx, key):
    text = rich(el)
    if text is not None and got.source is None:
        got.source = text
    elif text is not None:
        draft.extra("source", text.plain())


def _date_part(el, draft, got, ctx, key):
    if local(el) in got.date_parts:
        draft.extra(local(el), element_text(el))
    else:
        got.date_parts[local(el)] = el


def _date(el, draft, got, ctx, key):
    kind = (el.get("date-type") or "pub").lower()
    date = parts_date(el, draft, ctx, key)
    if kind in ACCESS_TYPES:
        draft.accessed = draft.accessed or date
    elif kind in ("pub", "published", "publication") and "date" not in got.dates:
        got.dates["date"] = date
    elif date is not None:
        draft.extra(f"date:{kind}", date.iso() or date.literal)


def _string_date(el, draft, got, ctx, key):
    got.dates.setdefault("string-date", text_date(element_text(el)))


def _date_in_citation(el, draft, got, ctx, key):
    kind = (el.get("content-type") or "").lower()
    text = element_text(el)
    if kind in ACCESS_TYPES or (not kind and re.search(r"\b(cited|accessed|retrieved)\b", text, re.I)):
        draft.accessed = draft.accessed or iso_date(el.get("iso-8601-date")) or text_date(text)
    else:
        draft.extra(f"date-in-citation:{kind}" if kind else "date-in-citation", text)


def _access_date(el, draft, got, ctx, key):
    draft.accessed = draft.accessed or text_date(element_text(el))


def _simple(attribute):
    def handler(el, draft, got, ctx, key):
        draft.set_once(attribute, element_text(el) or None, local(el))
    return handler


def _listed(attribute):
    def handler(el, draft, got, ctx, key):
        draft.add_item(attribute, element_text(el) or None, local(el))
    return handler


def _page(el, draft, got, ctx, key):
    got.pages.setdefault(local(el), element_text(el))


def _pub_id(el, draft, got, ctx, key):
    kind = el.get("pub-id-type") or ""
    value = element_text(el) or href(el)
    if not add_identifier(kind, value, draft, ctx, el.sourceline, key, "pub-id"):
        draft.extra(f"pub-id:{kind.lower()}" if kind else "pub-id", value)


def _link(el, draft, got, ctx, key):
    kind = (el.get("ext-link-type") or "uri").lower()
    target = href(el)
    if add_identifier(kind, target, draft, ctx, el.sourceline, key, "ext-link"):
        return
    if kind in ("uri", "url", "ftp", "web"):
        draft.add_link(target)
    else:
        draft.extra(f"ext-link:{kind}", target)


def _isbn_issn(el, draft, got, ctx, key):
    add_identifier(local(el), element_text(el), draft, ctx, el.sourceline, key, local(el))


def _comment(el, draft, got, ctx, key):
    text = rich(el)
    if text is not None:
        draft.notes.append(text)
    if draft.url is None:  # "Available: <ext-link>...</ext-link>" is the reference's URL
        link = next((d for d in el.iterdescendants() if local(d) in ("ext-link", "uri")), None)
        if link is not None and (link.get("ext-link-type") or "uri").lower() in ("uri", "url", "ftp"):
            draft.url = href(link) or None


def _hint_extra(el, draft, got, ctx, key):
    """Conference and patent details: no field, but they tell the type."""
    got.hints.add(local(el))
    if local(el) == "patent" and draft.number is None:
        draft.number = element_text(el) or None
        if el.get("country"):
            draft.extra("patent-country", el.get("country"))
    else:
        draft.extra(local(el), plain(el))


def _institution(el, draft, got, ctx, key):
    draft.set_once("publisher", plain(el) or None, "institution")


def _kept(el, draft, got, ctx, key):
    """Known elements with no field of their own (label, trans-title, issue-title ...)."""
    draft.extra(local(el), plain(el) or href(el))


def _variable(el, draft, got, ctx, key):
    """An element that holds a CSL variable (types.VARIABLE_ELEMENTS); a second one is kept."""
    variable, text = VARIABLE_ELEMENTS[local(el)], plain(el)
    if local(el) in ("conf-name", "conf-loc"):
        got.hints.add(local(el))  # they also tell the type
    if not text:
        return
    if variable in draft.variables:
        draft.extra(local(el), text)
    else:
        draft.variables[variable] = Text(text)


def _size(el, draft, got, ctx, key):
    text = plain(el)
    pages = (el.get("units") or "").strip().lower() in ("page", "pages")
    if pages and text and "number-of-pages" not in draft.variables:
        draft.variables["number-of-pages"] = Text(text)
    else:
        draft.extra("size", text)


def _conf_date(el, draft, got, ctx, key):
    got.hints.add("conf-date")
    date = iso_date(el.get("iso-8601-date")) or text_date(element_text(el))
    if date is not None and "event-date" not in draft.dates:
        draft.dates["event-date"] = date
    else:
        draft.extra("conf-date", plain(el))


_HANDLERS = {
    "person-group": _person_group, "etal": _etal,
    "article-title": _title, "chapter-title": _title, "data-title": _title,
    "source": _source,
    "year": _date_part, "month": _date_part, "day": _date_part, "season": _date_part,
    "date": _date, "string-date": _string_date, "date-in-citation": _date_in_citation, "access-date": _access_date,
    "volume": _simple("volume"), "issue": _simple("issue"), "edition": _simple("edition"),
    "publisher-name": _listed("publisher"), "publisher-loc": _listed("publisher_place"),
    "elocation-id": _simple("number"),
    "fpage": _page, "lpage": _page, "page-range": _page,
    "pub-id": _pub_id, "ext-link": _link, "uri": _link, "isbn": _isbn_issn, "issn": _isbn_issn,
    "comment": _comment, "annotation": _comment,
    "conf-date": _conf_date, "conf-sponsor": _hint_extra,
    "conf-acronym": _hint_extra, "patent": _hint_extra, "institution": _institution, "size": _size,
    **{name: _variable for name in VARIABLE_ELEMENTS},
    **{name: _kept for name in ("label", "trans-title", "trans-source", "issue-title", "role", "object-id",
                                "volume-series",
                                "issue-part", "gov", "std", "issn-l")},
}


# --- decisions that need the whole citation -------------------------------------------

def _finish(draft: Draft, got: _Collected, raw_type: str, ctx: Context, line: int | None) -> None:
    _names(draft, got)
    _issued(draft, got, ctx)
    _pages(draft, got)
    csl = csl_type(raw_type) if raw_type else None
    if raw_type and csl is None:
        ctx.note_unknown_type(raw_type, line)
    draft.type = csl or _infer_type(draft, got)
    if draft.type == "book" and ("chapter-title" in got.titles or "article-title" in got.titles):
        draft.type = "chapter"  # a titled part of a book
    _titles(draft, got)
    _arxiv(draft, got)
    draft.drop_derived_arxiv_values()


def _names(draft: Draft, got: _Collected) -> None:
    for role, names in got.groups.items():
        if not place_names(draft, role, names):  # (assignee, research-assistant: no CSL variable)
            draft.extra(f"person-group:{role}", "; ".join(n.display() for n in names))
    draft.authors_etal = bool(got.etal & AUTHOR_ROLES)
    draft.editors_etal = bool(got.etal & EDITOR_ROLES)


def _issued(draft: Draft, got: _Collected, ctx: Context) -> None:
    parts = got.date_parts
    if "year" in parts or "month" in parts:
        draft.issued = date_from(parts.get("year"), parts.get("month"), parts.get("day"), parts.get("season"),
                                 draft, ctx, draft.key)
    draft.issued = draft.issued or got.dates.get("date") or got.dates.get("string-date")


def _pages(draft: Draft, got: _Collected) -> None:
    pages = got.pages
    first, last = pages.get("fpage"), pages.get("lpage")
    if pages.get("page-range"):
        draft.pages = pages["page-range"]
    elif first and last:
        draft.pages = f"{first}-{last}"
    else:
        draft.pages = first or last or None


def _infer_type(draft: Draft, got: _Collected) -> str:
    """No (known) publication-type: read the type off the fields."""
    if "patent" in got.hints:
        return "patent"
    if "conf-name" in got.hints:
        return "paper-conference"
    if "chapter-title" in got.titles:
        return "chapter"
    if "data-title" in got.titles:
        return "dataset"
    if got.source is not None and ("article-title" in got.titles or draft.volume):
        return "article-journal"
    if got.source is not None and draft.publisher:
        return "book"
    return "document"


def _titles(draft: Draft, got: _Collected) -> None:
    titles = got.titles
    draft.title = titles.get("chapter-title") or titles.get("article-title") or titles.get("data-title")
    for name in ("article-title", "data-title"):
        if name in titles and titles[name] is not draft.title:
            draft.extra(name, titles[name].plain())
    if draft.title is None and got.source is not None and draft.type in TITLE_IS_SOURCE:
        draft.title = got.source  # a whole book (report, data set ...) is its own source
    else:
        draft.container_title = got.source


def _arxiv(draft: Draft, got: _Collected) -> None:
    """<source>arXiv</source>: a preprint on arXiv, which is the publisher, not a container.

    The id comes from the pub-id, else from the source text ("arXiv preprint arXiv:1234.56789").
    """
    container = draft.container_title.plain() if draft.container_title else ""
    if not _ARXIV_SOURCE.match(container):
        return
    if draft.arxiv is None:  # the DataCite DOI or the abstract page (as the normalisation pass reads them)
        draft.arxiv, draft.arxiv_version = arxiv_id_from(draft.dois, draft.url)
    if draft.arxiv is None:
        found = _ARXIV_IN_TEXT.search(container)
        try:
            draft.arxiv, draft.arxiv_version, _ = parse_arxiv_id(found.group(1)) if found else (None, None, None)
        except ArxivIdError:
            return
        if draft.arxiv is None:
            return
    if container != "arXiv":
        draft.extra("source", container)
    draft.type = "article"
    draft.container_title = None
    draft.publisher = draft.publisher or "arXiv"
