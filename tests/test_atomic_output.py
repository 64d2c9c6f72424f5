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


def _partial_outputs(folder: Path, pid: int) -> list[Path]:
    """The output being written: a hidden .tmp beside the target, or (Linux, O_TMPFILE) an
    unnamed file in the folder that only the process's open descriptors can reach."""
    found = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    fds = Path(f"/proc/{pid}/fd")
    try:
        for fd in fds.iterdir():
            target = os.readlink(fd)
            if target.startswith(f"{folder}/") and target.endswith("(deleted)"):
                found.append(fd)
    except OSError:  # no /proc, or the process just ended
        pass
    return found


def _wait_for_partial_output(folder: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for partial in _partial_outputs(folder, process.pid):
            try:
                if partial.stat().st_size > 100_000:
                    return
            except OSError:
                pass
        if process.poll() is not None:
            pytest.fail("the conversion finished before it could be interrupted; make the input larger")
        time.sleep(0.01)
    pytest.fail("no temporary output appeared within 60 s")


def _unnamed_temporaries() -> bool:
    """Whether this system gives the output an unnamed temporary file (Linux O_TMPFILE)."""
    return hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_mid_write_leaves_the_old_file_and_nothing_else(tmp_path, big_listing, sig):
    target = tmp_path / "out.json"
    target.write_text("old contents\n", encoding="utf-8")
    process = _start(big_listing, target)
    _wait_for_partial_output(tmp_path, process)
    os.kill(process.pid, sig)
    process.wait(timeout=30)
    assert target.read_text(encoding="utf-8") == "old contents\n"
    leftovers = [p.name for p in tmp_path.iterdir() if p != target]
    if sig == signal.SIGTERM or _unnamed_temporaries():
        # SIGTERM unwinds and removes the temporary file; after SIGKILL, the unnamed
        # temporary file vanished with the process
        assert leftovers == []
    else:
        assert len(leftovers) == 1 and leftovers[0].endswith(".tmp")  # SIGKILL elsewhere: the target is still whole


def test_killed_mid_write_of_a_new_file_leaves_no_file_at_all(tmp_path, big_listing):
    target = tmp_path / "out.json"
    process = _start(big_listing, target)
    _wait_for_partial_output(tmp_path, process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    if not _unnamed_temporaries():
        pytest.skip("no O_TMPFILE here: a stray .tmp may stay after SIGKILL")
    assert list(tmp_path.iterdir()) == []


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


# --- targets that must be written into, not replaced (issue 16 item 12: -o /dev/full, /dev/null, /dev/stdout)

def _records():
    import converters

    return converters.load(ROOT / "samples" / "arxiv-listing.txt").records


def test_output_to_a_full_device_is_an_error_and_the_device_stays(tmp_path):
    import stat

    import converters
    from converters.output import OutputError

    device = tmp_path / "full"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # what /dev/full is
    except (PermissionError, AttributeError):
        pytest.skip("cannot make a device node here")
    with pytest.raises(OutputError) as caught:
        converters.dump(_records(), device, "ris")
    assert str(caught.value) == f"cannot write {device}: No space left on device"
    assert stat.S_ISCHR(device.stat().st_mode)  # replacing the device would hide the error (and break it)
    assert list(tmp_path.iterdir()) == [device]


def test_output_to_a_fifo_writes_into_it(tmp_path):
    import threading

    import converters

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        converters.dump(_records(), fifo, "ris")
    finally:
        reader.join(timeout=10)
        if reader.is_alive():  # the write never opened the pipe: unblock the reader
            try:  # (non-blocking: a plain open would wait for ever if the reader ended meanwhile)
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
            reader.join(timeout=10)
    assert received[0].count(b"ER  - ") == 10
    assert fifo.is_fifo() and list(tmp_path.iterdir()) == [fifo]


def test_output_through_a_symlink_replaces_the_file_and_keeps_the_link(tmp_path):
    import converters

    real = tmp_path / "real.ris"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.ris"
    link.symlink_to(real)
    converters.dump(_records(), link, "ris")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").count("ER  - ") == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ris", "real.ris"]


def test_dump_into_a_directory_raises_an_oserror_naming_it(tmp_path):
    import errno

    import converters

    with pytest.raises(OSError) as caught:
        converters.dump(_records(), tmp_path, "ris")
    assert caught.value.errno == errno.EISDIR and str(caught.value) == f"cannot write {tmp_path}: Is a directory"
    assert list(tmp_path.iterdir()) == []


def test_a_new_file_appears_whole_with_the_usual_permissions(tmp_path):
    import converters

    target = tmp_path / "new.ris"
    converters.dump(_records(), target, "ris")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert target.read_text(encoding="utf-8").count("ER  - ") == 10
    assert list(tmp_path.iterdir()) == [target]


def test_without_o_tmpfile_the_named_temporary_is_renamed_and_removed_on_error(tmp_path, monkeypatch):
    import converters
    from converters import output

    monkeypatch.delattr(output.os, "O_TMPFILE", raising=False)
    target = tmp_path / "out.ris"
    target.write_text("old\n", encoding="utf-8")

    def broken():
        yield from _records()[:3]
        raise RuntimeError("stop half-way")

    with pytest.raises(RuntimeError):
        converters.dump(broken(), target, "ris")
    assert target.read_text(encoding="utf-8") == "old\n" and list(tmp_path.iterdir()) == [target]
    converters.dump(_records(), target, "ris")
    assert target.read_text(encoding="utf-8").count("ER  - ") == 10 and list(tmp_path.iterdir()) == [target]


# --- runs that must not replace the file (issue 14: empty input, --strict) ---------------------

def _convert(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "converters.cli", "convert", *args], cwd=ROOT,
                          capture_output=True, text=True)


