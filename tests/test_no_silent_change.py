"""Every value of the record, in a record of every CSL type, written by every writer and read
back by its reader, comes back as it was or is in the loss report. The round-trip matrix does
this for a handful of rich records; this walks the types x values grid, where the silent
changes hid (an article's number dropped by the BibTeX writer, a book's number read back as
its series number, a web page's container title read back as data)."""

from __future__ import annotations

import pytest

import converters
from converters import csl
from converters.loss import LOSS_CODES
from converters.model import CSL_TYPES, Date, Identifiers, Name, Record, Text
from converters.titles import VOLUME_VARIABLES

from .validators import assert_valid_jats

WRITERS = ("bibtex", "biblatex", "ris", "jats", "jats-articles", "csl-json", "refconv-json")
OPTIONS = {"bibtex": {"tex": "utf8"},  # ascii mode's missing macros are a reported loss of their own
           "jats-articles": {"jats_mode": "articles"}}  # (front matter: read back with jats_front)

# the record's typed slots and a value of each
SLOTS = {
    "container_title": Text("The Container"), "publisher": "The Publisher", "publisher_place": "The Place",
    "volume": "3", "issue": "4", "pages": "10-20", "number": "N-7", "edition": "2", "note": Text("A note"),
    "abstract": Text("An abstract"), "language": "de", "accessed": Date(2020, 1, 2),
}


def _plain(value):
    return value.plain() if isinstance(value, Text) else value


def _trip(record: Record, fmt: str) -> tuple[Record, set[str]]:
    diagnostics: list = []
    articles = fmt == "jats-articles"
    fmt = "jats" if articles else fmt
    options = OPTIONS.get("jats-articles" if articles else fmt, {})
    text = converters.dumps([record], fmt, diagnostics=diagnostics, **options)
    (back,) = converters.loads(text, fmt, **({"jats_front": True} if articles else {})).records
    return back, {d.field for d in diagnostics if d.code in LOSS_CODES}


@pytest.mark.parametrize("fmt", WRITERS)
def test_every_slot_in_every_type_comes_back_or_is_reported(fmt):
    silent = []
    for csl_type in sorted(CSL_TYPES):
        for slot, value in SLOTS.items():
            record = Record(type=csl_type, title=Text("T"), authors=(Name(family="Fam", given="Giv"),),
                            issued=Date(2000), **{slot: value})
            back, reported = _trip(record, fmt)
            if _plain(getattr(back, slot)) != _plain(value) and slot not in reported:
                silent.append((csl_type, slot, _plain(getattr(back, slot))))
    assert not silent, f"{fmt}: changed without a report: {silent[:10]}"


@pytest.mark.parametrize("fmt", WRITERS)
def test_every_csl_variable_in_every_type_comes_back_or_is_reported(fmt):
    silent = []
    for csl_type in sorted(CSL_TYPES):
        for variable in sorted((csl.VARIABLES | csl.NAME_VARIABLES | csl.DATE_VARIABLES) - VOLUME_VARIABLES):
            maps: dict = {"variables": {}, "names": {}, "dates": {}}
            if variable in csl.VARIABLES:
                maps["variables"][variable] = value = Text("Value 5")
            elif variable in csl.NAME_VARIABLES:
                maps["names"][variable] = value = (Name(family="Fam", given="Giv"),)
            else:
                maps["dates"][variable] = value = Date(2001, 2, 3)
            record = Record(type=csl_type, title=Text("T"), container_title=Text("C"), issued=Date(2000), **maps)
            back, reported = _trip(record, fmt)
            after = back.variables.get(variable) or back.names.get(variable) or back.dates.get(variable)
            if _plain(after) != _plain(value) and variable not in reported:
                silent.append((csl_type, variable, _plain(after)))
    assert not silent, f"{fmt}: changed without a report: {silent[:10]}"


# RIS and JATS changed a review, a treaty or a map into a journal article or a document
# without a word (the types JATS4R and RIS have no value for)
@pytest.mark.parametrize("fmt", WRITERS)
def test_every_type_comes_back_or_is_reported(fmt):
    silent = []
    for csl_type in sorted(CSL_TYPES):
        for container in (None, Text("C")):
            record = Record(type=csl_type, title=Text("T"), authors=(Name(family="Fam", given="Giv"),),
                            issued=Date(2000), container_title=container)
            back, reported = _trip(record, fmt)
            if back.type != csl_type and "type" not in reported:
                silent.append((csl_type, bool(container), back.type))
    assert not silent, f"{fmt}: changed without a report: {silent[:10]} ({len(silent)} in all)"


