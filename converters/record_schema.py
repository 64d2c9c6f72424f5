"""schemas/record.schema.json, generated from the model (``converters/model.py``).

Each field of Record, Name, Date and Identifiers becomes a property from its type
annotation; the rules the classes check in ``__post_init__`` that a type cannot say (a
name is literal or has parts, a day needs a month) are written here once, next to the
descriptions. ``python -m converters.record_schema --write`` rewrites the file (the
package ships it through the link converters/record.schema.json, for the refconv-json
reader); tests/test_record_schema.py fails when it differs from what the model says.
"""

from __future__ import annotations

import json
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

from . import csl
from .extras import Extra, Kind
from .model import CSL_TYPES, Attachment, Date, Identifiers, Name, Record, Syntax

ROOT = Path(__file__).resolve().parent
SCHEMA = ROOT.parent / "schemas" / "record.schema.json"

DESCRIPTIONS = {
    "type": "CSL item type; 'article' is CSL's preprint type",
    "key": "citation key given by the source",
    "variables": "every other CSL standard and number variable, by its CSL name",
    "names": "every other CSL name variable (translator, container-author, ...), by its CSL name",
    "dates": "every other CSL date variable (original-date, event-date, ...), by its CSL name",
    "extras": "what a reader could not map to a CSL variable, by format and field, in the order read",
    "format": "the format the value was read from: bibtex, ris, jats, arxiv, csl (CSL-JSON)",
    "field": "the field, tag, element or variable as that format names it",
    "kind": "what the value is: the field's value (the default), or how the source wrote data the record "
            "carries (converters/extras.py)",
    "arxiv": "arXiv id without version",
    "doi": "bare DOIs, most important first",
    "affiliation": "institutions, as written",
    "orcid": "bare ORCID iD, 0000-0002-1825-0097",
    "affiliations": "the authors' institutions as the source gives them, for no one author (RIS AD, BibTeX "
                    "affiliation, a JATS aff no contrib points at)",
    "location": "a path or URL, as given",
    "media_type": "as given: application/pdf (Zotero), PDF (JabRef)",
}
CLASS_DESCRIPTIONS = {
    "text": "A text value and the syntax it is written in: plain, tex (TeX source), bibtex (TeX whose top-level "
            "braces protect case) or html (CSL rich text).",
    "name": "A person (family/given/particles/suffix) or an organisation (literal only).",
    "date": "A date, possibly partial (year only, year and month), a range (end), approximate (circa) or literal.",
    "extra": "One value a reader kept that the record has no variable for (the key of Record.extras, an Extra, "
             "with its value).",
    "attachment": "A file that goes with the record (a PDF), as reference managers link one: BibTeX file, RIS L1.",
    "identifiers": "Identifiers. The arXiv DataCite DOI (10.48550/arXiv.ID) and abstract URL are derived from the "
                   "arXiv id, never stored.",
}
# what __post_init__ checks beyond the types
RULES: dict[str, dict[str, Any]] = {
    "name": {"minProperties": 1, "oneOf": [
        {"required": ["literal"], "not": {"anyOf": [{"required": ["family"]}, {"required": ["given"]}]}},
        {"not": {"required": ["literal"]}, "anyOf": [{"required": ["family"]}, {"required": ["given"]}]}]},
    "date": {"anyOf": [{"required": ["year"]}, {"required": ["literal"]}], "dependentRequired": {"day": ["month"]}},
}
RANGES = {"month": (1, 12), "day": (1, 31), "season": (1, 4), "arxiv_version": (1, None), "line": (1, None)}

_REFS = {"Text": "text", "Name": "name", "Date": "date", "Identifiers": "identifiers", "Attachment": "attachment"}


