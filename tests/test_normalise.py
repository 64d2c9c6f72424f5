"""converters/normalise.py: the pass after every reader (identifiers are tested in test_identifier_forms)."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

import converters
from converters.diagnostics import Severity
from converters.model import Name, Record, Syntax, Text
from converters.normalise import decoded_again, normalise

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


# arXiv's API answers (corpus/arxiv/api-atom-arxiv.py) hold names and maths encoded as UTF-8 twice
# over: "WeiÃ\x9fl" for "Weißl", "$Ï\x89$" for "$ω$"; every writer then dropped the C1 control
# character, "WeiÃl", and the word could not be recovered from the output
TWICE = "Wei\u00c3\u009fl"


@pytest.mark.parametrize("fmt, text", [
    ("csl-json", json.dumps([{"id": "k", "type": "article", "title": "$\u00cf\u0089$Test \u2014 G\u00c3\u00b6del",
                              "author": [{"family": TWICE, "given": "Oliver"}]}])),
    ("ris", f"TY  - JOUR\nTI  - $\u00cf\u0089$Test \u2014 G\u00c3\u00b6del\nAU  - {TWICE}, Oliver\nER  - \n"),
])
def test_text_encoded_as_utf8_twice_over_is_decoded_again_where_a_c1_character_proves_it(fmt, text):
    result = converters.loads(text, fmt)
    (record,) = result.records
    assert record.authors[0].family == "Weißl"
    # the title's "GÃ¶del" holds no C1 character, but the value does: decoded with it, the dash kept
    assert record.title.plain() == "$ω$Test \u2014 Gödel"
    said = [(d.severity, d.message) for d in result.diagnostics if d.code == "text.double-encoded"]
    # (said once a record by the pass after every reader; RIS's, decoded line by line, once a line)
    assert len(said) == (2 if fmt == "ris" else 1) and said[0][0] is Severity.WARNING
    assert "'Ï\\x89' read as 'ω' in '" in said[0][1] and "$ω$Test — Gödel'" in said[0][1]
    for writer in ("bibtex", "ris", "csl-json", "jats"):
        assert "\u00c3" not in converters.dumps([record], writer), writer


def test_text_that_only_may_be_utf8_read_as_latin1_is_kept():
    # "Ã©" is "é" twice encoded, or the letters Ã and ©: no C1 character proves which
    record = Record(authors=(Name(family="Ram\u00c3\u00adrez"),), title=Text("Caf\u00c3\u00a9"))
    assert normalise(record) is record


@given(st.text(min_size=1))
def test_any_text_encoded_twice_over_is_decoded_back_when_a_c1_character_shows_it(text):
    twice = text.encode("utf-8", "surrogatepass").decode("latin-1")
    again = decoded_again(twice)
    if any("\x80" <= c <= "\x9f" for c in twice) and not any("\x80" <= c <= "\x9f" for c in text):
        assert again == text
    if not any("\x80" <= c <= "\x9f" for c in twice):
        assert again is None  # (nothing proves it: kept as given)
