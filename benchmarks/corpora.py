"""Build the benchmark corpora into benchmarks/corpora/<size>/ (gitignored, never committed).

    python benchmarks/corpora.py            # the real sizes (benchmarks/corpora/full/)
    python benchmarks/corpora.py --quick    # small sizes for a smoke test (benchmarks/corpora/quick/)
    python benchmarks/corpora.py --big      # also the 1,000,000-record listing (streamed to disk)

Sources are read from ../shared (or $REFCONV_SHARED) and never copied into the project:

* ``biblatex-examples.bib`` (92 entries, 8 @string) is replicated to N entries. Copy ``c`` of an entry
  gets the key ``<key>-<c:05d>``; crossref/xref/xdata/entryset/related in that copy point at the same
  copy's keys, so every copy is self-contained. The @string block is written once, at the top.
  A second file, ``*.citationjs.bib``, is the same with ``\\enquote*{`` written ``\\enquote{``:
  citation-js 0.8's value grammar rejects starred macros and then refuses the whole file (4 places).
* RIS and CSL-JSON: the replicated .bib converted by refconv (library: ``converters.load`` then
  ``converters.dump``). refconv skips the @set entries (2 of the 92: they are groupings, not
  records), so these hold fewer records than the .bib; manifest.json has every count.
* arXiv listings: every ``.abs`` file under ``corpus/arxiv/abs-files`` (not ``orig/``) rendered as a
  listing record by ``tests/abs_listing.py`` (the tests read the same rendering back): title and
  authors, abstract, comments, ``arXiv:ID - doi: DOIs``, ``Journal-ref:``, ``Created:`` (the v1 date).
  The records are replicated in order, each copy with a fresh new-style id (``1501.00001`` onwards,
  99,999 per month), so every id is unique. Written streaming: the big listing is never in memory.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(os.environ.get("REFCONV_SHARED", ROOT.parent / "shared"))
BIB_SOURCE = SHARED / "corpus/bibtex/texlive/biblatex-examples.bib"
ABS_SOURCE = SHARED / "corpus/arxiv/abs-files"
OUT = HERE / "corpora"

sys.path.insert(0, str(ROOT))  # the tests' .abs renderer, so the benchmark listing is the one the tests check
from tests.abs_listing import parse_abs, render_abs

SIZES = {
    # name: bib entries, listing records, listing parts (for --jobs), big listing records, JATS records
    # big_bib and big_jats: issue 13's 100 MB BibTeX and 150 MB JATS files (742 and 1,370 bytes a record)
    "full": {"bib": 20_000, "listing": 100_000, "parts": 8, "big": 1_000_000, "jats": 20_000,
             "big_bib": 135_000, "big_jats": 110_000},
    "quick": {"bib": 300, "listing": 1_000, "parts": 2, "big": 2_000, "jats": 500, "big_bib": 600, "big_jats": 600},
}

REFERENCE_FIELDS = ("crossref", "xref", "xdata", "entryset", "related")


class SharedMissing(RuntimeError):
    pass


def require_shared() -> None:
    missing = [p for p in (BIB_SOURCE, ABS_SOURCE) if not p.exists()]
    if missing:
        raise SharedMissing(
            "the shared corpus is absent (" + ", ".join(str(p) for p in missing) + "): the benchmark corpora are "
            "built from ../shared beside this checkout (or $REFCONV_SHARED); skipping")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


# --- BibTeX ------------------------------------------------------------------------------


def split_bib(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(@string blocks, [(key, entry text)]) of a .bib whose blocks each start with '@' at a line start."""
    blocks = re.split(r"(?m)^(?=@)", text)
    strings, entries = [], []
    for block in blocks:
        block = block.strip()
        if not block.startswith("@"):
            continue
        if re.match(r"@(string|preamble|comment)\b", block, re.IGNORECASE):
            strings.append(block)
            continue
        match = re.match(r"@\w+\s*\{\s*([^,\s]+)\s*,", block)
        if not match:
            raise ValueError(f"cannot find the key of {block[:60]!r}")
        entries.append((match[1], block))
    return strings, entries


