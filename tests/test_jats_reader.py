"""The JATS reader: features (hand-checked), hostile XML, broken documents, the real-world
corpus, and round trips through our own writer."""

from __future__ import annotations

import csv
import http.server
import io
import json
import threading
import time
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

import converters
from converters.diagnostics import Reporter, Severity
from converters.extras import Extra, text_keyed
from converters.formats.jats import detect, read, safety
from converters.model import Date, Identifiers, Name, Record, Syntax, Text
from converters.options import Options

from .shared import SHARED, ids_for, shared_files, shared_path
from .strategies import records
from .validators import assert_valid_csl, assert_valid_jats

FIXTURES = Path(__file__).parent / "fixtures" / "jats"
DIVERGENCES: dict[str, str] = json.loads(
    (Path(__file__).parent / "known_divergences" / "jats.json").read_text(encoding="utf-8"))
CORPUS = shared_files("corpus/jats", "*.xml", "*.nxml")
# an independent count: citation elements that are children of a <ref>, by plain XPath
CITATIONS = "//ref/*[self::element-citation or self::mixed-citation or self::citation or self::nlm-citation]"


def load(name: str, **options) -> converters.Result:
    return converters.load(FIXTURES / name, "jats", **options)


def by_key(result) -> dict[str | None, Record]:
    return {record.key: record for record in result}


def problems(result) -> list:
    return [d for d in result.diagnostics if d.severity is not Severity.INFO]


def codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


def everything_said(result) -> str:
    """Every record and diagnostic as text, to search for leaked content."""
    return "\n".join([repr(r) for r in result] + [d.render() for d in result.diagnostics])


def assert_valid_articles(text: str) -> None:
    """Articles-mode output: each <article> of a <pmc-articleset> validated as its own document.

    (lxml validating an <article> inside the set, not as a root, fails on xml:lang and ID
    attributes with an empty error log; on its own the same article is valid.)
    """
    root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(load_dtd=False, no_network=True))
    for article in [root] if root.tag == "article" else list(root):
        assert_valid_jats(etree.tostring(article, encoding="unicode"))


def plain_tree(path: Path):
    return etree.parse(str(path), etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False))


# --- citations, one feature at a time ----------------------------------------------------

def test_several_citations_in_one_ref_get_suffixed_keys():
    result = load("several-citations-in-one-ref.xml")
    assert [r.key for r in result] == ["ref1a", "ref1b", "ref1c", "ref2", "ref4"]
    chapter = by_key(result)["ref1c"]
    assert chapter.type == "chapter"
    assert chapter.title == Text("The Stetter Reaction")
    assert chapter.container_title == Text("Comprehensive Organic Synthesis II")
    assert chapter.authors == (Name(family="Holmes", given="J. M."), Name(family="Gravel", given="M."))
    assert chapter.editors == (Name(family="Molander", given="G. A."),)
    assert (chapter.publisher, chapter.issued, chapter.volume, chapter.pages) == ("Elsevier", Date(2014), "4", "1384")
    assert Extra("jats", "mixed-citation") not in chapter.extras  # only punctuation and "Ed.", "Vol." between the tags
    assert by_key(result)["ref1a"].extras[Extra("jats", "label")] == "a"
    assert by_key(result)["ref1a"].position.line == 9
    # a ref with only a note: said, not an error
    assert [(d.code, d.line, d.key) for d in result.diagnostics] == [("jats.empty-ref", 25, "ref3")]


def test_citation_alternatives_are_one_record():
    record = by_key(load("several-citations-in-one-ref.xml"))["ref4"]
    assert record.title == Text("One work, two forms")
    assert record.extras[Extra("jats", "mixed-citation")] == "Alt A. One work, two forms. J. Alt. 2001."


def test_names_person_groups_collab_etal():
    result = load("names-and-person-groups.xml")
    book = by_key(result)["n1"]
    assert book.authors == (
        Name(family="Meulen", non_dropping_particle="van der", given="Marylee J"),
        Name(family="Smith", given="John", suffix="Jr"),
        Name(family="Wang", given="Xiaoming"),  # name-style="eastern": same parts
        Name(given="Aristotle"),  # name-style="given-only"
        Name(family="Lovelace", given="Ada"),  # string-name with tagged parts
        Name(family="Beethoven", given="Ludwig", non_dropping_particle="van"),  # untagged string-name, split
        Name(literal="ATLAS Collaboration"),
    )
    assert book.authors_etal is True  # <etal/>, never a fake author
    assert book.editors == (Name(family="Knuth", given="Donald E."),) and book.editors_etal is True
    assert book.extras[Extra("jats", "prefix")] == "Dr Smith"
    assert book.names == {"translator": (Name(family="Garnett", given="Constance"),)}  # a CSL name variable
    assert not any(k.startswith("jats:person-group") for k in text_keyed(book.extras))
    assert book.type == "book" and book.title == Text("Collected Names") and book.container_title is None
    loose = by_key(result)["n2"]  # names directly in the citation are authors; a collab's members are not
    assert loose.authors == (Name(family="Direct", given="A."), Name(literal="The Consortium"))
    assert loose.authors_etal is True
    empty = by_key(result)["n3"]
    assert empty.authors == (Name(literal="Anonymous"),)
    assert [(d.code, d.line, d.key) for d in problems(result)] == [("jats.empty-name", 28, "n3")]


def test_titles_keep_formatting_as_csl_rich_text():
    result = by_key(load("titles-with-markup.xml"))
    title = result["t1"].title
    assert title == Text('The <i>Drosophila</i> gene <b>bold</b>, H<sub>2</sub>O, x<sup>2</sup> and '
                         '<span style="font-variant:small-caps;">Small Caps</span> &amp; more', Syntax.HTML)
    assert title.plain() == "The Drosophila gene bold, H2O, x2 and Small Caps & more"  # the xref is dropped
    assert result["t1"].container_title == Text("<i>Nature</i>", Syntax.HTML)
    assert result["t3"].title == Text("Plain title")  # no markup: plain, whitespace normalised
    assert result["t3"].extras[Extra("jats", "trans-title")] == "Titre"
    assert result["t4"].title == Text("MathML only: E=mc^2")  # MathML without TeX: its alttext


