"""biblatex-examples.bib -> CSL-JSON, compared field by field with pandoc at test time.

Every disagreement is listed with its reason in known_divergences/pandoc-biblatex-examples.json,
and every listed one must still occur, so the list stays true in both directions.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

import converters

from .shared import shared_path

KNOWN = Path(__file__).parent / "known_divergences" / "pandoc-biblatex-examples.json"


def _normal(value):
    """Compare content, not presentation: markup tags, typographic apostrophes and spacing."""
    if isinstance(value, str):
        value = re.sub(r"</?(span|i|b|sup|sub)[^>]*>", "", value).replace("’", "'").replace("‘", "'")
        return " ".join(unicodedata.normalize("NFC", value).split())
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def both():
    pypandoc = pytest.importorskip("pypandoc", reason="pypandoc-binary (the test extra) ships pandoc")
    source = shared_path("corpus", "bibtex", "texlive", "biblatex-examples.bib")
    done = subprocess.run([pypandoc.get_pandoc_path(), "-f", "biblatex", "-t", "csljson", str(source)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    theirs = {item["id"]: item for item in json.loads(done.stdout)}
    ours = {item["id"]: item for item in json.loads(converters.dumps(converters.load(source).records, "csl-json"))}
    return theirs, ours


def test_every_disagreement_with_pandoc_is_known_and_explained(both):
    theirs, ours = both
    found: dict[str, set[str]] = {}
    for key in set(theirs) & set(ours):
        for field in (set(theirs[key]) | set(ours[key])) - {"id", "custom"}:
            if _normal(theirs[key].get(field)) != _normal(ours[key].get(field)):
                found.setdefault(field, set()).add(key)
    known = json.loads(KNOWN.read_text(encoding="utf-8"))
    listed = {field: set(entry["ids"]) for field, entry in known["fields"].items()}
    assert all(entry["reason"] for entry in known["fields"].values())
    unexplained = {f: sorted(ids - listed.get(f, set())) for f, ids in found.items() if ids - listed.get(f, set())}
    assert not unexplained, f"new disagreements with pandoc, explain them in {KNOWN.name}: {unexplained}"
    gone = {f: sorted(ids - found.get(f, set())) for f, ids in listed.items() if ids - found.get(f, set())}
    assert not gone, f"these listed disagreements no longer occur, take them out of {KNOWN.name}: {gone}"
    assert sorted(set(theirs) - set(ours)) == known["items only pandoc writes"]["ids"]
    assert not set(ours) - set(theirs)


def test_the_fields_both_write_agree_for_most_items(both):
    """The bulk agrees: authors, dates, identifiers, pages, publishers."""
    theirs, ours = both
    for field in ("issued", "page", "ISBN", "ISSN", "editor", "volume", "issue", "edition"):
        same = sum(_normal(theirs[k].get(field)) == _normal(ours[k].get(field)) for k in ours)
        assert same >= len(ours) - 2, f"{field}: {len(ours) - same} items differ"
