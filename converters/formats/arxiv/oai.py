"""``arxiv-oai``: OAI-PMH responses from ``export.arxiv.org/oai2`` (GetRecord, ListRecords).

Two metadata formats are read:

- ``arXiv``: ``id``, ``created`` (v1 date: ``issued``), ``updated``, ``authors/author``
  (``keyname``, ``forenames``, ``suffix``, ``affiliation``), ``title``, ``categories``,
  ``comments``, ``report-no``, ``msc-class``, ``acm-class``, ``journal-ref``, ``doi``,
  ``license``, ``abstract``. It does not say which version is current.
- ``arXivRaw``: the ``.abs`` fields, with the author string as written and one
  ``version`` element (date, size) per version.

Not records: ``<error>`` (``noRecordsMatch`` is a warning, the others errors), deleted
records (info) and the ``resumptionToken`` of a partial list (info: the reader does
not fetch further pages). Other metadata formats are reported, record by record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...diagnostics import Reporter
from ...model import Record
from ...options import Options
from ..sniff import arxiv_oai as detect  # noqa: F401 (the format's detector, re-exported)
from .authors import name_from_parts, parse_author_string
from .common import Draft, build, parse_iso_date, parse_rfc2822, split_categories
from .xmlstream import children, iter_ends, local, text_of

NAME = "arxiv-oai"
CODE = "oai"

_TEXT_FIELDS = {"title": "title", "abstract": "abstract", "comments": "comments", "journal-ref": "journal_ref",
                "report-no": "report_no"}
_STRUCTURED = {"id", "created", "updated", "authors", "categories", "doi", "version", "submitter", *_TEXT_FIELDS}



def read(stream: Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    for element in iter_ends(stream, {"record", "error", "resumptionToken"}, report, CODE):
        name = local(element)
        if name == "error":
            _error(element, report)
        elif name == "resumptionToken":
            _resumption(element, report)
        else:
            record = _record(element, report)
            if record is not None:
                yield record


def _error(element, report: Reporter) -> None:
    code = element.get("code") or "unknown"
    message = f"OAI-PMH error {code}: {' '.join((element.text or '').split()) or 'no message'}"
    if code == "noRecordsMatch":
        report.warning(f"{CODE}.no-records", message, line=element.sourceline)
    else:
        report.error(f"{CODE}.error", message, line=element.sourceline)


def _resumption(element, report: Reporter) -> None:
    token = (element.text or "").strip()
    if not token:
        return  # an empty token marks the last page
    size = element.get("completeListSize")
    report.info(f"{CODE}.resumption", f"partial list{f' of {size} records' if size else ''}; resumptionToken "
                f"'{token}' not followed", line=element.sourceline,
                hint="fetch the next page with verb=ListRecords&resumptionToken=... and convert it too")


def _record(record, report: Reporter) -> Record | None:
    header = next(iter(children(record, "header")), None)
    identifier = text_of(header, "identifier") if header is not None else None
    key = identifier.replace("oai:arXiv.org:", "arXiv:") if identifier else None
    if header is not None and header.get("status") == "deleted":
        report.info(f"{CODE}.deleted", "the repository reports this record as deleted", line=record.sourceline, key=key)
        return None
    metadata = next(iter(children(record, "metadata")), None)
    payload = next(iter(metadata), None) if metadata is not None else None
    if payload is None or local(payload) not in ("arXiv", "arXivRaw"):
        found = local(payload) if payload is not None else "nothing"
        report.error(f"{CODE}.format", f"metadata is {found}; only metadataPrefix arXiv and arXivRaw are read",
                     line=record.sourceline, key=key)
        return None
    draft = Draft(line=payload.sourceline, raw_id=text_of(payload, "id") or (key[6:] if key else None))
    draft.lines["id"] = payload.sourceline
    _common_fields(payload, draft)
    if local(payload) == "arXiv":
        _arxiv_fields(payload, draft, report)
    else:
        _raw_fields(payload, draft, report)
    if header is not None:
        _header_extras(header, draft)
    return build(draft, report, CODE)


def _common_fields(payload, draft: Draft) -> None:
    for name, attribute in _TEXT_FIELDS.items():
        value = text_of(payload, name)
        if value:
            setattr(draft, attribute, value)
    draft.categories = split_categories(text_of(payload, "categories"))
    draft.dois = [doi] if (doi := text_of(payload, "doi")) else []
    for child in payload:
        name = local(child)
        if name not in _STRUCTURED and "".join(child.itertext()).strip():
            draft.add_extra(name, " ".join("".join(child.itertext()).split()))


def _arxiv_fields(payload, draft: Draft, report: Reporter) -> None:
    created, updated = text_of(payload, "created"), text_of(payload, "updated")
    if created:
        draft.submitted = parse_iso_date(created)
    if updated:
        draft.add_extra("updated", updated)
    for group in children(payload, "authors"):
        for author in children(group, "author"):
            # (a part given twice, <keyname>Saxton</keyname><keyname>Walton</keyname>: both, in order)
            parts = [" ".join(filter(None, ("".join(c.itertext()).strip() for c in children(author, part))))
                     for part in ("keyname", "forenames", "suffix")]
            name = name_from_parts(*parts)
            if name is None:
                if any(p.strip() for p in parts):
                    report.warning(f"{CODE}.authors", f"author entry '{' '.join(parts).strip()}' has no letters; "
                                   "skipped", line=draft.line, key=draft.key, field="authors")
                continue
            draft.authors.append(name)
            affiliations = [" ".join(a.text.split()) for a in children(author, "affiliation") if a.text]
            if affiliations:
                draft.affiliations.append((name.display(), affiliations))


def _raw_fields(payload, draft: Draft, report: Reporter) -> None:
    submitter = text_of(payload, "submitter")
    if submitter:
        draft.add_extra("submitter", submitter)
    parsed = parse_author_string(text_of(payload, "authors") or "")
    draft.authors, draft.authors_etal, draft.affiliations = parsed.names, parsed.etal, parsed.affiliations
    for problem in parsed.problems:
        report.warning(f"{CODE}.authors", problem, line=draft.line, key=draft.key, field="authors")
    for version in children(payload, "version"):
        label = (version.get("version") or "").lstrip("v")
        stamp = parse_rfc2822(text_of(version, "date") or "")
        if not label.isdigit() or stamp is None:
            continue
        size = text_of(version, "size")
        draft.versions.append((int(label), stamp[1] + (f" ({size})" if size else "")))
        if label == "1":
            draft.submitted = stamp[0]
    if draft.versions:
        draft.version = max(n for n, _ in draft.versions)


def _header_extras(header, draft: Draft) -> None:
    datestamp = text_of(header, "datestamp")
    if datestamp:
        draft.add_extra("oai-datestamp", datestamp)
    sets = [s.text.strip() for s in children(header, "setSpec") if s.text and s.text.strip()]
    if sets:
        draft.add_extra("oai-sets", " ".join(sets))