def test_titles_with_tex_math_are_tex():
    record = by_key(load("titles-with-markup.xml"))["t2"]
    # maths has no place in CSL rich text; TeX keeps it maths in BibTeX and back in JATS
    assert record.title == Text(r"Bounds on $\alpha_s$ -{}- and 50\% more", Syntax.TEX)
    assert record.title.plain() == r"Bounds on $\alpha_s$ -- and 50% more"
    assert "<tex-math>\\alpha_s</tex-math>" in converters.dumps([record], "jats")


def test_publication_types_by_table_original_kept():
    result = by_key(load("publication-types.xml"))
    expected = {"journal": "article-journal", "book": "book", "chapter": "chapter", "confproc": "paper-conference",
                "thesis": "thesis", "weblink": "webpage", "data": "dataset", "software": "software",
                "patent": "patent", "taxpub-article": "article-journal", "other": "document",
                "unknown": "article-journal", "untyped-conf": "paper-conference",
                "untyped-journal": "article-journal", "nlm-commun": "personal_communication"}
    assert {key: record.type for key, record in result.items()} == expected
    assert result["weblink"].extras[Extra("jats", "publication-type")] == "weblink"
    assert result["software"].extras[Extra("jats", "publication-type")] == "computer-program"
    assert result["nlm-commun"].extras[Extra("jats", "publication-type")] == "commun"  # NLM 2.x citation-type
    assert "jats:publication-type" not in text_keyed(result["untyped-journal"].extras)
    assert result["book"].title == Text("A Whole Book") and result["book"].container_title is None
    assert result["chapter"].title == Text("A Chapter") and result["chapter"].container_title == Text("The Book")
    assert result["data"].title == Text("A Data Set") and result["data"].container_title == Text("Dryad")
    assert result["patent"].number == "US 5,123,456"
    assert result["confproc"].variables["event-title"] == Text("Conf 2001")


def test_unknown_publication_type_is_reported_once():
    result = load("publication-types.xml")
    assert [(d.code, d.line) for d in result.diagnostics] == [("jats.unknown-type", 16)]


def test_identifiers_and_links():
    result = load("identifiers-and-links.xml")
    first = by_key(result)["i1"]
    assert first.ids.doi == ("10.1000/ABC.1",)  # resolver stripped, case kept
    assert (first.ids.pmid, first.ids.pmcid) == ("123", "PMC456")
    assert first.ids.url == "https://example.org/a"  # the first link; xlink:href, not the link text
    assert first.ids.isbn == ("978-3-16-148410-0",) and first.ids.issn == ("0028-0836",)
    assert first.extras[Extra("jats", "pub-id:publisher-id")] == "x-9"
    assert first.ids.links == ("https://example.org/b",) and Extra("jats", "uri") not in first.extras
    assert by_key(result)["i3"].ids.doi == ("10.2307/1436952",)  # ext-link-type="doi"


def test_arxiv_preprint_normalised_for_round_trips():
    result = by_key(load("identifiers-and-links.xml"))
    preprint = result["i2"]
    assert (preprint.type, preprint.publisher, preprint.container_title) == ("article", "arXiv", None)
    assert preprint.ids.arxiv == "2501.12948"
    assert preprint.ids.doi == ("10.1000/journal.5",)  # the arXiv DOI is derived, not stored (any case)
    assert preprint.ids.url is None  # the abstract page is derived too
    from_source = result["i4"]  # "arXiv preprint arXiv:ID" as the source
    assert (from_source.type, from_source.ids.arxiv, from_source.publisher) == ("article", "1706.03762", "arXiv")
    assert from_source.extras[Extra("jats", "source")] == "arXiv preprint arXiv:1706.03762"


def test_bad_arxiv_id_is_a_warning_with_line():
    result = load("identifiers-and-links.xml")
    assert [(d.code, d.line, d.key) for d in problems(result)] == [("jats.bad-arxiv", 24, "i5")]
    assert by_key(result)["i5"].extras[Extra("jats", "pub-id:arxiv")] == "not-an-id"


def test_dates():
    result = by_key(load("dates.xml"))
    issued = {key: record.issued for key, record in result.items()}
    assert issued["d1"] == Date(2024, 12, 17)
    assert issued["d2"] == Date(2003, 1) and result["d2"].extras[Extra("jats", "year")] == "2003a"
    assert issued["d3"] == Date(2010, season=1)
    assert issued["d4"] == Date(literal="in press")
    assert issued["d5"] == Date(2019, 3, 5)  # string-date
    assert issued["d6"] == Date(2018, 3, 5)  # <date date-type="pub">
    assert issued["d9"] == Date(2020) and result["d9"].extras[Extra("jats", "month")] == "13"
    assert issued["d10"] == Date(1999, 1) and result["d10"].extras[Extra("jats", "month")] == "Jan-Feb"
    assert issued["d11"] == Date(2016, 3)  # iso-8601-date adds the month
    assert result["d7"].accessed == Date(2012, 7, 6)  # date-in-citation content-type="access-date"
    assert result["d8"].accessed == Date(2011, 1, 5)  # "[cited 2011 Jan 5]"


def test_pages_publisher_notes_and_unmapped_extras():
    result = load("pages-publisher-notes-extras.xml")
    records = by_key(result)
    assert records["p1"].pages == "565-71" and (records["p1"].volume, records["p1"].issue) == ("9", "5")
    assert records["p2"].pages == "565-71, 573"  # page-range wins over fpage
    assert records["p3"].number == "e01234"  # elocation-id
    book = records["p4"]
    assert (book.publisher, book.publisher_place, book.edition) == ("Wiley", "Hoboken, NJ", "2nd")
    assert book.note == Text("In <i>press</i>", Syntax.HTML)
    assert book.variables["number-of-pages"] == Text("300") and book.extras[Extra("jats", "foo")] == "bar"
    assert records["p5"].ids.url == "http://x.org/page"  # the link in "Available: ..." comments
    assert records["p5"].note == Text("Available: http://x.org/page. Accessed 2012 Jan 5.")
    assert [(d.code, d.line, d.field) for d in result.diagnostics] == [("jats.unmapped", 10, "jats:foo")]


