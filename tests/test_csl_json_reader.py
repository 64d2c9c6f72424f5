"""The CSL-JSON reader: producers' shapes on hand-checked fixtures, positions, failure
recovery, the shared corpus (counts, schema-valid output, stable round trips) and
round trips through the writer."""

from __future__ import annotations

import json
import string
from dataclasses import fields, replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import converters
from converters import csl
from converters.extras import Extra, Kind, text_keyed
from converters.formats.csl_json import reader as csl_reader
from converters.formats.csl_json import tables
from converters.model import CSL_TYPES, Date, Identifiers, Name, Record, Syntax, Text
from converters.text.markup import spans, to_plain

from .shared import SHARED, shared_files, shared_path
from .strategies import date, doi, records, word, words
from .strategies import name as any_name
from .validators import assert_valid_csl

FIXTURES = Path(__file__).parent / "fixtures" / "csl"
DIVERGENCES = Path(__file__).parent / "known_divergences" / "csl.json"


def load(name: str) -> converters.Result:
    return converters.load(FIXTURES / name, format="csl-json")


def read(text: str) -> converters.Result:
    return converters.loads(text, "csl-json")


def where(result) -> list[tuple]:
    return [(d.code, d.line) for d in result.diagnostics]


# --- what producers write ------------------------------------------------------------------


# Zotero writes its Extra field into the note, and citeproc-js and pandoc read "variable: value"
# lines there as the variables (the CSL test suite's variables_ContainerTitleShort2 and
# number_LimitOrdinalsToDayOne give theirs so): refconv kept them as a note only
def test_the_notes_variable_lines_are_the_variables_the_item_lacks():
    note = ("original-date: 1984-03-02\ntranslator: Garnett || Constance\ntranslator: Maude || Aylmer\n"
            "container-title: From the note\nissued: 1999\ntype: article\nstandard_id: doi:10.1/x\n"
            "event-date: 2004-10-01/2004-10-14\nPMID: 123\ncollection-editor: The Board\n"
            "This line is prose: it ends the variables\ngenre: stays prose")
    result = read(json.dumps([{"id": "a", "type": "book", "title": "T", "issued": {"date-parts": [[2000]]},
                               "note": note}]))
    (record,) = result.records
    assert record.dates["original-date"] == Date(1984, 3, 2)
    assert record.names["translator"] == (Name(family="Garnett", given="Constance"),
                                          Name(family="Maude", given="Aylmer"))
    assert record.names["collection-editor"] == (Name(literal="The Board"),)
    assert record.container_title.plain() == "From the note" and record.ids.pmid == "123"
    assert record.dates["event-date"] == Date(2004, 10, 1, end=Date(2004, 10, 14))
    assert (record.type, record.issued) == ("book", Date(2000))  # the item's own values win
    assert record.note.plain() == ("issued: 1999\ntype: article\nstandard_id: doi:10.1/x\n"
                                   "This line is prose: it ends the variables\ngenre: stays prose")
    (said,) = [d for d in result.diagnostics if d.code == "csl.note-variables"]
    assert "original-date, translator, container-title, event-date, PMID, collection-editor" in said.message


def test_a_note_that_would_read_back_as_variables_is_said_by_the_writer():
    diagnostics: list = []
    record = Record(type="book", title=Text("T"), note=Text("status: submitted to the journal\nmore"))
    text = converters.dumps([record], "csl-json", diagnostics=diagnostics)
    assert [(d.code, d.field) for d in diagnostics] == [("write.note-reads-as-variables", "note")]
    assert read(text).records[0].variables["status"].plain() == "submitted to the journal"
    diagnostics.clear()
    converters.dumps([replace(record, note=Text("Status: submitted"))], "csl-json", diagnostics=diagnostics)
    assert diagnostics == []  # (no variable is spelt so)


def test_a_note_of_variables_only_is_no_note():
    (record,) = read(json.dumps([{"id": "a", "type": "post-weblog", "title": "T", "note":
                                  "reviewed-title: Decrease\ngenre: Peer commentary\nreviewed-author: Hall || W.C."}]))
    assert record.note is None and record.variables["genre"].plain() == "Peer commentary"
    assert record.names["reviewed-author"] == (Name(family="Hall", given="W.C."),)
    assert record.variables["reviewed-title"].plain() == "Decrease"



