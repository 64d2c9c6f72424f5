"""BibTeX/BibLaTeX entries to canonical records: the tables first, then the code applying them.

Every field lands somewhere: in a model slot, in one of the record's typed maps by its
CSL name (``VARIABLE_FIELDS``: translator, series, eventdate, ...), or verbatim (TeX
source) in ``extras[Extra("bibtex", field)]``. An entry type the writer would not choose
again is ``Extra("bibtex", "", Kind.ENTRY_TYPE)``. Other kinds of extra say how the source
wrote what the record carries (below): the @string macro of a field, the "and others" ending
a name list of the maps (CSL names have no et al.), a patent's location as written with
country keys, and the n-th @preamble block before the entry (after the last entry: its
record's), which the BibTeX writer writes again before that entry: that is how the library
returns @preamble blocks, record by record, so that reading stays a stream.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import Any

from ...diagnostics import Reporter
from ...extras import Extra, Kind
from ...model import Date, Identifiers, Name, Position, Record, Syntax, Text
from ...rules import Rule
from ...rules import read as read_rules
from ...text.biblatex_strings import BIBSTRINGS
from ...text.ids import (
    ArxivIdError,
    arxiv_id_in_doi,
    is_doi,
    is_link,
    normalize_isbn,
    normalize_issn,
    parse_arxiv_id,
    same_isbn,
    split_links,
    strip_doi,
    subject_class,
)
from ...text.languages import split_languages, to_bcp47, with_variant
from ...text.names import (
    is_extended_name,
    split_bibtex_name,
    split_top_level,
    unread_extended_keys,
)
from ...text.tex import tex_to_unicode
from . import dates
from .files import read_file_field, write_file_field
from .values import Value

# --- tables ---------------------------------------------------------------------------

# Entry type -> CSL type. Decisions: @manual, @collection, @proceedings, @reference and
# the @mv* types are books (as pandoc and Zotero read them); @inbook, @bookinbook and
# @supp* parts are chapters; @inreference an encyclopedia entry.
ENTRY_TYPES: dict[str, str] = {
    # BibTeX
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "conference": "paper-conference",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "manual": "book",
    "mastersthesis": "thesis",
    "misc": "document",
    "phdthesis": "thesis",
    "proceedings": "book",
    "techreport": "report",
    "unpublished": "manuscript",
    # BibLaTeX
    "bookinbook": "chapter",
    "collection": "book",
    "dataset": "dataset",
    "electronic": "webpage",
    "inreference": "entry-encyclopedia",
    "mvbook": "book",
    "mvcollection": "book",
    "mvproceedings": "book",
    "mvreference": "book",
    "online": "webpage",
    "patent": "patent",
    "periodical": "periodical",
    "reference": "book",
    "report": "report",
    "software": "software",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "suppperiodical": "article-journal",
    "thesis": "thesis",
    "www": "webpage",
    # BibLaTeX "non-standard" types (manual 2.1.3) and a common extension
    "artwork": "graphic",
    "audio": "song",
    "image": "graphic",
    "jurisdiction": "legal_case",
    "legal": "treaty",
    "legislation": "legislation",
    "letter": "personal_communication",
    "movie": "motion_picture",
    "music": "song",
    "performance": "performance",
    "review": "review",
    "standard": "standard",
    "video": "motion_picture",
    "preprint": "article",
}

# The writer's choice: CSL type -> (BibTeX type, BibLaTeX type). Types Zotero discards (@preprint) are never written.
ENTRY_TYPES_WRITTEN: dict[str, tuple[str, str]] = {
    "article": ("misc", "online"),
    "article-journal": ("article", "article"),
    "article-magazine": ("article", "article"),
    "article-newspaper": ("article", "article"),
    "review": ("article", "article"),
    "review-book": ("article", "article"),
    "book": ("book", "book"),
    "classic": ("book", "book"),
    "collection": ("book", "collection"),
    "chapter": ("incollection", "incollection"),
    "entry": ("incollection", "inreference"),
    "entry-dictionary": ("incollection", "inreference"),
    "entry-encyclopedia": ("incollection", "inreference"),
    "paper-conference": ("inproceedings", "inproceedings"),
    "event": ("misc", "misc"),
    "report": ("techreport", "report"),
    "thesis": ("phdthesis", "thesis"),
    "manuscript": ("unpublished", "unpublished"),
    "pamphlet": ("booklet", "booklet"),
    "webpage": ("misc", "online"),
    "post": ("misc", "online"),
    "post-weblog": ("misc", "online"),
    "dataset": ("misc", "dataset"),
    "software": ("misc", "software"),
    "patent": ("misc", "patent"),
    "standard": ("misc", "standard"),
    "periodical": ("misc", "periodical"),
}
DEFAULT_ENTRY_TYPE = ("misc", "misc")
UNKNOWN_TYPE = "document"

# These types become CSL "article" (a preprint) when they carry an arXiv eprint.
PREPRINT_TYPES = frozenset({"misc", "online", "electronic", "www", "preprint"})

# biblatex @article entrysubtype -> CSL type
ARTICLE_SUBTYPES = {"magazine": "article-magazine", "newspaper": "article-newspaper"}

# Entries that are not bibliographic items: reported (info) and not converted.
NOT_RECORDS = {
    "set": "a biblatex entry set; its member entries are converted",
    "xdata": "an @xdata container; entries naming it inherit its fields",
    "ieeetranbstctl": "an IEEEtran.bst control entry",
}

# Extras of the kinds below say how the source wrote what the record carries (converters/extras.py):
# Kind.PREAMBLE, @preamble text, kept with the record after it; Kind.JOINED, a title's part joined
# into the title (subtitle, booksubtitle ...); Kind.AS_WRITTEN, a field as written where the record
# holds another form (a language's babel name beside its BCP 47 tag); Kind.OTHERS, "and others"
# closing a name list of the record's maps; Kind.READ_AS, the variable a field was read into where
# that is not its usual one (Beebe's fjournal as the container title, journal as its short form);
# Kind.MACRO, the @string macro a field was written with; Kind.KEYS, a patent's location as written
# with biblatex's country keys.

# Entry type -> fields holding the container title, first present wins.
CONTAINER_FIELDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("article", "suppperiodical"), ("journaltitle", "journal")),
    **dict.fromkeys(("inbook", "incollection", "inproceedings", "conference", "inreference", "bookinbook",
                     "suppbook", "suppcollection"), ("booktitle",)),
}
# howpublished: where the writer puts the container title of a @misc, @online, @booklet ...
# (a website's name, "Bigelow & Holmes (blog)"), read back so; pandoc reads it as the publisher
DEFAULT_CONTAINER_FIELDS = ("journaltitle", "journal", "howpublished")
# A container title field -> its biblatex parts, joined the way biblatex prints them.
CONTAINER_PARTS: dict[str, tuple[tuple[str, str], ...]] = {
    "booktitle": (("booksubtitle", ": "), ("booktitleaddon", ". ")),
    "journaltitle": (("journalsubtitle", ": "), ("journaltitleaddon", ". ")),
    "journal": (("journalsubtitle", ": "), ("journaltitleaddon", ". ")),
}

# title's and maintitle's parts, joined as biblatex prints them
TITLE_PARTS = (("subtitle", ": "), ("titleaddon", ". "))
MAIN_TITLE_PARTS = (("mainsubtitle", ": "), ("maintitleaddon", ". "))

# biblatex's editortype (editoratype, editorbtype, editorctype) keys that name a CSL name
# role: the names go to that role. biblatex's other keys have none: those names stay
# editors, the key in extras. (organizer is a false friend: biblatex's is ABNT's organizador,
# the editor of a collection; CSL's organizes an event. founder, continuator, redactor and
# reviser have no CSL role.)
EDITOR_TYPES = {"compiler": "compiler", "collaborator": "contributor"}
# the name lists that editortype and its kin describe, in biblatex's order
EDITOR_FIELDS = ("editor", "editora", "editorb", "editorc")

# Entry types whose `number` is a journal issue (the writer's rule, mirrored).
ISSUE_TYPES = frozenset({"article", "periodical", "suppperiodical"})

# CSL type -> fields holding the publisher, first present wins (a thesis has a school).
# organization publishes a @manual, @proceedings or @misc where no publisher is given
# (biblatex prints it in the publisher's place; pandoc writes it as publisher).
PUBLISHER_FIELDS: dict[str, tuple[str, ...]] = {
    "thesis": ("publisher", "school", "institution", "organization"),
    "report": ("publisher", "institution", "organization"),
}
DEFAULT_PUBLISHER_FIELDS = ("publisher", "organization")
# biblatex's literal lists among them: "A and B" names two publishers (biber splits it, as
# pandoc does), where classic BibTeX's "John Wiley and Sons" is one. Read as a list only in an
# entry written for biblatex: one with a field of biblatex's own (urldate aside: Zotero's
# classic BibTeX export writes it). The record joins the items with "; ", as location's.
LIST_PUBLISHER_FIELDS = frozenset({"publisher", "institution", "organization"})
BIBLATEX_OWN_FIELDS = frozenset({
    "date", "location", "journaltitle", "langid", "langidopts", "eprinttype", "eprintclass", "maintitle",
    "subtitle", "titleaddon", "booksubtitle", "booktitleaddon", "mainsubtitle", "origlocation", "origpublisher",
    "origdate", "eventtitle", "eventdate", "venue", "pubstate", "entrysubtype", "editortype", "shortjournal",
    "pagetotal", "sortname", "sorttitle", "indextitle", "shorthand", "bookauthor", "journalsubtitle"})

# Model slot <- BibTeX fields (first present wins; the others stay in extras) and the reading.
FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("title", ("title",), "text"),
    ("abstract", ("abstract",), "text"),
    ("note", ("note",), "text"),
    ("authors", ("author",), "names"),
    ("editors", ("editor",), "names"),
    ("publisher_place", ("location", "address"), "place"),
    ("volume", ("volume",), "plain"),
    ("edition", ("edition",), "plain"),
    ("pages", ("pages",), "pages"),
    # keyword: Beebe's bibliographies' singular (INSPEC records), the same list
    ("keywords", ("keywords", "keyword"), "keywords"),
    # hyphenation is biblatex's older name of langid
    ("language", ("langid", "hyphenation", "language"), "language"),
    # Beebe's bibliographies' (INSPEC's: its first author's, unsaid), institutions separated by
    # ";"; their affiliationaddress (Compendex's) stays in extras
    ("affiliations", ("affiliation",), "affiliations"),
)

# CSL variable <-> BibTeX/BibLaTeX field, for the record's typed maps (Record.variables,
# .names, .dates): one table of rules.Rule, applied by the one engine (converters/rules.py) in
# both directions: read here, written by the writer. The reader takes the first present of a
# rule's ``fields`` (the others stay in extras); the writer writes ``fields[0]`` (biblatex's
# name), or ``written_as`` in classic BibTeX output where that names it otherwise. ``how`` is
# the conversion, its reading and its writing side by side (below). Each rule is pandoc's
# choice (Text.Pandoc.Citeproc.BibTeX) but event-title, which pandoc writes as CSL 1.0.1's
# "event" (deprecated in 1.0.2 for it).
#
# A conversion reads through the reader's _Builder (the engine's Source) and writes through
# the writer's sink (writer.VariableSink): the BibTeX escaping, the report and the entry
# being written are the sink's.


class _Field:
    """A value of Record.variables (a Text): what every field conversion writes unless it
    says otherwise, once the field is free (a field the entry has already holds another
    value: that one is lost, and said)."""

    name = "text"
    slot = "variables"

    def read(self, entry: _Builder, rule: Rule, field: str, value: Value) -> Any:
        return Text(value.text, Syntax.BIBTEX)  # TeX kept

    def write(self, out: Any, rule: Rule, field: str, value: Any) -> str | None:
        return None if out.clash(rule, field, value) else self.written(out, rule, field, value)

    def written(self, out: Any, rule: Rule, field: str, value: Any) -> str | None:
        return out.text(value, protect=rule.variable in TITLE_LIKE)


class _Plain(_Field):
    name = "plain"

    def read(self, entry: _Builder, rule: Rule, field: str, value: Value) -> Any:
        return Text(_plain(value.text))


class _List(_Field):
    """biblatex's literal list ("Durham and London", as location): its items joined by "; "."""

    name = "list"

    def read(self, entry: _Builder, rule: Rule, field: str, value: Value) -> Any:
        return Text(read_list(entry, field, value))

    def written(self, out: Any, rule: Rule, field: str, value: Any) -> str | None:
        return out.item(value.plain(), field)  # the reader splits it in either dialect


