"""The five writers on the listing: golden outputs, real validators, fields intact."""

from __future__ import annotations

from pathlib import Path

import pytest

import converters
from converters.model import Date, Identifiers, Name, Record, Syntax, Text

from .shared import shared_path
from .validators import assert_valid_csl, assert_valid_jats, parse_bibtex, parse_ris

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "arxiv-listing.txt"
EXPECTED = ROOT / "samples" / "expected"

GOLDEN = [
    ("bibtex", {}, "arxiv-listing.bib"),
    ("biblatex", {}, "arxiv-listing.biblatex.bib"),
    ("ris", {}, "arxiv-listing.ris"),
    ("csl-json", {}, "arxiv-listing.json"),
    ("jats", {}, "arxiv-listing.xml"),
    ("jats", {"jats_mode": "articles"}, "arxiv-listing.articles.xml"),
    ("refconv-json", {}, "arxiv-listing.ndjson"),
]


@pytest.fixture(scope="module")
def sample():
    result = converters.load(SAMPLE)
    assert result.ok and len(result) == 10
    return result.records


@pytest.mark.parametrize(("fmt", "options", "name"), GOLDEN, ids=[g[2] for g in GOLDEN])
def test_golden_output(sample, fmt, options, name):
    """samples/expected/ was checked by hand; samples/regenerate.sh rewrites it."""
    expected = (EXPECTED / name).read_bytes().decode("utf-8")
    assert converters.dumps(sample, fmt, **options) == expected


@pytest.fixture(scope="module")
def shared_sample():
    return converters.load(shared_path("samples", "arxiv-listing.txt")).records


def test_jats_is_valid_against_the_archiving_dtd(sample, shared_sample):
    for records in (sample, shared_sample):
        (article,) = assert_valid_jats(converters.dumps(records, "jats"))
        refs = article.findall(".//ref")
        assert len(refs) == len(records)
        assert len({ref.get("id") for ref in refs}) == len(records)
    articles = assert_valid_jats(converters.dumps(sample, "jats", jats_mode="articles"))
    assert len(articles) == len(sample)
    single = assert_valid_jats(converters.dumps(sample[:1], "jats", jats_mode="articles"))
    assert len(single) == 1


def test_jats_citation_carries_the_mapping_table_fields(sample):
    (article,) = assert_valid_jats(converters.dumps(sample, "jats"))
    ref = article.find(".//ref")
    citation = ref.find("element-citation")
    assert citation.get("publication-type") == "preprint"
    names = citation.findall("person-group[@person-group-type='author']/name")
    assert [(n.findtext("surname"), n.findtext("given-names")) for n in names] == [
        ("Balázs", "C."), ("Berger", "E. L."), ("Nadolsky", "P. M."), ("Yuan", "C.-P.")]
    # its Journal-ref, "Phys.Rev.D76:013009,2007", parsed as every arXiv reader parses it
    assert (citation.findtext("source"), citation.findtext("volume"), citation.findtext("fpage")) == (
        "Phys.Rev.D", "76", "013009")
    assert article.find(".//ref[@id='yurkin2007convergence']//source").text == "arXiv"  # no Journal-ref
    assert citation.find("year").get("iso-8601-date") == "2007-04-02"
    assert [p.text for p in citation.findall("pub-id[@pub-id-type='doi']")] == [
        "10.1103/PhysRevD.76.013009", "10.48550/arXiv.0704.0001"]
    assert citation.findtext("pub-id[@pub-id-type='arxiv']") == "0704.0001"
    assert citation.findtext("comment") == "37 pages, 15 figures; published version"
    collabs = article.findall(".//ref[@id='ligoscientificcollaboration2016observation']//collab")
    assert [c.text for c in collabs] == ["LIGO Scientific Collaboration", "Virgo Collaboration"]


def test_jats_maths_become_tex_math(sample):
    articles = assert_valid_jats(converters.dumps(sample, "jats", jats_mode="articles"))
    formulas = [f.text for a in articles for f in a.iter("tex-math")]
    assert "O(d^2)" in formulas and r"d \le 8" in formulas


