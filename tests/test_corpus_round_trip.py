"""Every corpus BibTeX file, written as BibLaTeX and read again, gives the same records; and
every CSL-JSON, JATS and RIS file, written in its own format; and every arXiv file (.abs, listings,
mailings, Atom, OAI, snapshot), written as CSL-JSON, which holds every field they have.

One format both ways can carry everything its reader read, so any difference is a writer and
reader that disagree: it found a crossref child whose book's subtitle came back twice, and
biblatex's type keys that changed the case of "Technical Report". Values are compared as
Unicode text (the TeX may be written differently), names part by part, dates as ISO 8601.
One shape BibTeX cannot tell apart is taken as the same: a family name alone ("Hàn Thế Thành"
from tugboat.bib's \\Thanh, "samcarter") and an organisation are both written in braces.
"""

from __future__ import annotations

from dataclasses import fields

import pytest

import converters
from converters.model import Date, Name, Record, Text

from .corpus_oracles import BIBTEX_FILES, encoding, name_of
from .shared import ids_for, shared_files

_SKIPPED = {"ids", "extras", "position", "variables", "names", "dates", "key"}


def _value(value):
    if isinstance(value, Text):
        return " ".join(value.plain().split())
    if isinstance(value, Date):
        return value.iso() or value.literal
    if isinstance(value, Name):
        if value.family and not (value.given or value.non_dropping_particle or value.dropping_particle
                                 or value.suffix):
            return ("literal", value.family)  # (see the module's docstring)
        if value.literal is not None:
            return ("literal", value.literal)
        return (value.family, value.given, value.non_dropping_particle, value.dropping_particle, value.suffix)
    if isinstance(value, tuple):
        return tuple(_value(v) for v in value)
    return value


def view(record: Record) -> dict:
    out = {f.name: _value(getattr(record, f.name)) for f in fields(record) if f.name not in _SKIPPED}
    out.update({f"ids.{f.name}": getattr(record.ids, f.name) for f in fields(record.ids)})
    for slot in ("variables", "names", "dates"):
        out.update({f"{slot}.{k}": _value(v) for k, v in getattr(record, slot).items()})
    return out


def _differences(records: list[Record], again: list[Record]) -> list[tuple]:
    assert len(again) == len(records)
    differences = []
    for first, second in zip(records, again, strict=True):
        before, after = view(first), view(second)
        differences += [(first.key, field, before.get(field), after.get(field))
                        for field in sorted(set(before) | set(after)) if before.get(field) != after.get(field)]
    return differences


@pytest.mark.parametrize("path", BIBTEX_FILES, ids=ids_for(BIBTEX_FILES))
def test_biblatex_written_and_read_again_gives_the_same_records(path):
    records = converters.load(path, encoding=encoding(path)).records
    again = converters.loads(converters.dumps(records, "biblatex"), "bibtex").records
    assert _differences(records, again) == [], name_of(path)


CSL_FILES = shared_files("corpus/csl", "*.json")
JATS_FILES = shared_files("corpus/jats", "*.xml", "*.nxml")


RIS_FILES = [p for p in shared_files("corpus/ris", "*") if p.suffix not in (".md", ".tsv")]


@pytest.mark.skipif(not CSL_FILES and not JATS_FILES and not RIS_FILES, reason="../shared/corpus is absent")
@pytest.mark.parametrize("fmt", ["csl-json", "jats", "ris"])
def test_csl_json_jats_and_ris_written_in_their_own_format_give_the_same_records(fmt):
    # (RIS: it found a range whose ends agree, "22-22", read back as "22")
    for path in {"csl-json": CSL_FILES, "jats": JATS_FILES, "ris": RIS_FILES}[fmt]:
        records = converters.load(path, fmt).records
        again = converters.loads(converters.dumps(records, fmt), fmt).records
        assert _differences(records, again) == [], path.name


ARXIV_FILES = [p for p in shared_files("corpus/arxiv", "*") if p.suffix not in (".txt", ".tsv", ".md", ".py")]


@pytest.mark.skipif(not ARXIV_FILES, reason="../shared/corpus/arxiv is absent")
def test_arxiv_files_written_as_csl_json_give_the_same_records():
    compared = 0
    for path in ARXIV_FILES:
        records = converters.load(path).records
        again = converters.loads(converters.dumps(records, "csl-json"), "csl-json").records
        assert _differences(records, again) == [], path.name
        compared += len(records)
    assert compared > 5000
