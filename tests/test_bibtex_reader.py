"""The BibTeX/BibLaTeX reader: features pinned by fixtures, failure recovery, the real
corpus, CSL validity, round trips through our writer, and pybtex as the name oracle.

Fixtures under tests/fixtures/bibtex/ are named after the behaviour they pin; the
expected values were checked by hand against BibTeX's and biber's documented rules.
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import converters
from converters.diagnostics import Reporter, Severity
from converters.extras import Extra, Kind, text_keyed
from converters.formats import bibtex
from converters.model import Date, Identifiers, Name, Record, Syntax, Text
from converters.normalise import normalise
from converters.options import Options

from .shared import ROOT, SHARED, shared_files, shared_path
from .strategies import records as record_strategy
from .validators import assert_valid_csl, parse_bibtex

FIXTURES = ROOT / "tests" / "fixtures" / "bibtex"
CORPUS = SHARED / "corpus" / "bibtex"
DIVERGENCES = json.loads((ROOT / "tests" / "known_divergences" / "bibtex.json").read_text(encoding="utf-8"))
# Files that are not UTF-8 (everything else in the corpus is).
ENCODINGS = {"bibtexparser-v2/gbk_test.bib": "gbk"}


def read_text(text: str, source: str = "<test>") -> tuple[list[Record], Reporter]:
    report = Reporter(source)  # read as the library reads: then the one normalisation pass
    return list(map(normalise, bibtex.read(io.StringIO(text), report, Options()))), report


def read_fixture(name: str) -> tuple[dict[str, Record], Reporter]:
    path = FIXTURES / name
    records, report = read_text(path.read_text(encoding="utf-8"), name)
    return {r.key: r for r in records}, report


def problems(report: Reporter, severity: Severity | None = None) -> list[tuple[str, int | None, int | None]]:
    return [(d.code, d.line, d.column) for d in report.diagnostics if severity in (None, d.severity)]


def person(family, given=None, particle=None, suffix=None) -> Name:
    return Name(family=family, given=given, non_dropping_particle=particle, suffix=suffix)


def bib(value: str) -> Text:
    return Text(value, Syntax.BIBTEX)


# --- features --------------------------------------------------------------------------


def test_string_macros_concatenation_and_redefinition():
    recs, report = read_fixture("string-macros-and-concatenation.bib")
    first = recs["macros"]
    assert first.authors == (person("Smith", "John"), person("Doe", "Jane"))
    assert first.title == bib("A {DNA} study")
    assert first.container_title == bib("J. Chem. Phys.")
    assert first.publisher == "North-Holland"
    assert first.note == bib("See J. Chem. Phys., vol. 3")
    # a field that is exactly one macro remembers it; concatenations are expanded
    assert text_keyed(first.extras) == {"bibtex:@string:journal": "jcp",
                                  "bibtex:@string:publisher": "pub"}
    assert recs["redefined"].container_title == bib("Journal of Chemical Physics")
    assert recs["redefined"].extras[Extra("bibtex", "journal", Kind.MACRO)] == "JCP"
    assert recs["undefined"].container_title == bib("nosuchjournal")
    assert problems(report) == [("bibtex.duplicate-string", 16, 1), ("bibtex.undefined-macro", 26, 13)]


def test_macro_used_before_its_definition_is_expanded_with_a_warning():
    records, report = read_text("@article{early, journal = later, title = {T}}\n@string{later = {Defined Later}}\n")
    assert records[0].container_title == bib("Defined Later")
    assert problems(report) == [("bibtex.macro-order", 1, 27)]


def test_macros_survive_a_bibtex_round_trip():
    recs, _ = read_fixture("string-macros-and-concatenation.bib")
    text = converters.dumps(recs.values(), "bibtex")
    assert "@string{jcp = {J. Chem. Phys.}}" in text
    assert "  journal = jcp,\n" in text
    assert "  publisher = pub,\n" in text
    # 'redefined' uses the name with another value: written in full, not as the macro
    assert "  journal = {Journal of Chemical Physics},\n" in text
    parse_bibtex(text)
    again, report = read_text(text)
    assert [r.container_title for r in again] == [r.container_title for r in recs.values()]
    assert not problems(report, Severity.ERROR)


@pytest.mark.parametrize("key, date, kept", [
    ("macro", Date(2020, 3), {}),
    ("name", Date(2020, 1), {}),
    ("number", Date(2020, 11), {}),
    ("withday", Date(2024, 12, 17), {}),
    ("monthday", Date(2024, 1, 15), {}),
    ("season", Date(1985, season=4), {}),
    ("range", Date(2020, 6, end=Date(2020, 7)), {}),
    ("badmonth", Date(2020), {"bibtex:month": "Foo"}),
    ("letteryear", Date(literal="in press"), {}),
    ("yearrange", Date(1984, end=Date(1986)), {}),
    ("feb30", Date(2020, 2), {"bibtex:day": "30"}),
])
def test_year_month_day(key, date, kept):
    recs, _ = read_fixture("month-macros-and-day.bib")
    assert recs[key].issued == date
    assert {k: v for k, v in text_keyed(recs[key].extras).items() if k != "bibtex:type"} == kept


@pytest.mark.parametrize("year, month, day, date, codes, kept", [
    ("1984--1986", "may", None, Date(1984, end=Date(1986)), ["bad-month"], {"month": "may"}),
    ("2020", "jan foo", None, Date(2020), ["bad-month"], {"month": "jan foo"}),
    ("2020", "July/June", None, Date(2020), ["bad-month"], {"month": "July/June"}),
    ("2020", "may", "8--9", Date(2020, 5, 8, end=Date(2020, 5, 9)), [], {}),
    ("2020", "may~5", "7", Date(2020, 5, 5), ["bad-day"], {"day": "7"}),
    ("2020", "spring", "3", Date(2020, season=1), ["bad-day"], {"day": "3"}),
    ("2020", None, "3", Date(2020), ["bad-day"], {"day": "3"}),
    ("1984--86", "may", "3", Date(1984, end=Date(1986)), ["bad-month", "bad-day"], {"month": "may", "day": "3"}),
])
def test_month_and_day_fields_that_are_not_one_month_of_one_year_are_kept_as_written(year, month, day, date, codes,
                                                                                      kept):
    parsed, problems, keep = bibtex.dates.parse_parts(year, month, day)
    assert (parsed, [p.code for p in problems], keep) == (date, [f"bibtex.{c}" for c in codes], kept)


def test_month_and_year_problems_are_warnings_with_positions():
    _, report = read_fixture("month-macros-and-day.bib")
    assert problems(report) == [("bibtex.bad-month", 8, 43), ("bibtex.bad-year", 9, 32), ("bibtex.bad-day", 11, 55)]


@pytest.mark.parametrize("key, date", [
    ("iso", Date(2020, 5, 17)),
    ("month", Date(2020, 5)),
    ("range", Date(1984, end=Date(1986))),
    ("circa", Date(1850, circa=True)),
    ("season", Date(2021, season=3)),
    ("open", Date(1984, end=Date(0))),  # an open range: CSL writes its end as the year 0
    ("bad", Date(literal="2020-13-01")),
    ("both", Date(2019, 4)),
    ("conflict", Date(2019)),
])
def test_biblatex_date(key, date):
    recs, _ = read_fixture("biblatex-dates-edtf.bib")
    assert recs[key].issued == date


def test_biblatex_date_details():
    recs, report = read_fixture("biblatex-dates-edtf.bib")
    assert recs["accessed"].accessed == Date(2024, 1, 31)
    assert recs["accessed"].type == "webpage"
    assert "bibtex:year" not in text_keyed(recs["both"].extras)  # year/month agreeing with date are dropped
    assert recs["conflict"].extras[Extra("bibtex", "year")] == "2018"
    assert problems(report) == [("bibtex.bad-date", 7, 25), ("bibtex.conflicting-date", 10, 37)]


def test_crossref_and_xdata_inheritance():
    recs, report = read_fixture("crossref-and-xdata-inheritance.bib")
    paper = recs["paper"]
    assert paper.type == "paper-conference"
    assert paper.title == bib("Notes on the Engine")
    assert paper.container_title == bib("Proceedings of the Analytical Society")  # parent title -> booktitle
    assert paper.editors == (person("Babbage", "Charles"),)
    assert (paper.publisher, paper.publisher_place, paper.issued, paper.pages) == ("Murray", "London", Date(1843),
                                                                                   "1-10")
    assert paper.extras[Extra("bibtex", "crossref")] == "procs"
    art = recs["art"]
    assert art.container_title == bib("Journal of Things")  # periodical title -> journaltitle
    assert art.volume == "3"
    assert art.issued == Date(2002)  # its own year blocks the parent's date
    assert recs["journal"].type == "periodical"
    assert (recs["withx"].publisher, recs["withx"].publisher_place) == ("Springer", "Berlin")
    assert (recs["own"].publisher, recs["own"].publisher_place) == ("Own", "Berlin")
    assert "pubdata" not in recs  # @xdata is a container, not an item
    assert problems(report) == [("bibtex.not-a-record", 29, 1), ("bibtex.missing-parent", 51, 3)]


def test_a_child_dated_by_its_year_takes_its_parents_month_and_day_of_that_year():
    # Beebe's proceedings papers ("year = 1989" under "month = nov"): BibTeX and
    # biber print the parent's month for them; refconv gave the year alone (43 corpus papers)
    text = ("@inproceedings{legacy, title={A}, year={1989}, crossref={p1}}\n"
            "@proceedings{p1, title={P}, year={1989}, month=nov, day={16}}\n"
            "@inproceedings{iso, title={B}, year={1989}, crossref={p2}}\n"
            "@proceedings{p2, title={P}, date={1989-11-05}}\n"
            "@inproceedings{later, title={C}, year={1990}, crossref={p2}}\n"
            "@inproceedings{own, title={D}, year={1989}, month=jan, crossref={p1}}\n"
            "@inproceedings{range, title={E}, year={1989}, crossref={p3}}\n"
            "@proceedings{p3, title={P}, date={1989-11/1990-02}}\n")
    records, report = read_text(text)
    issued = {r.key: r.issued for r in records}
    assert issued["legacy"] == Date(1989, 11, 16)
    assert issued["iso"] == Date(1989, 11, 5)
    # a parent of another year, a month of its own, a parent's range: the child's date as it is
    # (biber would make the 1990 paper "November 1990")
    assert (issued["later"], issued["own"], issued["range"]) == (Date(1990), Date(1989, 1), Date(1989))
    assert problems(report) == []


def test_an_entry_with_a_duplicate_key_still_inherits():
    text = "@inproceedings{p, title={A}, crossref={c}}\n@inproceedings{p, title={B}, crossref={c}}\n" \
           "@proceedings{c, title={Procs}, year=1999}\n"
    records, report = read_text(text)
    assert [(r.title, r.container_title, r.issued) for r in records] == [
        (bib("A"), bib("Procs"), Date(1999)), (bib("B"), bib("Procs"), Date(1999)), (bib("Procs"), None, Date(1999))]
    assert problems(report) == [("bibtex.duplicate-key", 2, 1)]


def test_a_key_holding_a_space_is_read_and_warned_of_as_bibtex_rejects_it():
    records, report = read_text("@book{Doe 2020, title={T}}\n@book{ok, title={U}}\n")
    assert [r.key for r in records] == ["Doe 2020", "ok"]
    assert problems(report) == [("bibtex.key-space", 1, 1)]


def test_a_book_author_is_the_bookauthor_of_its_chapters_as_biber_inherits_it():
    """biber passes a book's author to an @inbook as author and as bookauthor (container-author):
    a chapter with its own author keeps the book's too; a @book volume of an @mvbook does not."""
    text = ("@inbook{own, author={Poe, Ann}, title={Chapter}, crossref={b}}\n"
            "@inbook{none, title={Other}, crossref={b}}\n"
            "@book{vol, title={Volume}, crossref={mv}}\n"
            "@book{b, author={Knuth, Donald}, title={The Book}, year=1999}\n"
            "@mvbook{mv, author={Lee, Bo}, title={Works}, year=2000}\n")
    records = {r.key: r for r in read_text(text)[0]}
    assert records["own"].authors == (person("Poe", "Ann"),)
    assert records["own"].names["container-author"] == (person("Knuth", "Donald"),)
    assert records["none"].authors == records["none"].names["container-author"] == (person("Knuth", "Donald"),)
    assert records["vol"].authors == (person("Lee", "Bo"),) and "container-author" not in records["vol"].names


