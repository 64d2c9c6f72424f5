"""Conversion on a Dask cluster (``pip install 'refconv[dask]'``; imported only when used).

``read_bag`` partitions inputs as ``--jobs`` cuts one big file (``split.py``): line-delimited
inputs (the arXiv snapshot, refconv-json, CSL-JSON as NDJSON) at line feeds; listings, RIS and
BibTeX at record boundaries (a .bib file's header macros read by every partition); anything
else one partition per file. A partition is a list of records that also carries its reader's
diagnostics, with the file's own lines.

``to_format`` writes them with the ``--jobs`` protocol (``parallel.py``), as Dask tasks:

1. a task per partition reads it and works out the key each record asks for (``hold``);
   the records stay on that worker, only the key bases come back;
2. the client hands out the final keys in input order (``KeyDealer``): deterministic, no lock;
3. a task per partition writes its records with those keys, on the worker holding them.

At most ``window`` bytes of input (2 blocks per worker thread) are held at once, so a
worker's memory stays flat however big the input, and many small files are in flight at once.
A worker that dies loses only what it held: Dask reads those partitions again,
and since every step is deterministic the output does not change.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import os
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, TextIO

import dask
import dask.bag as db
import fsspec  # type: ignore[import-untyped]  # (ships no types; an override in pyproject would be unused in the mypyc build)
from distributed import Client, Future, as_completed
from fsspec.implementations.local import LocalFileSystem  # type: ignore[import-untyped]

from . import api, parallel, registry
from .batch import BatchConversion, InputResult, read_input, split_file
from .diagnostics import Diagnostic, Reporter, UsageError
from .loss import LossTally
from .model import Record
from .options import Options
from .output import atomic_output, make_dirs
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

    @property
    def size(self) -> int:
        """Bytes of input, for the window of partitions held at once."""
        if self.block is not None:
            return self.block.end - self.block.start
        try:
            return self.fs.size(self.path) if self.fs is not None else os.path.getsize(self.path)
        except OSError:
            return 0


@dataclass
class Input:
    """What one part of a partition gave: records, failed records and the reader's diagnostics."""

    part: Part | None  # None: a partition of a bag not made by read_bag
    records: int
    failed: int
    diagnostics: list[Diagnostic]