def test_co_publishers_and_their_places_are_the_records_lists_not_extras():
    ref = ('<ref id="r"><element-citation publication-type="book"><source>B</source>{}<year>1997</year>'
           '</element-citation></ref>')
    both = ("<publisher-loc>Oxford</publisher-loc><publisher-name>IUCr</publisher-name>"
            "<publisher-loc>New York</publisher-loc><publisher-name>OUP</publisher-name>")
    institution = "<institution>MIT</institution><publisher-name>MIT Press</publisher-name>"
    text = f"<article><back><ref-list>{ref.format(both)}{ref.format(institution)}</ref-list></back></article>"
    co, report = converters.loads(text, "jats").records
    assert (co.publisher, co.publisher_place) == ("IUCr; OUP", "Oxford; New York") and not co.extras
    # (an institution named first stays the publisher; the publisher-name is kept beside it)
    assert (report.publisher, report.extras) == ("MIT", {Extra("jats", "publisher-name"): "MIT Press"})


def test_nlm_2_3_citation_and_nlm_citation():
    result = load("nlm-2.3-citation.xml")
    first, second = result
    assert (first.type, first.pages, first.ids.pmid) == ("article-journal", "284-290", "9332805")
    assert first.authors == (Name(family="Slade", given="GD"),)
    assert (second.type, second.title, second.publisher) == (
        "book", Text("The Design and Analysis of Clinical Experiments"), "Wiley")
    assert not result.diagnostics


def test_untagged_and_tagged_rendering_of_one_work_is_one_record():
    result = load("scielo-paired-citations.xml")
    paired, alone = result
    assert paired.title == Text("Efectos del diálogo socrático") and paired.pages == "1-26"
    assert paired.extras[Extra("jats", "mixed-citation")].startswith("ACOSTA, B.C. Efectos")
    assert alone.note == Text("VIDAL LEDO, M. Mapas conceptuales. Revista Cubana, 2007.")
    assert [(d.code, d.line, d.key) for d in problems(result)] == [("jats.unstructured", 12, "s2")]


def test_mixed_citation_untagged_words_are_kept():
    records = by_key(load("mixed-citation-untagged-text.xml"))
    # name parts glued together in the XML are two words in the kept text
    assert records["B1"].extras[Extra("jats", "mixed-citation")] == (
        "Allan HH (1961) Flora of New Zealand, Vol. I. Government Printer, Wellington, liv + 1085 pp.")
    assert "jats:mixed-citation" not in text_keyed(records["R1"].extras)  # BMJ style: only punctuation untagged
    assert records["R1"].authors_etal and records["R1"].pages == "565-71"
    assert records["B2"].title == Text("The salamanders of <i>Pseudoeurycea</i>", Syntax.HTML)  # TaxPub tags


def test_parts_the_xml_puts_side_by_side_are_words_of_their_own():
    # TaxPub's taxon-name parts and a citation's fields, nothing between them in the XML: not glued
    # ("Anemonesect.Himalayicae", "Zhurnal74"); an empty part adds no space, a style inside a word
    # none, and text the XML writes ("group).") stays as written
    records = by_key(load("mixed-citation-untagged-text.xml"))
    assert records["B3"].extras[Extra("jats", "mixed-citation")] == (
        "Smith A (1989) New taxa of the Anemone sect. Himalayicae (godmani group).Botanicheskii Zhurnal 74: "
        "1344–1346, H2O.")
    assert records["B4"].title == Text("Geographic variation in <i>Rhadinaea hempsteadae</i>", Syntax.HTML)
    assert records["B4"].container_title == Text("Herpetologica")


# --- whole articles -----------------------------------------------------------------------

def test_front_matter_on_request():
    assert [r.key for r in load("front-matter.xml")] == ["bib1", "sa1-bib1"]  # sub-article refs too
    result = load("front-matter.xml", jats_front=True)
    front = result[0]
    assert len(result) == 3 and front.key is None
    assert front.title == Text("Bacterial sulfonolipid triggers <i>multicellular</i> development: a closer look",
                               Syntax.HTML)
    assert front.authors == (Name(family="Alegado", given="Rosanna A"),
                             Name(literal="The Choanoflagellate Consortium"), Name(family="King", given="Nicole"))
    assert front.authors_etal and front.editors == (Name(family="Kolter", given="Roberto"),)
    assert front.issued == Date(2012, 10, 16)  # epub over collection
    assert front.abstract == Text("Bacteria regulate <i>choanoflagellate</i> development.\n\nA second paragraph.",
                                  Syntax.HTML)
    assert front.keywords == ("choanoflagellate", "sulfonolipid")
    assert (front.container_title, front.publisher, front.volume, front.number, front.language) == (
        Text("eLife"), "eLife Sciences Publications, Ltd", "1", "e00013", "en")
    assert front.ids.doi == ("10.7554/eLife.00013",) and front.ids.pmcid == "PMC3463246"
    assert front.ids.url == "https://elifesciences.org/articles/00013"  # not the relative PDF
    assert front.ids.issn == ("2050-084X",)
    assert front.extras[Extra("jats", "abstract:executive-summary")] == "Short version."
    assert front.extras[Extra("jats", "custom-meta:Author impact statement")] == "It matters."
    assert front.extras[Extra("jats", "related-article:commentary")] == "10.7554/eLife.00123"
    # research-article is what our writer writes for a journal article again: not kept
    assert front.type == "article-journal" and Extra("jats", "article-type") not in front.extras


def test_pmc_articleset_gives_each_article_then_its_refs():
    result = load("pmc-articleset.xml", jats_front=True)
    assert [(r.title.plain(), r.key) for r in result] == [
        ("First", None), ("Ref of the first", "a1"), ("Second", None), ("Ref of the second", "a1")]
    assert result[0].type == "article" and result[0].ids.arxiv == "2501.04520"
    assert result[0].issued == Date(2025, 1, 8)


