"""Import targets (``--for zotero``, ``target="zotero"``): the shapes the importer facts in
../shared/docs/MAPPING.md require, and plain output left standard."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import converters
from converters import UsageError
from converters.cli import main
from converters.extras import Extra, Kind
from converters.formats.bibtex.writer import ENTRY_TYPES
from converters.model import Date, Identifiers, Name, Record, Syntax, Text
from converters.targets import TARGETS

from .shared import shared_path
from .validators import assert_valid_csl, parse_bibtex

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "arxiv-listing.txt"

# MAPPING.md, CSL-JSON: Zotero rejects the whole file for a type outside the schema, and for software
ZOTERO_REFUSED_CSL_TYPES = {"software"}
# MAPPING.md, BibTeX and BibLaTeX: Zotero silently discards these entries
ZOTERO_DISCARDED_ENTRY_TYPES = {"preprint", "dataset"}

PEOPLE = (
    Name(family="Loosdrecht", given="Mark", non_dropping_particle="van"),
    Name(family="Evans", given="John", suffix="II"),
    Name(family="Beethoven", given="Ludwig", dropping_particle="van"),
    Name(literal="ATLAS Collaboration"),
)


def _schema_types() -> list[str]:
    schema = json.loads(shared_path("schemas", "csl", "csl-data.json").read_text(encoding="utf-8"))
    return schema["items"]["properties"]["type"]["enum"]


def _record(csl_type: str, **changes) -> Record:
    fields = dict(type=csl_type, key=f"item-{csl_type}", title=Text(f"A {csl_type}"), authors=PEOPLE,
                  issued=Date(2024, 12, 17))
    fields.update(changes)
    return Record(**fields)


@pytest.fixture(scope="module")
def every_schema_type() -> list[Record]:
    """One record of each type in the shared CSL schema's enum, with particles, a suffix and an
    organisation among the authors."""
    return [_record(t) for t in _schema_types()]


def _items(text: str) -> dict[str, dict]:
    return {item["id"]: item for item in assert_valid_csl(text)}


def test_zotero_csl_json_with_every_schema_type_uses_only_types_zotero_accepts(every_schema_type):
    accepted = set(_schema_types()) - ZOTERO_REFUSED_CSL_TYPES
    items = _items(converters.dumps(every_schema_type, "csl-json", target="zotero"))
    assert len(items) == len(every_schema_type)
    assert {item["type"] for item in items.values()} <= accepted
    # every type but software is written as itself: nothing else is moved without a fact
    for record in every_schema_type:
        item = items[record.key]
        if record.type in ZOTERO_REFUSED_CSL_TYPES:
            assert item["type"] != record.type
        else:
            assert item["type"] == record.type and "note" not in item


def test_zotero_csl_json_keeps_the_real_type_in_a_note_line(every_schema_type):
    items = _items(converters.dumps(every_schema_type, "csl-json", target="zotero"))
    assert items["item-software"]["type"] == "document"
    assert items["item-software"]["note"] == "Type: software"
    with_note = _record("software", note=Text("v2.1, <i>beta</i>", Syntax.HTML))
    (item,) = assert_valid_csl(converters.dumps([with_note], "csl-json", target="zotero"))
    assert item["note"].splitlines() == ["v2.1, beta", "Type: software"]


def test_zotero_csl_json_names_keep_particles_and_suffix_in_family_and_given(every_schema_type):
    items = _items(converters.dumps(every_schema_type, "csl-json", target="zotero"))
    for item in items.values():
        assert item["author"] == [
            {"family": "van Loosdrecht", "given": "Mark"},
            {"family": "Evans", "given": "John, II"},  # citeproc-js reads the suffix back from it
            {"family": "Beethoven", "given": "Ludwig van"},
            {"family": "ATLAS Collaboration"},
        ]


def test_zotero_names_keep_a_suffix_where_citeproc_reads_it_back_and_the_item_reads_back_whole():
    # the suffix went after the family name ("Evans II"), which Zotero's citeproc-js prints as a
    # family name ("Evans II, J." in APA) where "John, II" prints as the suffix ("Evans, J., II")
    record = _record("book", authors=(Name(family="King", given="Martin Luther", suffix="Jr."),),
                     extras={Extra("csl", "author", Kind.NAME_META): json.dumps([{"comma-suffix": True}])})
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json", target="zotero"))
    assert item["author"] == [{"family": "King", "given": "Martin Luther,! Jr."}]
    (back,) = converters.loads(json.dumps([item]), "csl-json")
    assert back.authors == record.authors


def test_zotero_two_part_names_cover_every_name_variable_and_odd_names():
    record = _record("book", editors=(Name(family="Berg", non_dropping_particle="van den", suffix="Jr."),
                                      Name(given="Banksy"), Name(family="Oz", dropping_particle="d'")),
                     extras={Extra("csl", "translator"): json.dumps([{"family": "Hoff", "non-dropping-particle": "'t",
                                                            "given": "Jan"}])})
    (item,) = assert_valid_csl(converters.dumps([record], "csl-json", target="zotero"))
    assert item["editor"] == [{"family": "van den Berg Jr."}, {"given": "Banksy"}, {"family": "d' Oz"}]
    assert item["translator"] == [{"family": "'t Hoff", "given": "Jan"}]


def test_plain_csl_json_is_unchanged_by_the_target_mechanism(every_schema_type):
    items = _items(converters.dumps(every_schema_type, "csl-json"))
    assert items["item-software"]["type"] == "software" and "note" not in items["item-software"]
    assert items["item-book"]["author"] == [
        {"family": "Loosdrecht", "given": "Mark", "non-dropping-particle": "van"},
        {"family": "Evans", "given": "John", "suffix": "II"},
        {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"},
        {"literal": "ATLAS Collaboration"},
    ]


def test_zotero_abstract_and_note_are_plain_text_while_plain_note_stays_rich_text():
    record = _record("article", abstract=Text("We <i>measure</i> H<sub>0</sub>.", Syntax.HTML),
                     note=Text("To appear in <i>Nature</i>", Syntax.HTML))
    (zotero,) = assert_valid_csl(converters.dumps([record], "csl-json", target="zotero"))
    assert zotero["abstract"] == "We measure H0." and zotero["note"] == "To appear in Nature"
    (plain,) = assert_valid_csl(converters.dumps([record], "csl-json"))
    assert plain["abstract"] == zotero["abstract"] and plain["note"] == "To appear in <i>Nature</i>"


# --- BibTeX and BibLaTeX -------------------------------------------------------------------------------

ARXIV_PREPRINT = """@preprint{vanl2025,
  author = {van Loosdrecht, Mark and Evans, II, John},
  title = {A Study},
  eprint = {2501.00001},
  archivePrefix = {arXiv},
  year = {2025},
}

