"""The plain-text arXiv listing.

Per record, paragraphs separated by blank lines::

    Title line                      } optional header: a title line immediately
    Author, Author, Author          } followed by a comma-separated author line
    <blank>
    Abstract paragraph (TeX), possibly wrapped over several lines
    <blank>
    Optional comments paragraph ("13 pages, 5 figures")
    <blank>
    arXiv:ID[vN][ - doi: DOI [DOI ...]]
    [Key: value trailer lines]
    Created: YYYY-MM-DD

``Created:`` closes a record. The reader streams: it holds one record's lines at a
time. How paragraphs are told apart (the header is a two-line first paragraph whose
second line reads as a list of names; after the abstract, a last paragraph is the
comments) is documented in the README.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from ..diagnostics import Reporter
from ..model import Date, Record
from ..options import Options
from ..text.ids import ArxivIdError, is_doi, parse_arxiv_id, strip_doi
from ..text.names import is_organisation, split_display_name
from ..text.tex import has_tex
from .arxiv.authors import SplitAuthors, has_no_letters, split_author_string
from .arxiv.common import Draft, build, split_dois
from .sniff import arxiv_listing as detect  # noqa: F401 (the format's detector, re-exported)

NAME = "arxiv-listing"

_ARXIV_LINE = re.compile(r"^arXiv:(?P<id>\S*)(?P<rest>.*)$")
_DOI_TAIL = re.compile(r"^\s+-\s+doi:\s*(?P<dois>.*)$", re.I)
_CREATED = re.compile(r"^Created:\s*(?P<date>.*?)\s*$")
_TRAILER = re.compile(r"^(?P<key>[A-Z][A-Za-z]*(?:[- ][A-Za-z]+)*):\s*(?P<value>.*)$")
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")

Line = tuple[int, str]



@dataclass
class _Block:
    """The lines of one record, grouped into paragraphs."""

    paragraphs: list[list[Line]] = field(default_factory=list)
    current: list[Line] = field(default_factory=list)
    arxiv_para: int | None = None  # index of the paragraph holding the arXiv: line
    id_line: int | None = None  # its number

    def end_paragraph(self) -> None:
        if self.current:
            self.paragraphs.append(self.current)
            self.current = []

    @property
    def empty(self) -> bool:
        return not self.paragraphs and not self.current

    @property
    def first_line(self) -> int:
        return (self.paragraphs[0] if self.paragraphs else self.current)[0][0]


def _lines(stream: TextIO | Iterable[str]) -> Iterator[Line]:
    """(number, line) without the line end, trailing white space or a BOM at the start.

    Built from C iterators (map, enumerate, chain), not a generator: a Python step per
    line was a tenth of the reader's time."""
    start = getattr(stream, "first_line", 1)  # a block of a larger file (split.py) numbers on from its place
    lines = map(str.rstrip, stream)
    first = next(lines, None)
    if first is None:
        return iter(())
    return itertools.chain([(start, first.lstrip("\ufeff"))], enumerate(lines, start + 1))


