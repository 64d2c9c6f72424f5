"""One big input converted by several processes into one output, byte for byte what one
process writes (``refconv convert big.txt -o out.json --jobs 2``).

The input is cut into blocks at record boundaries (``split.py``). Each worker reads a
block, keeps its records and sends back only the key each record asks for. The main
process hands out the final keys in input order (the only state records share: a key
must not repeat anywhere in the output) and the JATS ref ids with them; the worker then
writes its records with those keys, and the main process writes the pieces in input
order. A worker holds one block at a time, so memory stays flat whatever the input size.

Diagnostics come back per block with the file's own lines, and are merged in input
order; those said once per output (an unknown TeX macro, a lone surrogate) are kept
once, as one process says them.
"""

from __future__ import annotations

import dataclasses
import io
import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, TextIO

from . import api, registry
from .diagnostics import Diagnostic, Reporter
from .keys import GivenKeys, KeyAllocator
from .loss import LossTally
from .model import Record
from .options import Options
from .piece import Piece
from .split import Block
from .text.tex import each_record, unknown_macros_reported_to


@dataclass
class Outcome:
    """What the blocks gave: records read, written and failed, and the reader's diagnostics in
    input order (the writer's go to the output's report)."""

    read: int = 0
    written: int = 0
    failed: int = 0
    read_diagnostics: list[Diagnostic] = field(default_factory=list)


def writable_in_pieces(to: str, options: Options) -> bool:
    """The writer takes a Piece (JATS articles mode wraps its second article differently)."""
    if to == "jats":
        return options.jats_mode != "articles"
    return to in ("csl-json", "ris", "bibtex", "biblatex", "refconv-json")


def key_allocator(to: str, options: Options, report: Reporter | None) -> KeyAllocator:
    """The allocator the writer of ``to`` would use."""
    if to in ("bibtex", "biblatex"):
        from .formats.bibtex.writer import key_allocator as bibtex_keys

        return bibtex_keys(options, report, biblatex=to == "biblatex")  # type: ignore[arg-type]
    return KeyAllocator.for_options(options, report)


def convert(blocks: list[Block], format: str, encoding: str, to: str, out: TextIO, out_report: Reporter,
            options: Options, jobs: int, on_record: Callable[[], Any] | None = None, *,
            read_options: Options | None = None, on_block: Callable[[Block], Any] | None = None) -> Outcome:
    """Convert ``blocks`` (of one file, in order) with ``jobs`` worker processes into ``out``;
    ``read_options`` for the reader, when not ``options``; ``on_block`` is called with each
    block once it is written (for progress)."""
    registry.get(format).load("reader")  # imported once here, inherited by every forked worker
    registry.get(to).load("writer")
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    jobs = max(1, min(jobs, len(blocks)))
    pipes = [context.Pipe() for _ in range(jobs)]
    workers = [context.Process(target=_work, args=(child, format, encoding, to, options, read_options or options,
                                                   out_report.source, out_report.losses is not None), daemon=True)
               for _, child in pipes]
    for worker in workers:
        worker.start()
    conns = [parent for parent, _ in pipes]
    try:
        return _Run(blocks, conns, workers, to, out, out_report, options, on_record, on_block).run()
    finally:
        for conn in conns:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()