def test_crossref_cycle_is_reported_once():
    records, report = read_text("@book{a, title={A}, crossref={b}}\n@book{b, crossref={a}, year=2000}\n")
    # resolving a reaches b, whose link back to a closes the cycle and is cut
    assert [(r.title, r.issued) for r in records] == [(bib("A"), Date(2000)), (None, Date(2000))]
    assert problems(report) == [("bibtex.inheritance-cycle", 2, 10)]


def test_parenthesis_delimited_entries():
    recs, report = read_fixture("parenthesis-delimited-entries.bib")
    assert list(recs) == ["paren1", "brace1", "paren2", "paren3"]
    assert recs["paren1"].title == bib("Round (brackets) inside")
    assert recs["paren2"].title == bib("A quoted ) paren")
    assert recs["paren3"].publisher_place == "Paris"
    assert report.diagnostics == []


def test_duplicate_keys_and_fields_are_warnings_never_merged():
    records, report = read_text((FIXTURES / "duplicate-keys-and-fields.bib").read_text(encoding="utf-8"))
    assert [(r.key, r.title) for r in records] == [("dup", bib("First")), ("dup", bib("Second")),
                                                   ("Dup", bib("Third, case differs")), ("fields", bib("Upper"))]
    assert records[0].issued == Date(2001)  # the first of a repeated field, as BibTeX
    assert problems(report) == [("bibtex.duplicate-field", 4, 3), ("bibtex.duplicate-key", 6, 1),
                                ("bibtex.duplicate-key", 10, 1), ("bibtex.duplicate-field", 15, 3)]
    assert all(d.severity is Severity.WARNING for d in report.diagnostics)


