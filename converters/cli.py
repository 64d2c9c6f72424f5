"""``refconv``: a thin click layer over the library API.

Exit codes: 0 every record converted; 1 some records failed (the rest are written), or an
output could not be written (read-only, full disk, closed stdout); 2 usage errors (an output
that is a directory or in a missing one). Diagnostics go to stderr as ``file:line: severity: message``.
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .targets import TARGETS

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


EXIT_INTERNAL = 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a pipe reader that quit
STDOUT = "<stdout>"


class _Group(click.Group):
    """Our own bugs get one clear line and exit 3, not a traceback (REFCONV_DEBUG=1 shows it)."""

    def invoke(self, ctx):

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # the reader of our stdout stopped early (| head): quiet, like other tools
            _silence_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        except OSError as exc:
            from .output import OutputError

            if not isinstance(exc, OutputError):
                return self._internal_error(exc)
            # not a bug: the output's folder, disk or stdout failed us; the OS says why
            click.echo(f"refconv: {exc}", err=True)
            if exc.filename == STDOUT:
                _silence_stdout()  # else the exit flush fails again, with a traceback
            sys.exit(EXIT_FAILED)
        except Exception as exc:  # the last line of defence
            return self._internal_error(exc)

    @staticmethod
    def _internal_error(exc: Exception):
        import os

        if os.environ.get("REFCONV_DEBUG") == "1":
            raise exc
        click.echo(f"refconv: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("refconv: this is a bug in refconv; rerun with REFCONV_DEBUG=1 for the traceback "
                   "and report it", err=True)
        sys.exit(EXIT_INTERNAL)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush of what is still buffered
    cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):  # no real stdout (closed, or captured in tests)
        pass


_EXAMPLES = """\b
Examples:
  refconv convert listing.txt -t bibtex -o refs.bib
  refconv convert -f bibtex -t csl-json refs.bib > refs.json
  refconv validate refs.json
  refconv formats
  refconv convert --help          # every option, the formats' own ones too

\b
Shell completion (bash; zsh and fish likewise, see README):
  eval "$(_REFCONV_COMPLETE=bash_source refconv)"
"""


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from .compiled import build_description

    # the version constant, not importlib.metadata: that import alone costs ~40 ms of start-up
    click.echo(f"refconv {__version__} ({build_description()})")
    ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EXAMPLES)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and the build (compiled with mypyc, or pure Python), then exit.")
def main() -> None:
    """Convert bibliographic records between arXiv listings, BibTeX, BibLaTeX, RIS,
    CSL-JSON and JATS."""


@main.command(epilog="""\b
Examples:
  refconv formats
  refconv convert -f ris -t csljson refs.ris    # a name or an alias from the table
""")
def formats() -> None:
    """List the formats refconv reads and writes."""
    from . import registry

    rows = [("name", "read", "write", "aliases", "extensions", "description")]
    for fmt in registry.all_formats():
        rows.append((fmt.name, "yes" if fmt.can_read else "-", "yes" if fmt.can_write else "-",
                     ",".join(fmt.aliases) or "-", ",".join(fmt.extensions) or "-", fmt.description))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5])


class _WithFormatFlags(click.Command):
    """A command with one flag per option the formats declare (``registry.Option``), put
    before ``--log``. They are built when the command parses or shows help, not at import:
    installed plugins' formats are known only then, and ``--version`` need not know them."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        from . import registry

        declared = registry.declared_options()
        if getattr(self, "_built_from", None) is not declared:  # first use, or the formats changed (tests)
            own = getattr(self, "_own_params", None) or list(self.params)
            at = next(i for i, p in enumerate(own) if p.name == "log_format")
            self._own_params = own
            self.params = [*own[:at], *_format_flags(declared), *own[at:]]
            self._built_from = declared
        return super().get_params(ctx)


def _format_flags(declared) -> list[click.Parameter]:
    flags: list[click.Parameter] = []
    for name, (option, formats) in declared.items():
        text = f"{option.help} [{', '.join(formats)}]"
        if option.type is bool:
            spelling = f"{option.flag}/--no-{option.flag[2:]}" if option.default else option.flag
            flags.append(click.Option([spelling, name], is_flag=True, default=option.default, help=text))
        else:
            flags.append(click.Option([option.flag, name], default=option.default, show_default=True,
                                      type=click.Choice(option.choices) if option.choices else str, help=text))
    return flags