def test_crossref_shapes():
    result = load("crossref-shapes.json")
    assert result.diagnostics == []
    (record,) = result
    assert record.key == "crossref-deep-review" and record.type == "article-journal"
    assert record.title == Text("Opportunities and obstacles for deep learning in biology and medicine", Syntax.HTML)
    assert record.container_title == Text("Journal of The Royal Society Interface", Syntax.HTML)  # a list
    assert record.authors == (Name(family="Ching", given="Travers", affiliation=("University of Hawaii",),
                                   orcid="0000-0002-5577-3516"),  # Crossref's ORCID URL: the bare iD
                              Name(family="Himmelstein", given="Daniel S."),
                              Name(literal="The Deep Review Consortium"))  # Crossref's "name" for organisations
    assert record.issued == Date(2018, 4)
    assert (record.volume, record.issue, record.pages) == ("15", "141", "20170387")  # a number becomes text
    assert record.ids == Identifiers(doi=("10.1098/rsif.2017.0387",), url="http://dx.doi.org/10.1098/rsif.2017.0387",
                                     issn=("1742-5689", "1742-5662"))
    # the name keys the record has no place for
    meta = json.loads(record.extras[Extra("csl", "author", Kind.NAME_META)])
    assert meta == [{"authenticated-orcid": False, "sequence": "first"}, {"sequence": "additional"},
                    {"sequence": "additional"}]  # an empty affiliation list says nothing
    assert record.variables == {"source": Text("Crossref")}
    assert json.loads(record.extras[Extra("csl", "indexed")])["timestamp"] == 1533616957929
    assert Extra("csl", "original-title") not in record.extras  # an empty list says nothing


def test_crossref_item_written_back_is_schema_valid_and_keeps_its_extras():
    (record,) = load("crossref-shapes.json")
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert item["source"] == "Crossref"  # a CSL variable: back at the top level
    assert json.loads(item["custom"]["csl:indexed"])["date-time"] == "2018-08-07T04:42:37Z"  # not one: custom
    assert "original-title" not in item


def test_dates_as_producers_write_them():
    result = load("dates-as-producers-write-them.json")
    issued = {r.key: r.issued for r in result}
    assert issued == {
        "strings": Date(2017, 7, 7), "empty": None, "null": None, "raw": Date(2005, 12, 15),
        "literal": Date(literal="(in press)"), "season": Date(2000, season=3),
        "circa": Date(2005, 12, 15, circa=True), "range": Date(1999, 1, 2, end=Date(1999, 1, 4)),
        "season-range": Date(1999, season=1, end=Date(2001, season=2)), "excess": Date(2018, 10, 21),
        "edtf-string": Date(2019, 3, circa=True),
    }
    assert result[-1].accessed == Date(2021, 1, 19)
    excess = result[9]
    # what the model cannot hold
    assert text_keyed(excess.extras) == {"csl:issued": '{"date-parts": [[2018, 10, 21, 13]]}'}
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [("csl.date", 11, 36)]


@pytest.mark.parametrize(("value", "expected"), [
    ({"date-parts": [[2024, 12, 17]]}, (Date(2024, 12, 17), True)),
    ({"date-parts": [["2001", "12"]]}, (Date(2001, 12), True)),
    ({"date-parts": [[1987], [0]]}, (Date(1987, end=Date(0)), True)),  # an open range
    ({"date-parts": [[2000, 22]]}, (Date(2000, season=2), True)),
    ({"date-parts": [[2000]], "season": "Winter"}, (Date(2000, season=4), True)),
    ({"date-parts": [["2013", 1, 30]], "season": "22:56:08"}, (Date(2013, 1, 30), False)),
    ({"date-parts": [[2005, 13, 1]]}, (Date(2005), False)),
    ({"date-parts": [[2021, 2, 30]]}, (Date(2021, 2), False)),
    ({"date-parts": [["", "", ""]]}, (None, True)),
    ({"date-parts": [], "raw": "Bogus Date"}, (Date(literal="Bogus Date"), True)),
    ({"raw": "1999/2001"}, (Date(1999, end=Date(2001)), True)),
    ({"date-parts": [[1999]], "raw": "1999"}, (Date(1999), False)),  # both: the original is kept
    ("2019-03-04", (Date(2019, 3, 4), True)),
    (2019, (Date(2019), True)),
    ({"date-time": "2018-08-07T04:42:37Z"}, (None, False)),
])
def test_csl_dates(value, expected):
    date, complete, _ = csl_reader.parse_date(value)
    assert (date, complete) == expected


@pytest.mark.parametrize(("parts", "expected"), [
    ([2020, "x", 5], (Date(2020), False, "date part 'x' is not a number")),
    ([2020, 5, "y"], (Date(2020, 5), False, "date part 'y' is not a number")),
    (["x", 3], (None, False, "date part 'x' is not a number")),
])
def test_a_date_part_that_is_no_number_ends_the_date_there(parts, expected):
    assert csl_reader.parse_date({"date-parts": [parts]}) == expected


@pytest.mark.parametrize(("raw", "date"), [
    ("2020-02-29", Date(2020, 2, 29)),
    ("2020-02-30", Date(literal="2020-02-30")),  # no such day: kept as written
    ("2021-22", Date(2021, season=2)),
    ("2021-22-01", Date(literal="2021-22-01")),  # a season has no day
])
def test_raw_dates_with_a_day_that_does_not_exist_are_kept_as_written(raw, date):
    assert csl_reader.parse_date({"raw": raw}) == (date, True, None)


