"""Profile refconv's conversion paths in-process; the findings are in benchmarks/PROFILE.md.

    pip install pyinstrument                      # sampling profiler (falls back to cProfile without it)
    python benchmarks/profile_paths.py            # every path, at the quick corpus sizes
    python benchmarks/profile_paths.py listing-csl-json bib-ris --records 4000

For each path: records/s without a profiler, then the profile of a second run, as a call tree (pyinstrument)
or the top functions (cProfile), and the share of the time in each hot function ("self" time grouped by
function). The reader and writer modules are imported before anything is timed.
"""

from __future__ import annotations

import argparse
import collections
import io
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpora

PATHS = {
    # name: (input kind, from, to, options)
    "listing-csl-json": ("listing", "arxiv-listing", "csl-json", {}),
    "listing-ris": ("listing", "arxiv-listing", "ris", {}),
    "listing-bibtex": ("listing", "arxiv-listing", "bibtex", {}),
    "listing-jats": ("listing", "arxiv-listing", "jats", {}),
    "listing-jats-articles": ("listing", "arxiv-listing", "jats", {"jats_mode": "articles"}),
    "listing-read": ("listing", "arxiv-listing", None, {}),
    "bib-csl-json": ("bib", "bibtex", "csl-json", {}),
    "bib-ris": ("bib", "bibtex", "ris", {}),
    "bib-read": ("bib", "bibtex", None, {}),
    "ris-csl-json": ("ris", "ris", "csl-json", {}),
    "ris-read": ("ris", "ris", None, {}),
}


def make_input(kind: str, records: int, folder: Path) -> Path:
    if kind == "listing":
        path = folder / f"listing-{records}.txt"
        corpora.write_listing(path, records, corpora.abs_templates())
    elif kind == "bib":
        path = folder / f"biblatex-{records}.bib"
        corpora.write_bib(path, records)
    else:
        bib = make_input("bib", records, folder)
        path = folder / f"biblatex-{records}.ris"
        corpora.write_with_refconv(bib, {"ris": path})
    return path


def convert(source: str, target: str | None, path: Path, out: Path, options: dict) -> int:
    import converters

    records = converters.iter_load(str(path), source)
    if target is None:
        return sum(1 for _ in records)
    return converters.dump(records, str(out), target, **options)


def shares(profile_session) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """(self time per function, cumulative time per refconv function), as shares of the run.

    Cumulative time counts a function once per call chain (recursion is not double-counted)."""
    own: collections.Counter = collections.Counter()
    cumulative: collections.Counter = collections.Counter()

    def visit(frame, above: frozenset) -> None:
        if frame.is_synthetic:  # pyinstrument's "[self]" leaves: counted in their parent's total_self_time
            return
        path = frame.file_path or "?"
        label = f"{frame.function} ({Path(path).name}:{frame.line_no})"
        own[label] += frame.total_self_time
        if "/converters/" in path:
            label = f"{frame.function} ({path.split('/converters/')[-1]}:{frame.line_no})"
            if label not in above:
                cumulative[label] += frame.time
            above = above | {label}
        for child in frame.children:
            visit(child, above)

    root = profile_session.root_frame()
    if root is None:
        return [], []
    visit(root, frozenset())
    whole = root.time or 1.0
    return ([(label, seconds / whole) for label, seconds in own.most_common(15)],
            [(label, seconds / whole) for label, seconds in cumulative.most_common(25)])


def profile(name: str, records: int, folder: Path, tree: bool) -> None:
    from converters import registry

    kind, source, target, options = PATHS[name]
    path = make_input(kind, records, folder)
    out = folder / "out"
    registry.get(source).load("reader")
    if target:
        registry.get(target).load("writer")
    started = time.perf_counter()
    count = convert(source, target, path, out, options)
    seconds = time.perf_counter() - started
    print(f"\n=== {name}: {count:,} records in {seconds:.2f}s = {count / seconds:,.0f} records/s (no profiler)")
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        convert(source, target, path, out, options)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(20)
        print(text.getvalue())
        return
    profiler = Profiler(interval=0.0005)
    profiler.start()
    convert(source, target, path, out, options)
    profiler.stop()
    own, cumulative = shares(profiler.last_session)
    print("self time by function (share of the run):")
    for label, share in own:
        print(f"  {share:6.1%}  {label}")
    print("cumulative time in refconv functions (share of the run):")
    for label, share in cumulative:
        print(f"  {share:6.1%}  {label}")
    if tree:
        print(profiler.output_text(unicode=False, color=False, show_all=False, short_mode=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help=f"default: all of {', '.join(PATHS)}")
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--tree", action="store_true", help="also print pyinstrument's call tree")
    args = parser.parse_args(argv)
    unknown = set(args.paths) - set(PATHS)
    if unknown:
        parser.error(f"unknown path(s): {', '.join(sorted(unknown))}")
    try:
        corpora.require_shared()
    except corpora.SharedMissing as exc:
        print(f"profile: {exc}", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="refconv-profile-") as tmp:
        for name in args.paths or PATHS:
            profile(name, args.records, Path(tmp), args.tree)
    return 0


if __name__ == "__main__":
    sys.exit(main())
