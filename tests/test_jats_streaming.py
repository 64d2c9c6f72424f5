"""Long JATS documents are read <ref> by <ref> (``jats/stream.py``) and give what reading
them whole gives: the same records, the same diagnostics in the same order, the same
refusals and salvage. Short documents are read whole; here every document is streamed
(``STREAM_FROM = 0``) and compared with the whole reading. Memory stays flat."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converters.diagnostics import Reporter
from converters.formats.jats import reader, safety, stream
from converters.options import Options

from .shared import shared_files

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((Path(__file__).parent / "fixtures" / "jats").glob("*.xml"))
CORPUS = shared_files("corpus/jats", "*.xml", "*.nxml")


def _read(text: str, front: bool, streamed: bool, monkeypatch, chunk: int = 1 << 20) -> tuple[list, list]:
    monkeypatch.setattr(stream, "STREAM_FROM", 0 if streamed else 1 << 40)
    monkeypatch.setattr(stream, "_CHUNK", chunk)
    report = Reporter("<test>")
    records = list(reader.read(io.StringIO(text), report, Options(jats_front=front)))
    return records, [d.render() for d in report.diagnostics]


def _same(text: str, monkeypatch, chunks=(1 << 20, 7)) -> None:
    for front in (False, True):
        whole = _read(text, front, False, monkeypatch)
        for chunk in chunks:
            assert _read(text, front, True, monkeypatch, chunk) == whole, (front, chunk)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_streams_to_what_the_whole_reading_gives(path, monkeypatch):
    _same(path.read_text(encoding="utf-8"), monkeypatch)


@pytest.mark.skipif(not CORPUS, reason="../shared/corpus/jats is absent")
def test_every_corpus_file_streams_to_what_the_whole_reading_gives(monkeypatch):
    for path in CORPUS:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        for front in (False, True):
            assert _read(text, front, True, monkeypatch, 4_096) == _read(text, front, False, monkeypatch), path


_REF = '<ref id="r{n}"><element-citation publication-type="journal"><person-group person-group-type="author">' \
       '<name><surname>Okafor</surname><given-names>Ann</given-names></name></person-group>' \
       '<article-title>Sparse gauge models &ndash; part {n}</article-title><source>Phys. Rev. D</source>' \
       '<year>2021</year></element-citation></ref>\n'
_FRONT = '<front><article-meta><title-group><article-title>Article {n}</article-title></title-group>' \
         '</article-meta></front>\n'


def _article(n: int, refs: int, front: bool = True, before: bool = False) -> str:
    body = "".join(_REF.format(n=f"{n}-{i}") for i in range(refs))
    back = f"<back><ref-list>{body}</ref-list></back>"
    early = _REF.format(n=f"{n}-early") if before else ""
    return f'<article article-type="research-article" xml:lang="en">{early}{_FRONT.format(n=n) if front else ""}' \
           f"<body><p>Text &hellip; &unknown{n % 2};</p></body>{back}</article>\n"


SHAPES = {
    "one article": _article(1, 3),
    "an article set": "<pmc-articleset>" + _article(1, 2) + _article(2, 2, front=False) + "</pmc-articleset>",
    "refs outside the articles of a set are not read": "<pmc-articleset>" + _REF.format(n="loose") + _article(1, 2)
                                                       + "</pmc-articleset>",
    "a ref before the front matter": _article(1, 2, before=True),
    "a reference list as the document": "<ref-list>" + "".join(_REF.format(n=i) for i in range(3)) + "</ref-list>",
    "a ref inside a ref": '<ref-list><ref id="outer"><element-citation><source>A</source></element-citation>'
                          + _REF.format(n="inner") + "</ref></ref-list>",
    "a lone citation": "<element-citation><source>Phys. Rev. D</source><year>2021</year></element-citation>",
    "a lone article-meta": "<article-meta><title-group><article-title>T</article-title></title-group></article-meta>",
    "nothing to read": "<article><body><p>No references.</p></body></article>",
    "xinclude": '<article xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="refs.xml"/>'
                + _article(1, 1) + "</article>",
    "an entity declaration in a comment": "<!-- <!ENTITY x 'y'> -->" + _article(1, 1),
    "an entity declaration": "<!DOCTYPE article [<!ENTITY x 'y'>]>" + _article(1, 1),
    "not well-formed": _article(1, 3).replace("<year>2021</year>", "<year>2021</yr>", 1),
    "cut short": _article(1, 3)[:-40],
    "a comment across pieces": "<article><!-- &nbsp; " + "x" * 50 + " -->" + _article(1, 1)[9:],
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_each_shape_of_document_streams_to_what_the_whole_reading_gives(text, monkeypatch):
    whole = _read(text, True, False, monkeypatch)
    assert whole[0] or whole[1], "the shape reads to something"
    _same(text, monkeypatch, chunks=(1 << 20, 1, 5, 13))


def test_only_a_document_read_whole_has_a_length_limit(monkeypatch):
    # the limit keeps a whole text and its tree within memory; a streamed document needs none
    monkeypatch.setattr(safety, "MAX_CHARS", 1_000)
    text = _article(1, 20)
    assert len(text) > 1_000
    records, said = _read(text, False, True, monkeypatch)
    assert len(records) == 20 and all("is neither XML's nor HTML's" in d for d in said)  # &unknown1;
    records, said = _read(text.replace("</year>", "</yr>", 1), False, True, monkeypatch)  # to be salvaged
    assert not records and len(said) == 1
    assert "read whole" in said[0] and "1,000 characters" in said[0]
    records, said = _read(text, False, False, monkeypatch)  # short documents are read whole
    assert not records and "read whole" in said[0]


# --- named references replaced piece by piece ----------------------------------------------

_TOKENS = ["&nbsp;", "&amp;", "&unknown;", "&odd.name-1;", "&", ";", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>",
           "<", "!", "-", "a", " ", "\n", "é"]


@settings(max_examples=300, deadline=None)
@given(tokens=st.lists(st.sampled_from(_TOKENS), max_size=40), cuts=st.lists(st.integers(0, 200), max_size=8))
def test_named_references_replaced_in_pieces_are_those_of_the_whole_text(tokens, cuts):
    text = "".join(tokens)
    whole_report, pieces_report = Reporter(), Reporter()
    whole = safety.replace_named_entities(text, whole_report)
    entities = safety.NamedEntities()
    bounds = sorted({min(cut, len(text)) for cut in cuts} | {0, len(text)})
    replaced = "".join(entities.feed(text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False))
    replaced += entities.feed("", final=True)
    entities.report_unknown(pieces_report)
    assert replaced == whole
    assert pieces_report.diagnostics == whole_report.diagnostics


# --- memory -------------------------------------------------------------------------------

_CHILD = """
import sys
from converters.formats.jats import stream
stream.STREAM_FROM = 0  # stream the modest files the test can afford
from converters.cli import main
main(sys.argv[1:], standalone_mode=False)
with open("/proc/self/status") as status:
    print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
