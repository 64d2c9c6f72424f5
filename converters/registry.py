"""The table of formats. Adding a format is one module and one line here.

Reader and writer are named as ``"module:function"`` and imported on first use, so
``refconv --version`` and ``refconv formats`` stay fast and a format's dependencies
load only when it is used. Third-party formats register through the
``refconv.formats`` entry-point group with a ``Format`` object.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from .diagnostics import UsageError


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    aliases: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    detect: str | None = None  # "module:function" taking the first few KiB of text
    reader: str | None = None  # "module:function"
    writer: str | None = None  # "module:function"
    output_extension: str = ""

    def load(self, which: str) -> Callable:
        target = getattr(self, which)
        if target is None:
            raise UsageError(f"format '{self.name}' has no {which}")
        return _resolve(target)

    @property
    def can_read(self) -> bool:
        return self.reader is not None

    @property
    def can_write(self) -> bool:
        return self.writer is not None


@lru_cache(maxsize=None)
def _resolve(target: str) -> Callable:
    module, _, name = target.partition(":")
    if module.startswith("."):
        module = "converters.formats" + module
    return getattr(importlib.import_module(module), name)


# name, description, aliases, extensions, detect, reader, writer, output extension
FORMATS: tuple[Format, ...] = (
    Format("arxiv-listing", "plain-text arXiv listing (title/authors, abstract, comments, arXiv:ID, Created:)",
           ("arxiv", "listing"), (".txt", ".listing"),
           ".arxiv_listing:detect", ".arxiv_listing:read", None, ".txt"),
    Format("bibtex", "BibTeX (classic 8-bit; ASCII output with TeX macros)", ("bib",), (".bib", ".bibtex"),
           ".bibtex:detect", ".bibtex:read", ".bibtex:write", ".bib"),
    Format("biblatex", "BibLaTeX for biber (UTF-8, date, eprinttype)", (), (),
           None, ".bibtex:read", ".bibtex:write_biblatex", ".bib"),
    Format("ris", "RIS (Research Information Systems) tagged format", (), (".ris",),
           ".ris:detect", ".ris:read", ".ris:write", ".ris"),
    Format("csl-json", "CSL-JSON (citeproc, Zotero, pandoc)", ("csljson", "csl", "json"), (".json", ".csl.json"),
           ".csl_json:detect", ".csl_json:read", ".csl_json:write", ".json"),
    Format("jats", "JATS XML 1.4 Archiving (references or full articles)", ("jats-xml", "xml"),
           (".xml", ".jats", ".nxml"), ".jats:detect", ".jats:read", ".jats:write", ".xml"),
    Format("refconv-json", "the canonical record, one JSON object per line (lossless)", ("refconv",), (".ndjson",),
           ".refconv_json:detect", ".refconv_json:read", ".refconv_json:write", ".ndjson"),
    Format("arxiv-abs", "arXiv .abs metadata file", (), (".abs",), ".arxiv.abs:detect", ".arxiv.abs:read"),
    Format("arxiv-mailing", "arXiv mailings/listings", (), (), ".arxiv.mailing:detect", ".arxiv.mailing:read"),
    Format("arxiv-atom", "arXiv API Atom response", (), (".atom",), ".arxiv.atom:detect", ".arxiv.atom:read"),
    Format("arxiv-oai", "arXiv OAI-PMH (arXiv, arXivRaw)", (), (), ".arxiv.oai:detect", ".arxiv.oai:read"),
    Format("arxiv-json", "arXiv metadata snapshot lines", (), (), ".arxiv.snapshot:detect", ".arxiv.snapshot:read"),
)


@lru_cache(maxsize=1)
def all_formats() -> tuple[Format, ...]:
    """Built-in formats plus those registered by installed packages."""
    formats = list(FORMATS)
    if os.environ.get("REFCONV_NO_PLUGINS") != "1":
        from importlib.metadata import entry_points

        for entry in entry_points(group="refconv.formats"):
            fmt = entry.load()
            if isinstance(fmt, Format) and all(f.name != fmt.name for f in formats):
                formats.append(fmt)
    return tuple(formats)


def get(name: str) -> Format:
    wanted = name.strip().lower()
    for fmt in all_formats():
        if wanted == fmt.name or wanted in fmt.aliases:
            return fmt
    known = ", ".join(f.name for f in all_formats())
    raise UsageError(f"unknown format '{name}'; known formats: {known}")


def readers() -> list[Format]:
    return [f for f in all_formats() if f.can_read]


def writers() -> list[Format]:
    return [f for f in all_formats() if f.can_write]


def guess(head: str, filename: str | None = None) -> tuple[Format | None, str]:
    """Guess the input format: content first where it is conclusive, then the extension.

    Returns the format and a sentence saying why, for verbose output.
    """
    candidates = readers()
    matched = [f for f in candidates if f.detect and _resolve(f.detect)(head)]
    by_extension = []
    if filename:
        lower = filename.lower()
        by_extension = [f for f in candidates if any(lower.endswith(ext) for ext in f.extensions)]
    for fmt in by_extension:
        if fmt in matched:
            return fmt, f"extension and content both say {fmt.name}"
    if len(matched) == 1:
        return matched[0], f"content looks like {matched[0].name}"
    if matched:
        return matched[0], f"content could be {', '.join(f.name for f in matched)}; took {matched[0].name}"
    if len(by_extension) == 1:
        return by_extension[0], f"extension says {by_extension[0].name} (content not recognised)"
    return None, "neither extension nor content identifies the format"
