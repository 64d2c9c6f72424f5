"""CSL-JSON -> record -> CSL-JSON keeps every variable of csl-data.json, each in its typed
place in the record (issue 12); legacy spellings; ORCID iDs and affiliations on names."""

from __future__ import annotations

import json

import pytest

import converters
from converters import csl
from converters.extras import Extra, Kind, text_keyed
from converters.formats.csl_json import writer as csl_writer
from converters.model import Date, Name, Record, Syntax, Text

from .shared import shared_path
from .validators import CSL_SCHEMA, assert_valid_csl

# values a producer would write, one per kind; numbers as JSON numbers where CSL allows them
_SEASON_DATE = {"date-parts": [[1999, 22]]}  # a season as month 21-24


def _schema_variables() -> list[str]:
    schema = json.loads(shared_path(*CSL_SCHEMA).read_text(encoding="utf-8"))
    return sorted(set(schema["items"]["properties"]) - {"id", "type", "custom"})


def _value(var: str, index: int):
    if var in csl.NAME_VARIABLES | {"author", "editor"}:
        return [{"family": f"Fam-{var}", "given": "Gwen", "non-dropping-particle": "van"},
                {"literal": f"{var} Society"}]
    if var in csl.DATE_VARIABLES | {"issued", "accessed"}:
        return {"date-parts": [[1800 + index, 1 + index % 12, 1 + index % 28]]}
    if var == "categories":
        return ["Sociology", "History"]
    return {"DOI": "10.1234/every.variable", "URL": "https://example.org/every",
            "ISSN": "1234-5679", "PMID": "12345678", "PMCID": "PMC1234567", "keyword": "alpha, beta",
            "language": "en-GB", "citation-number": 7, "ISBN": "978-3-16-148410-0", "first-reference-note-number": 3,
            "journalAbbreviation": "J. Every (legacy)", "shortTitle": "Every (legacy)",
            "title": "Every <i>variable</i> of CSL", "container-title-short": "J. <i>Every</i>",
            "number-of-pages": 412, "volume": 15, "original-title": "Jede <span class=\"nocase\">CSL</span>-Variable",
            "abstract": "An item that holds every variable.", "note": "A note & more"}.get(var, f"value of {var}")


@pytest.fixture(scope="module")
def every_variable_item() -> dict:
    item = {"id": "every", "type": "book"}
    for index, var in enumerate(_schema_variables()):
        item[var] = _value(var, index)
    del item["citation-key"]  # the id is the key here: written once (tests below cover citation-key)
    return item


def _read_one(item: dict) -> converters.Result:
    return converters.loads(json.dumps([item]), "csl-json")


def test_every_schema_variable_is_a_record_slot_a_map_entry_or_named_as_kept():
    """csl.py places every csl-data.json variable once (the map keys of the record)."""
    placed = [*csl.SLOTS, *csl.VARIABLES, *csl.NAME_VARIABLES, *csl.DATE_VARIABLES, *csl.PROCESSOR_VARIABLES,
              *(csl.FILE_VARIABLES - {"id", "custom"}), *csl.LEGACY_NAMES]
    assert sorted(placed) == sorted(set(placed)) == sorted({*_schema_variables(), "type"})


def test_every_variable_is_read_into_its_typed_place(every_variable_item):
    result = _read_one(every_variable_item)
    (record,) = result
    assert set(record.variables) == csl.VARIABLES
    assert set(record.names) == csl.NAME_VARIABLES
    assert set(record.dates) == csl.DATE_VARIABLES
    # only what CSL keeps outside the record's model: the processor's own, categories, and a legacy
    # spelling that differs from its CSL 1.0.2 one
    assert set(record.extras) == {Extra("csl", v) for v in csl.PROCESSOR_VARIABLES | {"categories", *csl.LEGACY_NAMES}}
    assert [d.code for d in result.diagnostics] == ["csl.legacy", "csl.legacy"]
    assert record.names["translator"] == (Name(family="Fam-translator", given="Gwen", non_dropping_particle="van"),
                                          Name(literal="translator Society"))
    assert record.variables["number-of-pages"] == Text("412")  # a number variable: its text
    assert record.variables["original-title"] == Text('Jede <span class="nocase">CSL</span>-Variable', Syntax.HTML)
    assert record.variables["archive"] == Text("value of archive")  # plain
    assert record.variables["container-title-short"] == Text("J. <i>Every</i>", Syntax.HTML)  # CSL 1.0.2 wins


