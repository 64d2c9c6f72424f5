"""One book, one ISBN spelling, one journal, one ISSN spelling, whichever format it came from
(issue 12's single normalisation of identifiers: BibTeX and JATS kept them as written, RIS and
CSL-JSON compacted ISBNs)."""

from __future__ import annotations

import json
import re

import pytest

import converters
from converters.extras import Extra
from converters.text.ids import normalize_isbn, normalize_issn

SOURCES = {
    "bibtex": "@book{k, title = {T}, isbn = {%s}, issn = {%s}}",
    "ris": "TY  - BOOK\nTI  - T\nSN  - %s\nSN  - %s\nER  - \n",
    "csl-json": json.dumps([{"id": "k", "type": "book", "title": "T", "ISBN": "%s", "ISSN": "%s"}]),
    "jats": ('<ref-list><ref id="k"><element-citation publication-type="book"><source>T</source>'
             '<isbn>%s</isbn><issn>%s</issn></element-citation></ref></ref-list>'),
}


@pytest.mark.parametrize("fmt", SOURCES)
@pytest.mark.parametrize("isbn", ["0201134470", "0-201-13447-0", "0 201 13447 0", "978-0201134476"])
def test_every_reader_gives_one_isbn_and_issn_spelling(fmt, isbn):
    (record,) = converters.loads(SOURCES[fmt] % (isbn, "00368733"), fmt).records
    assert record.ids.isbn == (("978-0-201-13447-6",) if isbn.startswith("978") else ("0-201-13447-0",))
    assert record.ids.issn == ("0036-8733",)


def test_an_invalid_number_is_kept_as_given_and_flagged():
    assert normalize_isbn(" 3-540-52849-1 ") == ("3-540-52849-1", False)  # wrong check digit
    assert normalize_issn("1234-5678") == ("1234-5678", False)
    assert normalize_isbn("not an isbn") == ("not an isbn", False)


def test_isbn_qualifiers_holding_commas_never_split_a_number():
    """Beebe's printing-history.bib: "0-521-21967-1 (vol. I, hardcover), ..." gave the junk ISBN
    'hardcover)' and lost the numbers before it."""
    text = ("@book{k, title = {T}, isbn = {0-521-21967-1 (vol. I, hardcover), 0-521-21969-8 (vol.\n"
            "  II, hardcover), 0-521-22044-0 (set of two hardcover volumes)}}")
    (record,) = converters.loads(text, "bibtex").records
    assert record.ids.isbn == ("0-521-21967-1", "0-521-21969-8", "0-521-22044-0")
    assert "hardcover" in record.extras[Extra("bibtex", "isbn")]  # the qualifiers live on


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl-json"])
def test_the_same_isbn_twice_is_one_isbn(fmt):
    one, other = "0-201-13447-0", "0201134470"
    sources = {"bibtex": f"@book{{k, title = {{T}}, isbn = {{{one}, {other}}}}}",
               "ris": f"TY  - BOOK\nTI  - T\nSN  - {one}\nSN  - {other}\nER  - \n",
               "csl-json": json.dumps([{"id": "k", "type": "book", "title": "T", "ISBN": f"{one}, {other}"}])}
    (record,) = converters.loads(sources[fmt], fmt).records
    assert record.ids.isbn == ("0-201-13447-0",)


def test_an_arxiv_abstract_page_or_datacite_doi_gives_the_arxiv_id_in_every_reader():
    """The normalisation pass after every reader (converters/normalise.py)."""
    jats = ('<ref-list xmlns:xlink="http://www.w3.org/1999/xlink"><ref id="k"><element-citation '
            'publication-type="preprint"><source>arXiv.org</source><ext-link ext-link-type="uri" '
            'xlink:href="http://arxiv.org/abs/1406.5823">x</ext-link></element-citation></ref></ref-list>')
    (record,) = converters.loads(jats, "jats").records
    assert (record.ids.arxiv, record.ids.url) == ("1406.5823", None)
    csl = json.dumps([{"id": "k", "type": "article", "title": "T", "DOI": "https://doi.org/10.48550/arXiv.2101.00001"}])
    (record,) = converters.loads(csl, "csl-json").records
    assert (record.ids.arxiv, record.ids.doi) == ("2101.00001", ())
    other_version = json.dumps([{"id": "k", "type": "article", "title": "T", "DOI": "10.48550/arXiv.2101.00001",
                                 "URL": "https://arxiv.org/abs/2101.00001v3"}])
    (record,) = converters.loads(other_version, "csl-json").records
    assert (record.ids.arxiv, record.ids.url) == ("2101.00001", "https://arxiv.org/abs/2101.00001v3")  # v3's page


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl-json"])
def test_an_arxiv_pdf_link_gives_the_arxiv_id_and_stays_a_link_in_every_reader(fmt):
    # one rule (normalise.arxiv_id_from) for every reader; a PDF link is not the abstract page
    # the model derives, so it stays the record's URL
    pdf = "https://arxiv.org/pdf/2101.00001v2"
    source = {"bibtex": f"@misc{{k, title = {{T}}, url = {{{pdf}}}}}",
              "ris": f"TY  - GEN\nTI  - T\nUR  - {pdf}\nER  - \n",
              "csl-json": json.dumps([{"id": "k", "type": "article", "title": "T", "URL": pdf}])}[fmt]
    (record,) = converters.loads(source, fmt).records
    assert (record.ids.arxiv, record.ids.arxiv_version, record.ids.url) == ("2101.00001", 2, pdf)


