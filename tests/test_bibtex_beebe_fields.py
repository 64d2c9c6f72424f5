"""Nelson Beebe's bibliographies (the largest .bib files people share) spell several CSL
variables their own way: fjournal beside journal, isbn-13 beside isbn, an INSPEC record's
conference, meetingaddress and meetingdate, dates in words. Each is read into its variable
and written back as the source had it."""

from __future__ import annotations

import json

import pytest

import converters
from converters.extras import Extra, Kind, text_keyed
from converters.formats.bibtex.dates import parse_prose
from converters.model import Date, Record, Syntax, Text

from .tex_tools import missing_programs, run_biber, run_bibtex


def _read(text: str) -> Record:
    (record,) = converters.loads(text, "bibtex").records
    return record


def _article(fields: str) -> str:
    return f"@article{{k, author = {{Ann Author}}, title = {{T}}, year = 1990, {fields}}}\n"


# --- fjournal -----------------------------------------------------------------------------

# (journal, fjournal, shortjournal or None, container-title, container-title-short or None)
JOURNALS = [
    # the usual case: journal is the abbreviation, fjournal the full name
    ("IEEE Trans. Pattern Anal. Mach. Intell.", "IEEE Transactions on Pattern Analysis and Machine Intelligence", None,
     "IEEE Transactions on Pattern Analysis and Machine Intelligence", "IEEE Trans. Pattern Anal. Mach. Intell."),
    # journal the longer name (a @string of the full name), fjournal the usual short one
    ("Communications of the Association for Computing Machinery", "Communications of the {ACM}", None,
     "Communications of the Association for Computing Machinery", "Communications of the {ACM}"),
    # the same name twice
    ("Scientific American", "Scientific American", None, "Scientific American", None),
    # a journalabr saying what journal says: journal is that short form
    ("J. Chem.", "Journal of Chemistry", "J. Chem.", "Journal of Chemistry", "J. Chem."),
]


@pytest.mark.parametrize(("journal", "fjournal", "short", "title", "title_short"), JOURNALS)
def test_of_journal_and_fjournal_the_longer_is_the_container_title_the_other_its_short_form(
        journal, fjournal, short, title, title_short):
    abbreviation = f", journalabr = {{{short}}}" if short else ""
    record = _read(_article(f"journal = {{{journal}}}, fjournal = {{{fjournal}}}{abbreviation}"))
    assert record.container_title == Text(title, Syntax.BIBTEX)
    assert record.variables.get("container-title-short") == (Text(title_short, Syntax.BIBTEX) if title_short else None)
    assert not [key for key in text_keyed(record.extras) if not key.startswith("bibtex:@")]  # nothing left as data
    (item,) = json.loads(converters.dumps([record], "csl-json"))
    assert not [key for key in item.get("custom", {}) if not key.startswith("bibtex:@")]


@pytest.mark.parametrize(("journal", "fjournal", "short", "title", "title_short"), JOURNALS)
def test_journal_and_fjournal_are_written_back_as_the_source_had_them(journal, fjournal, short, title, title_short):
    abbreviation = f", journalabr = {{{short}}}" if short else ""
    record = _read(_article(f"journal = {{{journal}}}, fjournal = {{{fjournal}}}{abbreviation}"))
    out = converters.dumps([record], "bibtex", tex="utf8")
    assert f"  journal = {{{journal}}}," in out and f"  fjournal = {{{fjournal}}}," in out, out
    assert "shortjournal" not in out  # the short form is in journal or fjournal already
    assert _read(out) == record
    biblatex = converters.dumps([record], "biblatex", tex="utf8")
    assert f"  journaltitle = {{{title}}}," in biblatex and "fjournal = " in biblatex, biblatex
    assert (f"  shortjournal = {{{title_short}}}," in biblatex) == (title_short is not None)
    # and through CSL-JSON, whose custom keeps which field held which name
    again = converters.loads(converters.dumps([record], "csl-json"), "csl-json").records[0]
    assert converters.dumps([again], "bibtex", tex="utf8") == out


