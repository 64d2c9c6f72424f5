"""Which files under a directory given with ``-r`` are record sources.

A file with an extension a reader claims is taken, as it always was. Any other file (arXiv's
extension-less ``new`` and ``pastweek`` listings, ``.jsonl`` snapshots) is taken when its
first few KiB look like a format refconv reads; with ``--from`` every file is taken by what
its content says, so a notes.txt is not read as BibTeX. Files that document a collection
(README, LICENSE, ``*.schema.json``) are never records, whatever their extension. Every file
left out is said, as a diagnostic naming the reason; hidden files and folders (``.git``) are
not walked, as ripgrep and fd do not.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from . import registry
from .diagnostics import Diagnostic, Severity

HEAD = 8192  # as much as api reads to guess a format
# a collection's own documentation and metadata: never a record source
_NOT_RECORDS = re.compile(r"^(?:readme|licen[cs]e|copying|changelog)(?:[._-].*)?$|\.schema\.json$", re.IGNORECASE)


def files_under(root: str, from_: str | None, encoding: str = "utf-8") -> tuple[list[str], list[Diagnostic]]:
    """The record sources under ``root`` (sorted), and an info diagnostic per file left out."""
    wanted = registry.get(from_) if from_ else None
    extensions = tuple(ext for fmt in ([wanted] if wanted else registry.readers()) for ext in fmt.extensions)
    taken: list[str] = []
    skipped: list[Diagnostic] = []
    for path in _walk(root, skipped):
        why = _why_not(path, wanted, extensions, encoding)
        if why is None:
            taken.append(path)
        else:
            skipped.append(Diagnostic("batch.skipped", Severity.INFO, f"skipped: {why}", source=path))
    return taken, skipped


def _walk(root: str, skipped: list[Diagnostic]) -> Iterator[str]:
    for folder, dirs, files in os.walk(root):
        for name in [d for d in dirs if d.startswith(".")]:
            skipped.append(Diagnostic("batch.skipped", Severity.INFO, "skipped: a hidden folder",
                                      source=os.path.join(folder, name)))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name.startswith("."):
                skipped.append(Diagnostic("batch.skipped", Severity.INFO, "skipped: a hidden file", source=path))
            elif os.path.isfile(path):
                yield path


def _why_not(path: str, wanted: registry.Format | None, extensions: tuple[str, ...], encoding: str) -> str | None:
    """None when ``path`` is a record source; else why it is not, for the diagnostic."""
    name = os.path.basename(path)
    if _NOT_RECORDS.search(name):
        return "a collection's README, licence or schema file, not records (name it as an input to read it)"
    known = name.lower().endswith(extensions)
    if known and wanted is None:
        return None  # the extension says which reader; reading it reports what is wrong with it
    head = _head(path, encoding)
    if head is None:
        return "binary or unreadable"
    if wanted is None:
        found, _ = registry.guess(head)
        return None if found else "extension unknown and content not recognised (pass --from FORMAT to read it)"
    if _looks_like(wanted, head) or known:
        return None
    return f"content does not look like {wanted.name}"


def _looks_like(fmt: registry.Format, head: str) -> bool:
    """Whether a detector of ``fmt``'s reader accepts ``head`` (biblatex has none of its own:
    it is read by the BibTeX reader, whose detector speaks for it)."""
    detectors = [f for f in registry.readers() if f.reader == fmt.reader and f.detect]
    if not detectors:
        return True  # nothing can tell: the reader decides
    return any(f.load("detect")(head) for f in detectors)


def _head(path: str, encoding: str) -> str | None:
    from .textio import sniff_bom

    try:
        with open(path, "rb") as handle:
            raw = handle.read(HEAD)
    except OSError:
        return None
    chosen = sniff_bom(raw, encoding)
    if b"\0" in raw and not chosen.startswith(("utf-16", "utf-32")):
        return None
    return raw.decode(chosen, errors="replace").lstrip("\ufeff")
