"""CSL's negative years (-100 is 101 BC, ISO 8601's -0100) through every format: before, BibTeX's
`year = {-100}`, RIS's PY and JATS's <year> read back as literal dates, and the JATS
iso-8601-date attribute lost the sign."""

from __future__ import annotations

import pytest

import converters
from converters.model import Date, Record, Text

from .tex_tools import missing_programs, run_biber

RECORD = Record(type="classic", key="plato", title=Text("Republic"), issued=Date(-380, 7, 13),
                dates={"original-date": Date(-100)})


def test_a_year_before_1_ad_is_written_in_iso_8601s_signed_four_digits():
    assert Date(-100, 7, 13).iso() == "-0100-07-13" and Date(-5).iso() == "-0005" and Date(800).iso() == "0800"


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "ris", "jats", "csl-json", "refconv-json"])
def test_a_year_before_1_ad_comes_back_from_every_format(fmt):
    diagnostics: list = []
    out = converters.dumps([RECORD], fmt, diagnostics=diagnostics)
    (again,) = converters.loads(out, fmt).records
    assert again.issued == RECORD.issued
    assert not [d for d in diagnostics if d.field == "issued"]


@pytest.mark.parametrize("fmt, written", [
    ("biblatex", "date = {-0380-07-13}"), ("ris", "DA  - -0380/07/13/"),
    ("jats", '<year iso-8601-date="-0380-07-13">-380</year>'), ("bibtex", "year = {-380}"),
])
def test_how_each_format_writes_it(fmt, written):
    assert written in converters.dumps([RECORD], fmt)


@pytest.mark.skipif(bool(missing_programs()), reason="the real TeX tools are not installed")
def test_biber_accepts_the_signed_date():
    run = run_biber(converters.dumps([RECORD], "biblatex"))
    assert run.keys == ["plato"] and not run.tool_errors and not run.latex_errors, run.log[-3000:]