def test_every_variable_comes_back_schema_valid_and_unchanged(every_variable_item):
    (record,) = _read_one(every_variable_item)
    diagnostics: list = []
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json", diagnostics=diagnostics))
    assert [d for d in diagnostics if d.code in ("write.lost", "write.moved")] == []
    numbers_as_text = {k: str(v) if isinstance(v, int) else v for k, v in every_variable_item.items()}
    assert item == numbers_as_text
    assert "custom" not in item  # nothing for which CSL has a variable is left there


def test_every_variable_survives_a_second_round_trip(every_variable_item):
    (first,) = _read_one(every_variable_item)
    (again,) = converters.loads(converters.dumps([first], "csl-json"), "csl-json")
    assert again == first


def test_zotero_target_with_every_variable_is_schema_valid(every_variable_item):
    (record,) = _read_one(every_variable_item)
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json", target="zotero"))
    assert item["translator"] == [{"family": "van Fam-translator", "given": "Gwen"}, {"family": "translator Society"}]
    assert item["original-date"] == every_variable_item["original-date"]


def test_a_record_variable_never_lands_in_custom():
    record = Record(type="report", key="r", variables={v: Text(f"v {v}") for v in csl.VARIABLES},
                    names={v: (Name(family="F"),) for v in csl.NAME_VARIABLES},
                    dates={v: Date(2001) for v in csl.DATE_VARIABLES})
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert "custom" not in item
    assert set(item) == {"id", "type"} | csl.VARIABLES | csl.NAME_VARIABLES | csl.DATE_VARIABLES
    assert csl_writer.WRITTEN_VARIABLES == csl.VARIABLES | csl.NAME_VARIABLES | csl.DATE_VARIABLES


def test_rich_text_variables_are_written_as_rich_text_and_the_others_plain():
    record = Record(type="book", key="k", variables={
        "title-short": Text("The {DNA} of $\\alpha$ & co", Syntax.BIBTEX),
        "archive_location": Text("Box <3> & shelf", Syntax.PLAIN),
    })
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert item["title-short"] == 'The <span class="nocase">DNA</span> of $\\alpha$ & co'
    assert item["archive_location"] == "Box <3> & shelf"


def test_the_citation_key_is_the_records_key_and_a_different_id_is_kept():
    result = _read_one({"id": "http://zotero.org/users/1/items/ABCD1234", "citation-key": "smith2020", "type": "book"})
    (record,) = result
    assert record.key == "smith2020" and text_keyed(record.extras) == {"csl:id": "http://zotero.org/users/1/items/ABCD1234"}
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert item["id"] == "smith2020" and "citation-key" not in item  # the id is the key: said once
    (again,) = converters.loads(json.dumps([item]), "csl-json")
    assert again == record


def test_a_key_made_unique_keeps_the_citation_key():
    records = [Record(type="book", key="dup"), Record(type="book", key="dup")]
    items = assert_valid_csl(converters.dumps(records, "csl-json"))
    assert [i["id"] for i in items] == ["dup", "dupa"] and [i.get("citation-key") for i in items] == [None, "dup"]
    assert [r.key for r in converters.loads(json.dumps(items), "csl-json")] == ["dup", "dup"]
    assert all(not r.extras for r in converters.loads(json.dumps(items), "csl-json"))


def test_a_season_and_a_range_in_a_date_variable():
    item = {"id": "d", "type": "event", "event-date": {"date-parts": [[2019, 6, 3], [2019, 6, 7]]},
            "original-date": _SEASON_DATE, "submitted": "2018-11~"}
    (record,) = _read_one(item)
    assert record.dates == {"event-date": Date(2019, 6, 3, end=Date(2019, 6, 7)), "original-date": Date(1999, season=2),
                            "submitted": Date(2018, 11, circa=True)}
    (back,) = converters.loads(converters.dumps([record], "csl-json"), "csl-json")
    assert back.dates == record.dates


