"""arXiv author strings as every arXiv reader shares them (``arxiv/authors.py``):
hostile characters, and the shapes of real author lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import converters
from converters.extras import Extra
from converters.formats.arxiv import authors as arxiv_authors
from converters.formats.arxiv.authors import parse_author_string, split_author_string
from converters.model import Name

from .test_arxiv_sources import affiliation_lines_of, plain_names

# U+E000 and U+F8FF: the ends of the BMP private use area, which the parser once used
# for its own affiliation markers (U+E000 was the first group's marker)
PRIVATE = ["\ue000", "\ue001", "\uf8ff", "\U000f0000"]

ABS = """------------------------------------------------------------------------------
\\\\
arXiv:0704.0001
From: A Person <xxxx@xxxx.xxx>
Date: Mon, 2 Apr 2007 19:18:42 GMT   (443kb)

Title: A title
Authors: {authors}
Categories: math.CO
\\\\
  An abstract.
\\\\
"""


def _snapshot(authors: str) -> str:
    return json.dumps({"id": "0704.0001", "title": "A title", "authors": authors,
                       "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]})


@pytest.mark.parametrize("char", PRIVATE, ids=lambda c: f"U+{ord(c):04X}")
def test_private_use_character_in_an_author_is_kept_not_a_crash(char):
    parsed = parse_author_string(f"Ann B{char}c, Carl Dee")
    assert parsed.names == [Name(family=f"B{char}c", given="Ann"), Name(family="Dee", given="Carl")]
    assert parsed.affiliations == [] and parsed.problems == []


@pytest.mark.parametrize("char", PRIVATE, ids=lambda c: f"U+{ord(c):04X}")
def test_private_use_character_never_takes_an_affiliation_that_is_not_its_own(char):
    parsed = parse_author_string(
        f"Ann Bc (MIT), Carl D{char}e (CERN), Eve Fo (1), Gil Ho (1 and 2) ((1) DESY, (2) KEK)")
    assert [n.display() for n in parsed.names] == ["Ann Bc", f"Carl D{char}e", "Eve Fo", "Gil Ho"]
    assert parsed.affiliations == [("Ann Bc", ["MIT"]), (f"Carl D{char}e", ["CERN"]), ("Eve Fo", ["DESY"]),
                                   ("Gil Ho", ["DESY", "KEK"])]


def _oai_raw(authors: str) -> str:
    fixture = Path(__file__).parent / "fixtures" / "arxiv" / "oai-getrecord-arxivraw-versions.xml"
    return fixture.read_text(encoding="utf-8").replace("Ileana Streinu and Louis Theran", authors)


def _mailing(authors: str) -> str:
    """A mailing block: the .abs header closed by the mailing's ``\\\\ ( URL , size)`` line."""
    return ABS.format(authors=authors).replace("\\\\\n  An abstract.\n\\\\\n",
                                               "\\\\ ( https://arxiv.org/abs/0704.0001 ,  443kb)\n")


@pytest.mark.parametrize("fmt, text", [("arxiv-abs", ABS.format(authors="Ann B\ue000c (MIT), Carl Dee")),
                                       ("arxiv-json", _snapshot("Ann B\ue000c (MIT), Carl Dee")),
                                       ("arxiv-oai", _oai_raw("Ann B\ue000c (MIT), Carl Dee")),
                                       ("arxiv-mailing", _mailing("Ann B\ue000c (MIT), Carl Dee"))])
def test_private_use_character_in_an_author_reads_through_the_arxiv_readers(fmt, text):
    result = converters.loads(text, fmt)
    assert result.ok and not result.errors
    (record,) = result
    assert plain_names(record.authors) == (Name(family="B\ue000c", given="Ann"), Name(family="Dee", given="Carl"))
    assert affiliation_lines_of(record) == "Ann B\ue000c: MIT"


def test_a_lone_private_use_character_is_an_author_not_dropped():
    assert parse_author_string("\ue005").names == [Name(literal="\ue005")]