class _Pubstate(_Field):
    """biblatex's pubstate keys, read as the words english.lbx prints; the key written again."""

    name = "pubstate"

    def read(self, entry: _Builder, rule: Rule, field: str, value: Value) -> Any:
        text = _plain(value.text)
        return Text(PUBSTATES.get(text.lower(), text))

    def written(self, out: Any, rule: Rule, field: str, value: Any) -> str | None:
        key = PUBSTATE_KEYS.get(value.plain())
        return out.braced(key) if key else super().written(out, rule, field, value)


class _Series(_Field):
    """A series title; biblatex's keys ("newseries") and a journal's number (3: "3rd series")
    read as the words biblatex prints, in BibTeX syntax, so CSL's sentence case gives them the
    capital biblatex prints; written as the key or the number again."""

    name = "series"

    def read(self, entry: _Builder, rule: Rule, field: str, value: Value) -> Any:
        words = SERIES_KEYS.get(_plain(value.text).lower())
        if words is None and entry.entry.type in ISSUE_TYPES and _INTEGER.match(_plain(value.text)):
            words = journal_series(int(_plain(value.text)))
        return Text(words if words else value.text, Syntax.BIBTEX)

    def written(self, out: Any, rule: Rule, field: str, value: Any) -> str | None:
        key = SERIES_KEYS_WRITTEN.get(value.plain().lower())
        if key and SERIES_KEYS[key] == value.plain():
            return out.braced(key)
        if out.entry_type == "article" and (number := JOURNAL_SERIES.match(value.plain())):
            return out.braced(number[1])  # biblatex prints it as the words again
        return super().written(out, rule, field, value)


class _Genre(_Field):
    """The `type` field: biblatex's keys (phdthesis, patentus ...) read as the words they
    print; written as the key in BibLaTeX, not at all where the entry type says it."""

    name = "genre"

    def read(self, entry: _Builder, rule: Rule, field: str, value: Value) -> Any:
        words = TYPE_KEYS.get(_plain(value.text).lower())
        return Text(words) if words else Text(value.text, Syntax.BIBTEX)

    def written(self, out: Any, rule: Rule, field: str, value: Any) -> str | None:
        if value.plain() == ENTRY_GENRES.get(out.entry_type):
            return None  # the entry type says it (in other letter case, the input's words are written)
        key = TYPE_KEYS_WRITTEN.get(value.plain().lower())
        if key and out.biblatex and TYPE_KEYS[key] == value.plain():
            return out.braced(key)  # biblatex prints it localised (words cased otherwise stay the input's)
        return super().written(out, rule, field, value)


class _Date(_Field):
    """A date field: ISO 8601 (and EDTF seasons) as biblatex reads it; Beebe's dates in words
    are read as dates and written again as the input had them (extras)."""

    name = "date"
    slot = "dates"

    def read(self, entry: _Builder, rule: Rule, field: str, value: Value) -> Any:
        return entry.date(field, value, rule.fields)

    def written(self, out: Any, rule: Rule, field: str, value: Any) -> str | None:
        extras = out.record.extras
        written = next((alias for alias in rule.fields if Extra("bibtex", alias, Kind.AS_WRITTEN) in extras), None)
        if written is not None and (value.literal or written == field):
            return None  # the input's words (meetingdate, onlinedate): written as it had them, with the extras
        if value.year is not None:
            return out.braced(out.iso(value))
        if value.literal:
            out.report.warning("write.literal-date", f"{rule.variable} '{value.literal}' is not structured; "
                               "written as it is", key=out.key, record=out.record, field=rule.variable)
            return out.text(Text(value.literal))
        return None


class _Names:
    """A name list; "and others" is kept in extras (CSL names have no et al.) and written
    again. Names are written whatever the entry has (a second name field is said by the
    writer's extras loop)."""

    name = "names"
    slot = "names"

    def read(self, entry: _Builder, rule: Rule, field: str, value: Value) -> Any:
        people, etal = read_names(value.text, lambda message, hint=None: entry.warn(
            "bibtex.bad-name", message, value, field, hint), entry.useprefix)
        if etal:  # CSL has no et al.: kept for BibTeX output
            entry.meta[Extra("bibtex", field, Kind.OTHERS)] = "others"
        return people if people or etal else None  # (no one and no "others": the field stays for extras)

    def write(self, out: Any, rule: Rule, field: str, value: tuple[Name, ...]) -> str | None:
        out.names(field, value, Extra("bibtex", field, Kind.OTHERS) in out.record.extras, rule.variable)
        return None  # (the writer's names() appended the field)


