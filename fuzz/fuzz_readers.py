"""Coverage-guided fuzzing of one reader with atheris; runs for as long as you let it.

    pip install atheris
    python fuzz/fuzz_readers.py FORMAT [atheris/libFuzzer options...]
    python fuzz/fuzz_readers.py bibtex -max_total_time=600 fuzz/corpus-bibtex

Any exception other than refconv's own diagnostics is a bug: atheris stops, prints
the input and writes it to a crash-* file. Seeds come from our samples and fixtures
(tests/fuzz_seeds.py); the corpus folder (fuzz/corpus-FORMAT, git-ignored) keeps
what the fuzzer learned between runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports():
    import converters
    from converters import registry

from tests.fuzz_seeds import seeds  # noqa: E402  (after instrumented imports on purpose)


def make_target(fmt: str):
    def target(data: bytes) -> None:
        text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
        result = converters.loads(text, fmt)
        for target in ("csl-json", "bibtex", "ris", "jats"):  # what was read must write in every format
            converters.dumps(result.records, target)

    return target


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        names = ", ".join(f.name for f in registry.readers())
        sys.exit(f"usage: {sys.argv[0]} FORMAT [libFuzzer options] [corpus dir]\nformats: {names}")
    fmt = registry.get(sys.argv.pop(1)).name
    corpus = ROOT / "fuzz" / f"corpus-{fmt}"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        for n, seed in enumerate(seeds(fmt)):
            (corpus / f"seed-{n}").write_bytes(seed.encode("utf-8"))
    if not any(not a.startswith("-") for a in sys.argv[1:]):
        sys.argv.append(str(corpus))
    os.environ.setdefault("REFCONV_NO_PLUGINS", "1")
    atheris.Setup(sys.argv, make_target(fmt))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
