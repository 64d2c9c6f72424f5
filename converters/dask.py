"""Conversion on a Dask cluster (``pip install 'refconv[dask]'``; imported only when used).

``read_bag`` partitions inputs as ``--jobs`` cuts one big file (``split.py``): line-delimited
inputs (the arXiv snapshot, refconv-json) at line feeds, listings, RIS and BibTeX whose
entries share nothing at record boundaries, anything else one partition per file. A
partition is a list of records that also carries its reader's diagnostics, with the file's
own lines.

``to_format`` writes them with the ``--jobs`` protocol (``parallel.py``), as Dask tasks:

1. a task per partition reads it and works out the key each record asks for (``hold``);
   the records stay on that worker, only the key bases come back;
2. the client hands out the final keys in input order (``KeyDealer``): deterministic, no lock;
3. a task per partition writes its records with those keys, on the worker holding them.

At most ``window`` partitions are held at once, so a worker's memory stays flat however big
the input. A worker that dies loses only what it held: Dask reads those partitions again,
and since every step is deterministic the output does not change.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, TextIO

import dask.bag as db
import fsspec
from distributed import Client, Future, as_completed
from fsspec.implementations.local import LocalFileSystem

from . import api, parallel, registry
from .batch import BatchConversion, InputResult, read_input, split_file
from .diagnostics import Diagnostic, Reporter, UsageError
from .loss import LossTally
from .model import Record
from .options import Options
from .output import atomic_output
from .split import Block

BLOCK_SIZE = 4 << 20  # bytes a partition: a few thousand records, a fraction of a second of work


@dataclass(frozen=True)
class Part:
    """What one partition reads: a block of a file, or the whole file (``block`` None)."""

    source: str  # the input's name, as diagnostics give it
    path: str  # as the file system opens it
    fs: Any  # an fsspec file system; None for a local file (read as one process reads it)
    block: Block | None
    format: str | None  # None: guessed, as one process guesses it
    encoding: str
    said: tuple[Diagnostic, ...] = ()  # what planning said (the format guessed), on the first part of a file
    last: bool = True  # the input's last part


class Partition(list):
    """One partition's records, with the reader's diagnostics and failed count, and what
    reading said about the output (an unknown TeX macro: once per output, kept by the client)."""

    part: Part | None = None
    diagnostics: list[Diagnostic] = []
    failed: int = 0
    said: list[Diagnostic] = []


class _Opener:
    """Opens a path's bytes on an fsspec file system (picklable, for the workers)."""

    def __init__(self, fs):
        self.fs = fs

    def __call__(self, path: str) -> IO[bytes]:
        return self.fs.open(path, "rb")


# --- reading ----------------------------------------------------------------------------------


def read_bag(urlpath: str | os.PathLike | list, format: str | None = None, *, blocksize: int = BLOCK_SIZE,
             encoding: str = "utf-8", storage_options: dict | None = None, **options: Any) -> db.Bag:
    """A ``dask.bag.Bag`` of the records of ``urlpath`` (a path, a glob, an fsspec URL such as
    ``s3://bucket/snapshot-*.json``, or a list of them), in input order. ``format`` as
    ``api.load``; ``options`` are the reader's ``Options`` keywords. Each partition is a
    ``Partition``: a list of records with ``.diagnostics`` (file and line as one process
    gives them) and ``.failed``; ``to_format`` returns them all."""
    opts = Options.from_kwargs(**options)
    urls = list(urlpath) if isinstance(urlpath, (list, tuple)) else [urlpath]
    parts: list[Part] = []
    for url in [os.fspath(u) for u in urls]:
        fs, _, paths = fsspec.core.get_fs_token_paths(url, mode="rb", storage_options=storage_options)
        local = isinstance(fs, LocalFileSystem)
        for path in sorted(paths):
            if not local:
                parts.extend(plan(fs.unstrip_protocol(path), path, fs, format, encoding, blocksize))
            else:  # a local file is named as given, as one process names it
                plain = len(paths) == 1 and "://" not in url and not set("*?[") & set(url)
                parts.extend(plan(url if plain else path, url if plain else path, None, format, encoding, blocksize))
    return bag_of(parts, opts)