class _Run:
    """The main process's side: tasks out, keys in input order, pieces written in input order."""

    def __init__(self, blocks: list[Block], conns: list[Connection], workers: list, to: str, out: TextIO,
                 out_report: Reporter, options: Options, on_record: Callable[[], Any] | None,
                 on_block: Callable[[Block], Any] | None):
        self.blocks, self.conns, self.workers = blocks, conns, workers
        self.out, self.out_report, self.on_record, self.on_block = out, out_report, on_record, on_block
        self.dealer = KeyDealer(to, options, out_report)
        self.outcome = Outcome()
        self.asked: dict[int, tuple[list[str], int | None, str | None, list[Diagnostic], int, bool]] = {}
        self.pieces: dict[int, tuple[str, int, list[Diagnostic], LossTally | None]] = {}
        self.next_keys = self.next_piece = 0
        self.before = 0  # records in the blocks whose keys were handed out
        # what the writer carries across records (Piece.state: BibTeX's macros written so far), as
        # the last stateful block left it; a stateful block is written only once the one before is
        self.state: Any = None
        self.state_from: int | None = None  # the stateful block whose piece (and state) is awaited

    def run(self) -> Outcome:
        count, jobs = len(self.blocks), len(self.conns)
        for index in range(jobs):
            self._task(index)
        while self.next_piece < count:
            for conn in wait(self.conns):
                message = self._receive(conn)  # type: ignore[arg-type]
                if message[0] == "read":
                    self.asked[message[1]] = message[2:]
                else:
                    *piece, state = message[2:]
                    self.pieces[message[1]] = tuple(piece)
                    if message[1] == self.state_from:
                        self.state, self.state_from = state, None
                    if message[1] + jobs < count:  # that worker is free: its next block
                        self._task(message[1] + jobs)
            self._hand_out_keys()
            self._write_pieces()
        return self.outcome

    def _task(self, index: int) -> None:
        last = len(self.blocks) - 1
        self.conns[index % len(self.conns)].send((index, self.blocks[index], index == 0, index == last))

    def _receive(self, conn: Connection) -> tuple:
        try:
            message = conn.recv()
        except EOFError:
            worker = self.workers[self.conns.index(conn)]
            worker.join(timeout=1)
            raise RuntimeError(f"a conversion worker stopped (exit code {worker.exitcode})") from None
        if message[0] == "error":
            raise RuntimeError(f"a conversion worker failed:\n{message[1]}")
        return message

    def _hand_out_keys(self) -> None:
        """Keys in input order: a block's keys wait for every earlier block's."""
        while self.next_keys in self.asked:
            stateful = self.asked[self.next_keys][5]
            if stateful and self.state_from is not None:
                return  # it starts from the state an earlier block's writing leaves
            bases, warn_at, last_key, diagnostics, failed, _ = self.asked.pop(self.next_keys)
            self.conns[self.next_keys % len(self.conns)].send((*self.dealer.deal(bases, warn_at, last_key),
                                                               self.before, self.state if stateful else None))
            if stateful:
                self.state_from = self.next_keys
            self.before += len(bases)
            self.outcome.read += len(bases)
            self.outcome.failed += failed
            self.outcome.read_diagnostics.extend(diagnostics)
            if self.on_record:
                for _ in bases:
                    self.on_record()
            self.next_keys += 1

    def _write_pieces(self) -> None:
        while self.next_piece in self.pieces:
            text, written, diagnostics, losses = self.pieces.pop(self.next_piece)
            self.out.write(text)
            self.outcome.written += written
            self.out_report.diagnostics.extend(d for d in diagnostics if self.dealer.first(d))
            if losses is not None and self.out_report.losses is not None:
                self.out_report.losses.merge(losses)
            if self.on_block:
                self.on_block(self.blocks[self.next_piece])
            self.next_piece += 1


def _work(conn: Connection, format: str, encoding: str, to: str, options: Options, read_options: Options,
          out_name: str | None, count_losses: bool) -> None:
    """A worker: per task, read the block, ask for its keys, write it with the keys given."""
    try:
        while (task := conn.recv()) is not None:
            index, block, opens, closes = task
            def read(report: Reporter, block: Block = block) -> Iterable[Record]:
                return api.read_block(block, format, encoding, report, read_options)

            held = hold(read, block.path, to, options, out_name, count_losses)
            conn.send(("read", index, *held.asked(), held.stateful))
            given = conn.recv()
            if given is None:
                return
            keys, ids, warn_at, key_before, before, state = given
            if held.stateful and state is None:
                state = _fresh_state(to)
            piece = write_held(held, to, options, keys, ids, warn_at, key_before, before, opens, closes, state)
            conn.send(("piece", index, *piece, state if held.stateful else None))
    except Exception:  # said to the main process, which stops the run with it
        conn.send(("error", traceback.format_exc()))


def _fresh_state(to: str) -> Any:
    """What the writer carries across records before the first (BibTeX: the @string macros,
    @preamble text and parent links written so far)."""
    from .formats.bibtex.writer import WrittenSoFar

    return WrittenSoFar() if to in ("bibtex", "biblatex") else None


# --- what a worker does and what the main process does with it, here and on Dask (dask.py) ---------


@dataclass
class Held:
    """A block's records, held by the worker that read them until their keys are given."""

    records: list[Record]
    bases: list[str]  # the key each record asks for
    warn_at: int | None  # the first record a key pattern leaves unapplied, if any
    report: Reporter  # the reader's diagnostics
    written_report: Reporter  # the output's
    read_notes: ReadNotes
    stateful: bool = False  # a record reads or changes what the writer carries across records (Piece.state)

    def asked(self) -> tuple[list[str], int | None, str | None, list[Diagnostic], int]:
        """What the main process needs to deal the keys: never the records."""
        last_key = self.records[-1].key if self.records else None
        return self.bases, self.warn_at, last_key, self.report.diagnostics, self.report.failed


@dataclass
class ReadNotes:
    """Unknown TeX macros the reader met, and how many of them it had met when it gave each
    record. One process reads a record while the writer asks for it, so these notes come
    between the writer's, each naming the record written before (``tex.each_record``)."""

    notes: list[Diagnostic]
    marks: list[int]


