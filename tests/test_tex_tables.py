"""pylatexenc's tables as data: its one-argument macros are classified on first use."""

from __future__ import annotations

import unicodedata

import pytest

from converters.text import tex
from converters.text.tex_tables import _Kind, _OneArgument, pylatexenc_tables


def test_accents_come_from_pylatexenc_as_combining_marks():
    accents = pylatexenc_tables().accents
    assert accents["'"] == "\u0301" and accents["c"] == "\u0327" and accents["v"] == "\u030c"
    assert "c" in accents and "mathbb" not in accents and "textbf" not in accents and "nosuchmacro" not in accents
    with pytest.raises(KeyError):
        accents["mathbb"]


def test_styled_alphabets_come_from_pylatexenc_as_translation_tables():
    alphabets = pylatexenc_tables().alphabets
    assert "R".translate(alphabets["mathbb"]) == "\u211d"
    assert alphabets.get("'") is None and alphabets.get("nosuchmacro", "absent") == "absent"


def test_a_macro_is_decoded_only_when_an_input_uses_it():
    macros = _OneArgument(frozenset({"'", "c", "mathbb"}))
    assert macros.kind("nosuchmacro") is None and macros._converter is None  # nothing decoded yet
    assert macros.kind("c") == ("accent", "\u0327")
    assert set(macros._found) == {"c"}  # only what was asked
    assert macros.kind("mathbb")[0] == "alphabet" and set(macros._found) == {"c", "mathbb"}


def test_every_one_argument_macro_has_one_kind_and_decodes_as_pylatexenc_does():
    tables = pylatexenc_tables()
    assert isinstance(tables.accents, _Kind) and isinstance(tables.alphabets, _Kind)
    names = tables.accents._macros.names
    assert len(names) > 20
    for name in sorted(names):
        assert not (name in tables.accents and name in tables.alphabets), name
        if name in tables.accents:  # the accent on a letter, decoded by refconv as pylatexenc does
            assert tex.tex_to_unicode(f"\\{name}{{a}}") == unicodedata.normalize("NFC", "a" + tables.accents[name])