_CONVERT_EXAMPLES = """\b
Examples:
  refconv convert listing.txt -t bibtex -o refs.bib
  refconv convert -f bibtex -t csl-json refs.bib > refs.json
  refconv convert 'exports/*.ris' -t biblatex -o all.bib    # many inputs, one output
  refconv convert library/ -r -t csl-json --out-dir out/ -j 4
  cat refs.ris | refconv convert - -t jats --jats-mode articles
"""


@main.command(cls=_WithFormatFlags, epilog=_CONVERT_EXAMPLES)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-f", "--from", "from_", metavar="FORMAT",
              help="Input format (default: guessed from extension and content).")
@click.option("-t", "--to", "to", required=True, metavar="FORMAT", help="Output format (see 'refconv formats').")
@click.option("-o", "--output", default="-", metavar="FILE", show_default=True,
              help="One output for all inputs, written atomically; '-' is stdout.")
@click.option("--out-dir", metavar="DIR",
              help="One output per input in DIR, named after it, with the target's extension.")
@click.option("-r", "--recursive", is_flag=True, help="Convert the files under directories given as inputs.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Use this many processes: with --out-dir, inputs at once; with -o FILE, one big "
                   "listing, RIS, BibTeX or JSON-lines input cut into blocks (the same output as one process).")
@click.option("--dask", "dask", metavar="ADDRESS",
              help="Convert on a Dask cluster: a scheduler's address (tcp://host:8786), or local[:N] for N "
                   "worker processes here (pip install 'refconv[dask]'); with -o, the same output as one process.")
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the inputs.")
@click.option("--new-keys", is_flag=True, help="Make new citation keys even where the input has keys.")
@click.option("--key-pattern", metavar="PATTERN",
              help="Citation key pattern, e.g. '[auth:lower][year][shorttitle:3]' (see README).")
@click.option("--for", "for_", type=click.Choice(sorted(TARGETS), case_sensitive=False),
              help="Shape the output for this reference manager's importer (default: standard output; "
                   "see the README's import targets).")
# here _WithFormatFlags puts the formats' own options: --tex, --ris-type, --jats-mode ...
@click.option("--log", "log_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Diagnostics as text with source excerpts, or as JSON lines for machines.")
@click.option("--report", "report_path", metavar="FILE.json",
              help="Write the loss report: per record and field, what the target could not carry.")
