"""The real bibtex, biber and pdflatex judge refconv's BibTeX and BibLaTeX output.

For the sample, every shared-corpus input (BibTeX, RIS, CSL-JSON and arXiv sources) and a generated
hostile set, refconv writes BibTeX and BibLaTeX; then plain.bst runs through bibtex and pdflatex, and
biblatex through biber and pdflatex. Every entry refconv wrote must reach the .bbl, bibtex and biber must
report no error, and pdflatex no error caused by refconv's output. The only LaTeX errors allowed are
control sequences that the source itself uses and never defines (tugboat.bib's ``\\acro`` and friends,
which its journal's class file defines): tests/known_divergences/real-tex-tools.json lists them per input,
each with the entries that use it, and the test checks that each such macro occurs in the input file.

Two more LaTeX errors are explained by the test document, not the output: a file the source's
@preamble inputs that nobody has (Beebe's ``path.sty``; listed per input, and given to LaTeX as an
empty stand-in so the rest is still checked), and, in BibLaTeX output (UTF-8, as biber reads it),
"Unicode character not set up" for a character the source itself holds that pdflatex's inputenc does
not cover (Greek, Cyrillic, CJK, a lone combining mark): xelatex/lualatex print them, and BibTeX output
(``--tex ascii``) writes macros or reports the character.

The programs come from Debian (texlive-binaries, texlive-latex-*, texlive-bibtex-extra, biber); .ci/run
installs them. Where they are absent the tier skips with a message.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest

import converters
from converters.normalise import decoded_again

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
    # a literal backtick (an Arabic 'ayn transliterated), which TeX prints as a quote unless escaped:
    # biber made "{" the initial of a name part starting with the escape (LaTeX: "Extra }")
    {"id": "grave", "type": "book", "title": "A `literal' backtick", "issued": {"date-parts": [[2024]]},
     "author": [{"family": "Shafi`i", "given": "`Ala'"}, {"family": "`", "given": "x `"}]},
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


@cache
def _known() -> dict:
    return json.loads(KNOWN.read_text(encoding="utf-8"))["inputs"]


def _stubs(group: str) -> tuple[str, ...]:
    return tuple(_known().get(group, {}).get("missing-files", {}))


def _outputs() -> dict[tuple[str, str], tuple[str, Run]]:
    """Every group written in both dialects and run through the real tools, two at a time."""
    jobs = []
    only = os.environ.get("REFCONV_TEX_TOOLS_ONLY")  # a part of the input names, to try a few by hand
    for group, paths in GROUPS.items():
        if only and only not in group:
            continue
        records = _records(paths)
        if records:
            for dialect in ("bibtex", "biblatex"):
                jobs.append((group, dialect, converters.dumps(records, dialect)))
    hostile = _hostile_records()
    for dialect in ("bibtex", "biblatex") if not only or only in "hostile" else ():
        jobs.append(("hostile", dialect, converters.dumps(hostile, dialect)))
    runner = {"bibtex": run_bibtex, "biblatex": run_biber}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        # the biggest first, so the pool is not left waiting on tugboat.bib at the end
        jobs.sort(key=lambda job: -len(job[2]))
        futures = {(group, dialect): (bib, pool.submit(runner[dialect], bib, _stubs(group)))
                   for group, dialect, bib in jobs}
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


def _cases(check: str) -> list:
    """CASES, with the refconv bugs still open (known list, "open-bugs") marked as strict xfails:
    they are bugs, not divergences, and the mark goes as soon as one is fixed."""
    open_bugs = {group: known.get("open-bugs", {}) for group, known in _known().items()}
    return [pytest.param(group, dialect, id=f"{group}-{dialect}", marks=[
                pytest.mark.xfail(strict=True, reason=open_bugs[group][f"{check} {dialect}"])]
             if f"{check} {dialect}" in open_bugs.get(group, {}) else [])
            for group, dialect in CASES]


def _source_text(group: str) -> str:
    """The inputs' text as decoded, JSON's \\u escapes included, to look for what the source holds."""
    if group == "hostile":
        return json.dumps(HOSTILE_CSL, ensure_ascii=False)
    texts = []
    for path in GROUPS[group]:
        encoding = ENCODINGS.get(path.name, "latin-1" if "latin1" in path.name else "utf-8")
        text = path.read_text(encoding=encoding, errors="replace")
        texts.append(text)
        if path.suffix in (".json", ".jsonl"):
            texts.append(text.encode().decode("unicode_escape", errors="replace"))
        if (again := decoded_again(text)) is not None:  # (as the reader decodes text encoded twice over)
            texts.append(again)
    return "\n".join(texts)


@pytest.mark.parametrize(("group", "dialect"), _cases("entries"))
def test_bibtex_and_biber_see_every_entry_with_no_error(outputs, group, dialect):
    if (group, dialect) not in outputs:
        pytest.skip(f"{group}: no records to write")
    bib, run = outputs[group, dialect]
    wrote = written_keys(bib)
    assert wrote, "the check found no entry in refconv's output"
    assert run.tool_errors == []
    # biber adds entries of its own (hashed keys for biblatex's related/set clones)
    assert {k.lower() for k in wrote} - {k.lower() for k in run.keys} == set()


@pytest.mark.parametrize(("group", "dialect"), _cases("latex"))
def test_latex_reports_no_error_caused_by_refconvs_output(outputs, group, dialect):
    if (group, dialect) not in outputs:
        pytest.skip(f"{group}: no records to write")
    _, run = outputs[group, dialect]
    known = _known().get(group, {})
    allowed = set(known.get("undefined-in-source", {}))
    source = _source_text(group)
    for macro in allowed:
        assert macro in source, f"{macro} is listed as the source's own, but {group} does not use it"
    for name in known.get("missing-files", {}):
        assert name.removesuffix(".sty") in source, f"{group} does not input {name}"
    source_errors = known.get("source-errors", {})
    unexplained = [e for e in run.latex_errors if not _is_allowed(e, allowed, source)
                   and not e.startswith(tuple(source_errors))]
    if len(run.latex_errors) >= 100 and all(e.startswith(_TOO_MANY) for e in unexplained):
        unexplained = []  # TeX stops after 100 errors in one paragraph: here all of them explained
    assert unexplained == []
    assert run.undefined_macros <= allowed, sorted(run.undefined_macros - allowed)


def test_every_listed_source_macro_is_still_undefined_somewhere(outputs):
    """The list cannot go stale: each macro listed for an input is undefined in one of its runs."""
    for group, known in _known().items():
        if not any((group, d) in outputs for d in ("bibtex", "biblatex")):
            continue  # not run (REFCONV_TEX_TOOLS_ONLY)
        seen = set().union(*(outputs[group, d][1].undefined_macros for d in ("bibtex", "biblatex")
                             if (group, d) in outputs))
        assert set(known.get("undefined-in-source", {})) <= seen, group


_TOO_MANY = ("That makes 100 errors", " ==> Fatal error occurred")
_NOT_SET_UP = re.compile(r"^LaTeX Error: Unicode character (.) \(U\+[0-9A-F]+\)")


def _is_allowed(error: str, allowed: set[str], source: str) -> bool:
    head = error.split(" | ", 1)[0]
    if head.startswith("Undefined control sequence. "):
        # explained when it is one the source uses and never defines
        return head.split(" ", 3)[-1] in allowed
    unicode = _NOT_SET_UP.match(head)
    if unicode:
        # a character the source holds as such, which biber's UTF-8 passes on and pdflatex's
        # inputenc does not cover: the engine's limit, not our output's
        return unicode.group(1) in source
    return False


def _entries_using(group: str, macro: str) -> list[str]:
    """The entries of refconv's BibTeX output for an input that hold the macro."""
    records = _hostile_records() if group == "hostile" else _records(GROUPS[group])
    bib = converters.dumps(records, "biblatex")
    pattern = re.compile(re.escape(macro) + r"(?![A-Za-z])")
    return [key for key, body in zip(written_keys(bib), re.split(_ENTRY_START, bib)[2::2], strict=True)
            if pattern.search(body)]


def update_known(*dumps: Path) -> None:
    """Rewrite the undefined-in-source lists from a run's dump (REFCONV_TEX_TOOLS_DUMP=...):
    a macro goes on the list only when the input itself uses it; stand-in files stay as written."""
    said = {name: run for dump in dumps for name, run in json.loads(dump.read_text(encoding="utf-8")).items()}
    document = json.loads(KNOWN.read_text(encoding="utf-8"))
    inputs = document["inputs"]
    for known in inputs.values():
        known.pop("undefined-in-source", None)  # open-bugs and missing-files are written by hand
    for run_name, run in said.items():
        group = run_name.rsplit(" ", 1)[0]
        source = _source_text(group)
        for macro in run["undefined"]:
            if macro in source:
                listed = inputs.setdefault(group, {}).setdefault("undefined-in-source", {})
                listed.setdefault(macro, _entries_using(group, macro))
    document["inputs"] = {g: k for g, k in sorted(inputs.items()) if k}
    KNOWN.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":  # python -m tests.test_real_tex_tools DUMP.json [DUMP.json ...]
    import sys

    update_known(*map(Path, sys.argv[1:]))