def plan(source: str, path: str, fs, format: str | None, encoding: str, blocksize: int) -> list[Part]:
    """``path``'s partitions: its blocks where it can be cut (``split.py``), else the whole file."""
    opener = _Opener(fs) if fs is not None else None
    total = fs.size(path) if fs is not None else None
    found = split_file(path, format, encoding, blocksize, opener, total, source) if fs is not None or \
        os.path.isfile(path) else None
    if found is None or len(found[1]) < 2:
        return [Part(source, path, fs, None, format, encoding)]
    chosen, blocks, report = found
    return [Part(source, path, fs, block, chosen, encoding, tuple(report.diagnostics) if n == 0 else (),
                 n == len(blocks) - 1) for n, block in enumerate(blocks)]


def bag_of(parts: list[Part], options: Options) -> db.Bag:
    name = f"refconv-read-{uuid.uuid4().hex}"
    graph: dict = {(name, n): (read_part, part, options) for n, part in enumerate(parts)}
    return db.Bag(graph, name, len(parts))


def read_part(part: Part, options: Options) -> Partition:
    """A partition's records, read on a worker as one process reads that part of the file."""
    from .text.tex import unknown_macros_reported_to

    report, said = Reporter(part.source), Reporter(None)
    with unknown_macros_reported_to(said):
        records = Partition(_records(part, options, report))
    records.part, records.failed, records.said = part, report.failed, said.diagnostics
    records.diagnostics = [*part.said, *report.diagnostics]
    return records


def _records(part: Part, options: Options, report: Reporter) -> Iterator[Record]:
    if part.block is not None:
        assert part.format is not None
        opener = _Opener(part.fs) if part.fs is not None else None
        yield from api.read_block(part.block, part.format, part.encoding, report, options, opener)
    elif part.fs is None:
        yield from read_input(part.path, part.format, part.encoding, options, report)
    else:
        with part.fs.open(part.path, "rb") as handle:
            yield from read_input(handle, part.format, part.encoding, options, report)


# --- writing ----------------------------------------------------------------------------------


@dataclass
class Dealt:
    """What the client learnt of one partition once its keys were handed out."""

    index: int
    part: Part | None
    records: int
    failed: int
    diagnostics: list[Diagnostic]


def to_format(bag: db.Bag, format: str, urlpath: str | os.PathLike, *, client: Client | None = None,
              count_losses: bool = False, window: int | None = None, storage_options: dict | None = None,
              **options: Any) -> BatchConversion:
    """Write ``bag``'s records in ``format`` with citation keys unique across partitions.

    ``urlpath`` with a ``*`` (``out/part-*.json``): one output per partition, written by the
    worker that holds it, ``*`` its number (zero-padded), each a whole document. Without one:
    one output, written by the client in input order, byte for byte what one process writes
    (``refconv convert --dask``). Local outputs are atomic (``output.atomic_output``); others
    are written through fsspec, which on object stores makes an object only once it is whole.
    ``client``: the Dask client (default: the current one). Returns what ``convert_files``
    returns, the diagnostics of every partition with file and line, in input order."""
    opts = Options.from_kwargs(**options)
    target = registry.get(format).name
    _check_writable(target, opts)
    client = client or _current_client()
    path = os.fspath(urlpath)
    results: list[InputResult] = []
    on_dealt = _results_into(results)
    if "*" in path:
        out_report = Reporter(path, losses=LossTally() if count_losses else None)
        written = Pipeline(client, bag, target, opts, out_report, None, window, on_dealt,
                           per_partition=path, storage_options=storage_options).run()
    else:
        out_report = Reporter(path, losses=LossTally() if count_losses else None)
        with _text_output(path, storage_options) as out:
            written = Pipeline(client, bag, target, opts, out_report, out, window, on_dealt).run()
    return BatchConversion(results, written, out_report.diagnostics, path, out_report.losses)


@contextmanager
def _text_output(path: str, storage_options: dict | None) -> Iterator[TextIO]:
    local = path.removeprefix("file://")
    if "://" not in local and "::" not in local:
        with atomic_output(local) as out:
            yield out
    else:
        with fsspec.open(path, "w", encoding="utf-8", newline="", **(storage_options or {})) as out:
            yield out


def _results_into(results: list[InputResult]) -> Callable[[Dealt], Any]:
    """Per input, an InputResult gathered from its partitions, as one process gives it (a
    partition of a bag not made by ``read_bag`` is an input of its own)."""
    starts = True

    def dealt(done: Dealt) -> None:
        nonlocal starts
        if starts:
            results.append(InputResult(done.part.source if done.part is not None else f"<partition {done.index}>"))
        result = results[-1]
        result.records += done.records
        result.failed += done.failed
        result.diagnostics.extend(done.diagnostics)
        starts = done.part is None or done.part.last
    return dealt


