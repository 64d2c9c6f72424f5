"""The canonical model and its JSON Schema agree; the model refuses nonsense."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given

from converters.extras import Extra
from converters.model import CSL_TYPES, Date, Identifiers, Name, Record, Syntax, Text
from converters.serialize import record_from_dict, record_to_dict

from . import strategies

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "schemas" / "record.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


@pytest.mark.parametrize(
    ("cls", "properties"),
    [
        (Record, SCHEMA["properties"]),
        (Name, SCHEMA["$defs"]["name"]["properties"]),
        (Date, SCHEMA["$defs"]["date"]["properties"]),
        (Identifiers, SCHEMA["$defs"]["identifiers"]["properties"]),
        (Text, SCHEMA["$defs"]["text"]["properties"]),
    ],
)
def test_schema_names_exactly_the_model_fields(cls, properties):
    assert set(properties) == {f.name for f in fields(cls)}


def test_schema_types_are_the_csl_vocabulary():
    assert set(SCHEMA["properties"]["type"]["enum"]) == CSL_TYPES
    assert set(SCHEMA["$defs"]["text"]["properties"]["syntax"]["enum"]) == {s.value for s in Syntax}


@given(strategies.records)
def test_every_record_serialises_to_schema_valid_json_and_back(record):
    data = record_to_dict(record)
    errors = list(VALIDATOR.iter_errors(data))
    assert not errors, errors[0].message
    assert record_from_dict(json.loads(json.dumps(data))) == record


def test_a_full_record_round_trips_through_json():
    record = Record(
        type="chapter", key="k", title=Text("T {DNA}", Syntax.BIBTEX), authors=(Name(literal="ATLAS Collaboration"),),
        authors_etal=True, editors=(Name(family="Waals", given="J. D.", non_dropping_particle="van der"),),
        issued=Date(1984, end=Date(1986), circa=True), accessed=Date(2024, 1, 2), abstract=Text("a"),
        note=Text("<i>n</i>", Syntax.HTML), container_title=Text("C"), publisher="P", publisher_place="L",
        volume="1", issue="2", pages="3-4", number="5", edition="2", keywords=("a", "b"), language="en",
        ids=Identifiers(arxiv="hep-th/9711200", arxiv_version=3, arxiv_class="hep-th", doi=("10.1/x",),
                        url="https://e.org", isbn=("9780306406157",), issn=("0378-5955",), pmid="1", pmcid="PMC1"),
        extras={Extra("bibtex", "howpublished"): "x"},
    )
    data = record_to_dict(record)
    assert not list(VALIDATOR.iter_errors(data))
    assert record_from_dict(data) == record


@pytest.mark.parametrize(
    "make",
    [
        lambda: Name(),
        lambda: Name(literal="X", family="Y"),
        lambda: Date(),
        lambda: Date(2020, 13),
        lambda: Date(2020, day=3),
        lambda: Record(type="preprint"),
        lambda: Text(3),
    ],
)
def test_the_model_refuses_nonsense(make):
    with pytest.raises((ValueError, TypeError)):
        make()


def test_records_are_immutable_and_extras_read_only():
    record = Record(extras={Extra("ris", "M1"): "x"})
    with pytest.raises(AttributeError):
        record.title = Text("x")  # type: ignore[misc]
    with pytest.raises(TypeError):
        record.extras[Extra("ris", "M2")] = "y"  # type: ignore[index]


def test_derived_identifiers():
    ids = Identifiers(arxiv="hep-th/9711200", doi=("10.1023/A:1026654312961",))
    preprint = Record(type="article", ids=ids)
    assert ids.derived_doi == "10.48550/arXiv.hep-th/9711200"
    assert preprint.primary_doi == "10.1023/A:1026654312961"
    assert preprint.dois == ("10.1023/A:1026654312961", "10.48550/arXiv.hep-th/9711200")
    assert preprint.other_dois == ()  # the arXiv DOI comes back from the id
    assert ids.primary_url == "https://arxiv.org/abs/hep-th/9711200"
    datacite_doi = ("10.48550/ARXIV.2501.04520",)
    assert Record(ids=Identifiers(arxiv="2501.04520", doi=datacite_doi)).dois == datacite_doi


def test_the_preprints_doi_is_not_a_journal_articles_own():
    """A journal article with an eprint is another work than its preprint: arXiv's DOI is
    written for it only where the input gave it."""
    ids = Identifiers(arxiv="math/0307200")
    assert Record(type="article", ids=ids).primary_doi == "10.48550/arXiv.math/0307200"
    assert Record(type="article-journal", ids=ids).dois == ()
    given = Identifiers(arxiv="math/0307200", doi=("10.48550/arXiv.math/0307200", "10.1000/j.1"))
    journal = Record(type="article-journal", ids=given)
    assert journal.dois == ("10.1000/j.1", "10.48550/arXiv.math/0307200")  # the journal's first
    assert journal.other_dois == ("10.48550/arXiv.math/0307200",)  # a one-DOI format loses it: said


def test_the_package_ships_the_record_schema():
    from importlib.resources import files

    shipped = json.loads(files("converters").joinpath("record.schema.json").read_text(encoding="utf-8"))
    assert shipped == SCHEMA


def test_refconv_json_input_is_checked_against_the_schema():
    """Found by atheris: a record whose key was an object reached the writers."""
    import converters

    result = converters.loads('{"type": "article", "key": {"x": 1}}\n{"type": "book"}\n', "refconv-json")
    assert len(result) == 1 and result[0].type == "book"
    (error,) = result.errors
    assert error.line == 1 and "key: {'x': 1} is not of type 'string'" in error.message
