"""Batch conversion: many inputs into one output (``convert_files``), or one output per
input, in parallel (``convert_each``).

The CLI renders what these return; nothing here prints. A failing input costs only
itself: its problems come back as diagnostics and the other inputs still convert.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from . import api, registry
from .diagnostics import ConversionError, Diagnostic, Reporter, Severity
from .loss import LossTally
from .model import Record
from .options import Options
from .output import OutputError, make_dirs


@dataclass
class InputResult:
    """What became of one input."""

    name: str
    records: int = 0  # records written (into one combined output: read, and handed to the writer)
    failed: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    output: str | None = None
    losses: LossTally | None = None  # the writer's losses, when counted instead of kept in diagnostics

    @property
    def warnings(self) -> int:
        """How many of its diagnostics are warnings."""
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)


@dataclass
class BatchConversion:
    """What ``convert_files`` returns: what became of each input, and of the output."""

    inputs: list[InputResult]
    count: int  # records written
    diagnostics: list[Diagnostic]  # the output's: what the target could not carry, why a file was kept
    output: str
    losses: LossTally | None = None  # with count_losses: the writer's losses, counted instead of listed
    kept: bool = False  # the output file was left as it was (nothing converted, or strict and problems)

    @property
    def failed(self) -> int:
        """Records (or whole inputs) that could not be converted."""
        return sum(r.failed for r in self.inputs)

    @property
    def ok(self) -> bool:
        """Every input converted whole."""
        return self.failed == 0


# --- inputs ---------------------------------------------------------------------------

_GLOB_CHARS = set("*?[")


def reader_extensions() -> tuple[str, ...]:
    """The file extensions some reader claims, for picking files under a directory."""
    return tuple(sorted({ext for fmt in registry.readers() for ext in fmt.extensions}))


def expand_inputs(inputs: Iterable[str], recursive: bool) -> tuple[list[tuple[str, str | None]], list[Diagnostic]]:
    """(path, root it was found under) for each input; directories and globs expanded.

    The root lets --out-dir mirror a directory's layout instead of flattening it.
    """
    found: list[tuple[str, str | None]] = []
    problems: list[Diagnostic] = []
    extensions = reader_extensions()
    for name in inputs:
        if name == "-" or os.path.isfile(name):
            found.append((name, None))
        elif os.path.isdir(name):
            if not recursive:
                problems.append(Diagnostic("batch.directory", Severity.ERROR, f"{name} is a directory",
                                           source=name, hint="pass --recursive to convert the files under it"))
                continue
            files = sorted(str(p) for p in Path(name).rglob("*") if p.is_file() and p.name.lower().endswith(extensions))
            if not files:
                problems.append(Diagnostic("batch.empty", Severity.WARNING,
                                           f"no files with a known extension under {name}", source=name))
            found.extend((f, name) for f in files)
        elif _GLOB_CHARS & set(name):
            matches = sorted(glob.glob(name, recursive=recursive))
            if not matches:
                problems.append(Diagnostic("batch.no-match", Severity.ERROR, f"no file matches {name}", source=name))
            found.extend((m, None) for m in matches if os.path.isfile(m))
        else:
            found.append((name, None))  # reading it will report that it is missing
    return found, problems


def read_input(name: str | os.PathLike | IO, from_: str | None, encoding: str, options: Options,
               report: Reporter) -> Iterator[Record]:
    """Records of one input (a path, '-' for stdin, or a stream); a missing, unreadable or
    unrecognised input becomes an error."""
    try:
        yield from api.iter_load(name, from_, encoding=encoding, report=report, jats_front=options.jats_front)
    except FileNotFoundError:
        report.error("read.missing", f"no such file: {name}")
    except IsADirectoryError:
        report.error("read.directory", f"{name} is a directory", hint="pass --recursive")
    except PermissionError:
        report.error("read.permission", f"cannot read {name}: permission denied")
    except ConversionError as exc:
        report.error("read.format", str(exc), hint="pass --from FORMAT")


# --- many inputs, one output ---------------------------------------------------------


def _input_name(source: str | os.PathLike | IO) -> str:
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        return "<stdin>" if name == "-" else name
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


def convert_files(inputs: Iterable[str | os.PathLike | IO], output: str | os.PathLike | TextIO, to: str,
                  from_: str | None = None, *, encoding: str = "utf-8", strict: bool = False,
                  count_losses: bool = False, problems: Iterable[Diagnostic] = (),
                  on_record: Callable[[], Any] | None = None, on_input: Callable[[InputResult], Any] | None = None,
                  **options: Any) -> BatchConversion:
    """Convert several inputs (paths, '-' for stdin, or streams) into one output, with
    citation keys unique across all of them; ``refconv convert a b -o out`` is this.

    ``output`` is a path, written atomically and left as it was when the run converts
    nothing or, under ``strict``, when an input, the writer or ``problems`` (say, from
    finding the inputs) gave a warning or an error; or a text stream, written as records
    come. A bad input costs only itself: its problems are diagnostics in its
    ``InputResult``. ``on_record`` is called for each record read, ``on_input`` with each
    input's result once it is read (for progress and diagnostics as they come).
    ``options`` are the keywords of ``Options``; ``count_losses`` counts the writer's
    losses in ``losses`` instead of listing each in ``diagnostics``.
    """
    opts = Options.from_kwargs(**options)
    sources = list(inputs)
    reports: list[Reporter] = []
    results: list[InputResult] = []

    def records() -> Iterator[Record]:
        for source in sources:
            report = Reporter(_input_name(source))
            reports.append(report)
            read = 0
            for record in read_input(source, from_, encoding, opts, report):
                read += 1
                if on_record:
                    on_record()
                yield record
            result = InputResult(report.source or "", read, report.failed, report.diagnostics)
            results.append(result)
            if on_input:
                on_input(result)

    is_path = isinstance(output, (str, os.PathLike))
    name = os.fspath(output) if is_path else getattr(output, "name", None)
    out_report = Reporter(name if isinstance(name, str) else "<output>",
                          losses=LossTally() if count_losses else None)
    kept = False
    if is_path:
        sink = api.atomic_output(output)  # type: ignore[arg-type]
        with sink as out:
            written = api.write_records(records(), out, to, out_report, opts)
            kept = keep_old_output(written, reports, out_report, out_report.source or "", strict=strict,
                                   problems=problems)
            if kept:
                sink.discard()
                written = 0
    else:
        written = api.write_records(records(), output, to, out_report, opts)  # type: ignore[arg-type]
    return BatchConversion(results, written, out_report.diagnostics, out_report.source or "", out_report.losses, kept)


# --- one output per input ---------------------------------------------------------------


def output_path(name: str, root: str | None, out_dir: str, extension: str) -> Path:
    """Where one input's output goes: its name with the target's extension, under out_dir,
    keeping the layout below a directory given with --recursive."""
    if name == "-":
        return Path(out_dir, "stdin" + extension)
    source = Path(name)
    relative = source.relative_to(root) if root else Path(source.name)
    stem = relative.name
    for ext in sorted(reader_extensions(), key=len, reverse=True):
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)]
            break
    return Path(out_dir, relative.parent, stem + extension)


def keep_old_output(written: int, reports: list[Reporter], out_report: Reporter, path: str, *,
                    strict: bool = False, problems: Iterable[Diagnostic] = ()) -> bool:
    """Whether a finished run must leave ``path`` as it was (the new text is discarded):
    when it converted nothing (an empty input must not empty a file), or when ``strict``
    and an input, the writer or the command line gave a warning or an error, since the run
    then fails. Says why in ``out_report``, unless the run's errors already explain it."""
    diagnostics = [d for r in [*reports, out_report] for d in r.diagnostics] + list(problems)
    failed = any(d.severity is Severity.ERROR for d in diagnostics)
    kept = " (the old file is kept)" if os.path.exists(path) else ""
    if strict and (failed or any(d.severity is Severity.WARNING for d in diagnostics)):
        out_report.warning("write.strict-kept", f"{path} not written: --strict and the run had warnings or "
                           f"errors{kept}", hint="fix them, or run without --strict to write what converted")
        return True
    if written == 0:
        if not failed:
            out_report.warning("write.nothing", f"no records read: {path} not written{kept}")
        return True
    return False