def test_bibtex_output_keeps_isbn_qualifiers_as_written():
    """The bare list lost "(paperback)" from BibTeX -> BibTeX, silently."""
    text = "@book{k, title = {T}, isbn = {0-486-23929-2 (paperback)}, issn = {0036-8733 (print), 1946-7087 (online)}}"
    diagnostics: list = []
    out = converters.dumps(converters.loads(text, "bibtex").records, "bibtex", diagnostics=diagnostics)
    assert "isbn = {0-486-23929-2 (paperback)}" in out and "issn = {0036-8733 (print), 1946-7087 (online)}" in out
    assert not [d for d in diagnostics if d.code == "write.lost"]


# --- arXiv's DOI is the preprint's ------------------------------------------------------------

JOURNAL_WITH_EPRINT = ("@article{baez, author = {Baez, John C.}, title = {Higher-Dimensional Algebra V},"
                       " journaltitle = {Theory and Applications of Categories}, date = 2004,"
                       " eprint = {math/0307200v3}, eprinttype = {arxiv}}")
PREPRINTS = {
    "@online": "@online{baez, author = {Baez, John C.}, title = {T}, date = 2004, eprint = {math/0307200},"
               " eprinttype = {arxiv}}",
    "Google Scholar's @article": "@article{baez, title = {T}, author = {Baez, John C.}, year = 2004,"
                                " journal = {arXiv preprint math/0307200}, eprint = {math/0307200}, "
                                "archivePrefix = {arXiv}}",
    "ADS's @article": "@ARTICLE{baez, title = {T}, author = {Baez, John C.}, year = 2004,"
                      " journal = {arXiv e-prints}, eprint = {math/0307200}, archivePrefix = {arXiv}}",
}
WRITTEN_DOI = {"bibtex": r"doi = \{(.*?)\}", "biblatex": r"doi = \{(.*?)\}", "csl-json": r'"DOI": "(.*?)"',
               "ris": r"DO  - (.*?)\r", "jats": r'pub-id-type="doi">(.*?)<'}


@pytest.mark.parametrize("to", WRITTEN_DOI)
def test_a_journal_article_with_an_eprint_is_not_given_its_preprints_doi(to):
    text = converters.dumps(converters.loads(JOURNAL_WITH_EPRINT, "bibtex").records, to)
    assert re.findall(WRITTEN_DOI[to], text) == []
    assert "math/0307200" in text  # the eprint still travels


@pytest.mark.parametrize("to", WRITTEN_DOI)
@pytest.mark.parametrize("source", PREPRINTS)
def test_the_arxiv_paper_itself_gets_arxivs_doi(source, to):
    text = converters.dumps(converters.loads(PREPRINTS[source], "bibtex").records, to)
    assert re.findall(WRITTEN_DOI[to], text) == ["10.48550/arXiv.math/0307200"]