class Partition(list):
    """One partition's records (of a block, or of one or more small files), with what each of
    its parts gave (``inputs``) and the unknown TeX macros reading met (said on the output,
    once per output, as one process says them)."""

    inputs: list[Input] = []
    read_notes: parallel.ReadNotes | None = None

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The reader's diagnostics, file and line as one process gives them."""
        return [d for each in self.inputs for d in each.diagnostics]

    @property
    def failed(self) -> int:
        return sum(each.failed for each in self.inputs)


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
    ``api.load``; ``options`` are the reader's ``Options`` keywords. A partition is a block of
    about ``blocksize`` bytes of a file that can be cut, or a whole file (small files share
    one, up to ``blocksize``). Each is a ``Partition``: a list of records with
    ``.diagnostics`` (file and line as one process gives them) and ``.failed``;
    ``to_format`` returns them all."""
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
    return bag_of(parts, opts, blocksize)


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


def bag_of(parts: list[Part], options: Options, blocksize: int) -> db.Bag:
    """The bag of ``parts``: a block a partition, and whole files together up to ``blocksize``
    bytes (a task costs the cluster a few milliseconds: a corpus of small files one by one
    spent more on that than on converting)."""
    groups: list[list[Part]] = []
    size = 0
    for part in parts:
        if part.block is not None or not groups or groups[-1][-1].block is not None or size + part.size > blocksize:
            groups.append([])
            size = 0
        groups[-1].append(part)
        size += part.size
    name = f"refconv-read-{uuid.uuid4().hex}"
    graph: dict = {(name, n): (read_group, group, options) for n, group in enumerate(groups)}
    bag = db.Bag(graph, name, len(groups))
    # what to_format reads without Dask's graph of the bag (submitting each partition's graph cost
    # 8 ms a partition); a bag made from this one has none, and is read through its graph
    bag.refconv_groups = (groups, options)  # type: ignore[attr-defined]
    return bag


def read_group(group: list[Part], options: Options) -> Partition:
    """A partition's records, read on a worker as one process reads those parts of the inputs."""
    records = Partition()
    records.inputs = []
    notes: list[Diagnostic] = []
    marks: list[int] = []
    for part in group:
        report = Reporter(part.source)
        read, noted = parallel.read_noting(functools.partial(_records, part, options), report)
        lead = noted.marks[0] if noted.marks else len(noted.notes)
        if records:  # met before this part's first record: they name the record before, as in one process
            noted.notes[:lead] = [dataclasses.replace(note, key=records[-1].key) for note in noted.notes[:lead]]
        marks.extend(len(notes) + mark for mark in noted.marks)
        notes.extend(noted.notes)
        records.extend(read)
        records.inputs.append(Input(part, len(read), report.failed, [*part.said, *report.diagnostics]))
    records.read_notes = parallel.ReadNotes(notes, marks)
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
    """What the client learnt of one part of a partition once its keys were handed out."""

    index: int  # the partition's
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
    ``client``: the Dask client (default: the current one); ``window``: bytes of input held at
    once (default: 2 blocks per worker thread). Returns what ``convert_files``
    returns, the diagnostics of every partition with file and line, in input order."""
    opts = Options.from_kwargs(**options)
    target = registry.get(format).name
    _check_writable(target, opts)
    client = client or _current_client()
    path = os.fspath(urlpath)
    results: list[InputResult] = []
    on_dealt = _results_into(results)
    out_report = Reporter(path, losses=LossTally() if count_losses else None)
    if "*" in path:
        _make_folder(path, storage_options)
        written = Pipeline(client, bag, target, opts, out_report, None, window, on_dealt,
                           per_partition=path, storage_options=storage_options).run()
    else:
        with _text_output(path, storage_options) as out:
            written = Pipeline(client, bag, target, opts, out_report, out, window, on_dealt).run()
    return BatchConversion(results, written, out_report.diagnostics, path, out_report.losses)


def _make_folder(pattern: str, storage_options: dict | None) -> None:
    """The folder of the outputs, one per partition, made as ``--out-dir`` makes its folder."""
    folder = pattern.rpartition("/")[0]
    local = folder.removeprefix("file://")
    if not folder:
        return
    if "://" not in local and "::" not in local:
        make_dirs(local)
    else:
        fs, _, (root,) = fsspec.core.get_fs_token_paths(folder, mode="wb", storage_options=storage_options)
        fs.makedirs(root, exist_ok=True)


@contextmanager
def _text_output(path: str, storage_options: dict | None) -> Iterator[TextIO]:
    local = path.removeprefix("file://")
    if "://" not in local and "::" not in local:
        with atomic_output(local) as out:
            yield out
    else:
        with fsspec.open(path, "w", encoding="utf-8", newline="", **(storage_options or {})) as out:
            yield out


def _results_into(results: list[InputResult], reports: list[Reporter] | None = None,
                  on_input: Callable[[InputResult], Any] | None = None) -> Callable[[Dealt], Any]:
    """Per input, an InputResult gathered from its parts as their keys are dealt, as one process
    gives it (a partition of a bag not made by ``read_bag`` is an input of its own), and its
    Reporter in ``reports``; ``on_input`` with each once its last part is dealt."""
    starts = True  # the next part is the first of an input

    def dealt(done: Dealt) -> None:
        nonlocal starts
        if starts:
            name = done.part.source if done.part is not None else f"<partition {done.index}>"
            results.append(InputResult(name))
            if reports is not None:
                reports.append(Reporter(name))
        result = results[-1]
        result.records += done.records
        result.failed += done.failed
        result.diagnostics.extend(done.diagnostics)
        if reports is not None:
            reports[-1].diagnostics, reports[-1].failed = result.diagnostics, result.failed
        starts = done.part is None or done.part.last
        if starts and on_input:
            on_input(result)
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
        self.groups: tuple[list[list[Part]], Options] | None = getattr(bag, "refconv_groups", None)
        self.partitions = bag.to_delayed(optimize_graph=True) if self.groups is None else []
        self.count = bag.npartitions
        threads = sum(client.nthreads().values()) or 1
        # one block being read while one is written, per thread
        self.window = window or 2 * threads * BLOCK_SIZE
        self.sizes = ([sum(part.size for part in group) for group in self.groups[0]] if self.groups is not None
                      else [BLOCK_SIZE] * self.count)
        self.in_flight = 0  # bytes of input read and not yet written
        self.dealer = parallel.KeyDealer(to, options, out_report)
        self.on_dealt, self.on_record = on_dealt, on_record
        self.per_partition, self.storage_options = per_partition, storage_options
        self.run_id = uuid.uuid4().hex
        self.held: dict[int, Future] = {}
        self.asked: dict[int, tuple] = {}
        self.pieces: dict[int, tuple] = {}
        self.what: dict[Any, tuple[str, int]] = {}  # future key -> (step, partition)
        self.written = self.before = self.next_read = self.next_keys = self.next_piece = 0
        self.state: Future | None = None  # the writer's state after the last piece that changed it

    def run(self) -> int:
        self.flow = as_completed([], with_results=True)
        self._read_more()
        if self.count:
            for future, result in self.flow:
                step, index = self.what.pop(future.key)
                if step == "asked":
                    self.asked[index] = result
                else:
                    self.pieces[index] = result
                    self.held.pop(index).release()  # written: the worker lets its records go
                    self.in_flight -= self.sizes[index]
                    self._read_more()
                self._deal()
                self._write()
        return self.written

    def _read_more(self) -> None:
        while self.next_read < self.count and (self.in_flight < self.window or not self.held):
            self.in_flight += self.sizes[self.next_read]
            self._read(self.next_read)

    def _read(self, index: int) -> None:
        partition: Any
        if self.groups is not None:  # read and held in one task
            groups, read_options = self.groups
            partition, read = groups[index], read_group
        else:
            partition, read, read_options = self.client.compute(self.partitions[index]), None, None
        held = self.client.submit(_hold, partition, self.to, self.options, self.out_report.source,
                                  self.out_report.losses is not None, read, read_options,
                                  key=f"refconv-hold-{self.run_id}-{index}")
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
            bases, warn_at, last_key, inputs, stateful = self.asked.pop(index)
            keys, ids, warn_at, key_before = self.dealer.deal(bases, warn_at, last_key)
            given = _pack_keys(keys, bases, ids)
            if self.per_partition is None:
                before, opens, closes, path = self.before, index == 0, index == self.count - 1, None
            else:  # each partition's output a whole document, named after its number
                before, opens, closes = 0, True, True
                path = self.per_partition.replace("*", f"{index:0{len(str(self.count - 1))}d}")
            # a piece whose records read or change what the BibTeX writer carries across records
            # (@string macros, ...) waits for the state the last such piece left; the others do not
            # (each output of its own is a whole document: it starts with nothing written)
            stateful = stateful and self.per_partition is None
            state = self.state if stateful else None
            piece = self.client.submit(_write, self.held[index], self.to, self.options, given, warn_at,
                                       key_before, before, opens, closes, path, self.storage_options, state,
                                       key=f"refconv-write-{self.run_id}-{index}")
            if stateful:
                self.state = self.client.submit(_state_of, piece, key=f"refconv-state-{self.run_id}-{index}")
            self._follow(piece, "piece", index)
            self.before += len(bases)
            if self.on_dealt:
                for each in inputs:
                    self.on_dealt(Dealt(index, each.part, each.records, each.failed, each.diagnostics))
            if self.on_record:
                for _ in bases:
                    self.on_record()
            self.next_keys += 1

    def _write(self) -> None:
        while self.next_piece in self.pieces:
            text, written, diagnostics, losses, _ = self.pieces.pop(self.next_piece)
            if self.out is not None:
                self.out.write(text)
            self.written += written
            self.out_report.diagnostics.extend(d for d in diagnostics if self.dealer.first(d))
            if losses is not None and self.out_report.losses is not None:
                self.out_report.losses.merge(losses)
            self.next_piece += 1


@dataclass
class Kept:
    """A partition held on its worker between steps 1 and 3, and what each of its parts gave."""

    held: parallel.Held
    inputs: list[Input]


def _hold(partition: Any, to: str, options: Options, out_name: str | None, count_losses: bool,
          read: Callable[[list[Part], Options], Partition] | None = None, read_options: Options | None = None
          ) -> Kept:
    """Step 1 on a worker: the partition's records held, with the keys they ask for; ``read``
    reads the partition from its Part first."""
    if read is not None:
        assert read_options is not None
        partition = read(partition, read_options)
    notes = getattr(partition, "read_notes", None) or parallel.ReadNotes([], [0] * len(partition))
    held = parallel.hold(lambda report: partition, None, to, options, out_name, count_losses, notes)
    inputs = getattr(partition, "inputs", None) or [Input(None, len(partition), 0, [])]
    return Kept(held, inputs)


def _asked(kept: Kept) -> tuple:
    """What the client needs of step 1: the key bases, never the records."""
    bases, warn_at, last_key, _, _ = kept.held.asked()
    return bases, warn_at, last_key, kept.inputs, kept.held.stateful


def _pack_keys(keys: list[str], bases: list[str], ids: list[str] | None) -> bytes:
    """The keys (and JATS ref ids) dealt to a partition, as they travel in its write task: the
    scheduler keeps a finished write task's arguments (distributed 2026.8 leaves its forgotten
    state on the worker's record), and a list of keys held there grew it by 75 bytes a record
    (measured, 300,000 records). So: only those that differ from what the records asked for
    (the ids: from the keys), as compressed JSON, one object a partition."""
    changed = [[i, key] for i, (key, base) in enumerate(zip(keys, bases, strict=True)) if key != base]
    other_ids = ([[i, ref_id] for i, (ref_id, key) in enumerate(zip(ids, keys, strict=True)) if ref_id != key]
                 if ids is not None else None)
    return zlib.compress(json.dumps([changed, other_ids], ensure_ascii=False).encode("utf-8"))


def _unpack_keys(given: bytes, bases: list[str]) -> tuple[list[str], list[str] | None]:
    changed, other_ids = json.loads(zlib.decompress(given))
    keys = list(bases)
    for i, key in changed:
        keys[i] = key
    if other_ids is None:
        return keys, None
    ids = list(keys)
    for i, ref_id in other_ids:
        ids[i] = ref_id
    return keys, ids


def _write(kept: Kept, to: str, options: Options, given: bytes, warn_at: int | None, key_before: str | None,
           before: int, opens: bool, closes: bool, path: str | None, storage_options: dict | None,
           state: Any = None) -> tuple[str, int, list[Diagnostic], LossTally | None, Any]:
    """Step 3 on a worker: the records written with the keys given (``_pack_keys``); into
    ``path`` when each partition has its own output (then no text goes back to the client)."""
    keys, ids = _unpack_keys(given, kept.held.bases)
    # a copy: a task run again (after its worker died) must find what step 1 left, unchanged
    report = copy.deepcopy(kept.held.written_report)
    if path is not None:
        report.source = path
        report.diagnostics = [dataclasses.replace(d, source=path) for d in report.diagnostics]
    held = dataclasses.replace(kept.held, written_report=report)
    if kept.held.stateful and to in ("bibtex", "biblatex"):
        from .formats.bibtex.writer import WrittenSoFar

        state = copy.deepcopy(state) if state is not None else WrittenSoFar()  # changed in place: a copy
    text, written, diagnostics, losses = parallel.write_held(held, to, options, keys, ids, warn_at, key_before,
                                                             before, opens, closes, state)
    if path is not None:
        with _text_output(path, storage_options) as out:
            out.write(text)
        text = ""
    return text, written, diagnostics, losses, state


def _state_of(piece: tuple) -> Any:
    return piece[4]


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
        # loopback only, the dashboard on any free port: several local runs at once do not collide;
        # no statistical profiler in the workers: each keeps its samples (a tree of call stacks a
        # second, up to distributed.admin.low-level-log-length of them), which grew a worker by
        # about 28 MB for each million records converted (measured, 800,000 records)
        with dask.config.set({"distributed.worker.profile.enabled": False}), \
                LocalCluster(n_workers=count, threads_per_worker=1, processes=True, host="127.0.0.1",
                             dashboard_address="127.0.0.1:0") as cluster, \
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
    size = block_size or BLOCK_SIZE
    for source in sources:
        if not isinstance(source, (str, os.PathLike)) or os.fspath(source) == "-":
            raise UsageError("--dask reads files: the workers cannot read stdin or a stream")
        name = os.fspath(source)
        parts.extend(plan(name, name, None, from_, encoding, size))
    read_options = Options.from_kwargs(**options.format_values)  # as read_input reads
    bag = bag_of(parts, read_options, size)
    with client_for(address) as client:
        return Pipeline(client, bag, to, options, out_report, out, None, _results_into(results, reports, on_input),
                        on_record=on_record).run()