def convert_file(name: str, target_path: str, to: str, from_: str | None, encoding: str,
                 options: Options, count_losses: bool = False, strict: bool = False) -> InputResult:
    """Convert one input to one output file (atomically). Safe to run in a worker process.

    With ``count_losses`` the writer's losses are counted in ``InputResult.losses``, not
    returned one by one in its diagnostics. An input with no records, or one with
    problems under ``strict``, leaves the output file as it was (``keep_old_output``)."""
    report = Reporter(name if name != "-" else "<stdin>")
    out_report = Reporter(target_path, losses=LossTally() if count_losses else None)
    kept = False
    try:
        make_dirs(os.path.dirname(target_path) or ".")
        sink = api.atomic_output(target_path)
        with sink as out:
            written = api.write_records(read_input(name, from_, encoding, options, report), out, to, out_report,
                                        options)
            kept = keep_old_output(written, [report], out_report, target_path, strict=strict)
            if kept:
                sink.discard()
    except OutputError as exc:  # this output only: the other inputs may still convert
        problem = Diagnostic("write.failed", Severity.ERROR, f"cannot {exc.action}: {exc.strerror}",
                             source=exc.filename)
        return InputResult(name, 0, report.failed + 1, report.diagnostics + out_report.diagnostics + [problem])
    return InputResult(name, 0 if kept else written, report.failed, report.diagnostics + out_report.diagnostics,
                       None if kept else target_path, out_report.losses)