def test_article_without_refs_says_how_to_read_its_front():
    text = "<article><front><article-meta><title-group><article-title>T</article-title></title-group>" \
           "</article-meta></front></article>"
    result = converters.loads(text, "jats")
    assert len(result) == 0 and codes(result) == ["jats.no-references"]
    assert converters.loads(text, "jats", jats_front=True)[0].title == Text("T")


def test_ref_list_or_citation_as_the_root():
    listed = converters.loads('<ref-list><ref id="x"><mixed-citation><source>S</source> <year>2000</year>'
                              "</mixed-citation></ref></ref-list>", "jats")
    assert [(r.key, r.issued) for r in listed] == [("x", Date(2000))]
    alone = converters.loads('<element-citation publication-type="book"><source>B</source></element-citation>', "jats")
    assert alone[0].title == Text("B")


def test_reads_an_iterable_of_lines_too():
    lines = (FIXTURES / "nlm-2.3-citation.xml").read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(list(read(lines, Reporter(), Options()))) == 2


# --- hostile XML ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, entity", [("billion-laughs.xml", "lol"), ("quadratic-blowup.xml", "a"),
                                          ("xxe-file-disclosure.xml", "xxe"),
                                          ("xxe-parameter-entity.xml", "remote")])
def test_entity_declarations_are_refused(name, entity, capsys):
    started = time.perf_counter()
    result = load(name)
    assert time.perf_counter() - started < 2
    assert len(result) == 0
    assert [(d.code, d.severity, d.line) for d in result.diagnostics] == [
        ("jats.entity-declaration", Severity.ERROR, 3)]
    assert f"'{entity}'" in result.diagnostics[0].message
    assert "lollol" not in everything_said(result) and "aaaa" not in everything_said(result)
    assert capsys.readouterr() == ("", "")  # never prints


_ONE_REF = ('<ref id="r1"><element-citation publication-type="journal"><article-title>Kept</article-title>'
            "<source>J</source><year>2020</year></element-citation></ref>")


@pytest.mark.parametrize("text", [
    f'<!-- <!ENTITY lol "lol"> --><article><back><ref-list>{_ONE_REF}</ref-list></back></article>',
    f'<article><!-- an example: <!ENTITY x "y"> --><back><ref-list>{_ONE_REF}</ref-list></back></article>',
    f'<article><back><ref-list><![CDATA[<!ENTITY lol "lol">]]>{_ONE_REF}</ref-list></back></article>',
    f'<?note <!ENTITY lol "lol"> ?><article><back><ref-list>{_ONE_REF}</ref-list></back></article>',
    f'<!DOCTYPE article [<!-- <!ENTITY lol "lol"> -->]><article><back><ref-list>{_ONE_REF}</ref-list></back></article>',
], ids=["comment-before-root", "comment-in-body", "cdata", "processing-instruction", "comment-in-internal-subset"])
def test_entity_declaration_inside_a_comment_or_cdata_is_read_not_refused(text):
    root = etree.fromstring(text.encode(), etree.XMLParser(resolve_entities=False, load_dtd=False))
    assert "Kept" in "".join(root.itertext())  # lxml reads it, and it declares nothing
    dtd = root.getroottree().docinfo.internalDTD
    assert dtd is None or not list(dtd.iterentities())
    result = converters.loads(text, "jats")
    assert [r.title for r in result] == [Text("Kept")]
    assert not problems(result)


@pytest.mark.parametrize("prefix, entity", [
    ('<!DOCTYPE article SYSTEM "x<!--" [<!ENTITY lol "PWNED">]>', "lol"),  # "<!--" in a system id is no comment
    ('<!DOCTYPE article [<!NOTATION n SYSTEM "<!--"><!ENTITY lol "PWNED"><!-- -->]>', "lol"),
    ('<!DOCTYPE article [<!ATTLIST article x CDATA "]>"><!ENTITY lol "PWNED">]>', "lol"),
    ('<!DOCTYPE article [<!-- c --><?p x?><!ENTITY % remote SYSTEM "file:///etc/passwd">]>', "remote"),
    ('<!-- unterminated <!ENTITY lol "PWNED">', "lol"),  # never closed: searched as text
    ('<!DOCTYPE article <!ENTITY lol "PWNED"> []>', "lol"),  # outside any literal of the DOCTYPE
    ('<!DOCTYPE article [<!ELEMENT x <!ENTITY lol "PWNED">]>', "lol"),  # inside another declaration
])
def test_entity_declarations_hidden_behind_comment_lookalikes_are_still_refused(prefix, entity):
    title = "&lol;" if "unterminated" in prefix else "&lol; -->"  # "-->" closes what a naive scan takes for a comment
    text = f'{prefix}<article><back><ref-list>{_ONE_REF.replace("Kept", title)}</ref-list></back></article>'
    result = converters.loads(text, "jats")
    assert len(result) == 0
    assert [d.code for d in result.diagnostics] == ["jats.entity-declaration"]
    assert f"'{entity}'" in result.diagnostics[0].message and "PWNED" not in everything_said(result)


# pieces that look like markup, for the places where XML allows free text
_LOOKALIKES = st.lists(st.sampled_from(['<!ENTITY lol "PWNED">', "<!--", "-", "->", "<![CDATA[", "]", "]>", "<?",
                                        "?", ">", "<", '"', "'", "[", "%lol;", "<!DOCTYPE a [", " ", "x"]),
                       max_size=6).map("".join)


