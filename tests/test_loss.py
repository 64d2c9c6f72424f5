"""The loss report says, per record and field, what a target could not carry."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import converters
from converters.cli import main
from converters.loss import loss_report

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
    assert "not carried: ris: 'arxiv:journal-ref' dropped in 2 record(s)" in result.stderr


def test_csl_json_carries_everything_so_its_report_is_empty(tmp_path):
    target = tmp_path / "loss.json"
    CliRunner().invoke(main, ["convert", SAMPLE, "--to", "csl-json", "--report", str(target)])
    assert json.loads(target.read_text(encoding="utf-8"))["records"] == []
