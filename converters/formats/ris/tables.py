"""RIS mapping tables as data: types both ways, tags to model fields (TAG_SLOTS), and
tags to the record's CSL variable maps by RIS type (VARIABLE_TAGS, read both ways).

Change a mapping here, not in the reader or writer code. Sources: the RIS
specification's type list and per-type fields (as tabled by citation-js,
../shared/schemas/ris), Zotero's RIS translator, and what real exporters write (the
shared corpus). Every tag rispy knows is in TAG_SLOTS, VARIABLE_TAGS, STRUCTURE_TAGS or
KEPT_TAGS (tests/test_ris_variables.py).
"""

from __future__ import annotations

import functools
from typing import Any

from ...csl import NAME_VARIABLES, VARIABLES
from ...model import Syntax, Text
from ...rules import Rule
from ...text.ids import is_doi, strip_doi

# CSL type -> RIS TY, used by the writer. "article" (preprint) is decided by
# Options.ris_type (--ris-type).
RIS_TYPES: dict[str, str] = {
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "book": "BOOK",
    "classic": "CLSWK",
    "collection": "EDBOOK",
    "chapter": "CHAP",
    "paper-conference": "CPAPER",
    "report": "RPRT",
    "thesis": "THES",
    "manuscript": "MANSCPT",
    "webpage": "ELEC",
    "post": "BLOG",
    "post-weblog": "BLOG",
    "dataset": "DATA",
    "software": "COMP",
    "patent": "PAT",
    "map": "MAP",
    "motion_picture": "MPCT",
    "broadcast": "VIDEO",
    "entry-dictionary": "DICT",
    "entry-encyclopedia": "ENCYC",
    "legal_case": "CASE",
    "legislation": "STAT",
    "bill": "BILL",
    "hearing": "HEAR",
    "pamphlet": "PAMP",
    "personal_communication": "PCOMM",
    "song": "SOUND",
    "standard": "STAND",
    "graphic": "ART",
    "figure": "FIGURE",
    "interview": "PCOMM",
    "speech": "SLIDE",
    "review": "JOUR",
    "review-book": "JOUR",
    "musical_score": "MUSIC",
    "periodical": "JFULL",
}
DEFAULT_RIS_TYPE = "GEN"

# RIS TY -> CSL type, used by the reader. The inverse of RIS_TYPES where that is one
# to one; where several CSL types share a TY the first listed above wins (JOUR ->
# article-journal, PCOMM -> personal_communication, BLOG -> post-weblog). Types the
# writer never emits follow the RIS spec's meaning.
# Decisions: UNPB (unpublished work) -> "article", CSL's preprint/working-paper type,
# which is also what our writer emits it for; MANSCPT -> manuscript; INPR (in press)
# -> article-journal, an accepted journal article. A TY that the writer would not
# give back for the mapped type is kept in extras[Extra("ris", "TY")].
RIS_TO_CSL: dict[str, str] = {
    **{ty: csl for csl, ty in reversed(list(RIS_TYPES.items()))},
    "BLOG": "post-weblog",
    "UNPB": "article",
    "INPR": "article-journal",
    "GEN": "document",
    "ABST": "article-journal",
    "ADVS": "motion_picture",
    "AGGR": "dataset",
    "ANCIENT": "classic",
    "CHART": "figure",
    "CONF": "paper-conference",
    "CTLG": "entry",
    "DBASE": "dataset",
    "EBOOK": "book",
    "ECHAP": "chapter",
    "EJOUR": "article-journal",
    "EQUA": "document",
    "GOVDOC": "report",
    "GRANT": "document",
    "GRNT": "document",
    "ICOMM": "personal_communication",
    "INTV": "interview",
    "LEGAL": "legislation",
    "MULTI": "motion_picture",
    "POD": "broadcast",
    "PRESS": "article-newspaper",
    "SER": "periodical",
    "UNBILL": "bill",
    "UNPD": "manuscript",
    "WEB": "webpage",
}

# Long type names some exporters write instead of the code (EndNote's labels).
RIS_TYPE_NAMES: dict[str, str] = {
    "JOURNAL ARTICLE": "JOUR",
    "BOOK": "BOOK",
    "BOOK SECTION": "CHAP",
    "EDITED BOOK": "EDBOOK",
    "CONFERENCE PAPER": "CPAPER",
    "CONFERENCE PROCEEDINGS": "CONF",
    "THESIS": "THES",
    "REPORT": "RPRT",
    "GENERIC": "GEN",
    "WEB PAGE": "ELEC",
    "MANUSCRIPT": "MANSCPT",
    "NEWSPAPER ARTICLE": "NEWS",
    "MAGAZINE ARTICLE": "MGZN",
}

