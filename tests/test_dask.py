"""Conversion on a Dask cluster (converters/dask.py): a LocalCluster of 2 worker processes,
loopback only, gives one process's output and diagnostics byte for byte; a worker killed
mid-run costs nothing; a corrupt line costs only its record, reported with its place."""

from __future__ import annotations

import json
import os
import shlex
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from converters.batch import convert_files
from converters.cli import main

from .shared import SHARED, shared_files
from .snapshot_generator import write_snapshot

distributed = pytest.importorskip("distributed")
refconv_dask = pytest.importorskip("converters.dask")

WRITERS = ("csl-json", "ris", "bibtex", "biblatex", "jats", "refconv-json")
# on the whole corpus, the writers whose pieces differ in kind: an array's head and tail,
# state carried across records (@string macros), JATS ref ids (the others: tests/test_split_lines.py)
CORPUS_WRITERS = ("csl-json", "bibtex", "jats")
# per corpus: folder, globs, and the files read with another encoding (each its own run)
CORPORA = {
    "bibtex": ("corpus/bibtex", ("*.bib",)),
    "ris": ("corpus/ris", ("*.ris", "*.txt")),
    "csl": ("corpus/csl", ("*.json",)),
    "jats": ("corpus/jats", ("*.xml", "*.nxml")),
    "arxiv": ("corpus/arxiv", ("*.abs", "*.xml", "*.jsonl", "*.txt")),
}
ENCODINGS = {"gbk_test.bib": "gbk"}
SMALL_BLOCKS = 1 << 12  # bytes: most corpus files that can be cut are cut into several partitions


@pytest.fixture(scope="module")
def two_worker_cluster():
    """One LocalCluster for the module: 2 single-threaded worker processes on 127.0.0.1."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0") as cluster, distributed.Client(cluster) as client:
        yield client


def _run(paths: list[Path], to: str, out: Path, encoding: str = "utf-8", **options) -> tuple[bytes, list[str], int]:
    """The output's bytes, every diagnostic (the inputs', then the output's) as JSON, and the count."""
    done = convert_files(paths, out, to, encoding=encoding, block_size=SMALL_BLOCKS, **options)
    said = [d.to_json() for result in done.inputs for d in result.diagnostics]
    said += [d.to_json().replace(str(out), "OUT") for d in done.diagnostics]
    return (out.read_bytes() if out.exists() else b""), said, done.count


def _same_as_one_process(paths: list[Path], to: str, client, tmp_path: Path, **options) -> list[str]:
    one = _run(paths, to, tmp_path / "one", **options)
    on_dask = _run(paths, to, tmp_path / "dask", dask=client, **options)
    assert on_dask[2] == one[2]
    assert on_dask[0] == one[0]
    assert on_dask[1] == one[1]
    return one[1]


def _corpus(name: str) -> dict[str, list[Path]]:
    """The corpus's files by the encoding they are read with."""
    folder, globs = CORPORA[name]
    by_encoding: dict[str, list[Path]] = {}
    for path in shared_files(folder, *globs):
        if path.name == "PROVENANCE.txt" or "/orig/" in str(path):
            continue
        encoding = ENCODINGS.get(path.name, "latin-1" if "latin1" in path.name else "utf-8")
        by_encoding.setdefault(encoding, []).append(path)
    return by_encoding


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_every_corpus_file_converts_on_dask_as_in_one_process(corpus, two_worker_cluster, tmp_path):
    """All of a corpus's files into one output per writer (keys unique across files and partitions)."""
    files = _corpus(corpus)
    if not files:
        pytest.skip(f"{SHARED}/{CORPORA[corpus][0]} is absent")
    for encoding, paths in files.items():
        for to in CORPUS_WRITERS if corpus in ("bibtex", "ris") else WRITERS:
            _same_as_one_process(paths, to, two_worker_cluster, tmp_path, encoding=encoding)


@pytest.fixture(scope="module")
def snapshot_200k_with_corrupt_lines(tmp_path_factory) -> Path:
    """200,000 generated snapshot lines, every 100th cut short (1%)."""
    return write_snapshot(tmp_path_factory.mktemp("big") / "snapshot.json", 200_000, corrupt_every=100)


