"""``refconv validate``: run the readers only, and for CSL-JSON and JATS the real schemas.

refconv does not ship the CSL-JSON schema or the JATS DTDs (they are others' work);
point ``schemas`` at a folder laid out like theirs (``csl/csl-data.json``,
``jats/1.4/JATS-archivearticle1-4.dtd``) to have them checked too.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

from . import api
from .diagnostics import ConversionError, Reporter

CSL_SCHEMA = Path("csl", "csl-data.json")
JATS_DTD = Path("jats", "1.4", "JATS-archivearticle1-4.dtd")


def schema_dir(given: str | None) -> Path | None:
    folder = given or os.environ.get("REFCONV_SCHEMAS")
    return Path(folder) if folder else None


def validate(path: str, fmt: str | None, schemas: Path | None, encoding: str = "utf-8") -> tuple[Reporter, int]:
    """Read ``path`` (diagnostics into the reporter); returns it and the record count."""
    report = Reporter(path)
    try:
        records = list(api.iter_load(path, fmt, encoding=encoding, report=report))
    except FileNotFoundError:
        report.error("read.missing", "no such file")
        return report, 0
    except ConversionError as exc:
        report.error("read.format", str(exc).removeprefix(f"{path}: "), hint="pass --from FORMAT")
        return report, 0
    if schemas is None:
        return report, len(records)
    if report.format == "csl-json":
        _check_csl(path, schemas / CSL_SCHEMA, records, report, encoding)
    elif report.format == "jats":
        _check_jats(path, schemas / JATS_DTD, report)
    return report, len(records)


def _check_csl(path: str, schema_path: Path, records, report: Reporter, encoding: str) -> None:
    import jsonschema

    if not schema_path.is_file():
        report.warning("validate.no-schema", f"CSL-JSON schema not found at {schema_path}; schema check skipped")
        return
    validator = jsonschema.Draft7Validator(json.loads(schema_path.read_text(encoding="utf-8")))
    try:
        data = json.loads(Path(path).read_text(encoding=encoding))
    except (ValueError, OSError):
        return  # the reader has reported it already
    items = data if isinstance(data, list) else [data]
    lines = [r.position.line if r.position else None for r in records]
    for error in validator.iter_errors(items):  # the schema describes the whole array
        steps = list(error.absolute_path)
        index = steps[0] if steps and isinstance(steps[0], int) else None
        item = items[index] if index is not None else None
        where = "/".join(str(p) for p in steps[1:]) or "(item)"
        report.error("validate.csl-schema",
                     f"item {index + 1}: {where}: {error.message}" if index is not None else error.message,
                     line=lines[index] if index is not None and index < len(lines) else None,
                     key=item.get("id") if isinstance(item, dict) else None)


def _check_jats(path: str, dtd_path: Path, report: Reporter) -> None:
    from lxml import etree

    if not dtd_path.is_file():
        report.warning("validate.no-schema", f"JATS DTD not found at {dtd_path}; DTD check skipped")
        return
    dtd = etree.DTD(str(dtd_path))
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    try:
        root = etree.parse(path, parser).getroot()
    except etree.XMLSyntaxError:
        return  # the reader has reported it already
    for article in [root] if root.tag == "article" else root.iterchildren("article"):
        # each <article> of a <pmc-articleset> (--jats-mode articles) as the document it would
        # be alone. lxml validates an element that is not its document's root in a stand-in
        # document rooted at a shallow copy of it (_fakeRootDoc), and libxml2, copying the
        # article's xml:lang, declares the reserved xml prefix there as an attribute,
        # xmlns:xml, which the DTD does not declare: every article with a language failed.
        # A deep copy as its own document keeps the source lines the errors point at.
        document = article if article is root else etree.ElementTree(copy.deepcopy(article))
        if not dtd.validate(document):
            for error in dtd.error_log.filter_from_errors():
                report.error("validate.jats-dtd", error.message, line=error.line, column=error.column or None)
