"""arXiv ``Journal-ref`` values: structured only where the shape leaves no doubt.

The value is free text typed by authors. Three shapes account for most of it and are
read here; anything else (several references, errata, books, proceedings, "to appear")
stays verbatim only. The whole value must match one pattern (anchored), so a partial
match never produces a half-right citation.

=========  ===========================================  ==================================
pattern    shape                                        examples
=========  ===========================================  ==================================
compact    ``Journal Vol:Pages,Year`` (arXiv/SPIRES      ``Phys.Rev.D76:013009,2007``,
           normalised form)                             ``JHEP 0705:034,2007``
comma      ``Journal [Vol.] Vol, [pp.] Pages (Year)``    ``Phys. Rev. D 76, 013009 (2007)``,
                                                        ``Phys. Rev. B77, 075325 (2008).``
year       ``Journal [Vol.] Vol (Year)[,] [no. N,]       ``J. Phys. A 40 (2007) 1234-1250``,
           [pp.] Pages``                                ``Studia Math. 182 (2007) no. 3, 283-294``
=========  ===========================================  ==================================

A journal name is letters, dots, spaces, ``&``, ``'``, ``:`` and ``-`` (no digits, commas
or TeX), so the volume is the first number. A series letter glued to the volume
(``Phys.Rev.D76``, ``Phys. Rev. B77``) belongs to the journal. Pages are one page or a
range (``--`` becomes ``-``), optionally with a letter prefix (``L25``, ``S541``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_JOURNAL = r"(?P<journal>[A-Za-z][A-Za-z.&'’:\- ]*?[A-Za-z.])"
_VOL_WORD = r"(?:,?\s*\b(?:vol\.?|volume|v\.)\s*)?"
_VOLUME = r"(?P<volume>\d+)"
_PAGE = r"[A-Za-z]{0,2}\d+[a-z]?"
_PAGES = rf"(?P<pages>{_PAGE}(?:\s*-{{1,2}}\s*{_PAGE})?)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PP = r"(?:pp?\.\s*)?"
_ISSUE = r"(?:no\.\s*(?P<issue>\d+),?\s*)?"

PATTERNS: dict[str, re.Pattern[str]] = {
    "compact": re.compile(rf"^{_JOURNAL}\s*{_VOLUME}:{_PAGES},\s*{_YEAR}$"),
    "comma": re.compile(rf"^{_JOURNAL}{_VOL_WORD}\s*{_VOLUME},\s*{_PP}{_PAGES}\s*\({_YEAR}\)\.?$", re.I),
    "year": re.compile(rf"^{_JOURNAL}{_VOL_WORD}\s*{_VOLUME}\s*\({_YEAR}\),?\s*{_ISSUE}{_PP}{_PAGES}\.?$", re.I),
}

# a character each pattern's shape requires
_NEEDS = {"compact": ":", "comma": "(", "year": "("}

# A journal name ending in one of these words is a misread of a longer sentence, and
# an erratum ("Erratum-ibid. 611 (2004) 1208") names no journal at all.
_BAD_JOURNAL_END = re.compile(r"(?:\b(?:vol|volume|v|no|pp|in|and|of|the|see|to)\.?|:)$", re.I)
_NOT_A_JOURNAL = re.compile(r"\b(?:ibid|erratum|addendum)\b", re.I)
_DASHES = re.compile(r"\s*-{1,2}\s*")


@dataclass(frozen=True, slots=True)
class JournalRef:
    journal: str
    volume: str
    pages: str
    year: int
    issue: str | None = None
    pattern: str = ""


def normalise(text: str) -> str:
    """Line folding is transport, not content: runs of white space become one space."""
    return " ".join(text.split())


def parse_journal_ref(text: str) -> JournalRef | None:
    """The structured reference, or None when the value is not one unambiguous citation."""
    value = normalise(text)
    for name, pattern in PATTERNS.items():
        if _NEEDS[name] not in value:  # (a C-level find spares most values a backtracking match)
            continue
        match = pattern.match(value)
        if match is None:
            continue
        journal = match["journal"].strip()
        if _BAD_JOURNAL_END.search(journal) or _NOT_A_JOURNAL.search(journal):
            return None
        pages = _DASHES.sub("-", match["pages"])
        issue = match.groupdict().get("issue")
        return JournalRef(journal, match["volume"], pages, int(match["year"]), issue, name)
    return None