def test_a_200k_snapshot_with_corrupt_lines_converts_on_dask_as_in_one_process(
        snapshot_200k_with_corrupt_lines, two_worker_cluster, tmp_path):
    path = snapshot_200k_with_corrupt_lines
    one = convert_files([path], tmp_path / "one.json", "csl-json", ndjson=True)
    on_dask = convert_files([path], tmp_path / "dask.json", "csl-json", ndjson=True, dask=two_worker_cluster)
    assert (tmp_path / "dask.json").read_bytes() == (tmp_path / "one.json").read_bytes()
    said = [d.to_json() for d in on_dask.inputs[0].diagnostics]
    assert said == [d.to_json() for d in one.inputs[0].diagnostics]
    # the 1% corrupt lines cost only their own records, each reported with file and line
    assert (on_dask.count, on_dask.failed) == (198_000, 2_000)
    bad = [d for d in on_dask.inputs[0].diagnostics if d.code == "arxiv-json.bad-line"]
    assert [(d.source, d.line) for d in bad] == [(str(path), n) for n in range(100, 200_001, 100)]
    assert all(d.key == "arXiv:2101.99999" for d in bad)
    assert path.stat().st_size > 20 * refconv_dask.BLOCK_SIZE  # (over 20 partitions)


def test_csl_json_as_ndjson_is_cut_into_partitions_and_converts_as_in_one_process(
        snapshot_200k_with_corrupt_lines, two_worker_cluster, tmp_path):
    """CSL-JSON NDJSON (refconv's own, of 5,000 snapshot records) with every 100th line cut
    short: partitions at line feeds, output and diagnostics as one process's."""
    source = tmp_path / "snapshot.json"
    with snapshot_200k_with_corrupt_lines.open("rb") as whole:
        source.write_bytes(b"".join(next(whole) for _ in range(5_000)))
    items = tmp_path / "items.json"
    convert_files([source], items, "csl-json", ndjson=True)
    lines = items.read_bytes().splitlines(keepends=True)
    lines[99::100] = [line[:len(line) // 2] + b"\n" for line in lines[99::100]]
    items.write_bytes(b"".join(lines))
    blocks = 1 << 16
    assert refconv_dask.read_bag(str(items), "csl-json", blocksize=blocks).npartitions > 20
    for to in ("csl-json", "bibtex", "ris"):
        one = convert_files([items], tmp_path / "one", to)
        on_dask = convert_files([items], tmp_path / "dask", to, dask=two_worker_cluster, block_size=blocks)
        assert (tmp_path / "dask").read_bytes() == (tmp_path / "one").read_bytes()
        said = [d.to_json() for d in on_dask.inputs[0].diagnostics]
        assert said == [d.to_json() for d in one.inputs[0].diagnostics]
    broken = [d.line for d in on_dask.inputs[0].diagnostics if d.code == "csl.syntax"]
    assert broken == list(range(100, len(lines) + 1, 100))


def test_a_worker_killed_mid_run_gives_the_same_output(two_worker_cluster, tmp_path):
    """A worker process dies with SIGKILL while it holds partitions; Dask reads them again
    elsewhere (or on the worker its nanny restarts) and the output does not change."""
    client = two_worker_cluster
    path = write_snapshot(tmp_path / "snapshot.json", 12_000, corrupt_every=500)
    one = convert_files([path], tmp_path / "one.bib", "bibtex")
    pids = set(client.run(os.getpid).values())
    killed: list[int] = []
    dealt = 0

    def kill_a_worker_once() -> None:
        nonlocal dealt
        dealt += 1
        if dealt == 3000 and not killed:
            victim = max(pids)
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    on_dask = convert_files([path], tmp_path / "dask.bib", "bibtex", dask=client, block_size=1 << 16,
                            on_record=kill_a_worker_once)
    assert killed
    assert (tmp_path / "dask.bib").read_bytes() == (tmp_path / "one.bib").read_bytes()
    assert [d.to_json() for d in on_dask.inputs[0].diagnostics] == [d.to_json() for d in one.inputs[0].diagnostics]
    client.wait_for_workers(2, timeout=60)
    assert killed[0] not in set(client.run(os.getpid).values())  # the worker did die


def test_read_bag_and_to_format_write_one_output_per_partition_with_keys_unique_across(
        two_worker_cluster, tmp_path):
    path = write_snapshot(tmp_path / "snapshot.json", 3_000, corrupt_every=1000)
    convert_files([path], tmp_path / "one.json", "csl-json")
    bag = refconv_dask.read_bag(f"file://{path}", "arxiv-json", blocksize=1 << 17)
    assert bag.npartitions > 5
    out = tmp_path / "parts" / "csl"  # folders made, as --out-dir makes its folder
    done = refconv_dask.to_format(bag, "csl-json", str(out / "part-*.json"), client=two_worker_cluster)
    parts = sorted(out.iterdir())
    assert [p.name for p in parts] == [f"part-{n:02d}.json" for n in range(bag.npartitions)]
    items = [item for part in parts for item in json.loads(part.read_text(encoding="utf-8"))]
    assert items == json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))  # the same keys too
    assert done.count == 2997 and done.failed == 3
    lines = [d.line for result in done.inputs for d in result.diagnostics if d.code == "arxiv-json.bad-line"]
    assert lines == [1000, 2000, 3000]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_the_folder_of_outputs_per_partition_is_made_on_other_file_systems_too():
    import fsspec

    refconv_dask._make_folder("memory://bucket/refconv-test/parts/part-*.json", None)
    assert fsspec.filesystem("memory").isdir("/bucket/refconv-test/parts")