def test_a_third_name_in_journalabr_leaves_journal_the_container_and_fjournal_data():
    record = _read(_article("journal = {J. Chem.}, journalabr = {J Chem}, fjournal = {Journal of Chemistry}"))
    assert record.container_title == Text("J. Chem.", Syntax.BIBTEX)
    assert record.variables["container-title-short"] == Text("J Chem", Syntax.BIBTEX)
    assert record.extras[Extra("bibtex", "fjournal")] == "Journal of Chemistry"


def test_fjournal_differing_from_journal_only_in_hyphenation_hints_is_written_again_as_given():
    record = _read(_article("journal = {TeXhax}, fjournal = {{\\TeX}{\\-}hax}"))
    assert record.container_title == Text("TeXhax", Syntax.BIBTEX) and "container-title-short" not in record.variables
    out = converters.dumps([record], "bibtex", tex="utf8")
    assert "  journal = {TeXhax}," in out and "  fjournal = {{\\TeX}{\\-}hax}," in out


def test_fjournal_reaches_ris_as_the_journal_and_is_not_reported_dropped():
    record = _read(_article("journal = {Comm. ACM}, fjournal = {Communications of the ACM}"))
    diagnostics: list = []
    ris = converters.dumps([record], "ris", diagnostics=diagnostics)
    assert "T2  - Communications of the ACM\r\n" in ris and "J2  - Comm. ACM\r\n" in ris
    assert not [d for d in diagnostics if d.code == "write.lost"]


# --- isbn-13 --------------------------------------------------------------------------------


def test_an_isbn13_naming_the_isbns_books_is_how_the_source_wrote_them():
    record = _read("@book{k, title = {T}, isbn = {0-486-23928-4, 0-486-23929-2},"
                   " isbn-13 = {978-0-486-23928-6, 978-0-486-23929-3}}")
    assert record.ids.isbn == ("0-486-23928-4", "0-486-23929-2")
    assert text_keyed(record.extras) == {"bibtex:@written:isbn-13": "978-0-486-23928-6, 978-0-486-23929-3"}
    diagnostics: list = []
    converters.dumps([record], "ris", diagnostics=diagnostics)
    assert not [d for d in diagnostics if d.code == "write.lost"]
    out = converters.dumps([record], "bibtex")
    assert "  isbn-13 = {978-0-486-23928-6, 978-0-486-23929-3}," in out and _read(out) == record


def test_an_isbn13_of_another_book_joins_the_records_isbns():
    record = _read("@book{k, title = {T}, isbn = {94-6208-440-8},"
                   " isbn-13 = {978-94-6208-440-7, 978-94-6208-451-3 (pdf)}}")
    assert record.ids.isbn == ("94-6208-440-8", "978-94-6208-451-3")
    assert record.extras[Extra("bibtex", "isbn-13")] == "978-94-6208-440-7, 978-94-6208-451-3 (pdf)"  # the qualifier


def test_a_qualifier_without_parentheses_is_no_part_of_the_isbn():
    record = _read("@book{k, title = {T}, isbn = {0-901420-59-X hardback}}")
    assert record.ids.isbn == ("0-901420-59-X",)
    assert record.extras[Extra("bibtex", "isbn")] == "0-901420-59-X hardback"  # the word lives on with the number


# --- conferences and dates in words -----------------------------------------------------------

# (Beebe's date as written, the date)
DATES_IN_WORDS = [
    ("Aug 29--Sep 2 1977", Date(1977, 8, 29, end=Date(1977, 9, 2))),
    ("Feb 9--10 1994", Date(1994, 2, 9, end=Date(1994, 2, 10))),
    ("22--23 March 1991", Date(1991, 3, 22, end=Date(1991, 3, 23))),
    ("May 28--30, 1986", Date(1986, 5, 28, end=Date(1986, 5, 30))),
    ("29 Aug.--1 Sept. 1988", Date(1988, 8, 29, end=Date(1988, 9, 1))),
    ("September 8, 2020", Date(2020, 9, 8)),
    ("25 Jun 2003", Date(2003, 6, 25)),
    ("May 1990", Date(1990, 5)),
    ("1994-02-09/1994-02-10", Date(1994, 2, 9, end=Date(1994, 2, 10))),  # as refconv writes a date
    # no date refconv reads: kept as written
    ("08/29--09/02/77", Date(literal="08/29–09/02/77")),
    ("held in Anaheim, California; 27--31 July 1987", Date(literal="held in Anaheim, California; 27–31 July 1987")),
    ("Feb 30 1990", Date(literal="Feb 30 1990")),
    ("Dec 30--Jan 2 1990", Date(literal="Dec 30–Jan 2 1990")),
    ("10 11 1994", Date(literal="10 11 1994")),
]


