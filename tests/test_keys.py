"""Citation keys: the default pattern, custom patterns, uniqueness, stability."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converters import UsageError, dumps
from converters.extras import Extra
from converters.keys import (
    DigestSet,
    KeyAllocator,
    XmlIdAllocator,
    ascii_fold,
    check_pattern,
    default_key,
    pattern_key,
    suffix_letters,
    xml_id,
)
from converters.model import Date, Identifiers, Name, Record, Syntax, Text
from converters.options import Options

ZOLA = Record(title=Text(r"L'{\'E}ducation sentimentale: A Novel", Syntax.TEX),
              authors=(Name(family="Zola", given="Émile"), Name(family="Müller", given="Jörg")),
              issued=Date(1869), pages="12-30", ids=Identifiers(arxiv="hep-th/9711200"))


def test_default_key_is_family_year_first_significant_word_folded():
    assert default_key(ZOLA) == "zola1869leducation"
    oersted = Record(authors=(Name(family="Ørsted"),), issued=Date(1820), title=Text("On the Magnet"))
    assert default_key(oersted) == "orsted1820magnet"
    assert default_key(Record(ids=Identifiers(arxiv="2412.12557"))) == "arXiv:2412.12557"
    atlas = Record(authors=(Name(literal="ATLAS Collaboration"),), issued=Date(2012))
    assert default_key(atlas) == "atlascollaboration2012"


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


def test_keys_that_differ_only_in_case_are_one_key_and_get_suffixes():
    # bibtex: "Repeated entry" for item-1 / ITEM-1, and the second record is dropped
    allocator = KeyAllocator()
    keys = [allocator.key_for(Record(key=k)) for k in ("item-1", "ITEM-1", "Doea", "doeA", "item-1a", "ITEM-1")]
    assert keys == ["item-1", "ITEM-1a", "Doea", "doeAa", "item-1aa", "ITEM-1b"]
    assert len({k.lower() for k in keys}) == len(keys)
    text = dumps([ZOLA.evolve(key="item-1"), ZOLA.evolve(key="ITEM-1")], "bibtex")
    assert "@misc{item-1," in text and "@misc{ITEM-1a," in text


def test_an_empty_pattern_result_falls_back_to_the_default():
    allocator = KeyAllocator(pattern="[auth]")
    assert allocator.key_for(Record(ids=Identifiers(arxiv="2412.12557"))) == "arXiv:2412.12557"


def test_the_pattern_reaches_the_writers():
    text = dumps([ZOLA], "bibtex", key_pattern="[auth][year]")
    assert text.startswith("@misc{Zola1869,")


# --- the compact allocator against the plain one it replaced ---------------------------


class PlainSetAllocator:
    """KeyAllocator as it was before its keys went into a digest table: a set of str, and a
    next_suffix entry for every base, keys compared without case as BibTeX compares them. The
    reference the compact one must match key for key."""

    def __init__(self):
        self.used: set[str] = set()
        self.next_suffix: dict[str, int] = {}

    def key_for(self, record: Record) -> str:
        base = record.key if record.key else default_key(record)
        base = re.sub(r"[\s,{}()=#%\"'\\~]", "", base) or "ref"
        key = base
        suffix = self.next_suffix.get(base.lower(), 0)
        while key.lower() in self.used:
            key = base + suffix_letters(suffix)
            suffix += 1
        self.next_suffix[base.lower()] = suffix
        self.used.add(key.lower())
        return key


# Few, short bases from a small alphabet: many clashes, and bases that are another base's
# suffixed key ("x", "xa"), unsafe characters, ones that fold to empty, and ones xml_id rewrites.
clashing_bases = st.lists(st.text(alphabet="xXab:1-. ,{éÉ", max_size=4), min_size=1, max_size=300)


@given(clashing_bases)
@settings(max_examples=200)
def test_the_compact_allocator_gives_the_plain_set_allocators_keys(bases):
    compact, plain = KeyAllocator(), PlainSetAllocator()
    records = [Record(key=base) for base in bases]
    assert [compact.key_for(r) for r in records] == [plain.key_for(r) for r in records]
    assert set(compact.next_suffix.items()) <= set(plain.next_suffix.items())
    assert all(suffix > 0 for suffix in compact.next_suffix.values())  # only bases that clashed


@given(clashing_bases)
@settings(max_examples=200)
def test_xml_ids_match_a_second_allocator_fed_the_xml_ids(bases):
    keys, reference_keys, reference_ids = KeyAllocator(), KeyAllocator(), PlainSetAllocator()
    ids = XmlIdAllocator(keys)
    got, expected = [], []
    for base in bases:
        got.append(ids.id_for(keys.key_for(Record(key=base))))
        expected.append(reference_ids.key_for(Record(key=xml_id(reference_keys.key_for(Record(key=base))))))
    assert got == expected
    assert len(set(got)) == len(got)


def test_xml_ids_clash_only_through_the_mapping():
    keys = KeyAllocator()
    ids = XmlIdAllocator(keys)
    assert [ids.id_for(keys.key_for(Record(key=k))) for k in ("a:b", "a-b", "a-ba", "1x", "r1x")] == [
        "a-b", "a-ba", "a-baa", "r1x", "r1xa"]
    assert len(ids.other) == 5  # every one differs from its key here
    keys = KeyAllocator()
    ids = XmlIdAllocator(keys)
    assert [ids.id_for(keys.key_for(Record(key=k))) for k in ("smith2020", "jones2021", "smith2020", "a:b")] == [
        "smith2020", "jones2021", "smith2020a", "a-b"]
    assert len(ids.other) == 1  # keys that are their own id (smith2020a too) are not held twice


def test_the_digest_set_is_a_set_of_strings():
    digests = DigestSet()
    words = [f"w{i}" for i in range(5000)] + ["", "\ud800", "é"]
    assert all(digests.add(w) for w in words)
    assert not any(digests.add(w) for w in words)
    assert all(w in digests for w in words) and "w5000" not in digests and 1 not in digests
    assert len(digests) == len(words)


def test_the_digests_are_the_same_in_every_run():
    # blake2b, not hash(): PYTHONHASHSEED must not change which keys clash
    assert DigestSet.digest("zola1869leducation") == DigestSet.digest("zola1869leducation") == int.from_bytes(
        __import__("hashlib").blake2b(b"zola1869leducation", digest_size=8).digest(), "little")


# --- issue 14: the options say what they do ---------------------------------------------

HAS_KEY = Record(key="Doe2020Given", title=Text("A study"), authors=(Name(family="Doe", given="Jane"),),
                 issued=Date(2020))
NO_KEY = HAS_KEY.evolve(key=None, title=Text("Another study"))


@pytest.mark.parametrize("target", ["bibtex", "biblatex", "ris", "csl-json", "jats"])
def test_key_pattern_on_records_that_have_keys_says_it_was_not_applied(target):
    diagnostics: list = []
    dumps([HAS_KEY, NO_KEY, HAS_KEY.evolve(key="Other")], target, key_pattern="[auth:lower][year]",
          diagnostics=diagnostics)
    said = [d for d in diagnostics if d.code == "keys.pattern-not-applied"]
    assert len(said) == 1 and said[0].severity == "warning" and said[0].key == "Doe2020Given"
    assert "--new-keys" in said[0].hint


def test_key_pattern_with_new_keys_or_on_keyless_records_says_nothing():
    for records, options in (([HAS_KEY], {"keep_keys": False}), ([NO_KEY], {})):
        diagnostics: list = []
        text = dumps(records, "bibtex", key_pattern="[auth:lower][year]", diagnostics=diagnostics, **options)
        assert "@misc{doe2020," in text or "@article{doe2020," in text or "{doe2020," in text
        assert not [d for d in diagnostics if d.code == "keys.pattern-not-applied"]


ASCII_HOSTILE = [
    Record(key="Müller2020", type="book", title=Text("Über Grüße"), publisher="Springer",
           authors=(Name(family="Müller", given="Jürgen"), Name(family="Øbro", given="Åse")), issued=Date(2020),
           ids=Identifiers(url="https://example.org/ü")),
    Record(key="Mueller2020x", type="chapter", title=Text("Ça va — naïve"),
           authors=(Name(family="Müller", given="J."),),
           issued=Date(2020), note=Text("see Müller"), extras={Extra("bibtex", "crossref"): "Müller2020"}),
    Record(key="王2021", title=Text("東京"), authors=(Name(family="王", given="小明"),), issued=Date(2021)),
    Record(key="Muller2020", title=Text("Plain"), issued=Date(2020)),
]


def test_tex_ascii_output_is_ascii_in_every_byte_keys_included():
    text = dumps(ASCII_HOSTILE, "bibtex", tex="ascii")
    assert all(byte < 0x80 for byte in text.encode("utf-8")), [line for line in text.splitlines()
                                                                if not line.isascii()]
    keys = re.findall(r"^@\w+\{([^,]*),", text, re.MULTILINE)
    assert keys == ["Muller2020", "Mueller2020x", "Wang2021", "Muller2020a"]  # unique, in input order
    assert "crossref = {Muller2020}," in text  # the parent is still found under its new key
    assert "url = {https://example.org/%C3%BC}," in text


def test_tex_utf8_keeps_the_keys_as_the_input_gave_them():
    text = dumps(ASCII_HOSTILE, "biblatex")
    assert re.findall(r"^@\w+\{([^,]*),", text, re.MULTILINE) == ["Müller2020", "Mueller2020x", "王2021",
                                                                  "Muller2020"]


# --- a key the input gave, written otherwise, is said --------------------------------------

CHANGED_KEYS = [
    HAS_KEY,
    HAS_KEY.evolve(title=Text("The same key again")),  # a merged bibliography's second 'Doe2020Given'
    HAS_KEY.evolve(key="doe2020given", title=Text("The key in other letter case")),
    HAS_KEY.evolve(key="Doe 2020, {x}", title=Text("Characters no key may hold")),
    HAS_KEY.evolve(key="Müller2020", title=Text("A key with a letter beyond ASCII")),
]


@pytest.mark.parametrize("target", ["bibtex", "biblatex", "csl-json"])
def test_every_input_key_written_otherwise_is_said_with_the_written_key_and_why(target):
    diagnostics: list = []
    dumps(CHANGED_KEYS, target, diagnostics=diagnostics)
    said = {d.key: d.message for d in diagnostics if d.code == "keys.changed"}
    assert all(d.severity == "warning" and "citation" in d.hint for d in diagnostics if d.code == "keys.changed")
    expected = {
        "Doe2020Givena": "key 'Doe2020Given' written as 'Doe2020Givena': another record in this output has the "
                         "key 'Doe2020Given' (letter case aside: BibTeX and biber ignore it)",
        "doe2020givenb": "key 'doe2020given' written as 'doe2020givenb': another record in this output has the "
                         "key 'doe2020given' (letter case aside: BibTeX and biber ignore it)",
        "Doe2020x": "key 'Doe 2020, {x}' written as 'Doe2020x': a key cannot hold ' ', ',', '{', '}'",
    }
    if target == "bibtex":  # ASCII output (classic BibTeX's default): the key transliterated
        expected["Muller2020"] = ("key 'Müller2020' written as 'Muller2020': transliterated: ASCII BibTeX output "
                                  "(--tex ascii, classic BibTeX's default) has ASCII keys")
    assert said == expected  # the first 'Doe2020Given', written as given, is not said


def test_new_keys_asked_for_are_not_said_as_changed():
    diagnostics: list = []
    dumps(CHANGED_KEYS, "bibtex", keep_keys=False, diagnostics=diagnostics)
    assert not [d for d in diagnostics if d.code == "keys.changed"]


def test_jats_says_which_keys_its_xml_ids_write_otherwise_in_the_loss_report():
    records = [Record(key="Knuth:1984:TB", type="book", title=Text("T")), Record(key="plain", type="book"),
               Record(key="plain", type="book")]
    diagnostics: list = []
    text = dumps(records, "jats", diagnostics=diagnostics)
    assert '<ref id="Knuth-1984-TB">' in text and '<ref id="plain">' in text and '<ref id="plaina">' in text
    moved = [(d.code, d.key, d.field, d.message) for d in diagnostics if d.field == "key"]
    assert moved == [("write.moved", "Knuth-1984-TB", "key", "jats has no field for 'key' (Knuth:1984:TB); "
                      "written to ref/@id as 'Knuth-1984-TB'"),
                     ("write.moved", "plaina", "key", "jats has no field for 'key' (plain); "
                      "written to ref/@id as 'plaina'")]
    diagnostics = []
    dumps(records, "jats", keep_keys=False, diagnostics=diagnostics)
    assert not [d for d in diagnostics if d.field == "key"]


def test_ris_writes_its_ids_as_given_so_says_nothing():
    diagnostics: list = []
    text = dumps(CHANGED_KEYS, "ris", diagnostics=diagnostics)
    assert text.count("ID  - Doe2020Given\r\n") == 2 and "ID  - Doe 2020, {x}\r\n" in text
    assert not [d for d in diagnostics if d.code == "keys.changed"]