@pytest.mark.parametrize("to", WRITTEN_DOI)
def test_arxivs_doi_given_for_a_journal_article_is_kept_after_the_journals(to):
    given = JOURNAL_WITH_EPRINT.replace("date = 2004,", "date = 2004, doi = {10.48550/arXiv.math/0307200},")
    diagnostics: list = []
    text = converters.dumps(converters.loads(given, "bibtex").records, to, diagnostics=diagnostics)
    assert re.findall(WRITTEN_DOI[to], text) == ["10.48550/arXiv.math/0307200"]
    both = JOURNAL_WITH_EPRINT.replace("date = 2004,",
                                       "date = 2004, doi = {10.48550/arXiv.math/0307200 10.1000/tac.12},")
    diagnostics = []
    text = converters.dumps(converters.loads(both, "bibtex").records, to, diagnostics=diagnostics)
    assert re.findall(WRITTEN_DOI[to], text)[0] == "10.1000/tac.12"
    said = [d.message for d in diagnostics if "10.48550/arXiv.math/0307200" in d.message]
    kept = text.count("10.48550/arXiv.math/0307200")  # JATS pub-ids, CSL-JSON's custom DOIs
    assert kept == 1 if to in ("jats", "csl-json") else (kept, len(said)) == (0, 1)  # a one-DOI format says so


# Beebe's bibliographies list a work's links in one url ("ftp://...; http://..."): the whole list
# was the URL, which reference managers cannot open; RIS writes a link a UR line, JATS an ext-link
LINKS = ("ftp://uiarchive.example.edu/pub/etext/", "http://www.loc.gov/catdir/toc/wap041/2001033646.html",
         "http://example.com/books.asp?id=1481")
_A, _B, _C = LINKS
LINK_SOURCES = {
    "bibtex": f'@book{{k, title = {{T}}, url = "{_A};\n   {_B};\n   {_C}"}}',
    "ris": f"TY  - BOOK\nTI  - T\nUR  - {_A}\nUR  - {_B}; {_C}\nER  - \n",
    "csl-json": json.dumps([{"id": "k", "type": "book", "title": "T", "URL": _A, "custom": {"links": [_B, _C]}}]),
    "jats": ('<ref-list xmlns:xlink="http://www.w3.org/1999/xlink"><ref id="k"><element-citation '
             'publication-type="book"><source>T</source>'
             + "".join(f'<ext-link ext-link-type="uri" xlink:href="{link}">{link}</ext-link>' for link in LINKS)
             + "</element-citation></ref></ref-list>"),
}


@pytest.mark.parametrize("fmt", LINK_SOURCES)
def test_every_reader_gives_the_url_and_the_further_links(fmt):
    (record,) = converters.loads(LINK_SOURCES[fmt], fmt).records
    assert (record.ids.url, record.ids.links) == (LINKS[0], LINKS[1:])


@pytest.mark.parametrize("target", ["ris", "csl-json", "jats", "refconv-json"])
@pytest.mark.parametrize("fmt", LINK_SOURCES)
def test_the_links_come_back_from_every_writer_that_holds_several(fmt, target):
    (record,) = converters.loads(LINK_SOURCES[fmt], fmt).records
    (again,) = converters.loads(converters.dumps([record], target), target).records
    assert (again.ids.url, again.ids.links) == (LINKS[0], LINKS[1:])


def test_bibtex_writes_the_links_as_the_input_listed_them_and_reports_others():
    (beebe,) = converters.loads(LINK_SOURCES["bibtex"], "bibtex").records
    assert f"url = {{{'; '.join(LINKS)}}}" in converters.dumps([beebe], "bibtex")
    (ris,) = converters.loads(LINK_SOURCES["ris"], "ris").records
    diagnostics: list = []
    text = converters.dumps([ris], "biblatex", diagnostics=diagnostics)
    assert f"url = {{{LINKS[0]}}}" in text  # biblatex has one url
    assert [(d.code, d.field) for d in diagnostics] == [("write.lost", "ids.links")] * 2


def test_jats_front_matter_self_uri_of_a_file_is_kept_by_its_kind():
    text = ('<article xmlns:xlink="http://www.w3.org/1999/xlink"><front><article-meta><title-group><article-title>T'
            '</article-title></title-group><self-uri xlink:href="https://example.org/a"/><self-uri content-type="pdf" '
            'xlink:href="elife-00666.pdf"/><self-uri xlink:href="ftp://example.org/b"/></article-meta></front></article>')
    (record,) = converters.loads(text, "jats", jats_front=True).records
    assert (record.ids.url, record.ids.links) == ("https://example.org/a", ("ftp://example.org/b",))
    assert record.extras[Extra("jats", "self-uri:pdf")] == "elife-00666.pdf"
    (again,) = converters.loads(converters.dumps([record], "jats", jats_mode="articles"), "jats",
                                jats_front=True).records
    assert again.ids == record.ids
