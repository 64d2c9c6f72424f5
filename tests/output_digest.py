"""Every input file converted to every writer format, as digests: what two builds of refconv
must agree on byte for byte (tests/test_compiled_build.py runs this in each build).

Usage: python tests/output_digest.py TREE OUT.json FILE...  (TREE is put first on sys.path)
"""

from __future__ import annotations

import hashlib
import io
import json
import sys

WRITERS = ("bibtex", "biblatex", "csl-json", "ris", "jats", "refconv-json")


def digests(files: list[str]) -> dict[str, str]:
    from converters import api
    from converters.diagnostics import Reporter
    from converters.options import Options

    out: dict[str, str] = {}
    for name in files:
        report = Reporter()
        try:
            records = list(api.iter_load(name, None, report=report))
        except Exception as exc:  # the same refusal in both builds is agreement too
            out[name] = f"refused: {type(exc).__name__}: {exc}"
            continue
        out[name] = _said(report)
        for writer in WRITERS:
            text, said = io.StringIO(), Reporter()
            try:
                api.write_records(records, text, writer, said, Options())
            except Exception as exc:
                out[f"{name} -> {writer}"] = f"failed: {type(exc).__name__}: {exc}"
                continue
            written = text.getvalue().encode("utf-8", "surrogatepass")
            out[f"{name} -> {writer}"] = hashlib.sha1(written).hexdigest() + " " + _said(said)
    return out


def _said(report) -> str:
    """The diagnostics, as a digest: codes, positions and messages."""
    lines = [f"{d.severity} {d.code} {d.line} {d.column} {d.key} {d.message}" for d in report.diagnostics]
    return hashlib.sha1("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


if __name__ == "__main__":
    sys.path.insert(0, sys.argv[1])
    result = digests(sys.argv[3:])
    from converters.compiled import build_description

    result["build"] = build_description()
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=0, sort_keys=True)
