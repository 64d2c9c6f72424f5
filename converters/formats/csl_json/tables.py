"""CSL-JSON vocabulary as data: variables by kind (from csl-data.json) and type aliases."""

from __future__ import annotations

import re

# The schema's item keys (except id, type, custom): what a "csl:" extra may be written
# back to. tests/test_csl_json_reader.py checks these sets against the schema.
NAME_VARIABLES = frozenset(
    """author chair collection-editor compiler composer container-author contributor curator director
    editor editorial-director executive-producer guest host interviewer illustrator narrator organizer
    original-author performer producer recipient reviewed-author script-writer series-creator
    translator""".split()
)
DATE_VARIABLES = frozenset("accessed available-date event-date issued original-date submitted".split())
ARRAY_VARIABLES = frozenset({"categories"})  # arrays of strings
TEXT_VARIABLES = frozenset(
    """DOI ISBN ISSN PMCID PMID URL abstract annote archive archive-place archive_collection
    archive_location authority call-number chapter-number citation-key citation-label citation-number
    collection-number collection-title container-title container-title-short dimensions division edition
    event event-place event-title first-reference-note-number genre issue journalAbbreviation jurisdiction
    keyword language locator medium note number number-of-pages number-of-volumes original-publisher
    original-publisher-place original-title page page-first part part-title printing publisher
    publisher-place references reviewed-genre reviewed-title scale section shortTitle source status
    supplement title title-short version volume volume-title volume-title-short year-suffix""".split()
)  # strings (some also numbers)
CSL_VARIABLES = NAME_VARIABLES | DATE_VARIABLES | ARRAY_VARIABLES | TEXT_VARIABLES

# The record's plain text slots and their CSL variables: read by the reader, written by the
# writer, in this order (the record's own fields, not its maps: csl.py).
SLOT_VARIABLES: tuple[tuple[str, str], ...] = (
    ("publisher", "publisher"), ("publisher_place", "publisher-place"), ("volume", "volume"), ("issue", "issue"),
    ("pages", "page"), ("edition", "edition"), ("language", "language"))

# A name of its own that is the list's "et al." (pandoc writes BibTeX's "and others" as {"literal": "others"})
ETAL = re.compile(r"^(?:et\.?\s*al\.?|others)$", re.IGNORECASE)
# citeproc-js's reading of a given name (pandoc's too): what follows its first comma is the
# suffix ("Martin Luther, Jr."), "," + "!" asks for a comma before it
_GIVEN_SUFFIX = re.compile(r"\s*,(!*)\s*")


def suffix_in_given(given: str) -> tuple[str | None, str | None, bool, bool]:
    """(given, suffix, comma-suffix, et al.) of a CSL given name as processors split it; "et al."
    after the comma is the list's et al., not a suffix. The reader reads names so; the writer
    keeps a name it would change whole (parse-names: false)."""
    match = _GIVEN_SUFFIX.search(given)
    if match is None or not given[match.end():].strip():
        return given, None, False, False
    before, after = given[:match.start()].strip() or None, given[match.end():].strip()
    if ETAL.match(after):
        return before, None, False, True
    return before, after, len(match[1]) == 1, False


def unquoted(family: str | None) -> tuple[str | None, bool]:
    """A family name in double quotes is citeproc-js's "take it as it is" (no particle in it)."""
    if family and len(family) > 2 and family[0] == family[-1] == '"':
        return family[1:-1].strip() or None, True
    return family, False


# citeproc's "\-" in a page: a hyphen that is no range ("3\-B"). The record holds it as a
# non-breaking hyphen, which no writer takes for a range either (JATS fpage, RIS SP, biblatex)
ESCAPED_HYPHEN, NON_RANGE_HYPHEN = "\\-", "\u2011"

# Title-like variables of the record's maps: CSL rich text (Syntax.HTML), as "title" and
# "container-title" are; the other text and number variables are plain text.
RICH_TEXT_VARIABLES = frozenset(
    """collection-title container-title-short event event-title original-title part-title reviewed-title
    title-short volume-title volume-title-short""".split()
)

# Name-object keys the schema allows, and what their values may be.
NAME_KEYS = frozenset(
    "family given dropping-particle non-dropping-particle suffix literal comma-suffix static-ordering "
    "parse-names".split()
)
DATE_KEYS = frozenset("date-parts season circa literal raw".split())

# Item types met in the wild that are not CSL types -> the nearest CSL type. Crossref's
# own vocabulary appears in CSL from some tools; "preprint" is CSL 1.1's name.
TYPE_ALIASES: dict[str, str] = {
    "preprint": "article",
    "posted-content": "article",
    "working-paper": "article",
    "journal-article": "article-journal",
    "journal_article": "article-journal",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "proceedings-article": "paper-conference",
    "conference-paper": "paper-conference",
    "dissertation": "thesis",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "reference-entry": "entry",
    "report-series": "report",
    "journal": "periodical",
    "proceedings": "book",
    "web": "webpage",
    "website": "webpage",
    "data": "dataset",
    "computer-program": "software",
    "blog-post": "post-weblog",
    "newspaper-article": "article-newspaper",
    "magazine-article": "article-magazine",
    "audio": "song",
    "video": "motion_picture",
    "film": "motion_picture",
    "case": "legal_case",
    "statute": "legislation",
}
DEFAULT_TYPE = "document"


# The note-field convention (citeproc-js, pandoc, Zotero's Extra): "variable: value" lines opening
# a note are the variables the item lacks, until the first line of another shape (prose)
NOTE_VARIABLE = re.compile(r"^\s*([A-Za-z][A-Za-z_-]*)\s*:\s*(\S.*?)\s*$")
NOT_FROM_NOTE = frozenset({"type", "note", "citation-key", "id", "categories", "citation-label",
                           "citation-number", "first-reference-note-number", "locator", "year-suffix"})


def note_lines(note: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The note's opening "name: value" lines as (line, name, value), and the lines after them."""
    lines = note.split("\n")
    opening = []
    for line in lines:
        match = NOTE_VARIABLE.match(line)
        if match is None:
            break
        opening.append((line, match[1], match[2]))
    return opening, lines[len(opening):]


def from_note(name: str, item: dict) -> bool:
    """A note line's name is a variable the item lacks, which the line gives."""
    return name in CSL_VARIABLES and name not in NOT_FROM_NOTE and item.get(name) in (None, "", [])
