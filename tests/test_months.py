"""One month and season table (converters/text/months.py) for every reader and writer (issue 12:
BibTeX read French and German names, JATS French and Spanish; each read what the other did not)."""

from __future__ import annotations

import pytest

import converters
from converters.text.months import MACROS, MONTHS, SEASONS


@pytest.mark.parametrize(("spelling", "month"), [("janvier", 1), ("Februar", 2), ("märz", 3), ("abril", 4),
                                                 ("Sept.", 9), ("Oktober", 10), ("dic", 12), ("décembre", 12)])
def test_bibtex_and_jats_read_every_spelling_alike(spelling, month):
    bib = converters.loads(f"@article{{k, title = {{T}}, year = 2001, month = {{{spelling}}}}}", "bibtex")
    jats = converters.loads(f'<ref-list><ref id="k"><element-citation><source>T</source><year>2001</year>'
                            f"<month>{spelling}</month></element-citation></ref></ref-list>", "jats")
    assert bib.records[0].issued.month == jats.records[0].issued.month == month


def test_the_table_is_total_and_unambiguous():
    assert sorted(set(MONTHS.values())) == list(range(1, 13))
    assert all(MONTHS[macro] == number for number, macro in enumerate(MACROS, 1))
    assert set(SEASONS.values()) == {1, 2, 3, 4}


@pytest.mark.parametrize("season", ["Spring", "Summer", "Autumn", "Winter"])
def test_a_season_goes_round_bibtex(season):
    record = converters.loads(f"@article{{k, title = {{T}}, year = 2001, month = {{{season}}}}}", "bibtex").records[0]
    assert f"month = {{{season}}}" in converters.dumps([record], "bibtex")
