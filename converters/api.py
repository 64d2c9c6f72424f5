"""The library API, json-module style: load/loads, dump/dumps, convert, iter_load.

Readers and writers stream; ``loads``/``load`` collect the records into a ``Result``
that also carries every diagnostic, so callers never parse stderr.
"""

from __future__ import annotations

import codecs
import io
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import IO, TYPE_CHECKING, TextIO, TypeAlias

from . import registry
from .diagnostics import ConversionError, Diagnostic, Reporter, Severity, UsageError
from .model import Record
from .normalise import normalise
from .options import Options
from .output import atomic_output  # noqa: F401  (part of the API: where atomic output lives)
from .textio import DecodedLines, Encodable, SpotOwners

if TYPE_CHECKING:  # imported where a big input is cut (parallel.py), not on every start
    from .piece import Piece
    from .split import Block

HEAD_SIZE = 8192
# what the readers are handed: a caller's text stream, or refconv's own decoding one
TextSource: TypeAlias = IO[str] | io.TextIOBase


@dataclass
class Result:
    """Records read from one input, with the diagnostics and the format used."""

    records: list[Record]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    format: str | None = None
    failed: int = 0  # records that could not be converted

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> Record:
        return self.records[index]

    @property
    def ok(self) -> bool:
        """Every record of the input was read."""
        return self.failed == 0

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics that are errors."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]


@dataclass
class Conversion:
    """What ``convert`` returns: the output text and everything said on the way."""

    text: str
    count: int
    diagnostics: list[Diagnostic]
    failed: int
    from_format: str

    @property
    def ok(self) -> bool:
        """Every record converted."""
        return self.failed == 0


def reader_format(head: str, fmt: str | None, name: str | None, report: Reporter) -> registry.Format:
    """The format to read: ``fmt`` when given, else the one guessed from ``head`` (the first
    HEAD_SIZE characters) and the file name, said on ``report``; ConversionError when none fits."""
    if fmt:
        chosen = registry.get(fmt)
        if not chosen.can_read:
            readable = ", ".join(f.name for f in registry.readers())
            raise UsageError(f"refconv cannot read '{chosen.name}' yet; readable formats: {readable}")
        return chosen
    guessed, why = registry.guess(head, name)
    if guessed is None:
        raise ConversionError(
            f"{name or '<input>'}: cannot tell the input format ({why}); pass --from / format=",
            report.diagnostics,
        )
    report.info("read.detected", f"read as {guessed.name}: {why}")
    return guessed


def _guarded(records: Iterator[Record], report: Reporter, stream) -> Iterator[Record]:
    """Bad bytes were replaced as the stream decoded them: each is reported against the
    record holding it, which is left out. A
    caller's own strict text stream still ends the input with a diagnostic."""
    try:
        yield from SpotOwners(stream, report).filter(records)
    except UnicodeDecodeError as exc:  # a caller's own text stream
        report.error("read.encoding", f"input is not valid {exc.encoding}: byte 0x{exc.object[exc.start]:02x}",
                     hint="pass --encoding (latin-1, cp1252, gbk, ...)")


def _stream(stream: TextSource, fmt: str | None, name: str | None, report: Reporter,
            options: Options) -> tuple[registry.Format, Iterator[Record]]:
    head = stream.read(HEAD_SIZE)
    chosen = reader_format(head, fmt, name, report)
    report.format = chosen.name
    rest: TextSource | Iterable[str]
    if stream.seekable():
        stream.seek(0)
        rest = stream
    else:
        rest = _Rejoined(head, stream)
    # one pass after every reader
    records = map(partial(normalise, report=report), chosen.load("reader")(rest, report, options))
    return chosen, _guarded(records, report, stream)


class _Rejoined(io.TextIOBase):
    """A non-seekable stream with its already-read head put back in front."""

    def __init__(self, head: str, stream: TextSource):
        self._head = io.StringIO(head)
        self._stream = stream
        self._lines = itertools.chain(self._head, stream)

    def read(self, size: int | None = -1) -> str:
        """At most ``size`` characters (all that is left without one): a reader reading in
        chunks (the XML readers) keeps to its chunk size on a pipe too."""
        if size is None or size < 0:
            return self._head.read() + self._stream.read()
        text = self._head.read(size)
        if len(text) < size:
            text += self._stream.read(size - len(text))
        return text

    def __iter__(self):
        # the head may end mid-line: join the pieces back into whole lines
        pending = ""
        for piece in self._lines:
            pending += piece
            if pending.endswith("\n"):
                yield pending
                pending = ""
        if pending:
            yield pending

    def readable(self) -> bool:
        return True


def read_block(block: Block, format: str, encoding: str, report: Reporter, options: Options,
               opener: Callable[[str], IO[bytes]] | None = None) -> Iterator[Record]:
    """The records of one block of a file (``split.py``), with the file's own line numbers
    and offsets; ``encoding`` is the one the whole file decodes with; ``opener`` opens the
    file's bytes when it is not local (``dask.py``)."""
    with open(block.path, "rb") if opener is None else opener(block.path) as handle:
        prelude = None
        if block.prelude:  # what the file defines before its first record (a .bib file's @string macros)
            prelude = DecodedLines(io.BufferedReader(_Bounded(handle, block.prelude)), encoding, block.path).read()
        handle.seek(block.start)
        stream = DecodedLines(io.BufferedReader(_Bounded(handle, block.end - block.start)), encoding, block.path,
                              start=(block.start, block.lines))
        stream.prelude = prelude  # read first by the reader, which reports nothing of it
        _, records = _stream(stream, format, block.path, report, options)
        yield from records


