"""`-r` chooses the files under a directory by what they hold, and says what it left out.

arXiv's own listings have no extension (`new`, `pastweek`), its metadata snapshot is `.jsonl`;
a collection also holds READMEs, licences and JSON schemas, which are never records.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from converters.batch import expand_inputs
from converters.cli import main

from .shared import shared_files

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = (ROOT / "samples" / "arxiv-listing.txt").read_text(encoding="utf-8")
SNAPSHOT_LINE = json.dumps({"id": "2101.00001", "submitter": "A. Person", "authors": "A. Person",
                            "title": "A title", "abstract": "An abstract.", "update_date": "2021-01-05",
                            "versions": [{"version": "v1", "created": "Mon, 4 Jan 2021 10:00:00 GMT"}],
                            "authors_parsed": [["Person", "A.", ""]]})
BIBTEX = "@article{k1, title={One}, author={Doe, Jane}, year=2020, journal={J}}\n"


def run(*args):
    return CliRunner().invoke(main, list(args))


def _collection(tmp_path: Path) -> Path:
    """A folder as people keep one: records in several shapes, and the files that document them."""
    src = tmp_path / "src"
    (src / "astro-ph").mkdir(parents=True)
    (src / "astro-ph" / "new").write_text(SAMPLE, encoding="utf-8")  # an arXiv listing, no extension
    (src / "snapshot.jsonl").write_text(SNAPSHOT_LINE + "\n", encoding="utf-8")
    (src / "refs.bib").write_text(BIBTEX, encoding="utf-8")
    (src / "README.md").write_text("# My references\n", encoding="utf-8")
    (src / "README.txt").write_text("Notes about the listings.\n", encoding="utf-8")  # a known extension
    (src / "LICENSE").write_text("CC0\n", encoding="utf-8")
    (src / "record.schema.json").write_text('{"$schema": "http://json-schema.org/draft-07/schema#"}',
                                            encoding="utf-8")
    (src / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    (src / ".git").mkdir()
    (src / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return src


def _names(found) -> list[str]:
    return sorted(Path(path).name for path, _ in found)


def _skipped(problems) -> dict[str, str]:
    return {Path(d.source).name: d.message for d in problems if d.code == "batch.skipped"}


def test_recursive_reads_extensionless_listings_and_jsonl_by_their_content(tmp_path):
    found, _ = expand_inputs([str(_collection(tmp_path))], recursive=True)
    assert _names(found) == ["new", "refs.bib", "snapshot.jsonl"]


def test_recursive_never_reads_a_readme_licence_or_schema_and_says_why_each_file_was_skipped(tmp_path):
    _, problems = expand_inputs([str(_collection(tmp_path))], recursive=True)
    skipped = _skipped(problems)
    assert set(skipped) == {"README.md", "README.txt", "LICENSE", "record.schema.json", "photo.png", ".git"}
    for name in ("README.md", "README.txt", "LICENSE", "record.schema.json"):
        assert "README, licence or schema file" in skipped[name]
    assert "binary" in skipped["photo.png"] and "hidden" in skipped[".git"]
    assert all(d.severity == "info" for d in problems)  # a skip is no problem: --strict still passes


def test_recursive_with_from_takes_only_files_whose_content_is_that_format(tmp_path):
    src = _collection(tmp_path)
    (src / "more.txt").write_text(BIBTEX, encoding="utf-8")  # BibTeX under a listing's extension
    found, problems = expand_inputs([str(src)], recursive=True, from_="bibtex")
    assert _names(found) == ["more.txt", "refs.bib"]
    assert _skipped(problems)["new"] == "skipped: content does not look like bibtex"


def test_recursive_conversion_says_how_many_files_it_skipped_and_verbose_says_which(tmp_path):
    src = _collection(tmp_path)
    out = tmp_path / "out"
    result = run("convert", str(src), "-r", "--to", "csl-json", "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "astro-ph/new.json", "refs.json", "snapshot.json"]
    assert "12 of 12 records converted from 3 input(s)" in result.stderr
    assert "6 files under the directories skipped (-v says which and why)" in result.stderr
    verbose = run("convert", str(src), "-r", "--to", "csl-json", "-v")
    assert f"{src / 'README.md'}: info: skipped: a collection's README" in verbose.stderr
    assert f"{src / 'astro-ph' / 'new'}: info: read as arxiv-listing: content looks like arxiv-listing" \
        in verbose.stderr


def test_recursive_reads_arxivs_own_extensionless_new_and_pastweek_listings(tmp_path):
    listings = [p for p in shared_files("corpus/arxiv", "new", "pastweek")][:2]
    if not listings:
        import pytest

        pytest.skip("../shared/corpus/arxiv has no new/pastweek listings")
    src = tmp_path / "src"
    for index, listing in enumerate(listings):
        (src / str(index)).mkdir(parents=True)
        (src / str(index) / listing.name).write_bytes(listing.read_bytes())
    found, problems = expand_inputs([str(src)], recursive=True)
    assert len(found) == len(listings) and _skipped(problems) == {}