def test_boms_before_the_first_entry():
    path = FIXTURES / "bom-before-first-entry.bib"
    text = path.read_text(encoding="utf-8")
    assert text.count("\ufeff") == 2
    records, report = read_text(text)
    assert [(r.key, r.position.line) for r in records] == [("bom", 3)]
    assert report.diagnostics == []
    assert bibtex.detect(text)
    result = converters.load(path)  # the format is guessed despite the BOM
    assert result.format == "bibtex" and len(result) == 1


def test_preamble_and_comments_are_not_records():
    recs, report = read_fixture("preamble-and-comments.bib")
    assert list(recs) == ["real"]
    assert recs["real"].issued == Date(1999)  # \noopsort{...} prints nothing
    # carried, not lost
    assert recs["real"].extras[Extra("bibtex", "1", Kind.PREAMBLE)] == r"\newcommand{\noopsort}[1]{}"
    assert problems(report) == []


def test_names_von_jr_organisations_and_others():
    recs, report = read_fixture("names-von-jr-organisations-others.bib")
    names = recs["names"]
    assert names.authors == (
        person("Waals", "J. D.", "van der"),
        person("Beethoven", "Ludwig", "van"),
        person("Smith", "John", suffix="Jr."),
        Name(literal="ATLAS Collaboration"),
        person("Zola", "Émile"),
    )
    assert names.authors_etal is True
    assert names.editors == (person("Brinch Hansen", "Per"), Name(literal="Barnes and Noble, Inc."))
    assert names.editors_etal is False
    assert recs["etal-only"].authors == () and recs["etal-only"].authors_etal
    assert recs["empty-and"].authors == (person("One", "A."), person("Two", "B."))
    assert problems(report) == [("bibtex.bad-name", 8, 21)]


