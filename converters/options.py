"""One policy object for readers and writers (no global switches)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from .diagnostics import UsageError

RIS_TYPES_FOR_PREPRINT = ("UNPB", "JOUR", "GEN", "MANSCPT", "INPR", "RPRT", "ELEC")


@dataclass(frozen=True, slots=True)
class Options:
    tex: str | None = None  # utf8 | ascii | minimal; None: ascii for bibtex, utf8 for biblatex
    plain_math: bool = False  # write maths as Unicode text instead of TeX in CSL/RIS
    protect_case: bool = True  # brace inner-capital words in BibTeX titles
    keep_keys: bool = True  # keep citation keys the input gives
    key_pattern: str | None = None  # e.g. "[auth:lower][year][shorttitle:3]"; None: the default (keys.py)
    ris_preprint_type: str = "UNPB"  # RIS TY for preprints (see MAPPING: RIS has no preprint type)
    jats_mode: str = "references"  # references: one <article> with a <ref-list>; articles: one <article> per record
    jats_front: bool = False  # JATS reader: also read the article's own front matter as a record
    ndjson: bool = False  # CSL-JSON: one item per line instead of an array
    target: str | None = None  # the importer the output is shaped for (targets.py); None: plain standard output

    def __post_init__(self) -> None:
        if self.tex not in (None, "utf8", "ascii", "minimal"):
            raise UsageError(f"tex mode must be utf8, ascii or minimal, got {self.tex!r}")
        if self.jats_mode not in ("references", "articles"):
            raise UsageError(f"jats_mode must be 'references' or 'articles', got {self.jats_mode!r}")
        if self.key_pattern is not None:
            from .keys import check_pattern

            try:
                check_pattern(self.key_pattern)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        if self.target is not None:
            from .targets import TARGETS

            if self.target not in TARGETS:
                raise UsageError(f"target must be one of {', '.join(sorted(TARGETS))}, got {self.target!r}")
        if self.ris_preprint_type not in RIS_TYPES_FOR_PREPRINT:
            raise UsageError(
                f"ris_preprint_type must be one of {', '.join(RIS_TYPES_FOR_PREPRINT)}, got {self.ris_preprint_type!r}"
            )

    @classmethod
    def from_kwargs(cls, **kwargs) -> Options:
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise UsageError(f"unknown option(s) {', '.join(unknown)}; known: {', '.join(sorted(names))}")
        return cls(**{k: v for k, v in kwargs.items() if v is not None})