TEXT, PLAIN, LIST, NAMES, DATE = _Field(), _Plain(), _List(), _Names(), _Date()
PUBSTATE, SERIES, GENRE = _Pubstate(), _Series(), _Genre()
# variables case-protected as the title is
TITLE_LIKE = frozenset({"title-short", "original-title"})


VARIABLE_FIELDS: tuple[Rule, ...] = (
    Rule("translator", ("translator",), NAMES),
    Rule("container-author", ("bookauthor",), NAMES),
    Rule("title-short", ("shorttitle",), TEXT),
    # journalabr: the journal's abbreviation in Beebe's bibliographies (INSPEC records)
    Rule("container-title-short", ("shortjournal", "journalabr"), TEXT),
    Rule("collection-title", ("series",), SERIES),
    # the aliases after biblatex's field: Beebe's names of a proceedings' conference (INSPEC
    # records: conference, meetingaddress, meetingdate; others: conftitle, conflocation, confdate,
    # procloc, procdate), their dates in words ("Aug 29--Sep 2 1977")
    Rule("event-title", ("eventtitle", "conference", "meetingname", "conftitle"), TEXT),
    Rule("event-place", ("venue", "meetingaddress", "conflocation", "procloc"), PLAIN),
    Rule("event-date", ("eventdate", "meetingdate", "confdate", "procdate", "conferenceyear", "meetingdate2"),
         DATE),
    Rule("original-title", ("origtitle",), TEXT),
    Rule("original-publisher", ("origpublisher",), PLAIN),
    Rule("original-publisher-place", ("origlocation",), LIST),
    Rule("original-date", ("origdate",), DATE),
    Rule("number-of-pages", ("pagetotal", "pagecount", "numpages"), PLAIN),
    Rule("number-of-volumes", ("volumes",), PLAIN),
    # biblatex's part of a volume ("7.2" in pandoc, which joins it to the volume)
    Rule("part", ("part",), PLAIN),
    Rule("chapter-number", ("chapter",), PLAIN),
    Rule("version", ("version",), PLAIN),
    Rule("annote", ("annotation", "annote"), TEXT, written_as="annote"),
    # lccn: Beebe's bibliographies' Library of Congress call number (Zotero's importer reads it so)
    Rule("call-number", ("library", "lccn"), PLAIN),
    Rule("status", ("pubstate",), PUBSTATE),
    # Beebe's day a journal put the article online (biblatex has no field: read and written so)
    Rule("available-date", ("onlinedate",), DATE),
    Rule("genre", ("type",), GENRE),
)

# biblatex's localisation keys for the `type` field and the words english.lbx prints for
# them (pandoc resolves them so): the record's genre holds the words, BibLaTeX output the key.
TYPE_KEYS = {key: BIBSTRINGS[key] for key in """
    bathesis mathesis phdthesis candthesis techreport resreport software datacd audiocd patent patentde patenteu
    patentfr patentuk patentus patreq patreqde patreqeu patreqfr patrequk patrequs""".split()}
# biblatex's keys for a series ("newseries") and for a patent's countries (its location)
SERIES_KEYS = {key: BIBSTRINGS[key] for key in ("newseries", "oldseries")}
COUNTRY_KEYS = {key: BIBSTRINGS[key] for key in "countryde countryeu countryep countryfr countryuk countryus".split()}
# where a patent's location was written with keys, the field as written (countryep and
# countryeu both print "European Union")
PATENT_LOCATION_KEYS = Extra("bibtex", "location", Kind.KEYS)
# an arXiv eprint written otherwise than its bare id (with its version, "math/0307200v3", or
# "arXiv:" before it): BibTeX output writes it so again (biblatex prints and links it as written)
EPRINT_AS_WRITTEN = Extra("bibtex", "eprint", Kind.AS_WRITTEN)
URL_AS_WRITTEN = Extra("bibtex", "url", Kind.AS_WRITTEN)
FILE_AS_WRITTEN = Extra("bibtex", "file", Kind.AS_WRITTEN)

# An entry type that says what its genre is where no `type` field does (as pandoc reads them,
# and as BibTeX styles print them: a thesis' degree is data CSL styles print too)
ENTRY_GENRES = {"mastersthesis": "Master's thesis", "phdthesis": "PhD thesis"}

# the access date's fields, first present wins: biblatex's, Beebe's, an older convention's
ACCESSED_FIELDS = ("urldate", "lastaccess", "accessed", "lastchecked")
# biblatex's date fields (ISO 8601); the others read as dates are Beebe's, in words
ISO_DATE_FIELDS = frozenset(("eventdate", "origdate", "urldate"))
# Date variables and the prefix of the year/month/day fields read when the date field is absent
LEGACY_DATES = {"original-date": "orig", "event-date": "event"}
_VARIABLE_FIELD_NAMES = frozenset(name for rule in VARIABLE_FIELDS for name in rule.fields)
_LEGACY_PARTS = {prefix: frozenset(prefix + part for part in ("year", "month", "day"))
                 for prefix in LEGACY_DATES.values()}

# biblatex's pubstate keys and the words english.lbx prints for them (pandoc resolves
# them so); the writer writes the key again for the words.
PUBSTATES = {key: BIBSTRINGS[key] for key in "inpreparation submitted forthcoming inpress prepublished".split()}
# the words back to the keys, for the writer
PUBSTATE_KEYS = {words: key for key, words in PUBSTATES.items()}
TYPE_KEYS_WRITTEN = {words.lower(): key for key, words in TYPE_KEYS.items()}
SERIES_KEYS_WRITTEN = {words.lower(): key for key, words in SERIES_KEYS.items()}

# Entry types whose `number` is the number in a series (CSL collection-number), as pandoc
# reads them; @conference is BibTeX's alias of @inproceedings (pandoc does not know it).
# Elsewhere `number` is a journal issue (ISSUE_TYPES) or the item's own number (@report).
SERIES_NUMBER_TYPES = frozenset((
    "book collection proceedings reference mvbook mvcollection mvproceedings mvreference bookinbook inbook "
    "incollection inproceedings conference inreference suppbook suppcollection").split())

# Fields read by code below (dates and identifiers), never copied to extras when used.
ARXIV_TYPE_FIELDS = ("eprinttype", "archiveprefix")
# eprint types biblatex turns into links (biblatex manual, 3.14.7)
EPRINT_URLS = {
    "googlebooks": "https://books.google.com?id={}",
    "jstor": "https://www.jstor.org/stable/{}",
    "hdl": "https://hdl.handle.net/{}",
}
ARXIV_CLASS_FIELDS = ("eprintclass", "primaryclass")

_UNKNOWN = re.compile(r"\s*\?{2,}\s*")  # Beebe's bibliographies: "????", the value is not known
_LINK = re.compile(r"(?:https?|ftp)://\S+|mailto:\S+", re.IGNORECASE)
_TEX_ESCAPE_IN_VERBATIM = re.compile(r"\\([_%&#$~])")
_URL_MACRO = re.compile(r"^\\url\s*\{(.*)\}$", re.DOTALL)
_DASHES = re.compile(r"\s*(?:-{1,3}|–|—)\s*")
_LIST_SEPARATORS = re.compile(r"[,;]")
_BRACED_COMMA = re.compile(r"\{[^{}]*,[^{}]*\}")  # "{Knuth, Donald}": commas separate, braces protect
_INTEGER = re.compile(r"^\d+$")
# a number followed by a word without parentheses ("0-901420-59-X hardback")
_NUMBER_THEN_WORDS = re.compile(r"^(?P<number>[\dXx][\dXx -]*?[\dXx])\s+(?P<words>[^\W\d_].*)$")
_QUALIFIED = re.compile(r"^\s*(?P<number>[^\s(][^(]*?)\s*(?P<qualifier>\(.*\))?\s*$")


# --- code -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntryInfo:
    type: str  # lower case, as written otherwise
    written_type: str
    key: str | None
    line: int | None
    column: int | None = None