def test_arxiv_preprints_normalised_for_round_trips():
    recs, report = read_fixture("arxiv-preprint-normalisation.bib")
    export = recs["arxiv-export"]
    assert export.type == "article" and export.publisher == "arXiv"
    assert export.ids == Identifiers(arxiv="1706.03762", arxiv_version=7, arxiv_class="cs.CL")
    # derived doi/url and the eprint fields consumed; @misc is re-derived; the eprint as written
    # (with its version) is a source form, written so again by BibTeX output
    assert dict(export.extras) == {Extra("bibtex", "eprint", Kind.AS_WRITTEN): "1706.03762v7"}
    online = recs["biblatex-style"]
    assert online.type == "article" and online.issued == Date(2024, 12, 17)
    assert online.ids == Identifiers(arxiv="2412.12557", arxiv_version=2, arxiv_class="physics.bio-ph",
                                     doi=("10.1016/j.physrep.2024.10.008",))
    assert dict(online.extras) == {}  # key = {arXiv:ID} is the writer's sort key
    published = recs["published"]
    assert published.type == "article-journal" and published.publisher is None
    assert published.ids == Identifiers(arxiv="hep-th/9901001")
    assert recs["old-style"].ids == Identifiers(arxiv="math/0611800", arxiv_version=2, arxiv_class="math.CA")
    assert recs["old-style"].extras == {Extra("bibtex", "eprint", Kind.AS_WRITTEN): "math.CA/0611800v2"}
    assert recs["doi-only"].ids == Identifiers(arxiv="2501.12948")
    bad = recs["bad-id"]
    assert bad.ids == Identifiers()
    assert bad.extras[Extra("bibtex", "eprint")] == "2513.00001"
    assert problems(report) == [("bibtex.bad-arxiv-id", 34, 43)]


def test_identifiers_and_plain_fields():
    recs, report = read_fixture("identifiers-and-plain-fields.bib")
    book = recs["fields"]
    assert book.title == bib(r"The {\TeX}book")
    assert (book.publisher, book.publisher_place, book.edition, book.volume) == (
        "Addison-Wesley", "Reading, Mass.", "Second", "A")
    assert book.pages == "1-10"
    assert book.keywords == ("typesetting", "TeX", "Knuth, Donald")
    assert book.language == "en-US"
    assert book.note == bib(r"A {\em note}")
    assert book.abstract == bib("About \\TeX.\n\nSecond paragraph.")  # spaces collapsed, paragraphs kept
    assert book.ids == Identifiers(doi=("10.1000/ABC_def",), url="https://example.org/x_y",
                                   isbn=("0-201-13447-0", "0-201-13448-9"), issn=("0036-8733",), pmid="12345")
    assert text_keyed(book.extras) == {"bibtex:@written:language": "english",  # the babel name beside en-US
                                 "bibtex:isbn": "0-201-13447-0 (paperback); 0-201-13448-9"}
    assert dict(book.variables) == {"collection-title": bib(r"Computers \& Typesetting")}
    report_ = recs["report"]
    assert (report_.type, report_.publisher, report_.number) == ("report", "CERN", "CERN-TH-1")
    assert report_.variables["genre"] == bib("Research Note")
    assert (recs["thesis"].publisher, recs["thesis"].issued) == ("München", Date(1995, 6))
    assert recs["issue"].issue == "4" and recs["issue"].extras[Extra("bibtex", "issue")] == "Spring"
    assert report.diagnostics == []


def test_thesis_school_and_report_type_field_round_trip():
    recs, _ = read_fixture("identifiers-and-plain-fields.bib")
    text = converters.dumps([recs["report"], recs["thesis"]], "bibtex")
    assert "  institution = {CERN},\n" in text and "  type = {Research Note},\n" in text
    assert "  school = {M{\\\"u}nchen},\n" in text
    again, _ = read_text(text)
    # a @phdthesis says its degree, as BibTeX styles and pandoc read it
    assert [(r.publisher, r.variables.get("genre")) for r in again] == [("CERN", bib("Research Note")),
                                                                       ("München", Text("PhD thesis"))]


