"""biblatex fields read into the record's typed maps (Record.variables, .names, .dates) by
their CSL names, as pandoc reads them, and written back by the BibTeX/BibLaTeX writer."""

from __future__ import annotations

import json

import pytest

import converters
from converters import csl
from converters.extras import Extra
from converters.formats.bibtex.mapping import VARIABLE_FIELDS
from converters.formats.bibtex.writer import WRITTEN_VARIABLES
from converters.model import Date, Name, Record, Syntax, Text
from converters.titles import VOLUME_VARIABLES

from .tex_tools import missing_programs, run_biber, run_bibtex


def _read(text: str) -> Record:
    (record,) = converters.loads(text, "biblatex").records
    return record


def _map_value(record: Record, variable: str):
    for kind in (record.variables, record.names, record.dates):
        if variable in kind:
            return kind[variable]
    return None


# (field, value as written, CSL variable, value in the record)
CASES = [
    ("translator", "Doe, Jane and Roe, Rick", "translator",
     (Name(family="Doe", given="Jane"), Name(family="Roe", given="Rick"))),
    ("bookauthor", "Ann Author", "container-author", (Name(family="Author", given="Ann"),)),
    ("shorttitle", "Short {DNA}", "title-short", Text("Short {DNA}", Syntax.BIBTEX)),
    ("shortjournal", "J. {TeX}", "container-title-short", Text("J. {TeX}", Syntax.BIBTEX)),
    ("journalabr", "J Assoc Comput Mach", "container-title-short", Text("J Assoc Comput Mach", Syntax.BIBTEX)),
    ("series", "Lecture Notes in {C}omputer Science", "collection-title",
     Text("Lecture Notes in {C}omputer Science", Syntax.BIBTEX)),
    ("eventtitle", "Symposium on {TeX}", "event-title", Text("Symposium on {TeX}", Syntax.BIBTEX)),
    ("venue", "M{\\\"u}nchen", "event-place", Text("München")),
    ("eventdate", "2001-02-03/2001-02-05", "event-date", Date(2001, 2, 3, end=Date(2001, 2, 5))),
    ("origtitle", "Der {Titel}", "original-title", Text("Der {Titel}", Syntax.BIBTEX)),
    ("origpublisher", "Old Press", "original-publisher", Text("Old Press")),
    ("origlocation", "Durham and London", "original-publisher-place", Text("Durham; London")),
    ("origlocation", "{Sun and Moon} and London", "original-publisher-place", Text("Sun and Moon; London")),
    ("origdate", "1850-05", "original-date", Date(1850, 5)),
    ("pagetotal", "300", "number-of-pages", Text("300")),
    ("volumes", "2", "number-of-volumes", Text("2")),
    ("chapter", "4", "chapter-number", Text("4")),
    ("version", "1.2b", "version", Text("1.2b")),
    ("annotation", "An \\emph{annotation}", "annote", Text("An \\emph{annotation}", Syntax.BIBTEX)),
    ("annote", "An old \\emph{annote}", "annote", Text("An old \\emph{annote}", Syntax.BIBTEX)),
    ("library", "QA76 .K58", "call-number", Text("QA76 .K58")),
    ("lccn", "Z253.4.T47 A27 1990", "call-number", Text("Z253.4.T47 A27 1990")),
    ("part", "2", "part", Text("2")),
    ("series", "newseries", "collection-title", Text("new series", Syntax.BIBTEX)),
    ("pubstate", "inpress", "status", Text("in press")),
    ("pubstate", "a state of its own", "status", Text("a state of its own")),
]
IDS = [f"{field}={value}" for field, value, *_ in CASES]


@pytest.mark.parametrize(("field", "value", "variable", "expected"), CASES, ids=IDS)
def test_a_biblatex_field_lands_in_its_csl_variable(field, value, variable, expected):
    record = _read(f"@book{{k, title = {{T}}, {field} = {{{value}}}, year = 2000}}")
    assert _map_value(record, variable) == expected
    assert Extra("bibtex", field) not in record.extras  # read, so not also kept as the field