def test_values_a_map_variable_cannot_use_are_kept_and_warned():
    item = {"id": "b", "type": "book", "archive": {"x": 1}, "translator": "Max Weber",
            "original-date": {"date-parts": [[1905, 13]]}}
    result = _read_one(item)
    (record,) = result
    assert record.variables == {} and record.names == {}
    assert record.dates == {"original-date": Date(1905)}
    assert text_keyed(record.extras) == {"csl:archive:raw": '{"x": 1}', "csl:translator": "Max Weber",
                             "csl:original-date": '{"date-parts": [[1905, 13]]}'}
    assert [d.code for d in result.diagnostics] == ["csl.bad-value", "csl.bad-value", "csl.date"]
    assert_valid_csl(converters.dumps([record], "csl-json"))


def test_et_al_in_a_name_variable_keeps_the_list_as_given():
    names = [{"family": "Weber", "given": "Max"}, {"literal": "et al."}]
    (record,) = _read_one({"id": "t", "type": "book", "translator": names})
    assert record.names == {"translator": (Name(family="Weber", given="Max"),)}
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert item["translator"] == [{"family": "Weber", "given": "Max"}]
    assert json.loads(item["custom"]["csl:translator"]) == names
    (again,) = converters.loads(json.dumps([item]), "csl-json")
    assert again == record


# --- legacy spellings --------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "variables", "extras", "codes"), [
    ({"journalAbbreviation": "J. Ex."}, {"container-title-short": "J. Ex."}, {}, []),
    ({"shortTitle": "Short"}, {"title-short": "Short"}, {}, []),
    ({"shortTitle": "Short", "title-short": "Short"}, {"title-short": "Short"}, {}, []),
    ({"journalAbbreviation": "Old", "container-title-short": "New"}, {"container-title-short": "New"},
     {"csl:journalAbbreviation": "Old"}, ["csl.legacy"]),
])
def test_legacy_names_become_their_csl_1_0_2_names(given, variables, extras, codes):
    result = _read_one({"id": "l", "type": "article-journal", **given})
    (record,) = result
    assert record.variables == {k: Text(v, Syntax.HTML) for k, v in variables.items()}
    assert text_keyed(record.extras) == extras
    assert [d.code for d in result.diagnostics] == codes
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert {k: item[k] for k in variables} == variables  # written under the CSL 1.0.2 name


def test_a_legacy_name_reaches_other_formats_under_its_csl_name():
    (record,) = _read_one({"id": "l", "type": "article-journal", "journalAbbreviation": "Phys. Rev."})
    diagnostics: list = []
    converters.dumps([record], "ris", diagnostics=diagnostics)
    assert Extra("csl", "journalAbbreviation") not in record.extras
    assert all(d.field != "journalAbbreviation" for d in diagnostics)


# --- ORCID and affiliation ---------------------------------------------------------------------


_DETAILED = [
    {"family": "Ching", "given": "Travers", "ORCID": "http://orcid.org/0000-0002-5577-3516",
     "authenticated-orcid": False, "sequence": "first", "affiliation": [{"name": "University of Hawaii"}]},
    {"family": "Doe", "given": "Jane", "orcid": "https://orcid.org/0000-0002-1825-009x", "affiliation": "MIT"},
    {"family": "Roe", "given": "Rick", "ORCID": "0000-0001-5109-3700", "affiliation": ["CERN", "EPFL"]},
    {"literal": "ATLAS Collaboration", "affiliation": [{"name": "CERN", "id": [{"id": "https://ror.org/01ggx4157"}]}]},
    {"family": "Poe", "given": "Edgar", "ORCID": "not an orcid"},
]


def test_orcid_and_affiliation_on_names_are_read_into_the_names():
    (record,) = _read_one({"id": "o", "type": "article-journal", "author": _DETAILED, "translator": _DETAILED[1:3]})
    assert record.authors == (
        Name(family="Ching", given="Travers", affiliation=("University of Hawaii",), orcid="0000-0002-5577-3516"),
        Name(family="Doe", given="Jane", affiliation=("MIT",), orcid="0000-0002-1825-009X"),
        Name(family="Roe", given="Rick", affiliation=("CERN", "EPFL"), orcid="0000-0001-5109-3700"),
        Name(literal="ATLAS Collaboration"),  # an affiliation with more than a name: kept as given
        Name(family="Poe", given="Edgar"),
    )
    assert json.loads(record.extras[Extra("csl", "author", Kind.NAME_META)]) == [
        {"authenticated-orcid": False, "sequence": "first"}, {}, {},
        {"affiliation": [{"name": "CERN", "id": [{"id": "https://ror.org/01ggx4157"}]}]}, {"ORCID": "not an orcid"}]
    assert record.names["translator"] == record.authors[1:3]
    assert Extra("csl", "translator", Kind.NAME_META) not in record.extras


