"""Citation keys: the default pattern, custom patterns, uniqueness, stability."""

from __future__ import annotations

import pytest

from converters import UsageError, dumps
from converters.keys import (
    KeyAllocator,
    ascii_fold,
    check_pattern,
    default_key,
    pattern_key,
)
from converters.model import Date, Identifiers, Name, Record, Syntax, Text
from converters.options import Options

ZOLA = Record(title=Text(r"L'{\'E}ducation sentimentale: A Novel", Syntax.TEX),
              authors=(Name(family="Zola", given="Émile"), Name(family="Müller", given="Jörg")),
              issued=Date(1869), pages="12-30", ids=Identifiers(arxiv="hep-th/9711200"))


def test_default_key_is_family_year_first_significant_word_folded():
    assert default_key(ZOLA) == "zola1869leducation"
    assert default_key(Record(authors=(Name(family="Ørsted"),), issued=Date(1820), title=Text("On the Magnet"))) == "orsted1820magnet"
    assert default_key(Record(ids=Identifiers(arxiv="2412.12557"))) == "arXiv:2412.12557"
    assert default_key(Record(authors=(Name(literal="ATLAS Collaboration"),), issued=Date(2012))) == "atlascollaboration2012"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("[auth:lower][year][title:lower]", "zola1869leducation"),
        ("[auth][shorttitle:3][year]", "ZolaLEducationSentimentaleNovel1869"),
        ("[authors:2]-[year]", "ZolaMuller-1869"),
        ("[auth:upper:3][year]", "ZOL1869"),
        ("[auth]:[firstpage]", "Zola:12"),
        ("arxiv-[arxiv]", "arxiv-hep-th9711200"),
    ],
)
def test_patterns(pattern, expected):
    check_pattern(pattern)
    assert pattern_key(ZOLA, pattern) == expected


@pytest.mark.parametrize("pattern", ["[colour]", "[auth:italic]", "[auth", "auth]"])
def test_bad_patterns_are_usage_errors(pattern):
    with pytest.raises(UsageError):
        Options(key_pattern=pattern)


def test_ascii_fold_transliterates_every_script():
    assert ascii_fold("Łukasz Øbro Gauß Ærø") == "Lukasz Obro Gauss Aero"
    assert default_key(Record(authors=(Name(family="王", given="小明"),), issued=Date(2020))) == "wang2020"
    assert default_key(Record(authors=(Name(family="Дмитриев"),), issued=Date(2020))) == "dmitriev2020"


def test_clashes_get_letter_suffixes_in_input_order_and_stay_linear():
    allocator = KeyAllocator()
    keys = [allocator.key_for(ZOLA) for _ in range(30)]
    assert keys[:4] == ["zola1869leducation", "zola1869leducationa", "zola1869leducationb", "zola1869leducationc"]
    assert keys[27] == "zola1869leducationaa" and len(set(keys)) == 30


def test_input_keys_are_kept_unless_asked_and_made_safe():
    assert KeyAllocator().key_for(ZOLA.evolve(key="Zola:1869")) == "Zola:1869"
    assert KeyAllocator(keep_input_keys=False).key_for(ZOLA.evolve(key="Zola:1869")) == "zola1869leducation"
    assert KeyAllocator().key_for(ZOLA.evolve(key="has space,{brace}")) == "hasspacebrace"


def test_an_empty_pattern_result_falls_back_to_the_default():
    allocator = KeyAllocator(pattern="[auth]")
    assert allocator.key_for(Record(ids=Identifiers(arxiv="2412.12557"))) == "arXiv:2412.12557"


def test_the_pattern_reaches_the_writers():
    text = dumps([ZOLA], "bibtex", key_pattern="[auth][year]")
    assert text.startswith("@misc{Zola1869,")
