"""BibTeX names: one path (BibTeX's First/von/Last/Jr algorithm on brace-aware TeX words,
decoded after splitting) for every position in a name list, and biblatex's extended format.

The reproductions are issue 11's; pybtex is the reference where it has an answer.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import converters
from converters.formats.bibtex.mapping import read_names, split_persons
from converters.model import Name
from converters.text.names import split_bibtex_name

ISSUE_LIST = r"Smith, Ann and \"Ozkan, Karl and \L{}ukasz, Jan and \v{C}apek, Karel"


def _authors(field: str) -> tuple[Name, ...]:
    result = converters.loads(f"@article{{k, author = {{{field}}}, title = {{T}}}}", "bibtex")
    return result.records[0].authors


def _families(names) -> list[str | None]:
    return [n.family for n in names]


def test_accents_survive_on_every_author_after_the_first():
    assert _families(_authors(ISSUE_LIST)) == ["Smith", "Özkan", "Łukasz", "Čapek"]


@pytest.mark.parametrize("writer", ["bibtex", "biblatex", "csl-json", "ris"])
def test_accents_survive_on_every_author_after_the_first_through_every_writer(writer):
    records = converters.loads(f"@article{{k, author = {{{ISSUE_LIST}}}, title = {{T}}}}", "bibtex").records
    again = converters.loads(converters.dumps(records, writer), writer).records
    assert _families(again[0].authors) == ["Smith", "Özkan", "Łukasz", "Čapek"]


@pytest.mark.parametrize("tex, family", [
    (r"\'Alvarez", "Álvarez"), (r"\c{C}elik", "Çelik"), (r"\H{O}ri", "Őri"), (r"\k{A}da", "Ąda"),
    (r"\.{Z}ola", "Żola"), (r"\^{O}sy", "Ôsy"), (r"\={A}ma", "Āma"), (r"\AA{}se", "Åse"), (r"\O{}bro", "Øbro"),
])
def test_an_accent_opening_a_later_name_is_kept(tex, family):
    names = _authors(f"Smith, Ann and {tex}, Bo and Cy {tex}")
    assert [(n.family, n.given, n.particle) for n in names] == [
        ("Smith", "Ann", None), (family, "Bo", None), (family, "Cy", None)]


def test_an_accent_inside_a_family_name_does_not_split_it():
    names = _authors(r"Nu\~{n}ez, Ana and Jose Nu\~{n}ez and Smith, Ann and Nu\~{n}ez, Bea")
    assert [(n.family, n.given, n.particle) for n in names] == [
        ("Nuñez", "Ana", None), ("Nuñez", "Jose", None), ("Smith", "Ann", None), ("Nuñez", "Bea", None)]


def test_an_accent_macro_spaced_from_its_letter_is_not_a_particle():
    # TeX reads `\v Capek` as `\v{C}apek`; BibTeX's tokenizer (and pybtex) would make `\v` a von word
    names = _authors(r"Smith, Ann and \v Capek, Karel and Karel \v Capek")
    assert [(n.family, n.given, n.particle) for n in names] == [
        ("Smith", "Ann", None), ("Čapek", "Karel", None), ("Čapek", "Karel", None)]
    from converters.text.names import bibtex_words

    assert bibtex_words(r"Karel \v Capek") == ["Karel", r"\v Capek"]


def test_a_braced_special_character_counts_by_its_letter_as_bibtex_does():
    # {\"o} opens a lowercase (von) word, \"O and {\"O} an uppercase one
    name = split_bibtex_name(r"Jan {\"o}zil van {\"O}zil")
    assert (name.given, name.non_dropping_particle, name.family) == ("Jan", "özil van", "Özil")
    name = split_bibtex_name(r"Jan \"Ozil")
    assert (name.given, name.non_dropping_particle, name.family) == ("Jan", None, "Özil")


def test_a_plain_braced_group_hides_its_case():
    name = split_bibtex_name("Ann {von} Lee")  # BibTeX skips a group without a macro: no von
    assert (name.given, name.non_dropping_particle, name.family) == ("Ann von", None, "Lee")


def test_a_braced_organisation_stays_literal_in_any_position():
    names = _authors(r"Smith, Ann and {ATLAS Collaboration} and {\"Osterreichische Akademie}")
    assert [n.literal for n in names] == [None, "ATLAS Collaboration", "Österreichische Akademie"]


@pytest.mark.parametrize("text, parts", [
    ("von Last, Jr, First", ("First", "von", "Last", "Jr")),
    (r"de la Fontaine, Jr., Jean", ("Jean", "de la", "Fontaine", "Jr.")),
    (r"Ann~de~la Fontaine", ("Ann", "de la", "Fontaine", None)),
    (r"Viktorov, Michail~Markovitch", ("Michail Markovitch", None, "Viktorov", None)),
    (r"Matsui\ Fuuka", ("Matsui", None, "Fuuka", None)),
])
def test_bibtex_name_forms(text, parts):
    name = split_bibtex_name(text)
    assert (name.given, name.non_dropping_particle, name.family, name.suffix) == parts


@pytest.mark.parametrize("text, expected", [
    (ISSUE_LIST, ["Smith, Ann", r"\"Ozkan, Karl", r"\L{}ukasz, Jan", r"\v{C}apek, Karel"]),
    (r"A B and {\"O}zil, C", ["A B", r"{\"O}zil, C"]),
    (r"A\ and B and C", [r"A\ and B", "C"]),  # an escaped space is no separator
    (r"A and  \relax B", ["A", r"\relax B"]),
    ("A and {B and C} and D", ["A", "{B and C}", "D"]),
])
def test_a_name_opening_with_a_macro_starts_at_the_macro(text, expected):
    assert split_persons(text) == expected


def test_biblatex_extended_name_format():
    name = split_bibtex_name("family=Goethe, given=Johann Wolfgang, prefix=von, useprefix=false")
    assert name == Name(family="Goethe", given="Johann Wolfgang", dropping_particle="von")
    assert _authors("family=Goethe, given=Johann Wolfgang, prefix=von, useprefix=false") == (name,)


@pytest.mark.parametrize("text, expected", [
    ('family={Goethe}, given="Johann Wolfgang", given-i=JW, prefix=von, useprefix=true',
     Name(family="Goethe", given="Johann Wolfgang", non_dropping_particle="von")),
    (r"given=Karl, family=\v{C}apek, suffix=Jr.", Name(family="Čapek", given="Karl", suffix="Jr.")),
    ("family={Smith, Jones and Co}", Name(family="Smith, Jones and Co")),
])
def test_biblatex_extended_name_format_variants(text, expected):
    assert split_bibtex_name(text) == expected


def test_an_extended_name_list_is_read_without_warnings():
    warnings = []
    names, _ = read_names("family=Goethe, given=Johann, prefix=von, useprefix=false and Smith, Ann",
                          lambda message, hint=None: warnings.append(message))
    assert [n.family for n in names] == ["Goethe", "Smith"] and not warnings


# --- BibTeX -> BibTeX -> reader keeps every decoded name part and title text -------------

LETTERS = ["a", "Ab", "Ozkan", "Lee", "M."]
TEX_PIECES = [r"\"O", r"{\"o}", r"\v{C}", r"\'e", r"\~{n}", r"\L{}", r"\AA{}", r"\O{}", r"\c{c}", r"{\ss}", r"\H{o}",
              "{Mc}", "{DNA}", r"\^{i}", r"{\TeX}", r"{\LaTeX}"]
word = st.lists(st.sampled_from(LETTERS + TEX_PIECES), min_size=1, max_size=3).map("".join)
capital_word = st.tuples(st.sampled_from(["A", "B", r"\"O", r"\v{C}", r"\L{}", r"{\"U}"]), word).map("".join)
particles = st.sampled_from(["", "van", "de la", "von der", r"d{\'e}"])
person = st.tuples(st.lists(capital_word, min_size=0, max_size=2), particles,
                   st.lists(capital_word, min_size=1, max_size=2), st.sampled_from(["", "Jr.", "III"]))


def _bibtex_form(parts) -> str:
    first, von, last, jr = parts
    head = " ".join([von] + last if von else last)
    return ", ".join([head] + ([jr] if jr else []) + [" ".join(first)] if first or jr else [head])


title_piece = st.sampled_from(["The", "book", r"\"Uber", r"{\'E}t{\'e}", "{DNA}", r"\emph{x}", r"$\alpha$", "--",
                               r"\ss{}", "{{NASA}}", r"Fa\c{c}ade", r"\textbf{Bold}", "a{B}c", r"\TeX",
                               r"{\LaTeX}", r"\BibTeX{}", r"\S", r"\slash"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(person, min_size=1, max_size=4), title=st.lists(title_piece, min_size=1, max_size=6))
def test_bibtex_round_trip_keeps_every_decoded_name_part_and_title(people, title):
    field = " and ".join(_bibtex_form(p) for p in people)
    source = f"@article{{k, author = {{{field}}}, title = {{{' '.join(title)}}}}}"
    first = converters.loads(source, "bibtex").records
    for fmt in ("bibtex", "biblatex"):
        again = converters.loads(converters.dumps(first, fmt), "bibtex").records
        assert again[0].authors == first[0].authors
        assert again[0].title.plain() == first[0].title.plain()
    # and the first read is BibTeX's split, decoded: no part lost or moved
    assert [n.family for n in first[0].authors] == [split_bibtex_name(_bibtex_form(p)).family for p in people]
    assert all(n.family for n in first[0].authors)


def test_a_logo_in_a_name_keeps_its_word():
    name = split_bibtex_name(r"{\LaTeX} Project Team")
    assert (name.given, name.family) == ("LaTeX Project", "Team")


def test_an_extended_name_key_with_no_place_is_reported():
    warnings = []
    names, _ = read_names("family=Goethe, given=Johann, given-i=J, sortingnamekeytemplatename=x",
                          lambda message, hint=None: warnings.append(message))
    assert names == (Name(family="Goethe", given="Johann"),)
    assert len(warnings) == 1 and "'sortingnamekeytemplatename'" in warnings[0]


def test_a_word_opening_with_a_letter_accent_counts_by_the_accented_letter():
    # BibTeX and pybtex count `\v{C}a` by the macro's own letter (v: a von word), so only
    # `{\v{C}}a` is capitalised for them; refconv reads the letter TeX prints, as a writer means it
    name = split_bibtex_name(r"\v{C}a Aa")
    assert (name.given, name.non_dropping_particle, name.family) == ("Ča", None, "Aa")


@settings(max_examples=150, deadline=None)
@given(person)
def test_generated_names_split_as_pybtex_splits_them(parts):
    """Where BibTeX's letter is the letter TeX prints (all but the case above)."""
    from pybtex.database import Person

    from converters.text.tex import tex_to_unicode

    def decoded(words):
        return (tex_to_unicode(" ".join(words)).replace("\xa0", " ").strip() or None) if words else None

    assume(not any(word.startswith("\\v") for word in parts[0] + parts[2]))
    for text in (_bibtex_form(parts), " ".join(parts[0] + [parts[1]] + parts[2]).strip()):
        oracle = Person(text)
        ours = split_bibtex_name(text)
        assert (ours.given, ours.non_dropping_particle, ours.family, ours.suffix) == (
            decoded(oracle.first_names + oracle.middle_names), decoded(oracle.prelast_names),
            decoded(oracle.last_names), decoded(oracle.lineage_names))


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_family_of_several_words_with_no_given_part_comes_back_whole(dialect):
    # tugboat.bib's \Thanh is one family "Hàn Thế Thành"; unbraced, BibTeX reads given "Hàn Thế"
    record = converters.Record(key="k", type="article", authors=(Name(family="Hàn Thế Thành"),))
    written = converters.dumps([record], dialect)
    (name,) = converters.loads(written, "bibtex").records[0].authors
    assert name.given is None and (name.family or name.literal) == "Hàn Thế Thành"  # braced: one name