@pytest.mark.parametrize(("field", "value", "variable", "expected"), CASES, ids=IDS)
def test_a_mapped_field_survives_a_biblatex_round_trip(field, value, variable, expected):
    record = _read(f"@book{{k, title = {{T}}, {field} = {{{value}}}, year = 2000}}")
    diagnostics: list = []
    out = converters.dumps([record], "biblatex", diagnostics=diagnostics)
    again = _read(out)
    assert _map_value(again, variable) == expected, out
    assert again == record
    assert not [d for d in diagnostics if d.code == "write.lost"]
    written = {"annote": "annotation", "journalabr": "shortjournal", "lccn": "library"}.get(field, field)  # an alias
    assert f"  {written} = " in out


@pytest.mark.parametrize(("field", "value", "variable", "expected"), CASES, ids=IDS)
def test_a_mapped_field_survives_a_bibtex_round_trip(field, value, variable, expected):
    record = _read(f"@book{{k, title = {{T}}, {field} = {{{value}}}, year = 2000}}")
    out = converters.dumps([record], "bibtex", tex="utf8")
    assert _map_value(_read(out), variable) == expected, out


def test_classic_bibtex_output_spells_annotation_annote():
    record = _read("@book{k, title = {T}, annotation = {Read it}, year = 2000}")
    assert "  annote = {Read it}," in converters.dumps([record], "bibtex")
    assert "  annotation = {Read it}," in converters.dumps([record], "biblatex")


def test_beebes_keyword_field_is_the_keywords_and_keywords_wins_over_it():
    # Beebe's bibliographies write INSPEC records' keyword lists as `keyword`, ';' between them
    record = _read("@article{k, title = {T}, keyword = {documentation; {TeX} languages}, year = 1987}")
    assert record.keywords == ("documentation", "TeX languages") and not record.extras
    both = _read("@article{k, title = {T}, keywords = {one, two}, keyword = {three}, year = 1987}")
    assert both.keywords == ("one", "two") and both.extras[Extra("bibtex", "keyword")] == "three"
    (item,) = json.loads(converters.dumps([record], "csl-json"))
    assert item["keyword"] == "documentation, TeX languages" and "custom" not in item


def test_shortjournal_wins_over_journalabr_and_journalabr_stays_in_extras():
    record = _read("@article{k, title = {T}, shortjournal = {J. ACM}, journalabr = {J Assoc Comput Mach}}")
    assert record.variables["container-title-short"] == Text("J. ACM", Syntax.BIBTEX)
    assert record.extras[Extra("bibtex", "journalabr")] == "J Assoc Comput Mach"


def test_annotation_wins_over_annote_and_annote_stays_in_extras():
    record = _read("@book{k, title = {T}, annotation = {New}, annote = {Old}, year = 2000}")
    assert record.variables["annote"] == Text("New", Syntax.BIBTEX)
    assert record.extras[Extra("bibtex", "annote")] == "Old"
    assert "  annotation = {New},\n  annote = {Old}," in converters.dumps([record], "biblatex")
    diagnostics: list = []  # classic BibTeX has one annote: the old one is reported, not dropped silently
    assert "  annote = {New}," in converters.dumps([record], "bibtex", diagnostics=diagnostics)
    assert [(d.field, "Old" in d.message) for d in diagnostics if d.code == "write.lost"] == [("bibtex:annote", True)]


@pytest.mark.parametrize("entry_type", ["book", "mvbook", "collection", "proceedings", "inbook", "incollection",
                                        "inproceedings", "conference", "bookinbook", "suppbook"])
def test_number_of_a_book_or_chapter_is_its_number_in_the_series(entry_type):
    # pandoc: number -> collection-number for book-like and chapter-like entry types
    record = _read(f"@{entry_type}{{k, title = {{T}}, series = {{S}}, number = {{12}}, year = 2000}}")
    assert record.variables["collection-number"] == Text("12")
    assert record.number is None
    out = converters.dumps([record], "biblatex")
    assert "  number = {12}," in out and _read(out) == record


@pytest.mark.parametrize(("entry_type", "slot"), [("report", "number"), ("techreport", "number"),
                                                  ("misc", "number"), ("article", "issue")])
def test_number_elsewhere_is_the_items_own_number_or_issue(entry_type, slot):
    record = _read(f"@{entry_type}{{k, title = {{T}}, series = {{S}}, number = {{12}}, year = 2000}}")
    assert getattr(record, slot) == "12"
    assert "collection-number" not in record.variables


