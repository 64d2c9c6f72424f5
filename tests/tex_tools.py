"""Run the real bibtex, biber and pdflatex on BibTeX text refconv wrote.

These are the programs a BibTeX user runs; parsers such as bibtexparser are more lenient than they are.
Each run happens in its own temporary directory, with no network and with TeX's own interaction turned
off, and returns what the tools said: the keys they put in the .bbl and the errors they reported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PROGRAMS = ("pdflatex", "bibtex", "biber")
TIMEOUT = 900  # seconds for one program on one document; tugboat.bib alone is about 5,000 entries


def missing_programs() -> list[str]:
    return [name for name in PROGRAMS if shutil.which(name) is None]


@dataclass
class Run:
    keys: list[str]  # the entries the tool wrote into the .bbl, in order
    tool_errors: list[str]  # bibtex's or biber's own complaints about the .bib
    latex_errors: list[str]  # "! ..." messages from pdflatex, with the line of context after each
    undefined_macros: set[str] = field(default_factory=set)  # control sequences LaTeX did not know
    log: str = ""
    bbl: str = ""  # what the tool wrote for LaTeX


_BIBITEM = re.compile(r"\\bibitem(?:\[[^\]]*\])?\{([^}]*)\}")
_ENTRY = re.compile(r"^\s*\\entry\{([^}]*)\}", re.MULTILINE)
_LATEX_ERROR = re.compile(r"^! (.*)$", re.MULTILINE)
_LAST_MACRO = re.compile(r"(\\(?:[A-Za-z@]+|.))\s*$")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(max_print_line="10000", error_line="254", half_error_line="238", openout_any="p", openin_any="p",
               TEXMFOUTPUT="", LC_ALL="C.UTF-8")
    return env


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          errors="replace", timeout=TIMEOUT)


def _latex(cwd: Path) -> str:
    _run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "-draftmode", "doc.tex"], cwd)
    return (cwd / "doc.log").read_text(encoding="utf-8", errors="replace")


def _latex_errors(log: str) -> tuple[list[str], set[str]]:
    """Each "! ..." error with its context, and the undefined control sequences among them.

    LaTeX prints an undefined control sequence at the end of the first context line, after the text read.
    Each undefined-control-sequence error is returned as "Undefined control sequence. \\name | context".
    """
    errors, undefined = [], set()
    for match in _LATEX_ERROR.finditer(log):
        context = log[match.end():].split("\n", 3)[1:3]
        message = match.group(1)
        if message == "Undefined control sequence." and context:
            last = _LAST_MACRO.search(context[0])
            if last:
                undefined.add(last.group(1))
                message += " " + last.group(1)
        errors.append(message + " | " + " ".join(s.strip() for s in context))
    return errors, undefined


PLAIN_DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
"""

BIBLATEX_DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[backend=biber,style=authoryear]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


def _write(cwd: Path, bib: str, stubs: tuple[str, ...]) -> None:
    (cwd / "refs.bib").write_text(bib, encoding="utf-8")
    for name in stubs:
        (cwd / Path(name).name).write_text("% empty stand-in: the source's @preamble inputs this file\n")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _timed_out(exc: subprocess.TimeoutExpired) -> Run:
    return Run([], [f"{exc.cmd[0]} did not finish in {exc.timeout} s"], [])


def run_bibtex(bib: str, stubs: tuple[str, ...] = ()) -> Run:
    """pdflatex, bibtex (plain.bst), pdflatex: what BibTeX + LaTeX users run. ``stubs`` are
    files the source's @preamble inputs that nobody has (written empty, so LaTeX goes on)."""
    try:
        return _run_bibtex(bib, stubs)
    except subprocess.TimeoutExpired as exc:
        return _timed_out(exc)


def run_biber(bib: str, stubs: tuple[str, ...] = ()) -> Run:
    """pdflatex, biber, pdflatex with biblatex: what BibLaTeX users run (``stubs`` as above)."""
    try:
        return _run_biber(bib, stubs)
    except subprocess.TimeoutExpired as exc:
        return _timed_out(exc)


def _run_bibtex(bib: str, stubs: tuple[str, ...]) -> Run:
    with tempfile.TemporaryDirectory(prefix="refconv-bibtex-") as tmp:
        cwd = Path(tmp)
        _write(cwd, bib, stubs)
        (cwd / "doc.tex").write_text(PLAIN_DOCUMENT, encoding="utf-8")
        _latex(cwd)
        done = _run(["bibtex", "doc"], cwd)
        blg, bbl = _read(cwd / "doc.blg"), _read(cwd / "doc.bbl")
        tool_errors = [line for line in blg.splitlines() if _is_bibtex_error(line)]
        if done.returncode >= 2:  # 1 is warnings only
            tool_errors.append(f"bibtex exit {done.returncode}: {done.stdout[-2000:]}")
        log = _latex(cwd)
        latex_errors, undefined = _latex_errors(log)
        return Run(_BIBITEM.findall(bbl), tool_errors, latex_errors, undefined, blg + log, bbl)


def _is_bibtex_error(line: str) -> bool:
    return (line.startswith("I was expecting") or line.startswith("I'm skipping") or "---line" in line
            or line.startswith("Repeated entry") or line.startswith("Sorry---you've exceeded")
            or "error message" in line)


def _run_biber(bib: str, stubs: tuple[str, ...]) -> Run:
    with tempfile.TemporaryDirectory(prefix="refconv-biber-") as tmp:
        cwd = Path(tmp)
        _write(cwd, bib, stubs)
        (cwd / "doc.tex").write_text(BIBLATEX_DOCUMENT, encoding="utf-8")
        _latex(cwd)
        done = _run(["biber", "--nolog", "--quiet", "doc"], cwd)
        bbl = _read(cwd / "doc.bbl")
        said = done.stdout + done.stderr
        tool_errors = [line for line in said.splitlines() if line.startswith("ERROR") or "SEGV" in line]
        if done.returncode != 0:
            tool_errors.append(f"biber exit {done.returncode}: {said[-2000:]}")
        log = _latex(cwd)
        latex_errors, undefined = _latex_errors(log)
        return Run(_ENTRY.findall(bbl), tool_errors, latex_errors, undefined, said + log, bbl)
