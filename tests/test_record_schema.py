"""The record's schema is the model's: generated from it, complete against CSL, enforced."""

from __future__ import annotations

import json

import jsonschema
import pytest

import converters
from converters import csl, record_schema
from converters.extras import Extra
from converters.model import Date, Name, Record, Text
from converters.serialize import record_from_dict, record_to_dict

from .shared import shared_path


def test_the_committed_schema_is_the_one_the_model_generates():
    assert record_schema.SCHEMA.read_text(encoding="utf-8") == record_schema.render(), \
        "run: python -m converters.record_schema --write"


def test_every_csl_variable_has_exactly_one_place():
    properties = set(json.loads(shared_path("schemas", "csl", "csl-data.json").read_text())["items"]["properties"])
    groups = [set(csl.SLOTS), csl.TEXT_VARIABLES, csl.NUMBER_VARIABLES, csl.NAME_VARIABLES, csl.DATE_VARIABLES,
              csl.PROCESSOR_VARIABLES, csl.FILE_VARIABLES, set(csl.LEGACY_NAMES)]
    placed = [name for group in groups for name in group]
    assert sorted(placed) == sorted(set(placed)), "a variable is in two groups"
    assert set(placed) == properties


def _full_record() -> Record:
    return Record(
        type="book", title=Text("Faust"),
        authors=(Name(family="Goethe", given="Johann Wolfgang", dropping_particle="von",
                      affiliation=("Weimar",), orcid="0000-0002-1825-0097"),),
        variables={name: Text(f"{name} value") for name in csl.VARIABLES},
        names={name: (Name(literal=f"{name} Society"),) for name in csl.NAME_VARIABLES},
        dates={name: Date(1808, 3) for name in csl.DATE_VARIABLES},
    )


def test_a_record_with_every_variable_is_valid_and_comes_back_from_refconv_json():
    record = _full_record()
    data = record_to_dict(record)
    jsonschema.validate(data, json.loads(record_schema.render()))
    assert record_from_dict(data) == record
    assert converters.loads(converters.dumps([record], "refconv-json"), "refconv-json").records == [record]


@pytest.mark.parametrize("changes, error", [
    ({"variables": {"title": Text("x")}}, "'title' is not a CSL variable"),
    ({"variables": {"title-short": "x"}}, "must be a Text"),
    ({"names": {"author": (Name(family="A"),)}}, "'author' is not a CSL name"),
    ({"names": {"translator": ()}}, "non-empty tuple of Name"),
    ({"dates": {"original-date": "1808"}}, "must be a Date"),
])
def test_the_typed_maps_take_only_their_variables_and_types(changes, error):
    with pytest.raises((ValueError, TypeError), match=error):
        Record(**changes)


def test_the_schema_refuses_what_the_model_refuses():
    schema = json.loads(record_schema.render())
    for bad in ({"type": "book", "variables": {"title": {"value": "x"}}},
                {"type": "book", "names": {"translator": []}},
                {"type": "book", "dates": {"issued": {"year": 1}}},
                {"type": "book", "authors": [{"family": "A", "affiliation": "U"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_a_record_pickles_for_worker_processes():
    """Its maps are read-only mappingproxies, which pickle refuses: a record pickles as its fields."""
    import pickle

    from converters.model import Position

    record = _full_record().evolve(extras={Extra("bibtex", "usera"): "x"}, position=Position("refs.bib", 7))
    again = pickle.loads(pickle.dumps(record))
    assert again == record and again.position == record.position
    assert type(again.variables) is type(record.variables)  # still read-only