def test_a_chapters_issue_is_not_written_as_its_series_number():
    record = Record(type="chapter", key="c", title=Text("C"), issue="3")
    out = converters.dumps([record], "bibtex")
    assert "  issue = {3}," in out and "number" not in out
    assert _read(out).issue == "3"


def test_a_book_with_a_number_and_a_series_number_keeps_the_series_one_and_says_so():
    record = Record(type="book", key="b", title=Text("B"), number="7", variables={"collection-number": Text("12")})
    diagnostics: list = []
    out = converters.dumps([record], "biblatex", diagnostics=diagnostics)
    assert "  number = {12}," in out and "{7}" not in out
    assert [(d.code, d.field) for d in diagnostics if d.code == "write.lost"] == [("write.lost", "number")]


def test_a_translator_list_ending_in_others_keeps_it():
    record = _read("@book{k, title = {T}, translator = {Doe, Jane and others}, year = 2000}")
    assert record.names["translator"] == (Name(family="Doe", given="Jane"),)
    for fmt in ("bibtex", "biblatex"):
        out = converters.dumps([record], fmt)
        assert "  translator = {Doe, Jane and others}," in out
        assert _read(out) == record


def test_an_arxiv_version_stays_the_ids_and_another_version_is_the_variable():
    arxiv = _read("@online{k, title = {T}, eprint = {2101.00001}, eprinttype = {arxiv}, version = {3}, year = 2021}")
    assert arxiv.ids.arxiv_version == 3 and "version" not in arxiv.variables
    software = _read("@software{k, title = {T}, version = {3}, year = 2021}")
    assert software.variables["version"] == Text("3") and software.ids.arxiv_version is None
    out = converters.dumps([software], "biblatex")
    assert out.count("version = ") == 1 and _read(out) == software


def test_a_version_that_would_write_a_second_version_field_is_reported():
    record = Record(type="article", key="a", title=Text("A"), variables={"version": Text("draft")},
                    ids=converters.model.Identifiers(arxiv="2101.00001", arxiv_version=2))
    diagnostics: list = []
    out = converters.dumps([record], "biblatex", diagnostics=diagnostics)
    assert out.count("version = ") == 1 and "version = {2}" in out
    assert any(d.code == "write.lost" and d.field == "version" for d in diagnostics)


@pytest.mark.parametrize("to", ["biblatex", "bibtex"])
@pytest.mark.parametrize("eprint", ["math/0307200v3", "arXiv:2101.00001v2", "math.CA/0611800v2"])
def test_an_eprint_is_written_as_the_input_wrote_it(eprint, to):
    """biblatex prints and links an eprint as written: "math/0307200v3" is the third version, not
    the latest (biblatex-examples' baez entries)."""
    entry = ("@article{k, title = {T}, journaltitle = {J}, date = 2004, eprint = {EPRINT}, eprinttype = {arxiv}}"
             .replace("EPRINT", eprint))
    record = _read(entry)
    diagnostics: list = []
    out = converters.dumps([record], to, diagnostics=diagnostics)
    assert f"eprint = {{{eprint}}}," in out
    assert "version = " not in out  # the eprint names it: no field the input did not have
    assert not [d for d in diagnostics if d.field == "ids.arxiv_version"]  # nor is it lost
    assert _read(out).ids == record.ids
    with_field = _read(entry.replace("date = 2004,", "date = 2004, version = {3},"))
    if eprint.endswith("v3"):  # both, as biblatex-examples has them: both again
        assert "version = {3}," in converters.dumps([with_field], to)


def test_an_eprint_as_written_gives_way_to_a_changed_version():
    record = _read("@online{k, title = {T}, date = 2004, eprint = {math/0307200v3}, eprinttype = {arxiv}}")
    changed = record.evolve(ids=record.ids.__class__(arxiv="math/0307200", arxiv_version=4))
    out = converters.dumps([changed], "biblatex")
    assert "eprint = {math/0307200}," in out and "version = {4}," in out


def test_a_bad_event_date_is_a_literal_reported_and_written_again():
    record = _read("@inproceedings{k, title = {T}, booktitle = {B}, eventdate = {Spring 2001}, year = 2001}")
    assert record.dates["event-date"] == Date(literal="Spring 2001")
    diagnostics: list = []
    out = converters.dumps([record], "biblatex", diagnostics=diagnostics)
    assert "  eventdate = {Spring 2001}," in out
    assert any(d.code == "write.literal-date" and d.field == "event-date" for d in diagnostics)


