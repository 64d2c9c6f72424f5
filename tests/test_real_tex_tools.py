"""The real bibtex, biber and pdflatex judge refconv's BibTeX and BibLaTeX output.

For the sample, every shared-corpus input (BibTeX, RIS, CSL-JSON and arXiv sources) and a generated
hostile set, refconv writes BibTeX and BibLaTeX; then plain.bst runs through bibtex and pdflatex, and
biblatex through biber and pdflatex. Every entry refconv wrote must reach the .bbl, bibtex and biber must
report no error, and pdflatex no error caused by refconv's output. The only LaTeX errors allowed are
control sequences that the source itself uses and never defines (tugboat.bib's ``\\acro`` and friends,
which its journal's class file defines): tests/known_divergences/real-tex-tools.json lists them per input,
each with the entries that use it, and the test checks that each such macro occurs in the input file.

The programs come from Debian (texlive-binaries, texlive-latex-*, texlive-bibtex-extra, biber); .ci/run
installs them. Where they are absent the tier skips with a message.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import pytest

import converters

from .shared import ROOT, SHARED, shared_files
from .tex_tools import Run, missing_programs, run_biber, run_bibtex

KNOWN = Path(__file__).parent / "known_divergences" / "real-tex-tools.json"
ENCODINGS = {"gbk_test.bib": "gbk"}
NOT_OF_THE_FORMAT = {"example_wos.ris", "pubmed.ris"}  # as in test_corpus_matrix: not RIS records
BIG = 100_000  # bytes: a file this large is its own input; smaller ones go together by folder

HOSTILE_CSL = [
    {"id": "item-1", "type": "article-journal", "title": "Foo { bar", "author": [{"family": "Doe", "given": "A"}],
     "note": 'x}}\n@misc(injected, title = "pwned", year = 1666)\n', "issued": {"date-parts": [[2020]]}},
    {"id": "ITEM-1", "type": "article-journal", "title": "68% confidence in A&A, #1, phi^4 and a_b",
     "author": [{"given": "Banksy"}], "abstract": "ends with backslash \\", "issued": {"date-parts": [[2021]]}},
    {"id": "Doea", "type": "book", "title": "Stray } brace (-3.4} and {unclosed",
     "author": [{"given": "I Test J R"}], "publisher": "Tab\there, NUL\u0000, ESC\u001b, DEL\u007f",
     "issued": {"date-parts": [[2022]]}},
    {"id": "doeA", "type": "report", "title": "Thin\u2009space, middle\u00b7dot, \u0416\u0443\u043a and \u4e2d\u6587",
     "author": [{"literal": "Ministry of {Silly} Walks"}], "issued": {"date-parts": [[2023]]}},
    {"id": "line-breaks", "type": "article", "title": "Line\u2028sep\u0085next\rcarriage\n@comment{x}",
     "author": [{"family": "van Loosdrecht", "given": "Q"}, {"family": "Evans", "given": "J", "suffix": "II"}],
     "custom": {"bibtex:type": "misc{injected2, title = {pwned}}\n@comment",
                "bibtex:x = {1}, note = {pwned}, y": "value"}},
]


def _groups() -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = {"sample": [ROOT / "samples" / "arxiv-listing.txt"]}
    if (SHARED / "samples" / "arxiv-listing.txt").exists():
        groups["sample"].append(SHARED / "samples" / "arxiv-listing.txt")
    folders = [
        ("corpus/bibtex", ("*.bib",)),
        ("corpus/ris", ("*.ris", "*.txt")),
        ("corpus/csl", ("*.json",)),
        ("corpus/arxiv/abs-files", ("*.abs",)),
        ("corpus/arxiv/listings-arxiv-browse", ("*",)),
        ("corpus/arxiv/kaggle-metadata-sample", ("*.jsonl",)),
        ("corpus/arxiv/oai-pmh-hepcrawl", ("*.xml",)),
        ("corpus/arxiv/api-atom-arxiv.py", ("*.atom.xml",)),
    ]
    for folder, patterns in folders:
        for path in shared_files(folder, *patterns):
            if path.name in NOT_OF_THE_FORMAT or path.name == "PROVENANCE.txt":
                continue
            relative = path.relative_to(SHARED)
            if path.stat().st_size >= BIG:
                groups[str(relative)] = [path]
            else:
                groups.setdefault(str(relative.parent), []).append(path)
    return groups


GROUPS = _groups()


def _records(paths: list[Path]) -> list[converters.Record]:
    records: list[converters.Record] = []
    for path in paths:
        encoding = ENCODINGS.get(path.name, "latin-1" if "latin1" in path.name else "utf-8")
        try:
            records.extend(converters.load(path, encoding=encoding).records)
        except converters.ConversionError:
            continue  # not a bibliography (test_corpus_matrix judges detection)
    return records


def _hostile_records() -> list[converters.Record]:
    return list(converters.loads(json.dumps(HOSTILE_CSL), "csl-json").records)


_ENTRY_START = re.compile(r"^@(?!(?:string|preamble|comment)\b)[A-Za-z]+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE | re.I)


def written_keys(bib: str) -> list[str]:
    return _ENTRY_START.findall(bib)


@lru_cache(maxsize=None)
def _known() -> dict:
    return json.loads(KNOWN.read_text(encoding="utf-8"))


def _outputs() -> dict[tuple[str, str], tuple[str, Run]]:
    """Every group written in both dialects and run through the real tools, two at a time."""
    jobs = []
    for group, paths in GROUPS.items():
        records = _records(paths)
        if records:
            for dialect in ("bibtex", "biblatex"):
                jobs.append((group, dialect, converters.dumps(records, dialect)))
    hostile = _hostile_records()
    for dialect in ("bibtex", "biblatex"):
        jobs.append(("hostile", dialect, converters.dumps(hostile, dialect)))
    runner = {"bibtex": run_bibtex, "biblatex": run_biber}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        # the biggest first, so the pool is not left waiting on tugboat.bib at the end
        jobs.sort(key=lambda job: -len(job[2]))
        futures = {(group, dialect): (bib, pool.submit(runner[dialect], bib)) for group, dialect, bib in jobs}
        return {key: (bib, future.result()) for key, (bib, future) in futures.items()}


@pytest.fixture(scope="module")
def outputs():
    missing = missing_programs()
    if missing:
        pytest.skip(f"the real TeX tools are not installed ({', '.join(missing)}); .ci/run installs them from Debian")
    found = _outputs()
    if os.environ.get("REFCONV_TEX_TOOLS_DUMP"):  # what the tools said, for reading (not used by the tests)
        Path(os.environ["REFCONV_TEX_TOOLS_DUMP"]).write_text(json.dumps({
            f"{group} {dialect}": {"missing": sorted(set(written_keys(bib)) - set(run.keys)),
                                   "tool_errors": run.tool_errors, "latex_errors": run.latex_errors,
                                   "undefined": sorted(run.undefined_macros)}
            for (group, dialect), (bib, run) in found.items()}, indent=1, ensure_ascii=False), encoding="utf-8")
    return found


CASES = [(group, dialect) for group in [*GROUPS, "hostile"] for dialect in ("bibtex", "biblatex")]


def _source_text(group: str) -> str:
    if group == "hostile":
        return json.dumps(HOSTILE_CSL)
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in GROUPS[group])


@pytest.mark.parametrize(("group", "dialect"), CASES, ids=[f"{g}-{d}" for g, d in CASES])
def test_bibtex_and_biber_see_every_entry_with_no_error(outputs, group, dialect):
    if (group, dialect) not in outputs:
        pytest.skip(f"{group}: no records to write")
    bib, run = outputs[group, dialect]
    wrote = written_keys(bib)
    assert wrote, "the check found no entry in refconv's output"
    assert run.tool_errors == []
    assert sorted(run.keys, key=str.lower) == sorted(wrote, key=str.lower)


@pytest.mark.parametrize(("group", "dialect"), CASES, ids=[f"{g}-{d}" for g, d in CASES])
def test_latex_reports_no_error_caused_by_refconvs_output(outputs, group, dialect):
    if (group, dialect) not in outputs:
        pytest.skip(f"{group}: no records to write")
    _, run = outputs[group, dialect]
    known = _known().get(group, {})
    allowed = set(known.get("undefined-in-source", {}))
    source = _source_text(group)
    for macro in allowed:
        assert macro in source, f"{macro} is listed as the source's own, but {group} does not use it"
    unexplained = [e for e in run.latex_errors if not _is_allowed(e, allowed)]
    assert run.undefined_macros <= allowed, sorted(run.undefined_macros - allowed)
    assert unexplained == []


def _is_allowed(error: str, allowed: set[str]) -> bool:
    # an undefined control sequence is explained when it is one the source uses and never defines
    head = error.split(" | ", 1)[0]
    return head.startswith("Undefined control sequence. ") and head.split(" ", 3)[-1] in allowed