@pytest.mark.parametrize("entry, csl_type", [
    ("@article{k, title={T}}", "article-journal"),
    ("@article{k, title={T}, entrysubtype={magazine}}", "article-magazine"),
    ("@book{k, title={T}}", "book"),
    ("@manual{k, title={T}}", "book"),
    ("@proceedings{k, title={T}}", "book"),
    ("@mvbook{k, title={T}}", "book"),
    ("@collection{k, title={T}}", "book"),
    ("@booklet{k, title={T}}", "pamphlet"),
    ("@inproceedings{k, title={T}}", "paper-conference"),
    ("@conference{k, title={T}}", "paper-conference"),
    ("@incollection{k, title={T}}", "chapter"),
    ("@inbook{k, title={T}}", "chapter"),
    ("@inreference{k, title={T}}", "entry-encyclopedia"),
    ("@phdthesis{k, title={T}}", "thesis"),
    ("@mastersthesis{k, title={T}}", "thesis"),
    ("@thesis{k, title={T}}", "thesis"),
    ("@techreport{k, title={T}}", "report"),
    ("@report{k, title={T}}", "report"),
    ("@unpublished{k, title={T}}", "manuscript"),
    ("@online{k, title={T}}", "webpage"),
    ("@electronic{k, title={T}}", "webpage"),
    ("@www{k, title={T}}", "webpage"),
    ("@misc{k, title={T}}", "document"),
    ("@misc{k, title={T}, eprint={2501.12948}, archivePrefix={arXiv}}", "article"),
    ("@online{k, title={T}, eprint={2501.12948}, eprinttype={arxiv}}", "article"),
    ("@dataset{k, title={T}}", "dataset"),
    ("@software{k, title={T}}", "software"),
    ("@patent{k, title={T}}", "patent"),
    ("@periodical{k, title={T}}", "periodical"),
    ("@standard{k, title={T}}", "standard"),
    ("@ARTICLE{k, title={T}}", "article-journal"),
])
def test_entry_type_table(entry, csl_type):
    from converters.formats.bibtex.writer import ENTRY_TYPES

    records, report = read_text(entry)
    assert records[0].type == csl_type
    # the original type is kept unless a writer would choose it again from the CSL type
    written = entry[1:entry.index("{")].lower()
    kept = records[0].extras.get(Extra("bibtex", "", Kind.ENTRY_TYPE))
    assert kept == written if written not in ENTRY_TYPES.get(csl_type, ()) else kept is None
    assert problems(report, Severity.WARNING) == []


def test_unknown_type_is_a_document_and_reported():
    records, report = read_text("\n@wrong{foo, author = {wrong}}\n")
    assert records[0].type == "document" and records[0].extras[Extra("bibtex", "", Kind.ENTRY_TYPE)] == "wrong"
    assert problems(report) == [("bibtex.unknown-type", 2, 1)]


def test_unmapped_fields_are_kept_verbatim_in_extras():
    records, _ = read_text("@book{k, title={T}, usera = {Lecture Notes in {C}omputer Science},"
                           " Mrnumber = {Kept \\emph{as} TeX}}")
    assert text_keyed(records[0].extras) == {"bibtex:usera": "Lecture Notes in {C}omputer Science",
                                       "bibtex:mrnumber": "Kept \\emph{as} TeX"}


def test_number_is_the_issue_of_articles_only():
    records, _ = read_text("@article{a, title={A}, number={7}}\n@techreport{b, title={B}, number={TR-7}}\n")
    assert (records[0].issue, records[0].number) == ("7", None)
    assert (records[1].issue, records[1].number) == (None, "TR-7")


def test_record_positions_and_keys():
    records, _ = read_text("% header\n\n@article{first, title={A}}\n\n\n@book{second,\n title={B}}\n", "x.bib")
    assert [(r.key, r.position.source, r.position.line) for r in records] == [("first", "x.bib", 3),
                                                                             ("second", "x.bib", 6)]


def test_lines_stay_right_after_values_ending_in_a_backslash():
    # bibtexparser's own start_line skips a line ending in `\\`; ours are computed from offsets
    text = "@article{a,\n  title = {x \\\\\n y},\n}\n@article{b,\n  title = {y},\n  year = {1999}, year = 2000,\n}\n"
    records, report = read_text(text)
    assert [r.position.line for r in records] == [1, 5]
    assert problems(report) == [("bibtex.duplicate-field", 7, 18)]


def test_crlf_reads_like_lf():
    text = (FIXTURES / "identifiers-and-plain-fields.bib").read_text(encoding="utf-8")
    lf, lf_report = read_text(text)
    crlf, crlf_report = read_text(text.replace("\n", "\r\n"))
    assert crlf == lf
    assert [r.position.line for r in crlf] == [r.position.line for r in lf]
    assert problems(crlf_report) == problems(lf_report)


def test_both_registry_names_read():
    text = "@online{k, title={T}, date={2024-12-17}, eprint={2412.12557}, eprinttype={arxiv}}"
    for name in ("bibtex", "biblatex", "bib"):
        result = converters.loads(text, name)
        assert result.format == ("bibtex" if name == "bib" else name)
        assert result[0].ids.arxiv == "2412.12557"