def test_every_variable_the_writer_claims_is_in_its_output():
    # the complement of test_unwritten_variables: a variable in WRITTEN_VARIABLES really is written
    record = Record(type="book", key="every", title=Text("Every variable"),
                    variables={name: Text(f"value of {name}") for name in csl.VARIABLES - VOLUME_VARIABLES},
                    names={name: (Name(family=f"Fam{i}", given="Gwen"),)
                           for i, name in enumerate(sorted(csl.NAME_VARIABLES))},
                    dates={name: Date(1800 + i) for i, name in enumerate(sorted(csl.DATE_VARIABLES))})
    for fmt in ("bibtex", "biblatex"):
        out = converters.dumps([record], fmt)
        for name in WRITTEN_VARIABLES - VOLUME_VARIABLES:  # (a volume is filed differently: tests/test_volumes.py)
            value = _map_value(record, name)
            shown = (value[0].family if isinstance(value, tuple) else str(value.year) if isinstance(value, Date)
                     else value.value)
            assert shown in out, f"{fmt}: {name}"
        again = _read(out)
        for name in WRITTEN_VARIABLES - VOLUME_VARIABLES:
            value, back = _map_value(record, name), _map_value(again, name)
            if isinstance(value, Text):  # plain text comes back as BibTeX's TeX, the same words
                value, back = value.plain(), back.plain()
            assert back == value, f"{fmt}: {name}"


def test_the_table_names_each_variable_once_and_only_csl_variables():
    variables = [rule.variable for rule in VARIABLE_FIELDS]
    assert len(variables) == len(set(variables))
    assert set(variables) <= csl.VARIABLES | csl.NAME_VARIABLES | csl.DATE_VARIABLES


def test_origyear_and_eventyear_are_read_when_there_is_no_date_field():
    # pandoc reads biber's date parts (getOldDate "orig"/"event") when origdate/eventdate are absent
    record = _read("@book{k, title = {T}, origyear = {1959}, eventyear = {2001}, eventmonth = {feb}, year = 1997}")
    assert record.dates == {"original-date": Date(1959), "event-date": Date(2001, 2)}
    out = converters.dumps([record], "biblatex")
    assert "  origdate = {1959}," in out and "  eventdate = {2001-02}," in out and "origyear" not in out
    assert _read(out) == record


def test_origdate_wins_over_origyear_which_stays_as_written():
    record = _read("@book{k, title = {T}, origdate = {1850}, origyear = {1851}, year = 1997}")
    assert record.dates["original-date"] == Date(1850) and record.extras[Extra("bibtex", "origyear")] == "1851"


def test_a_bad_origmonth_is_reported_by_its_name_and_kept():
    result = converters.loads("@book{k, title = {T}, origyear = {1959}, origmonth = {13}, year = 1997}", "biblatex")
    (record,) = result.records
    assert record.dates["original-date"] == Date(1959) and record.extras[Extra("bibtex", "origmonth")] == "13"
    assert [(d.code, d.field) for d in result.diagnostics] == [("bibtex.bad-month", "origmonth")]


TYPE_CASES = [("mathesis", "Master's thesis"), ("resreport", "research report"), ("patentus", "U.S. patent"),
              ("patreqfr", "French patent request"), ("bathesis", "Bachelor's thesis"), ("PhDThesis", "PhD thesis")]


@pytest.mark.parametrize(("written", "genre"), TYPE_CASES)
def test_a_type_key_is_the_genre_biblatex_prints_and_is_written_as_the_key_again(written, genre):
    # pandoc resolves biblatex's localisation keys in `type` (english.lbx's words)
    record = _read(f"@thesis{{k, title = {{T}}, type = {{{written}}}, institution = {{U}}, year = 2000}}")
    assert record.variables["genre"] == Text(genre)
    out = converters.dumps([record], "biblatex")
    assert f"  type = {{{written.lower()}}}," in out and _read(out) == record
    # (classic BibTeX says a master's or PhD thesis by its entry type)
    assert f"  type = {{{genre}}}," in converters.dumps([record], "bibtex") or written.lower() in ("mathesis",
                                                                                                  "phdthesis")


