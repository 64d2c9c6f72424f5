"""Two biblatex statements the BibTeX name and title syntax cannot make alone: an entry's
``useprefix`` option (whether a name's prefix drops: "Brandt, Ahasver von") and a
@periodical's ``issuetitle`` (one issue of the periodical). Both as pandoc reads them."""

from __future__ import annotations

import json

import pytest

import converters
from converters.model import Name, Record, Text

from .tex_tools import missing_programs, run_biber


def _read(text: str) -> Record:
    return converters.loads(text, "bibtex").records[0]


def _particles(record: Record) -> list[tuple[str | None, str | None]]:
    return [(n.dropping_particle, n.non_dropping_particle) for n in record.authors]


@pytest.mark.parametrize("options, expected", [
    ("", [(None, "von"), (None, "de")]),  # BibTeX's von part, as pandoc reads it without the option
    ("options = {useprefix=false},", [("von", None), ("de", None)]),
    ("options = {maxnames=3, useprefix = false},", [("von", None), ("de", None)]),
    ("options = {useprefix},", [(None, "von"), (None, "de")]),
    ("options = {useprefix=true},", [(None, "von"), (None, "de")]),
])
def test_the_entrys_useprefix_option_decides_whether_a_particle_drops(options, expected):
    record = _read(f"@book{{k, author = {{von Brandt, Ahasver and Ingrid de Geer}}, {options} title = {{T}}}}")
    assert _particles(record) == expected
    assert [n.family for n in record.authors] == ["Brandt", "Geer"]


def test_an_extended_name_stating_its_own_useprefix_keeps_it_against_the_entrys():
    record = _read("@book{k, options = {useprefix=false}, title = {T}, author = {"
                   "family=Gennep, given=Arnold, prefix=van, useprefix=true and "
                   "family=Goethe, given=Johann Wolfgang, prefix=von}}")
    assert _particles(record) == [(None, "van"), ("von", None)]


def test_the_option_reaches_every_name_list_of_the_entry():
    record = _read("@book{k, options = {useprefix=false}, title = {T}, editor = {van Dyk, Ann},"
                   " translator = {de la Cruz, Juan}}")
    assert record.editors[0].dropping_particle == "van"
    assert record.names["translator"][0].dropping_particle == "de la"


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_dropping_particle_is_written_with_useprefix_false_and_read_back_so(dialect):
    record = Record(type="book", key="k", title=Text("T"),
                    authors=(Name(family="Brandt", given="Ahasver", dropping_particle="von"),))
    out = converters.dumps([record], dialect)
    assert "author = {von Brandt, Ahasver}" in out and "options = {useprefix=false}" in out
    assert converters.loads(out, dialect).records[0].authors == record.authors


def test_useprefix_false_joins_the_options_the_input_had_and_is_not_written_twice():
    out = converters.dumps([_read("@book{k, options = {maxnames=2}, author = {Brandt, Ahasver von},"
                                  " title = {T}}").evolve(authors=(Name(family="Brandt", given="Ahasver",
                                                                        dropping_particle="von"),))], "biblatex")
    assert "options = {maxnames=2,useprefix=false}" in out
    again = converters.dumps(converters.loads(out, "biblatex").records, "biblatex")
    assert again.count("useprefix") == 1


def test_names_with_both_kinds_of_particle_report_the_one_that_cannot_come_back():
    record = Record(type="book", key="k", title=Text("T"), authors=(
        Name(family="Brandt", given="Ahasver", dropping_particle="von"),
        Name(family="Gogh", given="Vincent", non_dropping_particle="van")))
    diagnostics: list = []
    out = converters.dumps([record], "biblatex", diagnostics=diagnostics)
    assert "useprefix" not in out
    assert [d.message for d in diagnostics if "Brandt" in d.message and "non-dropping" in d.message], diagnostics


