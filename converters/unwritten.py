"""What a writer does not write of the record's CSL variables, said as losses.

Every writer calls ``report_unwritten`` once a record with the variables it writes, so a
variable a reader learns to fill is never dropped silently.
"""

from __future__ import annotations

from collections.abc import Container
from operator import attrgetter

from .diagnostics import Reporter
from .model import Record

NOTHING: frozenset[str] = frozenset()


def report_unwritten(report: Reporter, record: Record, key: str | None, target: str,
                     written: Container[str] = NOTHING, *, name_details: bool = False) -> None:
    """Report, as dropped, each CSL variable of the record's maps (``variables``, ``names``,
    ``dates``) that the writer does not write (``written``: CSL names), and the names'
    affiliations and ORCID iDs when it does not write those: every writer calls this once
    a record, so a variable a reader learns to fill is never lost silently."""
    if record.variables or record.names or record.dates:
        for kind in (record.variables, record.names, record.dates):
            for name in kind:
                if name not in written:
                    report.lost(key, name, target, record=record)
    if not name_details:
        for detail, get in _DETAILS:  # (map/any/attrgetter: no Python step per name)
            if any(map(get, record.authors)) or any(map(get, record.editors)) or (
                    record.names and any(any(map(get, names)) for names in record.names.values())):
                report.lost(key, f"name {detail}", target, record=record)


_DETAILS = (("affiliation", attrgetter("affiliation")), ("orcid", attrgetter("orcid")))