@click.option("--strict", is_flag=True, help="Warnings fail the run (exit 1).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr: no progress, no summary.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also info diagnostics (format guesses, fields a target cannot carry).")
def convert(inputs, from_, to, output, out_dir, recursive, jobs, dask, encoding, new_keys, key_pattern, log_format,
            report_path, strict, quiet, verbose, for_, **format_options) -> None:
    """Convert INPUT files ('-' for stdin, directories with -r, quoted globs) to --to FORMAT.

    Every input goes into one output (-o, or stdout), with citation keys unique across
    them, or each into its own file (--out-dir). Format options apply to the formats in
    brackets; 'refconv formats' lists the formats.
    """
    import errno
    import os

    from . import batch, registry
    from .diagnostics import Severity, UsageError
    from .options import Options

    _exit_cleanly_on_sigterm()
    try:
        target = registry.get(to)
        if not target.can_write:
            raise UsageError(f"refconv cannot write '{target.name}'")
        if from_ and not registry.get(from_).can_read:
            raise UsageError(f"refconv cannot read '{from_}'")
        if out_dir and output != "-":
            raise UsageError("give either -o/--output (one output) or --out-dir (one output per input), not both")
        for option, path in (("-o", None if output == "-" else output), ("--report", report_path)):
            _check_output_file(option, path)
        if dask and out_dir:
            raise UsageError("--dask converts into one output (-o): give -o FILE, not --out-dir")
        if dask and jobs > 1:
            raise UsageError("give either --jobs (processes here) or --dask (a cluster's workers), not both")
        if out_dir and os.path.exists(out_dir) and not os.path.isdir(out_dir):
            raise UsageError(f"--out-dir {out_dir}: {os.strerror(errno.ENOTDIR)}")
        option_values = dict(keep_keys=not new_keys, key_pattern=key_pattern, target=for_, **format_options)
        options = Options(**option_values)
        import codecs

        codecs.lookup(encoding)
    except LookupError:
        raise click.UsageError(f"unknown encoding '{encoding}'") from None
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None

    shown = {Severity.ERROR} | (set() if quiet else {Severity.WARNING}) | ({Severity.INFO} if verbose else set())
    progress = _Progress(enabled=not quiet and log_format == "text" and sys.stderr.isatty())

    def emit(diagnostics) -> None:
        fresh = [d for d in diagnostics if d.severity in shown]
        if not fresh:
            return
        if log_format == "json":
            lines = [d.to_json() for d in fresh]
        else:
            from .render import render_all

            lines = render_all(fresh, encoding)
        with progress.lock:  # not torn by the progress line redrawn meanwhile
            progress.clear()
            for line in lines:
                click.echo(line, err=True)

    paths, problems = batch.expand_inputs(inputs, recursive, from_, encoding)
    emit(problems)
    progress.start([name for name, _ in paths])
    # losses one by one only where they are shown (-v, --log json) or written (--report);
    # otherwise the writers count them, so memory stays flat however many records there are
    count_losses = not (report_path or verbose or log_format == "json")
    if out_dir:
        progress.total_files = len(paths)

        def done(result: batch.InputResult) -> None:
            emit(result.diagnostics)
            progress.file_done(result.records, result.name)

        results = batch.convert_each(paths, out_dir, target.name, from_, encoding, options, jobs, done,
                                     count_losses=count_losses, strict=strict)
        written = sum(r.records for r in results)
        out_diagnostics = [d for r in results for d in r.diagnostics]
        tallies = [r.losses for r in results if r.losses is not None]
    else:
        results, written, out_diagnostics, tallies = _convert_to_one(paths, output, target.name, from_, encoding,
                                                                     option_values, emit, progress, count_losses,
                                                                     strict=strict, problems=problems, jobs=jobs,
                                                                     dask=dask)
    progress.stop()
    unread = batch.unread_inputs([*problems, *(d for r in results for d in r.diagnostics)])
    failed = sum(r.failed for r in results) + sum(d.severity is Severity.ERROR and d.code not in batch.INPUT_ERRORS
                                                  for d in problems)
    warnings = sum(r.warnings for r in results) + sum(d.severity is Severity.WARNING for d in problems)
    _report_losses(out_diagnostics, target.name, report_path, quiet or log_format == "json" or verbose, tallies)
    if log_format == "json":
        import json

        click.echo(json.dumps({"summary": {"converted": written, "failed": failed, "warnings": warnings,
                                           "unread_inputs": unread}}), err=True)
    elif not quiet:
        skipped = sum(d.code == "batch.skipped" for d in problems)
        click.echo(_summary(written, failed, warnings, unread, out_dir, results, skipped), err=True)
    if failed or unread or (strict and warnings):
        sys.exit(EXIT_FAILED)


def _summary(written: int, failed: int, warnings: int, unread: int, out_dir: str | None, results,
             skipped: int = 0) -> str:
    """The last line: records converted of those read, and the inputs that were not read at all
    (a missing file is no failed record), and with --out-dir the outputs renamed for a clash."""
    summary = f"{written} of {written + failed} records converted" if written + failed else "no records converted"
    if out_dir:
        summary += f" from {len(results) - unread} input(s) into {out_dir}"
    if failed:
        summary += f"; {failed} failed"
    if unread:
        summary += f"; {unread} input{'s' if unread != 1 else ''} not read"
    if warnings:
        summary += f"; {warnings} warning{'s' if warnings != 1 else ''}"
    renamed = [r.renamed for r in results if getattr(r, "renamed", None)]
    if renamed:
        summary += f"; renamed, as inputs share a name: {', '.join(renamed)}"
    if skipped:
        summary += (f"; {skipped} file{'s' if skipped != 1 else ''} under the directories skipped "
                    "(-v says which and why)")
    return summary


def _check_output_file(option: str, path: str | None) -> None:
    """An output file that is a directory, or in a folder that does not exist, is a mistake
    on the command line: say so before reading anything."""
    import errno
    import os

    from .diagnostics import UsageError

    if path is None:
        return
    if os.path.isdir(path):
        hint = f", or --out-dir {path} for one output per input" if option == "-o" else ""
        raise UsageError(f"{option} {path}: {os.strerror(errno.EISDIR)} (give a file name{hint})")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        code = errno.ENOTDIR if os.path.exists(folder) else errno.ENOENT
        raise UsageError(f"{option} {path}: {os.strerror(code)}: {folder} (the folder of an output "
                         f"file is not created)")