def test_reading_never_prints(capfd):
    read_text("@article{broken,\n title = {unclosed,\n}\n@article{ok, title={x}}\n")
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.parametrize("head, expected", [
    ("@article{x,\n", True),
    ("\ufeff@book(x,\n", True),
    ("% comment\n  @misc{x,", True),
    ("Title\nA. Author\n\nAbstract.\n\narXiv:2501.12948\nCreated: 2025-01-22\n", False),
    ("TY  - JOUR\nER  - \n", False),
    ("write to me@example.org (soon)", False),
])
def test_detect(head, expected):
    assert bibtex.detect(head) is expected


# --- failure recovery ---------------------------------------------------------------------

GOOD_BEFORE = "@article{first,\n  author = {A. One},\n  title = {First},\n  year = 2001,\n}\n\n"
GOOD_AFTER = "\n\n@article{last,\n  author = {B. Two},\n  title = {Last},\n  year = 2002,\n}\n"
# The broken snippet starts on line 7.
BROKEN = {
    "unclosed-brace": ("@article{broken,\n  title = {Unclosed,\n  year = 2000,\n}", 7, 1,
                       "unbalanced `{` opened at line 8 in field 'title'"),
    "unclosed-quote": ('@article{broken,\n  title = "Unclosed,\n  year = 2000,\n}', 7, 1,
                       "unbalanced `\"` opened at line 8 in field 'title'"),
    "missing-comma-after-key": ("@article{broken\n  title = {X},\n}", 7, 1, "missing comma after the citation key?"),
    "missing-equals": ("@article{broken,\n  title {X},\n}", 7, 1, "a field name without `= value`"),
    "entry-not-closed": ("@article{broken,\n  title = {X},\n  year = 2000,\n", 7, 1,
                         "the entry is not closed: missing `}`?"),
    "paren-entry-not-closed": ("@article(broken,\n  title = {X},\n", 7, 1, "the entry is not closed: missing `)`?"),
    "two-values-without-hash": ("@article{broken,\n  title = {X} {Y},\n}", 8, 15, "join the parts of a value with `#`"),
    "trailing-hash": ("@article{broken,\n  title = {X} #,\n}", 8, 16, "the second is missing"),
    "empty-value": ("@article{broken,\n  title = ,\n}", 8, 11, "write title = {...}"),
    "space-in-field-name": ("@article{broken,\n  ti tle = {X},\n}", 8, 3, "missing comma before it?"),
}
# @string blocks are not records: their problems name the last good entry key.
BROKEN_STRINGS = {
    "unclosed-string": ("@string{foo = {bar}", 7, 1, "the entry is not closed"),
    "bad-string-value": ("@string{foo = {bar} baz}", 7, 1, "join the parts"),
}


@pytest.mark.parametrize("name", [*BROKEN, *BROKEN_STRINGS])
def test_a_broken_entry_costs_only_itself(name):
    snippet, line, column, hint = BROKEN.get(name) or BROKEN_STRINGS[name]
    records, report = read_text(GOOD_BEFORE + snippet + GOOD_AFTER)
    assert [r.key for r in records] == ["first", "last"]
    assert [r.title for r in records] == [bib("First"), bib("Last")]
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    assert len(errors) == 1, [d.render() for d in report.diagnostics]
    error = errors[0]
    assert (error.code, error.line, error.column) == ("bibtex.syntax", line, column)
    assert hint in error.hint
    assert error.key == ("broken" if name in BROKEN else "first")
    assert report.failed == 1


def test_a_broken_entry_without_key_names_no_other_entry():
    """Its line says where it is; the previous entry's key would send a reader to an entry
    that converted fine (and a block of the file read on its own would not know it)."""
    records, report = read_text(GOOD_BEFORE + "@article{\n" + GOOD_AFTER)
    assert [r.key for r in records] == ["first", "last"]
    [error] = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    assert (error.line, error.key) == (7, None)


def test_fields_after_an_early_closing_brace_are_not_silently_lost():
    records, report = read_text(GOOD_BEFORE + "@article{broken,\n  title = {X}},\n  year = 2000,\n}" + GOOD_AFTER)
    assert [r.key for r in records] == ["first", "broken", "last"]
    [warning] = report.diagnostics
    assert (warning.code, warning.line, warning.column, warning.key) == ("bibtex.stray-fields", 9, 3, "broken")
    assert "extra `}`" in warning.hint


def test_an_at_line_starting_no_entry_is_an_error_but_text_between_entries_is_not():
    records, report = read_text("Some notes.\n@article missing brace\n% more\n@article{ok, title={x}}\n")
    assert [r.key for r in records] == ["ok"]
    assert problems(report) == [("bibtex.syntax", 2, 1)]


@given(st.text(alphabet='@{}(),="#%\\ \nabkeytl0123', max_size=80))
def test_never_raises_on_any_input(text):
    read_text(text)
    read_text("@article{k," + text)


# --- the real corpus ---------------------------------------------------------------------------

CORPUS_FILES = shared_files("corpus/bibtex", "*.bib")


def _corpus_id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


def _bibtexparser_entries(text: str) -> int:
    """bibtexparser's own count: entry blocks, including those it sets aside as duplicates."""
    import bibtexparser
    from bibtexparser import model

    library = bibtexparser.parse_string(text, parse_stack=[])
    wrapped = (model.DuplicateFieldKeyBlock, model.DuplicateBlockKeyBlock)
    return sum(isinstance(b.ignore_error_block if isinstance(b, wrapped) else b, model.Entry) for b in library.blocks)


