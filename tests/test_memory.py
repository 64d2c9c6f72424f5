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
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_kib(source: Path, fmt: str, output: Path) -> int:
    done = subprocess.run([sys.executable, "-c", _CHILD, "convert", str(source), "--to", fmt, "-o", str(output), "-q"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def listings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("memory")
    small, large = folder / "20k.txt", folder / "200k.txt"
    small.write_text(listing(20_000), encoding="utf-8")
    large.write_text(listing(200_000), encoding="utf-8")
    return small, large


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
@pytest.mark.parametrize("fmt", ["csl-json"])
def test_peak_memory_grows_less_than_20_percent_from_20k_to_200k_records(tmp_path, listings, fmt):
    small, large = listings
    small_peak = peak_kib(small, fmt, tmp_path / "small.out")
    large_peak = peak_kib(large, fmt, tmp_path / "large.out")
    growth = (large_peak - small_peak) / small_peak
    assert growth < 0.20, f"peak {small_peak} KiB for 20k records, {large_peak} KiB for 200k: +{growth:.0%}"