# Tag -> slot of the model: the reader takes each slot's tags from here, so a mapping
# is changed by editing this table. Slots named like a Record field fill that field;
# "container" is container_title, "start_page"/"end_page" make pages, "isbn_issn" is
# told apart by check digits, "accession" holds arXiv ids (other values stay extras).
# Within a slot, tags are taken in SLOT_ORDER where given, else in the order below;
# a value that does not make it into the model stays in extras[Extra("ris", TAG)].
TAG_SLOTS: dict[str, str] = {
    "ID": "key",
    "TI": "title", "T1": "title", "CT": "title",
    "AU": "authors", "A1": "authors",
    "A2": "editors", "ED": "editors",
    "T2": "container", "JF": "container", "JO": "container", "BT": "container",
    "AB": "abstract", "N2": "abstract",
    "N1": "note",
    "KW": "keywords",
    "DO": "doi",
    "UR": "url",
    "SN": "isbn_issn",
    "VL": "volume",
    "IS": "issue",
    "SP": "start_page",
    "EP": "end_page",
    "PB": "publisher",
    "PU": "publisher",  # Web of Science's RIS: PU publisher, PI its city (no PB, CY)
    "CY": "publisher_place",
    "PI": "publisher_place",
    "ET": "edition",
    "LA": "language",
    "AN": "accession",
    "M1": "number",
    "DA": "issued", "PY": "issued", "Y1": "issued",
    "Y2": "accessed",
    # one line an institution (Scopus, Web of Science), or one for all: whose cannot be told
    "AD": "affiliations",
    "L1": "attachments",  # a file: a path, EndNote's internal-pdf:// or a URL
}

# Precedence inside a slot (first present wins). Dates: DA over PY over Y1, never Y2.
# (JA/J2, the journal abbreviations, are container-title-short: VARIABLE_TAGS below; the
# reader also makes one the container when no tag above names it.)
SLOT_ORDER: dict[str, tuple[str, ...]] = {
    "title": ("TI", "T1", "CT"),
    "container": ("T2", "JF", "JO", "BT"),
    "abstract": ("AB", "N2"),
    "issued": ("DA", "PY", "Y1"),
}

# Slots that are plain text fields of the Record (first value wins): SLOT_RULES below.
TEXT_SLOTS = ("publisher", "publisher_place", "volume", "issue", "number", "edition", "language")


@functools.cache  # the reader asks ~15 times per record; tables edited at run time need tags_for.cache_clear()
# (and SLOT_RULES rebuilt)
def tags_for(slot: str) -> tuple[str, ...]:
    """The tags of a slot, in precedence order."""
    return SLOT_ORDER.get(slot) or tuple(tag for tag, name in TAG_SLOTS.items() if name == slot)


# Tags whose wrapped (continuation) lines keep their line breaks; the others are
# unwrapped with a space. KW continuation lines are further keywords (Rayyan writes
# one keyword per line under a single KW).
MULTILINE_TAGS = frozenset({"AB", "N1", "N2", "KW"})

# TY values for which a record with an arXiv id and arXiv as publisher or secondary
# title is read back as a preprint (type "article"): the types our writer may use.
PREPRINT_TYS = frozenset({"UNPB", "JOUR", "GEN", "MANSCPT", "INPR", "RPRT", "ELEC"})


def reads_as_preprint(ty_code: str, has_arxiv_id: bool, publisher: str | None, container: str | None) -> bool:
    """Whether a record of this TY with an arXiv id, and arXiv as publisher or container, is CSL's
    preprint, whatever TY says (the writer's --ris-type may be RPRT, JOUR, ...)."""
    return has_arxiv_id and ty_code in PREPRINT_TYS and any(
        value is not None and value.strip().casefold() == "arxiv" for value in (publisher, container))

# Where exporters put a DOI when they have no DO line (CINAHL: L3); used only when
# the record has no DO and the whole value is a DOI or a doi.org URL.
DOI_FALLBACK_TAGS = ("L3", "M3", "UR", "L1", "L2", "L4")

