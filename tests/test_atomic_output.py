"""An interrupted conversion leaves the old output or the whole new one, never a part."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def big_listing(tmp_path_factory) -> Path:
    sample = (ROOT / "samples" / "arxiv-listing.txt").read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("big") / "listing.txt"
    path.write_text("\n\n".join([sample] * 3000), encoding="utf-8")  # 30,000 records
    return path


def _start(source: Path, target: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "converters.cli", "convert", str(source), "--to", "csl-json", "-o", str(target), "-q"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _wait_for_partial_output(folder: Path, process: subprocess.Popen) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        temporary = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
        if temporary and temporary[0].stat().st_size > 100_000:
            return temporary[0]
        if process.poll() is not None:
            pytest.fail("the conversion finished before it could be interrupted; make the input larger")
        time.sleep(0.01)
    pytest.fail("no temporary output appeared within 60 s")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_mid_write_leaves_the_old_file(tmp_path, big_listing, sig):
    target = tmp_path / "out.json"
    target.write_text("old contents\n", encoding="utf-8")
    process = _start(big_listing, target)
    partial = _wait_for_partial_output(tmp_path, process)
    os.kill(process.pid, sig)
    process.wait(timeout=30)
    assert target.read_text(encoding="utf-8") == "old contents\n"
    leftovers = [p.name for p in tmp_path.iterdir() if p != target]
    if sig == signal.SIGTERM:
        assert leftovers == []  # SIGTERM unwinds and removes the temporary file
    else:
        assert leftovers == [partial.name]  # SIGKILL cannot be caught; the target is still whole


def test_an_uninterrupted_run_replaces_the_file_whole(tmp_path):
    source = tmp_path / "listing.txt"
    source.write_text("\n\n".join([(ROOT / "samples" / "arxiv-listing.txt").read_text(encoding="utf-8")] * 300),
                      encoding="utf-8")
    target = tmp_path / "out.json"
    target.write_text("old contents\n", encoding="utf-8")
    process = _start(source, target)
    assert process.wait(timeout=300) == 0, process.stderr.read().decode()
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 3000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["listing.txt", "out.json"]