@pytest.mark.parametrize(("text", "date"), DATES_IN_WORDS, ids=[t for t, _ in DATES_IN_WORDS])
def test_a_date_in_words_is_read_or_kept_as_a_literal(text, date):
    parsed, problems = parse_prose(text, "meetingdate")
    assert parsed == date
    assert [p.info for p in problems] == ([True] if date.literal else [])


def test_an_inspec_conference_is_the_event_and_its_fields_come_back():
    source = ("@inproceedings{k, author = {Ann Author}, title = {T}, booktitle = {Proc. X}, year = 1994,"
              " conference = {IEEE Conf on Sci J}, meetingaddress = {San Jose, CA, USA},"
              " meetingdate = {Feb 9--10 1994}, pagecount = {10}, onlinedate = {25 Jun 2003},"
              " lastaccess = {23 November 2010}}\n")
    record = _read(source)
    assert record.variables["event-title"] == Text("IEEE Conf on Sci J", Syntax.BIBTEX)
    assert record.variables["event-place"] == Text("San Jose, CA, USA")
    assert record.variables["number-of-pages"] == Text("10")
    assert record.dates["event-date"] == Date(1994, 2, 9, end=Date(1994, 2, 10))
    assert record.dates["available-date"] == Date(2003, 6, 25)
    assert record.accessed == Date(2010, 11, 23)
    assert all(key.startswith("bibtex:@written:") for key in text_keyed(record.extras))
    for dialect in ("bibtex", "biblatex"):
        out = converters.dumps([record], dialect)
        for words in ("meetingdate = {Feb 9--10 1994}", "onlinedate = {25 Jun 2003}",
                      "lastaccess = {23 November 2010}"):
            assert words in out, out  # the words as written, beside biblatex's ISO field
        assert "eventdate = {1994-02-09/1994-02-10}" in out
        assert _read(out) == record
        assert converters.dumps([_read(out)], dialect) == out  # and again: the same


def test_conference_words_that_are_no_date_are_an_event_date_written_back_as_they_were():
    record = _read("@inproceedings{k, title = {T}, booktitle = {B}, year = 1977, confdate = {08/29--09/02/77}}")
    assert record.dates["event-date"] == Date(literal="08/29–09/02/77")
    diagnostics: list = []
    out = converters.dumps([record], "biblatex", diagnostics=diagnostics)
    assert "  confdate = {08/29--09/02/77}," in out and "eventdate" not in out  # biber would refuse it
    assert not [d for d in diagnostics if d.severity == "warning"]


@pytest.mark.skipif(bool(missing_programs()), reason="the real TeX tools are not installed")
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_beebes_fields_as_written_pass_bibtex_and_biber(dialect):
    records = converters.loads(
        _article("journal = {Comm. ACM}, fjournal = {Communications of the ACM},"
                 " isbn = {0-486-23928-4}, isbn-13 = {978-0-486-23928-6}")
        + "@inproceedings{p, author = {Ann Author}, title = {P}, booktitle = {Proc. X}, year = 1994,"
          " conference = {IEEE Conf}, meetingaddress = {San Jose}, meetingdate = {Feb 9--10 1994},"
          " confdate = {08/29--09/02/77}}\n", "bibtex").records
    run = (run_biber if dialect == "biblatex" else run_bibtex)(converters.dumps(records, dialect))
    assert sorted(run.keys) == ["k", "p"] and not run.tool_errors and not run.latex_errors, run.log[-3000:]