class _Builder:
    """Consumes an entry's fields into Record arguments; what is left goes to extras."""

    def __init__(self, entry: EntryInfo, fields: dict[str, Value], report: Reporter):
        self.entry = entry
        self.fields = fields
        self.report = report
        self.used: set[str] = set()
        self.args: dict = {}
        self.ids: dict = {}
        self.meta: dict[Extra, str] = {}  # bookkeeping for BibTeX round trips (source forms)
        self.variables: dict[str, Text] = {}
        self.names: dict[str, tuple[Name, ...]] = {}
        self.dates: dict[str, Date] = {}
        self.useprefix = entry_useprefix(fields.get("options")) if "options" in fields else None
        self.present: AbstractSet[str] = frozenset()  # the entry's fields some VARIABLE_FIELDS rule reads

    # -- helpers
    def take(self, *names: str) -> tuple[str, Value] | None:
        """The first present (non-empty, known) field of names, marked used; the others stay
        for extras. Beebe's "????" says the value is unknown: no value (kept as written)."""
        for name in names:
            value = self.fields.get(name)
            if value is not None and value.text != "" and not _UNKNOWN.fullmatch(value.text):
                self.used.add(name)
                return name, value
        return None

    def drop(self, *names: str) -> None:
        """Mark fields as consumed without a slot (derived values the model recomputes)."""
        self.used.update(names)

    def warn(self, code: str, message: str, value: Value | None = None, field: str | None = None,
             hint: str | None = None) -> None:
        if value is not None and value.inherited_from:
            message += f" (inherited from '{value.inherited_from}')"
        self.report.warning(code, message, line=value.line if value else self.entry.line,
                            column=value.column if value else None, key=self.entry.key, hint=hint, field=field)

    # -- the engine's source (rules.Source) for VARIABLE_FIELDS
    @property
    def kind(self) -> str:
        return self.entry.type

    def take_for(self, rule: Rule) -> tuple[str, Value] | None:
        if self.present.isdisjoint(rule.fields):
            return None
        return self.take(*(name for name in rule.fields if name not in self.used))

    def give_back(self, field: str) -> None:
        self.used.discard(field)

    def put(self, rule: Rule, value: Any) -> None:
        slot = rule.how.slot
        if slot == "names":
            if value:  # (no names, only "and others": nothing to put)
                self.names[rule.variable] = value
        elif slot == "dates":
            self.dates[rule.variable] = value
        else:
            self.variables[rule.variable] = value

    # -- the mapping
    def build(self) -> Record:
        csl_type = self.csl_type()
        taken: set[str] = set()
        if self.entry.type == "patent":
            self.jurisdiction()
            taken = set(self.used)  # a patent's location is its jurisdiction, not the publisher's place
        for slot, names, how in FIELDS:
            found = self.take(*(n for n in names if n not in taken) if taken else names)
            if found:
                READERS[how](self, slot, *found)
                if self.args.get(slot) == "":  # "{}": no value (tugboat.bib's pages = "{}")
                    del self.args[slot]
        self.subtitles()
        self.container()
        self.periodical_issue()
        self.own_booktitle()
        volume_of_a_book = self.main_title()
        self.publisher(csl_type)
        self.numbers()
        self.issued()
        self.accessed()
        self.identifiers()
        self.attachments()
        self.typed_variables()
        self.editor_roles()
        if volume_of_a_book and "title-short" in self.variables:  # the volume's short title
            self.variables["volume-title-short"] = self.variables.pop("title-short")
        self.drop_derived_key()
        if csl_type == "article" and self.ids.get("arxiv") and not self.args.get("publisher"):
            self.args["publisher"] = "arXiv"
        return Record(
            type=csl_type,
            key=self.entry.key or None,
            ids=Identifiers(**self.ids),
            extras=self.extras(csl_type),
            variables=self.variables,
            names=self.names,
            dates=self.dates,
            position=Position(self.report.source, self.entry.line),
            **self.args,
        )

    def csl_type(self) -> str:
        if self.entry.type not in ENTRY_TYPES:
            self.report.info("bibtex.unknown-type", f"unknown entry type @{self.entry.written_type}; read as "
                             f"'{UNKNOWN_TYPE}'", line=self.entry.line, column=self.entry.column,
                             key=self.entry.key, hint="the type is kept in extras as bibtex:type")
        fields = self.fields
        csl_type = entry_csl_type(self.entry.type, lambda name: fields[name].text if name in fields else None)
        if csl_type in ARTICLE_SUBTYPES.values():
            self.drop("entrysubtype")  # the type says it; the writer writes it again
        return csl_type

    def is_arxiv(self) -> bool:
        fields = self.fields
        return _is_arxiv(lambda name: fields[name].text if name in fields else None)

    def container(self) -> None:
        """biblatex prints "Booktitle: Booksubtitle. Booktitleaddon" (and "Journaltitle:
        Journalsubtitle"), as pandoc reads them: a container title without its parts loses words.
        The parts stay in extras under a meta key (``bibtex:@joined:booksubtitle``) that the
        BibTeX writer does not write again as a field, so the joined words are not doubled."""
        names = CONTAINER_FIELDS.get(self.entry.type, DEFAULT_CONTAINER_FIELDS)
        if "howpublished" in names and (self.howpublished_url() is not None or self.entry.type == "periodical"):
            # a link, read by urls(); a periodical's says how the periodical itself appears
            names = tuple(n for n in names if n != "howpublished")
        found = self.take(*names)
        if not found:
            return
        value = found[1].text
        for name, joiner in CONTAINER_PARTS.get(found[0], ()):
            part = self.take(name)
            if part:
                value += joiner + part[1].text
                self.meta[Extra("bibtex", name, Kind.JOINED)] = part[1].text
        self.args["container_title"] = Text(value, Syntax.BIBTEX)
        if found[0] in ("journal", "journaltitle") and value is found[1].text:
            self.full_journal(found[0], found[1])

    def periodical_issue(self) -> None:
        """A @periodical with an issuetitle is one issue of the periodical its title names (a
        special issue): in CSL the issue's title is the title and the periodical the container
        (as pandoc reads it); biblatex prints "Issuetitle: Issuesubtitle"."""
        if self.entry.type != "periodical" or "container_title" in self.args or "title" not in self.args:
            return
        found = self.take("issuetitle")
        if not found:
            return
        value = found[1].text
        part = self.take("issuesubtitle")
        if part:
            value += ": " + part[1].text
        self.args["container_title"] = self.args["title"]
        self.args["title"] = Text(value, Syntax.BIBTEX)

    def own_booktitle(self) -> None:
        """A @book's or @proceedings' booktitle (and booksubtitle) naming the entry itself, as
        Beebe and biblatex's examples write them for the entries that crossref it to inherit:
        how the source wrote the title again, written back as it was."""
        if self.entry.type in CONTAINER_FIELDS:
            return
        for field, own in (("booktitle", "title"), ("booksubtitle", "subtitle")):
            value, title = self.fields.get(field), self.fields.get(own)
            if value is not None and title is not None and field not in self.used \
                    and _same_words(value.text, title.text):
                self.used.add(field)
                self.meta[Extra("bibtex", field, Kind.AS_WRITTEN)] = value.text

    def full_journal(self, name: str, journal: Value) -> None:
        """Beebe's fjournal names the journal again, beside a journal field that is often its
        abbreviation ("IEEE Trans. ...") and sometimes its longer name ("Communications of the
        Association for Computing Machinery" beside fjournal "Communications of the ACM"). The
        longer is the container title, the other its short form, unless shortjournal or
        journalabr gives a third name (then fjournal stays in extras). (Zotero's BibTeX importer
        takes fjournal as the title whichever is longer.) Kind.READ_AS extras tell the BibTeX writer
        which variable each field holds, so it writes both again."""
        found = self.take("fjournal")
        if not found:
            return
        full = found[1].text
        if _same_words(full, journal.text):
            self.meta[Extra("bibtex", "fjournal", Kind.READ_AS)] = "container-title"
            if full.strip() != journal.text.strip():  # hyphenation hints, say: written again as is
                self.meta[Extra("bibtex", "fjournal", Kind.AS_WRITTEN)] = full
            return
        longer_is_fjournal = len(_words(full)) > len(_words(journal.text))
        shorter = journal.text if longer_is_fjournal else full
        short = next((self.fields[n].text for n in _SHORT_JOURNAL_FIELDS
                      if n in self.fields and self.fields[n].text != ""), None)
        if short is not None and not _same_words(short, shorter):
            self.used.discard("fjournal")  # three names, two variables: fjournal stays data
            return
        if short is None:
            self.variables["container-title-short"] = Text(shorter, Syntax.BIBTEX)
        if longer_is_fjournal:
            self.args["container_title"] = Text(full, Syntax.BIBTEX)
            self.meta[Extra("bibtex", "fjournal", Kind.READ_AS)] = "container-title"
            self.meta[Extra("bibtex", name, Kind.READ_AS)] = "container-title-short"
        else:
            self.meta[Extra("bibtex", "fjournal", Kind.READ_AS)] = "container-title-short"

    def editor_roles(self) -> None:
        """Editors by another name (editortype = {compiler}) in the CSL role of that name; a
        list marked "and others" stays as it is (the maps have no et al.)."""
        for field in EDITOR_FIELDS:
            kind = self.fields.get(f"{field}type")
            role = EDITOR_TYPES.get(_plain(kind.text).strip().lower()) if kind is not None else None
            if role is None or role in self.names:
                continue
            if field == "editor":
                if not self.args.get("editors") or self.args.get("editors_etal"):
                    continue
                self.names[role] = self.args.pop("editors")
                self.args.pop("editors_etal", None)
            else:
                value = self.fields.get(field)
                if value is None:
                    continue
                names, etal = read_names(value.text, lambda message, hint=None, v=value, f=field: self.warn(
                    "bibtex.bad-name", message, v, f, hint), self.useprefix)
                if etal or not names:
                    continue
                self.names[role] = names
                self.drop(field)
            self.drop(f"{field}type")

    def main_title(self) -> bool:
        """biblatex's maintitle names the multi-volume work the entry is a volume of (for a
        chapter, the work its book is a volume of). CSL 1.0.2 writes that whole work as the
        title (a chapter's container-title) and the volume's own title as volume-title, as
        pandoc reads it. True when the entry's own title became the volume-title."""
        found = self.take("maintitle")
        if not found:
            return False
        value = found[1].text
        for name, joiner in MAIN_TITLE_PARTS:
            part = self.take(name)
            if part:
                value += joiner + part[1].text
                self.meta[Extra("bibtex", name, Kind.JOINED)] = part[1].text
        contained = CONTAINER_FIELDS.get(self.entry.type) == ("booktitle",)
        slot = "container_title" if contained else "title"
        volume = self.args.get(slot)
        self.args[slot] = Text(value, Syntax.BIBTEX)
        if volume is not None:
            self.variables["volume-title"] = volume
        return not contained

    def publisher(self, csl_type: str) -> None:
        found = self.take(*PUBLISHER_FIELDS.get(csl_type, DEFAULT_PUBLISHER_FIELDS))
        if found and found[0] in LIST_PUBLISHER_FIELDS and not BIBLATEX_OWN_FIELDS.isdisjoint(self.fields):
            self.args["publisher"] = read_list(self, *found)
        elif found:
            self.args["publisher"] = _plain(found[1].text)

    def numbers(self) -> None:
        number = self.take("number")
        issue = self.take("issue")
        if self.entry.type in ISSUE_TYPES:
            if number:
                self.args["issue"] = _plain(number[1].text)
                if issue:  # biblatex: number is the issue number, issue e.g. "Spring"
                    self.used.discard("issue")
            elif issue:
                self.args["issue"] = _plain(issue[1].text)
            # biblatex's eid, the article number ("e12292"; Beebe: articleno): CSL's number
            article_number = self.take("eid", "articleno")
            if article_number:
                self.args["number"] = _plain(article_number[1].text)
        else:
            if number and self.entry.type in SERIES_NUMBER_TYPES:
                self.variables["collection-number"] = Text(_plain(number[1].text))
            elif number:
                self.args["number"] = _plain(number[1].text)
            if issue:
                self.args["issue"] = _plain(issue[1].text)

    def issued(self) -> None:
        date = self.take("date")
        year, month, day = (self.fields.get(n) for n in ("year", "month", "day"))
        if date:
            parsed, problems = dates.parse_iso(date[1].text, "date")
            if parsed.year is None and year is not None:
                self.warn("bibtex.bad-date", f"date '{date[1].text}' is not ISO 8601; year/month used instead and "
                          "date kept in extras", date[1], "date", "biblatex dates are YYYY-MM-DD")
                self.used.discard("date")
                date = None
        if date:
            self.report_dates(problems, {"date": date[1]})
            self.args["issued"] = parsed
            if parsed.year is not None and dates.agree(parsed, year.text if year else None,
                                                       month.text if month else None):
                self.drop("year", "month")  # biber: date wins; these say the same
            elif year or month:
                self.warn("bibtex.conflicting-date", f"date '{date[1].text}' and year/month disagree; date used, "
                          "year/month kept in extras", date[1], "date")
            return
        if not (year or month or day):
            return
        issued, problems, keep = dates.parse_parts(*(v.text if v else None for v in (year, month, day)))
        self.report_dates(problems, {"year": year, "month": month, "day": day})
        self.args["issued"] = issued
        self.drop(*(n for n, v in (("year", year), ("month", month), ("day", day)) if v and n not in keep))

    def report_dates(self, problems: list[dates.Problem], values: dict[str, Value | None]) -> None:
        for problem in problems:
            value = values.get(problem.field)
            if problem.info:
                self.report.info(problem.code, problem.message, line=value.line if value else self.entry.line,
                                 column=value.column if value else None, key=self.entry.key, field=problem.field)
            else:
                self.warn(problem.code, problem.message, value, problem.field, problem.hint)

    def accessed(self) -> None:
        """biblatex's urldate (ISO 8601), else Beebe's lastaccess or accessed, or lastchecked
        (Zotero's importer reads it), in words."""
        found = self.take(*ACCESSED_FIELDS)
        if found:
            self.args["accessed"] = self.date(found[0], found[1], ACCESSED_FIELDS)

    def date(self, name: str, value: Value, aliases: tuple[str, ...]) -> Date:
        """A date field: biblatex's in ISO 8601, Beebe's in words ("Aug 29--Sep 2 1977"), whose
        words the BibTeX writer writes again (Kind.AS_WRITTEN). An alias saying the same date
        (meetingdate beside the eventdate refconv wrote for it, conferenceyear beside
        meetingdate) is read as how it was written."""
        parsed, problems = _parse_date(name, value.text)
        if name not in ISO_DATE_FIELDS:
            self.meta[Extra("bibtex", name, Kind.AS_WRITTEN)] = value.text
        self.report_dates(problems, {name: value})
        for alias in aliases:
            other = self.fields.get(alias)
            if alias != name and other is not None and alias not in self.used and other.text.strip() \
                    and alias not in ISO_DATE_FIELDS and (_agrees(_parse_date(alias, other.text)[0], parsed)
                                                          or _numeric_agrees(other.text, parsed)):
                self.used.add(alias)
                self.meta[Extra("bibtex", alias, Kind.AS_WRITTEN)] = other.text
        return parsed

    def identifiers(self) -> None:
        self.dois()
        self.arxiv()
        self.urls()
        self.eprint_url()
        for slot, name, reader in (("isbn", "isbn", _isbn), ("issn", "issn", _issn)):
            found = self.take(name)
            if found:
                self.ids[slot] = reader(self, found[1])
        self.more_numbers("isbn-13", "isbn", normalize_isbn, same_isbn)
        self.more_numbers("issn-l", "issn", normalize_issn, str.__eq__)
        for slot in ("pmid", "pmcid"):
            found = self.take(slot)
            if found:
                self.ids[slot] = _plain(found[1].text)

    def more_numbers(self, field: str, slot: str, normalise: Callable[[str], tuple[str, bool]],
                     same: Callable[[str, str], bool]) -> None:
        """A second field of a record's ISBNs or ISSNs (Beebe's isbn-13, ISSN-L, the linking
        ISSN): numbers the record has already (an ISBN-10 and its ISBN-13 name one book; the
        ISSN-L is one of the ISSNs) only say how the source wrote them, other numbers (another
        book's, a former title's ISSN) join the record's. Written again as given."""
        found = self.take(field)
        if not found:
            return
        have = self.ids.get(slot, ())
        new = tuple(n for n in _checked(self, found[1], field, slot, normalise)
                    if not any(same(n, known) for known in have))
        if new:
            self.ids[slot] = (*have, *new)
        if field in self.used:  # (a qualifier, "(pdf)", keeps the field as data)
            self.meta[Extra("bibtex", field, Kind.AS_WRITTEN)] = found[1].text

    def typed_variables(self) -> None:
        """The fields of VARIABLE_FIELDS into the record's typed maps, by the one engine
        (after identifiers(), which may have read `version` as an arXiv version)."""
        self.present = self.fields.keys() & _VARIABLE_FIELD_NAMES
        if self.present:  # (most entries have none: no rule is tried)
            read_rules(VARIABLE_FIELDS, self)
        if "genre" not in self.variables and self.entry.type in ENTRY_GENRES:
            self.variables["genre"] = Text(ENTRY_GENRES[self.entry.type])
        for variable, prefix in LEGACY_DATES.items():
            if variable not in self.dates:
                self.legacy_date(variable, prefix)

    def jurisdiction(self) -> None:
        """A patent's location is where it holds (CSL jurisdiction), as pandoc reads it, with
        biblatex's country keys as the words they print; its address is a publisher place."""
        found = self.take("location")
        if not found:
            return
        parts = list_items(found[1].text)
        words = [COUNTRY_KEYS.get(part.lower(), part) for part in parts]
        self.variables["jurisdiction"] = Text("; ".join(words))
        if words != parts:
            self.meta[PATENT_LOCATION_KEYS] = found[1].text

    def legacy_date(self, variable: str, prefix: str) -> None:
        """origyear/origmonth/origday (and event...), biber's parts of origdate, as pandoc reads
        them when there is no origdate: written back as origdate."""
        if self.fields.keys().isdisjoint(_LEGACY_PARTS[prefix]):  # (nearly every entry: one C-level test)
            return
        parts = {part: self.fields.get(prefix + part) for part in ("year", "month", "day")}
        parsed, problems, keep = dates.parse_parts(*(v.text if v else None for v in parts.values()))
        self.report_dates([replace(p, field=prefix + p.field, message=prefix + p.message) for p in problems],
                          {prefix + part: value for part, value in parts.items()})
        if parsed is not None:
            self.dates[variable] = parsed
            self.drop(*(prefix + part for part, value in parts.items() if value and part not in keep))

    def subtitles(self) -> None:
        """biblatex prints "Title: Subtitle. Titleaddon" (pandoc reads it so); every other format
        has only the one title. The parts stay in extras under a meta key
        (``bibtex:@joined:subtitle``), so BibLaTeX output can split the title again; a subtitle
        without a title is a field like any other (``bibtex:subtitle``)."""
        title = self.args.get("title")
        if title is None:
            return
        value = title.value
        for name, joiner in TITLE_PARTS:
            found = self.take(name)
            if found:
                value += joiner + found[1].text
                self.meta[Extra("bibtex", name, Kind.JOINED)] = found[1].text
        self.args["title"] = Text(value, Syntax.BIBTEX)

    def eprint_url(self) -> None:
        """biblatex links eprints of these types; the link becomes the URL when there is none."""
        eprint = self.fields.get("eprint")
        template = EPRINT_URLS.get(self.type_of_eprint() or "")
        if eprint is not None and template and "url" not in self.ids:
            self.ids["url"] = template.format(_verbatim(eprint.text).strip())

    def dois(self) -> None:
        found = self.take("doi")
        if not found:
            return
        dois = tuple(strip_doi(d) for d in _verbatim(found[1].text).split())
        for doi in dois:
            if not is_doi(doi):
                self.warn("bibtex.bad-doi", f"'{doi}' does not look like a DOI (10.NNNN/suffix); kept as given",
                          found[1], "doi")
        self.ids["doi"] = dois

    def arxiv(self) -> None:
        derived = next(filter(None, map(arxiv_id_in_doi, self.ids.get("doi", ()))), None)
        eprint = self.fields.get("eprint")
        text = eprint.text.strip() if eprint is not None else derived
        if not self.is_arxiv() or text is None:
            if eprint is not None and self.type_of_eprint() == "pubmed" and "pmid" not in self.fields:
                self.ids["pmid"] = _plain(eprint.text)
                self.drop("eprint", *ARXIV_TYPE_FIELDS)
            return
        try:
            arxiv_id, version, subject = parse_arxiv_id(text)
        except ArxivIdError as exc:
            self.warn("bibtex.bad-arxiv-id", f"{exc}; eprint kept in extras", eprint, "eprint")
            return
        self.drop("eprint", *ARXIV_TYPE_FIELDS)
        self.ids["arxiv"] = arxiv_id
        if eprint is not None and _verbatim(eprint.text).strip() != arxiv_id:  # "math/0307200v3": written so again
            self.meta[EPRINT_AS_WRITTEN] = _verbatim(eprint.text).strip()
        version_field = self.fields.get("version")
        if version_field is not None and _INTEGER.match(version_field.text.strip()):
            if version is None:
                version = int(version_field.text.strip())
                self.drop("version")
            elif version == int(version_field.text.strip()):  # the eprint's version again: how it was written
                self.drop("version")
                self.meta[Extra("bibtex", "version", Kind.AS_WRITTEN)] = version_field.text
        self.ids["arxiv_version"] = version
        found = self.take(*ARXIV_CLASS_FIELDS)
        if found:
            self.ids["arxiv_class"] = _verbatim(found[1].text)
        elif subject:
            self.ids["arxiv_class"] = subject_class(arxiv_id, subject)

    def type_of_eprint(self) -> str | None:
        kind = next((self.fields[n].text for n in ARXIV_TYPE_FIELDS if n in self.fields), None)
        return kind.strip().lower() if kind else None

    def howpublished_url(self) -> str | None:
        """howpublished holding only a link (\\url{...}, or http://...), as people write one for
        a web page in classic BibTeX, which has no url field; Zotero reads it so too."""
        value = self.fields.get("howpublished")
        url = _verbatim(value.text) if value is not None else ""
        return url if _LINK.fullmatch(url) else None

    def urls(self) -> None:
        found = self.take("url")
        link = self.howpublished_url()
        if link is not None and "howpublished" not in self.used:
            if not found or _verbatim(found[1].text) == link:
                # how the source wrote the link (classic styles print howpublished, not url)
                self.used.add("howpublished")
                self.meta[Extra("bibtex", "howpublished", Kind.AS_WRITTEN)] = self.fields["howpublished"].text
                found = found or ("howpublished", self.fields["howpublished"])
        if not found:
            return
        url = _verbatim(found[1].text)
        links = split_links(url) if found[0] == "url" else [url]
        if len(links) > 1 and all(map(is_link, links)):  # Beebe's "url = a; b": the URL and further links
            self.meta[URL_AS_WRITTEN] = url  # (written again so while it lists the same links)
            url, self.ids["links"] = links[0], tuple(dict.fromkeys(link for link in links[1:] if link != links[0]))
        arxiv_id = self.ids.get("arxiv")
        if arxiv_id and re.fullmatch(rf"https?://(?:www\.)?arxiv\.org/abs/{re.escape(arxiv_id)}", url, re.IGNORECASE):
            return  # the model derives it
        self.ids["url"] = url

    def attachments(self) -> None:
        """``file``: the linked files (files.py); written again as the input had it while
        that still lists them (Kind.AS_WRITTEN)."""
        found = self.take("file")
        if not found:
            return
        attachments = read_file_field(found[1].text)
        if not attachments:
            self.give_back("file")
            return
        self.args["attachments"] = attachments
        if write_file_field(attachments) != found[1].text.strip():
            self.meta[FILE_AS_WRITTEN] = found[1].text

    def drop_derived_key(self) -> None:
        """The writer adds `key` (BibTeX's sort key) when there is no author: don't read it back as data."""
        found = self.fields.get("key")
        if found is None:
            return
        text = found.text.strip()
        arxiv_id = self.ids.get("arxiv")
        if (arxiv_id and text == f"arXiv:{arxiv_id}") or (self.entry.key and text == self.entry.key):
            self.drop("key")

    def extras(self, csl_type: str) -> dict[Extra, str]:
        # the entry type is kept only where a writer would not choose it again from the
        # CSL type: @article and a preprint's @misc round-trip exactly, @conference is remembered
        extras = dict(self.meta)
        if self.entry.written_type.lower() not in ENTRY_TYPES_WRITTEN.get(csl_type, ()):
            extras[Extra("bibtex", "", Kind.ENTRY_TYPE)] = self.entry.written_type
        for name, value in self.fields.items():
            if value.macro and name != "month":
                extras[Extra("bibtex", name, Kind.MACRO)] = value.macro
            if name in self.used:
                continue
            if _UNKNOWN.fullmatch(value.text):  # "unknown": no data, how the source said so
                extras[Extra("bibtex", name, Kind.AS_WRITTEN)] = value.text
                continue
            extras[Extra("bibtex", name)] = value.text
        return extras