# Journal types whose C7 is the article number ("e12292"; the RIS spec as citation-js tables it,
# Web of Science and Scopus): the record's number where no M1 gives one (the writer writes M1)
ARTICLE_NUMBER_TYS = frozenset({"ABST", "INPR", "JFULL", "JOUR"})

# Book-like types whose BT is the record's own title, not a container.
BT_IS_TITLE = frozenset({"BOOK", "EBOOK", "EDBOOK", "UNPB", "CLSWK", "MANSCPT", "THES", "RPRT"})

# Tags that may occur several times in a record (rispy's list tags, plus editors and
# file links): an extra for one of these is written even when the record already
# filled the tag. A second value of any other tag would replace the first in most
# importers, so such an extra is reported as lost instead.
REPEATABLE_TAGS = frozenset({"A1", "A2", "A3", "A4", "AD", "AU", "ED", "KW", "N1", "UR", "L1", "L2", "L3", "L4"})


# --- tags <-> the record's CSL variable maps (Record.variables, Record.names) ---------------
#
# Tag -> {RIS type: CSL variable}, read both ways: the reader puts a tag's values in the
# variable its record's TY gives, the writer writes a variable with the first tag (in the
# order below) that gives it back for the TY it writes. ANY is every type not listed; a type
# mapped to None keeps the tag in extras[Extra("ris", TAG)] (its meaning there has no CSL variable).
# "editor" is the record's editors slot (written back as ED, which every importer reads as
# editor). Sources: Zotero's RIS translator (RIS.js of 2023-07-28: fieldMap, with its
# degenerateImportFieldMap for import-only tags) and the RIS specification's per-type field
# table (as tabled by citation-js, ../shared/schemas/ris); where they differ, Zotero's, as
# the importer most users meet, unless noted.
ANY = "*"
# Conference types: with an event title, T2 is the conference's name and C3 the proceedings'
# title (Zotero: conferenceName and proceedingsTitle; the RIS spec as citation-js tables it);
# without one, T2 is the proceedings' title, as other exporters write it
CONFERENCE_TYPES = frozenset(("CONF", "CPAPER"))
VARIABLE_TAGS: dict[str, dict[str, str | None]] = {
    # names
    # A2 is the editors slot (TAG_SLOTS) but for books, where it is the series editor (Zotero:
    # book -> seriesEditor; spec: BOOK, EDBOOK -> Editor, Series)
    "A2": {"BOOK": "collection-editor", "EDBOOK": "collection-editor"},
    # A3 "tertiary author": the series editor (Zotero: bookSection, conferencePaper,
    # dictionaryEntry, encyclopediaArticle, map -> seriesEditor, which its CSL mapping makes
    # collection-editor); a book's editor (Zotero and spec: BOOK -> editor; Zotero also turns
    # an EDBOOK's AU into A3); thesis -> contributor; film, video -> producer; a bill's
    # cosponsor has no CSL variable
    "A3": {ANY: "collection-editor", "BOOK": "editor", "EDBOOK": "editor", "THES": "contributor",
           "MPCT": "producer", "VIDEO": "producer", "BILL": None},
    # A4 "subsidiary author": translator (Zotero __default and spec), but contributor for
    # conference papers, films and datasets (Zotero: "translator does not fit these"); a
    # case's counsel has no CSL variable
    "A4": {ANY: "translator", "CONF": "contributor", "CPAPER": "contributor", "MPCT": "contributor",
           "DATA": "contributor", "CASE": None},
    "C2": {"CHAP": "container-author"},  # Zotero: bookSection -> bookAuthor (CSL container-author)
    # text and number variables
    "T3": {ANY: "collection-title", "HEAR": "authority", "BILL": "authority"},  # Zotero: legislativeBody
    "ST": {ANY: "title-short"},
    # J2 before JA: Zotero's fieldMap has J2 (journalAbbreviation); JA is in its deprecated
    # import-only map, read only when no J2 filled the field
    "J2": {ANY: "container-title-short"},
    "JA": {ANY: "container-title-short"},
    "JI": {ANY: "container-title-short"},  # Web of Science's RIS: the ISO abbreviation (its J9 is its own)
    "NV": {ANY: "number-of-volumes"},
    # a book's or thesis' SP is its number of pages (RIS spec; Zotero: numPages), not a start page
    "SP": dict.fromkeys(("BOOK", "CLSWK", "EBOOK", "EDBOOK", "THES"), "number-of-pages"),
    "SE": {ANY: "section", "CASE": None},  # Zotero: a case's SE is its file date
    # the series number: Zotero writes a book section's there (fieldMap SV: seriesNumber) and
    # reads a case's SV as its docket number ("EndNote exports this way")
    "SV": {ANY: "collection-number", "CASE": None},
    "CN": {ANY: "call-number"},
    "DB": {ANY: "archive"},  # Zotero: archive
    "DP": {ANY: "source"},  # Zotero: libraryCatalog, CSL source
    "M3": {ANY: "genre"},  # "type of work"; a DOI there (EndNote) stays in extras and is read as the DOI
    # "original publication": the original's title (spec: book and journal types); for legal
    # types Zotero reads it as the history, CSL references
    "OP": {ANY: "original-title", "BILL": "references", "CASE": "references", "HEAR": "references",
           "STAT": "references"},
    "RI": {ANY: "reviewed-title", "STAT": None},  # spec: reviewed item; a statute's article number
    "C1": {"CONF": "event-place", "CPAPER": "event-place", "MAP": "scale"},  # Zotero: place (of the conference), scale
    "C3": {"ART": "dimensions", "PAT": "jurisdiction"},  # Zotero: artworkSize; spec: a patent's country
    "C5": {"MPCT": "medium", "VIDEO": "medium", "SOUND": "medium", "PAT": "references"},  # Zotero: *Format, references
    "C6": {"PAT": "status"},  # Zotero: legalStatus
    # research notes: the reader's own notes on the item (the RIS spec; EndNote's Research
    # Notes), kept apart from N1 as CSL keeps annote apart from note (biblatex annotation)
    "RN": {ANY: "annote"},
}