@pytest.mark.parametrize("wrapper", ["items", "references"])
def test_items_wrapped_in_an_object_are_read_with_a_warning(wrapper):
    result = read(json.dumps({wrapper: [{"id": "a", "type": "book", "title": "A"},
                                        {"id": "b", "type": "book", "title": "B"}]}))
    assert [r.key for r in result.records] == ["a", "b"]
    assert [d.code for d in result.diagnostics] == ["csl.wrapped"]


def test_names_particles_literal_suffix_and_parse_names():
    result = load("names-particles-literal-suffix-parse-names.json")
    (record,) = result
    assert record.authors == (
        Name(family="Beethoven", given="Ludwig", dropping_particle="van"),
        Name(family="Gogh", given="Vincent", non_dropping_particle="van"),
        Name(family="Fontaine", given="Jean", non_dropping_particle="de la"),  # parse-names: true
        Name(family="King", given="Martin Luther", suffix="Jr."),
        Name(literal="World Health Organization"),
        Name(family="Doe"),
    )
    assert record.authors_etal  # {"literal": "et al."}
    assert json.loads(record.extras[Extra("csl", "author", Kind.NAME_META)])[3] == {"comma-suffix": True}
    assert record.editors == (Name(given="Cher"),)
    # an empty name: the list is kept
    assert json.loads(record.extras[Extra("csl", "editor")]) == [{"given": "Cher"}, {}]
    assert where(result) == [("csl.name", 14)]


def test_particles_are_not_parsed_unless_asked():
    (record,) = read('[{"id": "a", "type": "book", "author": [{"family": "de la Fontaine", "given": "Jean"}]}]')
    assert record.authors == (Name(family="de la Fontaine", given="Jean"),)


# citeproc-js and pandoc read what follows a comma in a given name as the suffix ("Martin Luther,
# Jr."), ",!" as a suffix after a comma, and a family name
# in double quotes as one to take as it is; refconv wrote "Doe, {John,! Jr.}" and '"van Happel", Eduard'
def _authors(item_names: str):
    result = read(f'[{{"id": "a", "type": "book", "title": "T", "author": [{item_names}]}}]')
    (record,) = result
    meta = record.extras.get(Extra("csl", "author", Kind.NAME_META))
    return record, (json.loads(meta) if meta else None), result.diagnostics


def test_a_comma_in_a_given_name_sets_the_suffix_as_processors_read_it():
    record, meta, diagnostics = _authors('{"family": "King", "given": "Martin Luther, Jr."}, '
                                         '{"family": "Doe", "given": "John,! III"}')
    assert record.authors == (Name(family="King", given="Martin Luther", suffix="Jr."),
                              Name(family="Doe", given="John", suffix="III"))
    assert meta == [{}, {"comma-suffix": True}]
    (info,) = [d for d in diagnostics if d.code == "csl.name-suffix"]
    assert "'Martin Luther, Jr.' read as given 'Martin Luther' and suffix 'Jr.'" in info.message
    assert "(and 1 more)" in info.message and info.line == 1


def test_et_al_after_a_comma_in_a_given_name_is_the_lists_et_al():
    record, _, _ = _authors('{"family": "Smith", "given": "Ann"}, {"family": "Roe", "given": "Bo, et al."}')
    assert record.authors == (Name(family="Smith", given="Ann"), Name(family="Roe", given="Bo"))
    assert record.authors_etal


def test_a_person_whose_family_name_reads_like_et_al_is_a_person():
    # {"family": "Others", "given": "Sam"} was taken for "and others" and dropped without a word
    record, _, _ = _authors('{"family": "Others", "given": "Sam"}, {"literal": "others"}')
    assert record.authors == (Name(family="Others", given="Sam"),)
    assert record.authors_etal


def test_a_given_name_is_left_whole_when_the_item_says_so_or_has_a_suffix():
    record, meta, diagnostics = _authors('{"family": "Doe", "given": "John, Jr.", "parse-names": false}, '
                                         '{"family": "Roe", "given": "Jo, Jr.", "suffix": "III"}, '
                                         '{"family": "Poe", "given": "Ed,"}')
    assert record.authors == (Name(family="Doe", given="John, Jr."), Name(family="Roe", given="Jo, Jr.", suffix="III"),
                              Name(family="Poe", given="Ed,"))
    assert meta == [{"parse-names": False}, {}, {}]  # kept, so processors leave it whole too
    assert "csl.name-suffix" not in [d.code for d in diagnostics]


