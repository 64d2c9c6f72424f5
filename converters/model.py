"""The canonical record every reader produces and every writer consumes.

Shaped like CSL (typed names, structured dates, a CSL item type) so that any
reader pairs with any writer. Values that are derivable (the arXiv DataCite DOI,
the arXiv abstract URL) are computed by properties, never stored, so that a round
trip through a format that writes them compares equal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from . import csl
from .extras import Extra


class Syntax(StrEnum):
    """How the characters of a text value are to be read."""

    PLAIN = "plain"  # literal characters, nothing special
    TEX = "tex"  # TeX/LaTeX source (arXiv titles and abstracts): braces only group
    BIBTEX = "bibtex"  # TeX from a .bib file: top-level braces protect case
    HTML = "html"  # CSL rich text: <i>, <b>, <sup>, <sub>, <span class="nocase">


@dataclass(frozen=True, slots=True)
class Text:
    """A text value and the syntax it is written in."""

    value: str
    syntax: Syntax = Syntax.PLAIN

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise TypeError(f"Text.value must be str, got {type(self.value).__name__}")
        if type(self.syntax) is not Syntax:  # readers pass members: skip the costly enum call
            object.__setattr__(self, "syntax", Syntax(self.syntax))

    def __str__(self) -> str:
        return self.value

    def plain(self) -> str:
        """The value as Unicode text (maths kept as $...$ TeX)."""
        from .text.markup import to_plain

        return to_plain(self)


@dataclass(frozen=True, slots=True)
class Name:
    """A person (family/given/particles/suffix) or an organisation (literal)."""

    family: str | None = None
    given: str | None = None
    dropping_particle: str | None = None  # "van" in "Ludwig van Beethoven" (CSL)
    non_dropping_particle: str | None = None  # "van der" sorted with family (CSL)
    suffix: str | None = None
    literal: str | None = None  # organisations and names that must not be split
    affiliation: tuple[str, ...] = ()  # institutions, as written (JATS <aff>, arXiv, CSL name "affiliation")
    orcid: str | None = None  # bare, "0000-0002-1825-0097"

    def __post_init__(self) -> None:
        if type(self.affiliation) is not tuple:  # a list from JSON
            object.__setattr__(self, "affiliation", tuple(self.affiliation))
        if self.literal is not None and (self.family or self.given):
            raise ValueError("a Name is either literal or has family/given parts, not both")
        if not (self.literal or self.family or self.given):
            raise ValueError("a Name needs a family, given or literal part")

    @property
    def is_literal(self) -> bool:
        """An organisation or other name kept whole, not split into family and given."""
        return self.literal is not None

    @property
    def particle(self) -> str | None:
        """The name's particle ("van", "de la"), whether it sorts with the family name or not."""
        return self.non_dropping_particle or self.dropping_particle

    def display(self) -> str:
        """"Given particle Family, Suffix" for people, the literal for organisations."""
        if self.literal is not None:
            return self.literal
        parts = [self.given, self.dropping_particle, self.non_dropping_particle, self.family]
        text = " ".join(p for p in parts if p)
        return f"{text}, {self.suffix}" if self.suffix else text


