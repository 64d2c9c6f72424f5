"""One conversion in a fresh Python process, timed from inside; run by benchmarks/run.py.

    python benchmarks/drivers.py TOOL FROM TO INPUT OUTPUT

Prints one JSON line on stdout: ``seconds`` (read + write, after the imports), ``import_seconds``,
``records`` (as the tool counted them). TOOL is one of:

* ``refconv``: ``converters.iter_load`` streamed into ``converters.dump`` (what the CLI does, minus click);
  the reader and writer modules are imported before the clock starts;
  FROM is a refconv format name or ``auto``, TO any refconv writer;
* ``bibtexparser``: ``bibtexparser.parse_string`` (default middlewares) + ``bibtexparser.write_string``
  (it writes only BibTeX: the closest job it can do is a BibTeX round trip);
* ``pybtex``: ``pybtex.database.parse_string(..., "bibtex")`` + ``BibliographyData.to_string("bibtex")``;
* ``rispy``: ``rispy.load`` + ``rispy.dump`` (a RIS round trip: rispy reads and writes only RIS).
"""

from __future__ import annotations

import json
import sys
import time


def _refconv(source: str, target: str, path: str, output: str) -> dict:
    import converters
    from converters import registry

    # import the reader and writer now (refconv imports them on first use), so that the timing
    # below is the conversion; the CLI rows of run.py include these imports
    registry.get(target).load("writer")
    if source == "auto":
        with open(path, encoding="utf-8", errors="replace") as handle:
            guessed, _ = registry.guess(handle.read(8192), path)
        if guessed is not None:
            guessed.load("reader")
    else:
        registry.get(source).load("reader")
    loaded = time.perf_counter()
    diagnostics: list = []
    records = converters.iter_load(path, None if source == "auto" else source, diagnostics=diagnostics)
    written = converters.dump(records, output, target)
    done = time.perf_counter()
    errors = sum(d.severity.name == "ERROR" for d in diagnostics)
    return {"loaded": loaded, "done": done, "records": written, "errors": errors, "module": converters.__file__}


def _bibtexparser(source: str, target: str, path: str, output: str) -> dict:
    import bibtexparser

    loaded = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        library = bibtexparser.parse_string(handle.read())
    text = bibtexparser.write_string(library)
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)
    done = time.perf_counter()
    return {"loaded": loaded, "done": done, "records": len(library.entries), "errors": len(library.failed_blocks)}


def _pybtex(source: str, target: str, path: str, output: str) -> dict:
    from pybtex.database import parse_string

    loaded = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        data = parse_string(handle.read(), "bibtex")
    text = data.to_string("bibtex")
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)
    done = time.perf_counter()
    return {"loaded": loaded, "done": done, "records": len(data.entries), "errors": 0}


def _rispy(source: str, target: str, path: str, output: str) -> dict:
    import rispy

    loaded = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        entries = rispy.load(handle)
    with open(output, "w", encoding="utf-8") as handle:
        rispy.dump(entries, handle)
    done = time.perf_counter()
    return {"loaded": loaded, "done": done, "records": len(entries), "errors": 0}


TOOLS = {"refconv": _refconv, "bibtexparser": _bibtexparser, "pybtex": _pybtex, "rispy": _rispy}


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    if len(argv) != 5 or argv[0] not in TOOLS:
        print(__doc__, file=sys.stderr)
        return 2
    tool, source, target, path, output = argv
    result = TOOLS[tool](source, target, path, output)
    print(json.dumps({"seconds": result["done"] - result["loaded"], "import_seconds": result["loaded"] - started,
                      "records": result["records"], "errors": result["errors"], "module": result.get("module")}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
