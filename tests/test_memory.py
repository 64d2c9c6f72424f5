"""Memory stays flat: converting 10x more records must not need much more memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .listing_generator import listing

ROOT = Path(__file__).resolve().parents[1]

# Runs one conversion in a fresh interpreter and prints its peak resident memory (KiB on Linux).
_CHILD = """
import resource, sys
from converters.cli import main
main(sys.argv[1:], standalone_mode=False)
# The largest single process: this one (VmHWM; its ru_maxrss survives exec, so it would be pytest's
# own size when it forked this child) or a --jobs worker (forked here, after the exec).
with open("/proc/self/status") as status:
    own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
"""


def peak_kib(source: Path, fmt: str, output: Path, *more: str) -> int:
    done = subprocess.run([sys.executable, "-c", _CHILD, "convert", str(source), "--to", fmt, "-o", str(output), "-q",
                           *more],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def listings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("memory")
    small, large = folder / "100k.txt", folder / "200k.txt"
    small.write_text(listing(100_000), encoding="utf-8")
    large.write_text(listing(200_000), encoding="utf-8")
    return small, large


@pytest.mark.skipif(sys.platform != "linux", reason="VmHWM and ru_maxrss are in KiB on Linux")
@pytest.mark.parametrize(("fmt", "jobs"), [("csl-json", "1"), ("csl-json", "2")])
def test_peak_memory_stays_flat_when_the_listing_doubles(tmp_path, listings, fmt, jobs):
    """Twice the records may cost only their citation keys: a key must be unique in the whole
    output, so one 8-byte digest a key is kept (16-32 bytes a key at the table's load, 48
    while it doubles). Nothing else grows: records, text and caches are bounded. With
    --jobs 2 the file is cut into blocks, each worker holds one block and the main process
    the digests and the pieces waiting for their turn."""
    small, large = listings
    small_peak = peak_kib(small, fmt, tmp_path / "small.out", "--jobs", jobs)
    large_peak = peak_kib(large, fmt, tmp_path / "large.out", "--jobs", jobs)
    per_record = (large_peak - small_peak) * 1024 / 100_000
    assert per_record < 64, f"peak {small_peak} KiB for 100k records, {large_peak} KiB for 200k: {per_record:.0f} B"


# --- what the writers hold per record (in-process, tracemalloc: seconds, not minutes) -----


def test_the_key_allocator_holds_about_20_bytes_a_key_not_a_set_of_strings():
    # 200,000 distinct keys. The digest table has 8-byte slots and is never more than half
    # full, so it holds 16-32 bytes a key (21 here: 2^19 slots); 40 leaves room for the
    # allocator's own few objects. The set of str it replaced held 130 bytes a key (a str of
    # 20 ASCII characters is 69 bytes, its set slot 16-32) and next_suffix as much again.
    import tracemalloc

    from converters.keys import KeyAllocator
    from converters.model import Record

    count = 200_000
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        allocator = KeyAllocator()
        for n in range(count):
            allocator.key_for(Record(key=f"okafor{n}2021sparse"))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(allocator.used) == count and not allocator.next_suffix
    assert held / count < 40, f"{held / count:.0f} bytes a key"


def _jats_held_per_record(first: int, last: int) -> float:
    """Bytes the JATS writer and its Reporter keep per record, from record ``first`` to ``last``."""
    import io
    import tracemalloc

    from converters.api import write_records
    from converters.diagnostics import Reporter
    from converters.loss import LossTally
    from converters.model import Date, Identifiers, Name, Record, Text
    from converters.options import Options

    held = {}
    TITLE, AUTHORS = Text("Sparse gauge models"), (Name(family="Okafor", given="Ann"),)

    def records():
        for n in range(1, last + 1):
            # distinct keys, and an abstract and an arXiv version JATS cannot carry: 2 losses a
            # record; the same title and name in each, so the (bounded) text caches stay as they are
            yield Record(key=f"okafor{n}2021sparse", title=TITLE, authors=AUTHORS, issued=Date(2021),
                         abstract=TITLE, ids=Identifiers(arxiv=f"2101.{n:05d}", arxiv_version=2))
            if n in (first, last):
                held[n] = tracemalloc.get_traced_memory()[0]

    class Discard(io.TextIOBase):
        def write(self, text):
            return len(text)

    report = Reporter("<memory>", losses=LossTally())
    tracemalloc.start()
    try:
        write_records(records(), Discard(), "jats", report, Options())
    finally:
        tracemalloc.stop()
    assert not report.diagnostics and sum(report.losses.counts.values()) == 2 * last
    return (held[last] - held[first]) / (last - first)


def test_the_jats_writer_holds_almost_nothing_per_record_when_losses_are_counted():
    # With these records, keeping each loss as a Diagnostic held 530 bytes a record, and the
    # two set-based key allocators the writer had 260 more (800 in all, measured). Counted,
    # and with one digest table for keys and ref ids, only that table grows: 16-32 bytes a
    # record (25 measured; 2^15 slots at 22,000 keys).
    assert _jats_held_per_record(2_000, 22_000) < 64


# --- the BibTeX reader streams (issue 16, item 16): peak memory does not grow with the input ----


def _bibtex_read_peak(entries: int) -> int:
    """Peak bytes traced while reading (and dropping) a generated .bib of this many entries.
    Every entry has the same text but its key, so the (bounded) TeX caches stay as they are."""
    import gc
    import tracemalloc

    from converters.diagnostics import Reporter
    from converters.formats import bibtex
    from converters.options import Options

    def lines():
        yield '@string{prd = "Phys. Rev. D"}\n'
        for n in range(entries):
            yield (f"@article{{okafor{n}2021,\n  author = {{Okafor, Ann and Smith, Jo}},\n  title = {{Sparse gauge "
                   "models},\n  journal = prd,\n  year = 2021,\n  pages = {1--10},\n}\n\n")

    report = Reporter("<memory>")
    gc.collect()  # garbage earlier tests left must not be freed (or grow) inside the measurement
    tracemalloc.start()
    try:
        count = sum(1 for _ in bibtex.read(lines(), report, Options()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == entries and not report.diagnostics
    return peak


def test_bibtex_reading_peak_memory_stays_flat_when_the_input_doubles(monkeypatch):
    # Small chunks and window, so that a few hundred entries are many of each (the defaults,
    # 1 MB and 2,000 entries, behave the same at scale). Held whole, the text and
    # bibtexparser's blocks peaked at 18x the input: about 3,500 bytes more per entry here.
    # Streaming, only the digests of the keys seen (for duplicate warnings) grow.
    from converters.formats.bibtex import reader

    monkeypatch.setattr(reader, "CHUNK", 4_096, raising=False)
    monkeypatch.setattr(reader, "REMEMBERED", 50, raising=False)
    _bibtex_read_peak(50)  # imports and first-use tables
    small, large = _bibtex_read_peak(250), _bibtex_read_peak(500)
    per_entry = (large - small) / 250
    assert per_entry < 600, \
        f"peak {small / 1e6:.2f} MB for 250 entries, {large / 1e6:.2f} MB for 500: {per_entry:.0f} B"
    assert large < small * 1.2