def test_csl_json_is_schema_valid_and_carries_every_field(sample, shared_sample):
    items = assert_valid_csl(converters.dumps(shared_sample, "csl-json"))
    assert len(items) == 9
    items = assert_valid_csl(converters.dumps(sample, "csl-json"))
    first = items[0]
    assert first["type"] == "article" and first["publisher"] == "arXiv"
    assert first["number"] == "arXiv:0704.0001" and first["version"] == "2"
    assert first["DOI"] == "10.1103/PhysRevD.76.013009"
    assert first["URL"] == "https://arxiv.org/abs/0704.0001"
    assert first["issued"] == {"date-parts": [[2007, 4, 2]]}
    assert first["note"] == "37 pages, 15 figures; published version"
    assert first["custom"]["arxiv:journal-ref"] == "Phys.Rev.D76:013009,2007"
    assert items[5]["author"] == [{"literal": "LIGO Scientific Collaboration"}, {"literal": "Virgo Collaboration"}]
    # TeX accents are decoded for CSL, maths kept
    assert items[4]["abstract"].count("Schrödinger") == 1 and "$N$" in items[4]["abstract"]


def test_csl_ndjson_is_one_valid_item_per_line(sample):
    import json

    lines = converters.dumps(sample, "csl-json", ndjson=True).splitlines()
    assert len(lines) == len(sample)
    assert_valid_csl(json.dumps([json.loads(line) for line in lines]))


def _fields(entry) -> dict[str, str]:
    return {f.key.lower(): f.value for f in entry.fields}


def test_bibtex_reparses_with_fields_intact(sample, shared_sample):
    library = parse_bibtex(converters.dumps(shared_sample, "bibtex"))
    assert len(library.entries) == 9
    deepseek = _fields(library.entries[0])
    assert deepseek["author"].count(" and ") == 198
    assert deepseek["title"] == "{DeepSeek-R1}: Incentivizing Reasoning Capability in {LLMs} via Reinforcement Learning"
    library = parse_bibtex(converters.dumps(sample, "bibtex"))
    assert [e.entry_type for e in library.entries] == ["misc"] * 10
    first = _fields(library.entries[0])
    assert first["eprint"] == "0704.0001" and first["archiveprefix"] == "arXiv" and first["eprinttype"] == "arxiv"
    assert first["doi"] == "10.1103/PhysRevD.76.013009" and first["year"] == "2007"
    assert first["author"] == r"Bal{\'a}zs, C. and Berger, E. L. and Nadolsky, P. M. and Yuan, C.-P."
    assert first["note"] == "37 pages, 15 figures; published version"
    # a record without authors carries BibTeX's sort key
    assert _fields(library.entries[6])["key"] == "arXiv:2412.12557"


def test_bibtex_output_is_ascii_and_biblatex_utf8(sample):
    assert converters.dumps(sample, "bibtex").isascii()
    biblatex = converters.dumps(sample, "biblatex")
    assert "Øbro, Mikkel" in biblatex and "Balázs, C." in biblatex
    library = parse_bibtex(biblatex)
    assert [e.entry_type for e in library.entries] == ["online"] * 10
    assert _fields(library.entries[0])["date"] == "2007-04-02"
    assert _fields(library.entries[4])["eprintclass"] == "hep-th"


def test_ris_reparses_with_rispy(sample, shared_sample):
    assert len(parse_ris(converters.dumps(shared_sample, "ris"))) == 9
    text = converters.dumps(sample, "ris")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    entries = parse_ris(text)
    assert len(entries) == 10
    first = entries[0]
    assert first["type_of_reference"] == "UNPB"
    assert first["authors"] == ["Balázs, C.", "Berger, E. L.", "Nadolsky, P. M.", "Yuan, C.-P."]
    assert first["doi"] == "10.1103/PhysRevD.76.013009" and first["year"] == "2007"
    assert first["urls"] == ["https://arxiv.org/abs/0704.0001"]
    assert first["notes"] == ["37 pages, 15 figures; published version"]
    assert first["secondary_title"] == "Phys.Rev.D" and first["publisher"] == "arXiv"  # from its Journal-ref
    assert (first["volume"], first["start_page"]) == ("76", "013009")
    assert entries[1]["secondary_title"] == "arXiv"  # no Journal-ref
    assert entries[5]["authors"] == ["LIGO Scientific Collaboration", "Virgo Collaboration"]


def test_ris_type_is_an_option(sample):
    assert converters.dumps(sample[:1], "ris", ris_type="JOUR").startswith("TY  - JOUR\r\n")


# --- escaping: a value never breaks out of its field ----------------------------------

HOSTILE = "50% of {unbalanced } \\input{/etc/passwd} #1 $x & y_z ~ ^\nER  - \n]]></span><i>"


def _hostile_record() -> Record:
    return Record(type="article-journal", title=Text(HOSTILE), authors=(Name(family="O'Brien", given="Ann"),),
                  issued=Date(2020), note=Text(HOSTILE), container_title=Text("J. {Tests"),
                  ids=Identifiers(doi=("10.1000/a{b",)))


