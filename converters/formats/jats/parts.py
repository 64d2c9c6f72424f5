"""Pieces shared by citations and front matter: names, dates, identifiers, and the draft
record they are collected into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...csl import NAME_VARIABLES
from ...diagnostics import Reporter
from ...extras import Extra
from ...model import (
    Date,
    Identifiers,
    Name,
    Position,
    Record,
    Text,
    arxiv_url,
)
from ...text.ids import (
    ArxivIdError,
    normalize_isbn,
    normalize_issn,
    parse_arxiv_id,
    strip_doi,
    subject_class,
)
from ...text.months import MONTHS, SEASONS
from ...text.names import leading_particle, split_display_name, trailing_particle
from .inline import element_text, local, plain
from .types import ARTICLE_TYPE, PERSON_GROUP_ROLES, PUBLICATION_TYPE, PUBLICATION_TYPES

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


@dataclass
class Context:
    """Per-document state: the reporter and notes gathered for one summary each."""

    report: Reporter
    unmapped: dict[str, list[int]] = field(default_factory=dict)  # element -> [first line, count]
    unknown_types: dict[str, list[int]] = field(default_factory=dict)

    def note_unmapped(self, name: str, line: int | None) -> None:
        self.unmapped.setdefault(name, [line or 0, 0])[1] += 1

    def note_unknown_type(self, value: str, line: int | None) -> None:
        self.unknown_types.setdefault(value, [line or 0, 0])[1] += 1

    def summarise(self) -> None:
        for name, (line, count) in self.unmapped.items():
            what = "untagged text in <mixed-citation>" if name == "mixed-citation" else f"<{name}>"
            self.report.info("jats.unmapped", f"{what} ({count}x) has no field in the record; kept in extras "
                             f"as 'jats:{name}'", line=line or None, field=f"jats:{name}")
        for value, (line, count) in self.unknown_types.items():
            self.report.info("jats.unknown-type", f"publication-type '{value}' ({count}x) is not in the type "
                             "table; the type was inferred from the fields", line=line or None)


@dataclass
class Draft:
    """A record being collected; ``build`` turns it into a Record."""

    line: int | None
    key: str | None = None
    type: str | None = None
    title: Text | None = None
    container_title: Text | None = None
    authors: list[Name] = field(default_factory=list)
    authors_etal: bool = False
    editors: list[Name] = field(default_factory=list)
    editors_etal: bool = False
    issued: Date | None = None
    accessed: Date | None = None
    abstract: Text | None = None
    notes: list[Text] = field(default_factory=list)
    publisher: str | None = None
    publisher_place: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    number: str | None = None
    edition: str | None = None
    keywords: list[str] = field(default_factory=list)
    language: str | None = None
    affiliations: list[str] = field(default_factory=list)  # the authors', for no one author
    arxiv: str | None = None
    arxiv_version: int | None = None
    arxiv_class: str | None = None
    dois: list[str] = field(default_factory=list)
    url: str | None = None
    links: list[str] = field(default_factory=list)  # further web links (Identifiers.links)
    isbn: list[str] = field(default_factory=list)
    issn: list[str] = field(default_factory=list)
    pmid: str | None = None
    pmcid: str | None = None
    variables: dict[str, Text] = field(default_factory=dict)  # CSL variables (Record.variables)
    names: dict[str, list[Name]] = field(default_factory=dict)  # CSL name variables (Record.names)
    dates: dict[str, Date] = field(default_factory=dict)  # CSL date variables (Record.dates)
    extras: dict[Extra, str] = field(default_factory=dict)
    listed: set[str] = field(default_factory=set)  # the fields add_item filled

    def add_item(self, attribute: str, value: str | None, extra_name: str) -> None:
        """An element that may repeat for a list (co-publishers, their places): the items joined
        by "; ", as the record holds a list (readers of biblatex's lists join so); a value another
        element gave first keeps the field, and this one goes to extras."""
        if not value:
            return
        current = getattr(self, attribute)
        if current is None:
            setattr(self, attribute, value)
            self.listed.add(attribute)
        elif attribute not in self.listed:
            self.extra(extra_name, value)
        elif value not in current.split("; "):
            setattr(self, attribute, f"{current}; {value}")

    def extra(self, name: str, value: str | None) -> None:
        """Keep a value under ``Extra("jats", name)``, several joined by new lines."""
        if value:
            key = Extra("jats", name)
            self.extras[key] = f"{self.extras[key]}\n{value}" if key in self.extras else value

    def set_once(self, attribute: str, value: str | None, extra_name: str) -> None:
        """The first value fills the field; later ones go to extras rather than being lost."""
        if not value:
            return
        if getattr(self, attribute) is None:
            setattr(self, attribute, value)
        elif getattr(self, attribute) != value:
            self.extra(extra_name, value)

    def add_link(self, target: str | None) -> None:
        """A web link: the first is the URL, the others further links."""
        if not target:
            return
        if self.url is None:
            self.url = target
        elif target != self.url and target not in self.links:
            self.links.append(target)

    def drop_derived_arxiv_values(self) -> None:
        """A DOI or URL the model derives from the arXiv id is not stored (it would be written twice)."""
        if self.arxiv is None:
            for doi in self.dois:
                match = re.fullmatch(r"10\.48550/arxiv\.(.+)", doi, re.I)
                if match:
                    try:
                        self.arxiv, self.arxiv_version, _ = parse_arxiv_id(match.group(1))
                    except ArxivIdError:
                        continue
                    break
        if self.arxiv is not None:  # (arXiv's DOI: see normalise)
            if self.url and self.url.lower() == arxiv_url(self.arxiv).lower():
                self.url = None

    def build(self, source: str | None) -> Record:
        self._drop_rederived_types()
        note = None
        if self.notes:
            note = self.notes[0] if len(self.notes) == 1 else Text("; ".join(n.plain() for n in self.notes))
        ids = Identifiers(arxiv=self.arxiv, arxiv_version=self.arxiv_version, arxiv_class=self.arxiv_class,
                          doi=tuple(dict.fromkeys(self.dois)), url=self.url, links=tuple(self.links),
                          isbn=tuple(dict.fromkeys(self.isbn)),
                          issn=tuple(dict.fromkeys(self.issn)), pmid=self.pmid, pmcid=self.pmcid)
        return Record(
            type=self.type or "document", key=self.key, title=self.title, authors=tuple(self.authors),
            authors_etal=self.authors_etal, editors=tuple(self.editors), editors_etal=self.editors_etal,
            issued=self.issued, accessed=self.accessed, abstract=self.abstract, note=note,
            container_title=self.container_title, publisher=self.publisher, publisher_place=self.publisher_place,
            volume=self.volume, issue=self.issue, pages=self.pages, number=self.number, edition=self.edition,
            keywords=tuple(dict.fromkeys(self.keywords)), language=self.language, ids=ids, extras=self.extras,
            affiliations=tuple(self.affiliations),
            variables=self.variables, names={k: tuple(v) for k, v in self.names.items()}, dates=self.dates,
            position=Position(source, self.line),
        )


    def _drop_rederived_types(self) -> None:
        """Keep the input's publication-type/article-type only where our writer would not
        write the same again from the CSL type: round trips then compare equal, and other
        targets are not told about a value that was never lost."""
        csl_type = self.type or "document"
        if PUBLICATION_TYPE in self.extras and self.extras[PUBLICATION_TYPE] == PUBLICATION_TYPES.get(csl_type):
            del self.extras[PUBLICATION_TYPE]
        if self.extras.get(ARTICLE_TYPE) == ("preprint" if csl_type == "article" else "research-article"):
            del self.extras[ARTICLE_TYPE]


# --- names ------------------------------------------------------------------------------

def place_names(draft: Draft, role: str, names: list[Name]) -> bool:
    """Put a role's names where the record keeps them (types.PERSON_GROUP_ROLES: the authors,
    the editors or a CSL name variable; a CSL name variable as the role is that variable).
    False when the role has no place (assignee, research-assistant)."""
    places = PERSON_GROUP_ROLES.get(role) or ((role,) if role in NAME_VARIABLES else ())
    for place in places:
        if place == "author":
            draft.authors.extend(names)
        elif place == "editor":
            draft.editors.extend(names)
        else:
            draft.names.setdefault(place, []).extend(names)
    return bool(places)


NAME_ELEMENTS = frozenset({"name", "string-name", "collab", "anonymous", "name-alternatives", "collab-alternatives"})
# inside <collab>: member lists and affiliations are not the organisation's name
_COLLAB_NOISE = frozenset({"contrib-group", "xref", "aff", "address", "email", "uri", "ext-link", "role"})


# The parts an <aff> is made of: where two meet with nothing written between them (eLife's
# <institution>…</institution><addr-line>…), a reader sees a comma, not one word.
_AFF_PARTS = frozenset({"institution", "institution-wrap", "addr-line", "country", "city", "state", "postal-code",
                        "named-content", "email", "phone", "fax", "uri", "ext-link"})
_AFF_CONTAINERS = frozenset({"institution-wrap", "addr-line"})  # parts made of parts
_AFF_SKIPPED = frozenset({"label", "institution-id"})  # a marker; an identifier (institution_ids)


def aff_text(aff) -> str:
    """An <aff>'s text: its label ("1", "†": the marker contribs point with) and institution
    ids aside, its parts separated by a comma where the source writes nothing between them.
    An address written out whole (Pensoft's <addr-line content-type="verbatim">, followed by
    the same words in parts) is the text, with any part it lacks after it."""
    verbatim = next((c for c in aff if local(c) == "addr-line" and c.get("content-type") == "verbatim"), None)
    if verbatim is not None:
        whole = plain(verbatim)
        rest = [t for c in aff if c is not verbatim and local(c) in _AFF_PARTS
                for t in [plain(c, _AFF_SKIPPED)] if t and t not in whole]
        return ", ".join([whole, *rest]) if whole else ", ".join(rest)
    pieces: list[str] = []
    _aff_pieces(aff, pieces)
    return " ".join("".join(pieces).split()).strip(" ,;")


def _aff_pieces(element, pieces: list[str]) -> None:
    pieces.append(element.text or "")
    for child in element:
        name = local(child)
        if name not in _AFF_SKIPPED:
            text = _aff_part(child) if name in _AFF_PARTS else plain(child)
            if text:
                if name in _AFF_PARTS and _unpunctuated(pieces):
                    pieces[-1] = ", "  # nothing written between this part and what came before
                pieces.append(text)
        pieces.append(child.tail or "")


def _unpunctuated(pieces: list[str]) -> bool:
    """Nothing but layout (no text, or a line break and indentation) since the last part; a
    space alone is written ("72076 Tübingen")."""
    between = pieces[-1]
    return not between.strip() and (not between or "\n" in between) and bool("".join(pieces).strip())


def _aff_part(element) -> str:
    if local(element) in _AFF_CONTAINERS and any(local(c) in _AFF_PARTS | _AFF_SKIPPED for c in element):
        pieces: list[str] = []
        _aff_pieces(element, pieces)
        return " ".join("".join(pieces).split())
    return plain(element)


def institution_ids(aff) -> list[str]:
    """"Institution: id" for each institution id (ROR, Ringgold ...) in an <aff>."""
    found = []
    for el in aff.iter():
        if local(el) == "institution-id" and (ident := element_text(el)):
            wrap = el.getparent()
            names = [plain(c) for c in wrap if local(c) == "institution"] if wrap is not None else []
            found.append(f"{names[0]}: {ident}" if names and names[0] else ident)
    return found


def read_name(element, ctx: Context, key: str | None, draft: Draft) -> Name | None:
    """One person or organisation; None (with a warning) for an empty one."""
    kind = local(element)
    if kind in ("name-alternatives", "collab-alternatives"):
        first = next((c for c in element if local(c) in NAME_ELEMENTS), None)
        return read_name(first, ctx, key, draft) if first is not None else None
    if kind == "collab":
        text = plain(element, _COLLAB_NOISE)
        name = Name(literal=text) if text else None
    elif kind == "anonymous":
        name = Name(literal=element_text(element) or "Anonymous")
    elif kind == "name" or any(local(c) in ("surname", "given-names") for c in element):
        name = _structured_name(element, draft)
    else:  # string-name without parts: split it as people write names
        text = plain(element)
        name = split_display_name(text) if text else None
    if name is None:
        ctx.report.warning("jats.empty-name", f"empty <{kind}> skipped", line=element.sourceline, key=key)
    return name


def _structured_name(element, draft: Draft) -> Name | None:
    parts = {local(c): plain(c) for c in reversed(element) if local(c)}  # first of each wins
    surname, given = parts.get("surname") or None, parts.get("given-names") or None
    if parts.get("prefix"):
        draft.extra("prefix", f"{parts['prefix']} {surname or given or ''}".strip())
    if not surname and not given:
        return None
    particle, family = leading_particle(surname)
    given, dropping = trailing_particle(given)  # (our writer puts a dropping particle after the given names)
    return Name(family=family, given=given, non_dropping_particle=particle, dropping_particle=dropping,
                suffix=parts.get("suffix") or None)


# --- dates ------------------------------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
_YEAR_SPAN = re.compile(r"\s*(\d{4})\s*(?:-{1,2}|–|—|/)\s*(\d{4})\s*")
_ISO = re.compile(r"(?<!\d)(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?!\d)")
_WORD = re.compile(r"[^\W\d_]+\.?")


def month_number(text: str) -> int | None:
    text = text.strip().lower().rstrip(".")
    if text.isdigit():
        value = int(text)
        return value if 1 <= value <= 12 else None
    word = re.match(r"[^\W\d_]+", text)
    return MONTHS.get(word.group()) if word else None


def iso_date(text: str | None) -> Date | None:
    """A date from ISO 8601 text (YYYY, YYYY-MM, YYYY-MM-DD), None if it is not one."""
    if not text:
        return None
    match = _SIGNED_ISO.fullmatch(text.strip())
    if not match:
        return None
    return make_date(int(match.group(1)), _int(match.group(2)), _int(match.group(3)))


_SIGNED_ISO = re.compile(r"(-?\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")  # a year before 1 AD: -0100


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def make_date(year: int | None, month: int | None = None, day: int | None = None,
              season: int | None = None, literal: str | None = None) -> Date | None:
    """A Date from parts, dropping the parts the model refuses (day without month, month 13)."""
    if month is not None and not 1 <= month <= 12:
        month = None
    if day is not None and (month is None or not 1 <= day <= 31):
        day = None
    if year is None and not literal:
        return None
    return Date(year=year, month=month, day=day, season=season if month is None else None,
                literal=literal if year is None else None)


def text_date(text: str) -> Date | None:
    """A date from free text ("cited 2012 Jul 6", "July 6, 2012", "2012-07-06"); else a literal."""
    text = " ".join(text.split())
    if not text:
        return None
    iso = _ISO.search(text)
    if iso and iso.group(2):
        date = make_date(int(iso.group(1)), _int(iso.group(2)), _int(iso.group(3)))
        if date and date.month:
            return date
    year = _YEAR.search(text)
    if not year:
        return make_date(None, literal=text)
    month = next((MONTHS[w.group().lower().rstrip(".")] for w in _WORD.finditer(text)
                  if w.group().lower().rstrip(".") in MONTHS), None)
    day = None
    if month is not None:
        rest = text[: year.start()] + " " + text[year.end():]
        day_match = re.search(r"(?<!\d)([0-3]?\d)(?!\d)", rest)
        day = int(day_match.group(1)) if day_match else None
    return make_date(int(year.group(1)), month, day)


def parts_date(element, draft: Draft, ctx: Context, key: str | None) -> Date | None:
    """A date from an element holding year/month/day/season children (pub-date, date)."""
    found = {local(c): c for c in reversed(element) if local(c) in ("year", "month", "day", "season", "string-date")}
    iso = iso_date(element.get("iso-8601-date"))
    if "year" not in found:
        if iso:
            return iso
        string = found.get("string-date")
        return text_date(element_text(string)) if string is not None else None
    return date_from(found.get("year"), found.get("month"), found.get("day"), found.get("season"), draft, ctx, key,
                     iso)


def date_from(year_el, month_el, day_el, season_el, draft: Draft, ctx: Context, key: str | None,
              iso: Date | None = None) -> Date | None:
    """year/month/day/season elements (of a citation or a pub-date) as one Date."""
    year_text = element_text(year_el) if year_el is not None else ""
    iso = iso_date(year_el.get("iso-8601-date")) if year_el is not None and iso is None else iso
    match = _YEAR.search(year_text)
    year = int(match.group(1)) if match else (iso.year if iso else None)
    span = _YEAR_SPAN.fullmatch(year_text)
    if span and int(span[2]) > int(span[1]) and month_el is None and day_el is None and season_el is None:
        return Date(int(span[1]), end=Date(int(span[2])))  # a work issued over years ("1885–1902")
    if year is not None and year_text and year_text != str(year):
        draft.extra("year", year_text)  # "2003a", "1885 [1884]": the text as given
    month = day = None
    if month_el is not None:
        month_text = element_text(month_el)
        month = month_number(month_text)
        if month is None or not (month_text.isdigit() or month_text.lower().rstrip(".") in MONTHS):
            draft.extra("month", month_text)  # "13", "Jan-Feb": kept as given
    if day_el is not None:
        day_text = element_text(day_el)
        day = int(day_text) if day_text.isdigit() and 1 <= int(day_text) <= 31 else None
        if day is None:
            draft.extra("day", day_text)
    if iso and iso.year == year:
        month = month or iso.month
        day = day or (iso.day if month == iso.month else None)
    season = None
    if season_el is not None:
        season = SEASONS.get(element_text(season_el).lower())
        if season is None:
            draft.extra("season", element_text(season_el))
    if year is None:
        if year_text:
            return make_date(None, literal=year_text)
        return None
    if day is not None and month is None:
        ctx.report.warning("jats.bad-date", "a day without a month; the day was dropped",
                           line=day_el.sourceline if day_el is not None else None, key=key)
    return make_date(year, month, day, season)


# --- identifiers ------------------------------------------------------------------------

def add_identifier(kind: str, value: str, draft: Draft, ctx: Context, line: int | None, key: str | None,
                   origin: str) -> bool:
    """Put a typed identifier in its field; False when the type has no field."""
    kind = kind.strip().lower()
    value = value.strip()
    if not value:
        return True
    if kind == "doi":
        draft.dois.append(strip_doi(value))
    elif kind in ("pmid", "pubmed", "medline"):
        draft.set_once("pmid", value, f"{origin}:pmid")
    elif kind in ("pmcid", "pmc"):
        # PMC files give the bare number; CSL and Zotero write PMCIDs as PMC1234567
        draft.set_once("pmcid", f"PMC{value}" if value.isdigit() else value, f"{origin}:pmcid")
    elif kind in ("arxiv", "arxiv-id"):
        try:
            arxiv, version, subject = parse_arxiv_id(value)
        except ArxivIdError as exc:
            ctx.report.warning("jats.bad-arxiv", f"{exc}; kept in extras", line=line, key=key)
            draft.extra(f"{origin}:arxiv", value)
            return True
        if draft.arxiv is None:
            draft.arxiv, draft.arxiv_version = arxiv, version
            if subject:
                draft.arxiv_class = subject_class(arxiv, subject)
        elif draft.arxiv != arxiv:
            draft.extra(f"{origin}:arxiv", value)
    elif kind == "isbn":
        draft.isbn.append(normalize_isbn(value)[0])
    elif kind in ("issn", "issn-l"):
        draft.issn.append(normalize_issn(value)[0])
    else:
        return False
    return True


def href(element) -> str:
    return (element.get(XLINK_HREF) or element.get("href") or element_text(element)).strip()