def test_affiliation_after_a_comma_belongs_to_the_name_before():
    """astro-ph/0001007 writes "Myung Gyoon Lee, (1), and ...": the group was dropped unsaid."""
    parsed = parse_author_string("Eunhyeuk Kim (1), Myung Gyoon Lee, (1), and Doug Geisler (2) ((1)\n"
                                 "  Seoul National University, Korea (2) Universidad de Concepcion, Chile)")
    assert [n.display() for n in parsed.names] == ["Eunhyeuk Kim", "Myung Gyoon Lee", "Doug Geisler"]
    assert parsed.affiliations == [("Eunhyeuk Kim", ["Seoul National University, Korea"]),
                                   ("Myung Gyoon Lee", ["Seoul National University, Korea"]),
                                   ("Doug Geisler", ["Universidad de Concepcion, Chile"])]
    assert parsed.problems == []


def test_listing_author_line_affiliations_are_kept_like_the_other_arxiv_readers():
    text = "A title\nAnn Bee (MIT, Cambridge), Carl Dee\n\nAn abstract.\n\narXiv:2101.00001\nCreated: 2021-01-04\n"
    (record,) = converters.loads(text, "arxiv-listing")
    assert plain_names(record.authors) == (Name(family="Bee", given="Ann"), Name(family="Dee", given="Carl"))
    assert affiliation_lines_of(record) == "Ann Bee: MIT, Cambridge"
    assert record.authors[0].affiliation == ("MIT, Cambridge",) and Extra("arxiv", "affiliations") not in record.extras


_PIECES = ["Ann Bee", "C. Dee", "Jr.", "III", "V. Roe", "et al", "et al.", "Carl Dee et al.", "and", "&",
           "The X Collaboration",
           ":", ",", ", ", " ", "(MIT)", "(1)", "((1) DESY)", "Ett Alm", "van der Tak", "\ue000"]


@given(st.lists(st.sampled_from(_PIECES), max_size=10).map(" ".join))
def test_author_split_fast_path_agrees_with_the_name_by_name_path(text):
    """Strings without "et al" or affiliations skip the step per name: same result."""
    fast = split_author_string(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arxiv_authors, "_ETAL_HINT", re.compile(""))  # every string takes the slow path
        slow = split_author_string(text)
    assert fast == slow


@pytest.mark.parametrize("line, expected", [  # real author strings of the astro-ph listings (../shared corpus)
    ("Frank C. van den Bosch and Martin D. Weinberg", ["Frank C. van den Bosch", "Martin D. Weinberg"]),
    ("C. J. A. P. Martins and G. Rocha", ["C. J. A. P. Martins", "G. Rocha"]),
    ("P. H. R. S. Moraes and J. E. Horvath", ["P. H. R. S. Moraes", "J. E. Horvath"]),
    ("Chritstiaan P. A. van Buchem and Ignas A. G. Snellen", ["Chritstiaan P. A. van Buchem", "Ignas A. G. Snellen"]),
    ("V.Bujarrabal and J.-F.Desmurs", ["V. Bujarrabal", "J.-F. Desmurs"]),  # glued initials
    # 0704.0682 as written: numbered affiliations after the glued names (were one name, "and" its particle)
    ("F.Colomer (2), V.Bujarrabal (2) and J.-F.Desmurs (2) ((1) JIVE, (2) Observatorio Astronomico Nacional)",
     ["F. Colomer", "V. Bujarrabal", "J.-F. Desmurs"]),
    ("A.B.Smith (MIT) and C.Jones (CERN)", ["A.B. Smith", "C. Jones"]),
    # astro-ph/0001 and 2301 as written: no comma after an affiliation, which ends the name (as for arXiv)
    ("Paul A. Crowther (UCL), D. John Hillier (Pittsburgh) Allan J. Willis (UCL), Patrick W. Morris (Amsterdam)",
     ["Paul A. Crowther", "D. John Hillier", "Allan J. Willis", "Patrick W. Morris"]),
    ("V. S. Veena (MPIfR, Bonn) Rolf Guesten (MPIfR, Bonn) F. Wyrowski (MPIfR, Bonn)",
     ["V. S. Veena", "Rolf Guesten", "F. Wyrowski"]),
    # astro-ph/0001099 as written: a stray "." after the last affiliation (was family ".")
    ("Vijay K. Narayanan (1 and 2), David H. Weinberg (1) .((1) Ohio State, (2) Princeton)",
     ["Vijay K. Narayanan", "David H. Weinberg"]),
    # astro-ph/0601 as written: a stray ";" ended the last name (was a literal "V.S.Niemela;")
    ("E.Fernandez Lajus and V.S.Niemela; (Facultad de Ciencias Astronomicas)", ["E.Fernandez Lajus", "V.S. Niemela"]),
    ("Caleb K. Lo, Robert W. Heath, Jr. and Sriram Vishwanath",  # 0704.0802
     ["Caleb K. Lo", "Robert W. Heath, Jr.", "Sriram Vishwanath"]),
    ("The CMS and LHCb Collaborations", ["The CMS and LHCb Collaborations"]),  # organisations stay whole
    # 1310.8286 (PHENIX) as written: the comma of a TeX thin space split off an author " Jr."
    (r"D.E. Fields, M. Finger, M. Finger,\, Jr., F. Fleuret", ["D.E. Fields", "M. Finger", "M. Finger, Jr.",
                                                              "F. Fleuret"]),
    (r"A.\,B. Cee and X. Y\\, Z. W", ["A. B. Cee", "X. Y", "Z. W"]),  # (a line break stays a break)
])
def test_and_splits_two_people_whose_names_have_initials_or_particles(line, expected):
    assert [n.display() for n in parse_author_string(line).names] == expected