def test_a_type_of_its_own_is_the_genre_as_written():
    record = _read("@techreport{k, title = {T}, type = {Research {Note}}, institution = {CERN}, year = 2000}")
    assert record.variables["genre"] == Text("Research {Note}", Syntax.BIBTEX)
    for fmt in ("bibtex", "biblatex"):
        out = converters.dumps([record], fmt)
        assert "  type = {Research {Note}}," in out and _read(out).variables == record.variables


def test_a_masters_thesis_is_a_thesis_of_that_genre_and_written_as_one_again():
    record = _read("@mastersthesis{k, title = {T}, school = {U}, year = 2000}")
    assert (record.type, record.variables["genre"]) == ("thesis", Text("Master's thesis"))
    out = converters.dumps([record], "bibtex")
    assert out.startswith("@mastersthesis{k,") and "type =" not in out and _read(out) == record
    # from a format without BibTeX's entry types: the genre chooses it
    csl_like = Record(type="thesis", key="m", title=Text("T"), variables={"genre": Text("Master's thesis")})
    assert converters.dumps([csl_like], "bibtex").startswith("@mastersthesis{m,")
    assert "  type = {mathesis}," in converters.dumps([csl_like], "biblatex")


def test_a_phd_thesis_is_a_thesis_of_that_genre_and_written_as_one_again():
    # as BibTeX styles print it and pandoc reads it: CSL styles print the degree too
    record = _read("@phdthesis{k, title = {T}, school = {U}, year = 2000}")
    assert (record.type, record.variables["genre"]) == ("thesis", Text("PhD thesis"))
    out = converters.dumps([record], "bibtex")
    assert out.startswith("@phdthesis{k,") and "type =" not in out and _read(out) == record
    assert "  type = {phdthesis}," in converters.dumps([record], "biblatex")


def test_a_thesis_of_no_stated_degree_is_written_as_phdthesis_and_that_is_reported():
    # classic BibTeX has no thesis entry without a degree
    diagnostics: list = []
    out = converters.dumps([Record(type="thesis", key="t", title=Text("T"))], "bibtex", diagnostics=diagnostics)
    assert out.startswith("@phdthesis{t,")
    assert [d.message for d in diagnostics] == [
        "BibTeX has no field for 'type' (thesis); written to @phdthesis (read back as a PhD thesis)"]
    assert "genre" not in _read(converters.dumps([Record(type="thesis", key="t", title=Text("T"))],
                                                 "biblatex")).variables


def test_a_patents_location_is_its_jurisdiction_with_country_keys_as_words():
    # pandoc: a patent's location is its jurisdiction (biblatex-examples.bib almendro)
    record = _read("@patent{p, title = {T}, location = {countryfr and countryuk and {Sun and Moon}},"
                   " address = {Paris}, date = 1998}")
    assert record.variables["jurisdiction"] == Text("France; United Kingdom; Sun and Moon")
    assert record.publisher_place == "Paris"
    out = converters.dumps([record], "biblatex")
    assert "  location = {countryfr and countryuk and {Sun and Moon}}," in out and "  address = {Paris}," in out
    assert _read(out) == record


def test_countryep_and_countryeu_both_print_european_union_and_each_is_written_again():
    for key in ("countryep", "countryeu"):
        record = _read(f"@patent{{p, title = {{T}}, location = {{{key}}}, date = 1998}}")
        assert record.variables["jurisdiction"] == Text("European Union")
        assert f"  location = {{{key}}}," in converters.dumps([record], "biblatex")
    from_csl = Record(type="patent", key="p", title=Text("T"), variables={"jurisdiction": Text("France; Atlantis")})
    assert "  location = {countryfr and Atlantis}," in converters.dumps([from_csl], "biblatex")


def test_a_jurisdiction_outside_a_patent_is_reported_dropped():
    record = Record(type="legal_case", key="c", title=Text("T"), variables={"jurisdiction": Text("France")})
    diagnostics: list = []
    out = converters.dumps([record], "biblatex", diagnostics=diagnostics)
    assert "France" not in out
    assert [d.field for d in diagnostics if d.code == "write.lost"] == ["jurisdiction"]


def test_a_location_list_splits_at_and_outside_braces_only():
    record = _read("@book{b, title = {T}, location = {{Sun and Moon} and Durham}, date = 1998}")
    assert record.publisher_place == "Sun and Moon; Durham"