@cache
def _corpus_read(relative: str) -> tuple[str, list[Record], Reporter]:
    path = CORPUS / relative
    text = path.read_text(encoding=ENCODINGS.get(relative, "utf-8"))
    records, report = read_text(text, relative)
    return text, records, report


def test_divergence_list_names_real_files():
    if not CORPUS_FILES:
        pytest.skip("../shared/corpus/bibtex is absent")
    known = {_corpus_id(p) for p in CORPUS_FILES}
    assert set(DIVERGENCES) <= known


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[_corpus_id(p) for p in CORPUS_FILES])
def test_corpus_file(path):
    relative = _corpus_id(path)
    text, records, report = _corpus_read(relative)
    expected = _bibtexparser_entries(text)
    not_records = sum(d.code in ("bibtex.not-a-record", "bibtex.set-not-converted") for d in report.diagnostics)
    if relative in DIVERGENCES:
        assert len(records) != expected, f"{relative} no longer diverges: remove it from known_divergences"
        assert len(records) + not_records == expected  # the divergence is exactly the documented entries
    else:
        assert len(records) == expected
        assert not_records == 0
    unplaced = [d.render() for d in report.diagnostics if d.line is None]
    assert unplaced == []
    assert report.failed == 0  # nothing in the corpus is broken beyond recovery


@pytest.mark.parametrize("relative, count", [("texlive/biblatex-examples.bib", 90), ("beebe/tugboat.bib", 4839)])
def test_corpus_converts_to_schema_valid_csl(relative, count):
    shared_path("corpus", "bibtex", relative)
    _, records, _ = _corpus_read(relative)
    assert len(records) == count
    items = assert_valid_csl(converters.dumps(records, "csl-json"))
    assert len(items) == count


def test_biblatex_examples_spot_checks():
    shared_path("corpus", "bibtex", "texlive", "biblatex-examples.bib")
    _, records, _ = _corpus_read("texlive/biblatex-examples.bib")
    recs = {r.key: r for r in records}
    # @incollection crossref'ing a @collection: the parent's title is the booktitle
    space = recs["westfahl:space"]
    # with the parent's subtitle, as biblatex prints the booktitle
    assert (space.type, space.container_title, space.issued) == (
        "chapter", bib("Space and Beyond: The Frontier Theme in Science Fiction"), Date(2000))
    assert (space.editors, space.publisher) == ((person("Westfahl", "Gary"),), "Greenwood")
    assert space.publisher_place == "Westport, Conn.; London"
    moraux = recs["moraux"]
    assert (moraux.type, moraux.publisher, moraux.language) == ("paper-conference", "Cambridge University Press",
                                                                "fr-FR")
    assert moraux.extras[Extra("bibtex", "publisher", Kind.MACRO)] == "cup"
    assert recs["kastenholz"].ids.doi == ("10.1063/1.2172593",)


# --- round trips through our writer ----------------------------------------------------------------


def _comparable(record: Record) -> dict:
    """The fields BibTeX carries; texts by their plain rendering (the writer adds case braces)."""
    def plain(text):
        return text.plain() if text else None

    return {
        "type": record.type, "title": plain(record.title), "authors": record.authors,
        "authors_etal": record.authors_etal, "issued": record.issued, "abstract": plain(record.abstract),
        "note": plain(record.note), "container": plain(record.container_title), "publisher": record.publisher,
        "volume": record.volume, "issue": record.issue, "pages": record.pages,
        "ids": (record.ids.arxiv, record.ids.doi, record.ids.primary_url),
        "affiliations": record.affiliations, "attachments": record.attachments,
    }


@pytest.mark.parametrize("target", ["bibtex", "biblatex"])
@given(record=record_strategy)
def test_round_trip_through_the_writer(target, record):
    # utf8: ascii mode writes a character with no LaTeX macro (Cyrillic) as {?}, a reported loss
    text = converters.dumps([record], target, tex="utf8")
    [back], report = read_text(text)
    assert _comparable(back) == _comparable(record), text
    assert not problems(report, Severity.WARNING) and not problems(report, Severity.ERROR), text


@pytest.mark.parametrize("target", ["bibtex", "biblatex"])
def test_sample_listing_round_trip(target):
    original = converters.load(shared_path("samples", "arxiv-listing.txt")).records
    back, report = read_text(converters.dumps(original, target))
    assert len(back) == len(original) == 9
    assert len(back[0].authors) == 199
    for before, after in zip(original, back, strict=True):
        assert after.authors == before.authors
        assert (after.ids.arxiv, after.ids.doi, after.primary_doi, after.ids.primary_url) == (
            before.ids.arxiv, before.ids.doi, before.primary_doi, before.ids.primary_url)
        assert after.issued == before.issued
        assert _comparable(after)["note"] == _comparable(before)["note"]
        assert _comparable(after) == _comparable(before)
    assert report.failed == 0


