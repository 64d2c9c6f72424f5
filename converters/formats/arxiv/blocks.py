"""The ``\\\\``-delimited record blocks of ``.abs`` files and the plain-text listings.

One block::

    \\\\
    arXiv:0704.0001                      (or "Paper: hep-th/9709111", "... (*cross-listing*)")
    From: Name <scrambled e-mail>
    Date: Mon, 2 Apr 2007 19:18:42 GMT   (443kb)
    Date (revised v2): Tue, 24 Jul 2007 20:10:27 GMT   (370kb)
                                         ("replaced with revised version DATE" in mailings)
    Title: ...
      indented continuation lines
    Authors: ...
    Categories: hep-ph
    ...
    \\\\
      Abstract, TeX, an indented line starts a paragraph
    \\\\                                 (mailings: "\\\\ ( https://arxiv.org/abs/ID ,  5650kb)")

Monthly listings have no abstract (the block ends at the ``-----`` line after the
header's ``\\\\``). Daily mailings mark cross-lists (``%-%-%-``), replacements
(``%%--%%--``) and their end (``%%%---``). The scanner streams: one block at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ...diagnostics import Reporter
from ...model import Record
from ..sniff import ID_LINE
from .authors import parse_author_string
from .common import Draft, build, parse_rfc2822, split_categories

_HEADER = re.compile(r"^(?P<key>[A-Za-z][A-Za-z-]*(?: \([^)]*\))?):\s?(?P<value>.*)$")
_REVISED = re.compile(r"^Date \(revised(?: v(?P<n>\d+))?\)$")
_REPLACED = re.compile(r"^replaced with revised version\s+(?P<date>.*)$")
_DASHES = re.compile(r"^-{10,}\s*$")
_CLOSING_LINK = re.compile(r"^\\\\ \(\s*https?://")  # a mailing's \\ ( https://arxiv.org/abs/ID ,  5650kb)
_SECTIONS = (("%%%---", "end"), ("%%--%%", "replacement"), ("%-%-%-", "cross-list"))
_EMAIL = re.compile(r"<[^>]*>|\S+@\S+")

Line = tuple[int, str]


@dataclass
class Block:
    """The lines of one record."""

    id_line: Line
    id_match: re.Match[str]  # ID_LINE's match of it
    section: str  # new | cross-list | replacement
    headers: list[tuple[int, str, list[str]]] = field(default_factory=list)  # (line, key, value lines)
    abstract: list[str] = field(default_factory=list)
    stray: list[Line] = field(default_factory=list)
    replaced: Line | None = None
    closed: bool = False  # its last line has been seen
    in_abstract: bool = False


def _lines(stream: Iterable[str]) -> Iterator[Line]:
    for number, raw in enumerate(stream, 1):
        line = raw.rstrip("\r\n")
        yield number, (line.lstrip("\ufeff") if number == 1 else line)


def _section(line: str) -> str | None:
    for marker, name in _SECTIONS:
        if line.startswith(marker):
            return name
    return None


def scan(stream: Iterable[str], report: Reporter, code: str) -> Iterator[Block]:
    """Yield the record blocks of a file, skipping preambles and separators."""
    section = "new"
    block: Block | None = None
    pending: list[str] | None = None  # a \\ line in an abstract, and blank lines after it
    for number, line in _lines(stream):
        marker = _section(line)
        if block is not None and pending is not None:
            if not line.strip():
                pending.append(line)
                continue
            if not (_DASHES.match(line) or marker or line.startswith("\\\\") or ID_LINE.match(line)):
                block.abstract.extend(pending)  # text goes on: the line was TeX's line break
                pending = None
            else:  # the abstract ended there
                block.closed = True
                yield block
                block = pending = None
        if block is None:
            if marker:
                section = "new" if marker == "end" else marker
                continue
            match = ID_LINE.match(line)
            if match:
                block = Block((number, line), match, section)
            continue
        if block.in_abstract:
            if line.startswith("\\\\") and not _CLOSING_LINK.match(line):
                pending = [line]  # the end, unless more abstract follows (2103.11058's align has \\ lines)
            elif line.startswith("\\\\") or _DASHES.match(line) or marker:
                block.closed = True
                yield block
                block = None
                if marker:
                    section = "new" if marker == "end" else marker
            else:
                block.abstract.append(line)
            continue
        if match := ID_LINE.match(line):  # a new record: the previous one never closed, or was an id alone
            if block.headers or block.replaced:
                report.warning(f"{code}.unclosed", "record has no '\\\\' line before the next record",
                               line=number, key=_key(block))
            yield block
            block = Block((number, line), match, section)
            continue
        _header_line(block, number, line, marker)
        if marker:
            section = "new" if marker == "end" else marker
        if block.closed:
            yield block
            block = None
    if block is not None:
        if pending is not None:
            block.closed = True
        elif any(text.strip() for text in block.abstract):
            report.warning(f"{code}.unclosed", "the last record's abstract has no closing '\\\\' line",
                           line=block.id_line[0], key=_key(block),
                           hint="the file may have been cut short; the abstract is kept")
        yield block


def _header_line(block: Block, number: int, line: str, marker: str | None) -> None:
    """Add one header-area line to the block; mark the block closed when the line ends it."""
    if line.startswith("\\\\"):
        rest = line[2:].strip()
        if rest.startswith("-") or rest.startswith("("):  # "\\-----": the block ends here
            block.closed = True
        else:
            block.in_abstract = True
        return
    if _DASHES.match(line) or marker:
        block.closed = True
        return
    if not line.strip():
        return
    if line[:1].isspace():
        if block.headers:
            block.headers[-1][2].append(line)
        else:
            block.stray.append((number, line))
        return
    replaced = _REPLACED.match(line)
    if replaced:
        block.replaced = (number, replaced["date"])
        return
    header = _HEADER.match(line)
    if header:
        block.headers.append((number, header["key"], [header["value"]]))
    else:
        block.stray.append((number, line))


def _key(block: Block) -> str:
    match = block.id_match
    return f"arXiv:{match['new'] or match['old']}"


# --- block -> record ----------------------------------------------------------------------


def to_record(block: Block, report: Reporter, code: str) -> Record | None:
    match = block.id_match
    draft = Draft(line=block.id_line[0], raw_id=match["new"] or match["old"])
    draft.lines["id"] = block.id_line[0]
    if match["cross1"] or match["cross2"] or block.section == "cross-list":
        draft.add_extra("announcement", "cross-list")
    for number, key, values in block.headers:
        _apply_header(draft, number, key, values, report, code)
    if block.replaced:
        _apply_replaced(draft, block.replaced[1])
    if block.abstract:
        draft.abstract = "\n".join(block.abstract)
    if not (block.headers or block.replaced or block.abstract):
        draft.id_only = True  # a list of ids: the record is the id
    for number, text in block.stray:
        report.warning(f"{code}.stray-text", f"unexpected line in the record header: '{text.strip()[:60]}'",
                       line=number, key=draft.key, hint="kept in extras['arxiv:unparsed']")
        draft.add_extra("unparsed", text.strip())
    return build(draft, report, code)


def _apply_header(draft: Draft, number: int, key: str, values: list[str], report: Reporter, code: str) -> None:
    raw = "\n".join(values)
    value = " ".join(raw.split())
    name = key.lower()
    draft.lines.setdefault(name, number)
    revised = _REVISED.match(key)
    if name == "date" or revised:
        _apply_date(draft, number, value, revised, report, code)
    elif name == "from":
        submitter = " ".join(_EMAIL.sub(" ", value).split())  # scrambled e-mails never kept
        if submitter:
            draft.add_extra("submitter", submitter)
    elif name == "title":
        draft.title = raw
    elif name == "authors":
        parsed = parse_author_string(raw)
        draft.authors, draft.authors_etal, draft.affiliations = parsed.names, parsed.etal, parsed.affiliations
        for problem in parsed.problems:
            report.warning(f"{code}.authors", problem, line=number, key=draft.key, field="authors")
    elif name == "categories":
        draft.categories = split_categories(value)
    elif name == "comments":
        draft.comments = raw
    elif name == "report-no":
        draft.report_no = value
    elif name == "journal-ref":
        draft.journal_ref = raw
    elif name == "doi":
        draft.dois.append(value)
    else:
        draft.add_extra(name, value)


def _apply_date(draft: Draft, number: int, value: str, revised: re.Match | None, report: Reporter,
                code: str) -> None:
    parsed = parse_rfc2822(value)
    if parsed is None:
        report.warning(f"{code}.bad-date", f"cannot read the date '{value}'; kept in extras", line=number,
                       key=draft.key, field="issued")
        draft.add_extra("date", value)
        return
    day, stamp = parsed
    if revised is None:
        if draft.submitted is None:
            draft.submitted = day
            draft.versions.append((1, stamp))
            draft.version = draft.version or 1
        return
    n = int(revised["n"]) if revised["n"] else len(draft.versions) + 1
    draft.versions.append((n, stamp))
    draft.version = max(draft.version or 1, n)


def _apply_replaced(draft: Draft, value: str) -> None:
    """A mailing's replacement gives the new version's date, not v1's, nor its number."""
    draft.add_extra("announcement", "replacement")
    parsed = parse_rfc2822(value)
    draft.add_extra("replaced", parsed[1] if parsed else value)