def journal_series(number: int) -> str:
    """A journal's numbered series as biblatex's English strings print it: "3rd series"."""
    suffix = "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix} series"


JOURNAL_SERIES = re.compile(r"^(\d+)(?:st|nd|rd|th) series$")


def entry_csl_type(entry_type: str, field: Callable[[str], str | None]) -> str:
    """The CSL type of an entry of this (lower-case) type whose fields ``field`` gives (TeX
    as written, None when absent): the reader's rule, which the writer checks its choice by."""
    if entry_type in PREPRINT_TYPES and _is_arxiv(field):
        return "article"
    if entry_type == "article":
        subtype = (field("entrysubtype") or "").strip().lower()
        if subtype in ARTICLE_SUBTYPES:
            return ARTICLE_SUBTYPES[subtype]
    return ENTRY_TYPES.get(entry_type, UNKNOWN_TYPE)


def _is_arxiv(field: Callable[[str], str | None]) -> bool:
    kind = next((text for name in ARXIV_TYPE_FIELDS if (text := field(name)) is not None), None)
    if kind is not None:
        return kind.strip().lower() == "arxiv"
    eprint = field("eprint")
    if eprint is not None and eprint.strip().lower().startswith("arxiv:"):
        return True
    doi = field("doi")
    return doi is not None and strip_doi(_verbatim(doi)).lower().startswith("10.48550/arxiv.")


