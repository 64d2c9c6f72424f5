"""Every entry's names in every corpus BibTeX file, split by refconv and by pybtex's name
parser (pybtex.database.Person), each part decoded with the same TeX decoder.

A disagreement is a bug or sits in known_divergences/pybtex-names.json with both values and
its reason; every listed one must still occur, so the list stays true both ways.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from converters.formats.bibtex.mapping import EDITOR_TYPES
from converters.text.tex import tex_to_unicode

from .corpus_oracles import BIBTEX_FILES, encoding, name_of, ours
from .shared import ids_for

KNOWN = Path(__file__).parent / "known_divergences" / "pybtex-names.json"
ROLES = (("author", "authors"), ("editor", "editors"))


def _decoded(parts: list[str]) -> str | None:
    return (tex_to_unicode(" ".join(parts)).replace("\xa0", " ").strip() or None) if parts else None


def _theirs(person) -> list:
    parts = [_decoded(person.first_names + person.middle_names), _decoded(person.prelast_names),
             _decoded(person.last_names), _decoded(person.lineage_names)]
    if not any(parts):  # refconv's documented rule (with a warning): a name that decodes to nothing stays TeX
        parts[2] = str(person)
    return parts


def _mine(name) -> list:
    return [name.given, name.particle, name.literal or name.family, name.suffix]


def _pybtex_entries(path: Path):
    pybtex_errors = pytest.importorskip("pybtex.errors", reason="pybtex (the test extra) is the name oracle")
    from pybtex.database.input.bibtex import Parser

    pybtex_errors.set_strict_mode(False)  # a broken entry is skipped with a warning, the rest is read
    saved = pybtex_errors.print_error
    pybtex_errors.print_error = lambda *args, **kwargs: None  # its warnings are not ours to show
    try:
        return Parser().parse_string(path.read_text(encoding=encoding(path))).entries
    finally:
        pybtex_errors.print_error = saved


def _known() -> dict:
    return json.loads(KNOWN.read_text(encoding="utf-8"))


def divergences(path: Path) -> list[dict]:
    records = ours(path)
    found = []
    for key, entry in _pybtex_entries(path).items():
        record = records.get(key)
        if record is None:
            continue
        for field, slot in ROLES:
            persons = list(entry.persons.get(field, ()))
            if not persons:
                continue  # refconv may have inherited the field through crossref; pybtex does not
            if str(persons[-1]) == "others":  # "and others": refconv's et al. marker
                persons.pop()
            theirs = [_theirs(p) for p in persons]
            people = getattr(record, slot)
            role = EDITOR_TYPES.get(entry.fields.get("editortype", "").strip().lower())
            if field == "editor" and role and not people:  # the CSL role editortype names (organizer)
                people = record.names.get(role, ())
            mine = [_mine(n) for n in people]
            if theirs != mine:
                found.append({"file": name_of(path), "entry": key, "field": field, "ours": mine, "pybtex": theirs})
    return found


@pytest.mark.parametrize("path", BIBTEX_FILES, ids=ids_for(BIBTEX_FILES))
def test_every_name_agrees_with_pybtex_or_is_a_known_divergence(path):
    listed = [d for d in _known()["divergences"] if d["file"] == name_of(path)]
    assert all(d["reason"] for d in listed)
    strip = [{k: v for k, v in d.items() if k != "reason"} for d in listed]
    found = divergences(path)
    new = [d for d in found if d not in strip]
    assert not new, f"names that disagree with pybtex: fix them or explain them in {KNOWN.name}: {new}"
    gone = [d for d in strip if d not in found]
    assert not gone, f"these listed divergences no longer occur, take them out of {KNOWN.name}: {gone}"


def test_the_name_oracle_covers_the_corpus():
    if not BIBTEX_FILES:
        pytest.skip("../shared/corpus/bibtex is absent")
    assert len(BIBTEX_FILES) > 70  # every file, the broken ones included
    assert {d["file"] for d in _known()["divergences"]} <= {name_of(p) for p in BIBTEX_FILES}