def read_noting(read: Callable[[Reporter], Iterable[Record]], report: Reporter) -> tuple[list[Record], ReadNotes]:
    """The records ``read`` gives, with the macros met on the way (said on no report's source)."""
    said = Reporter(None)
    records, marks = [], []
    with unknown_macros_reported_to(said):
        for record in each_record(read(report)):  # reading the next names the one before, as in one process
            marks.append(len(said.diagnostics))
            records.append(record)
    return records, ReadNotes(said.diagnostics, marks)


def hold(read: Callable[[Reporter], Iterable[Record]], source: str | None, to: str, options: Options,
         out_name: str | None, count_losses: bool, read_notes: ReadNotes | None = None) -> Held:
    """Read a block (``read`` with the reader's report) and work out the keys its records ask
    for; ``read_notes`` when ``read`` gives records already read (with ``read_noting``)."""
    report = Reporter(source)
    if read_notes is None:
        records, read_notes = read_noting(read, report)
    else:
        records = list(read(report))
    wanted = key_allocator(to, options, None)
    bases = [wanted.base(record) for record in records]
    warn_at = next((i for i, record in enumerate(records) if wanted.leaves_pattern(record)), None)
    written_report = Reporter(out_name, losses=LossTally() if count_losses else None)
    stateful = False
    if to in ("bibtex", "biblatex"):
        from .formats.bibtex.writer import carries_state

        stateful = any(map(carries_state, records))
    return Held(records, bases, warn_at, report, written_report, read_notes, stateful)


def write_held(held: Held, to: str, options: Options, keys: list[str], ids: list[str] | None, warn_at: int | None,
               key_before: str | None, before: int, opens: bool, closes: bool, state: Any = None
               ) -> tuple[str, int, list[Diagnostic], LossTally | None]:
    """The block's records written with the keys the main process gave: the text, how many were
    written, and the output's diagnostics and losses. ``key_before``: the input key of the
    record before the block, which macros met before its first record name; ``state``: what the
    writer carries across records, as the blocks before left it (``Piece.state``), changed in place."""
    report = held.written_report
    notes, marks = held.read_notes.notes, held.read_notes.marks

    lead = marks[0] if marks else len(notes)  # met before the block's first record: said naming key_before

    def said(upto: int, done: int) -> int:
        report.diagnostics.extend(dataclasses.replace(note, source=report.source,
                                                      key=key_before if n < lead else note.key)
                                  for n, note in enumerate(notes[done:upto], done))
        return upto

    def interleaved() -> Iterator[Record]:
        done = 0
        for record, mark in zip(held.records, marks, strict=True):
            done = said(mark, done)
            yield record
        said(len(notes), done)

    text = io.StringIO(newline="")
    piece = Piece(GivenKeys(keys, ids, warn_at, report, options.key_pattern), before, opens, closes, state)
    written = api.write_records(interleaved(), text, to, report, options, piece)
    held.records = []  # written: not held any longer
    return text.getvalue(), written, report.diagnostics, report.losses


class KeyDealer:
    """The main process's side: keys in input order across blocks, and diagnostics said once
    per output kept once."""

    def __init__(self, to: str, options: Options, out_report: Reporter):
        self.keys = key_allocator(to, options, out_report)
        self.ref_ids = self.keys.ref_ids() if to == "jats" else None
        self.once: set[tuple[str, ...]] = set()
        self.last_key: str | None = None  # the input key of the last record dealt

    def deal(self, bases: list[str], warn_at: int | None, last_key: str | None
             ) -> tuple[list[str], list[str] | None, int | None, str | None]:
        """The next block's keys, JATS ref ids, where to warn of a pattern left unapplied, and
        the input key of the record before the block (``write_held``); ``last_key``: the
        block's last record's."""
        keys = self.keys
        given = [keys.unique(base) for base in bases]
        ids = [self.ref_ids.id_for(key) for key in given] if self.ref_ids is not None else None
        if warn_at is not None and keys.report is not None:
            keys.report = None  # said once per output, at the first record it is about
        else:
            warn_at = None
        key_before = self.last_key
        if bases:
            self.last_key = last_key
        return given, ids, warn_at, key_before

    def first(self, diagnostic: Diagnostic) -> bool:
        """False for a repeat of what one process says once per output."""
        said: tuple[str, ...]
        if diagnostic.code == "write.surrogate":
            said = (diagnostic.code,)
        elif diagnostic.code == "tex.unknown-macro":
            said = (diagnostic.code, diagnostic.message.partition(" kept as ")[0])
        else:
            return True
        if said in self.once:
            return False
        self.once.add(said)
        return True
