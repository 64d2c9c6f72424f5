"""One process vs ``--jobs 2`` vs Dask (LocalCluster, 2 workers), side by side in one run:
generated arXiv snapshot records -> CSL-JSON NDJSON, records/s and peak memory per worker.

    python benchmarks/dask_bench.py                       # 1,000,000 records; Dask at 500,000 and 2,000,000 too
    python benchmarks/dask_bench.py --records 20000       # a smoke test

Each run is ``refconv convert`` as a child process. Peak memory is the largest resident set
each process of the run's tree reached, polled every 0.1 s (psutil, which distributed
installs): the main (or client) process, and the largest of its workers (``--dask local``
keeps the scheduler and nannies in the client's process; its workers are processes). Every
run's output is compared byte for byte with the one process's. Results: a Markdown table on
stdout, and JSON in benchmarks/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from tests.snapshot_generator import write_snapshot  # noqa: E402 (the generator the tests use)

REFCONV = [sys.executable, "-m", "converters"]


class PeakTree:
    """Peak RSS of every process under ``pid``, polled until ``stop``."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.peaks: dict[int, tuple[int, int, str]] = {}  # pid -> (peak bytes, depth, command)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        while not self.done.is_set():
            try:
                found = [(self.root, 0)] + [(p, self._depth(p)) for p in self.root.children(recursive=True)]
            except psutil.Error:
                found = []
            for process, depth in found:
                try:
                    rss = process.memory_info().rss
                    command = " ".join(process.cmdline()[1:4])
                except psutil.Error:
                    continue
                peak = self.peaks.get(process.pid, (0, depth, command))
                self.peaks[process.pid] = (max(peak[0], rss), depth, command)
            time.sleep(0.1)

    def _depth(self, process: psutil.Process) -> int:
        depth = 0
        while process.pid != self.root.pid:
            parent = process.parent()
            if parent is None:
                break
            process, depth = parent, depth + 1
        return depth

    def stop(self) -> dict[int, tuple[int, int, str]]:
        self.done.set()
        self.thread.join()
        return self.peaks


def run(name: str, args: list[str], out: Path) -> dict:
    started = time.perf_counter()
    child = subprocess.Popen([*REFCONV, *args, "-o", str(out), "-q"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    tree = PeakTree(child.pid)
    _, stderr = child.communicate()
    seconds = time.perf_counter() - started
    peaks = tree.stop()
    if child.returncode not in (0, 1):  # 1: some records failed (none here), still a full run
        raise RuntimeError(f"{name} failed ({child.returncode}): {stderr[-2000:]}")
    main = peaks.pop(child.pid, (0, 0, ""))[0]
    # the rest: --jobs' forked workers, or Dask's worker processes (LocalCluster keeps its scheduler
    # and nannies in the client's process); multiprocessing's helper processes apart
    helpers = ("resource_tracker", "forkserver", "semaphore_tracker")
    workers = [peak for peak, _, command in peaks.values() if not any(h in command for h in helpers)]
    others = [peak for peak, _, command in peaks.values() if any(h in command for h in helpers)]
    return {"run": name, "seconds": round(seconds, 2), "main_peak_mb": round(main / 2**20),
            "worker_peak_mb": round(max(workers) / 2**20) if workers else None,
            "workers": len(workers), "other_peak_mb": round(max(others) / 2**20) if others else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=HERE / "corpora" / "dask")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    # Dask at half, full and double size, for its per-worker memory as the input doubles
    sizes = [args.records // 2, args.records, args.records * 2]
    for count in sizes:
        snapshot = args.workdir / f"snapshot-{count}.json"
        if not snapshot.exists():
            write_snapshot(snapshot, count)
        common = ["convert", str(snapshot), "--from", "arxiv-json", "--to", "csl-json", "--ndjson"]
        plan = [("dask local:2", ["--dask", "local:2"])]
        if count == args.records:  # the three side by side at the full size
            plan = [("one process", []), ("--jobs 2", ["--jobs", "2"]), *plan]
        reference = None
        for name, extra in plan:
            out = args.workdir / f"out-{count}-{name.split()[0].strip('-')}.ndjson"
            row = run(name, [*common, *extra], out)
            row["records"] = count
            row["records_per_s"] = round(count / row["seconds"])
            if name == "one process":
                reference = out
            elif reference is not None:
                row["same_as_one_process"] = filecmp.cmp(reference, out, shallow=False)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    meta = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "nproc": os.cpu_count(),
            "uname": " ".join(platform.uname()), "python": platform.python_version(),
            "command": " ".join(["python", "benchmarks/dask_bench.py", *(argv or sys.argv[1:])])}
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "dask.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n", encoding="utf-8")
    print(f"{meta['date']}, nproc {meta['nproc']}, Python {meta['python']}: `{meta['command']}`\n")
    print("| run | records | seconds | records/s | main/client peak MB | peak MB per worker | same bytes |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        same = {True: "yes", False: "NO", None: "(reference)" if row["run"] == "one process" else "-"}[
            row.get("same_as_one_process")]
        print(f"| {row['run']} | {row['records']:,} | {row['seconds']} | {row['records_per_s']:,} | "
              f"{row['main_peak_mb']} | {row['worker_peak_mb'] or '-'} | {same} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