def _read_text(builder: _Builder, slot: str, name: str, value: Value) -> None:
    builder.args[slot] = Text(value.text, Syntax.BIBTEX)


def _read_plain(builder: _Builder, slot: str, name: str, value: Value) -> None:
    builder.args[slot] = _plain(value.text)


def _read_place(builder: _Builder, slot: str, name: str, value: Value) -> None:
    """biblatex's location is a list ("Durham and London"); BibTeX's address is plain text,
    where "and" may be part of a name."""
    if name == "location":
        builder.args[slot] = read_list(builder, name, value)
    else:
        builder.args[slot] = _plain(value.text)


def read_list(builder: _Builder, name: str, value: Value) -> str:
    """A biblatex literal list as the record holds it, its items joined by "; " (CSL has one
    string; pandoc joins so). A list of several items is also kept as written, so a BibLaTeX
    writer writes the same items again (a "; " in a RIS or CSL-JSON value is only text)."""
    items = list_items(value.text)
    if len(items) > 1:
        builder.meta[Extra("bibtex", name, Kind.AS_WRITTEN)] = value.text
        part = next((item for item in items[1:] if item.lower().rstrip(".") in _NAME_ENDINGS), None)
        if part is not None:  # "John Wiley and Sons": one name, which biblatex prints the same either way
            builder.warn("bibtex.list-split", f"{name} '{_plain(value.text)}' is a list of {len(items)} items, "
                         f"as biber reads it ({'; '.join(items)}); '{part}' alone names nothing", value, name,
                         hint="if it is one name, brace its 'and' as {and}, as biblatex's manual says")
    return "; ".join(items)