class _Bounded(io.RawIOBase):
    """The next ``size`` bytes of a binary file."""

    def __init__(self, handle: IO[bytes], size: int):
        self._handle, self._left = handle, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        want = min(len(buffer), self._left)
        data = self._handle.read(want)
        buffer[:len(data)] = data
        self._left -= len(data)
        return len(data)


def loads(text: str, format: str | None = None, *, source: str = "<string>", **options) -> Result:
    """Read records from a string: ``loads(text)`` guesses the format, ``loads(text, "ris")``
    names it (a name or alias from ``refconv formats``). ``options`` are ``Options``
    keywords (``jats_front=True``). Problems are in ``Result.diagnostics``; a format that
    cannot be told raises ``ConversionError``, a bad request ``UsageError``."""
    opts = Options.from_kwargs(**options)
    report = Reporter(source)
    chosen, records = _stream(io.StringIO(text), format, None, report, opts)
    return Result(list(records), report.diagnostics, chosen.name, report.failed)


def _open_input(path_or_file: str | os.PathLike | IO, encoding: str) -> tuple[TextSource, str, bool]:
    """A text stream that reports undecodable bytes with their file offset and line."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding '{encoding}'") from None
    if isinstance(path_or_file, (str, os.PathLike)):
        path = os.fspath(path_or_file)
        if path == "-":
            import sys

            return DecodedLines(sys.stdin.buffer, encoding, "<stdin>"), "<stdin>", False
        return DecodedLines(open(path, "rb"), encoding, path), path, True
    name = getattr(path_or_file, "name", "<stream>")
    if isinstance(path_or_file, io.BufferedIOBase) or "b" in getattr(path_or_file, "mode", ""):
        return DecodedLines(path_or_file, encoding), name, False
    return path_or_file, name, False


def iter_load(path_or_file, format: str | None = None, *, encoding: str = "utf-8",
              diagnostics: list[Diagnostic] | None = None, report: Reporter | None = None,
              **options) -> Iterator[Record]:
    """Yield records as they are read; diagnostics are appended to ``diagnostics``."""
    opts = Options.from_kwargs(**options)
    stream, name, owned = _open_input(path_or_file, encoding)
    report = report or Reporter(name)
    if report.source is None:
        report.source = name
    if diagnostics is not None:
        report.diagnostics = diagnostics
    try:
        _, records = _stream(stream, format, name, report, opts)
        yield from records
    finally:
        if owned:
            stream.close()


def load(path_or_file, format: str | None = None, *, encoding: str = "utf-8", **options) -> Result:
    """Read records from a path ('-' for stdin) or a text or binary stream, decoding bytes
    with ``encoding`` (undecodable bytes are reported with their offset, line and column).
    Otherwise as ``loads``: ``load("refs.bib").records``."""
    report = Reporter()
    records = list(iter_load(path_or_file, format, encoding=encoding, report=report, **options))
    return Result(records, report.diagnostics, report.format, report.failed)


def write_records(records: Iterable[Record], out: TextIO, format: str, report: Reporter,
                  options: Options, piece: Piece | None = None) -> int:
    """Write ``records`` to the text stream ``out`` in ``format``, saying what it could not
    carry in ``report``; the number of records written. ``piece``: they are one block of a
    larger output (``parallel.py``)."""
    chosen = registry.get(format)
    if not chosen.can_write:
        writable = ", ".join(f.name for f in registry.writers())
        raise UsageError(f"refconv cannot write '{chosen.name}'; writable formats: {writable}")
    if options.target is not None:
        from .targets import measured

        if not measured(options.target, chosen.name):
            report.info("write.target-unmeasured", f"how {options.target} imports {chosen.name} is not recorded: "
                        f"standard {chosen.name} written")
    from .text.tex import each_record, unknown_macros_reported_to

    with unknown_macros_reported_to(report):  # one info per unknown TeX macro name per run
        writer = chosen.load("writer")
        if piece is not None:
            return writer(each_record(records), Encodable(out, report), report, options, piece)
        return writer(each_record(records), Encodable(out, report), report, options)


def dumps(records: Iterable[Record], format: str, *, diagnostics: list[Diagnostic] | None = None,
          **options) -> str:
    """The records as text in ``format``: ``dumps(records, "bibtex", tex="utf8")``. What the
    format cannot carry is appended to ``diagnostics`` when a list is given."""
    opts = Options.from_kwargs(**options)
    report = Reporter("<output>", diagnostics if diagnostics is not None else [])
    out = io.StringIO(newline="")
    write_records(records, out, format, report, opts)
    return out.getvalue()


def dump(records: Iterable[Record], path_or_file, format: str, *, diagnostics: list[Diagnostic] | None = None,
         **options) -> int:
    """Write records; a path is written atomically (see ``output.atomic_output``); a path that
    cannot be written raises ``OutputError`` naming it and the reason."""
    opts = Options.from_kwargs(**options)
    report = Reporter(str(path_or_file), diagnostics if diagnostics is not None else [])
    if isinstance(path_or_file, (str, os.PathLike)):
        with atomic_output(path_or_file) as out:
            return write_records(records, out, format, report, opts)
    return write_records(records, path_or_file, format, report, opts)


def convert(text: str, to: str, from_: str | None = None, **options) -> Conversion:
    """Convert a string: reader ``from_`` (guessed when None) then writer ``to``, with
    ``Options`` keywords for both: ``convert(text, to="ris", ris_type="JOUR").text``. For
    files, ``load`` then ``dump``, or ``convert_files`` for several inputs into one output."""
    opts = Options.from_kwargs(**options)
    report = Reporter("<string>")
    chosen, records = _stream(io.StringIO(text), from_, None, report, opts)
    out = io.StringIO(newline="")
    count = write_records(records, out, to, report, opts)
    return Conversion(out.getvalue(), count, report.diagnostics, report.failed, chosen.name)