def test_conferenceyear_beside_meetingdate_is_how_the_source_wrote_its_year_and_alone_is_the_event_year():
    record = _read("@inproceedings{k, title = {T}, booktitle = {B}, year = 1994,"
                   " meetingdate = {Feb 9--10 1994}, conferenceyear = {1994}}")
    assert record.dates["event-date"] == Date(1994, 2, 9, end=Date(1994, 2, 10))
    assert record.extras[Extra("bibtex", "conferenceyear", Kind.AS_WRITTEN)] == "1994"
    alone = _read("@inproceedings{k, title = {T}, booktitle = {B}, year = 1994, conferenceyear = {1993}}")
    assert alone.dates["event-date"] == Date(1993)
    other = _read("@inproceedings{k, title = {T}, booktitle = {B}, year = 1994,"
                  " meetingdate = {Feb 9--10 1994}, conferenceyear = {1993}}")
    assert other.extras[Extra("bibtex", "conferenceyear")] == "1993"  # another year: data, not a source form


def test_lastchecked_is_the_access_date_and_written_back_in_classic_bibtex():
    record = _read("@misc{k, title = {T}, url = {https://example.org}, lastchecked = {2020-01-02}}")
    assert record.accessed == Date(2020, 1, 2)
    diagnostics: list = []
    out = converters.dumps([record], "bibtex", diagnostics=diagnostics)
    assert "  lastchecked = {2020-01-02}," in out  # classic BibTeX has no urldate: the field as it was
    assert not [d for d in diagnostics if d.code == "write.lost"]


def test_a_books_booktitle_naming_itself_is_how_the_source_wrote_its_title():
    # Beebe's @Proceedings and biblatex's @collection repeat the title for the entries that crossref them
    record = _read("@proceedings{p, title = {Proceedings of {TeX}84}, booktitle = {Proceedings of {\\TeX}84},"
                   " year = 1984}\n")
    assert record.extras[Extra("bibtex", "booktitle", Kind.AS_WRITTEN)] == "Proceedings of {\\TeX}84"
    assert Extra("bibtex", "booktitle") not in record.extras
    assert "  booktitle = {Proceedings of {\\TeX}84}," in converters.dumps([record], "bibtex")
    (item,) = json.loads(converters.dumps([record], "csl-json"))
    assert "container-title" not in item and "bibtex:booktitle" not in item["custom"]
    other = _read("@book{b, title = {A Book}, booktitle = {Another Work}, year = 1984}\n")
    assert other.extras[Extra("bibtex", "booktitle")] == "Another Work"  # naming another work: data


# --- howpublished ------------------------------------------------------------------------------


def test_howpublished_is_the_container_title_where_the_writer_puts_one():
    record = _read("@misc{k, title = {A post}, howpublished = {Bigelow \\& Holmes (blog)}, year = 2020}")
    assert record.container_title == Text("Bigelow \\& Holmes (blog)", Syntax.BIBTEX)
    assert Extra("bibtex", "howpublished") not in record.extras
    web = Record(type="webpage", title=Text("A post"), container_title=Text("Bigelow & Holmes (blog)"))
    for dialect in ("bibtex", "biblatex"):
        out = converters.dumps([web], dialect)
        assert "  howpublished = {Bigelow \\& Holmes (blog)}," in out
        assert converters.loads(out, dialect).records[0].container_title.plain() == "Bigelow & Holmes (blog)"


def test_a_link_in_howpublished_is_the_url_and_written_back_where_it_was():
    record = _read("@misc{k, title = {T}, howpublished = {\\url{https://example.org/a_b}}, year = 2020}")
    assert record.ids.url == "https://example.org/a_b" and record.container_title is None
    out = converters.dumps([record], "bibtex")
    assert "  howpublished = {\\url{https://example.org/a_b}}," in out  # plain.bst prints howpublished
    same = _read("@misc{k, title = {T}, url = {https://example.org}, howpublished = {\\url{https://example.org}}}")
    assert same.ids.url == "https://example.org" and Extra("bibtex", "howpublished", Kind.AS_WRITTEN) in same.extras
    assert Extra("bibtex", "howpublished") not in same.extras
    other = _read("@misc{k, title = {T}, url = {https://example.org}, howpublished = {\\url{https://other.org}}}")
    assert other.extras[Extra("bibtex", "howpublished")] == "\\url{https://other.org}"  # a second link: data


def test_a_periodicals_howpublished_is_no_container_of_it():
    record = _read("@periodical{k, title = {Journal of High Energy Physics}, howpublished = {Online journal.}}")
    assert record.container_title is None and record.extras[Extra("bibtex", "howpublished")] == "Online journal."


