"""Fields pandoc (-f biblatex -t csljson) writes and refconv lost: found by the pandoc oracle
(tests/test_against_pandoc.py), each checked here on a small input."""

from __future__ import annotations

import json

import converters


def _csl(text: str) -> dict:
    records = converters.loads(text, "bibtex").records
    return {item["id"]: item for item in json.loads(converters.dumps(records, "csl-json"))}


def test_booksubtitle_and_booktitleaddon_are_joined_into_the_container_title():
    # crossref_entries.bib cr7: pandoc "Book title: Book subtitle. Book titleaddon"
    csl = _csl("@incollection{a, title = {Chapter}, booktitle = {Book Title}, booksubtitle = {Book Subtitle},"
               " booktitleaddon = {Book Titleaddon}, year = 2000}")
    assert csl["a"]["container-title"] == "Book title: Book subtitle. Book titleaddon"  # (CSL's sentence case)


def test_a_crossref_parents_subtitle_reaches_the_childs_container_title():
    csl = _csl("@collection{p, title = {Space and Beyond}, subtitle = {The Frontier Theme}, year = 2000}\n"
               "@incollection{c, title = {Chapter}, crossref = {p}}")
    assert csl["c"]["container-title"] == "Space and beyond: The frontier theme"


def test_journalsubtitle_is_joined_into_the_journal_title():
    csl = _csl("@article{a, title = {T}, journaltitle = {Journal}, journalsubtitle = {Its Subtitle}, year = 2000}")
    assert csl["a"]["container-title"] == "Journal: Its Subtitle"


def test_joined_container_parts_are_not_written_twice_to_biblatex():
    records = converters.loads("@incollection{a, title = {C}, booktitle = {B}, booksubtitle = {S}, year = 2000}",
                               "bibtex").records
    out = converters.dumps(records, "biblatex")
    again = converters.loads(out, "bibtex").records
    assert out.count("{S}") + out.count("S}") >= 1 and "booksubtitle" not in out.lower()
    assert again[0].container_title == records[0].container_title


def test_organization_is_the_publisher_of_a_manual_without_one():
    # xampl.bib manual-full: pandoc writes publisher "Chips-R-Us"
    csl = _csl("@manual{m, title = {Manual}, organization = {Chips-R-Us}, year = 1986}\n"
               "@manual{n, title = {Manual}, organization = {Org}, publisher = {Pub}, year = 1986}")
    assert csl["m"]["publisher"] == "Chips-R-Us"
    assert csl["n"]["publisher"] == "Pub"


def test_a_crossref_child_inherits_a_parents_undefined_string_by_its_name():
    # archaeologie-examples.bib EAOR-01..07 crossref EAOR, whose `publisher = EQ` names an
    # @string never defined: the children had an empty publisher, not the name as the parent
    csl = _csl("@book{c, title = {Roma}, crossref = {p}}\n"
               "@mvbook{p, title = {Epigrafia}, publisher = EQ, location = Rome, year = 1988}")
    assert (csl["p"]["publisher"], csl["p"]["publisher-place"]) == ("EQ", "Rome")
    assert (csl["c"]["publisher"], csl["c"]["publisher-place"]) == ("EQ", "Rome")


def test_a_negative_kern_inside_a_word_leaves_the_word_whole():
    # tugboat.bib Anonymous:TB33-3-324: "Les Cahiers GUT\kern-.03emenberg", pandoc "GUTenberg"
    csl = _csl('@article{a, title = "{Les Cahiers GUT\\kern-.03emenberg}", year = 2011}')
    assert "GUTenberg" in csl["a"]["title"] and "kern" not in csl["a"]["title"]