@functools.cache
def variable_for(tag: str, ty: str) -> str | None:
    """The CSL variable (or "editor") a tag holds in a record of RIS type ``ty``, if any."""
    rules = VARIABLE_TAGS.get(tag)
    if not rules:
        return None
    return rules[ty] if ty in rules else rules.get(ANY)


@functools.cache
def tag_for(variable: str, ty: str) -> str | None:
    """The tag the writer uses for a variable in a record of RIS type ``ty`` (the first that reads back)."""
    return next((tag for tag in VARIABLE_TAGS if variable_for(tag, ty) == variable), None)


@functools.cache
def tags_of(variable: str, ty: str) -> tuple[str, ...]:
    """Every tag read into a variable for RIS type ``ty``, in precedence order."""
    return tuple(tag for tag in VARIABLE_TAGS if variable_for(tag, ty) == variable)


@functools.cache
def variables_for(ty: str) -> frozenset[str]:
    """The map variables a record of RIS type ``ty`` carries in RIS."""
    return frozenset(v for tag in VARIABLE_TAGS if (v := variable_for(tag, ty)) and v != "editor")


# --- the conversions, and VARIABLE_TAGS as the engine's rules -------------------------------
# The reader and the writer both apply VARIABLE_TAGS through the one engine (converters/rules.py):
# rules_for(TY) compiles it into a rule per variable, its tags in precedence order (read: every
# value of them; written: under the first). A conversion reads through the record being built
# (the reader's: its choose, keep and names_in) and writes through the writer's sink (its name
# and text); reading and writing stand side by side here.


class _Text:
    """A text variable: the first value by the table's precedence; differing others stay in
    extras. Written as one line."""

    name = "text"
    slot = "variables"

    def read(self, source: Any, rule: Rule, tag: str, entries: list) -> Any:
        chosen = source.choose(entries)
        return Text(chosen.value, Syntax.PLAIN) if chosen else None

    def write(self, sink: Any, rule: Rule, tag: str, value: Text) -> list[str]:
        return [sink.text(value)]


class _Genre(_Text):
    """M3, the type of work: EndNote writes the DOI there, which is no type of work: kept in
    extras (and read as the DOI where there is no DO)."""

    def read(self, source: Any, rule: Rule, tag: str, entries: list) -> Any:
        for entry in entries:
            if is_doi(strip_doi(entry.value)):
                source.keep(entry)
        return super().read(source, rule, tag, [e for e in entries if not is_doi(strip_doi(e.value))])


class _Names:
    """A name variable: a name a line ("et al." lines stay in extras: the maps have no et al.)."""

    name = "names"
    slot = "names"

    def read(self, source: Any, rule: Rule, tag: str, entries: list) -> Any:
        return source.names_in(entries)

    def write(self, sink: Any, rule: Rule, tag: str, value: tuple) -> list[str]:
        return [sink.name(person) for person in value]