# --- "????" -------------------------------------------------------------------------------------


def test_question_marks_say_the_value_is_unknown_and_are_written_back_as_they_were():
    record = _read("@book{b, title = {T}, publisher = {????}, organization = {Org}, address = {????},"
                   " pages = {????}, lccn = {????}, isbn = {????}, month = {??}, year = 1990}")
    assert (record.publisher, record.publisher_place, record.pages) == ("Org", None, None)
    assert not record.ids.isbn and "call-number" not in record.variables
    assert {k for k in text_keyed(record.extras) if not k.startswith("bibtex:@written:")} <= {"bibtex:type"}
    diagnostics: list = []
    ris = converters.dumps([record], "ris", diagnostics=diagnostics)
    assert "????" not in ris and not [d for d in diagnostics if d.code == "write.lost"]
    out = converters.dumps([record], "bibtex")
    for field in ("address = {????}", "pages = {????}", "lccn = {????}", "isbn = {????}"):
        assert field in out, out
    # the organization is the publisher now: written as publisher, the unknown publisher is gone
    assert "  publisher = {Org}," in out
    extras = {k: v for k, v in record.extras.items() if k != Extra("bibtex", "publisher", Kind.AS_WRITTEN)}
    assert _read(out) == record.evolve(extras=extras)


@pytest.mark.parametrize(("words", "figures", "agree"), [
    ("Aug 29--Sep 2 1977", "08/29--09/02/77", True),
    ("Feb 9--10 1994", "02/09--10/94", True),
    ("Nov 2 1995", "11/02/95", True),
    ("Nov 2 1995", "11/03/95", False),
    ("Feb 9--10 1994", "02/09--10/84", False),
])
def test_meetingdate2_saying_meetingdate_again_in_figures_is_how_the_source_wrote_it(words, figures, agree):
    record = _read(f"@inproceedings{{k, title = {{T}}, booktitle = {{B}}, year = 1990,"
                   f" meetingdate = {{{words}}}, meetingdate2 = {{{figures}}}}}")
    key = Extra("bibtex", "meetingdate2", Kind.AS_WRITTEN if agree else Kind.VALUE)
    assert record.extras[key] == figures
    assert f"meetingdate2 = {{{figures}}}" in converters.dumps([record], "bibtex")


def test_issn_l_names_one_of_the_journals_issns_or_adds_a_former_one():
    record = _read(_article("issn = {0036-8733 (print), 1946-7087 (electronic)}, issn-l = {0036-8733}"))
    assert record.ids.issn == ("0036-8733", "1946-7087")
    assert record.extras[Extra("bibtex", "issn-l", Kind.AS_WRITTEN)] == "0036-8733"
    diagnostics: list = []
    converters.dumps([record], "ris", diagnostics=diagnostics)
    assert "bibtex:issn-l" not in {d.field for d in diagnostics}
    former = _read(_article("issn = {0734-189X}, issn-l = {0146-664X}"))
    assert former.ids.issn == ("0734-189X", "0146-664X")
    assert "  issn-l = {0146-664X}," in converters.dumps([former], "bibtex")


def test_a_journalabr_beside_journal_and_fjournal_of_one_name_is_written_back():
    record = _read(_article("journal = {Electronics}, fjournal = {Electronics}, journalabr = {Electronics}"))
    assert record.variables["container-title-short"] == Text("Electronics", Syntax.BIBTEX)
    out = converters.dumps([record], "bibtex")
    assert "  journalabr = {Electronics}," not in out and "shortjournal = {Electronics}" in out
    assert _read(out) == record


# --- written back as the source had them (BibTeX -> BibTeX) --------------------------------

def _again(text: str, dialect: str = "bibtex") -> tuple[str, Record, list]:
    diagnostics: list = []
    out = converters.dumps(converters.loads(text, "bibtex").records, dialect, diagnostics=diagnostics)
    return out, converters.loads(out, dialect).records[0], diagnostics


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_field_of_links_keeps_its_ampersands_and_hashes(dialect):
    links = ("http://www.elsevier.com/browse.cgi?year=1995&volume=19&issue=4; "
             "http://dblp.uni-trier.de/db/journals/cacm/cacm25.html#Samet82")
    out, again, diagnostics = _again(_article(f"bibsource = {{{links}}}, remark = {{A & B}}"), dialect)
    assert again.extras[Extra("bibtex", "bibsource")] == links
    assert "remark = {A \\& B}" in out  # text is still made safe for LaTeX
    assert not diagnostics


