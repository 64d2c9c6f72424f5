"""``refconv``: a thin click layer over the library API.

Exit codes: 0 every record converted; 1 some records failed (the rest are written);
2 usage errors. Diagnostics go to stderr as ``file:line: severity: message``.
"""

from __future__ import annotations

import sys

import click

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("refconv")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


EXIT_INTERNAL = 3


class _Group(click.Group):
    """Our own bugs get one clear line and exit 3, not a traceback (REFCONV_DEBUG=1 shows it)."""

    def invoke(self, ctx):
        import os

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("REFCONV_DEBUG") == "1":
                raise
            click.echo(f"refconv: internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("refconv: this is a bug in refconv; rerun with REFCONV_DEBUG=1 for the traceback "
                       "and report it", err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", prog_name="refconv", message="%(prog)s %(version)s")
def main() -> None:
    """Convert bibliographic records between arXiv listings, BibTeX, BibLaTeX, RIS,
    CSL-JSON and JATS."""


@main.command()
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


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--from", "from_", metavar="FORMAT", help="Input format (default: guessed from extension and content).")
@click.option("--to", "to", required=True, metavar="FORMAT", help="Output format (see 'refconv formats').")
@click.option("-o", "--output", default="-", metavar="FILE", show_default=True,
              help="Output file, written atomically; '-' is stdout.")
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the inputs.")
@click.option("--tex", "tex", type=click.Choice(["utf8", "ascii", "minimal"]),
              help="BibTeX output encoding: ascii (BibTeX default), utf8 (BibLaTeX default), minimal.")
@click.option("--plain-math", is_flag=True, help="Write maths as Unicode text in CSL-JSON and RIS.")
@click.option("--no-protect-case", is_flag=True, help="Do not brace inner-capital words in BibTeX titles.")
@click.option("--new-keys", is_flag=True, help="Make new citation keys even where the input has keys.")
@click.option("--key-pattern", metavar="PATTERN",
              help="Citation key pattern, e.g. '[auth:lower][year][shorttitle:3]' (see README).")
@click.option("--ris-type", "ris_type", default="UNPB", show_default=True,
              type=click.Choice(["UNPB", "JOUR", "GEN", "MANSCPT", "INPR", "RPRT", "ELEC"]),
              help="RIS TY for preprints.")
@click.option("--jats-mode", type=click.Choice(["references", "articles"]), default="references",
              show_default=True, help="JATS: one article with a ref-list, or one full article per record.")
@click.option("--ndjson", is_flag=True, help="CSL-JSON: one item per line.")
@click.option("--log", "log_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Diagnostics as text with source excerpts, or as JSON lines for machines.")
@click.option("--report", "report_path", metavar="FILE.json",
              help="Write the loss report: per record and field, what the target could not carry.")
@click.option("--strict", is_flag=True, help="Warnings fail the run (exit 1).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr, no summary.")
@click.option("-v", "--verbose", is_flag=True, help="Also info diagnostics (format guesses, fields a target cannot carry).")
def convert(inputs, from_, to, output, encoding, tex, plain_math, no_protect_case, new_keys, key_pattern, ris_type,
            jats_mode,
            ndjson, log_format, report_path, strict, quiet, verbose) -> None:
    """Convert INPUT files ('-' for stdin) to one output in --to FORMAT."""
    from . import api, registry
    from .diagnostics import ConversionError, Reporter, Severity, UsageError
    from .options import Options

    _exit_cleanly_on_sigterm()

    try:
        target = registry.get(to)
        if not target.can_write:
            raise UsageError(f"refconv cannot write '{target.name}'")
        if from_:
            registry.get(from_)
        options = Options(tex=tex, plain_math=plain_math, protect_case=not no_protect_case, keep_keys=not new_keys,
                          key_pattern=key_pattern, ris_preprint_type=ris_type, jats_mode=jats_mode, ndjson=ndjson)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None

    reports: list[Reporter] = []
    shown = {Severity.ERROR} | (set() if quiet else {Severity.WARNING}) | ({Severity.INFO} if verbose else set())

    def emit(report: Reporter) -> None:
        fresh = [d for d in report.diagnostics[report_printed.get(id(report), 0):] if d.severity in shown]
        report_printed[id(report)] = len(report.diagnostics)
        if log_format == "json":
            for diag in fresh:
                click.echo(diag.to_json(), err=True)
        else:
            from .render import render_all

            for text in render_all(fresh, encoding):
                click.echo(text, err=True)

    report_printed: dict[int, int] = {}

    def records():
        for name in inputs:
            report = Reporter(name if name != "-" else "<stdin>")
            reports.append(report)
            try:
                yield from api.iter_load(name, from_, encoding=encoding, report=report,
                                         **_read_options(options))
            except FileNotFoundError:
                report.error("read.missing", f"no such file: {name}")
            except IsADirectoryError:
                report.error("read.directory", f"{name} is a directory")
            except ConversionError as exc:
                report.error("read.format", str(exc), hint="pass --from FORMAT")
            except UsageError as exc:
                raise click.UsageError(str(exc)) from None
            emit(report)

    out_report = Reporter(output if output != "-" else "<stdout>")
    try:
        if output == "-":
            stdout = sys.stdout
            if hasattr(stdout, "reconfigure"):
                stdout.reconfigure(newline="")
            written = api.write_records(records(), stdout, target.name, out_report, options)
        else:
            sink = api.atomic_output(output)
            with sink as out:
                written = api.write_records(records(), out, target.name, out_report, options)
                if written == 0 and any(r.failed for r in reports):
                    sink.discard()  # nothing converted: leave no output file behind
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    emit(out_report)

    from .loss import loss_report, summary_lines

    losses = loss_report(out_report.diagnostics, target.name)
    if report_path:
        import json

        with api.atomic_output(report_path) as handle:
            json.dump(losses, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
    if not quiet and log_format == "text" and not verbose:  # -v showed every loss already
        for line in summary_lines(losses):
            click.echo(f"not carried: {line}", err=True)

    failed = sum(r.failed for r in reports)
    warnings = sum(d.severity is Severity.WARNING for r in (*reports, out_report) for d in r.diagnostics)
    if log_format == "json":
        import json

        click.echo(json.dumps({"summary": {"converted": written, "failed": failed, "warnings": warnings}}), err=True)
    elif not quiet:
        total = written + failed
        summary = f"{written} of {total} records converted"
        if failed:
            summary += f"; {failed} failed"
        if warnings:
            summary += f"; {warnings} warning{'s' if warnings != 1 else ''}"
        click.echo(summary, err=True)
    if failed or (strict and warnings):
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="FILE...")
@click.option("--from", "from_", metavar="FORMAT", help="Input format (default: guessed).")
@click.option("--encoding", default="utf-8", show_default=True)
@click.option("--schemas", metavar="DIR", envvar="REFCONV_SCHEMAS",
              help="Folder with csl/csl-data.json and jats/1.4/ DTDs: also check CSL-JSON and JATS against them.")
@click.option("--log", "log_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Only errors, no summary.")
def validate(inputs, from_, encoding, schemas, log_format, quiet) -> None:
    """Read FILEs and report every problem, writing nothing."""
    from .diagnostics import Severity
    from .render import render_all
    from .validate import schema_dir, validate as check

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
    (SIGKILL cannot be caught: the target is still never partial, a stray .tmp may stay.)"""
    import signal

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    try:
        signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        pass


def _read_options(options) -> dict:
    return {"jats_front": options.jats_front}


if __name__ == "__main__":  # pragma: no cover
    main()
