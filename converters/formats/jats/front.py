"""An article's own front matter (``<article-meta>``, ``<journal-meta>``) as one record.

Read with ``Options.jats_front``; it is how ``--jats-mode articles`` output reads back.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ... import csl
from ...extras import Extra
from ...model import CSL_TYPES, Date, Name, Record, Text
from ...text.ids import bare_orcid
from .inline import Builder, element_text, local, plain, rich
from .parts import (
    NAME_ELEMENTS,
    Context,
    Draft,
    add_identifier,
    aff_text,
    href,
    institution_ids,
    iso_date,
    parts_date,
    place_names,
    read_name,
)
from .types import ARTICLE_TYPE

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_VERSION = re.compile(r"v?(\d+)")
# pub-date kinds, most wanted first: JATS 1.1+ date-type, then JATS 1.0 pub-type
_DATE_RANK = {"preprint": 0, "pub": 0, "version-of-record": 0, "epub": 1, "epub-ppub": 2, "ppub": 2,
              "collection": 3}
_ONLINE = ("electronic", "online")


def child(element, name: str):
    return next((c for c in element if local(c) == name), None) if element is not None else None


def read_article_front(article, ctx: Context, source: str | None) -> Record | None:
    front = child(article, "front")
    meta = child(front, "article-meta")
    if meta is None:
        return None
    return read_meta(meta, ctx, source, journal=child(front, "journal-meta"), article=article)


def is_references_front(meta) -> bool:
    """The front our writer gives a references-only document: empty (earlier versions: a title
    "References" and nothing else)."""
    names = {local(c) for c in meta if local(c)}
    return not names or (names == {"title-group"}
                         and plain(child(child(meta, "title-group"), "article-title")) == "References")


def read_meta(meta, ctx: Context, source: str | None, journal=None, article=None) -> Record | None:
    if is_references_front(meta):
        return None
    draft = Draft(line=meta.sourceline)
    article_type = article.get("article-type") if article is not None else None
    if article_type:
        draft.extras[ARTICLE_TYPE] = article_type
    draft.type = "article" if article_type == "preprint" else "article-journal"
    if article is not None and article.get(XML_LANG):
        draft.language = article.get(XML_LANG)
    state: dict[str, Any] = {"version": None, "dates": []}
    for element in meta:
        if isinstance(element.tag, str):  # (not a comment or processing instruction)
            _HANDLERS.get(local(element), _kept)(element, draft, ctx, state)
    _finish(draft, ctx, state)
    if journal is not None:
        _journal(journal, draft)
    draft.drop_derived_arxiv_values()
    try:
        return draft.build(source)
    except ValueError as exc:
        ctx.report.error("jats.bad-front", f"front matter not converted: {exc}", line=meta.sourceline)
        return None


def _article_id(el, draft, ctx, state):
    kind = el.get("pub-id-type") or ""
    if not add_identifier(kind, element_text(el), draft, ctx, el.sourceline, None, "article-id"):
        draft.extra(f"article-id:{kind.lower()}" if kind else "article-id", element_text(el))


def _article_version(el, draft, ctx, state):
    match = _VERSION.fullmatch(element_text(el))
    if match and state["version"] is None:
        state["version"] = int(match.group(1))
    else:
        draft.extra("article-version", element_text(el))


def _categories(el, draft, ctx, state):
    for group in el.iter("{*}subj-group"):
        subjects = [element_text(s) for s in group if local(s) == "subject" and element_text(s)]
        if (group.get("subj-group-type") or "").lower() == "arxiv-categories":
            # our writer gives the primary class alone (keywords in kwd-group); a list is all categories
            draft.arxiv_class = draft.arxiv_class or (subjects[0] if subjects else None)
            if len(subjects) > 1:
                draft.keywords.extend(subjects)
        else:
            for subject in subjects:
                draft.extra("subject", subject)


def _title_group(el, draft, ctx, state):
    builder = Builder()
    title = child(el, "article-title")
    if title is not None:
        builder.walk(title)
    subtitle = child(el, "subtitle")
    if subtitle is not None:
        builder.text(": ")
        builder.walk(subtitle)
    draft.title = builder.build()
    for group in el:
        if local(group) == "trans-title-group":
            draft.extra("trans-title", plain(group))
        elif local(group) == "alt-title":
            draft.extra("alt-title", plain(group))


class _Affiliations:
    """The front matter's <aff>s outside any <contrib>, and how contribs point at them: an
    <xref> whose rid names an aff's id (ref-type "aff", or none: ACS writes <xref rid="aff1"/>),
    or a rid-less <xref ref-type="aff"> whose text is an aff's label (BMJ Open writes
    <xref ref-type="aff">1</xref>). An aff no contrib points at, in the <contrib-group> or
    beside it, is the record's affiliations: the authors', for no one author (JATS has it
    the group's; ACS writes one so when all authors share it)."""

    def __init__(self, group) -> None:
        root = group.getparent() if group.getparent() is not None else group
        self.by_id: dict[str, str] = {}
        self.by_label: dict[str, str] = {}
        loose: list = []
        xrefs: list = []
        for el in root.iter():
            kind = local(el)
            if kind == "aff" and local(el.getparent()) != "contrib":
                text = aff_text(el)
                if text:
                    loose.append((el, text))
                    if el.get("id"):
                        self.by_id[el.get("id")] = text
                    if label := _label(el):
                        self.by_label.setdefault(label, text)
            elif kind == "xref" and (el.get("ref-type") or "aff") == "aff":
                xrefs.append(el)
        pointed = {text for xref in xrefs for text in self.targets(xref)}
        self.shared = [text for el, text in dict.fromkeys(loose) if text not in pointed and (
            el.getparent() is group or el.getparent() is root)]

    def targets(self, xref) -> list[str]:
        """The texts of the affs an <xref> points at."""
        rids = (xref.get("rid") or "").split()
        if rids:
            return [self.by_id[rid] for rid in rids if rid in self.by_id]
        label = element_text(xref)
        return [self.by_label[label]] if label in self.by_label else []


def _label(aff) -> str:
    label = next((c for c in aff if local(c) == "label"), None)
    return element_text(label) if label is not None else ""


def _person_details(contrib, name: Name, affiliations: _Affiliations) -> Name:
    """A contrib's ORCID iD (<contrib-id contrib-id-type="orcid">) and affiliations (its own
    <aff>s and those its <xref>s point at) on its name."""
    orcid, found = None, []
    for child in contrib:
        kind = local(child)
        if kind == "contrib-id" and (child.get("contrib-id-type") or "").lower() == "orcid":
            orcid = orcid or bare_orcid(element_text(child))
        elif kind == "aff":
            found.append(aff_text(child))
        elif kind == "xref" and (child.get("ref-type") or "aff") == "aff":
            found.extend(affiliations.targets(child))
        elif kind == "uri" and "orcid.org/" in (href(child) or element_text(child)):  # (Pensoft's ORCID)
            orcid = orcid or bare_orcid(href(child) or element_text(child))
    found = [a for a in dict.fromkeys(found) if a]
    if orcid is None and not found:
        return name
    return replace(name, orcid=orcid or name.orcid, affiliation=tuple(found) or name.affiliation)


def _institution_ids(el, draft) -> None:
    """The institution ids (ROR ...) of the affs in ``el``, kept: an aff's text is its words."""
    for aff in el.iter():
        if local(aff) == "aff":
            for ident in institution_ids(aff):
                kept = draft.extras.get(Extra("jats", "institution-id"), "").split("\n")
                if ident not in kept:
                    draft.extra("institution-id", ident)


def _contrib_group(el, draft, ctx, state):
    affiliations = _Affiliations(el)
    _institution_ids(el, draft)
    for text in affiliations.shared:
        if text not in draft.affiliations:
            draft.affiliations.append(text)
    roles: list[str] = []
    for contrib in el:
        if local(contrib) == "etal":
            role = roles[-1] if roles else "author"
            if role == "editor":
                draft.editors_etal = True
            else:
                draft.authors_etal = True
            continue
        if local(contrib) != "contrib":
            continue
        role = (contrib.get("contrib-type") or "author").lower()
        roles.append(role)
        name_el = next((c for c in contrib if local(c) in NAME_ELEMENTS), None)
        name = read_name(name_el, ctx, None, draft) if name_el is not None else None
        if name is None:
            continue
        name = _person_details(contrib, name, affiliations)
        if not place_names(draft, role, [name]):  # (a role CSL has no variable for: its words kept)
            where = f" ({'; '.join(name.affiliation)})" if name.affiliation else ""
            draft.extra(f"contrib:{role}", name.display() + where)
        _contrib_notes(contrib, name, draft, ctx)
    for part in el:  # the group's own: "for the eLife Staff Team", "Reviewing Editor"
        if local(part) in ("on-behalf-of", "role") and element_text(part):
            draft.extra(local(part), element_text(part))


def _contrib_notes(contrib, name: Name, draft, ctx) -> None:
    """What a contrib says beside its name that the record has no place for (its role as
    worded, e-mail, a collaboration's members), kept as "Name: text"."""
    for child in contrib:
        kind = local(child)
        if kind in ("role", "email") and element_text(child):
            draft.extra(kind, f"{name.display()}: {element_text(child)}")
        elif kind == "collab":
            for group in child:
                if local(group) == "contrib-group":
                    _collab_members(group, name, draft, ctx)


def _collab_members(group, collab: Name, draft, ctx) -> None:
    """A collaboration's members (one line a sub-group), each with what the contrib says of
    them: "eLife Production Group: Writing group: Alistair Shearer (eLife, Cambridge, United
    Kingdom; ORCID 0000-0002-1825-0097; a.shearer@example.org)"."""
    affiliations = _Affiliations(group)
    members = []
    for member in group:
        name_el = next((c for c in member if local(c) in NAME_ELEMENTS), None) if local(member) == "contrib" else None
        if name_el is None or (name := read_name(name_el, ctx, None, draft)) is None:
            continue
        name = _person_details(member, name, affiliations)
        details = [*name.affiliation, *([f"ORCID {name.orcid}"] if name.orcid else []),
                   *(element_text(c) for c in member if local(c) in ("role", "email") and element_text(c))]
        members.append(name.display() + (f" ({'; '.join(details)})" if details else ""))
    roles = [element_text(c) for c in group if local(c) == "role" and element_text(c)]
    if members:
        draft.extra("collab-members", ": ".join([collab.display(), *roles, "; ".join(members)]))


def _pub_date(el, draft, ctx, state):
    state["dates"].append(el)


def _simple(attribute):
    def handler(el, draft, ctx, state):
        draft.set_once(attribute, element_text(el) or None, local(el))
    return handler


def _isbn(el, draft, ctx, state):
    add_identifier("isbn", element_text(el), draft, ctx, el.sourceline, None, "isbn")


def _pages(el, draft, ctx, state):
    state[local(el)] = element_text(el)


def _self_uri(el, draft, ctx, state):
    """A web link is the article's URL (the first) or a further link; another (eLife's
    "elife-00666.pdf", a file of the article) is kept by its content type."""
    target = href(el)
    if re.match(r"(?:https?|ftp)://", target, re.IGNORECASE):
        draft.add_link(target)
    elif target:
        kind = (el.get("content-type") or "").strip()
        draft.extra(f"self-uri:{kind}" if kind else "self-uri", target)


def _related(el, draft, ctx, state):
    kind = (el.get("related-article-type") or "").lower()
    target = href(el)
    if (el.get("ext-link-type") or "").lower() == "doi" and kind in ("published-article", "companion"):
        add_identifier("doi", target, draft, ctx, el.sourceline, None, "related-article")
    elif target:
        draft.extra(f"related-article:{kind}" if kind else "related-article", target)


def _abstract(el, draft, ctx, state):
    kind = el.get("abstract-type")
    builder = Builder()
    _paragraphs(el, builder, top=True)
    text = builder.build()
    if kind or draft.abstract is not None:
        draft.extra(f"abstract:{kind}" if kind else "abstract", text.plain() if text else None)
    else:
        draft.abstract = text


def _paragraphs(el, builder: Builder, top: bool = False) -> None:
    """Paragraphs and section titles of an abstract, a blank line between them.

    The abstract's own title ("Abstract", "Resumen") is a heading, not content."""
    blocks = [c for c in el if local(c) in ("p", "sec") or (local(c) == "title" and not top)]
    if not blocks:
        builder.walk(el, frozenset({"title", "label"}))
        return
    for block in blocks:
        if local(block) == "sec":
            _paragraphs(block, builder)
        else:
            builder.paragraph()
            builder.walk(block)


def _keywords(el, draft, ctx, state):
    """Keywords; a group of another kind (eLife's "Research organism") says which, in extras too."""
    words = [text for k in el for text in _keyword_texts(k)]
    draft.keywords.extend(words)
    title = next((element_text(c) for c in el if local(c) == "title"), "") or el.get("kwd-group-type") or ""
    if words and title and title.lower().replace("-", " ") not in ("keywords", "author keywords", "kwd"):
        draft.extra("kwd-group", f"{title}: {'; '.join(words)}")


def _keyword_texts(el) -> list[str]:
    """A <kwd>'s text; a <compound-kwd>'s parts as one keyword; a <nested-kwd>'s keywords."""
    kind = local(el)
    if kind == "kwd":
        return [text] if (text := element_text(el)) else []
    if kind == "compound-kwd":
        text = " ".join(t for part in el if local(part) == "compound-kwd-part" and (t := element_text(part)))
        return [text] if text else []
    if kind == "nested-kwd":
        return [text for child in el for text in _keyword_texts(child)]
    return []


def _custom_meta(el, draft, ctx, state):
    for meta in el.iter("{*}custom-meta"):
        name = element_text(child(meta, "meta-name")) if child(meta, "meta-name") is not None else ""
        value_el = child(meta, "meta-value")
        value = element_text(value_el) if value_el is not None else ""
        if not name or not value:
            continue
        if name == "comments":
            draft.notes.append(Text(value))
        elif name == "type" and value in CSL_TYPES:  # refconv's writer's: the record's CSL type
            draft.type = value
        elif name == "container-title":
            draft.container_title = rich(value_el)
        elif name == "publisher":
            draft.publisher = value
        elif name in ("publisher-place", "number", "edition", "language"):  # refconv's writer's, by slot name
            setattr(draft, name.replace("-", "_"), value)
        elif name == "url":  # our writer's URL that is no web address: the self-uris are the links after it
            if draft.url is not None and draft.url != value and draft.url not in draft.links:
                draft.links.insert(0, draft.url)
            draft.url = value
        elif name == "issn":
            for issn in value.split():
                add_identifier("issn", issn, draft, ctx, meta.sourceline, None, "custom-meta")
        elif name == "accessed":
            draft.accessed = iso_date(value) or Date(literal=value)
        elif name in csl.VARIABLES:  # refconv's writer's, by CSL name (front matter has no element for it)
            draft.variables[name] = Text(value)
        elif name in csl.DATE_VARIABLES:
            draft.dates[name] = iso_date(value) or Date(literal=value)
        elif ":" in name and (extra := Extra.parse(name)) is not None:
            # an extra our writer put here, under its text form, as written ("A: x\nB: y" is two lines)
            draft.extras[extra] = _lines_kept(value_el)
        else:
            draft.extra(f"custom-meta:{name}", value)


def _lines_kept(el) -> str:
    """An element's text as written (our writer's: line breaks and spacing are the value's)."""
    return "".join(el.itertext()).strip()


def _history(el, draft, ctx, state):
    """<history>'s dates: received is the record's submitted date; the others (accepted,
    rev-recd ...) are kept by their date-type, and what else it holds by its name."""
    for date_el in el:
        if local(date_el) != "date":  # (a note beside the dates: eLife's preprint citation)
            if isinstance(date_el.tag, str) and (text := _all_text(date_el)):
                draft.extra(f"history:{local(date_el)}", text)
            continue
        kind = (date_el.get("date-type") or "").strip().lower() or "date"
        date = parts_date(date_el, draft, ctx, None)
        if date is None:
            continue
        if kind == "received" and "submitted" not in draft.dates:
            draft.dates["submitted"] = date
        else:
            draft.extra(f"history:{kind}", date.iso() or date.literal or element_text(date_el))


def _permissions(el, draft, ctx, state):
    """Copyright and licence: no CSL variable, kept (a licence by its link where it has one)."""
    for part in el:
        kind = local(part)
        if kind == "license":
            text = _all_text(part)
            draft.extra("license", href(part) or text)
            if href(part) and text:
                draft.extra("license-text", text)
        elif kind in ("copyright-statement", "copyright-year", "copyright-holder"):
            draft.extra(kind, element_text(part))
        else:
            _kept(part, draft, ctx, state)


def _counts(el, draft, ctx, state):
    """<counts>: the page count is number-of-pages; the others are kept as "fig-count 3"."""
    for count in el:
        number = (count.get("count") or "").strip()
        if local(count) == "page-count" and number and "number-of-pages" not in draft.variables:
            draft.variables["number-of-pages"] = Text(number)
        elif number:
            draft.extra("counts", f"{local(count)} {number}")


# elements whose text stands apart from its neighbours' ("<p>a</p><p>b</p>" is "a b")
_BLOCKS = frozenset({"p", "fn", "corresp", "title", "label", "list-item", "sec", "def-item", "term", "def",
                     "funding-source", "award-id", "award-group", "funding-statement", "principal-award-recipient",
                     "license", "license-p", "date", "kwd", "abstract", "caption", "name", "surname", "given-names",
                     "string-name", "institution", "institution-wrap"})


# elements inside a word or a sentence ("10<sup>-17</sup>M", "<italic>S. rosetta</italic>,");
# any other element's text is a word of its own where it meets another's with nothing between
# ("<year>2010</year><article-title>Menopausal ...": "2010 Menopausal", not "2010Menopausal")
_INLINE = frozenset({"italic", "bold", "sup", "sub", "sc", "monospace", "underline", "overline", "roman",
                     "sans-serif", "strike", "styled-content", "named-content", "abbrev", "xref", "ext-link", "uri",
                     "email", "inline-formula", "tex-math", "math", "inline-graphic", "private-char", "x"})
_MATHML = "{http://www.w3.org/1998/Math/MathML}"
_EDGE = "\x00"  # where an element's text begins or ends: a word boundary between word characters
_EDGES = re.compile(r"(?<=\w)\x00+(?=\w)")


def _all_text(el) -> str:
    """Every text of an element, footnotes and labels too (kept data, not a title to print),
    its blocks and fields set apart, white space collapsed."""
    parts: list[str] = []

    def walk(node) -> None:
        parts.append(node.text or "")
        for sub in node:
            if isinstance(sub.tag, str):  # (a comment's text is no data; its tail is)
                name = local(sub)
                edge = " " if name in _BLOCKS else "" if name in _INLINE or sub.tag.startswith(_MATHML) else _EDGE
                parts.append(edge)
                walk(sub)
                parts.append(edge)
            parts.append(sub.tail or "")

    walk(el)
    return " ".join(_EDGES.sub(" ", "".join(parts)).replace(_EDGE, "").split())


def _aff(el, draft, ctx, state):
    """An <aff> beside the contrib-groups: theirs to read (_Affiliations); with none, the record's."""
    parent = el.getparent()
    _institution_ids(el, draft)
    if not any(local(sibling) == "contrib-group" for sibling in parent):
        text = aff_text(el)
        if text and text not in draft.affiliations:
            draft.affiliations.append(text)


def _kept(el, draft, ctx, state):
    """An element of the front matter the record has no place for: its text kept under its
    name (author notes, funding, a translated abstract ...), so nothing goes without a word."""
    text = _all_text(el)
    if text:
        draft.extra(local(el), text)
    else:
        ctx.report.info("jats.front-unread", f"<{local(el)}> of the front matter holds no text; not read",
                        line=el.sourceline)


_HANDLERS = {
    "article-id": _article_id, "article-version": _article_version, "article-categories": _categories,
    "title-group": _title_group, "contrib-group": _contrib_group, "pub-date": _pub_date,
    "volume": _simple("volume"), "issue": _simple("issue"), "elocation-id": _simple("number"),
    "fpage": _pages, "lpage": _pages, "page-range": _pages, "self-uri": _self_uri,
    "related-article": _related, "abstract": _abstract, "kwd-group": _keywords,
    "custom-meta-group": _custom_meta, "custom-meta-wrap": _custom_meta, "isbn": _isbn,
    "history": _history, "permissions": _permissions, "counts": _counts, "aff": _aff,
}


def _finish(draft: Draft, ctx: Context, state: dict) -> None:
    if state["version"] is not None:
        if draft.arxiv:
            draft.arxiv_version = state["version"]
        else:
            draft.extra("article-version", str(state["version"]))
    if state.get("page-range"):
        draft.pages = state["page-range"]
    elif state.get("fpage"):
        draft.pages = state["fpage"] + (f"-{state['lpage']}" if state.get("lpage") else "")
    if state["dates"]:
        best = min(state["dates"], key=lambda d: (
            _DATE_RANK.get((d.get("date-type") or d.get("pub-type") or "").lower(), 4),
            (d.get("publication-format") or "").lower() not in _ONLINE))
        draft.issued = parts_date(best, draft, ctx, None)
        for other in state["dates"]:  # (the collection's year, the print date ...: kept by kind)
            if other is not best and (date := parts_date(other, draft, ctx, None)) is not None \
                    and date != draft.issued:
                kind = other.get("date-type") or other.get("pub-type") or other.get("publication-format") or "other"
                draft.extra(f"pub-date:{kind}", date.iso() or date.literal or "")


def _journal(journal, draft: Draft) -> None:
    """The journal: its title, abbreviation (container-title-short), ISSNs and publisher;
    its ids (NLM's, the publisher's ...) are kept."""
    title = next((e for e in journal.iter("{*}journal-title")), None)
    if title is not None and draft.container_title is None:
        draft.container_title = rich(title)
    short = next((e for e in journal.iter("{*}abbrev-journal-title") if element_text(e)), None)
    if short is not None and "container-title-short" not in draft.variables:
        draft.variables["container-title-short"] = Text(element_text(short))
    for journal_id in journal.iter("{*}journal-id"):
        draft.extra(f"journal-id:{journal_id.get('journal-id-type') or 'other'}", element_text(journal_id))
    for uri in (e for e in journal if local(e) == "self-uri"):  # (the journal's site: ACS)
        draft.extra("journal-uri", href(uri) or element_text(uri))
    draft.issn.extend(element_text(e) for e in journal if local(e) == "issn" and element_text(e))
    publisher = child(journal, "publisher")
    name, place = child(publisher, "publisher-name"), child(publisher, "publisher-loc")
    if name is not None and draft.publisher is None:
        draft.publisher = element_text(name) or None
    if place is not None and draft.publisher_place is None:
        draft.publisher_place = element_text(place) or None
