"""The arXiv listing on records that are ordinary on arXiv (issue 11, item 7): each input
is the one a real 442-record listing held, checked in what a user sees (CSL-JSON)."""

from __future__ import annotations

import json

import pytest

import converters
from converters.model import Name, Syntax, Text


def listing(header: tuple[str, str] | None = None, *, abstract: str = "An abstract.", comments: str | None = None,
            arxiv: str = "arXiv:2101.00001", trailer: str = "") -> str:
    parts = ["\n".join(header)] if header else []
    parts.append(abstract)
    if comments:
        parts.append(comments)
    parts.append(arxiv + trailer + "\nCreated: 2021-01-04")
    return "\n\n".join(parts) + "\n"


def read_one(text: str):
    result = converters.loads(text, "arxiv-listing")
    assert result.ok and len(result) == 1, [d.render() for d in result.diagnostics]
    return result[0]


def csl(record) -> dict:
    return json.loads(converters.dumps([record], "csl-json"))[0]


@pytest.mark.parametrize("author_line", ["A. Abulencia et al.", "A. Abulencia et al", "A. Abulencia, et al."])
def test_header_with_one_author_and_et_al_is_recognised(author_line):
    record = read_one(listing(("Measurement of the top quark mass", author_line)))
    assert record.title == Text("Measurement of the top quark mass", Syntax.TEX)
    assert record.authors == (Name(family="Abulencia", given="A."),)
    assert record.authors_etal
    assert record.abstract == Text("An abstract.", Syntax.TEX) and record.note is None


def test_long_collaboration_author_line_is_recognised():
    author_line = ("Francesco Piscitelli, for the ILL/ESS/LiU collaboration for the development of the B10 detector "
                   "technology in the framework of the CRISP project")
    record = read_one(listing(("Neutron detection with B10", author_line)))
    assert record.title == Text("Neutron detection with B10", Syntax.TEX)
    assert record.authors == (Name(family="Piscitelli", given="Francesco"),
                              Name(literal=author_line.split(", ", 1)[1]))
    assert record.abstract == Text("An abstract.", Syntax.TEX) and record.note is None


@pytest.mark.parametrize("second_line", [
    "that ends a sentence.",  # prose, not names
    "with, as we show, a long clause that runs on past six words",  # a long piece that is no organisation
    "as shown by Smith et al.",  # "et al." ending a sentence
])
def test_a_wrapped_abstract_is_still_not_taken_for_a_header(second_line):
    record = read_one(listing(abstract="Comments.", trailer="").replace(
        "Comments.", f"A first line\n{second_line}\n\nComments.", 1))
    assert record.title is None and record.authors == ()
    assert record.abstract.value == f"A first line {second_line}"


@pytest.mark.parametrize("author_line", ["Ann Bee, Carl Dee, et al", "Ann Bee, Carl Dee, et al.",
                                         "Ann Bee, Carl Dee et al.", "Ann Bee, Carl Dee and et al."])
def test_et_al_never_becomes_an_author(author_line):
    record = read_one(listing(("A title", author_line)))
    assert record.authors == (Name(family="Bee", given="Ann"), Name(family="Dee", given="Carl"))
    assert record.authors_etal
    assert [a.get("family") for a in csl(record)["author"]] == ["Bee", "Dee"]


@pytest.mark.parametrize("suffix", ["Jr.", "Sr.", "II", "III"])
@pytest.mark.parametrize("position", ["first", "last"])
def test_suffix_after_a_comma_belongs_to_the_name_before(suffix, position):
    heath = f"Robert W. Heath, {suffix}"
    line = f"{heath}, Ann Bee" if position == "first" else f"Ann Bee, {heath}"
    record = read_one(listing(("Coordinated beamforming", line)))
    expected = Name(family="Heath", given="Robert W.", suffix=suffix)
    assert record.authors == ((expected, Name(family="Bee", given="Ann")) if position == "first"
                              else (Name(family="Bee", given="Ann"), expected))