def read(stream: TextIO | Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    block = _Block()
    # An arXiv: line that starts a paragraph, or follows the record's id, is an id. One inside a
    # paragraph before any id may be an abstract wrapped before a reference ("... as in\narXiv:
    # 2101.00001 for ..."): it is text if text follows it in its paragraph, or if another arXiv:
    # line comes before Created:.
    candidate: Line | None = None
    followed = False  # by text in its paragraph
    alone: int | None = None  # the paragraph it was set apart in, when it ended one
    # The per-line work is kept inline (no method calls) and tests a line's prefix before
    # the anchored patterns: most lines are abstract text that fails both at once.
    for entry in _lines(stream):
        line = entry[1]
        if not line:  # blank: _lines removed trailing white space
            if candidate is not None and alone is None:
                if followed:
                    candidate = None
                else:  # set apart: the id, if Created: comes first
                    block.current.pop()
                    block.end_paragraph()
                    block.current.append(candidate)
                    alone = len(block.paragraphs)
            block.end_paragraph()
            continue
        if line.startswith("arXiv:") and _ARXIV_LINE.match(line):
            if candidate is not None:  # it was text
                if alone is not None:
                    block.paragraphs[alone - 1].extend(block.paragraphs.pop(alone))
                candidate = alone = None
            if block.current and block.arxiv_para is None:
                candidate, followed = entry, False
            else:
                block = _take_id(block, entry[0], report)
        elif candidate is not None and alone is None:
            followed = True
        block.current.append(entry)
        if line.startswith("Created:") and _CREATED.match(line):
            if candidate is not None:
                block = _take_id(block, candidate[0], report, alone)
                candidate = alone = None
            block.end_paragraph()
            record = _parse(block, report)
            if record is not None:
                yield record
            block = _Block()
    if candidate is not None:
        block = _take_id(block, candidate[0], report, alone)
    block.end_paragraph()
    if not block.empty:
        report.error(
            "listing.truncated",
            "input ends inside a record (no 'Created:' line closes it)",
            line=block.first_line, key=_id_of(block),
            hint="the file may have been cut short",
        )


def _take_id(block: _Block, number: int, report: Reporter, paragraph: int | None = None) -> _Block:
    """The block once line ``number`` is known to be a record's arXiv: line (the next record's,
    if the block already had one): in the current paragraph, or in ``paragraph`` where a
    doubtful line was set apart (a block with no id yet)."""
    if block.arxiv_para is not None:
        block = _close_unfinished(block, block.arxiv_para, report)
    block.arxiv_para = len(block.paragraphs) if paragraph is None else paragraph
    block.id_line = number
    return block


def _close_unfinished(block: _Block, arxiv_para: int, report: Reporter) -> _Block:
    """A second arXiv: line before any Created: the previous record never closed.
    Report it; return a block of the paragraphs after that record's arXiv: line (its
    paragraph arxiv_para)."""
    block.end_paragraph()
    done = _Block(block.paragraphs[: arxiv_para + 1], arxiv_para=arxiv_para, id_line=block.id_line)
    report.error(
        "listing.missing-created",
        "record has no 'Created: YYYY-MM-DD' line before the next record's arXiv: line",
        line=done.paragraphs[-1][-1][0], key=_id_of(done),
        hint=f"add 'Created:' after line {done.paragraphs[-1][-1][0]}",
    )
    return _Block(block.paragraphs[arxiv_para + 1 :])


def _id_of(block: _Block) -> str | None:
    if block.arxiv_para is None:
        return None
    for number, text in block.paragraphs[block.arxiv_para]:
        match = _ARXIV_LINE.match(text) if number == block.id_line else None
        if match:
            return f"arXiv:{match['id']}"
    return None


def _parse(block: _Block, report: Reporter) -> Record | None:
    """The record of one block: this module reads the layout into a Draft, and the builder
    every arXiv reader shares makes the record (so a paper read from its listing and from
    its .abs or snapshot record comes out the same)."""
    key = _id_of(block)  # a diagnostic names its own record, never the one before
    if block.arxiv_para is None:
        report.error("listing.missing-id", "record has no 'arXiv:ID' line", line=block.first_line,
                     hint="each record ends with 'arXiv:ID' then 'Created: YYYY-MM-DD'")
        return None
    errors_before = report.failed
    content = block.paragraphs[: block.arxiv_para]
    trailer_lines = [line for para in block.paragraphs[block.arxiv_para :] for line in para]
    # lines before the arXiv: line in its own paragraph are content, not trailer
    if trailer_lines and trailer_lines[0][0] != block.id_line:
        content.append([])
        while trailer_lines and trailer_lines[0][0] != block.id_line:
            content[-1].append(trailer_lines.pop(0))

    draft = Draft(line=block.first_line, checked_dois=True, title_optional=True)
    _parse_trailer(trailer_lines, draft, report, key)
    _parse_content(content, draft, report, key)
    if report.failed > errors_before or draft.raw_id is None:
        return None
    return build(draft, report, "listing")


def _parse_trailer(lines: list[Line], draft: Draft, report: Reporter, key: str | None) -> None:
    trailer_comments: list[str] = []
    seen_id = False
    for number, text in lines:
        match = _ARXIV_LINE.match(text) if text.startswith("arXiv:") else None
        if match and not seen_id:
            seen_id = True
            try:
                draft.parsed_id = parse_arxiv_id(match["id"])  # reported here, with its column
            except ArxivIdError as exc:
                report.error("listing.bad-id", str(exc), line=number, column=7, key=key)
                continue
            draft.raw_id = match["id"]
            draft.lines["id"] = number
            rest = match["rest"]
            if rest.strip():
                doi_match = _DOI_TAIL.match(rest)
                if doi_match and doi_match["dois"].strip():
                    draft.dois.extend(_dois(doi_match["dois"], number, len(text) - len(rest) + 1, report, key))
                    draft.lines.setdefault("doi", number)
                else:
                    report.warning("listing.stray-text", f"unexpected text after the arXiv id: '{rest.strip()}'",
                                   line=number, column=len(text) - len(rest) + 1, key=key,
                                   hint="expected ' - doi: DOI'; the text is kept in extras")
                    draft.add_extra("unparsed", rest.strip())
            continue
        match = _CREATED.match(text) if text.startswith("Created:") else None
        if match:
            try:
                day = dt.date.fromisoformat(match["date"]) if _ISO_DAY.fullmatch(match["date"]) else None
            except ValueError:
                day = None
            if day is None:
                report.error("listing.bad-date",
                             f"bad Created date '{match['date']}': expected a real calendar date YYYY-MM-DD",
                             line=number, column=match.start("date") + 1, key=key)
            else:
                draft.submitted = Date(day.year, day.month, day.day)
            continue
        match = _TRAILER.match(text)
        if match:
            name = match["key"].lower().replace(" ", "-")
            value = match["value"].strip()
            if name == "categories":
                draft.categories = list(dict.fromkeys(value.split()))
            elif name == "doi":
                draft.dois.extend(_dois(value, number, len(text) - len(match["value"]) + 1, report, key))
                draft.lines.setdefault("doi", number)
            elif name == "report-no":
                draft.report_no = value
            elif name == "comments":
                trailer_comments.append(value)
            elif name == "journal-ref" and draft.journal_ref is None:
                draft.journal_ref = value
                draft.lines["journal-ref"] = number
            else:
                draft.add_extra(name, value)
            continue
        report.warning("listing.stray-text", f"unexpected line in the record trailer: '{text[:60]}'",
                       line=number, column=1, key=key,
                       hint="trailer lines are 'arXiv:ID', 'Key: value' and 'Created: YYYY-MM-DD'; "
                            "the text is kept in extras")
        draft.add_extra("unparsed", text)
    if trailer_comments:
        draft.comments = "; ".join(trailer_comments)


def _dois(text: str, line: int, column: int, report: Reporter, key: str | None) -> list[str]:
    out = []
    for token, offset in split_dois(text):
        doi = strip_doi(token)
        if not is_doi(doi):
            report.warning("listing.bad-doi", f"'{token}' does not look like a DOI (10.NNNN/suffix); kept as given",
                           line=line, column=column + offset, key=key)
        out.append(doi)
    return out


# An author line may end with a full stop only after "et al." or a suffix ("Heath, Jr.").
_NAME_LINE_END = re.compile(r"(?:\bet\.?\s*al|[,\s](?:jr|sr))\.$", re.I)
_MAX_NAME_WORDS = 6  # longer entries are an organisation ("for the ... collaboration ...") or prose


def _author_line(text: str) -> SplitAuthors | None:
    """The entries of a line that reads as an author list, else None. Returned (not only
    tested) because splitting a 3,000-author collaboration line is the reader's biggest
    cost: _authors() reuses the split."""
    text = text.rstrip()
    full_stop = text.endswith(".")
    if full_stop and _NAME_LINE_END.search(text) is None:
        return None
    split = split_author_string(text)
    if not split.names:
        return None
    if full_stop and not all(name[:1].isupper() or name[:1] in "\\{" for name in split.names):
        return None  # "... as shown by Smith et al.": a sentence, not names
    words = list(map(len, map(str.split, split.names)))  # (no Python step per name)
    if max(words) > _MAX_NAME_WORDS and not all(
            is_organisation(name) for name, n in zip(split.names, words, strict=True) if n > _MAX_NAME_WORDS):
        return None
    return split


def _parse_content(paragraphs: list[list[Line]], draft: Draft, report: Reporter, key: str | None) -> None:
    split = None
    if len(paragraphs) >= 2 and len(paragraphs[0]) == 2:
        split = _author_line(paragraphs[0][1][1])
    if split is not None:
        (title_line, title), (author_line, authors) = paragraphs[0]
        draft.title = title.strip()
        draft.lines["title"] = title_line
        _authors(split, authors, author_line, draft, report, key)
        paragraphs = paragraphs[1:]
    if not paragraphs:
        report.warning("listing.no-abstract", "record has no abstract paragraph", key=key)
        return
    draft.abstract = _unwrap(paragraphs[0])
    if len(paragraphs) >= 2:
        comments = _unwrap(paragraphs[-1])  # before the trailer's Comments: line, when there is one
        draft.comments = f"{comments}; {draft.comments}" if draft.comments else comments
    if len(paragraphs) > 2:
        middle = paragraphs[1:-1]
        report.warning(
            "listing.extra-paragraphs",
            f"{len(paragraphs)} paragraphs between header and trailer; the middle {len(middle)} are taken as "
            "more abstract",
            line=middle[0][0][0], key=key, hint="the layout has one abstract and at most one comments paragraph",
        )
        draft.abstract = "\n\n".join(_unwrap(p) for p in paragraphs[:-1])


def _authors(split: SplitAuthors, line: str, number: int, draft: Draft, report: Reporter, key: str | None) -> None:
    """Names, et al and affiliations from the author line, already split into ``split``."""
    decode = has_tex(line)  # each name is a piece of the line: no TeX in it, none in them
    for index, text in enumerate(split.names):
        if has_no_letters(text, decode):  # e.g. a stray TeX line break "\\"
            report.warning("listing.empty-name", f"author entry '{text}' has no letters; skipped",
                           line=number, column=line.find(text) + 1, key=key)
            continue
        name = split_display_name(text)
        draft.authors.append(name)
        if index in split.affiliations:
            draft.affiliations.append((name.display(), split.affiliations[index]))
    for problem in split.problems:
        report.warning("listing.authors", problem, line=number, key=key, field="authors")
    draft.authors_etal = split.etal
    draft.author_text = line
    draft.lines["authors"] = number


def _unwrap(paragraph: list[Line]) -> str:
    return " ".join(text.strip() for _, text in paragraph)
