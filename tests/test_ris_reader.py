"""The RIS reader: features on hand-checked fixtures, failure recovery, the shared corpus
(against rispy's record counts and across ~20 exporters), and round trips through the
writer."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given

import converters
from converters.diagnostics import Reporter, Severity
from converters.extras import Extra, text_keyed
from converters.formats.ris import reader as ris_reader
from converters.formats.ris.tables import RIS_TO_CSL, RIS_TYPES
from converters.keys import KeyAllocator
from converters.loss import LOSS_CODES
from converters.model import Date, Identifiers, Name, Record, Syntax, Text
from converters.options import Options

from .shared import SHARED, shared_files, shared_path
from .strategies import records
from .validators import parse_ris

FIXTURES = Path(__file__).parent / "fixtures" / "ris"
DIVERGENCES = Path(__file__).parent / "known_divergences"


def load(name: str, **options) -> converters.Result:
    return converters.load(FIXTURES / name, format="ris", **options)


def read(text: str, **options) -> converters.Result:
    return converters.loads(text, "ris", **options)


def codes(result, severity: Severity | None = None) -> list[str]:
    return [d.code for d in result.diagnostics if severity is None or d.severity is severity]


# --- line grammar ---------------------------------------------------------------------------


def test_one_or_two_spaces_or_a_tab_before_the_hyphen():
    (record,) = load("two-spaces-or-one-before-hyphen.ris")
    assert record.title == Text("One space or two before the hyphen", Syntax.PLAIN)
    assert record.authors == (Name(family="Smith", given="John"), Name(family="Doe", given="Jane"),
                              Name(family="Tab", given="Tabitha"))
    assert record.issued == Date(2020)


def test_bom_crlf_lf_and_lone_cr_line_ends():
    result = load("bom-crlf-lf-and-lone-cr.ris")
    assert [r.title.value for r in result] == ["First, with CRLF", "Second, with LF", "Third, with lone CR"]
    assert result.diagnostics == []
    assert [r.position.line for r in result] == [1, 5, 8]


def test_exporter_noise_is_ignored_and_reported_as_info_with_its_line():
    result = load("exporter-noise-before-and-after-records.ris")
    assert [r.title.value for r in result] == ["After the header", "Between records"]
    noise = [(d.line, d.severity) for d in result.diagnostics]
    assert noise == [(1, Severity.INFO), (10, Severity.INFO), (16, Severity.INFO)]
    assert "4 lines" in result.diagnostics[0].message and "Record #1 of 2" in result.diagnostics[0].message


def test_an_empty_tag_is_an_empty_value_not_a_continuation():
    (record,) = load("empty-tag-is-an-empty-value.ris")
    assert record.pages is None and record.abstract is None
    assert record.keywords == ("not part of N2",)
    assert text_keyed(record.extras) == {"ris:EP": "12"}  # an end page without a start page is kept, not made a range


def test_continuation_lines_unwrap_titles_and_keep_paragraphs_and_keywords():
    (record,) = load("continuation-lines.ris")
    assert record.title.value == "A title wrapped over two lines"
    assert record.abstract.value == "First paragraph.\nSecond paragraph."
    assert record.note.value == "first line\n* second line"
    assert record.keywords == ("Health Facility Administration", "Joint Commission", "Standards")


def test_text_that_looks_like_er_inside_a_value_does_not_end_the_record():
    text = "TY  - JOUR\nN2  - first line,\nER then second line\nER  - \n"
    (record,) = read(text)
    assert record.abstract.value == "first line,\nER then second line"


def test_a_nul_in_a_title_is_replaced_with_a_warning_at_its_line_and_column():
    result = read("TY  - JOUR\nTI  - Before\x00after, then ESC \x1b and DEL \x7f\nER  - \n")
    (record,) = result
    assert record.title.value == "Before\ufffdafter, then ESC \ufffd and DEL \ufffd"
    assert [(d.code, d.severity, d.line, d.column, d.field) for d in result.diagnostics] == [
        ("ris.control-char", Severity.WARNING, 2, 13, "TI")]
    assert "U+0000" in result.diagnostics[0].message and "3 in this line" in result.diagnostics[0].message


def test_a_line_separator_inside_a_value_reads_as_a_line_break_said_as_info():
    text = "TY  - JOUR\nTI  - Wrapped\u2028title\nAB  - One\x85two\nKW  - a\u2029b\nER  - \n"
    result = read(text)
    (record,) = result
    assert (record.title.value, record.abstract.value, record.keywords) == ("Wrapped title", "One\ntwo", ("a", "b"))
    assert [(d.code, d.severity, d.line, d.column) for d in result.diagnostics] == [
        ("ris.line-break", Severity.INFO, 2, 14), ("ris.line-break", Severity.INFO, 3, 10),
        ("ris.line-break", Severity.INFO, 4, 8)]


# --- tags to the model ------------------------------------------------------------------------


def test_legacy_tags():
    (record,) = load("legacy-tags.ris")
    assert record.key == "2006713348"
    assert record.title.value == "Legacy primary title"
    assert record.authors == (Name(family="Fanning", given="E."), Name(family="Liu", given="R."))
    assert record.issued == Date(2020)
    assert record.abstract.value == "Background: legacy abstract tag."
    assert record.container_title.value == "Orthopaedic Journal of Sports Medicine"  # JF over JO and JA
    assert record.ids.doi == ("10.1177/2325967120950040",)
    assert record.ids.issn == ("2325-9671",)
    # JA is the journal's abbreviation, M3 the type of work (Zotero: journalAbbreviation; spec: M3 type of work)
    assert dict(record.variables) == {"container-title-short": Text("Orthop. J. Sports Med."),
                                      "genre": Text("Article")}
    assert text_keyed(record.extras) == {
        "ris:JO": "Orthop J Sports Med",
        "ris:U1": "102199192", "ris:L2": "https://example.org/landing", "ris:L4": "Figure",
        "ris:SN": "2325-9671 (electronic)",  # which ISSN it is, said by nothing else
    }
    assert [a.location for a in record.attachments] == ["https://example.org/full.pdf"]  # L1: a file


def test_unknown_tags_are_kept_in_extras_never_dropped():
    (record,) = load("unknown-tags-kept-in-extras.ris")
    assert text_keyed(record.extras) == {"ris:JP": "CRISPR\nDirect Current", "ris:DC": "Direct Current",
                                   "ris:C1": "Custom 1"}
    assert record.affiliations == ("Bell Labs",)  # (AD is known: the authors' address)
    written = converters.dumps([record], "ris")
    assert "JP  - CRISPR\r\nJP  - Direct Current\r\n" in written  # and the writer puts them back


def test_several_authors_in_one_line_are_split_when_clearly_separable_and_warned():
    result = load("several-authors-in-one-au-line.ris")
    (record,) = result
    assert record.authors == (Name(family="Smith", given="J."), Name(family="Doe", given="K."),
                              Name(family="Berg", given="Anna", non_dropping_particle="van der"),
                              Name(literal="Mendes; Lab"))
    warnings = [(d.code, d.line, d.column) for d in result.diagnostics]
    assert warnings == [("ris.several-names", 3, 7), ("ris.several-names", 4, 7)]


@pytest.mark.parametrize(("value", "expected"), [
    ("Shannon, Claude E.", Name(family="Shannon", given="Claude E.")),
    ("Shannon,Claude E.", Name(family="Shannon", given="Claude E.")),
    ("Phillips,A.J.,Sr.", Name(family="Phillips", given="A.J.", suffix="Sr.")),
    ("van de Schoot, Rens", Name(family="Schoot", given="Rens", non_dropping_particle="van de")),
    ("Beethoven, Ludwig van", Name(family="Beethoven", given="Ludwig", dropping_particle="van")),
    ("Smith, , Jr.", Name(family="Smith", suffix="Jr.")),
    ("Liu R.", Name(family="Liu", given="R.")),
    ("Brownstein C D", Name(family="Brownstein", given="C D")),
    ("Adler D.G.", Name(family="Adler", given="D.G.")),
    ("John Smith", Name(family="Smith", given="John")),
    ("LIGO Scientific Collaboration", Name(literal="LIGO Scientific Collaboration")),
    ("DeepSeek-AI", Name(literal="DeepSeek-AI")),
    ("Department of Health, UK", Name(literal="Department of Health, UK")),
    ("Banks, Ferdinand E. ", Name(family="Banks", given="Ferdinand E.")),
])
def test_ris_names(value, expected):
    assert ris_reader.parse_name(value) == (expected, None)


@pytest.mark.parametrize(("value", "expected"), [
    ("0\\ 0", Name(family="0", given="0\\")),
    ("Jean--Paul Sartre", Name(family="Sartre", given="Jean--Paul")),
    ("Ann {B.} Lee", Name(family="Lee", given="Ann {B.}")),
    ("Ann~Marie de la Cruz", Name(family="Cruz", given="Ann~Marie", non_dropping_particle="de la")),
    ("100% Lee Jr.", Name(family="Lee", given="100%", suffix="Jr.")),
])
def test_a_ris_name_is_plain_text_never_decoded_as_tex(value, expected):
    assert ris_reader.parse_name(value) == (expected, None)


def test_et_al_sets_the_truncation_flag():
    (record,) = read("TY  - JOUR\nAU  - Smith, J.\nAU  - et al.\nER  - \n")
    assert record.authors == (Name(family="Smith", given="J."),) and record.authors_etal


def test_dates_da_over_py_over_y1_and_y2_only_as_access_date():
    first, second, third, fourth, fifth = load("date-precedence-da-py-y1-never-y2.ris")
    assert first.issued == Date(2012, 7, 3) and first.accessed == Date(2021, 2, 1)
    assert text_keyed(first.extras) == {"ris:DA": "2012/07/03/online first"}  # the "other" part is kept
    # a disagreeing date is kept
    assert second.issued == Date(2012) and text_keyed(second.extras) == {"ris:Y1": "2011//"}
    assert third.issued is None and third.accessed == Date(2021, 2, 1)
    assert fourth.issued == Date(1948, 7)
    assert fifth.issued == Date(2024, 2, 1)


def test_a_season_the_date_used_lacks_is_kept():
    (record,) = converters.loads("TY  - JOUR\nTI  - U\nPY  - 2001///Spring\nDA  - 2001/03/04/\nER  - \n",
                                 "ris").records
    assert record.issued == Date(2001, 3, 4) and text_keyed(record.extras) == {"ris:PY": "2001///Spring"}


@pytest.mark.parametrize(("text", "expected"), [
    ("2020", (Date(2020), True)),
    ("2020///", (Date(2020), True)),
    ("2014//", (Date(2014), True)),
    ("1948/07//", (Date(1948, 7), True)),
    ("1988/03/1", (Date(1988, 3, 1), True)),
    ("2024/04/03/", (Date(2024, 4, 3), True)),
    ("2020/06/25/SuperConf", (Date(2020, 6, 25), False)),
    ("1969///Spring", (Date(1969, season=1), True)),  # a season in "other", as Zotero writes it
    ("1969///fall ", (Date(1969, season=3), True)),
    ("1969/05//Spring", (Date(1969, 5), False)),  # a month and a season: the month read
    ("1969///Spring issue", (Date(1969), False)),
    ("2024-02-01", (Date(2024, 2, 1), True)),
    ("2021/02/30", (Date(2021, 2), False)),
    ("2021/13/01", (Date(2021), False)),
    ("2019 Mar 5", (Date(2019), False)),
    ("Publication Year", (None, False)),
])
def test_ris_dates(text, expected):
    assert ris_reader.parse_date(text) == expected


def test_unreadable_date_is_kept_as_a_literal_with_a_warning():
    result = read("TY  - JOUR\nPY  - in press\nER  - \n")
    assert result[0].issued == Date(literal="in press")
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [("ris.bad-date", 2, 7)]


def test_isbn_and_issn_told_apart_with_check_digits():
    result = load("sn-isbn-or-issn.ris")
    (record,) = result
    assert record.ids.isbn == ("978-0-306-40615-7",)  # one canonical form: hyphenated by its ranges
    assert record.ids.issn == ("0306-4530", "1478-6435", "1478-6443")
    assert text_keyed(record.extras) == {"ris:SN": "12345"}
    assert [(d.code, d.line) for d in result.diagnostics] == [("ris.bad-sn", 6)]


def test_a_qualifier_that_says_more_than_the_numbers_kind_is_kept():
    # "(electronic)" (rispy's example) says which ISSN it is; it was dropped without a word
    result = read("TY  - JOUR\nSN  - 2325-9671 (electronic)\nSN  - 03064530 (ISSN)\nER  - \n")
    (record,) = result
    assert record.ids.issn == ("2325-9671", "0306-4530")
    assert text_keyed(record.extras) == {"ris:SN": "2325-9671 (electronic)"}
    assert [(d.code, d.line) for d in result.diagnostics] == [("ris.sn-text", 2)]


def test_doi_is_normalised_and_taken_from_l3_when_there_is_no_do():
    (record,) = read("TY  - JOUR\nDO  - https://doi.org/10.1000/ABC\nER  - \n")
    assert record.ids.doi == ("10.1000/ABC",)
    result = read("TY  - JOUR\nL3  - 10.1371/journal.pone.0298242\nER  - \n")
    assert result[0].ids.doi == ("10.1371/journal.pone.0298242",)
    assert text_keyed(result[0].extras) == {"ris:L3": "10.1371/journal.pone.0298242"}
    assert codes(result) == ["ris.doi-elsewhere"]


def test_urls_first_to_the_url_the_rest_to_further_links_written_back_each_a_line():
    (record,) = read("TY  - JOUR\nUR  - http://example.com; http://www.example.com\nUR  - http://c.org\nER  - \n")
    assert (record.ids.url, record.ids.links) == ("http://example.com", ("http://www.example.com", "http://c.org"))
    assert not record.extras
    text = converters.dumps([record], "ris")
    assert [line for line in text.splitlines() if line.startswith("UR")] == [
        "UR  - http://example.com", "UR  - http://www.example.com", "UR  - http://c.org"]
    assert read(text)[0].ids == record.ids


# bdj.pensoft's links to SICI DOIs ("...2.0.co;2") lost their ";2": UR was split at every ";"
def test_a_semicolon_inside_a_link_does_not_split_it():
    link = "http://dx.doi.org/10.1130/0016-7606(1961)72[605:adosc]2.0.co;2"
    (record,) = read(f"TY  - JOUR\nUR  - {link}\nER  - \n")
    assert record.ids.url == link and not record.extras


# EndNote's Web of Science links (Rayyan's export, asreview's ris_issue_992) were cut at their spaces:
# URL "<Go", the rest in extras
def test_a_link_that_starts_with_no_scheme_stays_whole():
    (record,) = read("TY  - JOUR\nUR  - <Go to ISI>://WOS:000298449100001\nER  - \n")
    assert record.ids.url == "<Go to ISI>://WOS:000298449100001" and not record.extras


def test_pages_from_sp_and_ep():
    assert read("TY  - JOUR\nSP  - 379\nEP  - 423\nER  - \n")[0].pages == "379-423"
    assert read("TY  - JOUR\nSP  - 105752\nEP  - 105752\nER  - \n")[0].pages == "105752"
    assert read("TY  - JOUR\nSP  - 1-5\nER  - \n")[0].pages == "1-5"


def test_types_by_table_with_the_original_kept_when_the_writer_would_not_give_it_back():
    result = load("types.ris")
    assert [(r.type, r.extras.get(Extra("ris", "TY"))) for r in result] == [
        ("article", None), ("article-journal", "INPR"), ("manuscript", None), ("article-journal", "EJOUR"),
        ("article-journal", None), ("document", "FOO"), ("document", None)]
    assert [(d.code, d.line) for d in result.diagnostics] == [
        ("ris.type-name", 13), ("ris.unknown-type", 16), ("ris.no-type", 19)]
    # RIS -> RIS keeps the exporter's type
    assert converters.dumps(result.records[1:2], "ris").startswith("TY  - INPR\r\n")


# The RIS specification's reference types (RefMan's list, as Wikipedia and citation-js table it),
# written out by hand with the CSL 1.0.2 type each name means: the judge of tables.py, never
# derived from it. Where the plain meaning is not what we read, the comment says why.
SPEC_TYPES = {
    "ABST": "article-journal",  # Abstract (of a journal article)
    "ADVS": "motion_picture",  # Audiovisual material
    "AGGR": "dataset",  # Aggregated database
    "ANCIENT": "classic",  # Ancient text
    "ART": "graphic",  # Art work
    "BILL": "bill",  # Bill
    "BLOG": "post-weblog",  # Blog
    "BOOK": "book",  # Whole book
    "CASE": "legal_case",  # Case
    "CHAP": "chapter",  # Book chapter
    "CHART": "figure",  # Chart
    "CLSWK": "classic",  # Classical work
    "COMP": "software",  # Computer program
    "CONF": "paper-conference",  # Conference proceeding
    "CPAPER": "paper-conference",  # Conference paper
    "CTLG": "entry",  # Catalog
    "DATA": "dataset",  # Data file
    "DBASE": "dataset",  # Online database
    "DICT": "entry-dictionary",  # Dictionary
    "EBOOK": "book",  # Electronic book
    "ECHAP": "chapter",  # Electronic book section
    "EDBOOK": "collection",  # Edited book: CSL would say book; collection is what our writer writes EDBOOK for
    "EJOUR": "article-journal",  # Electronic article
    "ELEC": "webpage",  # Web page
    "ENCYC": "entry-encyclopedia",  # Encyclopedia
    "EQUA": "document",  # Equation: CSL has no type for it
    "FIGURE": "figure",  # Figure
    "GEN": "document",  # Generic
    "GOVDOC": "report",  # Government document
    "GRANT": "document",  # Grant: CSL has no type for it
    "HEAR": "hearing",  # Hearing
    "ICOMM": "personal_communication",  # Internet communication (e-mail, chat)
    "INPR": "article-journal",  # In press: an accepted journal article
    "JFULL": "periodical",  # Journal (full): the whole journal
    "JOUR": "article-journal",  # Journal
    "LEGAL": "legislation",  # Legal rule or regulation
    "MANSCPT": "manuscript",  # Manuscript
    "MAP": "map",  # Map
    "MGZN": "article-magazine",  # Magazine article
    "MPCT": "motion_picture",  # Motion picture
    "MULTI": "motion_picture",  # Online multimedia
    "MUSIC": "musical_score",  # Music score
    "NEWS": "article-newspaper",  # Newspaper
    "PAMP": "pamphlet",  # Pamphlet
    "PAT": "patent",  # Patent
    "PCOMM": "personal_communication",  # Personal communication
    "RPRT": "report",  # Report
    "SER": "periodical",  # Serial publication
    "SLIDE": "speech",  # Slide (a talk's slides)
    "SOUND": "song",  # Sound recording
    "STAND": "standard",  # Standard
    "STAT": "legislation",  # Statute
    "THES": "thesis",  # Thesis/Dissertation
    "UNBILL": "bill",  # Unenacted bill
    "UNPB": "article",  # Unpublished work: CSL's preprint/working-paper type, what our writer writes UNPB for
    "VIDEO": "broadcast",  # Video recording
    "WEB": "webpage",  # Web page (the older spec's code for ELEC)
}

# The CSL type of a work -> the spec type it is, by hand, for the writer.
SPEC_TYPE_OF = {
    "article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS", "book": "BOOK",
    "chapter": "CHAP", "paper-conference": "CPAPER", "report": "RPRT", "thesis": "THES", "manuscript": "MANSCPT",
    "webpage": "ELEC", "post-weblog": "BLOG", "dataset": "DATA", "software": "COMP", "patent": "PAT", "map": "MAP",
    "entry-dictionary": "DICT", "entry-encyclopedia": "ENCYC", "legal_case": "CASE", "legislation": "STAT",
    "bill": "BILL", "hearing": "HEAR", "pamphlet": "PAMP", "personal_communication": "PCOMM", "standard": "STAND",
    "graphic": "ART", "figure": "FIGURE", "musical_score": "MUSIC", "classic": "CLSWK", "motion_picture": "MPCT",
    "document": "GEN",
}


@pytest.mark.parametrize("ty", SPEC_TYPES)
def test_each_ris_spec_type_reads_as_the_csl_type_its_name_means(ty):
    (record,) = read(f"TY  - {ty}\nTI  - T\nER  - \n")
    assert record.type == SPEC_TYPES[ty]
    assert record.type in converters.model.CSL_TYPES


@pytest.mark.parametrize("csl_type", SPEC_TYPE_OF)
def test_each_csl_type_is_written_as_the_ris_spec_type_it_is(csl_type):
    written = converters.dumps([Record(type=csl_type, title=Text("T"))], "ris")
    assert written.startswith(f"TY  - {SPEC_TYPE_OF[csl_type]}\r\n")


def test_every_csl_type_is_written_as_a_ris_spec_type():
    for csl_type in sorted(converters.model.CSL_TYPES):
        ty = converters.dumps([Record(type=csl_type, title=Text("T"))], "ris").split("\r\n")[0]
        assert ty.removeprefix("TY  - ") in SPEC_TYPES, (csl_type, ty)


# Where tables.py deliberately reads or writes a type otherwise than citation-js's RIS tables
# (../shared/schemas/ris/citation-js_spec_types.json), and why.
CITATION_JS_DIFFERS = {
    "read": {
        "EDBOOK": "citation-js: book; we: collection, the type our writer writes EDBOOK for (round trips keep it)",
        "EQUA": "citation-js: article (a preprint in CSL 1.0.2); an equation is no preprint: document",
        "GRANT": "citation-js: article (a preprint in CSL 1.0.2); a grant is no preprint: document",
        "JFULL": "citation-js: article-journal; 'Journal (full)' is a whole journal: periodical",
        "MPCT": "citation-js: broadcast; the spec names it 'Motion picture': motion_picture",
        "SLIDE": "citation-js: motion_picture; slides are a talk's: speech",
        "SOUND": "citation-js: motion_picture; 'Sound recording' is audio: song (CSL's recorded music)",
        "UNBILL": "citation-js: manuscript; 'Unenacted bill' is a bill",
        "UNPB": "citation-js: manuscript; we: article (preprint), what our writer writes UNPB for",
        "VIDEO": "citation-js: motion_picture; we: broadcast, the type our writer writes VIDEO for",
    },
    "write": {
        "article": "citation-js: JOUR; RIS has no preprint type: Options.ris_type, UNPB by default",
        "broadcast": "citation-js: MPCT (read back as motion_picture); VIDEO reads back as broadcast",
        "collection": "citation-js: GEN; EDBOOK (Edited book) reads back as collection",
        "entry": "citation-js: CTLG (Catalog), which is not what an entry is; GEN",
        "interview": "citation-js: GEN; an interview is a personal communication in RIS's list: PCOMM",
        "legislation": "citation-js: LEGAL (Legal rule or regulation); legislation is a statute: STAT",
        "paper-conference": "citation-js: CONF (Conference proceeding, the volume); a paper is CPAPER",
        "periodical": "citation-js: SER; JFULL (Journal, full) is the periodical itself",
        "post": "citation-js: ICOMM (Internet communication, e-mail); a post is a blog's or forum's: BLOG",
        "regulation": "citation-js: LEGAL; we write GEN (the spec's LEGAL also holds rules we read as legislation)",
        "review-book": "citation-js: BOOK; a book review is an article in a journal: JOUR",
        "speech": "citation-js: SOUND; a talk's record in RIS is its slides: SLIDE",
    },
}


def test_type_tables_agree_with_citation_js_except_where_listed_with_a_reason():
    path = SHARED / "schemas" / "ris" / "citation-js_spec_types.json"
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared schemas are not beside this checkout")
    theirs = json.loads(path.read_text(encoding="utf-8"))
    read_differs = {ty for ty, csl in theirs["RIS"].items() if RIS_TO_CSL.get(ty) != csl}
    assert read_differs == set(CITATION_JS_DIFFERS["read"])
    written = {csl: RIS_TYPES.get(csl, "GEN") for csl in theirs["CSL"]}
    written["article"] = Options().ris_type
    write_differs = {csl for csl, ty in theirs["CSL"].items() if written[csl] != ty}
    assert write_differs == set(CITATION_JS_DIFFERS["write"])
    assert set(theirs["RIS"]) <= set(SPEC_TYPES)  # every type citation-js knows is in the hand-written list


def test_our_arxiv_preprint_reads_back_as_a_preprint_with_derived_ids_not_stored():
    (record,) = load("arxiv-preprint-as-our-writer-writes-it.ris")
    assert record.type == "article" and record.publisher == "arXiv" and record.container_title is None
    assert record.ids == Identifiers(arxiv="0704.0001", arxiv_class="hep-ph")  # DOI and URL are derived
    assert record.keywords == ("hep-ph",)
    assert record.extras == {}


def test_a_journal_doi_on_a_preprint_is_kept():
    text = "TY  - UNPB\nPB  - arXiv\nAN  - arXiv:0704.0001\nDO  - 10.1103/PhysRevD.76.013009\nER  - \n"
    assert read(text)[0].ids.doi == ("10.1103/PhysRevD.76.013009",)


def test_preprint_type_option_is_honoured_when_reading_back():
    record = Record(title=Text("T"), publisher="arXiv", ids=Identifiers(arxiv="2101.00001"))
    text = converters.dumps([record], "ris", ris_type="JOUR")
    (back,) = read(text, ris_type="JOUR")
    assert back.type == "article" and back.extras == {}
    (default,) = read(text)
    assert default.type == "article" and text_keyed(default.extras) == {"ris:TY": "JOUR"}


def test_key_goes_out_as_id_and_comes_back():
    record = Record(type="article-journal", key="Knuth:1984", title=Text("T"))
    assert read(converters.dumps([record], "ris"))[0].key == "Knuth:1984"


def test_reader_streams_line_by_line():
    lines = iter(["TY  - JOUR\n", "TI  - One\n", "ER  - \n", "TY  - JOUR\n", "TI  - Two\n", "ER  - \n"])
    records = ris_reader.read(lines, Reporter(), Options())
    assert next(records).title.value == "One"
    assert next(lines) == "TY  - JOUR\n"  # the second record is not read yet


# --- failure recovery -------------------------------------------------------------------------

GOOD_BEFORE = "TY  - JOUR\nTI  - Before\nER  - \n"
GOOD_AFTER = "TY  - JOUR\nTI  - After\nER  - \n"


@pytest.mark.parametrize(("snippet", "code", "line"), [
    ("TY  - JOUR\nTI  - No ER\n", "ris.missing-er", 4),
    ("TY  - JOUR\nTI  - No ER, then text\n\nsome exporter text\n", "ris.missing-er", 4),
    ("TI  - No TY\nAU  - Doe, J.\nER  - \n", "ris.missing-ty", 4),
    ("TY- JOUR\nTI  - Malformed TY line\nER  - \n", "ris.missing-ty", 5),
    ("TY  JOUR\nTI  - TY without hyphen\nER  - \n", "ris.missing-ty", 5),
], ids=["missing-er", "missing-er-then-text", "missing-ty", "malformed-ty", "ty-without-hyphen"])
def test_a_broken_record_costs_one_error_with_its_line_and_the_neighbours_convert(snippet, code, line):
    result = read(GOOD_BEFORE + snippet + GOOD_AFTER)
    assert [r.title.value for r in result] == ["Before", "After"]
    errors = result.errors
    assert [(e.code, e.line) for e in errors] == [(code, line)]
    assert result.failed == 1


def test_a_record_missing_its_final_er_at_end_of_file_is_kept_with_a_warning():
    text = ("TY  - JOUR\nTI  - First complete record\nAU  - Smith, Ann\nPY  - 2001\nER  - \n"
            "TY  - BOOK\nTI  - Second complete record\nAU  - Doe, Jan\nPY  - 2002\n")
    result = read(text)
    assert [(r.type, r.title.value, r.authors, r.issued) for r in result] == [
        ("article-journal", "First complete record", (Name(family="Smith", given="Ann"),), Date(2001)),
        ("book", "Second complete record", (Name(family="Doe", given="Jan"),), Date(2002))]
    assert result.ok and result.failed == 0
    assert [(d.code, d.severity, d.line, d.column, d.key) for d in result.diagnostics] == [
        ("ris.missing-final-er", Severity.WARNING, 6, 1, "Second complete record")]


def test_a_file_cut_inside_a_record_keeps_what_was_read_and_warns_naming_the_line():
    result = read(GOOD_BEFORE + "TY  - JOUR\nTI  - Cut sh")
    assert [r.title.value for r in result] == ["Before", "Cut sh"]
    assert [(d.code, d.line, d.key) for d in result.diagnostics] == [("ris.missing-final-er", 4, "Cut sh")]
    assert "cut short" in result.diagnostics[0].hint


def test_year_0000_is_no_date_with_a_warning_and_the_original_kept():
    result = read("TY  - JOUR\nTI  - Undated\nPY  - 0000\nER  - \n")
    (record,) = result
    assert record.issued is None
    assert text_keyed(record.extras) == {"ris:PY": "0000"}
    assert [(d.code, d.severity, d.line, d.column) for d in result.diagnostics] == [
        ("ris.year-zero", Severity.WARNING, 3, 7)]
    assert "PY  - 0000\r\n" in converters.dumps([record], "ris")  # and RIS output gives it back


def test_year_0000_in_da_gives_way_to_a_real_year_in_py():
    (record,) = read("TY  - JOUR\nDA  - 0000///\nPY  - 2020\nER  - \n")
    assert record.issued == Date(2020) and text_keyed(record.extras) == {"ris:DA": "0000///"}


def test_tags_after_er_are_warned_not_failed():
    result = read(GOOD_BEFORE + "NL  - Clin Psychol Psychother\n\nLink to the full text\n" + GOOD_AFTER)
    assert len(result) == 2 and result.ok
    assert [(d.code, d.line) for d in result.diagnostics] == [("ris.after-er", 4)]


@pytest.mark.parametrize(("head", "name"), [("PMID- 30922926\nOWN - NLM\n", "MEDLINE"),
                                             ("FN Clarivate Analytics Web of Science\nVR 1.0\n", "Web of Science")])
def test_other_tagged_formats_are_named_once(head, name):
    result = read(head + "TI  - Not RIS\n")
    assert len(result) == 0
    assert [(e.code, e.line) for e in result.errors] == [("ris.not-ris", 1)]
    assert name in result.errors[0].message


def test_no_records_is_a_warning():
    result = read("just some text\n")
    assert len(result) == 0 and result.ok
    assert codes(result, Severity.WARNING) == ["ris.no-records"]


# --- the shared corpus --------------------------------------------------------------------------

CORPUS = [p for p in shared_files("corpus/ris", "*.ris", "*.txt") if p.name != "PROVENANCE.txt"]


def _relative(path: Path) -> str:
    return str(path.relative_to(SHARED / "corpus" / "ris"))


def _divergences(name: str) -> dict:
    return json.loads((DIVERGENCES / name).read_text(encoding="utf-8"))


def _rispy_count(path: Path) -> int:
    import rispy

    with open(path, encoding="utf-8-sig", newline="") as handle:
        return len(rispy.load(handle))


@pytest.mark.skipif(not CORPUS, reason="../shared/corpus/ris is absent")
@pytest.mark.parametrize("path", CORPUS, ids=[_relative(p) for p in CORPUS])
def test_corpus_file_reads_with_rispys_count_and_positioned_diagnostics(path):
    result = converters.load(path, format="ris")  # never raises
    assert all(d.line is not None for d in result.diagnostics), [d.render() for d in result.diagnostics]
    known = _divergences("ris.json")
    if _relative(path) in known:
        assert result.errors or len(result) != _rispy_count(path), "stale entry in known_divergences/ris.json"
        return
    assert len(result) == _rispy_count(path)
    assert not result.errors, [e.render() for e in result.errors]
    assert all(r.type in converters.model.CSL_TYPES for r in result)


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    folded = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[\W_]+", "", "".join(c for c in folded if not unicodedata.combining(c)))


COMPARED = ("title", "first-author", "year", "doi")


def _facts(record: Record) -> dict:
    first = record.authors[0] if record.authors else None
    return {
        "title": _norm(record.title.value) if record.title else None,
        "first-author": _norm(first.family or first.literal or first.given) if first else None,
        "year": record.issued.year if record.issued else None,
        "doi": tuple(sorted(d.lower() for d in record.ids.doi)) or None,
    }


@pytest.fixture(scope="module")
def exporters():
    folder = shared_path("corpus", "ris", "citation-file-formatting")
    out = {}
    for path in sorted(folder.glob("*.ris")):
        name = path.stem.removeprefix("_baseline").lstrip("_") or "lens"
        out[name] = converters.load(path, format="ris")
    return out


def _clusters(exporters) -> list[list[tuple[str, Record]]]:
    """The same work across exporters: by DOI, then DOI-less records by normalised title."""
    by_doi: dict[str, list] = defaultdict(list)
    for name, result in exporters.items():
        for record in result:
            if record.ids.doi:
                by_doi[record.ids.doi[0].lower()].append((name, record))
    by_title = defaultdict(set)
    for key, members in by_doi.items():
        for _, record in members:
            by_title[_facts(record)["title"]].add(key)
    for name, result in exporters.items():
        for record in result:
            if not record.ids.doi:
                keys = by_title.get(_facts(record)["title"], set())
                group = next(iter(keys)) if len(keys) == 1 else f"title:{_facts(record)['title']}"
                by_doi[group].append((name, record))
    return [m for m in by_doi.values() if len({name for name, _ in m}) > 1]


def test_exporters_agree_on_title_first_author_year_and_doi(exporters):
    losses = _divergences("ris-exporters.json")
    clusters = _clusters(exporters)
    assert len(clusters) > 100
    disagreements = []
    for members in clusters:
        for fact in COMPARED:
            values = {name: _facts(record)[fact] for name, record in members
                      if fact not in losses.get(name, {}).get("loses", [])}
            if len(set(values.values())) > 1:
                disagreements.append((fact, values))
    assert disagreements == []


def test_exporters_that_do_not_lose_a_fact_have_it_for_every_record(exporters):
    losses = _divergences("ris-exporters.json")
    missing = []
    for name, result in exporters.items():
        lost = losses.get(name, {}).get("loses", [])
        for record in result:
            missing.extend((name, fact, record.label) for fact in COMPARED
                           if fact not in lost and _facts(record)[fact] is None)
    assert missing == []


def test_listed_exporter_losses_are_real(exporters):
    """Each entry of known_divergences/ris-exporters.json is checked against the data."""
    initials = re.compile(r"^(?:[A-Z]\.?[- ]?)+$")
    for name, entry in _divergences("ris-exporters.json").items():
        assert entry["evidence"], name
        result = exporters[name]
        for loss in entry["loses"]:
            if loss == "records":
                assert len(result) == 0 and [e.code for e in result.errors] == ["ris.not-ris"]
            elif loss == "given-names":
                givens = [n.given for r in result for n in r.authors if n.given]
                assert givens and sum(bool(initials.match(g)) for g in givens) >= 0.9 * len(givens), name
            elif loss == "abstract":
                assert any(r.abstract is None for r in result), name
            else:
                assert any(_facts(r)[loss] is None for r in result), (name, loss)


# --- round trips through the writer --------------------------------------------------------------


def _as_ris_can_carry(name: Name) -> Name:
    """RIS has no way to mark a family-only personal name: it reads back as a literal."""
    if not name.literal and not name.given and not name.suffix and not name.non_dropping_particle:
        return Name(literal=name.family)
    return name


def _plain(text: Text | None) -> str | None:
    return " ".join(text.plain().split()) if text else None


def _ris_view(record: Record) -> dict:
    """The fields RIS can carry. It cannot carry: the et-al flag, the arXiv version, DOIs
    after the first, text syntax (values are plain text), line breaks inside values."""
    ids = record.ids
    return {
        "type": record.type, "key": record.key,
        "title": _plain(record.title),
        "authors": tuple(_as_ris_can_carry(n) for n in record.authors),
        "editors": tuple(_as_ris_can_carry(n) for n in record.editors),
        "issued": record.issued, "accessed": record.accessed,
        "abstract": _plain(record.abstract), "note": _plain(record.note), "container": _plain(record.container_title),
        "publisher": record.publisher, "place": record.publisher_place, "volume": record.volume,
        "issue": record.issue, "pages": record.pages, "number": record.number, "edition": record.edition,
        "language": record.language,
        "keywords": tuple(k for k in record.keywords if k != ids.arxiv_class),
        "arxiv": ids.arxiv, "arxiv_class": ids.arxiv_class, "doi": ids.doi[:1], "url": ids.url,
        "isbn": ids.isbn, "issn": ids.issn, "affiliations": record.affiliations,
        "attachments": tuple(a.location for a in record.attachments),  # (L1: the location only)
    }


@given(records)
def test_round_trip_through_ris(record):
    text = converters.dumps([record], "ris")
    assert len(parse_ris(text)) == 1  # rispy agrees it is one RIS record
    result = read(text)
    assert result.ok and not result.diagnostics
    (back,) = result
    assert _ris_view(back) == _ris_view(record)
    assert back.extras == {}


def test_listing_sample_round_trips_through_ris():
    original = converters.load(shared_path("samples", "arxiv-listing.txt")).records
    text = converters.dumps(original, "ris")
    assert len(parse_ris(text)) == len(original)
    back = read(text)
    assert back.ok
    assert [_ris_view(r) for r in back] == [_ris_view(r) for r in original]


def _one_page(pages: str | None) -> str | None:
    """"22-22" is written as SP 22, EP 22 and read back as "22"."""
    match = re.fullmatch(r"(\w+)-(\w+)", pages or "")
    return match[1] if match and match[1] == match[2] else pages


@pytest.mark.skipif(not CORPUS, reason="../shared/corpus/ris is absent")
def test_ris_corpus_round_trips_through_our_writer_and_nothing_is_dropped_silently():
    for path in CORPUS:
        first = converters.load(path, format="ris")
        diagnostics: list = []
        again = read(converters.dumps(first.records, "ris", diagnostics=diagnostics))
        view = [{**_ris_view(r), "pages": _one_page(r.pages)} for r in first]
        assert [{**_ris_view(r), "pages": _one_page(r.pages)} for r in again] == view, path
        reported = {(d.key, d.field) for d in diagnostics}
        allocator = KeyAllocator()
        for before, after in zip(first, again, strict=True):
            written_key = allocator.key_for(before)  # the key the writer reports under
            for key, value in before.extras.items():
                kept = set(value.split("\n")) <= set(after.extras.get(key, "").split("\n"))
                assert kept or (written_key, str(key)) in reported, (path, key)
        # a second pass changes nothing
        assert read(converters.dumps(again.records, "ris")).records == again.records, path


@pytest.mark.parametrize("line", ["AU  Doe, Jane", "AU -Doe, Jane", "AU- Doe, Jane", "au  - Doe, Jane"])
def test_a_line_meant_as_a_tag_line_is_read_as_a_continuation_and_said(line):
    result = converters.loads(f"TY  - JOUR\nTI  - A title\n{line}\nPY  - 2001\nER  - \n", "ris")
    (record,), diagnostics = result.records, result.diagnostics
    assert record.title.value == f"A title {line}" and not record.authors  # read as RIS reads it
    (said,) = [d for d in diagnostics if d.code == "ris.tag-like-line"]
    assert (said.severity, said.line, said.field) == (Severity.WARNING, 3, "TI")
    assert "(AU)" in said.message and "continuation of TI" in said.message


@pytest.mark.parametrize("line", ["wrapped words of the title", "AN-1 is a method", "DOI-based search",
                                  "XY  not a tag we know"])
def test_a_continuation_that_only_starts_like_a_tag_is_not_said(line):
    diagnostics = converters.loads(f"TY  - JOUR\nAB  - An abstract\n{line}\nER  - \n", "ris").diagnostics
    assert not [d for d in diagnostics if d.code == "ris.tag-like-line"]


@pytest.mark.parametrize(("lines", "line", "column", "tag"), [
    # Scopus cut a long N1 and glued the next tag line to it
    ("N1  - References: ... American Psychiatric PubUR  - https://x.org/1", 3, 47, "N1"),
    ("N1  - References: a\nb, American Psychiatric PubUR  - https://x.org/1", 4, 28, "N1"),
    ("TI  - A title PY  - 2020", 3, 15, "TI"),
])
def test_a_tag_line_glued_into_a_value_is_read_as_text_and_said_where(lines, line, column, tag):
    result = converters.loads(f"TY  - JOUR\nAU  - Doe, J\n{lines}\nER  - \n", "ris")
    (record,) = result.records
    assert record.ids.url is None and record.issued is None  # read as RIS reads it: text
    (said,) = [d for d in result.diagnostics if d.code == "ris.tag-in-line"]
    assert (said.severity, said.line, said.column, said.field) == (Severity.WARNING, line, column, tag)


# Rayyan's Embase export writes two tag lines on one line, white space between: the URL read as
# links "U2", "-" and "L2029880245", the DOI line's LK link as a bad DOI
def test_a_second_tag_line_after_white_space_is_read_as_a_line_of_its_own_and_said_where():
    result = converters.loads("TY  - JOUR\nUR  - https://x.org/a?id=1     U2  - L2029880245\n"
                              "DO  - 10.1038/x     LK  - https://y.org/l?d=2\nER  - \n", "ris")
    (record,) = result.records
    assert (record.ids.url, record.ids.doi) == ("https://x.org/a?id=1", ("10.1038/x",))
    assert text_keyed(record.extras) == {"ris:U2": "L2029880245", "ris:LK": "https://y.org/l?d=2"}
    said = [(d.severity, d.line, d.column, d.field) for d in result.diagnostics if d.code == "ris.tag-in-line"]
    assert said == [(Severity.WARNING, 2, 32, "UR"), (Severity.WARNING, 3, 21, "DO")]
    assert [d.code for d in result.diagnostics if d.code != "ris.tag-in-line"] == []


def test_words_after_a_link_stay_one_text():
    (record,) = read("TY  - JOUR\nUR  - http://x.org/a http://x.org/b (accessed 5 March 2020)\nER  - \n")
    assert (record.ids.url, record.ids.links) == ("http://x.org/a", ("http://x.org/b",))
    assert text_keyed(record.extras) == {"ris:UR": "(accessed 5 March 2020)"}


@pytest.mark.parametrize("text", ["A title - with a dash", "XY  - not a tag we know", "the AB-1 score"])
def test_a_value_with_only_a_dash_or_an_unknown_tag_is_not_said(text):
    diagnostics = converters.loads(f"TY  - JOUR\nTI  - {text}\nER  - \n", "ris").diagnostics
    assert not [d for d in diagnostics if d.code == "ris.tag-in-line"]


@pytest.mark.parametrize("note, plain", [
    ("<p>XHTML tags should be stripped, leaving content <strong>intact</strong>.</p>",
     "XHTML tags should be stripped, leaving content intact."),  # Zotero writes its notes as HTML
    ("<div><p>First.</p><p>Second &amp; last.</p></div>", "First.\n\nSecond & last."),
    ("a<b and c>d, R&amp;D", "a<b and c>d, R&amp;D"),  # no tag: plain text, as RIS is
    ("<p>First<p>Second, left open as HTML allows", "First\n\nSecond, left open as HTML allows"),
    ("First line<br>second line", "First line\nsecond line"),
])
def test_html_in_a_note_is_markup_not_characters(note, plain):
    [record] = converters.loads(f"TY  - JOUR\nTI  - T\nN1  - {note}\nER  - \n", "ris").records
    assert record.note.plain() == plain
    assert "<p>" not in converters.dumps([record], "csl-json") and "<p>" not in converters.dumps([record], "biblatex")


# a tag named in plain text (a BibTeX abstract about HTML, written to RIS as it is) was read as
# markup, and the whole value's entities with it: "Use a  element, AT&T."
@pytest.mark.parametrize("text", ["Use a <p> element, AT&amp;T.", "the </p> end tag", "an <li> in <ul>s",
                                  "<p>unclosed, then a stray </div>"])
def test_a_tag_named_in_plain_text_is_text(text):
    [record] = converters.loads(f"TY  - JOUR\nTI  - T\nAB  - {text}\nER  - \n", "ris").records
    assert record.abstract.plain() == text


# font.bib's {Electronic Arts} and {Advantage Computing} were written "AU  - Electronic Arts" and
# read back as persons ("Arts, Electronic"); an organisation that reads as a person's names is
# now written with EndNote's mark of a corporate author, a trailing comma
@pytest.mark.parametrize("organisation, written", [("Electronic Arts", "Electronic Arts,"),
                                                   ("Advantage Computing", "Advantage Computing,"),
                                                   ("World Health Organization", "World Health Organization"),
                                                   ("Nature", "Nature")])
def test_an_organisation_comes_back_an_organisation(organisation, written):
    record = Record(type="book", title=Text("T"), authors=(Name(literal=organisation),))
    text = converters.dumps([record], "ris")
    assert f"AU  - {written}\r\n" in text
    assert converters.loads(text, "ris").records[0].authors == (Name(literal=organisation),)
    # a CSL family name alone (issue_126.json's "American College of Sports Medicine") is written so too
    family_only = converters.dumps([record.evolve(authors=(Name(family=organisation),))], "ris")
    assert f"AU  - {written}\r\n" in family_only


# manubot's arXiv preprints are CSL "report"s: written TY RPRT, they read back as preprints
# ("article"), as our own arXiv records written with --ris-type RPRT must; said, not silent
def test_a_report_on_arxiv_reads_back_as_a_preprint_and_the_writer_says_so():
    record = Record(type="report", title=Text("T"), publisher="arXiv", ids=Identifiers(arxiv="1707.02264"))
    diagnostics: list = []
    text = converters.dumps([record], "ris", diagnostics=diagnostics)
    assert converters.loads(text, "ris").records[0].type == "article"
    assert [d.field for d in diagnostics if d.code in LOSS_CODES] == ["type"]