def test_a_family_name_in_double_quotes_is_the_name_as_written():
    record, meta, _ = _authors('{"family": "\\"van Happel\\"", "given": "Eduard"}, '
                               '{"family": "\\"de la Fontaine\\"", "given": "Jean", "parse-names": true}')
    assert record.authors == (Name(family="van Happel", given="Eduard"), Name(family="de la Fontaine", given="Jean"))
    assert meta == [{"parse-names": False}, {"parse-names": False}]
    bibtex = converters.dumps([record], "bibtex")
    assert "author = {{van Happel}, Eduard and {de la Fontaine}, Jean}" in bibtex
    again = json.loads(converters.dumps([record], "csl-json"))[0]["author"]
    assert again == [{"family": "van Happel", "given": "Eduard", "parse-names": False},
                     {"family": "de la Fontaine", "given": "Jean", "parse-names": False}]


def test_a_given_name_holding_a_comma_from_elsewhere_is_written_for_processors_to_leave_whole():
    (record,) = converters.loads("@book{a, author = {Doe, {John, Jr.}}, title = {T}}", "bibtex")
    (item,) = json.loads(converters.dumps([record], "csl-json"))
    assert item["author"] == [{"family": "Doe", "given": "John, Jr.", "parse-names": False}]
    (back,) = read(json.dumps([item]))
    assert back.authors == record.authors


_NAME_PART = st.text(alphabet=string.ascii_letters[:6] + ' ,!"', min_size=1, max_size=10).filter(
    lambda s: s.strip() == s)
_ANY_PERSON = st.builds(Name, family=_NAME_PART, given=st.one_of(st.none(), _NAME_PART),
                        suffix=st.one_of(st.none(), _NAME_PART))


@given(st.lists(_ANY_PERSON, min_size=1, max_size=3))
def test_a_name_comes_back_from_csl_json_whatever_processors_would_read_into_it(names):
    record = Record(title=Text("T"), authors=tuple(names))
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    (back,) = read(json.dumps([item]))
    assert back.authors == record.authors


@pytest.mark.skipif(not shared_files("corpus/csl", "magic_NameSuffixWithComma.json"),
                    reason="../shared/corpus/csl (the CSL test suite's inputs) is absent")
@pytest.mark.parametrize("case, written", [
    ("magic_NameSuffixWithComma", "author = {Doe, Jr., John}"),
    ("magic_NameSuffixNoComma", "author = {Doe, III, John}"),
    ("bugreports_parseName", "author = {{van Happel}, Eduard}"),
    ("name_ParticleCaps3", "author = {Van Dyke, Dick}"),
])
def test_the_csl_test_suites_name_markup_is_read_not_printed(case, written):
    (path,) = shared_files("corpus/csl", f"{case}.json")
    bibtex = converters.dumps(converters.load(path, "csl-json"), "bibtex")
    assert written in bibtex
    assert "!" not in bibtex and '"' not in bibtex


def test_types_outside_the_schema_are_mapped_to_the_nearest_and_warned():
    result = load("types-outside-the-schema.json")
    assert [(r.key, r.type, r.extras.get(Extra("csl", "", Kind.ENTRY_TYPE))) for r in result] == [
        ("preprint", "article", "preprint"), ("crossref", "article-journal", "journal-article"),
        ("unknown", "document", "hologram"), ("missing", "document", None), (None, "book", None)]
    assert where(result) == [("csl.type", 2), ("csl.type", 3), ("csl.type", 4), ("csl.no-type", 5),
                             ("csl.no-id", 6)]
    assert result.ok  # converted, with warnings
    items = assert_valid_csl(converters.dumps(result.records, "csl-json"))
    assert [i["type"] for i in items] == ["article", "article-journal", "document", "document", "book"]


def test_ndjson_single_object_and_yaml():
    assert [r.key for r in load("ndjson-one-item-per-line.ndjson")] == ["first", "second", "third"]
    assert [r.position.line for r in load("ndjson-one-item-per-line.ndjson")] == [1, 2, 4]
    (alone,) = load("single-object.json")
    assert (alone.key, alone.type, alone.publisher) == ("alone", "thesis", "University of Utrecht")
    pytest.importorskip("yaml")
    knuth, lamport = load("csl-yaml-references.yaml")
    assert knuth.issued == Date(1984, 5) and knuth.volume == "27" and knuth.position.line == 3
    assert lamport.issued == Date(1994) and lamport.position.line == 12


def test_yaml_that_is_no_list_of_items_is_an_error_not_an_exception():
    pytest.importorskip("yaml")
    assert [(e.code, e.line) for e in read("- &x [*x]\n").errors] == [("csl.syntax", 1)]
    assert [(e.code, e.line) for e in read("# only a comment\n").errors] == [("csl.not-json", 1)]
    assert [e.code for e in read("- !!binary aGVsbG8=\n").errors] == ["csl.not-an-item"]