def test_orcid_and_affiliation_round_trip_through_custom():
    (record,) = _read_one({"id": "o", "type": "article-journal", "author": _DETAILED, "translator": _DETAILED[1:3]})
    diagnostics: list = []
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json", diagnostics=diagnostics))
    assert all(set(n) <= {"family", "given", "literal"} for n in item["author"] + item["translator"])
    meta = item["custom"]["csl:author-meta"]
    assert meta[0] == {"authenticated-orcid": False, "sequence": "first",
                       "ORCID": "https://orcid.org/0000-0002-5577-3516",
                       "affiliation": [{"name": "University of Hawaii"}]}
    assert item["custom"]["csl:translator-meta"] == [
        {"ORCID": "https://orcid.org/0000-0002-1825-009X", "affiliation": [{"name": "MIT"}]},
        {"ORCID": "https://orcid.org/0000-0001-5109-3700", "affiliation": [{"name": "CERN"}, {"name": "EPFL"}]}]
    assert {(d.code, d.field) for d in diagnostics} == {("write.moved", "name affiliation"),
                                                        ("write.moved", "name orcid")}
    (again,) = converters.loads(json.dumps([item]), "csl-json")
    assert again == record
    (zotero,) = assert_valid_csl(converters.dumps([record], "csl-json", target="zotero"))
    assert zotero["custom"]["csl:author-meta"] == meta


def test_name_details_from_another_format_are_written_beside_the_names():
    record = Record(type="article", key="a", authors=(Name(family="A", orcid="0000-0002-1825-0097"), Name(given="B")),
                    editors=(Name(literal="Org", affiliation=("Somewhere",)),))
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert item["custom"] == {"csl:author-meta": [{"ORCID": "https://orcid.org/0000-0002-1825-0097"}, {}],
                              "csl:editor-meta": [{"affiliation": [{"name": "Somewhere"}]}]}
    (back,) = converters.loads(json.dumps([item]), "csl-json")
    assert back == record


def test_schema_name_keys_go_back_on_the_name_object():
    names = [{"family": "Doe", "given": "John", "suffix": "Jr.", "comma-suffix": True, "ORCID": "0000-0002-1825-0097"}]
    (record,) = _read_one({"id": "c", "type": "book", "author": names})
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert item["author"] == [{"family": "Doe", "given": "John", "suffix": "Jr.", "comma-suffix": True}]
    assert item["custom"]["csl:author-meta"] == [{"ORCID": "https://orcid.org/0000-0002-1825-0097"}]
    (again,) = converters.loads(json.dumps([item]), "csl-json")
    assert again == record


def test_meta_that_no_longer_lines_up_with_the_names_is_kept_not_applied():
    item = {"id": "m", "type": "book", "author": [{"family": "A"}, {"family": "B"}],
            "custom": {"csl:author-meta": [{"ORCID": "0000-0002-1825-0097"}]}}
    (record,) = _read_one(item)
    assert record.authors == (Name(family="A"), Name(family="B"))
    assert json.loads(record.extras[Extra("csl", "author", Kind.NAME_META)]) == [{"ORCID": "0000-0002-1825-0097"}]


def test_an_arxiv_record_with_a_version_variable_of_its_own():
    for arxiv_version in (None, 3):
        record = Record(type="software", key="s", variables={"version": Text("2")}, publisher="arXiv",
                        ids=converters.model.Identifiers(arxiv="2501.00001", arxiv_version=arxiv_version))
        (item,) = assert_valid_csl(converters.dumps([record], "csl-json"))
        assert item["version"] == "2" and item["custom"]["arxiv-version"] == arxiv_version
        (back,) = converters.loads(json.dumps([item]), "csl-json")
        assert back == record
