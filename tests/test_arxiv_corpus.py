"""The five arXiv readers on real files (../shared/corpus/arxiv) and on each other.

- every file of every shape reads without an exception, and its record count equals
  a count made without the reader (``Title:`` lines, ``<entry>`` elements, JSON lines);
- every reader's records are valid in every writer;
- a paper present in two sources gives the same canonical record (id, title,
  authors, abstract, DOI, issued); the differences that are in the sources themselves
  are listed, with evidence, in ``known_divergences/arxiv-cross-source.json``.
"""

from __future__ import annotations

import itertools
import json
import re
from functools import cache, lru_cache
from pathlib import Path

import pytest

import converters
from converters.extras import Extra
from converters.model import Record

from .shared import SHARED, shared_files
from .validators import assert_valid_csl, assert_valid_jats, parse_bibtex, parse_ris

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "arxiv"
KNOWN = ROOT / "tests" / "known_divergences"

ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}
OAI_NS = {"o": "http://www.openarchives.org/OAI/2.0/"}


# --- independent counts: no reader code involved ---------------------------------------


def _xml(path: Path):
    from lxml import etree

    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    return etree.parse(str(path), parser)


def count_abs(path: Path) -> int:
    return 1


def count_mailing(path: Path) -> int:
    return len(re.findall(r"(?m)^Title:", path.read_text(encoding="utf-8")))


def count_atom(path: Path) -> int:
    tree = _xml(path)
    return int(tree.xpath("count(//a:entry) - count(//a:entry[a:title='Error'])", namespaces=ATOM_NS))


def count_oai(path: Path) -> int:
    tree = _xml(path)
    return int(tree.xpath("count(//o:record) - count(//o:record[o:header/@status='deleted'])", namespaces=OAI_NS))


