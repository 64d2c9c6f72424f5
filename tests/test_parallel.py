"""One big input over several processes (split.py, parallel.py): the output and every
diagnostic are those of one process, byte for byte, whatever the blocks."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from converters import api, split
from converters.batch import convert_files
from converters.cli import main

from .abs_listing import parse_abs, render_abs
from .listing_generator import listing
from .shared import SHARED, ids_for, shared_files

ROOT = Path(__file__).resolve().parents[1]
WRITERS = ("csl-json", "ris", "bibtex", "biblatex", "jats", "refconv-json")
RIS_CORPUS = shared_files("corpus/ris", "*.ris", "*.txt")
RIS_CORPUS = [p for p in RIS_CORPUS if p.name != "PROVENANCE.txt"]


def _run(path: Path, to: str, jobs: int, tmp_path: Path, block_size: int = 1, **options) -> tuple[bytes, list[str]]:
    """The output's bytes and every diagnostic (the input's, then the output's), as JSON."""
    out = tmp_path / f"out-{jobs}"
    done = convert_files([path], out, to, jobs=jobs, block_size=block_size, **options)  # 1: a block a record
    said = [d.to_json() for result in done.inputs for d in result.diagnostics]
    said += [d.to_json().replace(str(out), "OUT") for d in done.diagnostics]
    return (out.read_bytes() if out.exists() else b""), said


def _same_as_one_process(path: Path, to: str, tmp_path: Path, **options) -> None:
    one = _run(path, to, 1, tmp_path, **options)
    two = _run(path, to, 2, tmp_path, **options)
    assert two[0] == one[0]
    assert two[1] == one[1]


# --- where blocks are cut -------------------------------------------------------------------


