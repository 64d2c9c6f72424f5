"""The canonical record as JSON-ready data (described by schemas/record.schema.json).

Used by the lossless ``refconv-json`` format and by tests that compare records.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from typing import Any

from .extras import Extra, Kind
from .model import Attachment, Date, Identifiers, Name, Position, Record, Syntax, Text


def _text(value: Text | None) -> dict | None:
    return None if value is None else {"value": value.value, "syntax": value.syntax.value}


def _date(value: Date | None) -> dict | None:
    if value is None:
        return None
    out = {f.name: getattr(value, f.name) for f in fields(Date) if f.name != "end"}
    out["end"] = _date(value.end)
    return _compact(out)


def _name(name: Name) -> dict:
    return _compact({g.name: (list(v) if isinstance(v := getattr(name, g.name), tuple) else v)
                     for g in fields(Name)})


def _compact(data: dict) -> dict:
    """Without the empty values and false flags: a year 0 (1 BC, and the open end of a CSL
    range) is a value (``0 in (False,)`` is true in Python: it was dropped)."""
    return {k: v for k, v in data.items() if not (v is None or v is False or (type(v) in _CONTAINERS and not v))}


_CONTAINERS = (tuple, list, dict)


def record_to_dict(record: Record, *, position: bool = False) -> dict[str, Any]:
    """JSON-ready data; ``position`` (where the record was read) only when asked, since
    it is provenance, not data, and would make output depend on the input's path."""
    out: dict[str, Any] = {}
    for f in fields(Record):
        value = getattr(record, f.name)
        if f.name == "position":
            value = None if value is None or not position else _compact({"source": value.source, "line": value.line})
        elif isinstance(value, Text):
            value = _text(value)
        elif isinstance(value, Date):
            value = _date(value)
        elif f.name in ("authors", "editors"):
            value = [_name(n) for n in value]
        elif f.name == "variables":
            value = {k: _text(v) for k, v in value.items()}
        elif f.name == "names":
            value = {k: [_name(n) for n in v] for k, v in value.items()}
        elif f.name == "dates":
            value = {k: _date(v) for k, v in value.items()}
        elif f.name == "ids":
            value = _compact({g.name: (list(v) if isinstance(v := getattr(value, g.name), tuple) else v)
                              for g in fields(Identifiers)})
        elif f.name == "extras":
            value = [_extra(k, v) for k, v in value.items()]
        elif f.name == "attachments":
            value = [_compact({g.name: getattr(a, g.name) for g in fields(Attachment)}) for a in value]
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return _compact(out) | {"type": record.type}


def _extra(key: Extra, value: str) -> dict[str, str]:
    out = {"format": key.format, "field": key.field, "value": value}
    if key.kind is not Kind.VALUE:
        out["kind"] = key.kind.value
    return out


def _parsed(text: str) -> Extra:
    key = Extra.parse(text)
    if key is None:
        raise ValueError(f"extras: {text!r} is no '<format>:<field>' key")
    return key


def _text_in(data: dict | None) -> Text | None:
    return None if data is None else Text(data["value"], Syntax(data.get("syntax", "plain")))


def _date_in(data: dict | None) -> Date | None:
    if data is None:
        return None
    data = dict(data)
    data["end"] = _date_in(data.get("end"))
    return Date(**data)


_TEXT_FIELDS = {f.name for f in fields(Record) if str(f.type) == "Text | None"}
_DATE_FIELDS = {f.name for f in fields(Record) if str(f.type) == "Date | None"}


def record_from_dict(data: dict[str, Any]) -> Record:
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key in _TEXT_FIELDS:
            value = _text_in(value)
        elif key in _DATE_FIELDS:
            value = _date_in(value)
        elif key in ("authors", "editors"):
            value = tuple(Name(**n) for n in value)
        elif key == "variables":
            value = {k: _text_in(v) for k, v in value.items()}
        elif key == "names":
            value = {k: tuple(Name(**n) for n in v) for k, v in value.items()}
        elif key == "dates":
            value = {k: _date_in(v) for k, v in value.items()}
        elif key == "ids":
            ids: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
            value = Identifiers(**ids)
        elif key == "position":
            value = Position(**value)
        elif key == "extras" and isinstance(value, dict):  # the text-keyed form written before 2026-12-05
            value = {_parsed(k): v for k, v in value.items()}
        elif key == "extras":
            value = {Extra(e["format"], e["field"], Kind(e.get("kind", Kind.VALUE))): e["value"] for e in value}
        elif key in ("keywords", "affiliations"):
            value = tuple(value)
        elif key == "attachments":
            value = tuple(Attachment(**a) for a in value)
        kwargs[key] = value
    return Record(**kwargs)


# one encoder for the whole run: json.dumps(..., ensure_ascii=False) builds a new one per call
_encode_raw = json.JSONEncoder(ensure_ascii=False).encode
# line breaks JSON allows raw inside strings but str.splitlines() (and so many NDJSON readers) splits on;
# U+001C-U+001E json escapes itself
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}
_LINE_BREAK = re.compile("[\u2028\u2029\x85]")


def encode_json(value: Any) -> str:
    """Compact JSON, non-ASCII kept as UTF-8, but never a character a line splitter breaks at."""
    return escape_line_breaks(_encode_raw(value))


# encode_json without the line-break escape, for a caller that joins many parts and
# escapes the whole once (escape_line_breaks): one scan instead of one per part
encode_json_parts = _encode_raw


def escape_line_breaks(text: str) -> str:
    """JSON text with U+2028, U+2029 and U+0085 written as escapes (only JSON strings can hold them)."""
    if text.isascii() or not ("\u2028" in text or "\u2029" in text or "\x85" in text):  # (faster than a search)
        return text
    return _LINE_BREAK.sub(lambda m: _LINE_BREAKS[m.group()], text)