def _of(annotation: str, name: str) -> dict[str, Any]:
    """The schema of one field from its annotation (the model's annotations are strings)."""
    annotation = annotation.removesuffix(" | None")
    if annotation in _REFS:
        return {"$ref": f"#/$defs/{_REFS[annotation]}"}
    if annotation == "str":
        return {"type": "string"}
    if annotation == "bool":
        return {"type": "boolean"}
    if annotation == "int":
        low, high = RANGES.get(name, (None, None))
        out: dict[str, Any] = {"type": "integer"}
        if low is not None:
            out["minimum"] = low
        if high is not None:
            out["maximum"] = high
        return out
    if annotation.startswith("tuple[") and annotation.endswith(", ...]"):
        return {"type": "array", "items": _of(annotation[6:-6], name)}
    raise TypeError(f"no schema for the annotation {annotation!r} of {name}")


def _properties(cls: type, special: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    out = {}
    for f in fields(cls):
        schema = dict((special or {}).get(f.name) or _of(str(f.type), f.name))
        if f.name in DESCRIPTIONS:
            schema["description"] = DESCRIPTIONS[f.name]
        out[f.name] = schema
    return out


def _keyed(names: frozenset[str], value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "propertyNames": {"enum": sorted(names)}, "additionalProperties": value}


def _object(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if name in CLASS_DESCRIPTIONS:
        out["description"] = CLASS_DESCRIPTIONS[name]
    out["properties"] = properties
    out.update(RULES.get(name, {}))
    return out


def _extra() -> dict[str, Any]:
    """An extra as refconv-json writes it: its key's parts (converters/extras.py), and the value."""
    special: dict[str, dict[str, Any]] = {"format": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
                                          "kind": {"enum": [k.value for k in Kind], "default": Kind.VALUE.value}}
    properties = {}
    for name in Extra._fields:
        annotation = Extra.__annotations__[name]
        schema = dict(special.get(name) or _of(str(getattr(annotation, "__forward_arg__", annotation)), name))
        schema["description"] = DESCRIPTIONS[name]
        properties[name] = schema
    properties["value"] = {"type": "string"}
    out = _object("extra", properties)
    out["required"] = ["format", "field", "value"]
    return out


def _attachment() -> dict[str, Any]:
    out = _object("attachment", _properties(Attachment))
    out["properties"]["location"]["minLength"] = 1
    out["required"] = ["location"]
    return out


def build() -> dict[str, Any]:
    names = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/name"}}
    record = _properties(Record, {
        "type": {"enum": sorted(CSL_TYPES)},
        "variables": _keyed(csl.VARIABLES, {"$ref": "#/$defs/text"}),
        "names": _keyed(csl.NAME_VARIABLES, names),
        "dates": _keyed(csl.DATE_VARIABLES, {"$ref": "#/$defs/date"}),
        "extras": {"oneOf": [
            {"type": "array", "items": {"$ref": "#/$defs/extra"}},
            {"type": "object", "additionalProperties": {"type": "string"},
             "propertyNames": {"pattern": "^[a-z][a-z0-9-]*:.+$"},
             "description": "keyed by the extras' text forms ('bibtex:usera'), as refconv wrote them before "
                            "2026-12-05: still read"}]},
        "position": {"type": "object", "additionalProperties": False, "properties": {
            "source": {"type": "string"}, "line": _of("int", "line")}},
    })
    text = _object("text", {"value": {"type": "string"}, "syntax": {"enum": [s.value for s in Syntax]}})
    text["required"] = ["value"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://refconv.invalid/schemas/record.schema.json",
        "title": "refconv canonical record",
        "description": "One bibliographic item as refconv holds it between a reader and a writer (the refconv-json "
                       "format writes one per line). Shaped like CSL-JSON.",
        "type": "object",
        "additionalProperties": False,
        "required": ["type"],
        "properties": record,
        "$defs": {
            "text": text,
            "name": _object("name", _properties(Name)),
            "date": _object("date", _properties(Date)),
            "identifiers": _object("identifiers", _properties(Identifiers)),
            "attachment": _attachment(),
            "extra": _extra(),
        },
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    if argv != ["--write"]:
        sys.stdout.write(render())
        return 0
    SCHEMA.write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
