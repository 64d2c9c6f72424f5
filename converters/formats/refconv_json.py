"""``refconv-json``: the canonical record itself, one JSON object per line.

Lossless by construction (every field, text syntax and extra), so it is the format
for debugging a conversion and for pipelines that transform records in between.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.resources import files
from typing import TextIO

from ..diagnostics import Reporter
from ..model import Position, Record
from ..options import Options
from ..serialize import encode_json, record_from_dict, record_to_dict
from ..textio import TOO_DEEP, vet_json
from .sniff import refconv_json as detect  # noqa: F401 (the format's detector, re-exported)


def read(stream: TextIO | Iterable[str], report: Reporter, options: Options | None = None) -> Iterator[Record]:
    # a block of a larger file (split.py) numbers on from its place
    for number, line in enumerate(stream, getattr(stream, "first_line", 1)):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            report.error("refconv-json.syntax", f"invalid JSON: {exc.msg}", line=number, column=exc.colno)
            continue
        except RecursionError:
            report.error("refconv-json.syntax", TOO_DEEP, line=number, column=1)
            continue
        data, problem = vet_json(data, line)
        if problem is not None:
            key = data.get("key") if isinstance(data, dict) and isinstance(data.get("key"), str) else None
            where = {"line": number, "column": (problem.offset or 0) + 1, "key": key}
            if problem.fatal:
                report.error("refconv-json.syntax", problem.message, **where)
                continue
            report.warning("refconv-json.surrogate", problem.message, **where)
        problem = _best_match(_validator().iter_errors(data))  # (inside a oneOf: the branch the value's type takes)
        if problem is not None:
            path = "/".join(str(p) for p in problem.absolute_path) or "(record)"
            report.error("refconv-json.record", f"not a refconv record: {path}: {problem.message}", line=number,
                         hint="the record schema is converters/record.schema.json")
            continue
        try:
            record = record_from_dict(data)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # what the schema cannot say
            report.error("refconv-json.record", f"not a refconv record: {exc}", line=number)
            continue
        # where it was read, unless the line says (it is provenance, and places bad bytes)
        yield record if record.position is not None else record.evolve(position=Position(report.source, number))


def _best_match(errors):
    from jsonschema.exceptions import best_match

    return best_match(errors)


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads(files("converters").joinpath("record.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def write(records: Iterable[Record], out: TextIO, report: Reporter, options: Options | None = None,
          piece: object = None) -> int:
    """No keys and no framing: a piece (``parallel.py``) is written as the whole would be."""
    count = 0
    for record in records:
        out.write(encode_json(record_to_dict(record)) + "\n")
        count += 1
    return count