def test_our_arxiv_preprint_reads_back_with_everything_custom_carries():
    (record,) = load("arxiv-preprint-as-our-writer-writes-it.json")
    assert record.key == "Balazs:2007 diphoton"  # custom original-key over the sanitised id
    assert record.type == "article" and record.publisher == "arXiv" and record.authors_etal
    assert record.ids == Identifiers(arxiv="0704.0001", arxiv_version=2, arxiv_class="hep-ph",
                                     doi=("10.1103/PhysRevD.76.013009",))  # arXiv DOI and URL are derived
    assert record.number == "ANL-HEP-PR-07-12"
    assert text_keyed(record.extras) == {"arxiv:journal-ref": "Phys.Rev.D76:013009,2007"}
    assert spans(record.title)[1] == ("nocase", "Tevatron")


def test_unknown_keys_go_to_extras_and_come_back_where_they_were():
    (record,) = load("unknown-keys-to-extras.json")
    assert text_keyed(record.extras) == {
        "csl:custom.metadata-double-checked": "true", "csl:custom.other-ids": '["alternative-id"]',
        "csl:categories": '["Sociology", "History"]',
        "csl:short_url": "https://doi.org/b2nz", "csl:reference-count": "555",
    }
    # CSL variables go to the record's maps, where every writer sees them
    assert record.variables == {"title-short": Text("Kept", Syntax.HTML)}
    assert record.names == {"translator": (Name(family="Weber", given="Max"),)}
    assert record.dates == {"original-date": Date(1905)}
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert item["translator"] == [{"family": "Weber", "given": "Max"}]
    assert item["original-date"] == {"date-parts": [[1905]]} and item["categories"] == ["Sociology", "History"]
    assert item["title-short"] == "Kept"
    assert item["custom"] == {"metadata-double-checked": True, "other-ids": ["alternative-id"],
                              "csl:short_url": "https://doi.org/b2nz", "csl:reference-count": "555"}


def test_a_csl_extra_without_a_schema_valid_shape_goes_to_custom():
    record = Record(type="book", key="k",
                    extras={Extra("csl", "translator"): "Max Weber", Extra("csl", "original-date"): "1905"})
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert "translator" not in item and "original-date" not in item
    assert item["custom"] == {"csl:translator": "Max Weber", "csl:original-date": "1905"}


def test_values_of_the_wrong_kind_are_kept_and_warned():
    text = '[{"id": "a", "type": "book", "title": {"x": 1}, "author": "Smith", "ISSN": ["1234-567X", 5]}]'
    result = read(text)
    (record,) = result
    assert record.title is None and record.authors == ()
    assert text_keyed(record.extras) == {"csl:title:raw": '{"x": 1}', "csl:author": "Smith",
                                         "csl:ISSN:raw": '["1234-567X", 5]'}
    assert [d.code for d in result.diagnostics] == ["csl.bad-value"] * 3
    assert_valid_csl(converters.dumps([record], "csl-json"))


def test_every_item_and_field_diagnostic_carries_a_line():
    text = ('[\n  {"id": "a", "type": "book"},\n  {"id": "b", "type": "book",\n'
            '   "issued": {"date-parts": [[2005, 13]]}}\n]')
    result = read(text)
    assert [r.position.line for r in result] == [2, 3]
    assert [(d.code, d.line, d.column, d.key) for d in result.diagnostics] == [("csl.date", 4, 4, "b")]


# --- failure recovery -------------------------------------------------------------------------

BEFORE = '  {"id": "before", "type": "book", "title": "Before"},\n'
AFTER = '  {"id": "after", "type": "book", "title": "After"}\n'


@pytest.mark.parametrize(("broken", "code", "line", "column"), [
    ('  {"id": "broken, "type": "book"},\n', "csl.syntax", 3, 20),
    ('  {"id": "broken" "type": "book"},\n', "csl.syntax", 3, 19),
    ('  {"id": "broken", "type" "book"},\n', "csl.syntax", 3, 27),
    ('  {"id": "broken", "type": "book",\n', "csl.syntax", 4, 3),
    ('  "just a string",\n', "csl.not-an-item", 3, 3),
    ('  [1, 2],\n', "csl.not-an-item", 3, 3),
], ids=["unclosed-string", "missing-comma-in-item", "missing-colon", "unclosed-object", "string-item", "list-item"])
def test_a_broken_item_costs_one_error_with_its_line_and_the_neighbours_convert(broken, code, line, column):
    result = read("[\n" + BEFORE + broken + AFTER + "]\n")
    assert [r.key for r in result] == ["before", "after"]
    assert [(e.code, e.line, e.column) for e in result.errors] == [(code, line, column)]
    assert result.failed == 1


def test_broken_ndjson_line_between_good_ones():
    result = read('{"id": "before", "type": "book"}\n{"id": "broken", "type": }\n{"id": "after", "type": "book"}\n')
    assert [r.key for r in result] == ["before", "after"]
    assert [(e.code, e.line, e.column, e.key) for e in result.errors] == [("csl.syntax", 2, 26, "broken")]


