"""Batch conversion: many inputs into one output (``convert_files``), or one output per
input, in parallel (``convert_each``).

The CLI renders what these return; nothing here prints. A failing input costs only
itself: its problems come back as diagnostics and the other inputs still convert.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TextIO

from . import api, registry
from .diagnostics import ConversionError, Diagnostic, Reporter, Severity
from .loss import LossTally
from .model import Record
from .options import Options
from .output import OutputError, make_dirs

if TYPE_CHECKING:  # pathlib is 4 ms of a one-record run's start: imported where outputs are named
    from pathlib import Path


@dataclass
class InputResult:
    """What became of one input."""

    name: str
    records: int = 0  # records written (into one combined output: read, and handed to the writer)
    failed: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    output: str | None = None
    losses: LossTally | None = None  # the writer's losses, when counted instead of kept in diagnostics
    renamed: str | None = None  # the output, when another input's output has this input's own name

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
        """Records that could not be converted."""
        return sum(r.failed for r in self.inputs)

    @property
    def unread(self) -> int:
        """Inputs not read at all (missing, a directory, unreadable, of no known format)."""
        return unread_inputs(d for r in self.inputs for d in r.diagnostics)

    @property
    def ok(self) -> bool:
        """Every input read and converted whole."""
        return self.failed == 0 and self.unread == 0


# --- inputs ---------------------------------------------------------------------------

_GLOB_CHARS = set("*?[")
_OTHER_EXTENSION = re.compile(r"(?<=.)\.[A-Za-z0-9]{1,8}$")


def reader_extensions() -> tuple[str, ...]:
    """The file extensions some reader claims, for picking files under a directory."""
    return tuple(sorted({ext for fmt in registry.readers() for ext in fmt.extensions}))


def expand_inputs(inputs: Iterable[str], recursive: bool, from_: str | None = None, encoding: str = "utf-8"
                  ) -> tuple[list[tuple[str, str | None]], list[Diagnostic]]:
    """(path, root it was found under) for each input; directories and globs expanded.

    The root lets --out-dir mirror a directory's layout instead of flattening it. Under a
    directory, files are chosen as ``selection.files_under`` says (by content where the
    extension does not tell, or when ``from_`` is given), and each one left out gets an
    info ``batch.skipped`` saying why.
    """
    from .selection import files_under

    found: list[tuple[str, str | None]] = []
    problems: list[Diagnostic] = []
    for name in inputs:
        if name == "-" or os.path.isfile(name):
            found.append((name, None))
        elif os.path.isdir(name):
            if not recursive:
                problems.append(Diagnostic("batch.directory", Severity.ERROR, "is a directory",
                                           source=name, hint="pass --recursive to convert the files under it"))
                continue
            files, skipped = files_under(name, from_, encoding)
            problems.extend(skipped)
            if not files:
                problems.append(Diagnostic("batch.empty", Severity.WARNING, "no files to convert in this directory",
                                           source=name, hint="-v says why each file was skipped" if skipped else None))
            found.extend((f, name) for f in files)
        elif _GLOB_CHARS & set(name):
            matches = sorted(glob.glob(name, recursive=recursive))
            if not matches:
                problems.append(Diagnostic("batch.no-match", Severity.ERROR, "no file matches this pattern",
                                           source=name))
            found.extend((m, None) for m in matches if os.path.isfile(m))
        else:
            found.append((name, None))  # reading it will report that it is missing
    return found, problems


# errors that mean an input was not read at all: no record was attempted, so they are not
# counted as failed records (the summary counts the inputs instead)
INPUT_ERRORS = frozenset(("read.missing", "read.directory", "read.permission", "read.format", "batch.directory",
                          "batch.no-match"))


def unread_inputs(diagnostics: Iterable[Diagnostic]) -> int:
    """How many inputs ``diagnostics`` say were not read at all."""
    return sum(d.code in INPUT_ERRORS for d in diagnostics)


def read_input(name: str | os.PathLike | IO, from_: str | None, encoding: str, options: Options,
               report: Reporter, watch: Callable[[BinaryIO], None] | None = None) -> Iterator[Record]:
    """Records of one input (a path, '-' for stdin, or a stream); a missing, unreadable or
    unrecognised input becomes an error (one of INPUT_ERRORS, which counts no failed record:
    none was read). The message does not repeat the file name, which the diagnostic's source
    gives."""
    def unread(code: str, message: str, hint: str | None = None) -> None:
        report.add(Severity.ERROR, code, message, hint=hint)

    handle = None
    try:
        # the caller follows how far the file is read (progress)
        if watch is not None and isinstance(name, (str, os.PathLike)) and name != "-":
            handle = open(name, "rb")
            watch(handle)
        yield from api.iter_load(handle or name, from_, encoding=encoding, report=report,
                                 **options.format_values)  # every format option, as the library reads
    except FileNotFoundError:
        unread("read.missing", "no such file")
    except IsADirectoryError:
        unread("read.directory", "is a directory", "pass --recursive")
    except PermissionError:
        unread("read.permission", "cannot read: permission denied")
    except ConversionError as exc:
        message = str(exc).removeprefix(f"{report.source}: ").removesuffix("; pass --from / format=")
        unread("read.format", message, "pass --from FORMAT")
    finally:
        if handle is not None:
            handle.close()


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
                  watch: Callable[[BinaryIO], Any] | None = None, jobs: int = 1, block_size: int | None = None,
                  dask: Any = None, **options: Any) -> BatchConversion:
    """Convert several inputs (paths, '-' for stdin, or streams) into one output, with
    citation keys unique across all of them; ``refconv convert a b -o out`` is this.

    ``output`` is a path, written atomically and left as it was when the run converts
    nothing or, under ``strict``, when an input, the writer or ``problems`` (say, from
    finding the inputs) gave a warning or an error; or a text stream, written as records
    come. A bad input costs only itself: its problems are diagnostics in its
    ``InputResult``. ``on_record`` is called for each record read, ``on_input`` with each
    input's result once it is read (for progress and diagnostics as they come), ``watch``
    with each input file's binary handle as it is opened (to follow how far it is read).
    ``options`` are the keywords of ``Options``; ``count_losses`` counts the writer's
    losses in ``losses`` instead of listing each in ``diagnostics``. With ``jobs`` > 1,
    one big input (listing, RIS, BibTeX as ``split.bibtex_layout`` allows, or the arXiv snapshot
    and refconv-json lines) is cut into
    blocks of about ``block_size`` bytes that ``jobs`` processes convert (``parallel.py``):
    the same output, byte for byte. With ``dask`` (a scheduler's address, ``local[:N]`` or
    a ``distributed.Client``), the inputs are converted on that Dask cluster (``dask.py``),
    in blocks of about ``block_size`` bytes: the same output, byte for byte.
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
            for record in read_input(source, from_, encoding, opts, report, watch=watch):
                read += 1
                if on_record:
                    on_record()
                yield record
            result = InputResult(report.source or "", read, report.failed, report.diagnostics)
            results.append(result)
            if on_input:
                on_input(result)

    name = os.fspath(output) if isinstance(output, (str, os.PathLike)) else getattr(output, "name", None)
    out_report = Reporter(name if isinstance(name, str) else "<output>",
                          losses=LossTally() if count_losses else None)
    plan = _split_plan(sources, from_, encoding, opts, to, block_size) if jobs > 1 and dask is None else None

    def write(out: TextIO) -> int:
        if dask is not None:
            from .dask import convert_sources  # Dask is an optional extra: imported only here

            return convert_sources(sources, from_, encoding, to, out, out_report, opts, dask, block_size, on_record,
                                   on_input, reports, results)
        if plan is not None:
            return _convert_blocks(plan, encoding, to, out, out_report, opts, jobs, on_record, on_input, reports,
                                   results, watch)
        return api.write_records(records(), out, to, out_report, opts)

    kept = False
    if isinstance(output, (str, os.PathLike)):
        sink = api.atomic_output(output)
        with sink as out:
            written = write(out)
            kept = keep_old_output(written, reports, out_report, out_report.source or "", strict=strict,
                                   problems=problems)
            if kept:
                sink.discard()
                written = 0
    else:
        written = write(output)
    return BatchConversion(results, written, out_report.diagnostics, out_report.source or "", out_report.losses, kept)


