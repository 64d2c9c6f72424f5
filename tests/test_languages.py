"""Languages as BCP 47 after every reader (converters/normalise.py, text/languages.py): CSL's
`language` is a tag, and citeproc title-cases only items whose language starts with "en" (an
item in "English" kept its words uncased)."""

from __future__ import annotations

import json

import pytest

import converters
from converters.text.languages import to_language_tag


@pytest.mark.parametrize("written, tag", [
    ("English", "en"), ("english", "en"), ("eng", "en"), ("German", "de"), ("ger", "de"), ("deu", "de"),
    ("French", "fr"), ("fre", "fr"), ("Chinese", "zh"), ("Japanese", "ja"), ("Portuguese", "pt"),
    ("British", "en-GB"), ("brazilian", "pt-BR"), ("en-GB", "en-GB"), ("de", "de"), ("zh-Hant-TW", "zh-Hant-TW"),
])
def test_a_languages_name_or_iso_639_2_code_is_its_bcp_47_tag(written, tag):
    assert to_language_tag(written) == tag


@pytest.mark.parametrize("written", ["Old Norse", "English; French", "Klingon", "x"])
def test_what_is_no_language_name_or_tag_stays_as_written(written):
    assert to_language_tag(written) is None
    (record,) = converters.loads(f"TY  - JOUR\nTI  - T\nLA  - {written}\nER  - \n", "ris").records
    assert record.language == written


@pytest.mark.parametrize("source, fmt", [
    ("TY  - JOUR\nTI  - T\nLA  - English\nER  - \n", "ris"),
    ("TY  - JOUR\nTI  - T\nLA  - eng\nER  - \n", "ris"),
    ('[{"id": "a", "type": "book", "title": "T", "language": "English"}]', "csl-json"),
])
def test_every_reader_gives_the_tag(source, fmt):
    (record,) = converters.loads(source, fmt).records
    assert record.language == "en"
    assert json.loads(converters.dumps([record], "csl-json"))[0]["language"] == "en"


def test_biblatex_names_keep_the_variant_biblatex_gives_them():
    # biblatex's english is American English (pandoc reads it so): the BibTeX reader's table
    (record,) = converters.loads("@book{k, title = {T}, langid = {english}}", "bibtex").records
    assert record.language == "en-US"
