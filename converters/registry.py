"""The table of formats. Adding a format is one module and one line here.

Each entry also declares the options that belong to its format (``Option``): the
library takes them as keywords (``ris_type="JOUR"``), the command line builds its flags
from them (``--ris-type JOUR``), and their values are checked against the declaration
here, in one place. The declarations are data, so building the flags imports no format.

Reader and writer are named as ``"module:function"`` and imported on first use, so
``refconv --version`` and ``refconv formats`` stay fast and a format's dependencies
load only when it is used. Third-party formats register through the
``refconv.formats`` entry-point group with a ``Format`` object.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from .diagnostics import UsageError


@dataclass(frozen=True)
class Option:
    """An option a format declares: the keyword ``name`` in the library, the flag
    ``--name-with-dashes`` on the command line (``--no-name`` for a flag that is on by
    default), and ``Options.name`` in the readers and writers."""

    name: str
    type: type  # bool or str
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    deprecated: tuple[str, ...] = ()  # former keyword names, still accepted with a DeprecationWarning

    @property
    def flag(self) -> str:
        """The command line's spelling: ``ris_type`` is ``--ris-type``."""
        return "--" + self.name.replace("_", "-")

    def check(self, value: Any) -> Any:
        """``value`` if the declaration allows it, else UsageError saying what it allows."""
        if value is None and self.default is None:
            return value
        if not isinstance(value, self.type):
            raise UsageError(f"option {self.name} takes a {self.type.__name__}, got {value!r}")
        if self.choices and value not in self.choices:
            raise UsageError(f"option {self.name} must be one of {', '.join(self.choices)}, got {value!r}")
        return value


@dataclass(frozen=True)
class Format:
    """One format: its names, how to recognise it, its reader and writer (``"module:function"``,
    imported on first use) and the options it declares."""

    name: str
    description: str
    aliases: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    detect: str | None = None  # "module:function" taking the first few KiB of text
    reader: str | None = None  # "module:function"
    writer: str | None = None  # "module:function"
    output_extension: str = ""
    options: tuple[Option, ...] = ()

    def load(self, which: str) -> Callable:
        """The reader, writer or detector (``which``), imported now."""
        target = getattr(self, which)
        if target is None:
            raise UsageError(f"format '{self.name}' has no {which}")
        return _resolve(target)

    @property
    def can_read(self) -> bool:
        """refconv has a reader for it."""
        return self.reader is not None

    @property
    def can_write(self) -> bool:
        """refconv has a writer for it."""
        return self.writer is not None


@cache
def _resolve(target: str) -> Callable:
    module, _, name = target.partition(":")
    if module.startswith("."):
        module = "converters.formats" + module
    return getattr(importlib.import_module(module), name)


# Options more than one format declares are declared once, here.
_TEX = Option("tex", str, None, "TeX encoding of the output: ascii (8-bit BibTeX, ö as {\\\"o}), utf8, or minimal "
              "(only what must be escaped); unset: ascii for bibtex, utf8 for biblatex",
              choices=("utf8", "ascii", "minimal"))
_PROTECT_CASE = Option("protect_case", bool, True,
                       "Brace inner-capital words ({DNA}) in titles, so styles keep their case")
_PLAIN_MATH = Option("plain_math", bool, False, "Write maths as Unicode text instead of $TeX$")
_BIBTEX_OPTIONS = (_TEX, _PROTECT_CASE)

