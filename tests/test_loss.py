"""The loss report says, per record and field, what a target could not carry."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import converters
from converters.cli import main
from converters.loss import LOSS_CODES, loss_report

from . import strategies

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "samples" / "arxiv-listing.txt")


def test_report_groups_losses_by_record_and_totals_them():
    diagnostics: list = []
    converters.dumps(converters.load(SAMPLE).records, "ris", diagnostics=diagnostics)
    report = loss_report(diagnostics, "ris")
    by_key = {r["key"]: r["fields"] for r in report["records"]}
    assert {"field": "arxiv:journal-ref", "status": "dropped"} in by_key["balazs2007calculation"]
    assert {"field": "arxiv:license", "status": "dropped"} in by_key["deepseekai2025deepseekr1"]
    totals = {(t["field"], t["status"]): t["records"] for t in report["totals"]}
    assert totals[("arxiv:journal-ref", "dropped")] == 2


def test_cli_writes_the_report_and_summarises_on_stderr(tmp_path):
    target = tmp_path / "loss.json"
    result = CliRunner().invoke(main, ["convert", SAMPLE, "--to", "ris", "--report", str(target)])
    assert result.exit_code == 0
    report = json.loads(target.read_text(encoding="utf-8"))
    assert report["target"] == "ris" and report["records"]
    assert "arxiv:journal-ref in 2" in _loss_line(result.stderr)


def _loss_line(stderr: str) -> str:
    (line,) = [line for line in stderr.splitlines() if line.startswith("not carried")]
    return line


def test_losses_are_one_line_by_default_with_a_count_per_field_and_the_details_with_verbose(tmp_path):
    """Issue 14: a Crossref record printed 23 'not carried' lines, the quick-start 4."""
    crossref = {"id": "x", "type": "article-journal", "title": "T", "DOI": "10.1000/x", "PMID": "123",
                **{f"crossref-field-{n:02d}": "value" for n in range(23)}}
    source = tmp_path / "crossref.json"
    source.write_text(json.dumps([crossref, crossref | {"id": "y"}]), encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(source), "--to", "ris"])
    assert result.exit_code == 0, result.stderr
    line = _loss_line(result.stderr)
    assert line.startswith("not carried by ris: csl:crossref-field-00 in 2 records, csl:crossref-field-01 in 2, ")
    assert line.endswith(", and 18 more fields (-v or --report FILE.json: which records)")
    verbose = CliRunner().invoke(main, ["convert", str(source), "--to", "ris", "-v"])
    said = [line for line in verbose.stderr.splitlines() if "info: RIS cannot carry 'csl:crossref-field-" in line]
    assert len(said) == 46 and all(line.startswith(f"{source}:") for line in said)
    assert not [line for line in verbose.stderr.splitlines() if line.startswith("not carried")]


def test_csl_json_carries_everything_so_its_report_is_empty(tmp_path):
    target = tmp_path / "loss.json"
    CliRunner().invoke(main, ["convert", SAMPLE, "--to", "csl-json", "--report", str(target)])
    assert json.loads(target.read_text(encoding="utf-8"))["records"] == []


# --- counted instead of kept: the CLI's way when it prints only the totals ----------------


@pytest.mark.parametrize("target", ["ris", "bibtex", "jats", "csl-json"])
def test_a_tally_gives_the_same_totals_as_the_diagnostics_it_replaces(target):
    from converters.api import write_records
    from converters.diagnostics import Reporter
    from converters.loss import LossTally, summary_lines
    from converters.model import Identifiers, Record
    from converters.options import Options

    moved = Record(key="pmid", ids=Identifiers(pmid="12345"))  # RIS moves a PMID to AN
    records = [*converters.load(SAMPLE).records * 3, moved, moved]  # clashing keys too
    kept, counted = Reporter("<out>"), Reporter("<out>", losses=LossTally(examples=2))
    for report in (kept, counted):
        write_records(records, io.StringIO(), target, report, Options())
    assert not [d for d in counted.diagnostics if d.code in LOSS_CODES]
    assert [d for d in kept.diagnostics if d.code not in LOSS_CODES] == counted.diagnostics
    everything = loss_report(kept.diagnostics, target)
    tallied = loss_report(counted.diagnostics, target, [counted.losses])
    assert tallied["totals"] == everything["totals"]
    assert summary_lines(tallied) == summary_lines(everything)
    assert sum(counted.losses.counts.values()) == sum(d.code in LOSS_CODES for d in kept.diagnostics)
    if target == "ris":
        assert counted.losses.counts[("ids.pmid", "moved", "AN (reads back as an accession number)")] == 2
    for group, examples in counted.losses.examples.items():  # the first ones, as they came
        assert examples == [d for d in kept.diagnostics if d.code in LOSS_CODES
                            and (d.field, "moved" if d.code == "write.moved" else "dropped") == group[:2]][:2]


@given(st.lists(strategies.records, max_size=8), st.sampled_from(["ris", "bibtex", "jats"]))
def test_counted_and_kept_losses_summarise_alike(records, target):
    from converters.api import write_records
    from converters.diagnostics import Reporter
    from converters.loss import LossTally, summary_lines
    from converters.options import Options

    kept, counted = Reporter("<out>"), Reporter("<out>", losses=LossTally())
    for report in (kept, counted):
        write_records(records, io.StringIO(), target, report, Options())
    assert summary_lines(loss_report(counted.diagnostics, target, [counted.losses])) == summary_lines(
        loss_report(kept.diagnostics, target))


def test_the_library_still_returns_every_loss():
    diagnostics: list = []
    records = converters.load(SAMPLE).records
    converters.dumps(records, "jats", diagnostics=diagnostics)
    assert sum(d.code == "write.lost" for d in diagnostics) >= len(records)  # every abstract, at least


@pytest.mark.parametrize("target", ["ris", "jats"])
def test_the_cli_summary_is_the_same_counted_or_kept(tmp_path, target):
    def summary(*extra):
        result = CliRunner().invoke(main, ["convert", SAMPLE, "--to", target, *extra])
        assert result.exit_code == 0, result.stderr
        return [line for line in result.stderr.splitlines() if line.startswith("not carried")]

    counted = summary("-o", str(tmp_path / "a.out"))
    kept = summary("-o", str(tmp_path / "b.out"), "--report", str(tmp_path / "loss.json"))  # kept, for the report
    per_input = summary("--out-dir", str(tmp_path / "dir"))
    assert counted and counted == kept == per_input
    assert (tmp_path / "a.out").read_bytes() == (tmp_path / "b.out").read_bytes()