# words that end a company's name after "and" (John Wiley and Sons, Harper and Brothers, Smith
# and Co.): an item of a list by themselves, they are a name cut in two
_NAME_ENDINGS = frozenset({"sons", "son", "co", "company", "brothers", "bros", "daughters", "associates",
                           "partners"})


def written_items(extras: Mapping[Extra, str], value: str, *names: str) -> list[str] | None:
    """The items of a list read_list kept, while they are still the record's value."""
    for name in names:
        written = extras.get(Extra("bibtex", name, Kind.AS_WRITTEN))
        if written is not None:
            items = list_items(written)
            if "; ".join(items) == value:
                return items
    return None


def list_items(text: str) -> list[str]:
    """A biblatex literal list ("Durham and London"), split as names are: at "and" outside
    braces ("{Sun and Moon}" is one item)."""
    return [item for item in (_plain(part) for part in split_persons(text)) if item]


def _read_language(builder: _Builder, slot: str, name: str, value: Value) -> None:
    """A BCP 47 tag in the record (CSL and JATS want one); the field as written stays in
    extras, so a BibTeX writer can write the babel name again: as a source form when the
    record's language is all it says, as data when it names several languages."""
    items = split_languages(_plain(value.text))
    builder.meta[Extra("bibtex", name, Kind.VALUE if len(items) > 1 else Kind.AS_WRITTEN)] = value.text
    tags = [to_bcp47(item) for item in items]
    if not items or tags[0] is None:
        # CSL's language is free text: keep what was written rather than lose it (JATS writes
        # xml:lang only for a tag-shaped value)
        builder.report.info("bibtex.unknown-language", f"{name} '{value.text}' is no language name refconv "
                            "knows nor a BCP 47 tag; kept as written", line=value.line, column=value.column,
                            key=builder.entry.key, field=name, hint="write a babel name (german) or a tag (de-DE)")
        if items or value.text.strip():
            builder.args[slot] = _plain(value.text)
        return
    if len(items) > 1:
        builder.report.info("bibtex.several-languages", f"{name} '{value.text}' names {len(items)} languages; "
                            f"the first ({tags[0]}) is the record's, the list is kept in extras",
                            line=value.line, column=value.column, key=builder.entry.key, field=name)
    options = builder.fields.get("langidopts")
    builder.args[slot] = with_variant(tags[0], options.text) if options and name != "language" else tags[0]


def _read_affiliations(builder: _Builder, slot: str, name: str, value: Value) -> None:
    """Institutions separated by ";" (as the writer joins several: RIS's AD lines)."""
    builder.args[slot] = tuple(part.strip() for part in _plain(value.text).split(";") if part.strip())


def _read_pages(builder: _Builder, slot: str, name: str, value: Value) -> None:
    builder.args[slot] = _DASHES.sub("-", _plain(value.text))  # TeX's -- and --- decode to – and —


def _read_keywords(builder: _Builder, slot: str, name: str, value: Value) -> None:
    """A list separated by ";" where the value has one and braces no comma (Beebe's subject
    headings "Mitchell, Nelson P.; Printing --- Specimens.", Web of Science's lists: the
    commas are inside keywords), else by "," and ";" ("TeX; {Knuth, Donald}, typesetting")."""
    parts = split_top_level(value.text, ";")
    if len(parts) < 2 or _BRACED_COMMA.search(value.text):
        parts = split_top_level(_LIST_SEPARATORS.sub(",", value.text))
    words = (_plain(part) for part in parts)
    builder.args[slot] = tuple(w for w in words if w)


def _read_names(builder: _Builder, slot: str, name: str, value: Value) -> None:
    names, etal = read_names(value.text, lambda message, hint=None: builder.warn(
        "bibtex.bad-name", message, value, name, hint), builder.useprefix)
    builder.args[slot] = names
    builder.args[f"{slot}_etal"] = etal


READERS: dict[str, Callable[[_Builder, str, str, Value], None]] = {
    "text": _read_text,
    "place": _read_place,
    "plain": _read_plain,
    "language": _read_language,
    "pages": _read_pages,
    "keywords": _read_keywords,
    "names": _read_names,
    "affiliations": _read_affiliations,
}


def read_names(text: str, warn: Callable[..., None], useprefix: bool | None = None) -> tuple[tuple[Name, ...], bool]:
    """Split on top-level "and" and each name by BibTeX's rules; "and others" sets et al.
    ``useprefix`` is the entry's biblatex option, when it states one: false makes a name's
    prefix a CSL dropping particle ("Brandt, Ahasver von"), true a non-dropping one; a name
    in the extended format that states its own useprefix keeps it."""
    parts = split_persons(text)
    names: list[Name] = []
    etal = False
    for index, part in enumerate(parts):
        part = part.strip()
        lowered = part.lower()
        while lowered.startswith("and ") or lowered == "and":
            warn(f"doubled 'and' before '{part[3:].strip()}'; read as one separator", "remove one 'and'")
            part = part[3:].strip()
            lowered = part.lower()
        while lowered.endswith(" and"):
            warn(f"'and' after the last name '{part[:-4].strip()}'; ignored", "remove the trailing 'and'")
            part = part[:-4].strip()
            lowered = part.lower()
        if lowered == "others":
            if index != len(parts) - 1:
                warn("'others' before the last name; read as et al.", "write 'and others' at the end")
            etal = True
            continue
        if lowered.rstrip(".") == "et al":
            warn(f"'{part}' as a name; read as et al.", "BibTeX spells it 'and others'")
            etal = True
            continue
        if "=" in part and is_extended_name(part):
            for key in unread_extended_keys(part):
                warn(f"'{key}' in the name '{part}' has no place in the record; ignored",
                     "the extended name format's parts are family, given, prefix, suffix and useprefix")
        elif part.count(",") > 2 and len(split_top_level(part)) > 3:
            warn(f"name '{part}' has more than two commas; the extra parts join the first names",
                 "BibTeX names are 'First von Last', 'von Last, First' or 'von Last, Jr, First'")
        try:
            person = split_bibtex_name(part)
        except ValueError:
            if not part:
                warn(f"empty name in position {index + 1}; skipped", "look for a doubled 'and'")
                continue
            warn(f"name '{part}' decodes to no text (a macro defined in the document?); kept as TeX source",
                 "define the name in the .bib itself, e.g. {H{\\`a}n Th{\\^e} Th{\\`a}nh}")
            names.append(Name(literal=part))
            continue
        if useprefix is not None and person.particle and not _states_useprefix(part):
            person = replace(person, non_dropping_particle=person.particle if useprefix else None,
                             dropping_particle=None if useprefix else person.particle)
        names.append(person)
    return tuple(names), etal