def _convert_to_one(paths, output, to, from_, encoding, option_values, emit, progress, count_losses=False, *,
                    strict=False, problems=(), jobs=1, dask=None):
    """All inputs into one output: ``batch.convert_files``, with stdout guarded and
    each input's diagnostics shown once it is read."""
    from . import batch

    def input_done(result: batch.InputResult) -> None:
        emit(result.diagnostics)
        progress.file_done(0, result.name)

    names = [name for name, _ in paths]
    run = {"strict": strict, "count_losses": count_losses, "problems": problems, "jobs": jobs, "dask": dask,
           "on_record": progress.record, "on_input": input_done, "watch": progress.watch, **option_values}
    if output == "-":
        with _stdout_text() as stdout:
            done = batch.convert_files(names, stdout, to, from_, encoding=encoding, **run)
    else:
        done = batch.convert_files(names, output, to, from_, encoding=encoding, **run)
    emit(done.diagnostics)
    results = [*done.inputs, batch.InputResult(output, 0, 0, done.diagnostics)]  # the writer's warnings count too
    return results, done.count, done.diagnostics, [done.losses] if done.losses is not None else []


class _stdout_text:
    """stdout as a text stream whose write errors (full disk, /dev/full) are OutputError."""

    def __enter__(self):
        import errno
        import io

        from .output import OutputError, text_output

        stdout = sys.stdout
        if stdout is None:  # started with stdout closed (`>&-`)
            raise OutputError(STDOUT, errno.EBADF, "standard output is closed (give -o FILE)")
        binary = getattr(stdout, "buffer", None)
        if not isinstance(binary, (io.BufferedIOBase, io.RawIOBase)):  # a text-only stand-in (embedding)
            self.stream = None
            return stdout
        stdout.flush()
        self.stream = text_output(binary, STDOUT, stdout.encoding, stdout.errors or "strict", owned=False,
                                  line_buffering=getattr(stdout, "line_buffering", False))  # a terminal: per line
        return self.stream

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.stream is None:
            return
        if exc_type is None:
            self.stream.close()  # the last flush: its error is the run's error
            return
        try:
            self.stream.close()
        except OSError:
            pass  # the first error is the one to report