@dataclass(frozen=True, slots=True)
class Date:
    """A calendar date, possibly partial, a range (end), approximate, or literal."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: int | None = None  # 1 spring .. 4 winter (CSL seasons)
    circa: bool = False
    end: Date | None = None
    literal: str | None = None  # a date that could not be structured, kept as written

    def __post_init__(self) -> None:
        if self.year is None and self.literal is None:
            raise ValueError("a Date needs a year or a literal")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")
        if self.day is not None:
            if self.month is None:
                raise ValueError("a day needs a month")
            if not 1 <= self.day <= 31:
                raise ValueError(f"day must be 1..31, got {self.day}")
        if self.season is not None and not 1 <= self.season <= 4:
            raise ValueError(f"season must be 1..4, got {self.season}")

    @property
    def open_ended(self) -> bool:
        """A range with no end yet ("1987–"): CSL writes its end as the year 0."""
        end = self.end
        return end is not None and end.year == 0 and end.month is None and end.season is None

    def parts(self) -> list[int]:
        """[year, month, day] as far as they are known (CSL's date-parts)."""
        out = [self.year] if self.year is not None else []
        if self.month is not None:
            out.append(self.month)
            if self.day is not None:
                out.append(self.day)
        return out

    def iso(self) -> str | None:
        """ISO 8601 text of the start (YYYY, YYYY-MM or YYYY-MM-DD; a year before 1 AD as -YYYY)."""
        if self.year is None:
            return None
        text = iso_year(self.year)
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text


def iso_year(year: int) -> str:
    """A year as ISO 8601 writes it: four digits, a sign before the years before 1 AD (CSL's
    negative years: -100 is "-0100"), as biber, EDTF and JATS's iso-8601-date read it."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


NEW_ARXIV_ID = re.compile(r"^(?P<yymm>\d{4})\.(?P<num>\d{4,5})$")
OLD_ARXIV_ID = re.compile(r"^(?P<archive>[a-z][a-z-]*)(?P<sc>\.[A-Z]{2})?/(?P<yymm>\d{4})(?P<num>\d{3})$")


def arxiv_doi(arxiv_id: str) -> str:
    """The DataCite DOI arXiv assigns to every paper (old ids keep their slash)."""
    return f"10.48550/arXiv.{arxiv_id}"


def arxiv_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


@dataclass(frozen=True, slots=True)
class Identifiers:
    """Persistent identifiers. DOIs are stored bare (no resolver prefix)."""

    arxiv: str | None = None  # without version, e.g. "2501.12948" or "hep-th/9901001"
    arxiv_version: int | None = None
    arxiv_class: str | None = None  # primary category, e.g. "cs.CL"
    doi: tuple[str, ...] = ()  # given DOIs, most important first; arXiv's DOI is derived (Record.dois)
    url: str | None = None  # given URL; the arXiv abstract page is derived
    links: tuple[str, ...] = ()  # further links to the work, after url (RIS's second UR, Beebe's "url = a; b")
    isbn: tuple[str, ...] = ()
    issn: tuple[str, ...] = ()
    pmid: str | None = None
    pmcid: str | None = None

    @property
    def derived_doi(self) -> str | None:
        """The DOI arXiv registers for the arXiv id (10.48550/arXiv.ID), if there is an id."""
        return arxiv_doi(self.arxiv) if self.arxiv else None

    def written_dois(self, preprint: bool) -> tuple[str, ...]:
        """The DOIs a writer writes, most important first: the given ones (arXiv's last), and
        arXiv's DataCite DOI, derived from the id, where the record is the arXiv paper itself
        (``preprint``). A journal article or a book with an eprint is another work than its
        preprint, whose DOI is not its own: theirs is written only where the input gave it."""
        derived = self.derived_doi
        if derived is None:
            return self.doi
        own = tuple(d for d in self.doi if d.lower() != derived.lower())
        given = next((d for d in self.doi if d.lower() == derived.lower()), None)  # as the input spelt it
        return (*own, given or derived) if preprint or given else own

    @property
    def primary_url(self) -> str | None:
        """The record's URL, else its arXiv abstract page."""
        return self.url or (arxiv_url(self.arxiv) if self.arxiv else None)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that goes with the record, as reference managers link one: BibTeX ``file``
    (JabRef's, Zotero's and Mendeley's ``title:location:type`` list), RIS ``L1``."""

    location: str  # a path (relative, absolute, Windows) or a URL, as given
    title: str | None = None  # the manager's description: "Full Text PDF"
    media_type: str | None = None  # as given: "application/pdf" (Zotero), "PDF" (JabRef's file type)

    def __post_init__(self) -> None:
        if not self.location:
            raise ValueError("an Attachment needs a location")


# CSL item types (the csl-data.json vocabulary); writers must only ever emit these.
CSL_TYPES = frozenset(
    """article article-journal article-magazine article-newspaper bill book broadcast chapter
    classic collection dataset document entry entry-dictionary entry-encyclopedia event figure
    graphic hearing interview legal_case legislation manuscript map motion_picture musical_score
    pamphlet paper-conference patent performance periodical personal_communication post
    post-weblog regulation report review review-book software song speech standard thesis treaty
    webpage""".split()
)


@dataclass(frozen=True, slots=True)
class Position:
    """Where a record came from, for diagnostics."""

    source: str | None = None
    line: int | None = None


EMPTY_MAP: Mapping[str, Any] = MappingProxyType({})  # the typed maps' default: read-only, shared


def _empty_map() -> Mapping[str, Any]:
    return EMPTY_MAP


def _frozen_extras(value: Mapping[Extra, str] | None) -> Mapping[Extra, str]:
    out = dict(value or {})
    for key, item in out.items():
        if type(key) is not Extra:
            hint = f" (Extra.parse({key!r}) reads a text form)" if isinstance(key, str) else ""
            raise TypeError(f"Record.extras keys must be Extra, got {type(key).__name__}{hint}")
        if not isinstance(item, str):
            raise TypeError(f"Record.extras[{key}] must be a str, got {type(item).__name__}")
    return MappingProxyType(out)


def _typed_map(value: Mapping[str, Any], allowed: frozenset[str], kind: type, name: str) -> Mapping[str, Any]:
    """A read-only copy, every key a CSL variable of the map's kind and every value typed."""
    out = dict(value)
    if kind is not Name and allowed.issuperset(out) and all(type(v) is kind for v in out.values()):
        return MappingProxyType(out)  # the usual case, checked at C speed
    for key, item in out.items():
        if key not in allowed:
            raise ValueError(f"Record.{name}: {key!r} is not a CSL {name[:-1]} the record keeps there "
                             "(converters/csl.py)")
        if kind is Name:
            if isinstance(item, list):
                out[key] = item = tuple(item)
            if not (isinstance(item, tuple) and item and all(isinstance(n, Name) for n in item)):
                raise TypeError(f"Record.names[{key!r}] must be a non-empty tuple of Name")
        elif not isinstance(item, kind):
            raise TypeError(f"Record.{name}[{key!r}] must be a {kind.__name__}, got {type(item).__name__}")
    return MappingProxyType(out)


@dataclass(frozen=True, slots=True)
class Record:
    """One bibliographic item.

    ``extras`` keeps everything a reader could not map, keyed by format and field
    (``Extra("bibtex", "howpublished")``, ``Extra("arxiv", "journal-ref")``), so nothing
    is lost and a writer of the same format can put it back.
    """

    type: str = "article"  # CSL item type; "article" is CSL's preprint type
    key: str | None = None  # citation key given by the source, if any
    title: Text | None = None
    authors: tuple[Name, ...] = ()
    authors_etal: bool = False  # the list was truncated ("and others", <etal/>)
    editors: tuple[Name, ...] = ()
    editors_etal: bool = False
    issued: Date | None = None
    accessed: Date | None = None
    abstract: Text | None = None
    note: Text | None = None
    container_title: Text | None = None
    publisher: str | None = None
    publisher_place: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    number: str | None = None  # report number and the like
    edition: str | None = None
    keywords: tuple[str, ...] = ()
    language: str | None = None
    # the authors' institutions as the source gives them, for no one author: RIS AD, BibTeX
    # affiliation (INSPEC's: its first author's, unsaid), a JATS <aff> no contrib points at
    affiliations: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()  # files that go with it (PDFs), as reference managers link them
    # every other CSL variable, by its CSL name (converters/csl.py lists which go where)
    variables: Mapping[str, Text] = field(default_factory=_empty_map)  # standard and number variables
    names: Mapping[str, tuple[Name, ...]] = field(default_factory=_empty_map)  # name variables: "translator"
    dates: Mapping[str, Date] = field(default_factory=_empty_map)  # date variables: "original-date"
    ids: Identifiers = field(default_factory=Identifiers)
    extras: Mapping[Extra, str] = field(default_factory=dict)
    position: Position | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.type not in CSL_TYPES:
            raise ValueError(f"unknown CSL item type {self.type!r}")
        object.__setattr__(self, "extras", _frozen_extras(self.extras))
        for name, allowed, kind in _TYPED_MAPS:  # (nearly all records leave them empty: nothing to do)
            value = getattr(self, name)
            if value is not EMPTY_MAP:
                object.__setattr__(self, name, _typed_map(value, allowed, kind, name) if value else EMPTY_MAP)

    __hash__ = None  # type: ignore[assignment]  # extras is a mapping

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its fields, the read-only maps as dicts (a mappingproxy cannot be
        pickled): worker processes and Dask partitions send records."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("extras", "variables", "names", "dates"):
            values[name] = dict(values[name])
        return (_record_from_fields, (values,))

    def evolve(self, **changes: Any) -> Record:
        """A copy with ``changes`` (records are frozen): ``record.evolve(title=Text("New"))``."""
        return replace(self, **changes)

    @property
    def dois(self) -> tuple[str, ...]:
        """The DOIs written, most important first (``Identifiers.written_dois``): arXiv's
        derived DOI only for the arXiv paper itself or where the input gave it."""
        return self.ids.written_dois(self.is_arxiv_paper) if self.ids.arxiv else self.ids.doi

    @property
    def is_arxiv_paper(self) -> bool:
        """The record is the arXiv paper itself, not a work with an eprint: a preprint (CSL
        "article"), or arXiv named as its publisher or container (Manubot writes arXiv papers
        as reports, Google Scholar and ADS as journal articles "arXiv preprint arXiv:ID" and
        "arXiv e-prints"). The text as written: deciding this decodes no TeX."""
        if self.type == "article":
            return True
        for text in (self.publisher, self.container_title.value if self.container_title else None):
            if text and text.lstrip("{ ")[:5].lower() == "arxiv":
                return True
        return False

    @property
    def primary_doi(self) -> str | None:
        """The DOI that names the record: the journal's when given, else arXiv's for a preprint."""
        dois = self.dois
        return dois[0] if dois else None

    @property
    def other_dois(self) -> tuple[str, ...]:
        """The DOIs after the primary one that a reader would not derive again (a format
        with room for one DOI loses them)."""
        derived = (self.ids.derived_doi or "").lower() if self.is_arxiv_paper else None
        return tuple(d for d in self.dois[1:] if d.lower() != derived)

    @property
    def label(self) -> str:
        """A short human reference for messages: the key, else the arXiv id, else the title."""
        if self.key:
            return self.key
        if self.ids.arxiv:
            return f"arXiv:{self.ids.arxiv}"
        if self.title:
            return self.title.value[:40]
        return "<untitled>"


def _record_from_fields(values: dict[str, Any]) -> Record:
    return Record(**values)


_TYPED_MAPS = (("variables", csl.VARIABLES, Text), ("names", csl.NAME_VARIABLES, Name),
               ("dates", csl.DATE_VARIABLES, Date))
RECORD_FIELDS = tuple(f.name for f in fields(Record))