# name, description, aliases, extensions, detect, reader, writer, output extension, options
FORMATS: tuple[Format, ...] = (
    Format("arxiv-listing", "plain-text arXiv listing (title/authors, abstract, comments, arXiv:ID, Created:)",
           ("arxiv", "listing"), (".txt", ".listing"),
           ".sniff:arxiv_listing", ".arxiv_listing:read", None, ".txt"),
    Format("bibtex", "BibTeX (classic 8-bit; ASCII output with TeX macros)", ("bib",), (".bib", ".bibtex"),
           ".sniff:bibtex", ".bibtex:read", ".bibtex:write", ".bib", _BIBTEX_OPTIONS),
    Format("biblatex", "BibLaTeX for biber (UTF-8, date, eprinttype)", (), (),
           None, ".bibtex:read", ".bibtex:write_biblatex", ".bib", _BIBTEX_OPTIONS),
    Format("ris", "RIS (Research Information Systems) tagged format", (), (".ris",),
           ".sniff:ris", ".ris:read", ".ris:write", ".ris",
           (Option("ris_type", str, "UNPB", "TY written for preprints (RIS has no preprint type)",
                   choices=("UNPB", "JOUR", "GEN", "MANSCPT", "INPR", "RPRT", "ELEC"),
                   deprecated=("ris_preprint_type",)),
            _PLAIN_MATH)),
    Format("csl-json", "CSL-JSON (citeproc, Zotero, pandoc)", ("csljson", "csl", "json"), (".json", ".csl.json"),
           ".sniff:csl_json", ".csl_json:read", ".csl_json:write", ".json",
           (Option("ndjson", bool, False, "One item per line instead of one array"), _PLAIN_MATH,
            Option("sentence_case", bool, True, "English BibTeX titles in sentence case, as CSL stores them "
                   "(braced words keep their capitals); false keeps every letter as written"))),
    Format("jats", "JATS XML 1.4 Archiving (references or full articles)", ("jats-xml", "xml"),
           (".xml", ".jats", ".nxml"), ".sniff:jats", ".jats:read", ".jats:write", ".xml",
           (Option("jats_mode", str, "references", "references: one <article> holding a <ref-list>; "
                   "articles: one full <article> per record", choices=("references", "articles")),
            Option("jats_front", bool, False, "JATS input: also read the article's own front matter as a record"))),
    Format("refconv-json", "the canonical record, one JSON object per line (lossless)", ("refconv",), (".ndjson",),
           ".sniff:refconv_json", ".refconv_json:read", ".refconv_json:write", ".ndjson"),
    Format("arxiv-abs", "arXiv .abs metadata file", (), (".abs",), ".sniff:arxiv_abs", ".arxiv.abs:read"),
    Format("arxiv-mailing", "arXiv mailings/listings", (), (), ".sniff:arxiv_mailing", ".arxiv.mailing:read"),
    Format("arxiv-atom", "arXiv API Atom response", (), (".atom",), ".sniff:arxiv_atom", ".arxiv.atom:read"),
    Format("arxiv-oai", "arXiv OAI-PMH (arXiv, arXivRaw)", (), (), ".sniff:arxiv_oai", ".arxiv.oai:read"),
    Format("arxiv-json", "arXiv metadata snapshot lines", (), (), ".sniff:arxiv_json", ".arxiv.snapshot:read"),
)


@lru_cache(maxsize=1)
def all_formats() -> tuple[Format, ...]:
    """Built-in formats plus those registered by installed packages."""
    formats = list(FORMATS)
    if os.environ.get("REFCONV_NO_PLUGINS") != "1" and _may_have_plugins():
        from importlib.metadata import entry_points

        for entry in entry_points(group=PLUGIN_GROUP):
            fmt = entry.load()
            if isinstance(fmt, Format) and all(f.name != fmt.name for f in formats):
                formats.append(fmt)
    return tuple(formats)


PLUGIN_GROUP = "refconv.formats"


def _may_have_plugins() -> bool:
    """Whether an installed distribution may declare the entry-point group: a look at the
    ``entry_points.txt`` files on sys.path. Importing importlib.metadata and letting it scan
    costs about 35 ms, a sixth of a one-record conversion, and nearly always finds nothing;
    whatever this finds (or cannot rule out, as a zip on sys.path) goes to importlib.metadata."""
    needle = f"[{PLUGIN_GROUP}]".encode()
    for path in sys.path:
        try:
            entries = os.scandir(path or ".")
        except NotADirectoryError:
            return True  # a zip archive or egg file: importlib.metadata reads those
        except OSError:
            continue  # a path that does not exist
        with entries:
            for entry in entries:
                if not entry.name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(entry.path, "entry_points.txt"), "rb") as handle:
                        if needle in handle.read():
                            return True
                except NotADirectoryError:
                    return True  # an .egg-info file (old setuptools): let importlib.metadata read it
                except OSError:
                    continue
    return False


@lru_cache(maxsize=1)
def declared_options() -> dict[str, tuple[Option, tuple[str, ...]]]:
    """Every format option by name, with the formats declaring it. Two formats may share
    an option only by declaring the same one (same type, default, choices and help)."""
    found: dict[str, tuple[Option, tuple[str, ...]]] = {}
    for fmt in all_formats():
        for option in fmt.options:
            known, names = found.get(option.name, (option, ()))
            if known != option:
                raise UsageError(f"format '{fmt.name}' declares option {option.name} unlike "
                                 f"'{names[0]}' does; a shared option must be declared the same")
            found[option.name] = (option, (*names, fmt.name))
    return found


def get(name: str) -> Format:
    """The format called ``name`` or one of its aliases; UsageError naming the known ones."""
    wanted = name.strip().lower()
    for fmt in all_formats():
        if wanted == fmt.name or wanted in fmt.aliases:
            return fmt
    known = ", ".join(f.name for f in all_formats())
    import difflib  # (only for a name mistyped)

    names = [n for f in all_formats() for n in (f.name, *f.aliases)]
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.75)
    guess = f"did you mean '{close[0]}'? " if close else ""
    raise UsageError(f"unknown format '{name}'; {guess}known formats: {known}")


def readers() -> list[Format]:
    """The formats refconv can read."""
    return [f for f in all_formats() if f.can_read]


def writers() -> list[Format]:
    """The formats refconv can write."""
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