def test_invalid_json_is_one_error_with_line_and_column():
    result = read('[{"id": "a", "type": "book", "title": "x",}]')
    assert len(result) == 0
    assert [(e.code, e.line, e.column) for e in result.errors] == [("csl.syntax", 1, 43)]


def test_recoverable_slips_are_warnings():
    result = read('[\n  {"id": "a", "type": "book"}\n  {"id": "b", "type": "book"},\n]')
    assert [r.key for r in result] == ["a", "b"] and result.ok
    assert where(result) == [("csl.missing-comma", 3), ("csl.extra-comma", 3)]
    cut = read('[\n  {"id": "a", "type": "book"},\n')
    assert [r.key for r in cut] == ["a"] and [d.code for d in cut.diagnostics] == ["csl.unclosed"]


def test_not_json_at_all():
    result = read("@article{key, title={BibTeX}}")
    assert len(result) == 0 and [e.line for e in result.errors] == [1]


# --- the schema and the corpus ------------------------------------------------------------------


def test_variable_tables_match_the_schema():
    schema = json.loads(shared_path("schemas", "csl", "csl-data.json").read_text(encoding="utf-8"))
    properties = schema["items"]["properties"]
    assert tables.CSL_VARIABLES == set(properties) - {"id", "type", "custom"}
    assert tables.NAME_VARIABLES == {k for k, v in properties.items() if "name-variable" in json.dumps(v)}
    assert tables.DATE_VARIABLES == {k for k, v in properties.items() if "date-variable" in json.dumps(v)}
    assert set(properties["type"]["enum"]) == CSL_TYPES
    assert set(tables.TYPE_ALIASES.values()) <= CSL_TYPES


CORPUS = shared_files("corpus/csl", "*.json")


def _relative(path: Path) -> str:
    return str(path.relative_to(SHARED / "corpus" / "csl"))


@pytest.mark.skipif(not CORPUS, reason="../shared/corpus/csl is absent")
def test_corpus_reads_with_the_array_length_and_positioned_diagnostics():
    known = json.loads(DIVERGENCES.read_text(encoding="utf-8"))
    for path in CORPUS:
        result = converters.load(path, format="csl-json")
        assert all(d.line is not None for d in result.diagnostics), path
        data = json.loads(path.read_text(encoding="utf-8"))
        expected = len(data) if isinstance(data, list) else 1
        if _relative(path) in known:
            assert result.errors or len(result) != expected, f"stale entry {_relative(path)}"
            continue
        assert len(result) == expected, path
        assert not result.errors, [e.render() for e in result.errors]


@pytest.mark.skipif(not CORPUS, reason="../shared/corpus/csl is absent")
def test_corpus_written_by_our_writer_is_always_schema_valid():
    """Many corpus files are schema-invalid; what we write from them never is."""
    for path in CORPUS:
        records = converters.load(path, format="csl-json").records
        assert_valid_csl(converters.dumps(records, "csl-json"))


@pytest.mark.skipif(not CORPUS, reason="../shared/corpus/csl is absent")
def test_corpus_round_trips_through_our_writer():
    for path in CORPUS:
        first = converters.load(path, format="csl-json").records
        again = read(converters.dumps(first, "csl-json")).records
        for before, after in zip(first, again, strict=True):
            if before.key is None:
                after = after.evolve(key=None)  # the writer had to make an id up
            assert _comparable(after) == _comparable(before), (path, before.key)


# --- round trips through the writer --------------------------------------------------------------


def _comparable(record: Record) -> dict:
    """Every field; texts by their content (a plain title comes back as CSL rich text; an
    abstract is written as plain text, issue 11 item 8, so only its text comes back)."""
    out = {}
    for f in fields(Record):
        value = getattr(record, f.name)
        out[f.name] = spans(value) if isinstance(value, Text) else value
    if record.abstract is not None:
        out["abstract"] = to_plain(record.abstract)
    out.pop("position")
    out["extras"] = dict(record.extras)
    out["variables"] = {var: spans(text) for var, text in record.variables.items()}
    return out


_ORCID = st.builds(lambda n, check: f"0000-000{n // 10**8 % 10}-{n // 10**4 % 10**4:04d}-{n % 10**4 // 10:03d}{check}",
                   st.integers(0, 10**9 - 1), st.sampled_from("0123456789X"))
_DETAILS = st.fixed_dictionaries({}, optional={"orcid": _ORCID, "affiliation": st.lists(words, min_size=1, max_size=2)
                                                                               .map(tuple)})