OLD = '[{"id": "old", "type": "book", "title": "Kept"}]\n'


@pytest.mark.parametrize("to, name", [("csl-json", "out.json"), ("bibtex", "out.bib"), ("ris", "out.ris")])
def test_an_empty_input_leaves_the_existing_output_file_as_it_was(tmp_path, to, name):
    empty = tmp_path / "empty.bib"
    empty.write_text("", encoding="utf-8")
    target = tmp_path / name
    target.write_text(OLD, encoding="utf-8")
    run = _convert(str(empty), "--from", "bibtex", "--to", to, "-o", str(target))
    assert run.returncode == 0, run.stderr
    assert target.read_text(encoding="utf-8") == OLD  # it was truncated to 0 bytes
    assert "no records read" in run.stderr and "the old file is kept" in run.stderr


def test_an_empty_input_creates_no_output_file(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    run = _convert(str(empty), "--to", "bibtex", "-o", str(tmp_path / "out.bib"))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.json"]


def test_a_run_failing_under_strict_leaves_the_old_file(tmp_path):
    source = tmp_path / "in.bib"
    source.write_text("@misc{a, title = {A}, year = {20x4}}\n", encoding="utf-8")  # a warning: bad year
    target = tmp_path / "out.json"
    target.write_text(OLD, encoding="utf-8")
    run = _convert(str(source), "--to", "csl-json", "-o", str(target), "--strict")
    assert run.returncode == 1, run.stderr
    assert "warning" in run.stderr
    assert target.read_text(encoding="utf-8") == OLD  # it was replaced by the new conversion
    run = _convert(str(source), "--to", "csl-json", "-o", str(target))  # without --strict: written
    assert run.returncode == 0, run.stderr
    assert json.loads(target.read_text(encoding="utf-8"))[0]["title"] == "A"


def test_out_dir_keeps_each_old_file_whose_input_is_empty_or_fails_under_strict(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.bib").write_text("", encoding="utf-8")
    (inputs / "good.bib").write_text("@misc{g, title = {Good}, year = {2020}}\n", encoding="utf-8")
    (inputs / "warned.bib").write_text("@misc{w, title = {W}, year = {20x4}}\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for stem in ("empty", "good", "warned"):
        (out / f"{stem}.json").write_text(OLD, encoding="utf-8")
    run = _convert(str(inputs / "empty.bib"), str(inputs / "good.bib"), str(inputs / "warned.bib"),
                   "--to", "csl-json", "--out-dir", str(out), "--strict")
    assert run.returncode == 1, run.stderr
    assert (out / "empty.json").read_text(encoding="utf-8") == OLD
    assert (out / "warned.json").read_text(encoding="utf-8") == OLD
    assert json.loads((out / "good.json").read_text(encoding="utf-8"))[0]["title"] == "Good"
