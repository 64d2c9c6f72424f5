"""Every reader streams: reading twice the records does not take more peak memory.

BibTeX, CSL-JSON and JATS have tests of their own (their windows and passes need knobs:
``test_memory.py``, ``test_csl_json_streaming.py``, ``test_jats_streaming.py``); the
line-based readers here are measured with tracemalloc (each record's Python objects; a
reader holding its input or its records grows by kilobytes a record), the two XML
readers by the peak resident memory of a process (lxml's tree is C memory tracemalloc
does not see). The arXiv .abs reader reads one record a file and is not here.
"""

from __future__ import annotations

import gc
import io
import json
import re
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from converters import registry
from converters.diagnostics import Reporter
from converters.options import Options

ROOT = Path(__file__).resolve().parents[1]
ARXIV = Path(__file__).parent / "fixtures" / "arxiv"


def _ris(n: int) -> str:
    return (f"TY  - JOUR\nID  - okafor{n}\nAU  - Okafor, Ann\nAU  - Smith, Jo\nTI  - Sparse gauge models\n"
            f"T2  - Phys. Rev. D\nPY  - 2021\nSP  - 1\nEP  - 10\nER  - \n\n")


def _refconv(n: int) -> str:
    return json.dumps({"type": "article-journal", "key": f"okafor{n}",
                       "title": {"value": "Sparse gauge models", "syntax": "plain"},
                       "authors": [{"family": "Okafor", "given": "Ann"}], "issued": {"year": 2021}}) + "\n"


def _snapshot(n: int) -> str:
    line = (ARXIV / "snapshot-bad-line-between-good-lines.jsonl").read_text(encoding="utf-8").splitlines()[0]
    item = json.loads(line)
    item["id"], item["doi"] = f"2101.{n:05d}", None
    return json.dumps(item) + "\n"


_MAILING_RECORD = """\\\\
arXiv:2303.{n:05d}
Date: Wed, 15 Mar 2023 17:15:04 GMT   (3493kb,D)

Title: Sparse gauge models
Authors: Ann Okafor, Jo Smith
Categories: cs.CL cs.AI
Comments: 10 pages
\\\\
  An abstract in our own words about sparse gauge models.
\\\\ ( https://arxiv.org/abs/2303.{n:05d} ,  3493kb)
------------------------------------------------------------------------------
"""


def _mailing(n: int) -> str:
    return _MAILING_RECORD.format(n=n)


def _listing(n: int) -> str:
    return (f"Sparse gauge models\nAnn Okafor, Jo Smith\n\nAn abstract in our own words.\n\n"
            f"arXiv:2101.{n:05d}\nCreated: 2021-01-05\n\n")


LINE_READERS: dict[str, tuple[Callable[[int], str], str, str]] = {
    # format: (record n's text, text before the records, text after them)
    "ris": (_ris, "", ""),
    "refconv-json": (_refconv, "", ""),
    "arxiv-json": (_snapshot, "", ""),
    "arxiv-mailing": (_mailing, "Subject: cs daily mailing (generated)\n"
                      "------------------------------------------------------------------------------\n", ""),
    "arxiv-listing": (_listing, "", ""),
}


def _lines(fmt: str, count: int) -> Iterator[str]:
    record, head, tail = LINE_READERS[fmt]
    yield from io.StringIO(head)
    for n in range(1, count + 1):
        yield from io.StringIO(record(n))
    yield from io.StringIO(tail)


def _traced_peak(fmt: str, count: int) -> int:
    read = registry.get(fmt).load("reader")
    report = Reporter("<memory>")
    gc.collect()
    tracemalloc.start()
    try:
        got = sum(1 for _ in read(_lines(fmt, count), report, Options()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == count and not report.diagnostics, [d.render() for d in report.diagnostics[:3]]
    return peak


@pytest.mark.parametrize("fmt", LINE_READERS)
def test_line_reader_peak_memory_stays_flat_when_the_input_doubles(fmt):
    _traced_peak(fmt, 50)  # imports and first-use tables
    small, large = _traced_peak(fmt, 1_000), _traced_peak(fmt, 2_000)
    per_record = (large - small) / 1_000
    # a record held costs a kilobyte or more; the readers keep only the digests of ids seen
    # (for duplicate warnings) and bounded caches
    assert per_record < 100, f"peak {small / 1e3:.0f} kB for 1,000 records, {large / 1e3:.0f} kB for 2,000"


# --- the XML readers: resident memory of a process --------------------------------------------

def _repeated(fixture: str, element: str, end: str) -> Callable[[int], str]:
    """A document of the fixture's first ``element`` repeated, each with its own arXiv id and DOI."""
    def document(count: int) -> str:
        text = (ARXIV / fixture).read_text(encoding="utf-8")
        match = re.search(rf"[ \t]*<{element}>.*?</{element}>\n", text, re.S)
        assert match is not None
        one = match.group()
        copies = (one.replace("0704.0001", f"2101.{n:05d}").replace("76.013009", f"76.{n:06d}")
                  for n in range(1, count + 1))
        return text[: match.start()] + "".join(copies) + end
    return document


_atom = _repeated("atom-duplicate-entry-more-pages.atom.xml", "entry", "</feed>\n")
_oai = _repeated("oai-listrecords-deleted-and-resumption-token.xml", "record", "</ListRecords>\n</OAI-PMH>\n")


_CHILD = """
import sys
from converters import api
from converters.diagnostics import Reporter
report = Reporter()
count = sum(1 for _ in api.iter_load(sys.argv[1], sys.argv[2], report=report))
with open("/proc/self/status") as status:
    print(count, len(report.diagnostics), next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
"""


def _resident_peak_kib(path: Path, fmt: str, count: int) -> int:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), fmt], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    read, said, peak = map(int, done.stdout.split())
    assert read == count and not said  # diagnostics are kept: a warning a record would grow
    return peak


@pytest.mark.skipif(sys.platform != "linux", reason="VmHWM is in KiB on Linux")
@pytest.mark.parametrize(("fmt", "document"), [("arxiv-atom", _atom), ("arxiv-oai", _oai)])
def test_xml_reader_peak_memory_stays_flat_when_the_input_doubles(tmp_path, fmt, document):
    # An entry here is 1.3 kB of XML; held as lxml's tree (with its Python records) it would
    # be several: measured, the peak grows by under 100 bytes an entry (the ids seen, for the
    # duplicate warning)
    peaks = []
    for count in (5_000, 10_000):
        path = tmp_path / f"{count}.xml"
        path.write_text(document(count), encoding="utf-8")
        peaks.append(_resident_peak_kib(path, fmt, count))
    per_entry = (peaks[1] - peaks[0]) * 1024 / 5_000
    assert per_entry < 300, f"peak {peaks[0]} KiB for 5,000 entries, {peaks[1]} KiB for 10,000"