SICI = "10.1175/1520-0469(1996)053<0946:ASTFHH>2.0.CO;2"


@pytest.mark.parametrize("where", ["doi-tail", "doi-trailer"])
def test_sici_doi_is_not_cut_at_the_semicolon(where):
    text = (listing(arxiv=f"arXiv:2101.00001 - doi: {SICI}") if where == "doi-tail"
            else listing(trailer=f"\nDOI: {SICI}"))
    result = converters.loads(text, "arxiv-listing")
    assert result[0].ids.doi == (SICI,)
    assert not [d for d in result.diagnostics if d.code == "listing.bad-doi"]
    assert csl(result[0])["DOI"] == SICI


@pytest.mark.parametrize("dois", ["10.1000/a; 10.1000/b", "10.1000/a;10.1000/b", "10.1000/a, 10.1000/b",
                                  "10.1000/a 10.1000/b", "10.1000/a,doi:10.1000/b"])
def test_doi_lists_still_split_at_separators(dois):
    record = read_one(listing(arxiv=f"arXiv:2101.00001 - doi: {dois}"))
    assert record.ids.doi == ("10.1000/a", "10.1000/b")


def test_sici_doi_is_not_cut_in_the_other_arxiv_readers():
    abs_text = ("\\\\\narXiv:0704.0001\nFrom: A Person <x@x.x>\nDate: Mon, 2 Apr 2007 19:18:42 GMT   (443kb)\n\n"
                f"Title: A title\nAuthors: A. Person\nCategories: physics.ao-ph\nDOI: {SICI}\n"
                "\\\\\n  An abstract.\n\\\\\n")
    result = converters.loads(abs_text, "arxiv-abs")
    assert result[0].ids.doi == (SICI,) and not [d for d in result.diagnostics if d.code.endswith("bad-doi")]


@pytest.mark.parametrize("where", ["comments-paragraph", "comments-trailer"])
def test_tilde_in_a_url_in_comments_stays_a_tilde(where):
    comments = "Code at http://www.gfdl.gov/~smg/code.html, 12 pages"
    text = listing(comments=comments) if where == "comments-paragraph" else listing(trailer=f"\nComments: {comments}")
    record = read_one(text)
    assert record.note.value == comments
    assert csl(record)["note"] == comments
    bibtex = converters.dumps([record], "bibtex")
    assert "gfdl.gov/~smg" not in bibtex or "\\url" in bibtex  # never a TeX no-break space
    assert converters.loads(bibtex, "bibtex")[0].note.plain() == comments


def test_comments_with_tex_outside_urls_stay_tex():
    record = read_one(listing(comments="5 pages, $\\sim$ 3 figures"))
    assert record.note == Text("5 pages, $\\sim$ 3 figures", Syntax.TEX)


def test_tilde_in_a_url_stays_a_tilde_next_to_tex():
    """A comment (or abstract) holding both TeX and a URL with ``~`` stays TeX: only the TeX
    decoder can keep a bare URL verbatim."""
    record = read_one(listing(abstract="Shown in Fig.~2; data at http://www.gfdl.gov/~smg.",
                              comments="5 pages, $\\sim$ 3 figures, http://www.gfdl.gov/~smg"))
    assert csl(record)["abstract"] == "Shown in Fig.\u00a02; data at http://www.gfdl.gov/~smg."
    assert csl(record)["note"].endswith("http://www.gfdl.gov/~smg")


def test_long_arrow_in_titles_and_abstracts_is_an_arrow():
    record = read_one(listing(("Flows A --> B", "Ann Bee"), abstract="We map A --> B."))
    out = csl(record)
    assert out["title"] in ("Flows A \u2192 B", "Flows A --> B")
    assert out["abstract"] in ("We map A \u2192 B.", "We map A --> B.")


def test_cite_keeps_its_key_visible():
    record = read_one(listing(abstract="As shown in \\cite{BV}, the bound holds."))
    assert csl(record)["abstract"] == "As shown in [BV], the bound holds."