def _split_plan(sources: list, from_: str | None, encoding: str, options: Options, to: str, size: int | None):
    """For one input file of a format cut at record boundaries (``split.py``), the blocks to
    convert in parallel and what finding the format said; None otherwise."""
    if len(sources) != 1 or not isinstance(sources[0], (str, os.PathLike)) or not os.path.isfile(sources[0]):
        return None
    from . import parallel

    if not parallel.writable_in_pieces(to, options):
        return None
    found = split_file(os.fspath(sources[0]), from_, encoding, size)
    if found is not None and found[0] == "refconv-json" and to in ("bibtex", "biblatex"):
        return None  # its records may carry a BibTeX source's @string macros, written once per output
    return found if found is not None and len(found[1]) >= 2 else None


def split_file(path: str, from_: str | None, encoding: str, size: int | None, opener=None, total: int | None = None,
               source: str | None = None):
    """``path`` as (format, blocks, report with what finding the format said) when it can be
    cut at record boundaries (``split.py``), else None (one process reads it and says what is
    wrong with it); ``opener``, ``total`` and ``source`` (its name in diagnostics) for a file
    that is not local (``dask.py``)."""
    from . import split
    from .textio import DecodedLines

    opener = opener or split.open_bytes
    report = Reporter(source or path)
    try:
        with opener(path) as handle:  # the format, said as one process says it, and the file's encoding
            stream = DecodedLines(handle, encoding, source or path)
            format = api.reader_format(stream.read(api.HEAD_SIZE), from_, source or path, report).name
    except (OSError, ConversionError, UnicodeError):
        return None
    layout = split.layout(path, format, stream.encoding_name, opener)
    if layout is None:
        return None  # (e.g. a BibTeX file defining macros between its entries is read whole)
    return format, split.blocks(path, format, size or split.BLOCK_SIZE, opener, total, layout), report