@pytest.mark.parametrize(("field", "entry_type"), [("publisher", "book"), ("institution", "report"),
                                                   ("organization", "manual")])
def test_a_biblatex_entrys_publisher_is_a_list_split_at_and_outside_braces(field, entry_type):
    record = _read(f"@{entry_type}{{b, title = {{T}}, {field} = {{A and {{Sun and Moon}}}}, date = 1998}}")
    assert record.publisher == "A; Sun and Moon"


def test_a_classic_entrys_publisher_with_and_is_one_name():
    record = _read("@book{b, title = {T}, publisher = {John Wiley and Sons}, year = 1998, urldate = {2020-01-01}}")
    assert record.publisher == "John Wiley and Sons"
    assert converters.dumps([record], "biblatex").count("{{John Wiley and Sons}}") == 1  # one item


@pytest.mark.parametrize("publisher", ["John Wiley and Sons", "Harper and Brothers", "Smith and Co."])
def test_a_name_cut_in_two_by_a_biblatex_list_is_said(publisher):
    result = converters.loads(f"@book{{b, title = {{T}}, date = 1998, publisher = {{{publisher}}}}}", "biblatex")
    (said,) = [d for d in result.diagnostics if d.code == "bibtex.list-split"]
    assert (said.severity, said.line, said.field) == ("warning", 1, "publisher") and "{and}" in said.hint
    assert result.records[0].publisher == publisher.replace(" and ", "; ")  # read as biber reads it


@pytest.mark.parametrize("value", ["{John Wiley and Sons}", "John Wiley {and} Sons", "Springer and Kluwer"])
def test_a_braced_name_or_a_list_of_names_is_not_said(value):
    result = converters.loads(f"@book{{b, title = {{T}}, date = 1998, publisher = {{{value}}}}}", "biblatex")
    assert not [d for d in result.diagnostics if d.code == "bibtex.list-split"]


def test_biblatex_lists_are_written_back_as_the_same_lists():
    text = ("@book{b, title = {T}, date = 1998, publisher = {A and {Sun and Moon}},"
            " location = {Durham and London}, origlocation = {Paris and Lyon}}")
    written = converters.dumps([_read(text)], "biblatex")
    assert "publisher = {A and {Sun and Moon}}" in written
    assert "location = {Durham and London}" in written and "origlocation = {Paris and Lyon}" in written
    assert _read(written).publisher == "A; Sun and Moon"


def test_classic_bibtex_writes_a_biblatex_list_once_as_the_input_wrote_it():
    text = ("@book{b, title = {T}, date = 1998, publisher = {Routledge and Kegan Paul},"
            " location = {Durham and London}}")
    written = converters.dumps([_read(text)], "bibtex")
    # address, not address "Durham; London" beside the input's location: the place once, as written
    assert "address = {Durham and London}" in written and "location" not in written
    assert "publisher = {Routledge and Kegan Paul}" in written


# biblatex-examples' wilde, "Leonard Smithers {and} Company" (one publisher), went to classic BibTeX
# with the braces gone and came back as two publishers, "Leonard Smithers; Company"
@pytest.mark.parametrize("source", ["@book{b, title = {T}, publisher = {Leonard Smithers {and} Company}}",
                                    "TY  - BOOK\nTI  - T\nPB  - Leonard Smithers and Company\nER  - \n"])
def test_classic_bibtex_keeps_one_item_with_and_one_item(source):
    (record,) = converters.loads(source, "ris" if source.startswith("TY") else "bibtex").records
    written = converters.dumps([record], "bibtex")
    assert "publisher = {Leonard Smithers {and} Company}" in written
    assert _read(written).publisher == "Leonard Smithers and Company"


def test_a_semicolon_in_a_value_from_another_format_is_text_not_a_list_separator():
    (record,) = converters.loads("TY  - BOOK\nTI  - T\nPB  - Routledge. Tel: 800-354; Fax: 215-207\n"
                                 "CY  - Durham; London\nER  - \n", "ris").records
    written = converters.dumps([record], "biblatex")
    assert "publisher = {Routledge. Tel: 800-354; Fax: 215-207}" in written
    assert "location = {Durham; London}" in written


