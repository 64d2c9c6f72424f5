"""Every writer, then its reader, on one rich set of records.

Each field either comes back equal or appears in the loss report: nothing is lost
silently. CARRIES is the table the README's "What a format cannot carry" section states;
this test holds the code to it.
"""

from __future__ import annotations

import pytest

import converters
from converters.extras import Extra
from converters.loss import LOSS_CODES
from converters.model import Attachment, Date, Identifiers, Name, Position, Record, Syntax, Text

RICH = [
    Record(type="article", title=Text(r"Schr{\"o}dinger cats in {LLMs}: $E=mc^2$ revisited", Syntax.TEX),
           authors=(Name(literal="ATLAS Collaboration"),
                    Name(family="Waals", given="J. D.", non_dropping_particle="van der"),
                    Name(family="King", given="Martin Luther", suffix="Jr."), Name(family="王", given="小明")),
           authors_etal=True, issued=Date(2024, 12, 17),
           abstract=Text(r"An abstract with $\alpha$ and caf\'e.", Syntax.TEX),
           note=Text("13 pages, 5 figures", Syntax.TEX), publisher="arXiv", keywords=("hep-th", "gr-qc"),
           ids=Identifiers(arxiv="2412.12557", arxiv_version=2, arxiv_class="hep-th",
                           doi=("10.1016/j.physrep.2024.10.008", "10.1000/second")),
           extras={Extra("arxiv", "journal-ref"): "Phys. Rep. 1 (2024) 1-10"}),
    Record(type="article-journal", title=Text("Über die Elektrodynamik bewegter Körper"),
           authors=(Name(family="Einstein", given="Albert"),), issued=Date(1905, 6),
           container_title=Text("Annalen der Physik"), volume="322", issue="10", number="e1905",
           pages="891-921", language="de", affiliations=("Patentamt, Bern", "Universität Zürich"),
           attachments=(Attachment("papers/einstein.pdf", "Full Text PDF", "application/pdf"),
                        Attachment(r"C:\Users\ann\snap.html", "Snapshot", "text/html")),
           ids=Identifiers(doi=("10.1002/andp.19053221004",), issn=("0003-3804",), url="https://example.org/einstein")),
    Record(type="book", title=Text("Война и мир"), authors=(Name(family="Толстой", given="Лев"),),
           editors=(Name(family="Smith", given="Ann"),), editors_etal=True, issued=Date(1869),
           publisher="Русский вестник",
           publisher_place="Moscow", edition="2", ids=Identifiers(isbn=("978-0-14-044793-4",))),
    Record(type="chapter", title=Text("A chapter on <i>E. coli</i>", Syntax.HTML),
           authors=(Name(family="Doe", given="Jane"),),
           issued=Date(2001, 3, 4), container_title=Text("The Book of Chapters"), pages="10-20", publisher="Press",
           attachments=(Attachment("https://example.org/chapter.pdf"),),
           ids=Identifiers(pmid="12345678", pmcid="PMC123")),
    Record(type="report", title=Text("Technical report 7"), authors=(Name(literal="World Health Organization"),),
           issued=Date(2019, end=Date(2020)), number="WHO/7", publisher="WHO", accessed=Date(2024, 1, 2)),
    Record(type="thesis", title=Text("A thesis"), authors=(Name(family="Roe", given="Richard"),), issued=Date(2010),
           publisher="MIT"),
    Record(type="webpage", title=Text("A post"), authors=(Name(family="Bigelow", given="Chuck"),), issued=Date(2020, 5),
           container_title=Text("Bigelow & Holmes (blog)"), ids=Identifiers(url="https://example.org/post")),
]
RICH = [r.evolve(position=Position("rich", n + 1)) for n, r in enumerate(RICH)]

FIELDS = ("type", "title", "authors", "authors_etal", "editors", "editors_etal", "issued", "accessed", "abstract",
          "note", "container_title", "publisher", "publisher_place", "volume", "issue", "pages", "number", "edition",
          "keywords", "language", "affiliations", "attachments", "ids.arxiv", "ids.arxiv_version", "ids.arxiv_class",
          "ids.doi", "ids.url", "ids.isbn", "ids.issn", "ids.pmid", "ids.pmcid")