def _check_writable(to: str, options: Options) -> None:
    if not parallel.writable_in_pieces(to, options):
        raise UsageError(f"{to} with these options cannot be written in pieces (JATS articles mode wraps "
                         "the second article differently): convert it without Dask")


def _current_client() -> Client:
    from distributed import get_client

    try:
        return get_client()
    except ValueError:
        raise UsageError("no Dask client: start one (distributed.Client(address)) or pass client=") from None


class Pipeline:
    """The client's side: partitions read and held (at most ``window`` at once), keys dealt in
    input order, pieces written in input order (one output) or by their workers (one each)."""

    def __init__(self, client: Client, bag: db.Bag, to: str, options: Options, out_report: Reporter,
                 out: TextIO | None, window: int | None, on_dealt: Callable[[Dealt], Any] | None = None, *,
                 on_record: Callable[[], Any] | None = None, per_partition: str | None = None,
                 storage_options: dict | None = None):
        self.client, self.to, self.options, self.out, self.out_report = client, to, options, out, out_report
        self.partitions = bag.to_delayed(optimize_graph=True)
        self.count = len(self.partitions)
        workers = sum(client.nthreads().values()) or 1
        self.window = window or 2 * workers  # one partition being read while one is written, per thread
        self.dealer = parallel.KeyDealer(to, options, out_report)
        self.on_dealt, self.on_record = on_dealt, on_record
        self.per_partition, self.storage_options = per_partition, storage_options
        self.run_id = uuid.uuid4().hex
        self.held: dict[int, Future] = {}
        self.asked: dict[int, tuple] = {}
        self.pieces: dict[int, tuple] = {}
        self.what: dict[Any, tuple[str, int]] = {}  # future key -> (step, partition)
        self.written = self.before = self.next_read = self.next_keys = self.next_piece = 0

    def run(self) -> int:
        self.flow = as_completed([], with_results=True)
        while self.next_read < min(self.count, self.window):
            self._read(self.next_read)
        if self.count:
            for future, result in self.flow:
                step, index = self.what.pop(future.key)
                if step == "asked":
                    self.asked[index] = result
                else:
                    self.pieces[index] = result
                    self.held.pop(index).release()  # written: the worker lets its records go
                    if self.next_read < self.count:
                        self._read(self.next_read)
                self._deal()
                self._write()
        return self.written

    def _read(self, index: int) -> None:
        partition = self.client.compute(self.partitions[index])
        held = self.client.submit(_hold, partition, self.to, self.options, self.out_report.source,
                                  self.out_report.losses is not None, key=f"refconv-hold-{self.run_id}-{index}")
        self.held[index] = held
        self._follow(self.client.submit(_asked, held, key=f"refconv-asked-{self.run_id}-{index}"), "asked", index)
        self.next_read += 1

    def _follow(self, future: Future, step: str, index: int) -> None:
        self.what[future.key] = (step, index)
        self.flow.add(future)

    def _deal(self) -> None:
        """Keys in input order: a partition's keys wait for every earlier partition's."""
        while self.next_keys in self.asked:
            index = self.next_keys
            bases, warn_at, diagnostics, failed, part = self.asked.pop(index)
            keys, ids, warn_at = self.dealer.deal(bases, warn_at)
            if self.per_partition is None:
                before, opens, closes, path = self.before, index == 0, index == self.count - 1, None
            else:  # each partition's output a whole document, named after its number
                before, opens, closes = 0, True, True
                path = self.per_partition.replace("*", f"{index:0{len(str(self.count - 1))}d}")
            piece = self.client.submit(_write, self.held[index], self.to, self.options, keys, ids, warn_at, before,
                                       opens, closes, path, self.storage_options,
                                       key=f"refconv-write-{self.run_id}-{index}")
            self._follow(piece, "piece", index)
            self.before += len(bases)
            if self.on_dealt:
                self.on_dealt(Dealt(index, part, len(bases), failed, diagnostics))
            if self.on_record:
                for _ in bases:
                    self.on_record()
            self.next_keys += 1

    def _write(self) -> None:
        while self.next_piece in self.pieces:
            text, written, diagnostics, losses = self.pieces.pop(self.next_piece)
            if self.out is not None:
                self.out.write(text)
            self.written += written
            self.out_report.diagnostics.extend(d for d in diagnostics if self.dealer.first(d))
            if losses is not None and self.out_report.losses is not None:
                self.out_report.losses.merge(losses)
            self.next_piece += 1


