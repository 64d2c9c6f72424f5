"""What a writer does not write of the record's CSL variables, said as losses.

Every writer calls ``report_unwritten`` once a record with the variables it writes, so a
variable a reader learns to fill is never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Container
from operator import attrgetter

from .diagnostics import Reporter
from .model import Record, Syntax

NOTHING: frozenset[str] = frozenset()


def report_unwritten(report: Reporter, record: Record, key: str | None, target: str,
                     written: Container[str] = NOTHING, *, name_details: bool | Container[str] = False) -> None:
    """Report, as dropped, each CSL variable of the record's maps (``variables``, ``names``,
    ``dates``) that the writer does not write (``written``: CSL names), and the names'
    affiliations and ORCID iDs when it does not write those (``name_details``: True, both
    written, or the ones written, ``{"affiliation"}``): every writer calls this once a
    record, so a variable a reader learns to fill is never lost silently."""
    if record.variables or record.names or record.dates:
        for kind in (record.variables, record.names, record.dates):
            for name in kind:
                if name not in written:
                    report.lost(key, name, target, record=record)
    if name_details is not True:
        for detail, get in _DETAILS:  # (map/any/attrgetter: no Python step per name)
            if name_details and detail in name_details:
                continue
            if any(map(get, record.authors)) or any(map(get, record.editors)) or (
                    record.names and any(any(map(get, names)) for names in record.names.values())):
                report.lost(key, f"name {detail}", target, record=record)


_DETAILS = (("affiliation", attrgetter("affiliation")), ("orcid", attrgetter("orcid")))

_TEXT_SLOTS = ("title", "container_title", "abstract", "note")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def report_line_breaks(report: Reporter, record: Record, key: str | None, target: str, *,
                       paragraphs: bool | Container[str], unwritten: Container[str] = NOTHING) -> None:
    """Report the text values whose line breaks the target turns into spaces: every break, or,
    in the fields ``paragraphs`` names (True: all), those within a paragraph (the writer keeps
    paragraphs there, as JATS front matter's abstract, or reports them itself, as the BibTeX
    writer's last guard does for every field). Text read from TeX is left alone: a line break
    there was white space already. ``unwritten``: fields the writer reports as dropped anyway."""
    values = [(slot, getattr(record, slot)) for slot in _TEXT_SLOTS]
    values.extend(record.variables.items())
    for path, text in values:
        if path in unwritten or text is None or text.syntax in _TEX or (
                "\n" not in text.value and "\r" not in text.value):
            continue
        kept = paragraphs is True or (paragraphs is not False and path in paragraphs)
        pieces = _PARAGRAPH_BREAK.split(text.value.strip()) if kept else [text.value.strip()]
        if any(len(piece.strip().splitlines()) > 1 for piece in pieces):
            report.lost(key, path, target, record=record, value="its line breaks")


_TEX = frozenset((Syntax.TEX, Syntax.BIBTEX))