@st.composite
def _documents_with_lookalikes(draw) -> str:
    """A document with markup look-alikes in comments, PIs, CDATA and DTD literals, and
    maybe real entity declarations (lxml is the judge of which is which)."""
    def free(forbidden: str) -> str:
        text = draw(_LOOKALIKES)
        while forbidden in text or (forbidden == "--" and text.endswith("-")):
            text = text.replace(forbidden, "").removesuffix("-")
        return text

    def literal() -> str:
        quote = draw(st.sampled_from("\"'"))
        return quote + free(quote) + quote

    subset_items = [lambda: f"<!--{free('--')}-->", lambda: f"<?p {free('?>')}?>",
                    lambda: f"<!NOTATION n{draw(st.integers(0, 9))} SYSTEM {literal()}>",
                    lambda: '<!ATTLIST article x CDATA "' + free('"').replace("<", "").replace("&", "") + '">',
                    lambda: f"<!ENTITY e{draw(st.integers(0, 9))} {literal().replace('%', '').replace('&', '')}>",
                    lambda: "<!ELEMENT x (#PCDATA)>"]
    prolog = "".join(draw(st.sampled_from([lambda: f"<!--{free('--')}-->", lambda: f"<?p {free('?>')}?>"]))()
                     for _ in range(draw(st.integers(0, 2))))
    doctype = ""
    if draw(st.booleans()):
        external = draw(st.sampled_from(["", f" SYSTEM {literal()}"]))
        items = [draw(st.sampled_from(subset_items))() for _ in range(draw(st.integers(0, 3)))]
        subset = f" [{''.join(items)}]" if items or draw(st.booleans()) else ""
        doctype = f"<!DOCTYPE article{external}{subset}>"
    inner = draw(st.sampled_from([lambda: f"<!--{free('--')}-->", lambda: f"<![CDATA[{free(']]>')}]]>",
                                  lambda: f"<?p {free('?>')}?>", lambda: ""]))()
    return f"{prolog}{doctype}<article><back><ref-list>{inner}{_ONE_REF}</ref-list></back></article>"


@given(_documents_with_lookalikes())
def test_entity_scan_agrees_with_lxml_on_what_is_declared(text):
    try:
        root = etree.fromstring(text.encode(), etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True))
    except etree.XMLSyntaxError:
        root = None  # not well-formed: refconv salvages fragments, which cannot declare anything
    dtd = root.getroottree().docinfo.internalDTD if root is not None else None
    declared = dtd is not None and any(True for _ in dtd.iterentities())
    found = safety.find_entity_declaration(text)
    if declared:
        assert found is not None  # never let a declaration through
    elif root is not None:
        assert found is None  # a well-formed document that declares nothing is read


def test_xxe_never_discloses_a_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-7f3a9 root:x:0:0", encoding="utf-8")
    for name in ("xxe-file-disclosure.xml", "external-dtd-file.xml", "xinclude.xml"):
        text = (FIXTURES / name).read_text(encoding="utf-8").replace("/etc/passwd", str(secret))
        result = converters.loads(text, "jats")
        assert "CANARY" not in everything_said(result), name
        assert "CANARY" not in converters.dumps(result.records, "csl-json"), name


def test_external_dtd_path_is_not_read(tmp_path):
    result = load("external-dtd-file.xml")
    assert [r.title for r in result] == [Text("Local DTD never read")] and not result.diagnostics
    # a DTD that would define an entity: a parser that loads it expands it (the control), ours does not
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY canary "CANARY-DTD">', encoding="utf-8")
    text = (f'<!DOCTYPE article SYSTEM "{dtd.as_uri()}"><article><back><ref-list><ref id="r">'
            "<element-citation><article-title>&canary;</article-title></element-citation></ref></ref-list></back>"
            "</article>")
    control = etree.fromstring(text.encode(), etree.XMLParser(load_dtd=True))
    assert "CANARY-DTD" in "".join(control.itertext())
    result = converters.loads(text, "jats")
    assert result[0].title == Text("&canary;") and "CANARY-DTD" not in everything_said(result)
    assert codes(result) == ["jats.unknown-entity"]


@pytest.fixture
def trap_server():
    """A local HTTP server (a thread of this test) that serves a DTD and an entity and records
    every request. libxml2 fetches with its own C I/O, which no patch of Python's sockets
    sees: only the server itself can tell whether a parser reached out."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b'<!ENTITY pwned "PWNED-BY-DTD">' if self.path.endswith(".dtd") else b"PWNED-BY-ENTITY"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


_TRAP_REF = ('<ref id="r1"><element-citation publication-type="journal"><article-title>Title &pwned;</article-title>'
             "<source>J</source><year>2020</year></element-citation></ref>")


def _trap_documents(url: str) -> dict[str, str]:
    """Documents that ask for the trap's DTD or entity in every way XML allows."""
    body = f'<article xmlns:xi="{safety.XINCLUDE}"><back><ref-list>{_TRAP_REF}</ref-list></back></article>'
    inline = {
        "external DTD": f'<!DOCTYPE article SYSTEM "{url}/trap.dtd">{body}',
        "public DTD": f'<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.2//EN" '
                      f'"{url}/public.dtd">{body}',
        "external entity": f'<!DOCTYPE article [<!ENTITY pwned SYSTEM "{url}/pwned.txt">]>{body}',
        "parameter entity": f'<!DOCTYPE article [<!ENTITY % remote SYSTEM "{url}/remote.dtd"> %remote;]>{body}',
        "XInclude": body.replace("Title &pwned;", f'<xi:include href="{url}/pwned.txt" parse="text"/>'),
    }
    files = {name: (FIXTURES / name).read_text(encoding="utf-8").replace("http://attacker.invalid", url)
             for name in ("external-dtd-over-http.xml", "xxe-parameter-entity.xml", "xinclude.xml")}
    return inline | files


def test_trap_server_records_a_request_it_receives(trap_server):
    """The trap itself works: a request to it is recorded and answered with the DTD."""
    url, hits = trap_server
    import urllib.request

    with urllib.request.urlopen(f"{url}/trap.dtd", timeout=5) as response:  # the local test server only
        assert b"PWNED-BY-DTD" in response.read()
    assert hits == ["/trap.dtd"]