def test_listing_blocks_cover_the_file_and_end_after_a_created_line(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(listing(300), encoding="utf-8")
    data = path.read_bytes()
    blocks = split.blocks(str(path), "arxiv-listing", 5000)
    assert len(blocks) > 10
    assert blocks[0].start == 0 and blocks[-1].end == len(data)
    for block, following in zip(blocks, blocks[1:], strict=False):
        assert block.end == following.start
        assert re.search(rb"(^|\n)Created: [^\n]*\n\Z", data[block.start:block.end])
        assert following.lines == data[:following.start].count(b"\n")


def test_ris_is_not_cut_where_text_between_records_would_start_a_block(tmp_path):
    """Text after an ER line belongs to the gap the reader reports: no block starts with it."""
    path = tmp_path / "gap.ris"
    path.write_text("TY  - JOUR\nTI  - One\nER  - \nstray text\n\nTY  - JOUR\nTI  - Two\nER  - \n\n"
                    "TY  - JOUR\nTI  - Three\nER  - \n", encoding="utf-8")
    blocks = split.blocks(str(path), "ris", 1)
    data = path.read_bytes()
    assert [data[b.start:b.end].split(b"\n")[0] for b in blocks] == [b"TY  - JOUR", b""]
    assert b"Three" in data[blocks[1].start:blocks[1].end] and b"Two" not in data[blocks[1].start:blocks[1].end]


def test_only_formats_whose_records_share_nothing_are_cut():
    assert split.can_split("arxiv-listing", "utf-8") and split.can_split("ris", "cp1252")
    assert not split.can_split("jats", "utf-8") and not split.can_split("arxiv-oai", "utf-8")
    assert not split.can_split("ris", "utf-16-le")  # a line feed is not the byte 0x0a


FREE = "@article{a1,\n  title = {One},\n  year = 2001\n}\n\n@book{b2, title = {Two}}\n"


@pytest.mark.parametrize(("extra", "cut"), [
    ("", True),
    ("@misc{c3, note = {text mentioning @string and crossref words}}\n", True),
    ("@string{acm = {ACM}}\n@misc{c4, publisher = acm}\n", False),  # a macro an earlier block lacks
    ("@STRING (acm = {ACM})\n", False),
    ("@preamble{\"\\newcommand{\\x}{y}\"}\n@misc{c4}\n", False),  # kept with the entry after it
    ("@preamble{\"\\newcommand{\\x}{y}\"}\n", True),  # after the last entry: the last record's
    ("@comment{\n@misc{inside, title = {x}}\n}\n", False),  # a line in it looks like an entry after it
    ("@inproceedings{c3, crossref = {b2}}\n", True),  # kept in one block with its parent
    ("@inproceedings{c3,\n  xdata = {b2}}\n", True),
    ("@inproceedings{c3, crossref = b2}\n", False),  # a parent named by a macro
    ("@set{s, entryset = {a1,b2}}\n", True),
    ("@misc{A1, title = {Same key, other case}}\n", False),  # the duplicate warning names the first
])
def test_a_bib_file_is_cut_only_where_its_blocks_read_as_the_whole(tmp_path, extra, cut):
    path = tmp_path / "refs.bib"
    path.write_text(FREE + extra, encoding="utf-8")
    layout = split.layout(str(path), "bibtex", "utf-8")
    assert (layout is not None) is cut
    blocks = split.blocks(str(path), "bibtex", 1, layout=layout or split.FREE)
    data = path.read_bytes()
    assert all(re.match(rb"[ \t]*@", data[b.start:b.end]) for b in blocks[1:])
    if cut:
        _same_as_one_process(path, "bibtex", tmp_path)


# A .bib file as Beebe and biblatex's examples write them: a header of @comment, @preamble and
# @string, then entries using the macros, with crossref and xdata parents before and after
# their children, a parent the file lacks, an @set and a held-back trailing @preamble.
HEADER = ("% a bibliography\n@comment{made by hand}\n@preamble{\"\\newcommand{\\noop}[1]{}\"}\n"
          "@string{acm = {ACM Press}}\n@STRING(jacm = \"J. \" # acm)\n\n")


def _entry(n: int) -> str:
    if n == 7:
        return "@xdata{shared, publisher = acm, location = {New York}}\n"
    if n in (12, 30):
        return f"@proceedings{{proc{n}, title = {{Proceedings {n}}}, year = 1999, publisher = acm}}\n"
    if n == 20:
        return "@set{group, entryset = {k21,k22}}\n"
    parent = {5: "proc12", 14: "proc12", 33: "proc30", 9: "shared", 25: "absent"}.get(n)
    link = "" if parent is None else f"  {'xdata' if parent == 'shared' else 'crossref'} = {{{parent}}},\n"
    month = "jan" if n % 2 else "Feb"
    return (f"@inproceedings{{k{n},\n  author = {{M{{\\\"u}}ller, Hans}},\n  title = {{Title {n} \\emdash}},\n"
            f"  booktitle = jacm # {{ {n}}},\n  month = {month},\n{link}  year = {{20{n:02d}}}\n}}\n")


def _headed(tmp_path: Path) -> Path:
    path = tmp_path / "headed.bib"
    text = HEADER + "\n".join(_entry(n) for n in range(40)) + "@preamble{\"trailing\"}\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bib_file_with_a_macro_header_and_parents_is_cut_around_its_families(tmp_path):
    path = _headed(tmp_path)
    layout = split.layout(str(path), "bibtex", "utf-8")
    assert layout is not None
    blocks = split.blocks(str(path), "bibtex", 1, layout=layout)
    data = path.read_bytes()
    assert data[:layout.header].endswith(b"\n\n") and data[layout.header:].startswith(b"@inproceedings{k0,")
    assert len(blocks) > 10
    assert blocks[0].prelude == 0 and all(b.prelude == layout.header for b in blocks[1:])
    texts = [data[b.start:b.end] for b in blocks]
    def block_of(key: bytes) -> int:
        return next(n for n, text in enumerate(texts) if b"{" + key + b"," in text)
    for child, parent in ((b"k5", b"proc12"), (b"k14", b"proc12"), (b"k33", b"proc30"), (b"k9", b"shared")):
        assert block_of(child) == block_of(parent), child
    assert block_of(b"k25") == len(blocks) - 1  # its parent is waited for to the end, as one process waits


def test_a_bib_file_with_a_macro_header_and_parents_converts_in_blocks_as_in_one_process(tmp_path):
    path = _headed(tmp_path)
    for to in WRITERS:
        _same_as_one_process(path, to, tmp_path)
    items = json.loads(_run(path, "csl-json", 2, tmp_path)[0])
    assert {item["id"]: item.get("container-title") for item in items}["k39"].lower() == "j. acm press 39"
    assert {item["id"]: item.get("publisher") for item in items}["k9"] == "ACM Press"  # from its xdata parent


@pytest.mark.parametrize("extra", [
    "@string{late = {Late}}\n",  # a macro defined after the first entry
    "@preamble{\"x\"}\n@misc{m1, title = {M}}\n",  # text the next entry takes
    "@comment{x}\n@misc{m1, title = {M}}\n",
    "@misc{k3, title = {Same key}}\n",  # the duplicate warning names the first
    "@misc{m4, crossref = acm}\n",  # a parent named by a macro: not read here
])
def test_a_bib_file_with_a_macro_header_is_read_whole_when_blocks_would_read_otherwise(tmp_path, extra):
    path = tmp_path / "tied.bib"
    path.write_text(HEADER + "".join(_entry(n) for n in range(4)) + extra, encoding="utf-8")
    assert split.layout(str(path), "bibtex", "utf-8") is None
    assert split.layout(str(tmp_path / "tied.bib"), "bibtex", "utf-8") is None


@pytest.mark.parametrize("use", ["journal = undefined", "publisher = acm # {, } # undefinedtoo"])
def test_an_entry_naming_an_undefined_macro_is_never_cut_from_what_follows_it(tmp_path, use):
    # one process holds it back, and every entry after it, waiting for an @string to the end
    path = tmp_path / "waits.bib"
    entries = [_entry(n) for n in range(40)]
    entries[16] = f"@misc{{m16, title = {{Sixteen}}, {use}}}\n"
    path.write_text(HEADER + "\n".join(entries), encoding="utf-8")
    layout = split.layout(str(path), "bibtex", "utf-8")
    assert layout is not None
    blocks = split.blocks(str(path), "bibtex", 1, layout=layout)
    data = path.read_bytes()
    assert data.index(b"@misc{m16,") >= blocks[-1].start and len(blocks) > 4
    for to in ("csl-json", "bibtex"):
        _same_as_one_process(path, to, tmp_path)


@pytest.mark.parametrize("text", [
    # the header's @preamble text waits past an @set for the first record (found by fuzzing)
    HEADER + "@set{s0, entryset = {k1,k2}}\n" + "".join(_entry(n) for n in range(1, 8)),
    # after the last record, an @set, then @preamble text: the last record's
    HEADER + "".join(_entry(n) for n in range(1, 8)) + "@set{s9, entryset = {k1,k2}}\n@preamble{\"trailing\"}\n",
])
def test_preamble_text_reaches_the_record_one_process_gives_it_past_entries_that_are_no_records(tmp_path, text):
    path = tmp_path / "sets.bib"
    path.write_text(text, encoding="utf-8")
    layout = split.layout(str(path), "bibtex", "utf-8")
    assert layout is not None and len(split.blocks(str(path), "bibtex", 1, layout=layout)) > 2
    for to in ("csl-json", "bibtex"):
        _same_as_one_process(path, to, tmp_path)


TITLE_WORDS = ["", "\\emdash", "x"]  # an unknown TeX macro: said once, naming the record it was met in


@st.composite
def bib_files(draw) -> str:
    """A .bib file of the shapes bibtex_layout reads: a header (or none), entries naming macros
    (now and then one no @string defines), crossref/xdata parents before and after their
    children (now and then one the file lacks), @set and @xdata entries, and, now and then,
    what makes one process read the file (a key used twice, @string or @preamble between
    entries) or stray text."""
    parts = [HEADER] if draw(st.booleans()) else []
    if draw(st.booleans()):  # an entry that is no record first: the header's @preamble text waits past it
        parts.append("@set{first, entryset = {k1,k2}}\n")
    count = draw(st.integers(3, 14))
    entries = [draw(st.sampled_from([("article", f"k{n}"), ("proceedings", f"p{n}"), ("xdata", f"x{n}"),
                                     ("misc", f"k{n}")] * 20 + [("article", "k0")]))  # now and then twice
               for n in range(count)]
    keys = [key for _, key in entries]
    for n, (kind, key) in enumerate(entries):
        word = draw(st.sampled_from(TITLE_WORDS))
        fields = [f"title = {{Title {n} {word}}}"]
        if draw(st.booleans()):
            fields.append(f"publisher = {draw(st.sampled_from(['acm', 'jacm', '{Plain}'] * 4 + ['undefined']))}")
        link = draw(st.sampled_from([None, None, "crossref", "xdata"]))
        if link:
            fields.append(f"{link} = {{{draw(st.sampled_from(keys * 6 + ['absent']))}}}")
        extra = draw(st.sampled_from([""] * 40 + [f"@set{{s{n}, entryset = {{k1,k2}}}}\n", "stray text\n",
                                                  '@preamble{"between"}\n', "@string{late = {Late}}\n"]))
        parts.append(f"{extra}@{kind}{{{key},\n  " + ",\n  ".join(fields) + "\n}\n\n")
    if draw(st.booleans()):
        parts.append('@preamble{"trailing"}\n')
    return "".join(parts)


@given(bib_files())
@settings(max_examples=25)
def test_a_generated_bib_file_gives_in_blocks_what_it_gives_in_one_process(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "drawn.bib"
        path.write_text(text, encoding="utf-8")
        layout = split.layout(str(path), "bibtex", "utf-8")
        if layout is not None:
            for to in ("csl-json", "bibtex"):
                _same_as_one_process(path, to, Path(folder))


def test_a_macro_header_alone_or_words_like_macros_inside_values_still_cut(tmp_path):
    path = tmp_path / "values.bib"
    path.write_text(HEADER + "".join(_entry(n) for n in range(4))
                    + "@misc{u1, url = {http://x.org/?a=b#frag}, langidopts = {variant=american}}\n",
                    encoding="utf-8")
    assert split.layout(str(path), "bibtex", "utf-8") is not None


# --- the same output and diagnostics as one process -----------------------------------------


@pytest.mark.skipif(not RIS_CORPUS, reason=f"{SHARED}/corpus/ris is absent")
@pytest.mark.parametrize("path", RIS_CORPUS, ids=ids_for(RIS_CORPUS))
def test_every_ris_corpus_file_converts_in_blocks_as_in_one_process(path, tmp_path):
    for to in WRITERS:
        _same_as_one_process(path, to, tmp_path)


BIB_CORPUS = shared_files("corpus/bibtex", "*.bib")


@pytest.mark.skipif(not BIB_CORPUS, reason=f"{SHARED}/corpus/bibtex is absent")
@pytest.mark.parametrize("path", BIB_CORPUS, ids=ids_for(BIB_CORPUS))
def test_every_bib_corpus_file_converts_in_blocks_as_in_one_process(path, tmp_path):
    """Files whose entries share nothing but header macros and parents are cut; the others
    are read by one process, which --jobs 2 must give the same way."""
    size = 1 if path.stat().st_size < 1 << 20 else 1 << 13  # (a block a record, or about 8 KB: 500 for tugboat.bib)
    for to in WRITERS if split.cuttable(str(path), "bibtex", "utf-8") else ("csl-json",):
        _same_as_one_process(path, to, tmp_path, block_size=size)


def test_broken_bibtex_entries_are_reported_in_blocks_as_in_one_process(tmp_path):
    entries = [f"@article{{k{n},\n  author = {{M{{\\\"u}}ller, Hans and Lee, Ann}},\n  title = {{Title {n}}},\n"
               f"  year = {{20{n % 30:02d}}}\n}}\n" for n in range(30)]
    entries[5] = "@article{k5,\n  title = {Unclosed brace,\n  year = 2005\n}\n"
    entries[12] = "@article{,\n  title = {No key}\n}\n"
    entries[19] = "@article{k19,\n  title = {Bad field} junk,\n  year = {2019}\n}\n"
    entries[23] = "stray text between entries\n" + entries[23]
    path = tmp_path / "broken.bib"
    path.write_text("\n".join(entries) + "@article{last, title = {cut", encoding="utf-8")
    layout = split.layout(str(path), "bibtex", "utf-8")
    assert layout is not None and len(split.blocks(str(path), "bibtex", 1, layout=layout)) > 20
    for to in ("csl-json", "bibtex", "ris"):
        _same_as_one_process(path, to, tmp_path)


def test_bibtex_entries_naming_undefined_macros_convert_in_blocks_as_in_one_process(tmp_path):
    # One process holds an entry naming an undefined macro back, and every entry after it,
    # waiting for an @string that may come later: the blocks end before the first such entry,
    # the rest is one block. Same records, same warnings, in the same order.
    entries = [f"@article{{k{n},\n  author = {{Okafor, Ann}},\n  title = {{Title {n}}},\n"
               f"  journal = {'prd' if n in (13, 17) else '{Phys. Rev. D}'},\n  year = 2021,\n"
               f"  month = {'xyz' if n in (20, 25) else 'jan'},\n}}\n" for n in range(30)]
    path = tmp_path / "undefined.bib"
    path.write_text("\n".join(entries), encoding="utf-8")
    layout = split.layout(str(path), "bibtex", "utf-8")
    assert layout is not None and len(split.blocks(str(path), "bibtex", 1, layout=layout)) == 14
    for to in ("csl-json", "bibtex"):
        _same_as_one_process(path, to, tmp_path)


def _abs_corpus_listing(tmp_path: Path) -> Path:
    paths = sorted(p for p in (SHARED / "corpus" / "arxiv" / "abs-files").rglob("*.abs") if "/orig/" not in str(p))
    if not paths:
        pytest.skip(f"{SHARED}/corpus/arxiv/abs-files is absent")
    fields = [f for f in map(parse_abs, paths) if f and "id" in f]
    records = [(r, f["id"]) for f in fields if (r := render_abs(f))]
    path = tmp_path / "abs.txt"
    path.write_text("\n\n".join(r.text(arxiv_id) for r, arxiv_id in records) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("to", WRITERS)
def test_the_abs_corpus_as_one_listing_converts_in_blocks_as_in_one_process(to, tmp_path):
    _same_as_one_process(_abs_corpus_listing(tmp_path), to, tmp_path)


BROKEN = [
    "No created line.\n\narXiv:2101.00005",  # runs into the next record
    "Bad id.\n\narXiv:2113.00005\nCreated: 2021-01-05",
    "No id at all.\n\nCreated: 2021-01-05",
    "Bad date.\n\narXiv:2101.00006\nCreated: 2021-02-30",
    "Unknown macro \\frobnicate{x} again.\n\narXiv:2101.00007\nCreated: 2021-01-07",
]


def _broken_listing(tmp_path: Path) -> Path:
    """Good and broken records mixed, repeated keys, an unknown macro in several blocks, a
    byte that is not UTF-8 and a record cut short at the end."""
    records = re.split(r"(?<=\nCreated: \d{4}-\d\d-\d\d)\n\n", listing(40))
    assert len(records) == 40
    mixed = []
    for n, record in enumerate(records):
        mixed.append(record.replace(" pages", " pages \\frobnicate{y}") if n % 9 == 0 else record)
        if n % 7 == 3:
            mixed.append(BROKEN[n // 7 % len(BROKEN)])
        if n % 10 == 5:
            mixed.append(record.replace("arXiv:", "arXiv:9").replace(" - doi", "\n - doi"))  # same key again
    data = ("\n\n".join(mixed) + "\n\nTruncated abstract.\n\narXiv:2101.00099\n").encode("utf-8")
    data = data.replace(b"pages", b"p\xe9ges", 1)
    path = tmp_path / "broken.txt"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("to", WRITERS)
def test_broken_records_are_reported_in_blocks_as_in_one_process(to, tmp_path):
    path = _broken_listing(tmp_path)
    _same_as_one_process(path, to, tmp_path)
    said = _run(path, to, 2, tmp_path)[1]
    codes = [json.loads(line)["code"] for line in said]
    assert {"listing.missing-created", "listing.bad-id", "listing.missing-id", "listing.bad-date",
            "listing.truncated", "read.encoding"} <= set(codes)
    # said once per output, as one process says it (BibTeX keeps the macro, refconv-json all source text)
    assert codes.count("tex.unknown-macro") == (to in ("csl-json", "ris", "jats"))


def test_keys_clash_across_blocks_as_in_one_process(tmp_path):
    record = "Same title\nAnn Lee\n\nAbstract.\n\narXiv:2101.{:05d}\nCreated: 2021-01-01"
    path = tmp_path / "same.txt"
    path.write_text("\n\n".join(record.format(n) for n in range(1, 40)) + "\n", encoding="utf-8")
    out, _ = _run(path, "bibtex", 2, tmp_path)
    keys = re.findall(rb"@\w+\{([^,]+),", out)
    assert keys[:3] == [b"lee2021same", b"lee2021samea", b"lee2021sameb"] and len(set(keys)) == 39
    _same_as_one_process(path, "bibtex", tmp_path)
    _same_as_one_process(path, "jats", tmp_path)


def test_keys_written_otherwise_are_said_in_blocks_as_in_one_process(tmp_path):
    path = tmp_path / "ids.json"
    items = [{"id": "same" if n % 3 else f"bad key {n}", "type": "book", "title": f"T{n}"} for n in range(30)]
    path.write_text(json.dumps(items), encoding="utf-8")
    for to in ("csl-json", "bibtex"):
        _same_as_one_process(path, to, tmp_path)
    said = _run(path, "bibtex", 2, tmp_path)[1]
    assert sum('"keys.changed"' in line for line in said) == 29  # all but the first 'same'


def test_a_key_pattern_left_unapplied_is_said_once(tmp_path):
    path = tmp_path / "ids.ris"
    path.write_text("".join(f"TY  - JOUR\nID  - id{n}\nTI  - Title {n}\nER  - \n\n" for n in range(20)),
                    encoding="utf-8")
    _same_as_one_process(path, "csl-json", tmp_path, key_pattern="[auth][year]")
    said = _run(path, "csl-json", 2, tmp_path, key_pattern="[auth][year]")[1]
    assert sum('"keys.pattern-not-applied"' in line for line in said) == 1


def test_the_cli_cuts_one_big_input_with_jobs(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(listing(2000), encoding="utf-8")  # about 2 MB: blocks of the default size
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.json"
        result = CliRunner().invoke(main, ["convert", str(path), "--to", "csl-json", "-o", str(out), "-j", jobs])
        assert result.exit_code == 0, result.output
        assert "2000 of 2000 records converted" in result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])) == 2000


def test_a_bib_file_with_macros_is_read_by_one_process_with_jobs(tmp_path):
    path = tmp_path / "macros.bib"
    path.write_text(FREE + "@string{acm = {ACM Press}}\n@book{c3, title = {Three}, publisher = acm}\n",
                    encoding="utf-8")
    _same_as_one_process(path, "csl-json", tmp_path)
    items = json.loads(_run(path, "csl-json", 2, tmp_path)[0])
    assert [item.get("publisher") for item in items] == [None, None, "ACM Press"]


def test_a_failing_worker_stops_the_run_and_leaves_no_output(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text(listing(30), encoding="utf-8")
    read_block = api.read_block

    def failing(block, *args):
        if block.start:
            raise MemoryError("worker out of memory")
        return read_block(block, *args)

    monkeypatch.setattr(api, "read_block", failing)  # the workers are forked: they see it
    out = tmp_path / "out.json"
    with pytest.raises(RuntimeError, match="worker out of memory"):
        convert_files([path], out, "csl-json", jobs=2, block_size=1)
    assert not out.exists()


def test_progress_follows_the_blocks_written(tmp_path):
    """The CLI's progress line reads the watched handle's offset: the end of the last block written."""
    path = tmp_path / "big.txt"
    path.write_text(listing(60), encoding="utf-8")
    handles, offsets = [], []
    watch = handles.append

    def on_record():
        offsets.append(os.lseek(handles[0].fileno(), 0, os.SEEK_CUR))

    convert_files([path], tmp_path / "out.json", "csl-json", jobs=2, block_size=1, watch=watch, on_record=on_record)
    assert len(handles) == 1 and len(offsets) == 60
    assert offsets == sorted(offsets) and 0 < offsets[-1] < path.stat().st_size


# --- one file, or the same records over several files ---------------------------------------


def _as_parts(path: Path, format: str, folder: Path) -> list[Path]:
    folder.mkdir()
    data = path.read_bytes()
    parts = []
    for n, block in enumerate(split.blocks(str(path), format, 1)):
        part = folder / f"{n:04d}{path.suffix}"
        part.write_bytes(data[block.start:block.end])
        parts.append(part)
    return parts


@pytest.mark.skipif(not RIS_CORPUS, reason=f"{SHARED}/corpus/ris is absent")
@pytest.mark.parametrize("path", RIS_CORPUS, ids=ids_for(RIS_CORPUS))
def test_the_records_of_one_ris_file_over_several_files_give_the_same_output(path, tmp_path):
    parts = _as_parts(path, "ris", tmp_path / "parts")
    for to in ("csl-json", "bibtex", "jats"):
        whole = convert_files([path], tmp_path / "whole", to, "ris")
        pieces = convert_files(parts, tmp_path / "pieces", to, "ris")
        assert (whole.count, pieces.count) == (whole.count, whole.count)
        if whole.count:
            assert (tmp_path / "pieces").read_bytes() == (tmp_path / "whole").read_bytes()


_STRING_START = re.compile(rb"(?im)^[ \t]*@[ \t]*string[ \t]*[{(]")


def _macros_of(header: bytes) -> bytes:
    """The @string blocks of a .bib file's header, each to its closing brace or parenthesis
    (what a part of the file needs to read as the whole file reads there; not its @preamble,
    which is the first record's)."""
    out = []
    for found in _STRING_START.finditer(header):
        depth, at = 1, found.end()
        while depth and at < len(header):
            depth += {ord("{"): 1, ord("("): 1, ord("}"): -1, ord(")"): -1}.get(header[at], 0)
            at += 1
        out.append(header[found.start():at] + b"\n")
    return b"".join(out)


@pytest.mark.skipif(not BIB_CORPUS, reason=f"{SHARED}/corpus/bibtex is absent")
@pytest.mark.parametrize("path", BIB_CORPUS, ids=ids_for(BIB_CORPUS))
def test_the_records_of_one_bib_file_over_several_files_give_the_same_output(path, tmp_path):
    """Cut where --jobs cuts it (parents kept with their children), each part after the first
    starting with the file's @string header, as a user would split it."""
    layout = split.layout(str(path), "bibtex", "utf-8")
    if layout is None:
        pytest.skip("read by one process (split.bibtex_layout): no part would read as the whole does")
    data = path.read_bytes()
    macros = _macros_of(data[:layout.header])
    (tmp_path / "parts").mkdir()
    parts = []
    for n, block in enumerate(split.blocks(str(path), "bibtex", 1 << 14, layout=layout)):
        part = tmp_path / "parts" / f"{n:04d}.bib"
        part.write_bytes((macros if block.start else b"") + data[block.start:block.end])
        parts.append(part)
    for to in ("csl-json", "bibtex"):
        whole = convert_files([path], tmp_path / "whole", to, "bibtex")
        pieces = convert_files(parts, tmp_path / "pieces", to, "bibtex")
        assert pieces.count == whole.count
        if whole.count:
            assert (tmp_path / "pieces").read_bytes() == (tmp_path / "whole").read_bytes()


def test_the_records_of_one_listing_over_several_files_give_the_same_output(tmp_path):
    path = _abs_corpus_listing(tmp_path)
    parts = _as_parts(path, "arxiv-listing", tmp_path / "parts")
    assert len(parts) > 100
    for to in WRITERS:
        convert_files([path], tmp_path / "whole", to, "arxiv-listing")
        convert_files(parts, tmp_path / "pieces", to, "arxiv-listing")
        assert (tmp_path / "pieces").read_bytes() == (tmp_path / "whole").read_bytes()
