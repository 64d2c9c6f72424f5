"""The CSL 1.0.2 variables (csl-data.json) and where the record keeps each one.

Data, so that it can be tested for totality against the CSL schema: every variable of
csl-data.json is in exactly one of the groups below. The record has a typed slot for the
most used variables (``SLOTS``) and typed maps, keyed by CSL name, for all the others
(``Record.variables``, ``Record.names``, ``Record.dates``).
"""

from __future__ import annotations

# CSL variable -> Record slot (``ids.<name>`` for identifiers)
SLOTS = {
    "type": "type", "citation-key": "key", "title": "title", "author": "authors", "editor": "editors",
    "issued": "issued", "accessed": "accessed", "abstract": "abstract", "note": "note",
    "container-title": "container_title", "publisher": "publisher", "publisher-place": "publisher_place",
    "volume": "volume", "issue": "issue", "page": "pages", "number": "number", "edition": "edition",
    "keyword": "keywords", "language": "language", "DOI": "ids.doi", "URL": "ids.url", "ISBN": "ids.isbn",
    "ISSN": "ids.issn", "PMID": "ids.pmid", "PMCID": "ids.pmcid",
}

# Standard (string) variables kept in Record.variables, as Text
TEXT_VARIABLES = frozenset("""
    annote archive archive_collection archive_location archive-place authority call-number
    collection-title container-title-short dimensions division event event-title event-place genre
    jurisdiction medium original-publisher original-publisher-place original-title part-title references
    reviewed-genre reviewed-title scale section source status title-short version volume-title
    volume-title-short
""".split())

# Number variables kept in Record.variables, as plain Text (CSL allows "2nd", "3-4")
NUMBER_VARIABLES = frozenset("""
    chapter-number collection-number number-of-pages number-of-volumes page-first part printing supplement
""".split())

# Name variables kept in Record.names
NAME_VARIABLES = frozenset("""
    chair collection-editor compiler composer container-author contributor curator director
    editorial-director executive-producer guest host interviewer illustrator narrator organizer
    original-author performer producer recipient reviewed-author script-writer series-creator translator
""".split())

# Date variables kept in Record.dates
DATE_VARIABLES = frozenset("available-date event-date original-date submitted".split())

# Not in the record's maps: the processor's own (a citeproc run sets them), the item's id
# in one CSL file, the legacy spellings readers turn into their CSL 1.0.2 names, and
# structures a reader keeps as they are (extras)
PROCESSOR_VARIABLES = frozenset(
    "citation-number citation-label first-reference-note-number locator year-suffix".split())
FILE_VARIABLES = frozenset({"id", "custom", "categories"})
LEGACY_NAMES = {"journalAbbreviation": "container-title-short", "shortTitle": "title-short"}

VARIABLES = TEXT_VARIABLES | NUMBER_VARIABLES  # the keys Record.variables takes