def test_to_format_without_a_star_writes_one_process_output(two_worker_cluster, tmp_path):
    path = write_snapshot(tmp_path / "snapshot.json", 2_000)
    convert_files([path], tmp_path / "one.ris", "ris")
    bag = refconv_dask.read_bag(str(path), blocksize=1 << 16)
    done = refconv_dask.to_format(bag, "ris", tmp_path / "dask.ris", client=two_worker_cluster)
    assert (tmp_path / "dask.ris").read_bytes() == (tmp_path / "one.ris").read_bytes()
    assert done.count == 2000 and [r.name for r in done.inputs] == [str(path)]


def test_jats_articles_mode_is_refused_with_a_reason(two_worker_cluster, tmp_path):
    bag = refconv_dask.read_bag(str(write_snapshot(tmp_path / "s.json", 10)))
    with pytest.raises(ValueError, match="cannot be written in pieces"):
        refconv_dask.to_format(bag, "jats", tmp_path / "out.xml", client=two_worker_cluster, jats_mode="articles")
    assert not (tmp_path / "out.xml").exists()


def _readme_local_command() -> list[str]:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    (line,) = [line for line in readme.splitlines() if line.startswith("refconv convert") and "--dask local" in line]
    return shlex.split(line.split("#")[0])[1:]


def test_the_readme_local_cluster_command_gives_one_process_output(tmp_path, monkeypatch):
    """The README's `--dask local:2` line, on a generated snapshot.json with 5 corrupt lines."""
    monkeypatch.chdir(tmp_path)
    write_snapshot(tmp_path / "snapshot.json", 5_000, corrupt_every=1000)
    command = _readme_local_command()
    assert command[-2:] == ["--dask", "local:2"] and "-o" in command
    runs = []
    for args in (command[:-2], command):
        result = CliRunner().invoke(main, [*args, "--log", "json"])
        assert result.exit_code == 1, result.output  # 5 records failed
        runs.append(((tmp_path / "out.json").read_bytes(), result.stderr))
        (tmp_path / "out.json").unlink()
    assert runs[1] == runs[0]
    assert '"summary": {"converted": 4995, "failed": 5' in runs[0][1]
    assert runs[0][1].count('"arxiv-json.bad-line"') == 5


def test_the_cli_refuses_dask_with_out_dir_or_jobs(tmp_path):
    path = write_snapshot(tmp_path / "s.json", 3)
    for extra in (["--out-dir", str(tmp_path / "o")], ["-o", str(tmp_path / "o.json"), "-j", "2"]):
        result = CliRunner().invoke(main, ["convert", str(path), "--to", "ris", "--dask", "local:1", *extra])
        assert result.exit_code == 2 and "--dask" in result.stderr