def test_trap_server_sees_a_parser_that_does_fetch(trap_server):
    """The control: an unsafe lxml parser does reach the trap, so silence below means something."""
    url, hits = trap_server
    text = _trap_documents(url)["external DTD"]
    parser = etree.XMLParser(load_dtd=True, no_network=False, resolve_entities=True)
    try:
        root = etree.fromstring(text.encode(), parser)
    except etree.XMLSyntaxError:
        root = None
    if not hits and "http" not in getattr(etree, "LIBXML_FEATURES", {"http"}):
        pytest.skip(f"lxml here (libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))}) has no HTTP client: even an "
                    "unsafe parser fetches nothing, so the trap can only catch a fetch on builds that have one")
    assert hits == ["/trap.dtd"]
    assert root is not None and "PWNED-BY-DTD" in "".join(root.itertext())


@pytest.mark.parametrize("name", ["external DTD", "public DTD", "external entity", "parameter entity", "XInclude",
                                  "external-dtd-over-http.xml", "xxe-parameter-entity.xml", "xinclude.xml"])
def test_nothing_is_fetched_from_the_network(trap_server, name):
    url, hits = trap_server
    text = _trap_documents(url)[name]
    assert url in text  # the document does ask for the trap
    result = converters.loads(text, "jats")
    out = converters.dumps(result.records, "csl-json") if len(result) else ""
    time.sleep(0.1)  # a request still under way would be recorded by now
    assert hits == [], f"the JATS reader fetched {hits} from the network"
    assert "PWNED" not in everything_said(result) and "PWNED" not in out


def _unknown_entities_document(count: int) -> str:
    refs = "".join(f'<ref id="r{i}"><mixed-citation>&unknown{i};</mixed-citation></ref>\n' for i in range(count))
    return f"<article><back><ref-list>\n{refs}</ref-list></back></article>"


def _cpu_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        report = Reporter()
        started = time.process_time()
        safety.replace_named_entities(text, report)
        best = min(best, time.process_time() - started)
    return best


def test_unknown_entity_scan_is_linear():
    """Each unknown name's line was counted from the start of the text (20,000 names: 15.6 s)."""
    # four times the names: linear is x4 and quadratic x16, so x8 tells them apart even on a busy machine
    small, large = _unknown_entities_document(5_000), _unknown_entities_document(20_000)
    report = Reporter()
    safety.replace_named_entities(large, report)
    assert [(d.code, d.line) for d in report.diagnostics[:2]] == [("jats.unknown-entity", 2),
                                                                   ("jats.unknown-entity", 3)]
    assert len(report.diagnostics) == 20_000 and report.diagnostics[-1].line == 20_001
    small_time, large_time = _cpu_seconds(small), _cpu_seconds(large)
    assert large_time <= 8 * small_time, f"four times the input took {large_time / small_time:.1f}x the time"


def test_external_dtd_is_not_needed():
    result = load("external-dtd-over-http.xml")
    assert [r.title for r in result] == [Text("Read without the DTD\u00a0anyway"), Text("Second")]
    assert not result.diagnostics


def test_xinclude_is_reported_never_processed():
    result = load("xinclude.xml")
    assert [r.key for r in result] == ["r1", "r2"]
    assert [(d.code, d.line) for d in result.diagnostics] == [("jats.xinclude", 4), ("jats.xinclude", 5)]
    assert result[0].title is None


def test_html_named_entities_without_a_dtd():
    result = load("html-named-entities.xml")
    assert result[0].title == Text("Caf\u00e9\u00a0culture \u2013 a \u2018study\u2019 & more \u03b1")
    assert result[1].title == Text("Unknown &bogus; entity")  # kept as written, reported
    assert [(d.code, d.line) for d in result.diagnostics] == [("jats.unknown-entity", 5)]


def test_named_references_inside_a_processing_instruction_are_not_references():
    text = ('<?editor note="&bogus; &nbsp;"?><article><back><ref-list><ref id="r1"><element-citation>'
            "<article-title>Caf&eacute;</article-title></element-citation></ref></ref-list></back></article>")
    result = converters.loads(text, "jats")
    assert result[0].title == Text("Caf\u00e9")
    assert not result.diagnostics  # no "unknown entity" for text the parser never reads as one


def test_size_limit(monkeypatch):
    monkeypatch.setattr(safety, "MAX_CHARS", 1000)
    result = load("front-matter.xml")
    assert len(result) == 0
    assert [(d.code, d.severity) for d in result.diagnostics] == [("jats.too-large", Severity.ERROR)]
    assert "1,000" in result.diagnostics[0].message


def test_excessive_depth_costs_only_its_ref():
    title = "<italic>" * 300 + "deep" + "</italic>" * 300
    text = ('<article><back><ref-list>\n<ref id="a"><element-citation><source>A</source></element-citation></ref>\n'
            f'<ref id="deep"><element-citation><article-title>{title}</article-title></element-citation></ref>\n'
            '<ref id="b"><element-citation><source>B</source></element-citation></ref>\n</ref-list></back></article>')
    result = converters.loads(text, "jats")
    assert [r.key for r in result] == ["a", "b"]
    assert [(d.code, d.line, d.key) for d in problems(result)] == [("jats.malformed", 3, "deep")]


# --- broken documents -----------------------------------------------------------------------

def test_broken_ref_between_good_neighbours():
    result = load("broken-ref-between-good-neighbours.xml")
    assert [r.key for r in result] == ["good1", "good2"]
    assert result[1].ids.url == "https://example.org/"  # namespaces still declared for the fragments
    assert result[1].position.line == 7
    [problem] = problems(result)
    assert (problem.code, problem.line, problem.column, problem.key) == ("jats.malformed", 6, 93, "broken")
    assert "line 6" in problem.message  # lxml's inner line numbers are the file's


def test_truncated_document_keeps_complete_refs():
    result = load("truncated-document.xml")
    assert [r.key for r in result] == ["t1"]
    [problem] = problems(result)
    assert (problem.code, problem.key, problem.line) == ("jats.malformed", "t2", 7)


@pytest.mark.parametrize("text, line, column", [("hello", 1, 1), ("", 1, 1), ("<a>AT&T</a>", 1, 8),
                                                ("<article>\n<back>\n</article>", 3, 11)])