def test_a_name_with_both_particles_keeps_both_words():
    record = Record(type="book", key="k", title=Text("T"),
                    authors=(Name(family="Fontaine", given="Jean", dropping_particle="de",
                                  non_dropping_particle="la"),))
    out = converters.dumps([record], "bibtex")
    assert "author = {de la Fontaine, Jean}" in out


def test_a_periodicals_issuetitle_is_the_title_and_the_periodical_its_container():
    record = _read("@periodical{jcg, title = {Computers and Graphics}, issuetitle = {Semantic {3D} Media},"
                   " issuesubtitle = {Methods}, year = 2011, volume = 35, number = 4}")
    assert record.type == "periodical"
    assert record.title.value == "Semantic {3D} Media: Methods"
    assert record.container_title.value == "Computers and Graphics"
    assert record.issue == "4" and not record.extras


def test_a_periodical_without_an_issuetitle_is_the_periodical_itself():
    record = _read("@periodical{p, title = {Computers and Graphics}, year = 2011}")
    assert record.title.value == "Computers and Graphics" and record.container_title is None


def test_a_periodical_issue_comes_back_through_biblatex():
    record = _read("@periodical{jcg, title = {Computers and Graphics}, issuetitle = {Semantic Media},"
                   " year = 2011}")
    out = converters.dumps([record], "biblatex")
    assert "title = {Computers and Graphics}" in out and "issuetitle = {Semantic Media}" in out
    again = converters.loads(out, "biblatex").records[0]
    assert (again.type, again.title, again.container_title) == (record.type, record.title, record.container_title)


def test_classic_bibtex_keeps_a_periodical_issues_titles_and_reports_the_type():
    record = _read("@periodical{jcg, title = {Computers and Graphics}, issuetitle = {Semantic Media},"
                   " year = 2011}")
    diagnostics: list = []
    out = converters.dumps([record], "bibtex", diagnostics=diagnostics)  # no @periodical in BibTeX
    again = converters.loads(out, "bibtex").records[0]
    assert (again.title, again.container_title) == (record.title, record.container_title)
    assert [d for d in diagnostics if d.field == "type" and "periodical" in d.message], diagnostics


def test_a_csl_periodical_issue_is_written_as_a_biblatex_periodical_with_its_issuetitle():
    item = ('[{"id": "p", "type": "periodical", "title": "Semantic media", "container-title": "Computers and'
            ' Graphics", "issued": {"date-parts": [[2011]]}}]')
    out = converters.dumps(converters.loads(item, "csl-json").records, "biblatex")
    assert "@periodical{p," in out and "issuetitle = {Semantic media}" in out
    assert "title = {Computers and Graphics}" in out


@pytest.mark.skipif(bool(missing_programs()), reason="the real TeX tools are not installed")
def test_useprefix_and_issuetitle_as_written_pass_biber():
    records = converters.loads(
        "@book{b, author = {von Brandt, Ahasver}, options = {useprefix=false}, title = {T}, year = 1987}\n"
        "@periodical{jcg, title = {Computers and Graphics}, issuetitle = {Semantic Media}, year = 2011}\n",
        "bibtex").records
    run = run_biber(converters.dumps(records, "biblatex"))
    assert sorted(run.keys) == ["b", "jcg"] and not run.tool_errors and not run.latex_errors, run.log[-3000:]


def test_a_periodical_issues_title_is_sentence_cased_in_csl_and_the_periodicals_name_is_not():
    items = json.loads(converters.dumps(converters.loads(
        "@periodical{jcg, title = {Computers and Graphics}, issuetitle = {Semantic {3D} Media and Content},"
        " year = 2011, langid = {english}}\n"
        "@periodical{p, title = {Computers and Graphics}, year = 2011, langid = {english}}\n", "bibtex").records,
        "csl-json"))
    assert items[0]["title"] == 'Semantic <span class="nocase">3D</span> media and content'
    assert items[0]["container-title"] == "Computers and Graphics"
    assert items[1]["title"] == "Computers and Graphics"