# values of harder shapes: ranges, circa, years before 1 AD, a count of pages, paragraphs (the
# corpus round trips found silent changes in each)
HARD_SLOTS = [
    ("accessed", Date(2020, 1, 2, end=Date(2020, 1, 5))), ("accessed", Date(2020, 1, 2, circa=True)),
    ("issued", Date(-44, 3, 15)), ("issued", Date(1990, 2, 1, end=Date(1990, 2, 3))),
    ("issued", Date(1850, circa=True)), ("issued", Date(1987, end=Date(0))), ("accessed", Date(literal="2019-03-12TZ")),
    ("pages", "xiii + 169"), ("pages", "12"), ("pages", "100-"), ("pages", "431-456, 791-823"),
    ("note", Text("First line.\nSecond line.")),
    ("note", Text("First paragraph.\n\nSecond paragraph.")),
    ("abstract", Text("Background.\n\nMethods.")), ("keywords", ("Evolution, Biological", "Animals")),
    ("language", "Old Norse"),
]
HARD_DATES = [Date(2001, 2, 3, end=Date(2001, 2, 5)), Date(2001, circa=True), Date(-380), Date(1987, end=Date(0))]


@pytest.mark.parametrize("fmt", WRITERS)
def test_values_of_harder_shapes_come_back_or_are_reported(fmt):
    silent = []
    for csl_type in sorted(CSL_TYPES):
        for slot, value in HARD_SLOTS:
            fields = {"issued": Date(2000), slot: value}
            record = Record(type=csl_type, title=Text("T"), authors=(Name(family="Fam", given="Giv"),), **fields)
            back, reported = _trip(record, fmt)
            if _plain(getattr(back, slot)) != _plain(value) and slot not in reported:
                silent.append((csl_type, slot, value, _plain(getattr(back, slot))))
        for variable in sorted(csl.DATE_VARIABLES - {"issued", "accessed"}):
            for value in HARD_DATES:
                record = Record(type=csl_type, title=Text("T"), container_title=Text("C"), issued=Date(2000),
                                dates={variable: value})
                back, reported = _trip(record, fmt)
                if back.dates.get(variable) != value and variable not in reported:
                    silent.append((csl_type, variable, value, back.dates.get(variable)))
    assert not silent, f"{fmt}: changed without a report: {silent[:6]} ({len(silent)} in all)"


IDENTIFIERS = [Identifiers(doi=("10.1000/a", "10.1000/b")),
               Identifiers(isbn=("978-0-14-044793-4", "978-0-14-044794-1")),
               Identifiers(issn=("0003-3804", "1095-9203")), Identifiers(pmid="12345678", pmcid="PMC123"),
               Identifiers(arxiv="2101.00001", arxiv_version=2, arxiv_class="cs.CL"),
               Identifiers(url="www.example.org/report.pdf")]


@pytest.mark.parametrize("fmt", WRITERS)
def test_identifiers_of_every_kind_come_back_or_are_reported(fmt):
    # JATS front matter (--jats-mode articles) dropped ISBNs, ISSNs, PMIDs and PMCIDs silently
    silent = []
    for csl_type in ("article-journal", "book", "chapter", "report", "article", "webpage"):
        for ids in IDENTIFIERS:
            record = Record(type=csl_type, title=Text("T"), authors=(Name(family="F", given="G"),), issued=Date(2000),
                            ids=ids)
            back, reported = _trip(record, fmt)
            for name in ("doi", "isbn", "issn", "pmid", "pmcid", "arxiv", "arxiv_version", "arxiv_class", "url"):
                given, after = getattr(ids, name), getattr(back.ids, name)
                if given and given != after and f"ids.{name}" not in reported:
                    silent.append((csl_type, name, given, after))
    assert not silent, f"{fmt}: changed without a report: {silent[:6]}"


def test_front_matter_with_every_identifier_is_valid_jats():
    record = Record(type="article-journal", key="k", title=Text("T"), authors=(Name(family="F", given="G"),),
                    issued=Date(2000), ids=Identifiers(doi=("10.1000/a",), isbn=("978-0-14-044793-4",),
                                                       issn=("0003-3804",), pmid="12345678", pmcid="PMC123"),
                    publisher_place="London", number="7", edition="2", accessed=Date(2020, 1, 2))
    assert_valid_jats(converters.dumps([record], "jats", jats_mode="articles"))
