"""The loss report: per record and field, what the target could not carry.

Built from the writers' ``write.lost`` (dropped) and ``write.moved`` (written
elsewhere) diagnostics, so a writer reports a loss once and every consumer (the
JSON report, the stderr summary, the library caller) sees the same facts.

A Reporter given a ``LossTally`` counts its losses there instead of keeping one
diagnostic each (about 1.5 a record for JATS): memory stays flat at any size. The CLI
does that when nothing asks for the losses one by one (``--report``, ``-v``, ``--log
json``); the totals, and so the stderr summary, are the same either way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .diagnostics import Diagnostic

LOSS_CODES = ("write.lost", "write.moved")
_MOVED_TO = re.compile(r"; written to (?P<to>.+)$")


def _entry(diag: Diagnostic) -> dict:
    entry = {"field": diag.field, "status": "moved" if diag.code == "write.moved" else "dropped"}
    match = _MOVED_TO.search(diag.message)
    if match:
        entry["to"] = match["to"]
    return entry


class LossTally:
    """Losses counted per (field, status, where it went), with the first few as examples."""

    def __init__(self, examples: int = 3):
        self.counts: Counter[tuple[str | None, str, str | None]] = Counter()
        self.examples: dict[tuple[str | None, str, str | None], list[Diagnostic]] = {}
        self.keep = examples

    def add(self, diag: Diagnostic) -> None:
        entry = _entry(diag)
        group = (entry["field"], entry["status"], entry.get("to"))
        self.counts[group] += 1
        kept = self.examples.setdefault(group, [])
        if len(kept) < self.keep:
            kept.append(diag)

    def merge(self, other: LossTally) -> None:
        """Add ``other``'s counts (a later part of the same output: its examples come after)."""
        self.counts.update(other.counts)
        for group, examples in other.examples.items():
            kept = self.examples.setdefault(group, [])
            kept.extend(examples[: self.keep - len(kept)])


def loss_report(diagnostics: Iterable[Diagnostic], target: str, tallies: Iterable[LossTally] = ()) -> dict:
    """Per record, the losses among ``diagnostics``; the totals also count the ``tallies``
    (whose losses are counted only, so they have no per-record entries)."""
    records: dict[tuple, dict] = {}
    totals: Counter = Counter()
    for tally in tallies:
        for (field, status, _), count in tally.counts.items():
            totals[(field, status)] += count
    for diag in diagnostics:
        if diag.code not in LOSS_CODES:
            continue
        where = (diag.key, diag.source, diag.line)
        record = records.setdefault(where, {"key": diag.key, "source": diag.source, "line": diag.line, "fields": []})
        entry = _entry(diag)
        record["fields"].append(entry)
        totals[(entry["field"], entry["status"])] += 1
    return {
        "target": target,
        "records": [{k: v for k, v in r.items() if v is not None} for r in records.values()],
        "totals": [{"field": f, "status": s, "records": n} for (f, s), n in sorted(totals.items())],
    }


def summary_lines(report: dict) -> list[str]:
    lines = []
    for total in report["totals"]:
        verb = "moved" if total["status"] == "moved" else "dropped"
        lines.append(f"{report['target']}: '{total['field']}' {verb} in {total['records']} record(s)")
    return lines


def summary_line(report: dict, shown: int = 6) -> str | None:
    """All the losses in one line, the commonest fields first with their record counts (a
    Crossref record alone has some 25 fields no other format carries: one line each was noise).
    ``-v`` and ``--report`` give them record by record."""
    totals = sorted(report["totals"], key=lambda t: (-t["records"], t["field"] or "", t["status"]))
    if not totals:
        return None
    parts = []
    for index, total in enumerate(totals[:shown]):
        moved = " (moved)" if total["status"] == "moved" else ""
        count = f"{total['records']} record{'s' if total['records'] != 1 else ''}" if index == 0 else total["records"]
        parts.append(f"{total['field']}{moved} in {count}")
    more = len(totals) - shown
    listed = ", ".join(parts) + (f", and {more} more field{'s' if more != 1 else ''}" if more > 0 else "")
    return f"not carried by {report['target']}: {listed} (-v or --report FILE.json: which records)"