def test_initials_written_together_are_spaced_as_arxivs_own_split_spaces_them():
    from converters.formats.arxiv.common import spaced_initials
    from converters.model import Name

    cases = {"A.A.": "A. A.", "Yu.N.": "Yu. N.", "Koenraad M.R.": "Koenraad M. R.", "C.-P.": "C.-P.",
             "C. -P.": "C.-P.", "A. A.": "A. A.", "Vladimir I.": "Vladimir I."}
    for written, spaced in cases.items():
        assert spaced_initials(Name(family="X", given=written)).given == spaced, written
    # the listing and the snapshot's authors_parsed now give one name
    text = "A title\nA.A. Serga, M. Kostylev\n\nAbstract.\n\narXiv:0704.0024\nCreated: 2007-04-01\n"
    listing = converters.loads(text, "arxiv-listing").records
    assert [a.given for a in listing[0].authors] == ["A. A.", "M."]


def test_a_name_after_an_affiliation_without_a_comma_keeps_its_own_affiliation():
    split = split_author_string("D. John Hillier (Pittsburgh) Allan J. Willis (UCL) and A. Smith (MIT) Jr.")
    assert split.names == ["D. John Hillier", "Allan J. Willis", "A. Smith Jr."]
    assert split.affiliations == {0: ["Pittsburgh"], 1: ["UCL"], 2: ["MIT"]}


@pytest.mark.parametrize("parts, expected", [
    # arXiv's own parse (OAI keyname/forenames, the snapshot's authors_parsed) splits collaborations too
    (("Collaboration", "Super-Kamiokande"), Name(literal="Super-Kamiokande Collaboration")),
    (("Collaboration", "Dipanwita Dutta for the CMS"), Name(literal="Dipanwita Dutta for the CMS Collaboration")),
    (("Tak", "Floris van der"), Name(family="Tak", given="Floris van der")),
    (("van der Tak", "Floris"), Name(family="Tak", given="Floris", non_dropping_particle="van der")),
    (("in 't Veld", "Pieter J."), Name(family="Veld", given="Pieter J.", non_dropping_particle="in 't")),
    ((":",), None),  # "BICEP2/Keck Array Collaborations: ...": no name (the reader warns)
])
def test_names_given_in_parts(parts, expected):
    from converters.formats.arxiv.authors import name_from_parts

    assert name_from_parts(*parts) == expected