def test_a_list_changed_after_reading_is_written_as_the_record_holds_it():
    record = _read("@book{b, title = {T}, date = 1998, publisher = {A and B}}")
    assert "publisher = {C; D}" in converters.dumps([record.evolve(publisher="C; D")], "biblatex")


EVERY_FIELD = ("@book{every, author = {Ann Author}, title = {Every Field}, date = {2000}, publisher = {P},"
               " translator = {Doe, Jane and others}, bookauthor = {Bo Author}, shorttitle = {Every},"
               " shortjournal = {EJ}, series = {newseries}, number = {3}, eventtitle = {Meeting},"
               " venue = {Rome}, eventdate = {2001-02-03/2001-02-05}, origtitle = {Alles},"
               " origpublisher = {Old Press}, origlocation = {Durham and London}, origdate = {1850-05},"
               " pagetotal = {300}, volumes = {2}, part = {1}, chapter = {4}, version = {1.2},"
               " annotation = {An \\emph{annotation}}, library = {QA76}, pubstate = {inpress}, type = {resreport}}\n"
               "@patent{pat, author = {Ann Author}, title = {A Patent}, date = {1998},"
               " location = {countryfr and countryuk}, type = {patreqfr}}\n")


@pytest.mark.skipif(bool(missing_programs()), reason="the real TeX tools are not installed")
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_the_mapped_fields_as_written_pass_bibtex_and_biber(dialect):
    records = converters.loads(EVERY_FIELD, "biblatex").records
    run = (run_biber if dialect == "biblatex" else run_bibtex)(converters.dumps(records, dialect))
    assert sorted(run.keys) == ["every", "pat"] and not run.tool_errors and not run.latex_errors, run.log[-3000:]


def test_a_second_field_under_a_name_written_already_is_reported_not_dropped_silently():
    """location and address both given: BibTeX output has address for the first only."""
    record = _read("@book{k, title = {T}, location = {Berlin}, address = {Leipzig}, year = 2000}")
    diagnostics: list = []
    assert "address = {Berlin}" in converters.dumps([record], "bibtex", diagnostics=diagnostics)
    assert [(d.field, "Leipzig" in d.message) for d in diagnostics if d.code == "write.lost"] == [
        ("bibtex:address", True)]
    biblatex = converters.dumps([record], "biblatex")
    assert "location = {Berlin}" in biblatex and "address = {Leipzig}" in biblatex  # both names exist there


def test_editortype_names_the_csl_role_of_the_editors_both_ways():
    bib = ("@collection{c, title = {O Romance}, editor = {Moretti, Franco}, editortype = {compiler},"
           " editora = {Doe, Jane}, editoratype = {collaborator}, editorb = {Roe, Rita}, editorbtype = {founder},"
           " year = 2009}")
    record = _read(bib)
    assert record.editors == ()
    assert [n.family for n in record.names["compiler"]] == ["Moretti"]
    assert [n.family for n in record.names["contributor"]] == ["Doe"]
    assert record.extras[Extra("bibtex", "editorbtype")] == "founder"  # no CSL role: stays as written
    out = converters.dumps([record], "biblatex")
    assert "editor = {Moretti, Franco},\n  editortype = {compiler},\n  editora = {Doe, Jane},\n" \
           "  editoratype = {collaborator}," in out
    assert _read(out) == record
    csl = json.loads(converters.dumps([record], "csl-json"))[0]
    assert csl["compiler"] == [{"family": "Moretti", "given": "Franco"}] and "editor" not in csl


def test_an_editortype_without_a_csl_role_leaves_the_editors_editors():
    for kind in ("redactor", "organizer"):  # (biblatex's organizer edits a collection: not CSL's)
        record = _read(f"@book{{b, title = {{T}}, editor = {{Roe, Rita}}, editortype = {{{kind}}}, year = 2000}}")
        assert [n.family for n in record.editors] == ["Roe"] and record.extras[Extra("bibtex", "editortype")] == kind