def _convert_blocks(plan, encoding: str, to: str, out: TextIO, out_report: Reporter, options: Options, jobs: int,
                    on_record, on_input, reports: list[Reporter], results: list[InputResult], watch) -> int:
    from . import parallel

    format, blocks, report = plan
    reports.append(report)
    read_options = Options.from_kwargs(**options.format_values)  # as read_input reads
    with open(blocks[0].path, "rb") as handle:  # how far the input is converted: its offset, for ``watch``
        if watch is not None:
            watch(handle)
        outcome = parallel.convert(blocks, format, encoding, to, out, out_report, options, jobs, on_record,
                                   read_options=read_options, on_block=lambda block: handle.seek(block.end))
    report.diagnostics.extend(outcome.read_diagnostics)
    report.failed += outcome.failed
    result = InputResult(report.source or "", outcome.read, report.failed, report.diagnostics)
    results.append(result)
    if on_input:
        on_input(result)
    return outcome.written


# --- one output per input ---------------------------------------------------------------


def output_path(name: str, root: str | None, out_dir: str, extension: str) -> Path:
    """Where one input's output goes: its name with the target's extension, under out_dir,
    keeping the layout below a directory given with --recursive."""
    from pathlib import Path

    if name == "-":
        return Path(out_dir, "stdin" + extension)
    source = Path(name)
    relative = source.relative_to(root) if root else Path(source.name)
    stem = relative.name
    for ext in sorted(reader_extensions(), key=len, reverse=True):
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)]
            break
    else:  # an extension no reader claims (.jsonl, .dat) is replaced too; a name with none (arXiv's `new`) stays
        stem = _OTHER_EXTENSION.sub("", stem) or stem
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
        out_report.warning("write.strict-kept", f"not written: --strict and the run had warnings or "
                           f"errors{kept}", hint="fix them, or run without --strict to write what converted")
        return True
    if written == 0:
        if not failed:
            out_report.warning("write.nothing", f"no records read: not written{kept}")
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
    targets = output_paths(inputs, out_dir, extension)
    results: list[InputResult | None] = [None] * len(inputs)

    def finish(index: int, result: InputResult) -> None:
        target, natural = targets[index]
        if natural is not None:  # said before done() renders the result, so it is shown with it
            result.diagnostics.insert(0, Diagnostic(
                "batch.renamed", Severity.INFO, f"written to {target}: {natural} is another input's output",
                source=result.name if result.name != "-" else "<stdin>"))
            result.renamed = str(target)
        results[index] = result
        if done:
            done(result)

    if jobs <= 1 or len(inputs) <= 1:
        for index, (name, _) in enumerate(inputs):
            finish(index, convert_file(name, str(targets[index][0]), to, from_, encoding, options, count_losses,
                                       strict))
        return [r for r in results if r is not None]
    # ~30 ms to import: only when --jobs needs it
    from concurrent.futures import ProcessPoolExecutor, as_completed

    _import_formats(to, from_)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(convert_file, name, str(targets[index][0]), to, from_, encoding, options,
                               count_losses, strict): index
                   for index, (name, _) in enumerate(inputs)}
        for future in as_completed(futures):
            finish(futures[future], future.result())
    return [r for r in results if r is not None]  # in input order, whatever order they finished in


def output_paths(inputs: list[tuple[str, str | None]], out_dir: str, extension: str
                 ) -> list[tuple[Path, Path | None]]:
    """Per input, its output path and, when that is not its own name because an earlier
    input has it, the name it would have had. Clashing inputs get ``x-2``, ``x-3``, ... in
    input order, skipping names another input has as its own (``x-2.bib`` given too), so no
    output overwrites another and the same command always gives the same names. Names are
    compared case-folded: on macOS and Windows ``X.json`` and ``x.json`` are one file."""
    natural = [output_path(name, root, out_dir, extension) for name, root in inputs]
    owners: dict[str, int] = {}
    for index, path in enumerate(natural):
        owners.setdefault(str(path).casefold(), index)
    taken = set(owners)
    paths: list[tuple[Path, Path | None]] = []
    for index, path in enumerate(natural):
        if owners[str(path).casefold()] == index:
            paths.append((path, None))
            continue
        counter = 2
        while (candidate := path.with_name(f"{path.stem}-{counter}{path.suffix}")) and \
                str(candidate).casefold() in taken:
            counter += 1
        taken.add(str(candidate).casefold())
        paths.append((candidate, path))
    return paths