def _suffixed_entry(key: str, block: str, keys: set[str], copy: int) -> str:
    suffix = f"-{copy:05d}"
    block = block.replace("{" + key + ",", "{" + key + suffix + ",", 1)

    def refs(match: re.Match) -> str:
        names = [k.strip() for k in match["value"].split(",")]
        renamed = ",".join(k + suffix if k in keys else k for k in names)
        return f"{match['field']}{match['eq']}{{{renamed}}}"

    pattern = r"(?mi)^(?P<field>\s*(?:" + "|".join(REFERENCE_FIELDS) + r")\s*)(?P<eq>=\s*)\{(?P<value>[^{}]*)\}"
    return re.sub(pattern, refs, block)


def write_bib(path: Path, count: int) -> dict:
    strings, entries = split_bib(BIB_SOURCE.read_text(encoding="utf-8"))
    keys = {k for k, _ in entries}
    written = sets = 0
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        out.write("% biblatex-examples.bib (TeX Live, biblatex) replicated by benchmarks/corpora.py\n\n")
        out.write("\n".join(strings) + "\n\n")
        copy = 0
        while written < count:
            copy += 1
            for key, block in entries:
                if written == count:
                    break
                out.write(_suffixed_entry(key, block, keys, copy) + "\n\n")
                written += 1
                sets += block.lower().startswith("@set")
    os.replace(tmp, path)
    return {"entries": written, "set_entries": sets, "source_entries": len(entries), "source_strings": len(strings)}


def write_citationjs_bib(source: Path, path: Path) -> int:
    text = source.read_text(encoding="utf-8")
    changed = text.count("\\enquote*{")
    path.write_text(text.replace("\\enquote*{", "\\enquote{"), encoding="utf-8")
    return changed


def write_with_refconv(bib: Path, targets: dict[str, Path]) -> dict:
    import converters

    result = converters.load(str(bib))
    if result.failed:
        raise RuntimeError(f"refconv failed on {result.failed} records of {bib}")
    counts = {"records": len(result.records)}
    for fmt, path in targets.items():
        counts[fmt] = converters.dump(result.records, str(path), fmt)
    return counts


# --- arXiv listing -----------------------------------------------------------------------

def abs_templates() -> list[tuple[str, str]]:
    paths = sorted(p for p in ABS_SOURCE.rglob("*.abs") if p.is_file() and "/orig/" not in str(p))
    rendered = [render_abs(f) for f in map(parse_abs, paths) if f]
    return [(r.body, r.tail) for r in rendered if r]


def new_style_id(n: int) -> str:
    """The n-th (0-based) new-style id from 1501.00001: 99,999 per month."""
    month_index, number = divmod(n, 99_999)
    year, month = divmod(month_index, 12)
    return f"{15 + year:02d}{month + 1:02d}.{number + 1:05d}"


def listing_records(count: int, templates: list[tuple[str, str]], start: int = 0) -> Iterator[str]:
    for n in range(start, start + count):
        body, tail = templates[n % len(templates)]
        yield f"{body}\n\narXiv:{new_style_id(n)}{tail}\n"