def _import_formats(to: str, from_: str | None) -> None:
    """Import the writer and the readers in the parent, so forked workers inherit them
    instead of each importing them again (most of the work for small inputs)."""
    registry.get(to).load("writer")
    if from_:
        registry.get(from_).load("reader")
        return
    registry.guess("")  # imports every detector, and with it the readers' modules


def convert_each(inputs: list[tuple[str, str | None]], out_dir: str, to: str, from_: str | None, encoding: str,
                 options: Options, jobs: int = 1,
                 done: Callable[[InputResult], None] | None = None, *,
                 count_losses: bool = False, strict: bool = False) -> list[InputResult]:
    """One output per input under out_dir; with jobs > 1, inputs convert in parallel processes."""
    extension = registry.get(to).output_extension
    make_dirs(out_dir)  # a folder that cannot be made fails the run once, not once per input
    targets: dict[str, str] = {}
    taken: set[Path] = set()
    results: list[InputResult] = []
    for name, root in inputs:
        path = output_path(name, root, out_dir, extension)
        counter = 2
        while path in taken:  # two inputs with the same name: keep both outputs
            path = path.with_name(f"{path.stem}-{counter}{path.suffix}")
            counter += 1
        taken.add(path)
        targets[name] = str(path)
    if jobs <= 1 or len(inputs) <= 1:
        for name, _ in inputs:
            result = convert_file(name, targets[name], to, from_, encoding, options, count_losses, strict)
            results.append(result)
            if done:
                done(result)
        return results
    # ~30 ms to import: only when --jobs needs it
    from concurrent.futures import ProcessPoolExecutor, as_completed

    _import_formats(to, from_)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(convert_file, name, targets[name], to, from_, encoding, options, count_losses,
                               strict): name
                   for name, _ in inputs}
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            if done:
                done(result)
    order = {name: i for i, (name, _) in enumerate(inputs)}
    return sorted(results, key=lambda r: order[r.name])