"""


def _peak_kib(path: Path, out: Path) -> int:
    done = subprocess.run([sys.executable, "-c", _CHILD, "convert", str(path), "--from", "jats", "--to", "csl-json",
                           "-o", str(out), "-q"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(sys.platform != "linux", reason="VmHWM is in KiB on Linux")
def test_peak_memory_stays_flat_when_the_document_doubles(tmp_path):
    # Read whole, the text, its UTF-8 copy and lxml's tree grow the peak by 3.6 KiB a
    # reference (measured: 96 MiB for 20,000 refs, 167 MiB for 40,000). Streamed, each ref's
    # elements are freed once read: 50 and 51 MiB (the output's key digests, and the
    # allocator's own slack, stay under 300 bytes a ref).
    def document(refs: int) -> Path:
        path = tmp_path / f"{refs}.xml"
        path.write_text("<pmc-articleset>" + "".join(_article(n, 100) for n in range(refs // 100))
                        + "</pmc-articleset>", encoding="utf-8")
        return path

    small = _peak_kib(document(20_000), tmp_path / "small.json")
    large = _peak_kib(document(40_000), tmp_path / "large.json")
    per_ref = (large - small) * 1024 / 20_000
    assert per_ref < 300, f"peak {small} KiB for 20,000 refs, {large} KiB for 40,000: {per_ref:.0f} B a ref"