def test_not_xml_is_one_error_with_position(text, line, column):
    result = converters.loads(text, "jats")
    assert len(result) == 0
    [problem] = problems(result)
    assert (problem.code, problem.line, problem.column) == ("jats.malformed", line, column)


# --- detection ------------------------------------------------------------------------------

@pytest.mark.parametrize("head, expected", [
    ('<?xml version="1.0"?>\n<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving', True),
    ('<!DOCTYPE pmc-articleset PUBLIC "-//NLM//DTD ARTICLE SET 2.0//EN" "articleset.dtd">', True),
    ('<!DOCTYPE article PUBLIC "-//NLM//DTD Journal Archiving and Interchange DTD v2.3 20070202//EN"', True),
    ('<article xmlns:xlink="http://www.w3.org/1999/xlink" dtd-version="1.4">', True),
    ("<ref-list>\n<ref id='a'>", True),
    ("<!DOCTYPE html>\n<html><body><article>news</article></body></html>", False),
    ("@article{key,\n  title = {<article>}\n}", False),
    ("TY  - JOUR\nER  - ", False),
])
def test_detect(head, expected):
    assert detect(head) is expected


# --- the real-world corpus ------------------------------------------------------------------

def _corpus_name(path: Path) -> str:
    return str(path.relative_to(SHARED / "corpus" / "jats"))


@cache
def corpus_result(path: Path, front: bool = False) -> converters.Result:
    """Each corpus file is read once per option set for all the tests below."""
    return converters.load(path, "jats", jats_front=front)


@pytest.mark.parametrize("path", CORPUS, ids=ids_for(CORPUS))
def test_corpus_file(path):
    result = corpus_result(path)
    expected = len(plain_tree(path).xpath(CITATIONS))
    if _corpus_name(path) in DIVERGENCES:
        assert len(result) < expected
    else:
        assert len(result) == expected
    assert all(d.line for d in problems(result)), [d.render() for d in problems(result) if not d.line]
    assert not result.errors


@pytest.mark.parametrize("path", CORPUS, ids=ids_for(CORPUS))
def test_corpus_to_our_writers(path):
    result = corpus_result(path, front=True)
    assert len(result) == len(corpus_result(path)) + 1
    front = plain_tree(path).xpath("/article/front/article-meta")[0]
    assert (result[0].key, result[0].position.line) == (None, front.sourceline)  # the article itself first
    assert_valid_csl(converters.dumps(result.records, "csl-json"))
    written = converters.dumps(result.records, "jats")
    assert_valid_jats(written)
    assert_valid_articles(converters.dumps(result.records[:3], "jats", jats_mode="articles"))
    again = converters.loads(written, "jats")
    assert [comparable(r) for r in again] == [comparable(r) for r in result]


def test_divergent_corpus_counts():
    if not CORPUS:
        pytest.skip("the JATS corpus is absent")
    counts = {_corpus_name(p): len(corpus_result(p)) for p in CORPUS if _corpus_name(p) in DIVERGENCES}
    assert counts == {"jats4r-participant-hub/63543879003.xml": 41,
                      "jats4r-participant-hub/PubHist.example.VoR-issue.xml": 0}


def test_corpus_total_against_inventory():
    inventory = shared_path("corpus", "jats", "INVENTORY.tsv")
    with inventory.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == len(CORPUS) == 36
    trees = [plain_tree(p) for p in CORPUS]
    refs = sum(len(t.xpath("//ref")) for t in trees)
    assert refs == sum(int(row["refs"]) for row in rows) == 2156
    # 2156 refs: 2 hold no citation (ACS notes), 53 hold several (105 more) -> 2259 citation elements;
    # 40 SciELO pairs are one work each and one citation is empty -> 2218 records
    assert sum(len(t.xpath(CITATIONS)) for t in trees) == 2259
    assert sum(len(corpus_result(p)) for p in CORPUS) == 2218


# --- round trips through our writer ---------------------------------------------------------

TEXT_FIELDS = ("title", "note", "container_title", "abstract")


def comparable(record: Record, *, drop=("abstract", "keywords", "language")) -> dict:
    """The fields an element-citation carries; Text compared as Unicode, keys and extras aside."""
    out = {}
    for name in ("type", "title", "authors", "authors_etal", "editors", "editors_etal", "issued", "accessed",
                 "abstract", "note", "container_title", "publisher", "publisher_place", "volume", "issue", "pages",
                 "number", "edition", "keywords", "language", "ids", "affiliations"):
        if name in drop:
            continue
        value = getattr(record, name)
        if name in ("authors", "editors"):  # a citation's names carry no ORCID iD (reported)
            value = tuple(replace(n, orcid=None) for n in value)
        out[name] = value.plain() if name in TEXT_FIELDS and value is not None else value
    return out


@given(st.lists(records, min_size=1, max_size=4))
def test_round_trip_references(originals):
    text = converters.dumps(originals, "jats")
    assert_valid_jats(text)
    back = converters.loads(text, "jats")
    assert not back.diagnostics
    assert [comparable(r) for r in back] == [comparable(r) for r in originals]
    # the publication-type the writer derived is not kept: a round trip adds nothing
    assert [dict(r.extras) for r in back] == [{} for r in originals]


@given(st.lists(records, min_size=1, max_size=3))
def test_round_trip_articles_with_front_matter(originals):
    text = converters.dumps(originals, "jats", jats_mode="articles")
    assert_valid_articles(text)
    back = converters.loads(text, "jats", jats_front=True)
    assert [comparable(r, drop=()) for r in back] == [comparable(r, drop=()) for r in originals]


def _sample():
    return converters.load(shared_path("samples", "arxiv-listing.txt"), "arxiv-listing").records


def test_sample_listing_round_trips():
    originals = _sample()
    back = converters.loads(converters.dumps(originals, "jats"), "jats")
    assert len(back) == len(originals) == 9
    assert back[0].authors == originals[0].authors and len(back[0].authors) == 199  # all, in order
    assert [comparable(r) for r in back] == [comparable(r) for r in originals]


