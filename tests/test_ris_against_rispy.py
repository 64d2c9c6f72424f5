"""rispy as the judge of our RIS reader, on every RIS file of ../shared/corpus/ris (issue 11).

For each file: the same number of records; per record the same title (white space
collapsed: rispy joins a blank continuation line as a trailing space) and, where rispy
gives authors (AU and A1, blank and "et al." lines aside), the same names with the same
words (our reader splits names into parts and "Smith, J.; Doe, K." into two, so names are
compared as their words). Every disagreement is listed in
known_divergences/ris-rispy.json with both values and a reason; a lost or changed word is
a bug to fix, never an entry there. An entry that no longer holds fails the test too.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

import converters
from converters.model import Name, Record

from .shared import SHARED

CORPUS_DIR = SHARED / "corpus" / "ris"
CORPUS = sorted(p for p in CORPUS_DIR.rglob("*") if p.is_file() and p.suffix != ".json"
                and p.name != "PROVENANCE.txt") if CORPUS_DIR.exists() else []
DIVERGENCES = Path(__file__).parent / "known_divergences" / "ris-rispy.json"
_ETAL = re.compile(r"^et\.?\s*al\.?$", re.IGNORECASE)


def _relative(path: Path) -> str:
    return path.relative_to(CORPUS_DIR).as_posix()


def _collapsed(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def _display(name: Name) -> str:
    return name.literal or " ".join(p for p in (name.given, name.dropping_particle, name.non_dropping_particle,
                                                 name.family, name.suffix) if p)


def _words(names: list[str]) -> Counter:
    return Counter(word for name in names for word in re.findall(r"\w+", name))


def _rispy(path: Path) -> list[dict]:
    import rispy

    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        return rispy.load(handle)


def _disagreements(path: Path) -> list[dict]:
    theirs, ours = _rispy(path), converters.load(path, format="ris").records
    where = {"file": _relative(path)}
    if len(theirs) != len(ours):
        return [{**where, "record": None, "line": None, "field": "count", "rispy": len(theirs), "refconv": len(ours)}]
    found = []
    for index, (their, our) in enumerate(zip(theirs, ours, strict=True)):
        at = {**where, "record": index, "line": our.position.line if our.position else None}
        found.extend({**at, **difference} for difference in _record_disagreements(their, our))
    return found


def _record_disagreements(their: dict, our: Record) -> list[dict]:
    found = []
    their_title = _collapsed(their.get("title") or their.get("primary_title"))
    our_title = _collapsed(our.title.value) if our.title else None
    if their_title != our_title:
        found.append({"field": "title", "rispy": their_title, "refconv": our_title})
    their_names = [n.strip() for n in [*their.get("authors", []), *their.get("first_authors", [])]
                   if n.strip() and not _ETAL.match(n.strip())]
    our_names = [_display(n) for n in our.authors]
    if their_names and (len(their_names) != len(our_names) or _words(their_names) != _words(our_names)):
        found.append({"field": "authors", "rispy": their_names, "refconv": our_names})
    return found


def _listed() -> dict[str, list[dict]]:
    by_file: dict[str, list[dict]] = {}
    for entry in json.loads(DIVERGENCES.read_text(encoding="utf-8")):
        by_file.setdefault(entry["file"], []).append(entry)
    return by_file


@pytest.mark.skipif(not CORPUS, reason=f"{CORPUS_DIR} is absent: the shared corpus is not beside this checkout")
@pytest.mark.parametrize("path", CORPUS, ids=[_relative(p) for p in CORPUS])
def test_ris_reader_agrees_with_rispy_on_records_titles_and_authors(path):
    listed = _listed().get(_relative(path), [])
    assert all(entry["reason"].strip() for entry in listed)
    expected = [{k: v for k, v in entry.items() if k != "reason"} for entry in listed]
    assert _disagreements(path) == expected


def test_every_listed_divergence_names_a_corpus_file():
    if not CORPUS:
        pytest.skip(f"{CORPUS_DIR} is absent: the shared corpus is not beside this checkout")
    assert set(_listed()) <= {_relative(p) for p in CORPUS}