def write_listing(path: Path, count: int, templates: list[tuple[str, str]], start: int = 0) -> int:
    """Stream ``count`` records to ``path`` (one record in memory at a time); returns bytes written."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        first = True
        for record in listing_records(count, templates, start):
            if not first:
                out.write("\n")
            out.write(record)
            first = False
    os.replace(tmp, path)
    return path.stat().st_size


# --- driver ---------------------------------------------------------------------------------


def corpus_dir(size: str) -> Path:
    return OUT / size


def build(size: str = "full", big: bool = False, force: bool = False, log=print) -> dict:
    """Build (or reuse) the corpora for ``size``; returns the manifest."""
    require_shared()
    spec = SIZES[size]
    folder = corpus_dir(size)
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / "manifest.json"
    sources = {"bib": _sha(BIB_SOURCE), "abs_files": len(list(ABS_SOURCE.rglob("*.abs"))),
               "builder": _sha(Path(__file__))}
    manifest: dict = {}
    if manifest_path.exists() and not force:
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("sources") != sources or manifest.get("spec") != spec:
            manifest = {}
    manifest.update({"sources": sources, "spec": spec, "size": size})
    files = manifest.setdefault("files", {})

    def have(name: str) -> bool:
        return name in files and (folder / name).exists()

    bib = folder / f"biblatex-{spec['bib']}.bib"
    if not have(bib.name):
        started = time.perf_counter()
        files[bib.name] = write_bib(bib, spec["bib"])
        log(f"wrote {bib} ({files[bib.name]['entries']:,} entries) in {time.perf_counter() - started:.1f}s")
    cj = bib.with_suffix(".citationjs.bib")
    if not have(cj.name):
        files[cj.name] = {"entries": files[bib.name]["entries"],
                          "rewritten_enquote_star": write_citationjs_bib(bib, cj)}
    ris, csl = bib.with_suffix(".ris"), bib.with_suffix(".json")
    if not (have(ris.name) and have(csl.name)):
        started = time.perf_counter()
        counts = write_with_refconv(bib, {"ris": ris, "csl-json": csl})
        files[ris.name] = {"records": counts["ris"], "written_by": "refconv (converters.load + converters.dump)"}
        files[csl.name] = {"records": counts["csl-json"], "written_by": "refconv (converters.load + converters.dump)"}
        log(f"wrote {ris.name} and {csl.name} with refconv ({counts['records']:,} records) "
            f"in {time.perf_counter() - started:.1f}s")

    templates = None

    def get_templates():
        nonlocal templates
        if templates is None:
            templates = abs_templates()
            manifest["abs_records"] = len(templates)
        return templates

    listing = folder / f"listing-{spec['listing']}.txt"
    if not have(listing.name):
        started = time.perf_counter()
        size_bytes = write_listing(listing, spec["listing"], get_templates())
        files[listing.name] = {"records": spec["listing"], "bytes": size_bytes}
        log(f"wrote {listing} ({spec['listing']:,} records from {len(get_templates())} .abs records) "
            f"in {time.perf_counter() - started:.1f}s")
    jats_listing = folder / f"listing-{spec['jats']}.txt"
    if not have(jats_listing.name):
        files[jats_listing.name] = {"records": spec["jats"],
                                    "bytes": write_listing(jats_listing, spec["jats"], get_templates())}
    parts_dir = folder / f"listing-{spec['listing']}-parts"
    parts_name = parts_dir.name + "/"
    if not have(parts_name):
        parts_dir.mkdir(exist_ok=True)
        per_part, extra = divmod(spec["listing"], spec["parts"])
        start = 0
        for i in range(spec["parts"]):
            n = per_part + (i < extra)
            write_listing(parts_dir / f"part-{i + 1:02d}.txt", n, get_templates(), start)
            start += n
        files[parts_name] = {"records": spec["listing"], "files": spec["parts"]}
    if big:
        big_listing = folder / f"listing-{spec['big']}.txt"
        if not have(big_listing.name):
            started = time.perf_counter()
            files[big_listing.name] = {"records": spec["big"],
                                       "bytes": write_listing(big_listing, spec["big"], get_templates())}
            log(f"wrote {big_listing} ({spec['big']:,} records, {files[big_listing.name]['bytes'] / 2**20:,.0f} MiB) "
                f"in {time.perf_counter() - started:.1f}s")
        big_bib = folder / f"biblatex-{spec['big_bib']}.bib"
        if not have(big_bib.name):
            files[big_bib.name] = write_bib(big_bib, spec["big_bib"])
            files[big_bib.name]["bytes"] = big_bib.stat().st_size
            log(f"wrote {big_bib} ({files[big_bib.name]['bytes'] / 1e6:,.0f} MB)")
        big_jats = folder / f"jats-{spec['big_jats']}.xml"
        if not have(big_jats.name):
            # refconv's own JATS references document of that many listing records
            source = folder / f"listing-{spec['big_jats']}.txt"
            write_listing(source, spec["big_jats"], get_templates())
            files[big_jats.name] = write_with_refconv(source, {"jats": big_jats})
            files[big_jats.name]["bytes"] = big_jats.stat().st_size
            source.unlink()
            log(f"wrote {big_jats} ({files[big_jats.name]['bytes'] / 1e6:,.0f} MB)")
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, manifest_path)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (benchmarks/corpora/quick/)")
    parser.add_argument("--big", action="store_true", help="also the 1,000,000-record listing (memory target)")
    parser.add_argument("--force", action="store_true", help="rebuild even when the files are there")
    args = parser.parse_args(argv)
    try:
        manifest = build("quick" if args.quick else "full", big=args.big, force=args.force)
    except SharedMissing as exc:
        print(f"corpora: {exc}", file=sys.stderr)
        return 0
    print(json.dumps(manifest["files"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