def test_a_type_bibtex_cannot_write_is_reported_with_what_it_reads_back_as():
    # classic BibTeX has no @online or @dataset: written as @misc, read back as a document
    for csl_type, dialect, entry in (("webpage", "bibtex", "@misc"), ("dataset", "bibtex", "@misc"),
                                     ("song", "biblatex", "@misc")):
        diagnostics: list = []
        converters.dumps([Record(type=csl_type, title=Text("T"))], dialect, diagnostics=diagnostics)
        (moved,) = [d for d in diagnostics if d.field == "type"]
        assert f"{entry} (read back as document)" in moved.message, moved.message
    for csl_type in ("webpage", "dataset", "article-journal", "book", "thesis"):
        diagnostics = []
        converters.dumps([Record(type=csl_type, title=Text("T"))], "biblatex", diagnostics=diagnostics)
        assert not [d for d in diagnostics if d.field == "type"], csl_type


@pytest.mark.parametrize("csl_type", ["article-magazine", "article-newspaper"])
def test_a_magazine_or_newspaper_article_is_an_article_with_its_entrysubtype_both_ways(csl_type):
    record = Record(type=csl_type, title=Text("T"), container_title=Text("Byte"))
    for dialect in ("bibtex", "biblatex"):
        diagnostics: list = []
        out = converters.dumps([record], dialect, diagnostics=diagnostics)
        assert out.startswith("@article{") and f"  entrysubtype = {{{csl_type[8:]}}}," in out
        again = _read(out)
        assert again.type == csl_type and not again.extras and not [d for d in diagnostics if d.field == "type"]


def test_a_journals_numbered_series_is_the_words_biblatex_prints_and_written_back_as_the_number():
    record = _read("@article{k, title = {T}, journaltitle = {J}, series = {3}, year = 1990}")
    assert record.variables["collection-title"] == Text("3rd series", Syntax.BIBTEX)  # as pandoc reads it
    assert "  series = {3}," in converters.dumps([record], "biblatex")
    assert _read(converters.dumps([record], "biblatex")) == record
    book = _read("@book{k, title = {T}, series = {3}, year = 1990}")  # a book's series is a name
    assert book.variables["collection-title"] == Text("3", Syntax.BIBTEX)


def test_an_articles_eid_is_its_number_and_written_back_as_eid():
    record = _read("@article{k, title = {T}, journaltitle = {PLOS ONE}, volume = 5, number = 9, eid = {e12292}}")
    assert (record.issue, record.number) == ("9", "e12292")
    for dialect in ("bibtex", "biblatex"):
        diagnostics: list = []
        out = converters.dumps([record], dialect, diagnostics=diagnostics)
        assert "  eid = {e12292}," in out and "  number = {9}," in out
        assert _read(out) == record and not [d for d in diagnostics if d.code == "write.lost"]
    assert _read("@article{k, title = {T}, journal = {J}, articleno = {15}}").number == "15"  # Beebe's name


@pytest.mark.parametrize("entry_type", ["suppbook", "suppcollection", "conference"])
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_every_entry_type_the_reader_reads_a_booktitle_of_writes_it_there(entry_type, dialect):
    # an @suppbook (biblatex-abnt.bib's leite08) was written with its volume's title as the title,
    # its book as howpublished and its own title as maintitle
    record = _read(f"@{entry_type}{{k, title = {{Nota}}, booktitle = {{Volume}}, maintitle = {{Whole work}},"
                   " year = 2008}")
    out = converters.dumps([record], dialect)
    assert "title = {Nota}" in out and "booktitle = {Volume}" in out and "maintitle = {Whole work}" in out
    again = _read(out) if dialect == "bibtex" else converters.loads(out, "biblatex").records[0]
    assert (again.title, again.container_title, again.variables) == (record.title, record.container_title,
                                                                    record.variables)


@pytest.mark.parametrize("written, expected", [
    ("@report{k, title = {T}, type = {technical report}, date = 2000}", "type = {techreport}"),  # biblatex's words
    ("@report{k, title = {T}, type = {Technical Report}, date = 2000}", "type = {Technical Report}"),  # Beebe's
    ("@mastersthesis{k, title = {T}, type = {Master's Thesis}, school = {S}, year = 2000}",
     "type = {Master's Thesis}"),  # not the words the entry type prints: kept
    ("@book{k, title = {T}, series = {New Series}, date = 2000}", "series = {New Series}"),
])
def test_a_key_is_written_only_for_its_own_words_in_their_letter_case(written, expected):
    record = _read(written)
    bib = converters.dumps([record], "biblatex")
    assert expected in bib
    def plain(r):
        return {k: v.plain() for k, v in r.variables.items()}

    assert plain(_read(bib)) == plain(record)