def _report_losses(diagnostics, target: str, report_path: str | None, silent: bool, tallies=()) -> None:
    from . import api
    from .loss import loss_report, summary_line

    losses = loss_report(diagnostics, target, tallies)
    if report_path:
        import json

        with api.atomic_output(report_path) as handle:
            json.dump(losses, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
    line = None if silent else summary_line(losses)
    if line:
        click.echo(line, err=True)


class _Progress:
    """One self-rewriting line on a terminal: bytes read of the inputs' total, records, rate,
    files and an ETA. A ticker redraws it twice a second, so a single large file shows how far
    it is from the first second, even while its reader has yielded no record yet (a BibTeX
    entry may wait for its crossref parent); the ETA follows the bytes, which any reader reads
    at a steady pace, where records per second start low."""

    def __init__(self, enabled: bool):
        import threading
        import time

        self.enabled = enabled
        self.records = 0
        self.files = 0
        self.total_files = 0
        self.sizes: dict[str, int] = {}  # per input file, its size (stdin has none)
        self.bytes_done = 0  # of the files finished
        self.reading = None  # the file being read, when watched: its offset is how far it is read
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False
        self.lock = threading.RLock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self, names: list[str]) -> None:
        import os
        import threading

        for name in names:
            try:
                self.sizes[name] = os.path.getsize(name) if name != "-" else 0
            except OSError:
                self.sizes[name] = 0
        if self.enabled:
            self._ticker = threading.Thread(target=self._tick, name="refconv-progress", daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            self._draw(force=True)

    def stop(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        self.clear()

    def watch(self, handle) -> None:
        self.reading = handle

    def bytes_read(self) -> int:
        import os

        handle, done = self.reading, self.bytes_done
        if handle is None:
            return done
        try:  # the descriptor's offset: read without the file object's lock, from the ticker
            return done + os.lseek(handle.fileno(), 0, os.SEEK_CUR)
        except (OSError, ValueError):  # closed meanwhile
            return done

    def record(self) -> None:
        self.records += 1
        if self.enabled and self.records % 256 == 0:
            self._draw()

    def file_done(self, records: int, name: str | None = None) -> None:
        with self.lock:
            self.files += 1
            self.records += records
            self.reading = None
            self.bytes_done += self.sizes.get(name or "", 0)
        if self.enabled:
            self._draw(force=True)

    def text(self) -> str:
        import time

        return progress_text(self.records, time.monotonic() - self.started, self.bytes_read(),
                             sum(self.sizes.values()), self.files, self.total_files)

    def _draw(self, force: bool = False) -> None:
        import time

        with self.lock:
            now = time.monotonic()
            if not force and now - self.last < 0.2:
                return
            self.last = now
            click.echo(f"\r{self.text()}\x1b[K", err=True, nl=False)
            self.shown = True

    def clear(self) -> None:
        with self.lock:
            if self.shown:
                click.echo("\r\x1b[K", err=True, nl=False)
                self.shown = False


def progress_text(records: int, elapsed: float, bytes_read: int, bytes_total: int, files: int = 0,
                  total_files: int = 0) -> str:
    """The progress line: the bytes read of the total, when the inputs' sizes are known, with
    an ETA from them; else the files done of the total, with an ETA from those."""
    elapsed = max(elapsed, 1e-6)
    parts = []
    remaining = None
    if bytes_total:
        done = min(bytes_read, bytes_total)
        parts.append(f"{_size(done)} of {_size(bytes_total)} ({100 * done // bytes_total}%)")
        if done:
            remaining = elapsed / done * (bytes_total - done)
    parts.append(f"{records:,} records  {records / elapsed:,.0f}/s" if records else "0 records")
    if total_files:
        parts.append(f"{files}/{total_files} files")
        if remaining is None and files:
            remaining = elapsed / files * (total_files - files)
    if remaining is not None:
        parts.append(f"ETA {int(remaining // 60)}:{int(remaining % 60):02d}")
    return "  ".join(parts)


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"  # pragma: no cover


@main.command(epilog="""\b
Examples:
  refconv validate refs.bib listing.txt
  refconv validate --schemas ../shared/schemas out.json out.xml   # also against CSL's schema, JATS's DTD
  refconv validate --log json refs.ris
""")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE...")
@click.option("-f", "--from", "from_", metavar="FORMAT", help="Input format (default: guessed).")
@click.option("--encoding", default="utf-8", show_default=True)
@click.option("--schemas", metavar="DIR", envvar="REFCONV_SCHEMAS",
              help="Folder with csl/csl-data.json and jats/1.4/ DTDs: also check CSL-JSON and JATS against them.")
@click.option("--log", "log_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Only errors, no summary.")
def validate(inputs, from_, encoding, schemas, log_format, quiet) -> None:
    """Read FILEs and report every problem, writing nothing."""
    from .diagnostics import Severity
    from .render import render_all
    from .validate import schema_dir
    from .validate import validate as check

    folder = schema_dir(schemas)
    total = failed = warnings = 0
    for name in inputs:
        report, count = check(name, from_, folder, encoding)
        shown = [d for d in report.diagnostics
                 if d.severity is Severity.ERROR or (not quiet and d.severity is Severity.WARNING)]
        lines = [d.to_json() for d in shown] if log_format == "json" else render_all(shown, encoding)
        for line in lines:
            click.echo(line, err=True)
        errors = sum(d.severity is Severity.ERROR for d in report.diagnostics)
        total += count
        failed += errors
        warnings += sum(d.severity is Severity.WARNING for d in report.diagnostics)
    if not quiet:
        schema_note = "" if folder else " (no --schemas: reader checks only)"
        click.echo(f"{len(inputs)} file(s), {total} records read; {failed} error(s), {warnings} warning(s)"
                   f"{schema_note}", err=True)
    if failed:
        sys.exit(EXIT_FAILED)


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so the atomic output removes its temporary file.
    (SIGKILL cannot be caught: the target is still never partial; on Linux its unnamed
    temporary file vanishes with the process, elsewhere a stray .tmp may stay.)"""
    import signal

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    try:
        signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