# What each format carries of the fields above (the README states the rest as losses).
CARRIES = {
    "refconv-json": set(FIELDS),
    "csl-json": set(FIELDS),
    "biblatex": set(FIELDS) - {"editors_etal"},
    # classic BibTeX has no @online: the web page is a @misc, which reads back as a document
    "bibtex": set(FIELDS) - {"ids.arxiv_version", "accessed", "editors_etal", "type"},
    # (RIS's L1 holds a file's location: its title and media type are lost)
    "ris": set(FIELDS) - {"authors_etal", "editors_etal", "ids.arxiv_version", "ids.pmid", "ids.pmcid", "attachments"},
    "jats": set(FIELDS) - {"abstract", "keywords", "language", "ids.arxiv_version", "ids.arxiv_class", "attachments"},
}


def value(record: Record, path: str):
    if path.startswith("ids."):
        found = getattr(record.ids, path[4:])
        return tuple(sorted(d.lower() for d in found)) if path == "ids.doi" else found
    found = getattr(record, path)
    return found.plain() if isinstance(found, Text) else found


def losses(diagnostics) -> set[tuple[int, str]]:
    return {(d.line, d.field) for d in diagnostics if d.code in LOSS_CODES}


def no_macro(diagnostics) -> set[tuple[int, str]]:
    """Losses of characters BibTeX's ascii mode has no LaTeX macro for (--tex utf8 keeps them)."""
    return {(d.line, d.field) for d in diagnostics if d.code == "write.moved" and "written to {?}" in d.message}


# ascii mode (BibTeX's default) carries only characters with a LaTeX macro: a reported loss
CARRY_OPTIONS = {"bibtex": {"tex": "utf8"}}


@pytest.mark.parametrize("fmt", sorted(CARRIES))
def test_each_field_comes_back_or_is_reported_lost(fmt):
    diagnostics: list = []
    text = converters.dumps(RICH, fmt, diagnostics=diagnostics)
    back = converters.loads(text, fmt)
    assert back.ok and len(back) == len(RICH), [d.render() for d in back.errors]
    reported = losses(diagnostics)
    for number, (original, returned) in enumerate(zip(RICH, back, strict=True), 1):
        for path in FIELDS:
            before, after = value(original, path), value(returned, path)
            if before == after or before in (None, (), False):
                continue
            lost = (number, path) in reported
            assert lost, f"{fmt}: {path} of record {number} changed silently: {before!r} -> {after!r}"
            assert path not in CARRIES[fmt] or path == "ids.doi" or path == "issued" or \
                (number, path) in no_macro(diagnostics), \
                f"{fmt} should carry {path} (record {number}): {before!r} -> {after!r}"


@pytest.mark.parametrize("fmt", sorted(CARRIES))
def test_what_a_format_carries_comes_back_equal(fmt):
    back = converters.loads(converters.dumps(RICH, fmt, **CARRY_OPTIONS.get(fmt, {})), fmt)
    for number, (original, returned) in enumerate(zip(RICH, back, strict=True), 1):
        for path in CARRIES[fmt] - {"ids.doi", "issued"}:
            assert value(original, path) == value(returned, path), f"{fmt}: {path} of record {number}"


@pytest.mark.parametrize("fmt", sorted(CARRIES))
def test_extras_travel_or_are_reported(fmt):
    diagnostics: list = []
    back = converters.loads(converters.dumps(RICH, fmt, diagnostics=diagnostics), fmt)
    reported = losses(diagnostics)
    for number, (original, returned) in enumerate(zip(RICH, back, strict=True), 1):
        for key, text in original.extras.items():
            kept = returned.extras.get(key) == text or any(text in v for v in returned.extras.values())
            assert kept or (number, str(key)) in reported, f"{fmt}: extra {key} of record {number} lost silently"
