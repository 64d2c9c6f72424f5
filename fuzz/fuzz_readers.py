"""Coverage-guided fuzzing of one reader with atheris; runs for as long as you let it.

    pip install atheris
    python fuzz/fuzz_readers.py FORMAT [atheris/libFuzzer options...]
    python fuzz/fuzz_readers.py bibtex -runs=1000000 fuzz/corpus-bibtex
    python fuzz/fuzz_readers.py ris --read-only -runs=1000000   # the reader alone, faster

Any exception, and any "internal" diagnostic (an exception that a reader caught inside
record building so that the batch survives), is a bug: atheris stops, prints the input
and writes it to a crash-* file. Seeds come from our samples and fixtures
(tests/fuzz_seeds.py); the corpus folder (fuzz/corpus-FORMAT, git-ignored) keeps what the
fuzzer learned between runs.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("REFCONV_NO_PLUGINS", "1")

# The readers and writers are imported lazily, on first use: a plain instrumented import of
# the package would leave them uninstrumented (no coverage feedback where the bugs are).
# Import every module of the package here, inside the hook.
with atheris.instrument_imports(include=["converters"]):
    import converters
    from converters import registry

    INSTRUMENTED = [info.name for info in pkgutil.walk_packages(converters.__path__, "converters.")]
    for _module in INSTRUMENTED:
        importlib.import_module(_module)

from tests.fuzz_seeds import seeds  # noqa: E402  (after instrumented imports on purpose)

WRITERS = ("csl-json", "bibtex", "ris", "jats")


class InternalDiagnostic(Exception):
    """A reader or writer caught an exception of its own: a bug, even if the batch survived."""


def _fail_on_internal(diagnostics) -> None:
    for diagnostic in diagnostics:
        if diagnostic.code.split(".")[-1] == "internal":
            raise InternalDiagnostic(diagnostic.render())


def make_target(fmt: str, write: bool = True):
    def target(data: bytes) -> None:
        # the bytes as a file holds them: FuzzedDataProvider.ConsumeUnicode would spend the
        # first byte on choosing a width, so a seed '<?xml' or '@article' lost its first character
        text = data.decode("utf-8", errors="replace")
        result = converters.loads(text, fmt)
        _fail_on_internal(result.diagnostics)
        for writer in WRITERS if write else ():  # what was read must write in every format
            written: list = []
            converters.dumps(result.records, writer, diagnostics=written)
            _fail_on_internal(written)

    return target


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        names = ", ".join(f.name for f in registry.readers())
        sys.exit(f"usage: {sys.argv[0]} FORMAT [--read-only] [libFuzzer options] [corpus dir]\nformats: {names}")
    fmt = registry.get(sys.argv.pop(1)).name
    write = "--read-only" not in sys.argv  # the reader alone: 2 to 5 times the inputs a second
    if not write:
        sys.argv.remove("--read-only")
    corpus = ROOT / "fuzz" / f"corpus-{fmt}"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        for n, seed in enumerate(seeds(fmt)):
            (corpus / f"seed-{n}").write_bytes(seed.encode("utf-8"))
    if not any(not a.startswith("-") for a in sys.argv[1:]):
        sys.argv.append(str(corpus))
    atheris.Setup(sys.argv, make_target(fmt, write))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
