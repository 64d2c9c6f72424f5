"""The arXiv-listing reader's line handling and author-line split, as made cheaper.

_lines() is built from C iterators, read() tests a line's prefix before its patterns,
the author line is split once, and names are TeX-decoded only when the line has TeX.
"""

from __future__ import annotations

import pytest

import converters
from converters.compiled import compiled_modules
from converters.formats import arxiv_listing
from converters.formats.arxiv import authors as arxiv_authors
from converters.model import Syntax, Text


def read(text: str):
    return converters.loads(text, "arxiv-listing")


@pytest.mark.parametrize("lines, expected", [
    (["\ufeffTitle  \r\n", "\ufeffsecond\t\n", "   \n", "last"],
     [(1, "Title"), (2, "\ufeffsecond"), (3, ""), (4, "last")]),
    (["\ufeff \n"], [(1, "")]),  # a BOM alone makes a blank line
    (["a\r\n", "\n", "b\u00a0\n"], [(1, "a"), (2, ""), (3, "b")]),  # any trailing white space goes
    ([], []),
])
def test_lines_strip_line_ends_trailing_space_and_a_first_bom(lines, expected):
    assert list(arxiv_listing._lines(iter(lines))) == expected


@pytest.mark.skipif(bool(compiled_modules()), reason="counts calls by replacing a module's function, which "
                    "compiled modules call directly (the compiled build is checked by tests/test_compiled_build.py)")
def test_the_author_line_is_split_once_per_record(monkeypatch):
    calls = []
    original = arxiv_authors.split_author_line  # the listing splits with the shared arXiv author parser

    def counting(line):
        calls.append(line)
        return original(line)

    monkeypatch.setattr(arxiv_authors, "split_author_line", counting)
    text = "Title\nAnn Lee, Bo Roe and Cy Poe\n\nAbstract.\n\narXiv:2101.00001\nCreated: 2021-01-04\n"
    record = read(text)[0]
    assert [a.display() for a in record.authors] == ["Ann Lee", "Bo Roe", "Cy Poe"]
    assert calls == ["Ann Lee, Bo Roe and Cy Poe"]


def test_a_line_that_is_not_an_author_list_stays_abstract():
    text = "A first line\nthat ends a sentence.\n\nMore.\n\narXiv:2101.00001\nCreated: 2021-01-04\n"
    record = read(text)[0]
    assert record.title is None and record.authors == ()
    assert record.abstract == Text("A first line that ends a sentence.", Syntax.TEX)


@pytest.mark.parametrize("author_line, names, warned", [
    ("Ann Lee, Bo Roe", ["Ann Lee", "Bo Roe"], []),  # no TeX in the line: no decoding
    ("Ann Lee, \\\\, Bo Ro{\\'e}", ["Ann Lee", "Bo Roé"], ["\\\\"]),  # TeX: an entry without letters is skipped
])
def test_author_entries_without_letters_are_skipped_with_a_warning(author_line, names, warned):
    text = f"Title\n{author_line}\n\nAbstract.\n\narXiv:2101.00001\nCreated: 2021-01-04\n"
    result = read(text)
    assert [a.display() for a in result[0].authors] == names
    skipped = [d for d in result.diagnostics if d.code == "listing.empty-name"]
    assert [d.message.split("'")[1] for d in skipped] == warned
    assert [d.column for d in skipped] == [author_line.find(w) + 1 for w in warned]


@pytest.mark.parametrize("line", ["arXiv:2101.00002", "Created: 2021-01-05"])
def test_trailer_words_inside_a_line_are_text(line):
    # only a line that starts with the word is a trailer line
    text = f"Title\nAnn Lee\n\nAbstract with {line} inside.\n\narXiv:2101.00001\nCreated: 2021-01-04\n"
    result = read(text)
    assert result.ok and len(result) == 1
    assert line in result[0].abstract.value


def test_text_keeps_syntax_members_and_converts_names():
    assert Text("x", "tex").syntax is Syntax.TEX
    assert Text("x", Syntax.HTML).syntax is Syntax.HTML
    with pytest.raises(ValueError):
        Text("x", "troff")