# --- names: pybtex as the oracle -------------------------------------------------------------------

ORACLE_NAMES = [
    r"{Delgado de Molina}, A.", "Brinch Hansen, Per", "van der Waals, J. D.", "Ludwig van Beethoven",
    r"{\'E}mile Zola", "Smith, Jr., John", "de la Fontaine, Jean", "Jean de La Fontaine", r"{Barnes and Noble, Inc.}",
    r"Charles Louis Xavier Joseph de la Vall{\'e}e Poussin", "Donald E. Knuth", "D.~E. Knuth", "Knuth",
    "von Neumann, John", "John von Neumann", "Per Brinch Hansen", r"{\"U}ber, J.", "Beeblebrox, IV, Zaphod",
    "Zaphod Beeblebrox IV", "{von Neumann}, John", "Martin Luther King, Jr.", "King, Jr, Martin Luther",
    "Jean-Paul Sartre", "jean de la fontaine", r"{\relax Ch}ristine Smith", "Kees van der Laan",
    r"{\v{S}}koda, Jan", r"Kurt G{\"o}del", "Maria {de la} Cruz", "van Dyke, Jr., Dick", "O'Connor, Flannery",
    "Aristotle", r"{\'A}lvarez, Luis",
    # bibtexparser's splitter reads these two as First Last and Last, First; BibTeX does not
    "van Aa", "de Gaulle", r"{\"o}zil Aa", "Aa, Jr., ", "van Aa, Jr., ",
]


@pytest.mark.parametrize("text", ORACLE_NAMES)
def test_name_split_matches_pybtex(text):
    from pybtex.database import Person

    from converters.text.names import split_bibtex_name as split_name
    from converters.text.tex import tex_to_unicode

    def decoded(parts):
        return (tex_to_unicode(" ".join(parts)).replace("\xa0", " ").strip() or None) if parts else None

    oracle = Person(text)
    ours = split_name(text)
    expected = (decoded(oracle.first_names + oracle.middle_names), decoded(oracle.prelast_names),
                decoded(oracle.last_names), decoded(oracle.lineage_names))
    actual = (ours.given, ours.non_dropping_particle, ours.literal or ours.family, ours.suffix)
    assert actual == expected
    records, _ = read_text(f"@article{{k, author = {{{text}}}, title={{T}}}}")
    assert records[0].authors == (ours,)  # the reader uses exactly this split


def test_subtitle_and_titleaddon_join_the_title_and_split_back_in_bibtex():
    records, _ = read_text("@book{k, title = {The True Frontier}, subtitle = {Confronting {Space}},"
                           " titleaddon = {A Study}}")
    assert records[0].title.plain() == "The True Frontier: Confronting Space. A Study"
    text = converters.dumps(records, "biblatex")
    assert "title = {The True Frontier}," in text and "subtitle = {Confronting {Space}}," in text
    assert "titleaddon = {A Study}," in text
    assert converters.dumps(records, "ris").count("TI  - The True Frontier: Confronting Space. A Study") == 1


def test_location_lists_and_eprint_links():
    records, _ = read_text("@book{k, title={T}, location = {Durham and London}, address = {ignored},"
                           " eprint = {4HIWAAAAYAAJ}, eprinttype = {googlebooks}}"
                           "@book{a, title={T}, address = {Harcourt, Brace and Company}}")
    assert records[0].publisher_place == "Durham; London"
    assert records[0].ids.url == "https://books.google.com?id=4HIWAAAAYAAJ"
    assert records[1].publisher_place == "Harcourt, Brace and Company"  # BibTeX's address is not a list


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_a_version_field_repeating_the_eprints_version_is_one_version_and_not_reported_lost(dialect):
    (record,) = converters.loads("@article{b, title = {T}, journaltitle = {J}, date = 2004, version = 3,"
                                 " eprint = {math/0307200v3}, eprinttype = {arxiv}}", "bibtex").records
    assert record.ids.arxiv_version == 3 and "version" not in record.variables
    diagnostics: list = []
    again = converters.loads(converters.dumps([record], dialect, diagnostics=diagnostics), dialect).records[0]
    assert again.ids.arxiv_version == 3
    assert not diagnostics, diagnostics


@pytest.mark.parametrize("written, expected", [
    ("C.~A. Kaemmerer", "C.\u00a0A. Kaemmerer"),  # a tie reads as the no-break space it prints
    ("C.\u00a0A.\u2009Kaemmerer", "C.\u00a0A.\u2009Kaemmerer"),  # UTF-8 from Zotero: BibTeX's space is ASCII's
])
def test_a_no_break_space_is_a_character_and_survives_a_round_trip(written, expected):
    [record] = converters.loads(f"@book{{k, title = {{T}}, publisher = {{{written}}}, year = 2000}}", "bibtex").records
    assert record.publisher == expected
    [again] = converters.loads(converters.dumps([record], "biblatex"), "bibtex").records
    assert again.publisher == expected


def test_an_empty_field_is_no_value():
    [record] = converters.loads('@article{k, title = {T}, pages = "{}", volume = {}, year = 2000}', "bibtex").records
    assert (record.pages, record.volume) == (None, None)