def test_isbns_each_with_its_qualifier_and_no_comma_between_are_all_read_and_written_back():
    out, again, diagnostics = _again(
        "@book{k, title = {T}, year = 1995, isbn = {90-5199-187-8 (IOS Press) 4-274-90017-7 (Ohmsha)}}")
    assert again.ids.isbn == ("90-5199-187-8", "4-274-90017-7")
    assert "isbn = {90-5199-187-8 (IOS Press) 4-274-90017-7 (Ohmsha)}" in out
    assert not diagnostics


def test_a_language_field_naming_two_languages_is_written_back_whole_to_classic_bibtex():
    out, again, diagnostics = _again("@book{k, title = {T}, year = 1996, language = {English and German}}")
    assert "language = {English and German}" in out
    assert again.language == "en-US" and again.extras[Extra("bibtex", "language")] == "English and German"
    assert not diagnostics


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_an_articles_issue_written_as_number_is_not_reported(dialect):
    # the number of an @article reads back as its issue: nothing to report (428 false reports
    # on Beebe's font.bib before)
    out, again, diagnostics = _again(_article("volume = 19, number = 4"), dialect)
    assert again.issue == "4" and again.number is None
    assert not diagnostics, diagnostics


# --- affiliation ----------------------------------------------------------------------------


def test_affiliation_is_the_records_for_no_one_author_and_reaches_ris_and_jats():
    record = _read(_article(r"affiliation = {Dept. of Comput. Sci., Hamburg Univ., Germany}, "
                            r"affiliationaddress = {Hamburg, Ger}"))
    assert record.affiliations == ("Dept. of Comput. Sci., Hamburg Univ., Germany",)
    assert record.authors[0].affiliation == ()  # (INSPEC's is its first author's, but it does not say so)
    assert text_keyed(record.extras) == {"bibtex:affiliationaddress": "Hamburg, Ger"}  # Compendex's: kept
    again = converters.dumps([record], "bibtex")
    assert "affiliation = {Dept. of Comput. Sci., Hamburg Univ., Germany}" in again
    assert "affiliationaddress = {Hamburg, Ger}" in again
    assert "AD  - Dept. of Comput. Sci., Hamburg Univ., Germany\r\n" in converters.dumps([record], "ris")


def test_several_affiliations_are_one_field_separated_by_semicolons():
    record = Record(type="article-journal", title=Text("T"), affiliations=("Univ. A", "Univ. B; Lab C"))
    diagnostics: list = []
    text = converters.dumps([record], "bibtex", diagnostics=diagnostics)
    assert "affiliation = {Univ. A; Univ. B; Lab C}" in text
    assert [(d.code, d.field) for d in diagnostics] == [("write.moved", "affiliations")]  # (its own ";")
    assert _read(text).affiliations == ("Univ. A", "Univ. B", "Lab C")


# --- keywords -------------------------------------------------------------------------------


def test_keywords_separated_by_semicolons_keep_the_commas_inside_them():
    # (Beebe's subject headings: "Mitchell, Nelson P." was read as two keywords, "Mitchell" and "Nelson P.")
    record = _read(_article('keywords = "Mitchell, Nelson P.; Printing --- Specimens.; Type and\n'
                            '                 type-founding --- Poetry."'))
    assert record.keywords == ("Mitchell, Nelson P.", "Printing — Specimens.", "Type and type-founding — Poetry.")
    assert "KW  - Mitchell, Nelson P.\r\n" in converters.dumps([record], "ris")
    assert _read(converters.dumps([record], "bibtex")).keywords == record.keywords
    # braces round a comma say commas separate: both are separators there
    assert _read(_article("keywords = {typesetting; TeX, {Knuth, Donald}}")).keywords == (
        "typesetting", "TeX", "Knuth, Donald")