_DETAILED_NAME = st.builds(lambda n, details: replace(n, **details), any_name, _DETAILS)
_VARIABLES = st.dictionaries(st.sampled_from(sorted(csl.VARIABLES)), words.map(Text), max_size=4)
_NAMES = st.dictionaries(st.sampled_from(sorted(csl.NAME_VARIABLES)),
                         st.lists(_DETAILED_NAME, min_size=1, max_size=3).map(tuple), max_size=3)
_DATES = st.dictionaries(st.sampled_from(sorted(csl.DATE_VARIABLES)), date, max_size=2)
_KEY = st.text(alphabet=string.ascii_letters + string.digits + ":-_ ", min_size=1, max_size=16).filter(str.strip)


@st.composite
def rich_records(draw) -> Record:
    """The shared strategies plus what only custom can carry: keys, et al., several DOIs,
    the arXiv version and class, a number beside the arXiv id, keywords and extras; and every
    other CSL variable (the record's maps), names with ORCID iDs and affiliations."""
    record = draw(records)
    ids = record.ids
    more_dois = tuple(draw(st.lists(doi, max_size=2)))
    ids = replace(ids, doi=tuple(dict.fromkeys(ids.doi + more_dois)))
    if ids.arxiv:
        ids = replace(ids, arxiv_version=draw(st.one_of(st.none(), st.integers(1, 9))),
                      arxiv_class=draw(st.sampled_from([None, "cs.CL", "hep-th", "math.CA"])))
    extras = draw(st.dictionaries(st.sampled_from([Extra("bibtex", "howpublished"), Extra("csl", "reference-count"),
                                                   Extra("arxiv", "comments")]),
                                  words, max_size=2))
    return record.evolve(
        key=draw(st.one_of(st.none(), _KEY)),
        authors=tuple(replace(n, **draw(_DETAILS)) for n in record.authors),
        authors_etal=draw(st.booleans()),
        variables=draw(_VARIABLES),
        names=draw(_NAMES),
        dates=draw(_DATES),
        number=draw(st.one_of(st.none(), word)),
        keywords=tuple(draw(st.lists(words, max_size=3))),
        ids=ids,
        extras=extras,
    )


@given(rich_records())
def test_round_trip_through_csl_json_keeps_everything(record):
    items = assert_valid_csl(converters.dumps([record], "csl-json"))
    result = read(json.dumps(items))
    assert result.ok and result.diagnostics == []
    (back,) = result
    if record.key is None:
        back = back.evolve(key=None)  # the writer made one up: CSL requires an id
    assert _comparable(back) == _comparable(record)


@given(rich_records())
def test_round_trip_through_ndjson(record):
    (back,) = read(converters.dumps([record, record], "csl-json", ndjson=True))[:1]
    assert back.ids == record.ids and back.authors == record.authors


# the abstract is written plain (Zotero shows tags literally) but CSL strings are read as rich
# text: "AT&amp;T" came back "AT&T" and a BibTeX abstract's "the <b> tag" came back bold
@pytest.mark.parametrize("abstract", ["We use the <b> tag, i.e. <i>x</i>", "AT&amp;T and &lt;", "a <p> element",
                                      "3<p_T<4 and x &gt y"])
def test_an_abstract_that_reads_as_markup_is_escaped_and_comes_back_as_written(abstract):
    record = Record(title=Text("T"), abstract=Text(abstract))
    (item,) = json.loads(converters.dumps([record], "csl-json"))
    (back,) = read(json.dumps([item]))
    assert back.abstract.plain() == abstract


@given(st.text(alphabet="<>&;/#bipx1 ", min_size=1, max_size=30).filter(str.strip))
def test_any_plain_abstract_round_trips(abstract):
    (back,) = read(converters.dumps([Record(title=Text("T"), abstract=Text(abstract))], "csl-json"))
    assert back.abstract.plain() == abstract


def test_listing_sample_round_trips_through_csl_json():
    original = converters.load(shared_path("samples", "arxiv-listing.txt")).records
    items = assert_valid_csl(converters.dumps(original, "csl-json"))
    back = read(json.dumps(items))
    assert back.ok and len(back) == len(original)
    for before, after in zip(original, back, strict=True):
        assert after.title.plain() == before.title.plain() if before.title else after.title is None
        for name in ("abstract", "note"):
            text = getattr(before, name)
            assert (getattr(after, name).plain() if text else None) == (text.plain() if text else None)
        for name in ("type", "authors", "authors_etal", "issued", "publisher", "ids", "keywords", "extras", "number"):
            assert getattr(after, name) == getattr(before, name), name