def count_json(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


SHAPES = {
    # shape: (folder under corpus/arxiv, glob, reader format, independent count)
    "abs": ("abs-files", "*.abs", "arxiv-abs", count_abs),
    "mailing": ("listings-arxiv-browse", "*", "arxiv-mailing", count_mailing),
    "atom": ("api-atom-arxiv.py", "*.atom.xml", "arxiv-atom", count_atom),
    "oai": ("oai-pmh-hepcrawl", "*.xml", "arxiv-oai", count_oai),
    "json": ("kaggle-metadata-sample", "*.jsonl", "arxiv-json", count_json),
}


def corpus_files(shape: str) -> list[Path]:
    folder, pattern, _, _ = SHAPES[shape]
    files = shared_files(f"corpus/arxiv/{folder}", pattern)
    if shape == "mailing":
        files = [p for p in files if p.parent.name == "listings"]
    return files


@cache
def corpus_results(shape: str) -> tuple:
    """(path, Result) for every file of a shape, format guessed from content as a user would."""
    return tuple((path, converters.load(path)) for path in corpus_files(shape))


def _relative(path: Path) -> str:
    return str(path.relative_to(SHARED))


@pytest.mark.parametrize("shape", SHAPES)
def test_every_corpus_file_reads_and_counts_match(shape):
    results = corpus_results(shape)
    if not results:
        pytest.skip(f"../shared/corpus/arxiv/{SHAPES[shape][0]} is absent")
    known = json.loads((KNOWN / "arxiv.json").read_text(encoding="utf-8"))
    fmt, count = SHAPES[shape][2], SHAPES[shape][3]
    unexplained, stale = [], []
    for path, result in results:
        assert result.format == fmt, f"{_relative(path)} detected as {result.format}"
        expected = count(path)
        listed = _relative(path) in known
        if len(result) != expected and not listed:
            unexplained.append(f"{_relative(path)}: {len(result)} records, independent count {expected}")
        if len(result) == expected and listed:
            stale.append(_relative(path))
        for record in result:
            _assert_arxiv_record(record)
    assert not unexplained, "\n".join(unexplained)
    assert not stale, f"listed in known_divergences/arxiv.json but agree now: {stale}"


def _assert_arxiv_record(record: Record) -> None:
    assert record.type == "article" and record.publisher == "arXiv"
    assert record.ids.arxiv and record.issued is not None
    assert record.ids.derived_doi not in record.ids.doi  # derived, never stored
    assert "@" not in (record.extras.get(Extra("arxiv", "submitter")) or "")  # scrambled e-mails stay out


def test_corpus_shapes_found_the_expected_totals():
    """Totals counted by hand from the corpus (grep/xpath), so a reader losing a whole
    file is caught even if its independent count were wrong too."""
    totals = {shape: sum(len(r) for _, r in corpus_results(shape)) for shape in SHAPES}
    if not any(totals.values()):
        pytest.skip("../shared/corpus/arxiv is absent")
    assert totals == {"abs": 689, "mailing": 4058, "atom": 221, "oai": 30, "json": 200}


def test_corpus_diagnostics_are_the_known_source_problems():
    """Nothing but the few real problems in the corpus is reported above info."""
    found = sorted(
        (Path(path).name, d.severity.value, d.code)
        for shape in SHAPES for path, result in corpus_results(shape)
        for d in result.diagnostics if d.severity != "info" and d.code not in ("atom.mojibake", "text.double-encoded")
    )  # (the API answers' mojibake: the two tests below)
    if not found and not corpus_files("abs"):
        pytest.skip("../shared/corpus/arxiv is absent")
    assert found == sorted([
        ("0601", "warning", "mailing.authors"),  # astro-ph/0601264: affiliation block never closed
        ("2009.01669.abs", "warning", "abs.bad-doi"),  # a Handle (21.11130/...) in the DOI field
        ("id_abc_s0_m100_b79c8dcf6bc3.atom.xml", "error", "atom.api-error"),  # "incorrect id format for abc"
        ("id_0000.0000_s0_m100_8b51d9633a68.atom.xml", "warning", "atom.empty"),
        ("id_0808.05394_s0_m100_7b0c7d0a7cdd.atom.xml", "warning", "atom.empty"),
        # arXiv's own parse of "BICEP2/Keck Array Collaborations: P. A. R. Ade, ...": an author ":"
        *[("unit__responses__arxiv__sample_arxiv_record.xml", "warning", "oai.authors")] * 3,
        ("unit__responses__arxiv__sample_arxiv_record4.xml", "warning", "oai.authors"),
        ("unit__responses__arxiv__sample_arxiv_record8.xml", "warning", "oai.authors"),
    ])


def test_atom_mojibake_in_the_recorded_responses_is_reported_not_repaired():
    results = corpus_results("atom")
    if not results:
        pytest.skip("../shared/corpus/arxiv/api-atom-arxiv.py is absent")
    by_id = {r.ids.arxiv: r for _, result in results for r in result}
    record = by_id["1707.08567"]
    assert "Dirk WÃ¼bben" in [a.display() for a in record.authors]  # as recorded (UTF-8 read as Latin-1)
    diagnostics = [d for _, result in results for d in result.diagnostics if d.code == "atom.mojibake"]
    assert any("WÃ¼bben" in d.message and d.key == "arXiv:1707.08567" for d in diagnostics)


def test_atom_text_encoded_twice_over_is_decoded_again_where_a_c1_character_proves_it():
    results = corpus_results("atom")
    if not results:
        pytest.skip("../shared/corpus/arxiv/api-atom-arxiv.py is absent")
    by_id = {r.ids.arxiv: r for _, result in results for r in result}
    assert "Florian Kroiß" in [a.display() for a in by_id["2101.09077"].authors]  # recorded "KroiÃ\x9f"
    said = [d for _, result in results for d in result.diagnostics if d.code == "text.double-encoded"]
    # 18 records of 9 answers: the <entry>s whose text holds a C1 character, counted in the raw XML
    assert len(said) == 18 and len({d.source for d in said}) == 9
    text = "".join(str(r) for _, result in results for r in result)
    assert not re.search("[\u0080-\u009f]", text)


# --- every reader's output is valid in every writer -------------------------------------


WRITERS = {
    "jats": lambda text: len(assert_valid_jats(text)[0].findall(".//ref")),
    "csl-json": lambda text: len(assert_valid_csl(text)),
    "bibtex": lambda text: len(parse_bibtex(text).entries),
    "biblatex": lambda text: len(parse_bibtex(text).entries),
    "ris": lambda text: len(parse_ris(text)),
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("shape", SHAPES)
def test_corpus_records_are_valid_in_every_writer(shape, writer):
    records = [record for _, result in corpus_results(shape) for record in result]
    if not records:
        pytest.skip(f"../shared/corpus/arxiv/{SHAPES[shape][0]} is absent")
    if shape == "mailing":
        records = records[::3]  # 1,353 of the 4,058 header blocks, all shapes of file: keeps the run short
    diagnostics: list = []
    text = converters.dumps(records, writer, diagnostics=diagnostics)
    assert WRITERS[writer](text) == len(records)
    assert [d for d in diagnostics if d.severity == "error"] == []


# --- cross-source consistency -----------------------------------------------------------

COMPARED = ("title", "authors", "abstract", "doi", "issued")
FIXTURE_SHAPES = {"abs": "*.abs", "mailing": "*.txt", "atom": "*.atom.xml", "oai": "oai-*.xml", "json": "*.jsonl"}


def _norm(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def compared_fields(record: Record) -> dict:
    """What must agree, whitespace normalised (line folding differs between sources)."""
    return {
        "title": _norm(record.title.plain()) if record.title else None,
        "authors": [tuple(_norm(p) for p in (a.literal, a.family, a.given, a.particle, a.suffix))
                    for a in record.authors] or None,
        "abstract": _norm(record.abstract.plain()) if record.abstract else None,
        "doi": [d.lower() for d in record.ids.doi],
        "issued": record.issued.iso() if record.issued else None,
    }


@lru_cache(maxsize=1)
def sources() -> dict[str, dict[str, Record]]:
    """{source: {arXiv id: record}}: the corpus shapes, and our fixtures as ``fixture:<shape>``."""
    out: dict[str, dict[str, Record]] = {}
    for shape in SHAPES:
        out[shape] = {r.ids.arxiv: r for _, result in corpus_results(shape) for r in result}
    for shape, pattern in FIXTURE_SHAPES.items():
        records = {}
        for path in sorted(FIXTURES.glob(pattern)):
            encoding = "latin-1" if "latin1" in path.name else "utf-8"
            records.update((r.ids.arxiv, r) for r in converters.load(path, encoding=encoding))
        out[f"fixture:{shape}"] = records
    return out


def divergences() -> dict[tuple[str, str], set[str]]:
    """{(arXiv id, field): sources involved} for every pair of sources that disagree.

    Fixture abstracts are our own words, so fixtures are not compared on abstracts;
    a field missing from one side (no DOI line, no abstract in a listing) is not compared
    unless the other side has a DOI the first lacks (a DOI added later is a real
    difference between the sources).
    """
    found: dict[tuple[str, str], set[str]] = {}
    for (name_a, a), (name_b, b) in itertools.combinations(sources().items(), 2):
        for paper in sorted(set(a) & set(b)):
            fa, fb = compared_fields(a[paper]), compared_fields(b[paper])
            for name in COMPARED:
                if name == "abstract" and (name_a.startswith("fixture") or name_b.startswith("fixture")):
                    continue
                if name != "doi" and (fa[name] is None or fb[name] is None):
                    continue
                if fa[name] != fb[name]:
                    found.setdefault((paper, name), set()).update({name_a, name_b})
    return found


def test_papers_in_two_sources_agree_except_for_listed_source_differences():
    if not corpus_files("abs") or not corpus_files("json"):
        pytest.skip("../shared/corpus/arxiv is absent")
    listed = json.loads((KNOWN / "arxiv-cross-source.json").read_text(encoding="utf-8"))
    found = divergences()
    unexplained = [
        f"{paper} {name}: {sorted(involved)}" for (paper, name), involved in sorted(found.items())
        if name not in listed.get(paper, {}) or not involved <= set(listed[paper][name]["evidence"])
    ]
    assert not unexplained, "sources disagree where no source difference is listed:\n" + "\n".join(unexplained)
    stale = [f"{paper} {name}" for paper, fields in listed.items() for name in fields if (paper, name) not in found]
    assert not stale, f"listed as differing but agree now: {stale}"


def test_cross_source_comparison_covers_many_papers():
    if not corpus_files("abs") or not corpus_files("json"):
        pytest.skip("../shared/corpus/arxiv is absent")
    index = sources()
    shared = {paper for a, b in itertools.combinations(index.values(), 2) for paper in set(a) & set(b)}
    assert len(set(index["abs"]) & set(index["json"])) == 126  # 0704.0001-0704.0200 in both
    assert "astro-ph/0601001" in set(index["atom"]) & set(index["mailing"])
    assert {"0704.0001", "0704.0002", "0704.0033"} <= shared
