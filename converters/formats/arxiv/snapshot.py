"""``arxiv-json``: lines of the arXiv metadata snapshot (Kaggle ``arxiv-metadata-oai-snapshot.json``).

One JSON object per line: ``id``, ``submitter``, ``authors`` (the TeX string),
``authors_parsed`` (``[family, given, suffix, affiliation...]``, already Unicode),
``title``, ``comments``, ``journal-ref``, ``doi`` (several DOIs space-separated),
``report-no``, ``categories``, ``license``, ``abstract``, ``versions``
(``[{"version": "v1", "created": RFC 2822 date}, ...]``) and ``update_date``.

Names come from ``authors_parsed`` (organisations stay literal, as the display-name
splitter decides); "et al" and affiliations from the author string, parsed as in
``.abs`` files. A line that is not a JSON object is an error with its line number;
the other lines convert.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from ...diagnostics import Reporter
from ...model import Record
from ...options import Options
from ...textio import TOO_DEEP, vet_json
from ..sniff import arxiv_json as detect  # noqa: F401 (the format's detector, re-exported)
from .authors import name_from_parts, parse_author_string
from .common import Draft, build, parse_rfc2822, split_categories

NAME = "arxiv-json"
CODE = "arxiv-json"

_ID = re.compile(r'"id"\s*:\s*"([^"]+)"')
_TEXT_FIELDS = {"title": "title", "abstract": "abstract", "comments": "comments", "journal-ref": "journal_ref",
                "report-no": "report_no"}
_STRUCTURED = {"id", "authors", "authors_parsed", "categories", "doi", "versions", "update_date", "submitter",
               *_TEXT_FIELDS}



def read(stream: Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    # a block of a larger file (split.py) numbers on from its place
    for number, line in enumerate(stream, getattr(stream, "first_line", 1)):
        text = line.strip().lstrip("\ufeff")
        if not text:
            continue
        data = _load(text, number, report)
        if data is None:
            continue
        record = build(_draft(data, number, report), report, CODE)
        if record is not None:
            yield record


def _load(text: str, number: int, report: Reporter) -> dict | None:
    found = _ID.search(text)  # name the paper, even if the line is broken
    key = f"arXiv:{found[1]}" if found else None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        report.error(f"{CODE}.bad-line", f"not valid JSON: {exc.msg}", line=number, column=exc.colno,
                     key=key, hint="each line must be one JSON object")
        return None
    except RecursionError:
        report.error(f"{CODE}.bad-line", TOO_DEEP, line=number, column=1, key=key)
        return None
    data, problem = vet_json(data, text)
    if problem is not None:
        where = {"line": number, "column": (problem.offset or 0) + 1, "key": key}
        if problem.fatal:
            report.error(f"{CODE}.bad-line", problem.message, **where)
            return None
        report.warning(f"{CODE}.surrogate", problem.message, **where)
    if not isinstance(data, dict):
        report.error(f"{CODE}.bad-line", f"expected a JSON object, got {type(data).__name__}", line=number)
        return None
    return data


def _str(data: dict, name: str, draft: Draft, report: Reporter) -> str | None:
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    report.warning(f"{CODE}.bad-value", f"'{name}' should be a string, got {type(value).__name__}; ignored",
                   line=draft.line, key=draft.key, field=name)
    return None


def _draft(data: dict, number: int, report: Reporter) -> Draft:
    raw_id = data.get("id")
    draft = Draft(line=number, raw_id=str(raw_id).strip() if raw_id is not None else None)
    for name, attribute in _TEXT_FIELDS.items():
        setattr(draft, attribute, _str(data, name, draft, report))
    draft.categories = split_categories(_str(data, "categories", draft, report))
    doi = _str(data, "doi", draft, report)
    draft.dois = [doi] if doi else []
    submitter = _str(data, "submitter", draft, report)
    if submitter:
        draft.add_extra("submitter", submitter)
    update = _str(data, "update_date", draft, report)
    if update:
        draft.add_extra("update-date", update)
    _authors(data, draft, report)
    _versions(data.get("versions"), draft, report)
    for name, value in data.items():
        if name not in _STRUCTURED and isinstance(value, str) and value.strip():
            draft.add_extra(name, value)
    return draft


def _authors(data: dict, draft: Draft, report: Reporter) -> None:
    parsed = parse_author_string(_str(data, "authors", draft, report) or "")
    draft.authors_etal, draft.affiliations = parsed.etal, parsed.affiliations
    names = _parsed_names(data.get("authors_parsed"), draft, report)
    if names is None:
        if data.get("authors_parsed") is not None:
            report.warning(f"{CODE}.authors-parsed", "'authors_parsed' is not a list of [family, given, suffix] "
                           "lists; names split from 'authors' instead", line=draft.line, key=draft.key, field="authors")
        names = parsed.names
        for problem in parsed.problems:
            report.warning(f"{CODE}.authors", problem, line=draft.line, key=draft.key, field="authors")
    draft.authors = names


def _parsed_names(value, draft: Draft, report: Reporter) -> list | None:
    if not isinstance(value, list) or not all(isinstance(p, list) and p for p in value):
        return None
    names = []
    for parts in value:
        if not all(isinstance(p, str) for p in parts[:3]):
            return None
        family, given, suffix = (list(parts[:3]) + ["", ""])[:3]
        name = name_from_parts(family, given, suffix)
        if name is not None:
            names.append(name)
        elif f"{family}{given}{suffix}".strip():
            report.warning(f"{CODE}.authors", f"author entry '{' '.join(parts[:3]).strip()}' has no letters; "
                           "skipped", line=draft.line, key=draft.key, field="authors")
    return names


def _versions(value, draft: Draft, report: Reporter) -> None:
    if not isinstance(value, list):
        if value is not None:
            report.warning(f"{CODE}.bad-value", "'versions' should be a list; ignored", line=draft.line,
                           key=draft.key, field="versions")
        return
    for item in value:
        label = str(item.get("version", "")).lstrip("v") if isinstance(item, dict) else ""
        stamp = parse_rfc2822(str(item.get("created", ""))) if label.isdigit() else None
        if stamp is None:
            report.warning(f"{CODE}.bad-date", f"cannot read version entry {item!r}; ignored", line=draft.line,
                           key=draft.key, field="issued")
            continue
        draft.versions.append((int(label), stamp[1]))
        if label == "1":
            draft.submitted = stamp[0]
    if draft.versions:
        draft.version = max(n for n, _ in draft.versions)