@dataset{data2024,
  author = {Doe, Jane},
  title = {Data},
  year = {2024},
}
"""


def _entry_types(text: str) -> list[str]:
    return re.findall(r"(?m)^@(\w+)\{", text)


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_zotero_bibtex_never_writes_the_entry_types_zotero_discards(every_schema_type, fmt):
    from_input = converters.loads(ARXIV_PREPRINT, "bibtex").records
    text = converters.dumps([*every_schema_type, *from_input], fmt, target="zotero")
    written = _entry_types(text)
    assert len(written) == len(every_schema_type) + 2
    assert not set(written) & ZOTERO_DISCARDED_ENTRY_TYPES
    parse_bibtex(text)


def test_plain_bibtex_still_writes_the_input_entry_types():
    records = converters.loads(ARXIV_PREPRINT, "bibtex").records
    assert _entry_types(converters.dumps(records, "bibtex")) == ["preprint", "misc"]
    assert _entry_types(converters.dumps(records, "biblatex")) == ["preprint", "dataset"]


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_zotero_bibtex_arxiv_preprint_is_misc_with_eprinttype(fmt):
    records = converters.loads(ARXIV_PREPRINT, "bibtex").records
    entry = parse_bibtex(converters.dumps(records[:1], fmt, target="zotero")).entries[0]
    assert entry.entry_type == "misc"
    assert entry.fields_dict["eprint"].value == "2501.00001"
    assert entry.fields_dict["eprinttype"].value == "arxiv"
    listing = converters.load(SAMPLE).records
    for entry in parse_bibtex(converters.dumps(listing, fmt, target="zotero")).entries:
        assert entry.entry_type == "misc" and entry.fields_dict["eprinttype"].value == "arxiv"


def test_zotero_biblatex_keeps_online_for_web_pages_only():
    page = _record("webpage", ids=Identifiers(url="https://example.org/"))
    preprint = _record("article", ids=Identifiers(arxiv="2501.00001"))
    assert _entry_types(converters.dumps([page, preprint], "biblatex", target="zotero")) == ["online", "misc"]
    assert _entry_types(converters.dumps([page, preprint], "biblatex")) == ["online", "online"]


def test_zotero_biblatex_gives_each_biblatex_only_type_the_classic_bibtex_type():
    """Conservative where nothing is measured: no biblatex-only type but @online (a webpage, MAPPING)."""
    table = TARGETS["zotero"]["biblatex"].entry_types
    for csl_type, (bibtex_type, biblatex_type) in ENTRY_TYPES.items():
        if biblatex_type not in (bibtex_type, "online"):
            assert table.get(csl_type) == bibtex_type, csl_type


def test_zotero_bibtex_output_equals_plain_output_when_no_type_is_discarded():
    listing = converters.load(SAMPLE).records
    assert converters.dumps(listing, "bibtex", target="zotero") == converters.dumps(listing, "bibtex")


# --- RIS, JATS: no change -----------------------------------------------------------------------------


def test_zotero_ris_keeps_the_documented_default_and_the_chosen_type():
    listing = converters.load(SAMPLE).records
    assert converters.dumps(listing, "ris", target="zotero") == converters.dumps(listing, "ris")
    chosen = converters.dumps(listing[:1], "ris", target="zotero", ris_type="MANSCPT")
    assert chosen.startswith("TY  - MANSCPT\r\n")


def test_zotero_jats_is_standard_jats_and_says_the_importer_is_not_measured():
    listing = converters.load(SAMPLE).records
    diagnostics: list = []
    text = converters.dumps(listing, "jats", target="zotero", diagnostics=diagnostics)
    assert text == converters.dumps(listing, "jats")
    assert [d.code for d in diagnostics if d.code == "write.target-unmeasured"] == ["write.target-unmeasured"]
    quiet: list = []
    converters.dumps(listing, "csl-json", target="zotero", diagnostics=quiet)
    assert not [d for d in quiet if d.code == "write.target-unmeasured"]


# --- library and CLI --------------------------------------------------------------------------------

SOFTWARE_CSL = json.dumps([{"id": "tool", "type": "software", "title": "Tool",
                            "author": [{"family": "Evans", "given": "John", "suffix": "II"}]}])


def test_library_convert_takes_target():
    conversion = converters.convert(SOFTWARE_CSL, to="csl-json", target="zotero")
    (item,) = json.loads(conversion.text)
    assert item["type"] == "document" and item["author"] == [{"family": "Evans", "given": "John, II"}]
    (plain,) = json.loads(converters.convert(SOFTWARE_CSL, to="csl-json").text)
    assert plain["type"] == "software"


def test_library_dump_takes_target(tmp_path):
    records = converters.loads(SOFTWARE_CSL, "csl-json").records
    converters.dump(records, tmp_path / "out.json", "csl-json", target="zotero")
    (item,) = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert item["type"] == "document"


def test_library_unknown_target_is_a_usage_error_naming_the_known_ones():
    with pytest.raises(UsageError, match="zotero"):
        converters.dumps([], "csl-json", target="endnote")


def test_cli_for_zotero_shapes_the_output(tmp_path):
    source = tmp_path / "in.json"
    source.write_text(SOFTWARE_CSL, encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(source), "-t", "csl-json", "--for", "zotero"])
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.stdout)
    assert item["type"] == "document" and item["note"] == "Type: software"
    upper = CliRunner().invoke(main, ["convert", str(source), "-t", "csl-json", "--for", "Zotero"])
    assert upper.exit_code == 0 and upper.stdout == result.stdout


def test_cli_csl_json_file_with_every_schema_type_comes_out_whole_for_zotero(tmp_path):
    """The issue's case: a mixed library converted for Zotero loses no item and no name part."""
    items = [{"id": f"i-{t}", "type": t, "title": f"A {t}",
              "author": [{"family": "Loosdrecht", "non-dropping-particle": "van", "given": "Mark"},
                         {"family": "Evans", "given": "John", "suffix": "II"}]} for t in _schema_types()]
    source = tmp_path / "library.json"
    source.write_text(json.dumps(items), encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(source), "-t", "csl-json", "--for", "zotero"])
    assert result.exit_code == 0, result.output
    written = assert_valid_csl(result.stdout)
    assert [item["id"] for item in written] == [item["id"] for item in items]
    assert {item["type"] for item in written} <= set(_schema_types()) - ZOTERO_REFUSED_CSL_TYPES
    assert all(item["author"] == [{"family": "van Loosdrecht", "given": "Mark"},
                                  {"family": "Evans", "given": "John, II"}] for item in written)


def test_cli_for_offers_the_table_consumers_and_refuses_others(tmp_path):
    source = tmp_path / "in.json"
    source.write_text(SOFTWARE_CSL, encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(source), "-t", "csl-json", "--for", "endnote"])
    assert result.exit_code == 2 and "zotero" in result.output
    help_text = CliRunner().invoke(main, ["convert", "--help"]).output
    assert "--for [" + "|".join(sorted(TARGETS)) + "]" in help_text


def test_every_table_entry_names_a_writable_format():
    from converters import registry

    writable = {f.name for f in registry.writers()}
    for consumer, formats in TARGETS.items():
        assert set(formats) <= writable, consumer