def _states_useprefix(part: str) -> bool:
    return "=" in part and is_extended_name(part) and "useprefix" in part.lower()


def entry_useprefix(options: Value | None) -> bool | None:
    """biblatex's useprefix as an entry's ``options`` states it (``useprefix``,
    ``useprefix=false``), else None: the particle is then read as BibTeX splits it."""
    for option in (options.text.split(",") if options is not None else ()):
        key, equals, value = option.partition("=")
        if key.strip().lower() == "useprefix":
            return not equals or value.strip().lower() == "true"
    return None


# BibTeX's "and" between names: white space (only these four characters), the letters
# in either case, white space
_AND_BETWEEN_NAMES = re.compile(r"[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")


def split_persons(text: str) -> list[str]:
    """Names separated by "and" outside braces. Without braces or backslashes (nine name
    lists in ten) one regex split does it, without a Python step per character."""
    text = text.strip(" \r\n\t")
    if "{" in text or "}" in text or "\\" in text:
        return _split_persons_in_tex(text)
    return _AND_BETWEEN_NAMES.split(text) if text else []


def _split_persons_in_tex(text: str) -> list[str]:
    """bibtexparser's state machine for the "and"s outside braces, with its bug fixed: it
    started a name that opens with a macro after the macro (`and \\"Ozkan` gave `Ozkan`,
    `and \\L{}ukasz` gave `{}ukasz`), so every name but the first lost its leading accent.
    A backslash escapes the next character, so `\\ and` is no separator."""
    spans = [0]  # starts and ends of names, alternating
    step = _GAP
    pos = depth = possible_end = 0
    while pos < len(text):
        char = text[pos]
        width = 2 if char == "\\" else 1  # an escape and the character it escapes
        pos += width
        if char == "{" or char == "\\":
            if step == _NEXT_WORD:  # the next name opens with a group or a macro
                spans += [possible_end, pos - width]
                step = _GAP
            if char == "{":
                depth += 1
                step = _GAP
            continue
        if char == "}":
            depth -= depth > 0
            step = _GAP
            continue
        if depth:
            continue
        step, possible_end, starts = _and_step(step, char, pos, possible_end)
        if starts:
            spans += [possible_end, pos - 1]
    spans.append(len(text))
    return [text[start:end] for start, end in zip(spans[::2], spans[1::2], strict=True)] if text else []


_GAP, _A, _N, _D, _AFTER, _NEXT_WORD = range(6)
_WHITE = " \r\n\t"


def _and_step(step: int, char: str, pos: int, possible_end: int) -> tuple[int, int, bool]:
    """One character of " and " outside braces: (next step, where the name before it
    ends, whether a new name starts at this character)."""
    white = char in _WHITE
    if step == _GAP:
        return (_A, pos - 1, False) if white else (_GAP, possible_end, False)
    if step == _NEXT_WORD:
        return (_NEXT_WORD, possible_end, False) if white else (_GAP, possible_end, True)
    if white:
        if step == _AFTER:
            return _NEXT_WORD, possible_end, False
        return _A, pos - 1 if step != _A else possible_end, False
    expected = {_A: "aA", _N: "nN", _D: "dD"}.get(step, "")
    return (step + 1, possible_end, False) if char in expected else (_GAP, possible_end, False)


def _isbn(builder: _Builder, value: Value) -> tuple[str, ...]:
    return _checked(builder, value, "isbn", "isbn", normalize_isbn)


def _issn(builder: _Builder, value: Value) -> tuple[str, ...]:
    return _checked(builder, value, "issn", "issn", normalize_issn)


def _checked(builder: _Builder, value: Value, name: str, kind: str, normalise: Callable[[str], tuple[str, bool]]
             ) -> tuple[str, ...]:
    """ISBNs/ISSNs separated by , or ; each maybe qualified: "0-201-13447-0 (paperback)",
    "0-901420-59-X hardback"."""
    out = []
    # "90-5199-187-8 (IOS Press) 4-274-90017-7 (Ohmsha)": a number after a qualifier starts the next
    for part in _outside_parentheses(_LIST_SEPARATORS, _NUMBER_AFTER_QUALIFIER.sub("), ", _plain(value.text))):
        match = _QUALIFIED.match(part)
        if not match or not any(c.isdigit() for c in match["number"]):
            if part.strip():
                builder.used.discard(name)  # not a number: the field lives on in extras as written
            continue
        number, qualifier = match["number"], match["qualifier"]
        if set(number) == {"?"}:  # Beebe's "unknown"
            builder.used.discard(name)
            continue
        words = _NUMBER_THEN_WORDS.match(number)
        if words:
            number, qualifier = words["number"], words["words"]
        if qualifier:
            builder.used.discard(name)  # the qualifiers live on in extras, with the numbers
        number, valid = normalise(number)
        if not valid:
            builder.warn(f"bibtex.bad-{kind}", f"{kind.upper()} '{number}' has a wrong check digit or length; "
                         "kept as given", value, name)
        out.append(number)
    return tuple(out)


def _outside_parentheses(separators: re.Pattern[str], text: str) -> list[str]:
    """text split at the separators that are not inside parentheses: a qualifier such as
    "(vol. I, hardcover)" holds commas."""
    parts, depth, start = [], 0, 0
    for match in _SPLIT_OR_PAREN.finditer(text):
        char = match.group()
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0 and separators.fullmatch(char):
            parts.append(text[start:match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


_SPLIT_OR_PAREN = re.compile(r"[(),;]")
_NUMBER_AFTER_QUALIFIER = re.compile(r"\)\s+(?=\d)")
_SHORT_JOURNAL_FIELDS = next(rule.fields for rule in VARIABLE_FIELDS if rule.variable == "container-title-short")


def _parse_date(name: str, text: str) -> tuple[Date, list[dates.Problem]]:
    return (dates.parse_iso if name in ISO_DATE_FIELDS else dates.parse_prose)(text, name)


# INSPEC's meetingdate2, the meeting's dates in figures with a two-digit year: 02/09--10/94,
# 08/29--09/02/77, 11/02/95
_US_FIGURES = re.compile(r"\s*(\d\d?)/(\d\d?)(?:\s*-{1,3}\s*(?:(\d\d?)/)?(\d\d?))?/(\d\d)\s*")


def _numeric_agrees(text: str, date: Date) -> bool:
    """Whether figures month/day[--[month/]day]/yy say the date again (the century from it)."""
    match = _US_FIGURES.fullmatch(text)
    if not match or date.year is None or date.year % 100 != int(match[5]):
        return False
    month, day = int(match[1]), int(match[2])
    if match[4] is None:
        return (date.month, date.day, date.end) == (month, day, None)
    end = date.end
    end_month = int(match[3]) if match[3] else month
    return (date.month, date.day) == (month, day) and end is not None and (end.month, end.day) == (
        end_month, int(match[4]))


def _agrees(alias: Date, date: Date) -> bool:
    """Whether a second field says the date again: the same date, or its year alone."""
    return alias == date or (alias.literal is None and alias.month is None and alias.end is None
                             and alias.season is None and alias.year == date.year)


def _same_words(a: str, b: str) -> bool:
    """Whether two fields say the same, letter case, spacing, hyphenation hints and TeX
    spelling aside."""
    return _words(a) == _words(b)


def _words(text: str) -> str:
    return " ".join(_plain(text).replace("\xad", "").casefold().split())


def _plain(text: str) -> str:
    return tex_to_unicode(dates.NOOPSORT.sub("", text)).strip()


def _verbatim(text: str) -> str:
    """url/doi/eprint are verbatim, but .bib files often TeX-escape `_` or `%` in them, or wrap \\url{}."""
    text = text.strip()
    match = _URL_MACRO.match(text)
    if match:
        text = match.group(1).strip()
    return _TEX_ESCAPE_IN_VERBATIM.sub(r"\1", text)



def to_record(entry: EntryInfo, fields: dict[str, Value], report: Reporter) -> Record:
    return _Builder(entry, fields, report).build()