class _Editors:
    """Tags that hold editors for some types (a book's A3): read into the record's editors
    with ED's; written as ED by the editors' own code."""

    name = "editors"
    slot = "editors"

    def read(self, source: Any, rule: Rule, tag: str, entries: list) -> Any:
        return entries

    def write(self, sink: Any, rule: Rule, tag: str, value: Any) -> None:
        return None


class _Slot:
    """A plain text slot of the record itself (its volume, publisher ...): the first value by
    the table's precedence; differing others stay in extras. Written as one line."""

    name = "slot"
    slot = "core"

    def read(self, source: Any, rule: Rule, tag: str, entries: list) -> Any:
        chosen = source.choose(entries)
        return chosen.value if chosen else None

    def write(self, sink: Any, rule: Rule, tag: str, value: str) -> list[str]:
        return [value]


TEXT, GENRE, NAMES, EDITORS, SLOT = _Text(), _Genre(), _Names(), _Editors(), _Slot()

# The record's plain text slots (TEXT_SLOTS) as the engine's rules, their tags from TAG_SLOTS:
# read by the reader, written by the writer under the first tag, in this order (its language
# near the end of a record, after the keywords, as Zotero and EndNote write LA).
SLOT_RULES: tuple[Rule, ...] = tuple(Rule(slot, tags_for(slot), SLOT) for slot in TEXT_SLOTS if slot != "language")
LANGUAGE_RULES: tuple[Rule, ...] = (Rule("language", tags_for("language"), SLOT),)


@functools.cache
def rules_for(ty: str) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    """VARIABLE_TAGS as the engine's rules for RIS type ``ty``: (the name rules, the text rules),
    in the order of each variable's first tag."""
    names: list[Rule] = []
    texts: list[Rule] = []
    done: set[str] = set()
    for tag in VARIABLE_TAGS:
        variable = variable_for(tag, ty)
        if variable is None or variable in done:
            continue
        done.add(variable)
        if variable == "editor":
            names.append(Rule(variable, tags_of(variable, ty), EDITORS))
        elif variable in NAME_VARIABLES:
            names.append(Rule(variable, tags_of(variable, ty), NAMES))
        elif variable in VARIABLES:
            texts.append(Rule(variable, tags_of(variable, ty), GENRE if variable == "genre" else TEXT))
    return tuple(names), tuple(texts)


# Every variable some RIS type carries (the writer reports the others, and these where the
# record's type has no tag for them, as dropped).
MAP_VARIABLES = frozenset(v for rules in VARIABLE_TAGS.values() for v in rules.values() if v and v != "editor")

# TY opens a record (its value read through RIS_TO_CSL) and ER closes it.
STRUCTURE_TAGS = ("TY", "ER")

# rispy's tags (rispy.TAG_KEY_MAPPING) that neither TAG_SLOTS nor VARIABLE_TAGS maps for any
# type, and why: they stay in extras[Extra("ris", TAG)] and the RIS writer puts them back. (Tags
# VARIABLE_TAGS maps for some types only stay in extras for the others.)
KEPT_TAGS: dict[str, str] = {
    "C4": "type-dependent custom field whose uses (Zotero: genre of a film, words-by, attorney) overlap other tags",
    "C7": "custom field: a journal article's article number (ARTICLE_NUMBER_TYS, read as its number); no "
          "established use for other types (spec: PMCID for e-books)",
    "C8": "custom field with no established use",
    "CA": "caption (of a figure): no CSL variable",
    "L2": "link to the full text: an attachment (also searched for a DOI)",
    "L4": "link to a figure or image: an attachment",
    "LB": "the user's label; CSL citation-label is a processor variable the record does not keep",
    "M2": "Zotero reads it as 'extra' (free text); no CSL variable",
    "RP": "reprint status ('Not In File', 'On Request'): no CSL variable",
    "TA": "translated author: CSL has no name variable for it",
    "TT": "translated title: CSL has no variable for it",
    "UK": "rispy's bucket for unknown tags, not a tag",
}

# every tag refconv knows: a line that looks like one of these without being a tag line is said
KNOWN_TAGS = frozenset(TAG_SLOTS) | frozenset(VARIABLE_TAGS) | frozenset(KEPT_TAGS) - {"UK"} | frozenset(STRUCTURE_TAGS)
