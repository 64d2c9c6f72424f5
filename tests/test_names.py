"""text/names.py: the brace-aware splitters, pinned against simple reference implementations.

split_top_level and split_author_line take shortcuts for speed (only braces are visited;
a group with no "and" skips the per-name test); the references below are the plain
character-by-character and name-by-name versions they replaced.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converters.text.names import split_author_line, split_top_level


def reference_split_top_level(text: str, separator: str = ",") -> list[str]:
    opened: list[int] = []  # a `{` that nothing closes is an ordinary character
    for i, ch in enumerate(text):
        if ch == "{":
            opened.append(i)
        elif ch == "}" and opened:
            opened.pop()
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "{" and i not in opened:
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == separator and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


_AND = re.compile(r"^(?:and|&)\s+|\s+(?:and|&)\s+", re.IGNORECASE)
_LEADING_AND = re.compile(r"^(?:and|&)\s+", re.IGNORECASE)


def reference_split_author_line(line: str) -> list[str]:
    from converters.text.names import _looks_organisational, _looks_personal

    out = []
    for group in reference_split_top_level(line, ":"):
        for chunk in reference_split_top_level(group):
            chunk = chunk.strip()
            if not chunk:
                continue
            pieces = [p.strip() for p in _AND.split(chunk) if p.strip()]
            if len(pieces) > 1 and (all(map(_looks_personal, pieces)) or all(map(_looks_organisational, pieces))):
                out.extend(pieces)
            else:
                out.append(_LEADING_AND.sub("", chunk))
    return out


braced_text = st.text(alphabet="{}\\,: ab", max_size=40)


@settings(max_examples=1000)
@given(text=braced_text, separator=st.sampled_from([",", ":", " ", "a", "\\"]))
def test_split_top_level_matches_the_character_loop(text, separator):
    assert split_top_level(text, separator) == reference_split_top_level(text, separator)


@pytest.mark.parametrize("text, expected", [
    ("a, {b, c}, d", ["a", " {b, c}", " d"]),
    ("{a, {b, c}}, d", ["{a, {b, c}}", " d"]),  # nested group
    ("x{a,b}y, z", ["x{a,b}y", " z"]),  # a group inside a piece
    ("a, \\{b, c\\}", ["a", " \\{b, c\\}"]),  # a backslash does not escape a brace here
    ("a}, b, {c, d", ["a}", " b", " {c", " d"]),  # stray `}` ignored, and so is an unclosed `{`
    ("{a, {b}, c", ["{a", " {b}", " c"]),
    ("{}, {}", ["{}", " {}"]),
    ("", [""]),
])
def test_split_top_level_examples(text, expected):
    assert split_top_level(text) == expected == reference_split_top_level(text)


names_line = st.lists(
    st.sampled_from(["Ann Lee", "B. Roe", "and", "And", "AND", "&", "CMS Collaboration", "{X, Y}", "{and}", "Alexander",
                     "Sandra", "land", ",", ", ", ":", " ", "  ", "\t", "\u00a0", "{", "}", "\\'e", "a", "x"]),
    max_size=14,
).map("".join)


@settings(max_examples=1000)
@given(line=names_line)
def test_split_author_line_matches_the_name_by_name_reference(line):
    assert split_author_line(line) == reference_split_author_line(line)


@pytest.mark.parametrize("line, expected", [
    ("A. One, B. Two and C. Three", ["A. One", "B. Two", "C. Three"]),
    ("A. One,and B. Two", ["A. One", "B. Two"]),  # "and" right after a comma
    ("and A. One", ["A. One"]),  # "and" starting the group
    ("The CMS and LHCb Collaborations: V. K, A. S, Alexander Sand", [
        "The CMS and LHCb Collaborations", "V. K", "A. S", "Alexander Sand"]),
    ("A. {One, Jr}, B. Two", ["A. {One, Jr}", "B. Two"]),
])
def test_split_author_line_examples(line, expected):
    assert split_author_line(line) == expected == reference_split_author_line(line)


def test_unclosed_brace_in_arxiv_author_line_does_not_join_the_authors():
    # arXiv 2302.12805 (JADES) in astro-ph/listings/pastweek: "Rodr\'{iguez" never closes its group
    line = ("Michael V. Maseda, Tim Rawle, Hans-Walter Rix, Bruno Rodr\\'{iguez Del Pino,\n"
            "  Renske Smit, Hannah \\\"Ubler, Daniel J. Eisenstein, Kevin Hainline, Ryan\n"
            "  Hausen, Lester Sandles, Jan Scholtz, Irene Shivaei")
    names = split_author_line(line)
    assert names[3] == "Bruno Rodr\\'{iguez Del Pino"
    assert names[4].strip() == "Renske Smit"
    assert len(names) == 12
    assert names == reference_split_author_line(line)


@pytest.mark.parametrize(("text", "given", "particle", "family"), [
    ("Paolo Di Vecchia", "Paolo", None, "Di Vecchia"),  # arXiv's authors_parsed: ["Di Vecchia", "Paolo"]
    ("Hans De Raedt", "Hans", None, "De Raedt"),
    ("Jan Van Der Berg", "Jan", None, "Van Der Berg"),
    ("Anna La Rosa", "Anna", None, "La Rosa"),
    ("Ludwig van Beethoven", "Ludwig", "van", "Beethoven"),  # lower case: BibTeX's von part, as before
    ("Maria de la Cruz", "Maria", "de la", "Cruz"),
    ("Di Vecchia", "Di", None, "Vecchia"),  # no given name would be left
    ("Denis Lee Smith", "Denis Lee", None, "Smith"),  # not a prefix
])
def test_a_capitalised_prefix_before_the_last_word_begins_the_family_name(text, given, particle, family):
    from converters.text.names import split_display_name

    name = split_display_name(text)
    assert (name.given, name.non_dropping_particle, name.family) == (given, particle, family)


# "in 't Veld" (0704.0474's Pieter J. in 't Veld): BibTeX's von part is "in 't", since a word's first
# letter decides its case; RIS, JATS and CSL-JSON (parse-names) read it by the one rule
_VELD_RIS = "TY  - JOUR\nAU  - in 't Veld, Pieter J.\nTI  - T\nER  - \n"
_VELD_JATS = ('<ref-list><ref id="r1"><element-citation publication-type="journal"><person-group '
              'person-group-type="author"><name><surname>in \'t Veld</surname><given-names>Pieter J.</given-names>'
              '</name></person-group><article-title>T</article-title></element-citation></ref></ref-list>')
_VELD_CSL = ('[{"id": "a", "type": "book", '
             '"author": [{"family": "in \'t Veld", "given": "Pieter J.", "parse-names": true}]}]')


@pytest.mark.parametrize("fmt, text", [("ris", _VELD_RIS), ("jats", _VELD_JATS), ("csl-json", _VELD_CSL),
                                       ("bibtex", "@book{a, author = {in 't Veld, Pieter J.}}")])
def test_a_particle_starting_with_an_apostrophe_is_part_of_the_particle(fmt, text):
    import converters

    [record] = converters.loads(text, fmt).records
    [name] = record.authors
    assert (name.non_dropping_particle, name.family, name.given) == ("in 't", "Veld", "Pieter J.")


@pytest.mark.parametrize("name", ["Texas Instruments Incorporated", "Lorin Software", "Adobe Systems, Inc.",
                                  "British Museum", "Ministry of Health"])
def test_an_organisation_written_alone_in_ris_reads_back_whole(name):
    import converters

    [record] = converters.loads(f"TY  - BOOK\nAU  - {name}\nTI  - T\nER  - \n", "ris").records
    assert [a.literal for a in record.authors] == [name]


@pytest.mark.parametrize("line", ["M. Bureau", "W. H. Press", "A. Bank"])
def test_surnames_that_are_also_words_stay_people(line):
    from converters.text.names import is_organisation

    assert not is_organisation(line)