@dataclass
class Kept:
    """A partition held on its worker between steps 1 and 3, and which part of which input it is."""

    held: parallel.Held
    part: Part | None  # None: a partition of a bag not made by read_bag


def _hold(partition: list, to: str, options: Options, out_name: str | None, count_losses: bool) -> Kept:
    """Step 1 on a worker: the partition's records held, with the keys they ask for."""
    held = parallel.hold(lambda report: partition, None, to, options, out_name, count_losses)
    held.written_report.diagnostics[:0] = [dataclasses.replace(d, source=out_name)
                                           for d in getattr(partition, "said", [])]
    held.report.diagnostics = list(getattr(partition, "diagnostics", []))
    held.report.failed = getattr(partition, "failed", 0)
    return Kept(held, getattr(partition, "part", None))


def _asked(kept: Kept) -> tuple:
    """What the client needs of step 1: the key bases, never the records."""
    held = kept.held
    return held.bases, held.warn_at, held.report.diagnostics, held.report.failed, kept.part


def _write(kept: Kept, to: str, options: Options, keys: list[str], ids: list[str] | None,
           warn_at: int | None, before: int, opens: bool, closes: bool, path: str | None,
           storage_options: dict | None) -> tuple[str, int, list[Diagnostic], LossTally | None]:
    """Step 3 on a worker: the records written with the keys given; into ``path`` when each
    partition has its own output (then no text goes back to the client)."""
    # a copy: a task run again (after its worker died) must find what step 1 left, unchanged
    report = copy.deepcopy(kept.held.written_report)
    if path is not None:
        report.source = path
        report.diagnostics = [dataclasses.replace(d, source=path) for d in report.diagnostics]
    held = dataclasses.replace(kept.held, written_report=report)
    text, written, diagnostics, losses = parallel.write_held(held, to, options, keys, ids, warn_at, before, opens,
                                                             closes)
    if path is not None:
        with _text_output(path, storage_options) as out:
            out.write(text)
        text = ""
    return text, written, diagnostics, losses


# --- many inputs into one output, as batch.convert_files ------------------------------------------


@contextmanager
def client_for(address: str | Client) -> Iterator[Client]:
    """A client for ``address``: a scheduler's (``tcp://host:8786``), ``local`` or ``local:N``
    for a cluster of N single-threaded worker processes on this machine, or a Client."""
    if isinstance(address, Client):
        yield address
        return
    if address == "local" or address.startswith("local:"):
        from distributed import LocalCluster

        count = int(address.partition(":")[2] or os.cpu_count() or 1)
        with LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            yield client
    else:
        with Client(address) as client:
            yield client


def convert_sources(sources: Iterable, from_: str | None, encoding: str, to: str, out: TextIO, out_report: Reporter,
                    options: Options, address: str | Client, block_size: int | None,
                    on_record: Callable[[], Any] | None, on_input: Callable[[InputResult], Any] | None,
                    reports: list[Reporter], results: list[InputResult]) -> int:
    """``batch.convert_files``'s conversion on Dask: ``sources`` (local files) partitioned as
    ``read_bag`` does, the output written into ``out`` in input order."""
    _check_writable(to, options)
    parts: list[Part] = []
    for source in sources:
        if not isinstance(source, (str, os.PathLike)) or os.fspath(source) == "-":
            raise UsageError("--dask reads files: the workers cannot read stdin or a stream")
        name = os.fspath(source)
        parts.extend(plan(name, name, None, from_, encoding, block_size or BLOCK_SIZE))
    read_options = Options.from_kwargs(**options.format_values)  # as read_input reads
    bag = bag_of(parts, read_options)
    starts = True  # the next partition is the first of an input

    def dealt(done: Dealt) -> None:
        nonlocal starts
        part = done.part
        assert part is not None
        if starts:
            reports.append(Reporter(part.source))
            results.append(InputResult(part.source))
        result, report = results[-1], reports[-1]
        result.records += done.records
        result.failed += done.failed
        result.diagnostics.extend(done.diagnostics)
        report.diagnostics, report.failed = result.diagnostics, result.failed
        starts = part.last
        if part.last and on_input:
            on_input(result)

    with client_for(address) as client:
        return Pipeline(client, bag, to, options, out_report, out, None, dealt, on_record=on_record).run()
