"""arXiv .abs metadata rendered as listing records: real records for the listing tests and the benchmark.

An independent, minimal .abs parser (not refconv's), so reading the rendered listing back
with refconv checks refconv against what the .abs says.
"""

from __future__ import annotations

import email.utils
import re
from datetime import date
from pathlib import Path
from typing import NamedTuple

_ABS_FIELD = re.compile(r"^(?P<key>[A-Z][A-Za-z-]*(?: \(revised v\d+\))?):\s*(?P<value>.*)$")


def parse_abs(path: Path) -> dict | None:
    """Header fields and the abstract of one .abs file."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    parts = text.split("\\\\")
    if len(parts) < 3:
        return None
    header, abstract = parts[1], parts[2]
    fields: dict[str, str] = {}
    last = None
    for line in header.splitlines():
        if line.startswith((" ", "\t")) and last:
            fields[last] += " " + line.strip()
            continue
        match = _ABS_FIELD.match(line.strip())
        if match and match["key"] not in fields:
            last = match["key"]
            fields[last] = match["value"].strip()
        elif line.startswith(("arXiv:", "Paper:")):
            fields["id"] = line.split(":", 1)[1].strip()
    fields["abstract"] = " ".join(abstract.split())
    return fields


class Rendered(NamedTuple):
    body: str  # the paragraphs before the arXiv line
    tail: str  # what follows the id: " - doi: ...", Journal-ref, Created
    created: date
    title: str
    authors: str
    comments: str | None

    def text(self, arxiv_id: str) -> str:
        return f"{self.body}\n\narXiv:{arxiv_id}{self.tail}"


def render_abs(fields: dict) -> Rendered | None:
    """One listing record, or None when the .abs lacks an id, date, title or abstract."""
    if "id" not in fields or "Date" not in fields or not fields["abstract"] or "Title" not in fields:
        return None
    created = email.utils.parsedate_to_datetime(re.sub(r"\s*\(.*$", "", fields["Date"])).date()
    authors = re.sub(r"\([^()]*(\([^()]*\)[^()]*)*\)", "", fields.get("Authors", "")).replace("  ", " ").strip(" ,")
    authors = re.sub(r"\s*,\s*", ", ", authors)
    title = " ".join(fields["Title"].split())
    comments = " ".join(fields["Comments"].split()) if fields.get("Comments") else None
    paragraphs = [f"{title}\n{authors}"] if authors else []
    paragraphs.append(fields["abstract"])
    if comments:
        paragraphs.append(comments)
    tail = ""
    if fields.get("DOI"):
        tail += f" - doi: {fields['DOI']}"
    if fields.get("Journal-ref"):
        tail += f"\nJournal-ref: {' '.join(fields['Journal-ref'].split())}"
    tail += f"\nCreated: {created.isoformat()}"
    return Rendered("\n\n".join(paragraphs), tail, created, title, authors, comments)
