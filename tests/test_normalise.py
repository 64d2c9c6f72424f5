"""converters/normalise.py: the pass after every reader (identifiers are tested in test_identifier_forms)."""

from __future__ import annotations

import json
import unicodedata

import pytest

import converters
from converters.model import Name, Record, Syntax, Text
from converters.normalise import normalise

DECOMPOSED = unicodedata.normalize("NFD", "Emergência do português")  # e + U+0302, o + U+0303 ...


@pytest.mark.parametrize("fmt, text", [
    ("bibtex", f"@book{{k, title = {{{DECOMPOSED}}}, author = {{Negr{unicodedata.normalize('NFD', 'ã')}o, Ana}}}}"),
    ("ris", f"TY  - BOOK\nTI  - {DECOMPOSED}\nAU  - Negr{unicodedata.normalize('NFD', 'ã')}o, Ana\nER  - \n"),
    ("csl-json", json.dumps([{"id": "k", "type": "book", "title": DECOMPOSED,
                              "author": [{"family": unicodedata.normalize("NFD", "Negrão"), "given": "Ana"}]}])),
])
def test_text_a_source_wrote_decomposed_is_composed_in_every_writer(fmt, text):
    [record] = converters.loads(text, fmt).records
    assert record.title.plain() == "Emergência do português" and record.authors[0].family == "Negrão"
    for writer in ("csl-json", "ris", "jats", "biblatex"):
        written = converters.dumps([record], writer)
        assert "Emergência" in written or r"Emerg{\^e}ncia" in written, writer
        assert unicodedata.normalize("NFD", "ê") not in written, writer


def test_a_composed_record_is_returned_as_it_is():
    record = Record(title=Text("Emergência"), authors=(Name(family="Negrão", given="Ana"),))
    assert normalise(record) is record


def test_tex_with_a_macro_is_left_to_the_tex_decoder():
    # a mark after \o must not become a letter of the macro's name; decoding composes what it makes
    value = "\\o\u0301 and e\u0302"
    record = normalise(Record(title=Text(value, Syntax.BIBTEX)))
    assert record.title.value == value and record.title.plain() == unicodedata.normalize("NFC", "ø\u0301 and ê")
