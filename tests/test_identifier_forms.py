"""One book, one ISBN spelling, one journal, one ISSN spelling, whichever format it came from
(issue 12's single normalisation of identifiers: BibTeX and JATS kept them as written, RIS and
CSL-JSON compacted ISBNs)."""

from __future__ import annotations

import json

import pytest

import converters
from converters.text.ids import normalize_isbn, normalize_issn

SOURCES = {
    "bibtex": "@book{k, title = {T}, isbn = {%s}, issn = {%s}}",
    "ris": "TY  - BOOK\nTI  - T\nSN  - %s\nSN  - %s\nER  - \n",
    "csl-json": json.dumps([{"id": "k", "type": "book", "title": "T", "ISBN": "%s", "ISSN": "%s"}]),
    "jats": ('<ref-list><ref id="k"><element-citation publication-type="book"><source>T</source>'
             '<isbn>%s</isbn><issn>%s</issn></element-citation></ref></ref-list>'),
}


@pytest.mark.parametrize("fmt", SOURCES)
@pytest.mark.parametrize("isbn", ["0201134470", "0-201-13447-0", "0 201 13447 0", "978-0201134476"])
def test_every_reader_gives_one_isbn_and_issn_spelling(fmt, isbn):
    (record,) = converters.loads(SOURCES[fmt] % (isbn, "00368733"), fmt).records
    assert record.ids.isbn == (("978-0-201-13447-6",) if isbn.startswith("978") else ("0-201-13447-0",))
    assert record.ids.issn == ("0036-8733",)


def test_an_invalid_number_is_kept_as_given_and_flagged():
    assert normalize_isbn(" 3-540-52849-1 ") == ("3-540-52849-1", False)  # wrong check digit
    assert normalize_issn("1234-5678") == ("1234-5678", False)
    assert normalize_isbn("not an isbn") == ("not an isbn", False)