def test_plain_text_cannot_break_out_of_bibtex_fields():
    text = converters.dumps([_hostile_record()], "bibtex")
    fields = _fields(parse_bibtex(text).entries[0])
    assert "\\input{" not in text and "\\textbackslash{}input" in fields["title"]
    assert fields["doi"] == "10.1000/a%7Bb"


def test_plain_text_cannot_start_a_ris_tag():
    entries = parse_ris(converters.dumps([_hostile_record(), _hostile_record()], "ris"))
    assert len(entries) == 2


def test_plain_text_cannot_break_jats_or_csl_markup():
    (article,) = assert_valid_jats(converters.dumps([_hostile_record()], "jats"))
    assert article.find(".//ref//article-title").text == HOSTILE
    items = assert_valid_csl(converters.dumps([_hostile_record()], "csl-json"))
    assert "</span><i>" not in items[0]["title"]


def test_tex_source_that_is_unbalanced_is_escaped_not_passed_through():
    record = Record(title=Text("broken {group", Syntax.TEX), ids=Identifiers(arxiv="2101.00001"))
    fields = _fields(parse_bibtex(converters.dumps([record], "bibtex")).entries[0])
    assert fields["title"] == r"broken {\textbraceleft}group"


def test_citation_keys_are_unique_stable_and_never_empty():
    twin = Record(title=Text("Same title"), authors=(Name(family="Lee", given="A."),), issued=Date(2020))
    bare = Record(type="document")
    records = [twin, twin, twin, bare, bare]
    keys = [e.key for e in parse_bibtex(converters.dumps(records, "bibtex")).entries]
    assert keys == ["lee2020same", "lee2020samea", "lee2020sameb", "ref", "refa"]
    assert keys == [e.key for e in parse_bibtex(converters.dumps(records, "bibtex")).entries]
    given = Record(key="Knuth:1984", title=Text("T"))
    assert parse_bibtex(converters.dumps([given], "bibtex")).entries[0].key == "Knuth:1984"
    assert parse_bibtex(converters.dumps([given], "bibtex", keep_keys=False)).entries[0].key == "t"


def test_writers_report_what_they_cannot_carry(sample):
    diagnostics: list = []
    converters.dumps(sample, "ris", diagnostics=diagnostics)
    lost = {(d.key, d.field) for d in diagnostics if d.code == "write.lost"}
    assert ("balazs2007calculation", "arxiv:journal-ref") in lost
    assert ("deepseekai2025deepseekr1", "arxiv:license") in lost


def test_a_preprint_published_in_a_journal_keeps_arxiv_as_its_publisher_in_jats(sample):
    # <source> is the journal then, so arXiv is written as the publisher (it was lost)
    published = [r for r in sample if r.container_title is not None and r.ids.arxiv]
    assert published
    for record in published:
        (again,) = converters.loads(converters.dumps([record], "jats"), "jats").records
        assert (again.publisher, again.container_title) == ("arXiv", record.container_title)


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csl-json"])
def test_a_keyword_holding_a_comma_stays_one_keyword(fmt):
    record = Record(type="book", key="k", title=Text("T"), keywords=("Evolution, Biological", "Animals"))
    (again,) = converters.loads(converters.dumps([record], fmt), fmt).records
    assert again.keywords == record.keywords
    if fmt == "csl-json":
        assert '"keyword": "Evolution, Biological; Animals"' in converters.dumps([record], fmt)
    else:
        assert "keywords = {{Evolution, Biological}, Animals}" in converters.dumps([record], fmt)


def test_a_suffix_braced_into_a_family_name_gets_the_ris_suffix_place():
    # "Herbert S. {Bailey, Jr.}" (Beebe's texbook3.bib): the comma split the family name in RIS
    (record,) = converters.loads("@book{k, author = {Herbert S. {Bailey, Jr.}}, title = {T}, year = 1970}",
                                 "bibtex").records
    text = converters.dumps([record], "ris")
    assert "AU  - Bailey, Herbert S., Jr.\r\n" in text
    (again,) = converters.loads(text, "ris").records
    assert (again.authors[0].family, again.authors[0].given, again.authors[0].suffix) == ("Bailey", "Herbert S.", "Jr.")


def test_an_organisation_named_with_a_comma_that_ris_reads_back_as_a_person_is_reported():
    record = Record(type="book", key="k", title=Text("T"),
                    authors=(Name(literal="Smith, John"), Name(literal="University of California, Berkeley")))
    diagnostics: list = []
    converters.dumps([record], "ris", diagnostics=diagnostics)
    assert [d.message for d in diagnostics] == [
        "RIS has no field for 'authors' (Smith, John); written to its name tag (read back as a person's family "
        "and given names)"]
