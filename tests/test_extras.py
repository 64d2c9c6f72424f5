"""Record.extras keys (converters/extras.py): structured, with one text form for flat key spaces."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import converters
from converters.diagnostics import Reporter
from converters.extras import SOURCE_FORMS, Extra, Kind, text_keyed
from converters.model import Record, Text

PACKAGE = Path(converters.__file__).resolve().parent

# the text forms refconv has written into CSL-JSON custom and JATS custom-meta, and their keys
TEXT_FORMS = {
    "bibtex:howpublished": Extra("bibtex", "howpublished"),
    "bibtex:type": Extra("bibtex", "", Kind.ENTRY_TYPE),
    "bibtex:field:type": Extra("bibtex", "type"),
    "bibtex:@string:journal": Extra("bibtex", "journal", Kind.MACRO),
    "bibtex:@written:language": Extra("bibtex", "language", Kind.AS_WRITTEN),
    "bibtex:@joined:subtitle": Extra("bibtex", "subtitle", Kind.JOINED),
    "bibtex:@others:translator": Extra("bibtex", "translator", Kind.OTHERS),
    "bibtex:@field:fjournal": Extra("bibtex", "fjournal", Kind.READ_AS),
    "bibtex:@keys:location": Extra("bibtex", "location", Kind.KEYS),
    "bibtex:@preamble:1": Extra("bibtex", "1", Kind.PREAMBLE),
    "ris:T3": Extra("ris", "T3"),
    "ris:TY": Extra("ris", "TY"),
    "jats:custom-meta:Author impact statement": Extra("jats", "custom-meta:Author impact statement"),
    "arxiv:journal-ref": Extra("arxiv", "journal-ref"),
    "csl:reference-count": Extra("csl", "reference-count"),
    "csl:title:raw": Extra("csl", "title", Kind.RAW),
    "csl:custom.other-ids": Extra("csl", "other-ids", Kind.CUSTOM),
    "csl:author-meta": Extra("csl", "author", Kind.NAME_META),
    "csl:type": Extra("csl", "", Kind.ENTRY_TYPE),
}


@pytest.mark.parametrize(("text", "key"), TEXT_FORMS.items())
def test_each_text_form_names_its_key_and_back(text, key):
    assert Extra.parse(text) == key
    assert str(key) == text


@pytest.mark.parametrize("text", ["", "howpublished", ":x", "bibtex:", "BibTeX:x", "1x:y", "bib tex:x"])
def test_text_that_names_no_extra_is_none(text):
    assert Extra.parse(text) is None


_FORMAT = st.sampled_from(["bibtex", "ris", "jats", "arxiv", "csl"])
_FIELD = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12)


@given(_FORMAT, _FIELD, st.sampled_from([k for k in Kind if k is not Kind.ENTRY_TYPE]))
def test_a_key_comes_back_from_its_text_form(fmt, name, kind):
    key = Extra(fmt, name, kind)
    text = str(key)
    back = Extra.parse(text)
    assert back is not None and str(back) == text  # one text, one key
    if kind is Kind.VALUE and (":" in name or name.endswith("-meta") or name.startswith("custom.")):
        return  # a field named like another kind's text form: the one ambiguity the text form has
    if kind in (Kind.CUSTOM, Kind.NAME_META) and fmt != "csl":
        return  # only CSL-JSON's reader makes these
    if kind is not Kind.VALUE and (name.endswith(":raw") or (kind is Kind.RAW and ":" in name)):
        return
    assert back == key


def test_the_record_takes_extra_keys_only_and_says_how_to_read_a_text_form():
    with pytest.raises(TypeError, match=r"Extra.parse\('bibtex:usera'\)"):
        Record(extras={"bibtex:usera": "x"})
    with pytest.raises(TypeError, match="must be a str"):
        Record(extras={Extra("bibtex", "usera"): 1})
    assert Record(extras={Extra("bibtex", "usera"): "x"}).extras[Extra("bibtex", "usera")] == "x"


def test_source_forms_are_no_loss_and_other_extras_are_reported_by_their_text_form():
    report = Reporter()
    for kind in SOURCE_FORMS:
        assert report.lost("k", Extra("bibtex", "journal", kind), "RIS") is None
    diagnostic = report.lost("k", Extra("bibtex", "usera"), "RIS")
    assert diagnostic is not None and diagnostic.field == "bibtex:usera" and "'bibtex:usera'" in diagnostic.message
    assert Extra("bibtex", "journal", Kind.MACRO).is_source_form
    assert not Extra("bibtex", "1", Kind.PREAMBLE).is_source_form  # @preamble text is data


def test_refconv_json_writes_extras_as_objects_and_reads_them_back():
    record = Record(title=Text("T"), extras={Extra("bibtex", "usera"): "u",
                                             Extra("bibtex", "journal", Kind.MACRO): "jcp"})
    line = converters.dumps([record], "refconv-json")
    assert json.loads(line)["extras"] == [{"format": "bibtex", "field": "usera", "value": "u"},
                                          {"format": "bibtex", "field": "journal", "value": "jcp", "kind": "macro"}]
    (back,) = converters.loads(line, "refconv-json")
    assert back.extras == record.extras


def test_a_refconv_json_extra_of_an_unknown_kind_is_refused_with_its_line():
    line = '{"type": "book", "extras": [{"format": "bibtex", "field": "x", "value": "v", "kind": "guess"}]}\n'
    result = converters.loads(line, "refconv-json")
    assert len(result) == 0
    (error,) = result.diagnostics
    assert error.code == "refconv-json.record" and error.line == 1 and "extras/0/kind" in error.message


def test_csl_json_custom_carries_other_formats_extras_by_text_form_and_reads_them_back():
    record = Record(type="book", title=Text("T"), extras={Extra("bibtex", "usera"): "u",
                                                          Extra("bibtex", "type"): "Handbook",
                                                          Extra("bibtex", "", Kind.ENTRY_TYPE): "conference"})
    (item,) = json.loads(converters.dumps([record], "csl-json"))
    assert item["custom"] == {"bibtex:usera": "u", "bibtex:field:type": "Handbook", "bibtex:type": "conference"}
    (back,) = converters.loads(json.dumps([item]), "csl-json")
    assert text_keyed(back.extras) == item["custom"]


# writers read a key's parts; no module takes an extra's key apart as a string
_TAKES_APART = re.compile(r"""extra_key\.(?:r?partition|split|startswith)\(|key\.startswith\(\s*\(?["'][a-z]+:""")


def test_no_module_takes_an_extra_key_apart_as_text():
    offenders = [f"{path.relative_to(PACKAGE)}:{number}"
                 for path in PACKAGE.rglob("*.py")
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if _TAKES_APART.search(line)]
    assert offenders == []


def test_refconv_json_written_before_the_keys_were_structured_still_reads():
    line = ('{"type": "book", "title": {"value": "T", "syntax": "plain"}, '
            '"extras": {"bibtex:usera": "u", "bibtex:@string:journal": "jcp"}}\n')
    (record,) = converters.loads(line, "refconv-json")
    assert record.extras == {Extra("bibtex", "usera"): "u", Extra("bibtex", "journal", Kind.MACRO): "jcp"}
    bad = converters.loads('{"type": "book", "extras": {"usera": "u"}}\n', "refconv-json")
    assert len(bad) == 0 and bad.diagnostics[0].code == "refconv-json.record"


def test_every_kind_has_a_meaning_and_the_readme_table_is_generated_from_them():
    from converters import extras

    assert set(extras.MEANINGS) == set(Kind)
    for kind, (_, example) in extras.MEANINGS.items():
        assert example.kind is kind and Extra.parse(str(example)) == example
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(extras.BEGIN), readme.index(extras.END) + len(extras.END)
    assert readme[start:end] == extras.render(), "run: python -m converters.extras --write README.md"