def test_sample_listing_round_trips_as_articles():
    originals = _sample()
    text = converters.dumps(originals, "jats", jats_mode="articles")
    assert_valid_articles(text)
    back = converters.loads(text, "jats", jats_front=True)
    assert [comparable(r, drop=()) for r in back] == [comparable(r, drop=()) for r in originals]


def test_repo_sample_round_trips_whole_as_articles():
    """Front matter carries everything: version, primary class, keywords, extras (as custom-meta)."""
    originals = converters.load(Path(__file__).parents[1] / "samples" / "arxiv-listing.txt", "arxiv-listing").records
    text = converters.dumps(originals, "jats", jats_mode="articles")
    assert_valid_articles(text)
    back = converters.loads(text, "jats", jats_front=True)
    assert [comparable(r, drop=()) for r in back] == [comparable(r, drop=()) for r in originals]
    assert [{k: v for k, v in r.extras.items() if k != Extra("jats", "article-type")} for r in back] == [
        dict(r.extras) for r in originals]
    # an element-citation has no place for the version and primary class: only the front keeps them
    cited = converters.loads(converters.dumps(originals, "jats"), "jats")
    assert [r.ids.arxiv_version for r in cited] == [None] * len(originals)


def test_our_references_document_has_no_front_record():
    text = converters.dumps(_sample(), "jats")
    assert len(converters.loads(text, "jats", jats_front=True)) == 9
    # the form earlier versions wrote: a front whose only content is the title "References"
    older = text.replace("<article-meta></article-meta>", "<article-meta><title-group><article-title>References"
                         "</article-title></title-group></article-meta>")
    assert older != text and len(converters.loads(older, "jats", jats_front=True)) == 9


def test_reader_via_api_with_detection():
    text = (FIXTURES / "nlm-2.3-citation.xml").read_text(encoding="utf-8")
    result = converters.load(io.StringIO(text), "jats")
    assert result.format == "jats" and len(result) == 2


def test_a_year_span_is_a_range_of_years_both_ways():
    # taxpub writes a work issued over years as <year>1885–1902</year>
    (record,) = converters.loads('<element-citation publication-type="book"><source>Biologia</source>'
                                 "<year>1885–1902</year></element-citation>", "jats")
    assert record.issued == Date(1885, end=Date(1902)) and not record.extras
    diagnostics: list = []
    written = converters.dumps([record], "jats", diagnostics=diagnostics)
    assert "<year>1885–1902</year>" in written and not [d for d in diagnostics if d.field == "issued"]
    assert_valid_jats(written)
    assert converters.loads(written, "jats").records[0].issued == record.issued
    # a range with months has no such form: the start, and the end reported
    months = Record(type="book", title=Text("T"), issued=Date(2019, 5, end=Date(2019, 7)))
    diagnostics = []
    assert "<year iso-8601-date=\"2019-05\">2019</year>" in converters.dumps([months], "jats", diagnostics=diagnostics)
    assert [d.field for d in diagnostics if d.code == "write.lost"] == ["issued"]


# "$5 and $10": a listing pairs dollars as maths; the reader stripped the maths' spaces and
# the article came back as "$5 and$10"
@pytest.mark.parametrize("abstract", ["It costs $5 and $10 here.", "With $ x = 1 $ spaced.", r"Then $\alpha$ and $x$."])
def test_maths_in_an_article_comes_back_as_written(abstract):
    record = Record(title=Text("T"), abstract=Text(abstract, Syntax.TEX))
    written = converters.dumps([record], "jats", jats_mode="articles")
    (back,) = converters.loads(written, "jats", jats_front=True).records
    assert back.abstract.value == abstract


# an arXiv abstract's align has blank lines (its rows were paragraphs in the .abs file): cut
# into <p>s at the source's blank lines, the environment's body was written as text after an
# empty \begin{align}\end{align}
def test_an_abstracts_paragraphs_are_cut_between_maths_not_inside_it():
    abstract = "We find \\begin{align}\n\na &= 1, \\\\\n\nb &= 2,\\end{align} where it matters.\n\nNext paragraph."
    record = Record(title=Text("T"), abstract=Text(abstract, Syntax.TEX))
    written = converters.dumps([record], "jats", jats_mode="articles")
    assert "<p>We find <inline-formula><tex-math>\n\na &amp;= 1, \\\\\n\nb &amp;= 2,</tex-math></inline-formula>" \
           " where it matters.</p><p>Next paragraph.</p>" in written
    (back,) = converters.loads(written, "jats", jats_front=True).records
    assert "b &= 2" in back.abstract.value and back.abstract.value.endswith("Next paragraph.")


def test_an_extra_keeps_its_lines_and_spacing_through_article_front_matter():
    # custom-meta values were read with their white space collapsed: two keyword groups
    # ("Research organism: Human\nAuthor keywords: ...") came back as one line
    extras = {Extra("jats", "kwd-group"): "Research organism: Human\nAuthor keywords: x; y",
              Extra("arxiv", "comments"): "para one\n\npara two", Extra("bibtex", "usera"): "a  <b> & c"}
    text = converters.dumps([Record(title=Text("T"), extras=extras)], "jats", jats_mode="articles")
    assert_valid_articles(text)
    (back,) = converters.loads(text, "jats", jats_front=True)
    assert {k: v for k, v in back.extras.items() if k != Extra("jats", "article-type")} == extras


def test_a_url_that_is_no_web_address_stays_the_url_beside_its_links():
    # the URL went to custom-meta and the links to self-uri; read back, the first link became the URL
    record = Record(title=Text("T"), ids=Identifiers(url="file:paper.pdf", links=("https://a.org/x", "https://b.org/y")))
    text = converters.dumps([record], "jats", jats_mode="articles")
    assert_valid_articles(text)
    (back,) = converters.loads(text, "jats", jats_front=True)
    assert (back.ids.url, back.ids.links) == (record.ids.url, record.ids.links)
    assert not [k for k in back.extras if k != Extra("jats", "article-type")]
