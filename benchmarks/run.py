"""Benchmark refconv against its peers, side by side, in one run on one machine.

    python benchmarks/run.py            # the real sizes (tens of minutes; builds benchmarks/corpora/full/)
    python benchmarks/run.py --quick    # everything at small sizes, in well under a minute (smoke test)
    python benchmarks/run.py --only bib,ris --repeat 5

Every tool runs as a child process, started fresh for each timing, so each has the same conditions:

* wall: the child's whole life, interpreter or runtime start-up included (``refconv (CLI)`` is the
  ``refconv`` command; peers are their command or a small driver: ``drivers.py``, ``citationjs_driver.js``);
* in-process: read + write as timed inside the child after its imports, where the child can say
  (``refconv (library)``, the Python peers, citation-js); pandoc and bibutils have wall time only;
* peak memory: ``ru_maxrss`` of the child (``os.wait4``); for a shell pipeline, its largest process.

Tools of a task run interleaved (A B C, A B C, ...) and each keeps its best time of ``--repeat`` runs
(default 3), so a machine loaded by something else slows every tool alike and the ratios, measured side
by side, stay meaningful. Records/s is always the task's input records over the time, for every tool.
Ratios are refconv's records/s over the peer's: above 1 means refconv is faster. The wall ratio compares
``refconv (CLI)`` with the peer's process, the in-process ratio ``refconv (library)`` with the peer's
own timing.

Results: a table on stdout, and the same as JSON and Markdown in benchmarks/results/ (gitignored),
with the date, ``uname -a``, the CPU, Python and every tool's version.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpora

RESULTS = HERE / "results"
PYTHON = sys.executable
DRIVERS = HERE / "drivers.py"
MEASURE = HERE / "measure.py"
CITATIONJS = HERE / "citationjs_driver.js"
NODE_MODULES = HERE / "node_modules"
CSL_SCHEMA = corpora.SHARED / "schemas/csl/csl-data.json"
LISTING_FORMATS = ("csl-json", "ris", "bibtex", "jats")
VALIDATE_SAMPLE = 2000

TARGETS = {
    "bib-csl": "BibTeX -> CSL-JSON at least 2x citation-js",
    "bib-ris": "BibTeX -> RIS at least 2x citation-js",
    "ris-csl": "RIS -> CSL-JSON at least as fast as rispy's parse + write",
    "listing": "arXiv listing -> any format at least 40,000 records/s in one process",
    "jobs": "--jobs 2 at least 1.7x one job (several inputs, and one big input cut into blocks)",
    "memory-1m": "1,000,000 listing records -> CSL-JSON under 80 MiB peak (issue 13)",
    "memory-bib": "100 MB BibTeX -> CSL-JSON under 100 MiB peak (issue 13)",
    "memory-jats": "150 MB JATS -> CSL-JSON under 200 MiB peak (issue 13)",
    "version": "refconv --version under 150 ms",
}


# --- running one child -------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    rc: int
    maxrss_mib: float
    stdout: str
    stderr: str
    inner: dict | None = None  # the driver's JSON line
    cpu: float = 0.0  # user + system seconds of the child and the children it waited for


SNAPSHOT_DIR: Path | None = None  # the frozen copy's venv, when there is one
PURE_SNAPSHOT: Path | None = None  # with --build compiled: a pure-Python copy, measured beside it
CHILD_CWD: Path | None = None  # children run here: not the checkout, whose converters/ `python -c` would import


def spawn(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run ``cmd`` under measure.py: wall time from its fork to its reaping, peak RSS from wait4."""
    cwd = cwd or CHILD_CWD
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json") as measured:
        child = subprocess.run([PYTHON, "-I", "-S", str(MEASURE), measured.name, *cmd], stdout=out, stderr=err,
                               stdin=subprocess.DEVNULL, cwd=cwd, env=env, check=False)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        try:
            figures = json.loads(Path(measured.name).read_text() or "{}")
        except ValueError:
            figures = {}
    if not figures:
        return Run(0.0, child.returncode or 127, 0.0, stdout, stderr + "\nmeasure.py wrote no figures")
    inner = None
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{") and '"seconds"' in line:
            try:
                inner = json.loads(line)
            except ValueError:
                pass
            break
    return Run(figures["wall"], figures["rc"], figures["maxrss_kib"] / 1024, stdout, stderr, inner,
               figures.get("cpu", 0.0))


def refconv_command() -> list[str]:
    script = Path(PYTHON).parent / "refconv"
    return [str(script)] if script.exists() else [PYTHON, "-m", "converters.cli"]


def compile_snapshot(purelib: Path) -> None:
    """The snapshot's copy compiled as `pip install .` compiles it (setup.py, mypyc, -O3),
    in place: the extension modules land beside the Python ones and take precedence."""
    build = Path(tempfile.mkdtemp(prefix="compile-"))
    try:
        shutil.copytree(purelib / "converters", build / "converters")
        for name in ("setup.py", "pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, build / name)
        env = {k: v for k, v in os.environ.items() if k != "REFCONV_PURE"}
        done = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=build, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"compiling the snapshot failed:\n{done.stderr[-2000:]}")
        for module in build.glob("*.so"):  # mypyc's shared library is a top-level module
            shutil.copy(module, purelib / module.name)
        for module in (build / "converters").rglob("*.so"):
            shutil.copy(module, purelib / module.relative_to(build))
    finally:
        shutil.rmtree(build, ignore_errors=True)


def make_snapshot(dest: Path, compiled: bool = False) -> dict:
    """Freeze the code under test: a venv at ``dest`` whose site-packages holds a copy of converters/
    (as a regular, non-editable install would), with this interpreter's site-packages appended for the
    dependencies, and a ``refconv`` script like the installed one.

    Others may change converters/ while a long run goes on; every task then measures the same code."""
    import hashlib
    import sysconfig
    import venv

    venv.create(dest, with_pip=False, symlinks=True)
    python = dest / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    shutil.copytree(ROOT / "converters", purelib / "converters", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    if compiled:
        compile_snapshot(purelib)
    (purelib / "refconv_benchmark_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = dest / "bin" / "refconv"
    script.write_text(f"#!{python}\nimport sys\nfrom converters.cli import main\n\nif __name__ == '__main__':\n"
                      "    sys.exit(main())\n")
    script.chmod(0o755)
    digest = hashlib.sha256()
    for path in sorted((purelib / "converters").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(purelib)).encode() + b"\0" + path.read_bytes())
    check = subprocess.run([str(python), "-c", "import converters; print(converters.__file__)"],
                           capture_output=True, text=True, cwd=dest, check=False)
    if not check.stdout.strip().startswith(str(purelib)):
        raise RuntimeError(f"the snapshot does not import its own copy: {check.stdout or check.stderr}")
    build = subprocess.run([str(python), "-c", "from converters.compiled import build_description as b; print(b())"],
                           capture_output=True, text=True, cwd=dest, check=False).stdout.strip()
    if compiled and not build.startswith("compiled with mypyc"):
        raise RuntimeError(f"the compiled build was asked for, but the snapshot runs: {build or 'nothing'}")
    commit = command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = command_output(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "converters"])
    return {"python": str(python), "commit": commit, "converters_modified": bool(dirty), "build": build,
            "converters_sha256": digest.hexdigest()[:16], "taken": dt.datetime.now(dt.UTC).isoformat(
                timespec="seconds")}


def pandoc_path() -> str | None:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except Exception:  # noqa: BLE001 - pypandoc absent or without a binary
        return shutil.which("pandoc")


# --- counting what came out ----------------------------------------------------------------


def count_csl(path: Path) -> int:
    if path.stat().st_size < 400 * 2**20:
        return len(json.loads(path.read_text(encoding="utf-8")))
    # too big to load: refconv writes one item per '  {' line at the top level (indent 2)
    with open(path, encoding="utf-8") as handle:
        return sum(1 for line in handle if line == "  {\n")


def count_ris(path: Path) -> int:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return sum(1 for line in handle if line.startswith("TY  - "))


def count_bibtex(path: Path) -> int:
    pattern = re.compile(r"^\s*@(?!string|preamble|comment)\w+\s*[{(]", re.IGNORECASE)
    with open(path, encoding="utf-8", errors="replace") as handle:
        return sum(1 for line in handle if pattern.match(line))


def count_jats(path: Path) -> int:
    refs = articles = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            refs += line.count("<ref ") + line.count("<ref>")
            articles += line.count("<article ")
    return refs or articles


COUNTERS = {"csl-json": count_csl, "ris": count_ris, "bibtex": count_bibtex, "biblatex": count_bibtex,
            "jats": count_jats}


def validate_csl(path: Path, everything: bool) -> str:
    """Check refconv's CSL-JSON against the official schema (all items, or an even sample)."""
    if not CSL_SCHEMA.exists():
        return f"schema not checked ({CSL_SCHEMA} absent)"
    try:
        import jsonschema
    except ImportError:
        return "schema not checked (jsonschema not installed)"
    if path.stat().st_size > 400 * 2**20:
        return "schema not checked (output too big to load)"
    items = json.loads(path.read_text(encoding="utf-8"))
    step = 1 if everything or len(items) <= VALIDATE_SAMPLE else -(-len(items) // VALIDATE_SAMPLE)
    sample = items[::step]
    validator = jsonschema.Draft7Validator(json.loads(CSL_SCHEMA.read_text(encoding="utf-8")))
    errors = list(validator.iter_errors(sample))
    what = "all" if step == 1 else f"every {step}th"
    if errors:
        return (f"SCHEMA-INVALID: {len(errors)} error(s) in {what} of {len(items):,} items, "
                f"e.g. {errors[0].message[:80]}")
    return f"schema-valid ({what} of {len(items):,} items checked)"


# --- tools and tasks ---------------------------------------------------------------------------


@dataclass
class Tool:
    name: str
    how: str
    command: Callable[[Path, Path], list[str]] | None  # (input, output) -> argv
    target: str  # the format it writes, for counting
    refconv: str | None = None  # "cli" or "library" for refconv rows
    unavailable: str | None = None
    shared_as: str | None = None  # measure once, reuse in another task (same job)
    input_override: Path | None = None
    note: str = ""


@dataclass
class Row:
    task: str
    tool: str
    how: str
    records: int
    wall: float | None = None
    inner: float | None = None
    maxrss_mib: float | None = None
    out_records: int | None = None
    check: str = ""
    refconv: str | None = None
    ratio_wall: float | None = None
    ratio_inner: float | None = None
    runs: int = 0
    cpu: float | None = None  # CPU seconds of the run with the best wall time
    cpu_best: float | None = None  # least CPU seconds of any run (user + system, children included)
    ratio_cpu: float | None = None
    status: str = "ok"
    load: tuple[float, float, float] | None = None
    digest: str | None = None  # sha256 of the output, where runs are compared byte for byte

    def keep_best(self, run: Run) -> None:
        """Keep the run's times where they beat the best so far (wall and CPU separately)."""
        if self.wall is None or run.wall < self.wall:
            self.wall, self.cpu = run.wall, run.cpu
        if run.cpu and (self.cpu_best is None or run.cpu < self.cpu_best):
            self.cpu_best = run.cpu

    @property
    def rate_wall(self) -> float | None:
        return self.records / self.wall if self.wall else None

    @property
    def rate_inner(self) -> float | None:
        return self.records / self.inner if self.inner else None

    @property
    def rate_cpu(self) -> float | None:
        return self.records / self.cpu_best if self.cpu_best else None


@dataclass
class Bench:
    size: str
    repeat: int
    validate_all: bool
    workdir: Path
    manifest: dict
    rows: list[Row] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    measured: dict = field(default_factory=dict)  # shared_as -> Row

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def path(self, name: str) -> Path:
        return corpora.corpus_dir(self.size) / name

    def run_task(self, task: str, source: Path, records: int, tools: list[Tool],
                 repeat: int | None = None) -> list[Row]:
        repeat = repeat or self.repeat
        rows = {t.name: Row(task, t.name, t.how, records, refconv=t.refconv) for t in tools}
        live = []
        for tool in tools:
            row = rows[tool.name]
            if tool.unavailable:
                row.status = f"not available: {tool.unavailable}"
            elif tool.shared_as and tool.shared_as in self.measured:
                done = self.measured[tool.shared_as]
                for name in ("wall", "inner", "maxrss_mib", "out_records", "runs", "load", "cpu", "cpu_best"):
                    setattr(row, name, getattr(done, name))
                row.check = done.check
                row.status = done.status
                row.how = f"{tool.how} (same job and run as in '{done.task}')"
            else:
                live.append(tool)
        load_before = os.getloadavg()
        outputs: dict[str, Path] = {}
        for attempt in range(repeat):
            for tool in live:
                row = rows[tool.name]
                if row.status != "ok":
                    continue
                out = self.workdir / f"{task_slug(task)}.{task_slug(tool.name)}.out"
                if out.exists():
                    out.unlink()
                run = spawn(tool.command(tool.input_override or source, out))
                row.runs += 1
                if run.rc != 0 or not out.exists():
                    row.status = f"failed (exit {run.rc}): {last_line(run.stderr) or last_line(run.stdout)}"
                    self.log(f"  {task} / {tool.name}: {row.status}")
                    continue
                if run.inner and run.inner.get("module") and SNAPSHOT_DIR \
                        and not run.inner["module"].startswith(str(SNAPSHOT_DIR)):
                    row.status = f"failed: measured {run.inner['module']}, not the frozen copy"
                    continue
                row.keep_best(run)
                if run.inner:
                    row.inner = min(row.inner or run.inner["seconds"], run.inner["seconds"])
                row.maxrss_mib = max(row.maxrss_mib or 0.0, run.maxrss_mib)
                outputs[tool.name] = out
                self.log(f"  {task} / {tool.name}: run {attempt + 1}: {run.wall:.2f}s wall, {run.cpu:.2f}s CPU"
                         + (f", {run.inner['seconds']:.2f}s in-process" if run.inner else "")
                         + f", {run.maxrss_mib:.0f} MiB")
        load_after = os.getloadavg()
        for tool in live:
            row = rows[tool.name]
            row.load = tuple(round(max(a, b), 2) for a, b in zip(load_before, load_after, strict=True))
            out = outputs.get(tool.name)
            if row.status == "ok" and out is not None:
                row.out_records = COUNTERS[tool.target](out)
                checks = [f"{row.out_records:,} records out"]
                if tool.refconv and tool.target == "csl-json":
                    checks.append(validate_csl(out, self.validate_all))
                if tool.note:
                    checks.append(tool.note)
                row.check = "; ".join(checks)
                if row.out_records == 0:
                    row.status = "failed: no records in the output"
            if out is not None and out.exists():
                out.unlink()
            if tool.shared_as:
                self.measured[tool.shared_as] = row
        result = [rows[t.name] for t in tools]
        set_ratios(result)
        self.rows.extend(result)
        return result


def task_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def set_ratios(rows: list[Row]) -> None:
    cli = next((r for r in rows if r.refconv == "cli" and r.wall), None)
    library = next((r for r in rows if r.refconv == "library" and r.inner), None)
    for row in rows:
        if row.refconv or row.status != "ok":
            continue
        if cli and row.wall:
            row.ratio_wall = cli.rate_wall / row.rate_wall
        if cli and cli.cpu_best and row.cpu_best:
            row.ratio_cpu = cli.rate_cpu / row.rate_cpu
        if library and row.inner:
            row.ratio_inner = library.rate_inner / row.rate_inner


def refconv_tools(source_format: str, target: str, extra_cli: tuple[str, ...] = ()) -> list[Tool]:
    cli = refconv_command()
    tools = [
        Tool("refconv (CLI)", f"refconv convert IN --to {target} -o OUT" + "".join(" " + a for a in extra_cli),
             lambda i, o: [*cli, "convert", str(i), "--to", target, "-o", str(o), *extra_cli], target, refconv="cli"),
        Tool("refconv (library)", "converters.iter_load -> converters.dump (drivers.py)",
             lambda i, o: [PYTHON, str(DRIVERS), "refconv", source_format, target, str(i), str(o)], target,
             refconv="library"),
    ]
    if PURE_SNAPSHOT is not None:  # the same code, not compiled: a peer row, so its ratio is printed
        pure = [str(PURE_SNAPSHOT / "bin" / "refconv")]
        tools.append(Tool("refconv pure Python (CLI)", "the same code, its pure-Python build",
                          lambda i, o: [*pure, "convert", str(i), "--to", target, "-o", str(o), *extra_cli], target))
    return tools


def python_peer(name: str, module: str, source: str, target: str, how: str, shared_as: str | None = None) -> Tool:
    missing = None if importlib.util.find_spec(module) else f"pip install {name}"
    return Tool(name, how, lambda i, o: [PYTHON, str(DRIVERS), name, source, target, str(i), str(o)], target,
                unavailable=missing, shared_as=shared_as)


def citationjs_missing() -> str | None:
    if not shutil.which("node"):
        return "node is not on PATH"
    needed = ["core", "plugin-bibtex", "plugin-csl", "plugin-ris"]
    absent = [p for p in needed if not (NODE_MODULES / "@citation-js" / p / "package.json").exists()]
    if absent:
        return "npm install --prefix benchmarks (missing @citation-js/" + ", @citation-js/".join(absent) + ")"
    return None


def citationjs(source: str, target: str, input_override: Path | None = None, note: str = "") -> Tool:
    return Tool("citation-js", f"node citationjs_driver.js {source} {target} (Cite + .data / .format('ris'))",
                lambda i, o: ["node", str(CITATIONJS), source, target, str(i), str(o)], target,
                unavailable=citationjs_missing(), input_override=input_override, note=note)


def pandoc(source: str, target: str) -> Tool:
    path = pandoc_path()
    return Tool("pandoc", f"pandoc -f {source} -t csljson IN -o OUT",
                lambda i, o: [path, "-f", source, "-t", "csljson", str(i), "-o", str(o)], target,
                unavailable=None if path else "pip install pypandoc-binary (or apt-get install pandoc)")


def bibutils(reader: str, target: str, note: str = "") -> Tool:
    missing = [p for p in (reader, "xml2ris") if not shutil.which(p)]
    return Tool(f"bibutils ({reader})", f"{reader} IN | xml2ris > OUT",
                lambda i, o: ["bash", "-c", (f"set -o pipefail; {reader} {shlex.quote(str(i))} 2>/dev/null | "
                                             f"xml2ris > {shlex.quote(str(o))} 2>/dev/null")], target,
                unavailable=("apt-get install bibutils" if missing else None), note=note)


def not_available(name: str, why: str, target: str) -> Tool:
    return Tool(name, "-", None, target, unavailable=why)


# --- the tasks ---------------------------------------------------------------------------------


def bench_bibtex(bench: Bench) -> None:
    spec = bench.manifest["spec"]
    bib = bench.path(f"biblatex-{spec['bib']}.bib")
    cj_bib = bib.with_suffix(".citationjs.bib")
    entries = bench.manifest["files"][bib.name]["entries"]
    cj_note = "input: the .citationjs.bib copy (\\enquote* -> \\enquote, which its grammar rejects)"
    round_trip = "parse + write BibTeX (it writes no other format)"
    for target, label in (("csl-json", "BibTeX -> CSL-JSON"), ("ris", "BibTeX -> RIS")):
        bench.log(f"{label}: {entries:,} entries")
        tools = [
            *refconv_tools("auto", target),
            python_peer("bibtexparser", "bibtexparser", "bibtex", "bibtex", f"bibtexparser 2: {round_trip}",
                        shared_as="bibtexparser-bib"),
            python_peer("pybtex", "pybtex", "bibtex", "bibtex", f"pybtex: {round_trip}", shared_as="pybtex-bib"),
            citationjs("bibtex", target, cj_bib, cj_note),
        ]
        if target == "csl-json":
            tools += [pandoc("bibtex", target),
                      not_available("bibutils", "bibutils writes no CSL-JSON", target)]
        else:
            tools += [not_available("pandoc", "pandoc writes no RIS", target),
                      bibutils("bib2xml", target, "bib2xml drops most BibLaTeX dates and journaltitles"),
                      bibutils("biblatex2xml", target, "the corpus is BibLaTeX")]
        bench.run_task(label, bib, entries, tools)


def bench_ris(bench: Bench) -> None:
    spec = bench.manifest["spec"]
    ris = bench.path(f"biblatex-{spec['bib']}.ris")
    records = bench.manifest["files"][ris.name]["records"]
    bench.log(f"RIS -> CSL-JSON: {records:,} records")
    tools = [
        *refconv_tools("auto", "csl-json"),
        python_peer("rispy", "rispy", "ris", "ris", "rispy.load + rispy.dump (it reads and writes only RIS)"),
        citationjs("ris", "csl-json"),
        pandoc("ris", "csl-json"),
        not_available("bibutils", "bibutils writes no CSL-JSON", "csl-json"),
    ]
    bench.run_task("RIS -> CSL-JSON", ris, records, tools)


def bench_listing(bench: Bench) -> None:
    spec = bench.manifest["spec"]
    listing = bench.path(f"listing-{spec['listing']}.txt")
    records = spec["listing"]
    for target in LISTING_FORMATS:
        bench.log(f"arXiv listing -> {target}: {records:,} records")
        bench.run_task(f"arXiv listing -> {target}", listing, records, refconv_tools("arxiv-listing", target))


def bench_jobs(bench: Bench) -> None:
    """--jobs 2 against --jobs 1, side by side: several inputs (--out-dir), and one big input
    (-o), which refconv cuts into blocks (listing, RIS and BibTeX)."""
    spec = bench.manifest["spec"]
    parts = sorted(bench.path(f"listing-{spec['listing']}-parts").glob("*.txt"))
    cases = [
        ("--jobs: listing parts -> csl-json", parts, spec["listing"], "--out-dir"),
        ("--jobs: one listing file -> csl-json", [bench.path(f"listing-{spec['listing']}.txt")], spec["listing"], "-o"),
        ("--jobs: one RIS file -> csl-json", [bench.path(f"biblatex-{spec['bib']}.ris")], None, "-o"),
        # a header of @string macros, crossref parents: cut around each family (split.bibtex_layout)
        ("--jobs: one BibTeX file -> csl-json", [bench.path(f"biblatex-{spec['bib']}.bib")], spec["bib"], "-o"),
    ]
    cli = refconv_command()
    for task, inputs, records, mode in cases:
        records = records or count_ris(inputs[0])
        bench.log(f"--jobs 2 vs --jobs 1: {task}, {len(inputs)} file(s), {records:,} records")
        rows = {jobs: Row(task, f"refconv (CLI) --jobs {jobs}",
                          f"refconv convert {len(inputs)} file(s) --to csl-json {mode} OUT --jobs {jobs}", records,
                          refconv="cli") for jobs in (1, 2)}
        load_before = os.getloadavg()
        for attempt in range(bench.repeat):
            for jobs in (1, 2):
                out = bench.workdir / f"jobs-{jobs}"
                shutil.rmtree(out, ignore_errors=True)
                out.unlink(missing_ok=True)
                run = spawn([*cli, "convert", *map(str, inputs), "--to", "csl-json", mode, str(out),
                             "--jobs", str(jobs)])
                row = rows[jobs]
                row.runs += 1
                if run.rc != 0:
                    row.status = f"failed (exit {run.rc}): {last_line(run.stderr)}"
                    continue
                row.keep_best(run)
                row.maxrss_mib = max(row.maxrss_mib or 0, run.maxrss_mib)
                outputs = sorted(out.glob("*.json")) if out.is_dir() else [out]
                row.out_records = sum(count_csl(p) for p in outputs)
                bench.log(f"  --jobs {jobs}: run {attempt + 1}: {run.wall:.2f}s, CPU {run.cpu:.2f}s "
                          f"({run.cpu / run.wall:.2f} cores busy), load {os.getloadavg()[0]:.2f}, "
                          f"{row.out_records:,} records out")
                if mode == "-o":
                    row.digest = hashlib.sha256(out.read_bytes()).hexdigest()
                shutil.rmtree(out, ignore_errors=True)
                out.unlink(missing_ok=True)
        load_after = os.getloadavg()
        for row in rows.values():
            row.load = tuple(round(max(a, b), 2) for a, b in zip(load_before, load_after, strict=True))
            row.check = f"{row.out_records or 0:,} records out in {len(inputs)} file(s)"
            if row.wall and row.cpu:
                row.check += f"; {row.cpu / row.wall:.2f} cores busy (CPU {row.cpu:.0f}s)"
        if rows[1].wall and rows[2].wall:
            bench.extra.setdefault("jobs_speedups", {})[task] = rows[1].wall / rows[2].wall
            rows[2].check += f"; speed-up over --jobs 1: {rows[1].wall / rows[2].wall:.2f}x"
        if mode == "-o" and rows[1].digest and rows[1].digest != rows[2].digest:
            rows[2].status = "failed: the output differs from --jobs 1"
        bench.rows.extend(rows.values())
    bench.extra["jobs_note"] = ("peak memory for --jobs 2 is the largest single process (wait4 reports the "
                                "biggest of the CLI and its workers), not their sum")


def bench_memory(bench: Bench) -> None:
    spec = bench.manifest["spec"]
    bench.log("building the big listing if needed (streamed to disk) ...")
    bench.manifest = corpora.build(bench.size, big=True, log=bench.log)
    big = bench.path(f"listing-{spec['big']}.txt")
    jats_listing = bench.path(f"listing-{spec['jats']}.txt")
    bib = bench.path(f"biblatex-{spec['bib']}.bib")
    if big.exists():
        bench.log(f"peak memory: {spec['big']:,}-record listing -> csl-json (one run)")
        bench.run_task(f"memory: {spec['big']:,}-record listing -> csl-json", big, spec["big"],
                       refconv_tools("arxiv-listing", "csl-json")[:1], repeat=1)
    else:
        bench.log(f"skipped: {big} was not built")
    for mode in ("references", "articles"):
        bench.log(f"peak memory: {spec['jats']:,} listing records -> jats ({mode})")
        bench.run_task(f"memory: {spec['jats']:,} listing records -> jats {mode}", jats_listing, spec["jats"],
                       refconv_tools("arxiv-listing", "jats", ("--jats-mode", mode))[:1], repeat=1)
    entries = bench.manifest["files"][bib.name]["entries"]
    bench.log(f"peak memory: {entries:,} BibTeX entries -> jats")
    bench.run_task(f"memory: {entries:,} BibTeX entries -> jats references", bib, entries,
                   refconv_tools("auto", "jats")[:1], repeat=1)
    # issue 13's files: what every reader must take in flat memory
    big_bib = bench.path(f"biblatex-{spec['big_bib']}.bib")
    big_jats = bench.path(f"jats-{spec['big_jats']}.xml")
    for path, what, source in ((big_bib, "BibTeX", "auto"), (big_jats, "JATS", "jats")):
        if not path.exists():
            bench.log(f"skipped: {path} was not built")
            continue
        info = bench.manifest["files"][path.name]
        records = info.get("entries") or info["records"]
        bench.log(f"peak memory: {info['bytes'] / 1e6:,.0f} MB {what} -> csl-json")
        bench.run_task(f"memory: {info['bytes'] / 1e6:,.0f} MB {what} ({records:,} records) -> csl-json", path,
                       records, refconv_tools(source, "csl-json")[:1], repeat=1)


def bench_startup(bench: Bench) -> None:
    runs = 20 if bench.size == "full" else 3
    cli = refconv_command()
    bench.log(f"start-up: refconv --version x{runs}, python -c pass x{runs}")
    timings: dict[str, list[float]] = {"refconv --version": [], "python -c pass": [], "refconv formats": []}
    tiny = bench.workdir / "one-record.txt"
    listing = bench.path(f"listing-{bench.manifest['spec']['jats']}.txt")
    with open(listing, encoding="utf-8") as handle:
        text = handle.read(200_000)
    tiny.write_text(text[: text.index("\nCreated: ") + 22] + "\n", encoding="utf-8")
    timings["refconv convert (1 record) --to csl-json"] = []
    for _ in range(runs):
        timings["python -c pass"].append(spawn([PYTHON, "-c", "pass"]).wall)
        timings["refconv --version"].append(spawn([*cli, "--version"]).wall)
        timings["refconv formats"].append(spawn([*cli, "formats"]).wall)
        timings["refconv convert (1 record) --to csl-json"].append(
            spawn([*cli, "convert", str(tiny), "--to", "csl-json", "-o", str(bench.workdir / "one.json")]).wall)
    bench.extra["startup_ms"] = {k: {"median": statistics.median(v) * 1000, "min": min(v) * 1000, "runs": len(v)}
                                 for k, v in timings.items()}
    bench.extra["importtime"] = {
        "refconv --version": importtime([*cli, "--version"]),
        "refconv convert (1 record) --to csl-json": importtime(
            [*cli, "convert", str(tiny), "--to", "csl-json", "-o", str(bench.workdir / "one.json")]),
    }


def importtime(cmd: list[str]) -> dict:
    """``python -X importtime``: total and the slowest imports (cumulative and self, in ms)."""
    if cmd[0] != PYTHON:
        cmd = [PYTHON, *cmd]
    run = spawn([cmd[0], "-X", "importtime", *cmd[1:]])
    entries = []
    for line in run.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            entries.append({"module": match[4], "self_ms": int(match[1]) / 1000, "cumulative_ms": int(match[2]) / 1000,
                            "depth": (len(match[3]) - 1) // 2})
    top_level = [e for e in entries if e["depth"] == 0]
    return {
        "total_ms": sum(e["cumulative_ms"] for e in top_level),
        "modules": len(entries),
        "slowest_cumulative": sorted(top_level, key=lambda e: -e["cumulative_ms"])[:10],
        "slowest_self": sorted(entries, key=lambda e: -e["self_ms"])[:10],
        "refconv_modules": [e["module"] for e in entries if e["module"].startswith("converters")],
    }


# --- environment and output ---------------------------------------------------------------------


def command_output(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout or done.stderr).strip()


def _proc_field(path: str, name: str) -> str:
    """A 'name : value' line of /proc/cpuinfo or /proc/meminfo ('' when absent)."""
    try:
        with open(path) as handle:
            return next((line.split(":", 1)[1].strip() for line in handle if line.startswith(name)), "")
    except OSError:
        return ""


def environment() -> dict:
    cpu = _proc_field("/proc/cpuinfo", "model name") or platform.processor()
    mem = _proc_field("/proc/meminfo", "MemTotal")
    versions = {"python": platform.python_version()}
    for dist in ("refconv", "bibtexparser", "pybtex", "rispy", "pypandoc-binary", "jsonschema", "pylatexenc",
                 "lxml", "click"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    commit = command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = command_output(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "converters"])
    versions["refconv"] += f" (git {commit}{', converters/ modified' if dirty else ''})"
    path = pandoc_path()
    versions["pandoc"] = command_output([path, "--version"]).splitlines()[0] if path else "not available"
    versions["bibutils"] = (command_output(["bib2xml", "--version"]).splitlines() or ["not available"])[0] \
        if shutil.which("bib2xml") else "not available"
    versions["node"] = command_output(["node", "--version"]) if shutil.which("node") else "not available"
    for package in ("core", "plugin-bibtex", "plugin-csl", "plugin-ris"):
        meta = NODE_MODULES / "@citation-js" / package / "package.json"
        versions[f"@citation-js/{package}"] = (json.loads(meta.read_text())["version"] if meta.exists()
                                               else "not installed")
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "uname": command_output(["uname", "-a"]) or " ".join(platform.uname()),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory": mem,
        "python": sys.version.split()[0],
        "versions": versions,
    }


def fmt_rate(value: float | None) -> str:
    return f"{value:,.0f}" if value else "-"


def fmt_ratio(value: float | None) -> str:
    return f"{value:.2f}x" if value else "-"


def fmt_seconds(value: float | None) -> str:
    return f"{value:.2f}" if value else "-"


TABLE_COLUMNS = ("task", "tool", "records", "wall s", "rec/s wall", "ratio wall", "CPU s", "ratio CPU", "in-proc s",
                 "rec/s in-proc", "ratio in-proc", "peak MiB", "check")
NUMERIC = range(2, 12)


def table_rows(rows: list[Row]) -> list[tuple[str, ...]]:
    out = []
    for r in rows:
        if r.status != "ok":
            out.append((r.task, r.tool, f"{r.records:,}", *["-"] * 9, r.status))
            continue
        out.append((r.task, r.tool, f"{r.records:,}", fmt_seconds(r.wall), fmt_rate(r.rate_wall),
                    fmt_ratio(r.ratio_wall), fmt_seconds(r.cpu_best), fmt_ratio(r.ratio_cpu), fmt_seconds(r.inner),
                    fmt_rate(r.rate_inner), fmt_ratio(r.ratio_inner),
                    f"{r.maxrss_mib:.0f}" if r.maxrss_mib else "-", r.check))
    return out


def text_table(rows: list[tuple[str, ...]], widths_limit: int = 60) -> str:
    header = TABLE_COLUMNS
    cells = [header] + [tuple(c if len(c) <= widths_limit else c[: widths_limit - 1] + "…" for c in row)
                        for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(cell.rjust(widths[i]) if i in NUMERIC else cell.ljust(widths[i])
                               for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(TABLE_COLUMNS) + " |", "|" + "|".join("---:" if i in NUMERIC else "---"
                                                                     for i in range(len(TABLE_COLUMNS))) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)


def find(rows: list[Row], task_prefix: str, tool: str) -> Row | None:
    return next((r for r in rows if r.task.startswith(task_prefix) and r.tool == tool and r.status == "ok"), None)


def evaluate_targets(bench: Bench) -> list[dict]:
    rows, out = bench.rows, []

    def add(key: str, measured: str, met: bool | None) -> None:
        if bench.size != "full":
            verdict = "not judged (quick sizes)"
        else:
            verdict = "n/a" if met is None else ("met" if met else "MISSED")
        out.append({"target": TARGETS[key], "measured": measured, "met": verdict})

    for key, task in (("bib-csl", "BibTeX -> CSL-JSON"), ("bib-ris", "BibTeX -> RIS")):
        peer = find(rows, task, "citation-js")
        if peer:
            both = [v for v in (peer.ratio_wall, peer.ratio_cpu, peer.ratio_inner) if v]
            add(key, f"wall {fmt_ratio(peer.ratio_wall)}, CPU {fmt_ratio(peer.ratio_cpu)}, "
                     f"in-process {fmt_ratio(peer.ratio_inner)}", all(v >= 2 for v in both) if both else None)
        elif any(r.task == task for r in rows):
            add(key, "citation-js not available", None)
    peer = find(rows, "RIS -> CSL-JSON", "rispy")
    if peer:
        both = [v for v in (peer.ratio_wall, peer.ratio_cpu, peer.ratio_inner) if v]
        add("ris-csl", f"wall {fmt_ratio(peer.ratio_wall)}, CPU {fmt_ratio(peer.ratio_cpu)}, "
                       f"in-process {fmt_ratio(peer.ratio_inner)}", all(v >= 1 for v in both) if both else None)
    listing = [r for r in rows if r.task.startswith("arXiv listing ->") and r.refconv == "library" and r.inner]
    if listing:
        slowest = min(listing, key=lambda r: r.rate_inner)
        add("listing", ", ".join(f"{r.task.split('-> ')[1]} {r.rate_inner:,.0f}/s" for r in listing),
            slowest.rate_inner >= 40_000)
    for task, speedup in bench.extra.get("jobs_speedups", {}).items():
        load = find(rows, task, "refconv (CLI) --jobs 2").load
        add("jobs", f"{task.removeprefix('--jobs: ')}: {speedup:.2f}x (load average {load})", speedup >= 1.7)
    big = next((r for r in rows if r.task.startswith("memory:") and "listing -> csl-json" in r.task and r.maxrss_mib),
               None)
    if big:
        add("memory-1m", f"{big.maxrss_mib:.0f} MiB for {big.records:,} records", big.maxrss_mib < 80)
    for key, what, bound in (("memory-bib", "MB BibTeX", 100), ("memory-jats", "MB JATS", 200)):
        row = next((r for r in rows if r.task.startswith("memory:") and what in r.task and r.maxrss_mib), None)
        if row:
            add(key, f"{row.maxrss_mib:.0f} MiB ({row.task.removeprefix('memory: ')})", row.maxrss_mib < bound)
    startup = bench.extra.get("startup_ms", {}).get("refconv --version")
    if startup:
        add("version", f"median {startup['median']:.0f} ms (python -c pass: "
                       f"{bench.extra['startup_ms']['python -c pass']['median']:.0f} ms)", startup["median"] < 150)
    return out


def report(bench: Bench, env: dict, started: float) -> None:
    rows = table_rows(bench.rows)
    targets = evaluate_targets(bench)
    elapsed = time.perf_counter() - started
    code = env.get("code_under_test", {})
    code_line = (f"code under test: frozen copy of converters/ at git {code['commit']}"
                 f"{' + uncommitted changes' if code.get('converters_modified') else ''} "
                 f"(sha256 {code['converters_sha256']}, taken {code['taken']})" if "commit" in code
                 else "code under test: the live working tree (--live)")
    head = (f"refconv benchmark ({bench.size}) {env['date']}\n{code_line}\n{env['uname']}\n"
            f"CPU: {env['cpu']} x{env['cpus']}, "
            f"{env['memory']}; Python {env['python']}\nbest of {bench.repeat} runs per timing (memory runs: one); "
            f"load average at start {bench.extra['load_start']}, at end {os.getloadavg()}")
    print("\n" + head + "\n")
    print(text_table(rows))
    if targets:
        print("\nTargets:")
        for t in targets:
            print(f"  [{t['met']}] {t['target']}: {t['measured']}")
    startup = bench.extra.get("startup_ms")
    if startup:
        print("\nStart-up (median wall ms): " + ", ".join(f"{k} {v['median']:.0f}" for k, v in startup.items()))
        for name, it in bench.extra.get("importtime", {}).items():
            print(f"  importtime {name}: {it['total_ms']:.0f} ms in {it['modules']} modules; slowest: "
                  + ", ".join(f"{e['module']} {e['cumulative_ms']:.0f}" for e in it["slowest_cumulative"][:6]))
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    data = {"environment": env, "size": bench.size, "repeat": bench.repeat, "seconds": elapsed,
            "corpora": bench.manifest, "targets": targets, "extra": bench.extra,
            "rows": [dict(vars(r), rate_wall=r.rate_wall, rate_inner=r.rate_inner) for r in bench.rows]}
    json_path = RESULTS / f"{stamp}-{bench.size}.json"
    json_path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    md = [f"# refconv benchmark ({bench.size}), {env['date']}", "",
          f"- {code_line}", f"- machine: `{env['uname']}`",
          f"- CPU: {env['cpu']} x{env['cpus']}, memory {env['memory']}",
          f"- Python {env['python']}; " + ", ".join(f"{k} {v}" for k, v in env["versions"].items() if k != "python"),
          (f"- best of {bench.repeat} runs per timing, tools interleaved; memory runs once; load average at start "
           f"{bench.extra['load_start']}, at end {tuple(round(x, 2) for x in os.getloadavg())}"),
          ("- records/s = the task's input records / time; ratio = refconv records/s / peer records/s "
           "(wall and CPU: `refconv` CLI vs the peer's process, CPU = user + system seconds, least of the runs, "
           "the figure a busy machine disturbs least; in-process: refconv library vs the peer's own timing)"),
          "", markdown_table(rows), ""]
    if targets:
        md += ["## Targets", "", "| target | measured | |", "|---|---|---|"]
        md += [f"| {t['target']} | {t['measured']} | {t['met']} |" for t in targets]
        md.append("")
    if startup:
        md += ["## Start-up", "", "| command | median ms | min ms | runs |", "|---|---:|---:|---:|"]
        md += [f"| `{k}` | {v['median']:.0f} | {v['min']:.0f} | {v['runs']} |" for k, v in startup.items()]
        for name, it in bench.extra.get("importtime", {}).items():
            md += ["", f"`python -X importtime` of `{name}`: {it['total_ms']:.0f} ms in {it['modules']} modules.",
                   "", "| slowest imports (cumulative) | ms |", "|---|---:|"]
            md += [f"| {e['module']} | {e['cumulative_ms']:.1f} |" for e in it["slowest_cumulative"]]
        md.append("")
    md_path = RESULTS / f"{stamp}-{bench.size}.md"
    md_path.write_text("\n".join(md))
    for path in (json_path, md_path):
        shutil.copyfile(path, RESULTS / f"latest-{bench.size}{path.suffix}")
    print(f"\nwrote {json_path} and {md_path} ({elapsed:.0f}s)")


GROUPS = {"bib": bench_bibtex, "ris": bench_ris, "listing": bench_listing, "jobs": bench_jobs,
          "memory": bench_memory, "startup": bench_startup}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark refconv against its peers (see benchmarks/README.md).")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each: a smoke test")
    parser.add_argument("--repeat", type=int, help="runs per timing, best kept (default 3; --quick 1)")
    parser.add_argument("--only", help=f"comma-separated groups: {','.join(GROUPS)}")
    parser.add_argument("--live", action="store_true",
                        help="measure the working tree as it is during the run (default: a frozen copy of converters/)")
    parser.add_argument("--build", choices=("compiled", "pure"), default="compiled",
                        help="compiled (default): the snapshot is compiled with mypyc as `pip install .` does, and "
                             "a pure-Python copy is measured beside it; the run stops if the compiled build is not "
                             "in use. pure: the pure-Python copy only")
    parser.add_argument("--validate-all", action="store_true",
                        help=f"schema-check every CSL-JSON item (default: at most {VALIDATE_SAMPLE:,}, evenly spaced)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    size = "quick" if args.quick else "full"
    groups = args.only.split(",") if args.only else list(GROUPS)
    unknown = set(groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s) {', '.join(sorted(unknown))}; known: {', '.join(GROUPS)}")
    try:
        manifest = corpora.build(size, log=lambda s: print(s, file=sys.stderr))
    except corpora.SharedMissing as exc:
        print(f"benchmarks: {exc}", file=sys.stderr)
        return 0
    global PYTHON, CHILD_CWD, SNAPSHOT_DIR, PURE_SNAPSHOT
    workdir = Path(tempfile.mkdtemp(prefix="out-", dir=corpora.corpus_dir(size)))
    CHILD_CWD = workdir
    snapshot = None
    if not args.live:
        compiled = args.build == "compiled"
        snapshot = make_snapshot(workdir / "snapshot", compiled=compiled)
        PYTHON = snapshot["python"]
        SNAPSHOT_DIR = workdir / "snapshot"
        if compiled:
            make_snapshot(workdir / "snapshot-pure")
            PURE_SNAPSHOT = workdir / "snapshot-pure"
        print(f"measuring a frozen copy of converters/ (git {snapshot['commit']}"
              f"{', with uncommitted changes' if snapshot['converters_modified'] else ''}, "
              f"sha256 {snapshot['converters_sha256']}, {snapshot['build']}) in {workdir / 'snapshot'}",
              file=sys.stderr)
    env = environment()
    env["code_under_test"] = snapshot or {"live": "the working tree, as it was during the run"}
    bench = Bench(size, args.repeat or (1 if args.quick else 3), args.validate_all or args.quick, workdir, manifest)
    bench.extra["load_start"] = tuple(round(x, 2) for x in os.getloadavg())
    bench.extra["rss_floor_mib"] = spawn(["true"]).maxrss_mib  # what measure.py itself adds, at most
    try:
        for group in groups:
            GROUPS[group](bench)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(bench, env, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
