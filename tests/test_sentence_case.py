"""English BibTeX titles become CSL sentence case in CSL-JSON (text/sentence_case.py).

The golden cases are biblatex-examples.bib titles and the lowered forms pandoc 3.9 writes for
them, checked by hand; the others pin the rules for what is never lowered."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import converters
from converters.model import Record, Syntax, Text
from converters.text.markup import spans, to_csl
from converters.text.sentence_case import sentence_case


def csl(title: str) -> str:
    return to_csl(Text(title, Syntax.BIBTEX), sentence=True)


@pytest.mark.parametrize(("bibtex", "expected"), [
    # biblatex-examples.bib, as pandoc writes them
    ("The {LaTeX} Companion", 'The <span class="nocase">LaTeX</span> companion'),
    ("Higher-Dimensional Algebra V: 2-Groups", "Higher-dimensional algebra V: 2-groups"),
    ("Herder and the Preparation of {Goethe's} Idea of World Literature",
     'Herder and the preparation of <span class="nocase">Goethe\'s</span> idea of world literature'),
    ("A Hybrid Hierarchical Model of a {Multiple Virtual Storage} ({MVS}) Operating System",
     'A hybrid hierarchical model of a <span class="nocase">Multiple Virtual Storage</span> '
     '(<span class="nocase">MVS</span>) operating system'),
    ("High-Speed Digital-to-{RF} Converter", 'High-speed digital-to-<span class="nocase">RF</span> converter'),
    ("Palladium pincer complexes with reduced bond angle strain: efficient catalysts for the {Heck} reaction",
     'Palladium pincer complexes with reduced bond angle strain: Efficient catalysts for the '
     '<span class="nocase">Heck</span> reaction'),
    ("Aristotle's \\mkbibquote{De Motu Animalium}", "Aristotle's “De Motu Animalium”"),
])
def test_an_english_bibtex_title_is_lowered_where_bibtex_lets_a_style_lower_it(bibtex, expected):
    assert csl(bibtex) == expected


@pytest.mark.parametrize(("bibtex", "expected"), [
    ("Was It {I}? I Think I'm There", "Was it <span class=\"nocase\">I</span>? I think I'm there"),  # one letter
    ("Uses of {NASA} and TCP in LaTeX by McDonald", 'Uses of <span class="nocase">NASA</span> and TCP in LaTeX '
     "by McDonald"),  # acronyms and mixed case keep their letters
    ("Methods. A Study of Methods", "Methods. A study of methods"),  # a sentence's first word
    ("Signs of W$\\frac{o}{a}$nder", "Signs of W$\\frac{o}{a}$nder"),  # a word running into maths
    ("Ab{C}d Efg", 'Ab<span class="nocase">C</span>d efg'),  # a word running into protected text
    ("\\textsc{Small Caps} Are Kept", '<span style="font-variant:small-caps;">Small Caps</span> are kept'),
    ("\\emph{Dark Matter} In Space", "<i>Dark matter</i> in space"),  # emphasis is ordinary text
    ("the First Word", "The first word"),
    # a brace group opening with a macro keeps its letters (pandoc 3.9 writes these so), and so
    # does a word whose first letter is in one: BibTeX would lower {\'E}, pandoc does not
    ("A {\\TeX Live} Installation", 'A <span class="nocase">TeX</span> Live installation'),
    ("The {\\'E}cole Normale of {\\v C}apek", "The École normale of Čapek"),
    ("Atlas {\\'E}olien Europ{\\'e}en", "Atlas Éolien européen"),  # only the first letter decides
    ("{\\em Dark Matter} In Space", "<i>Dark matter</i> in space"),  # BibTeX lowers a {\\em ...} group
    ("The {\\TeX}book Is Nice", 'The <span class="nocase">TeX</span>book is nice'),
])
def test_what_is_never_lowered(bibtex, expected):
    assert csl(bibtex) == expected


_TITLE_CHARS = st.sampled_from(list("AbCdeÉéMcTeXIi'’-:.?! {}") + ["Word", "Other", "NASA", "{Kept}", "$x$", "“", "”"])


@given(st.lists(_TITLE_CHARS, max_size=30).map("".join))
def test_only_letter_case_changes_and_protected_text_is_untouched(title):
    before = spans(Text(title, Syntax.BIBTEX))
    after = sentence_case(before)
    assert [kind for kind, _ in after] == [kind for kind, _ in before]
    for (kind, old), (_, new) in zip(before, after, strict=True):
        assert new.casefold() == old.casefold() or new.lower() == old.lower()
        if kind not in ("text", "i", "b"):
            assert new == old
    assert sentence_case(after) == after  # a second pass changes nothing


def _item(bibtex: str, **options) -> dict:
    return json.loads(converters.dumps(converters.loads(bibtex, "bibtex"), "csl-json", **options))[0]


def test_csl_json_sentence_cases_titles_of_works_but_not_a_journal_name():
    item = _item("""@article{a, title = {A Study of {German} Literature}, journaltitle = {Journal of Modern Things},
                 series = {Studies in Philosophy}, shorttitle = {Study of Literature}}""")
    assert item["title"] == 'A study of <span class="nocase">German</span> literature'
    assert item["title-short"] == "Study of literature"
    assert item["collection-title"] == "Studies in philosophy"
    assert item["container-title"] == "Journal of Modern Things"


def test_a_book_title_holding_a_chapter_is_a_title_of_a_work():
    item = _item("@incollection{a, title = {On Modernities}, booktitle = {Alternative Modernities}}")
    assert (item["title"], item["container-title"]) == ("On modernities", "Alternative modernities")


@pytest.mark.parametrize("langid", ["german", "french"])
def test_a_title_in_another_language_keeps_its_letters(langid):
    item = _item(f"@book{{a, title = {{Animal Triste Und So}}, langid = {{{langid}}}}}")
    assert item["title"] == "Animal Triste Und So"


def test_sentence_case_false_keeps_every_letter_as_written():
    item = _item("@book{a, title = {The {LaTeX} Companion}}", sentence_case=False)
    assert item["title"] == 'The <span class="nocase">LaTeX</span> Companion'


def test_titles_from_other_formats_are_not_touched():
    record = Record(type="book", title=Text("Studies in German Literature"))
    item = json.loads(converters.dumps([record], "csl-json"))[0]
    assert item["title"] == "Studies in German Literature"
    ris = "TY  - BOOK\nTI  - Studies in German Literature\nER  - \n"
    assert json.loads(converters.dumps(converters.loads(ris, "ris"), "csl-json"))[0]["title"] == \
        "Studies in German Literature"


def test_bibtex_output_keeps_the_title_as_written():
    bib = "@book{a, title = {Studies in {German} Literature}}"
    assert "title = {Studies in {German} Literature}" in converters.dumps(converters.loads(bib, "bibtex"), "bibtex")