def test_an_arxiv_number_is_the_arxiv_id_of_any_item():
    """A journal article's "number": "arXiv:ID" (our writer's, Zotero's archive id) is its arXiv
    id, with the version and class our writer puts beside it, whatever its publisher."""
    item = {"id": "k", "type": "article-journal", "title": "T", "number": "arXiv:2101.00001", "version": "2",
            "custom": {"arxiv-primary-class": "cs.CL"}}
    (record,) = converters.loads(json.dumps([item]), "csl-json").records
    assert (record.ids.arxiv, record.ids.arxiv_version, record.ids.arxiv_class) == ("2101.00001", 2, "cs.CL")
    assert record.number is None and not record.extras and not record.variables
    report = {"id": "r", "type": "report", "title": "T", "number": "2101.00001"}  # no prefix: a report number
    (record,) = converters.loads(json.dumps([report]), "csl-json").records
    assert record.number == "2101.00001" and record.ids.arxiv is None


# citeproc-js reads <sc> as small caps beside the span form (the CSL test suite's textcase_ImplicitNocase
# writes it); read as text, the tags reached BibLaTeX and RIS as characters
@pytest.mark.parametrize("fmt, written", [("biblatex", r"title = {My \textsc{small caps} title}"),
                                          ("ris", "TI  - My small caps title"),
                                          ("csl-json", '"My <span style=\\"font-variant:small-caps;\\">small caps'
                                                       '</span> title"')])
def test_small_caps_written_sc_is_markup(fmt, written):
    result = converters.loads('[{"id": "a", "type": "book", "title": "My <sc>small caps</sc> title"}]', "csl-json")
    assert written in converters.dumps(result.records, fmt)


# Crossref's CSL-JSON (doi.org content negotiation) and PubMed's carry JATS, DataCite HTML paragraphs
@pytest.mark.parametrize("abstract, plain, tex", [
    ("<jats:title>Abstract</jats:title><jats:p>The <jats:italic>Sci-Hub</jats:italic> site has "
     "H<jats:sub>2</jats:sub>O.</jats:p><jats:p>Second.</jats:p>",
     "Abstract\n\nThe Sci-Hub site has H2O.\n\nSecond.", r"The \textit{Sci-Hub} site has H\textsubscript{2}O."),
    ('See <ext-link ext-link-type="uri" xlink:href="https://x.org">https://x.org</ext-link> now.',
     "See https://x.org now.", "See https://x.org now."),
    ("Dissertation.<br>This is my thesis.", "Dissertation.\nThis is my thesis.", "This is my thesis."),
    ("Maths stays: $x<p$ and $y>q$, 0.1<z<0.95.", "Maths stays: $x<p$ and $y>q$, 0.1<z<0.95.", "0.1<z<0.95"),
])
def test_jats_and_html_blocks_from_producers_are_markup(abstract, plain, tex):
    item = {"id": "a", "type": "article-journal", "title": "T", "abstract": abstract}
    [record] = converters.loads(json.dumps([item]), "csl-json").records
    assert record.abstract.plain() == plain
    assert tex in converters.dumps([record], "biblatex")


def test_affiliations_and_attachments_our_writer_put_in_custom_come_back_and_others_stay():
    from converters.model import Attachment, Record, Text

    record = Record(type="article-journal", title=Text("T"), affiliations=("MIT",),
                    attachments=(Attachment("/x.pdf", "Full Text PDF", "application/pdf"), Attachment("y.pdf")))
    diagnostics: list = []
    text = converters.dumps([record], "csl-json", diagnostics=diagnostics)
    assert {(d.code, d.field) for d in diagnostics} == {("write.moved", "affiliations"), ("write.moved", "attachments")}
    (back,) = converters.loads(text, "csl-json")
    assert (back.affiliations, back.attachments, back.extras) == (record.affiliations, record.attachments, {})
    foreign = '[{"id": "a", "type": "book", "custom": {"affiliations": "MIT", "attachments": [{"path": "x"}]}}]'
    (other,) = converters.loads(foreign, "csl-json")
    assert (other.affiliations, other.attachments) == ((), ())
    assert set(other.extras) == {Extra("csl", "affiliations", Kind.CUSTOM), Extra("csl", "attachments", Kind.CUSTOM)}


# citeproc's "\-" in a page is a hyphen that is no range ("3\-B"); refconv wrote BibTeX
# "3\textbackslash{}-B" and JATS <fpage>3\</fpage><lpage>B</lpage>
def test_an_escaped_hyphen_in_a_page_is_no_range_in_any_format():
    (record,) = read(r'[{"id": "a", "type": "article-journal", "title": "T", "container-title": "J", '
                     r'"page": "3\\-B"}, {"id": "b", "type": "article-journal", "page": "4-6"}]').records[:1]
    assert record.pages == "3\u2011B"
    assert json.loads(converters.dumps([record], "csl-json"))[0]["page"] == "3\\-B"
    jats = converters.dumps([record], "jats")
    assert "<fpage>3\u2011B</fpage>" in jats and "<lpage>" not in jats
    assert "SP  - 3\u2011B" in converters.dumps([record], "ris")
    for dialect in ("bibtex", "biblatex"):
        assert "\\" not in converters.dumps([record], dialect).split("pages = ")[1].split("\n")[0]
