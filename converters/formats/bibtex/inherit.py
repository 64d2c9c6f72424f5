"""crossref and xdata inheritance: a child gets the fields it lacks from its parents.

The rules are biber's defaults (biblatex manual, appendix B), which classic BibTeX
files also satisfy: a field the child has always wins; some fields are renamed on the
way (a proceedings' ``title`` is its papers' ``booktitle``); some are never inherited.
``xdata`` parents are applied before the ``crossref`` parent, and both cascade.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from .values import Value

# Never inherited (biber: "ids crossref xref entryset entrysubtype execute label options presort
# related* shorthand* sortkey"), plus xdata itself.
NOT_INHERITED = frozenset(
    ["ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label", "options", "presort",
     "related", "relatedoptions", "relatedstring", "relatedtype", "shorthand", "shorthandintro", "sortkey"]
)

_AS_MAIN = {"title": "maintitle", "subtitle": "mainsubtitle", "titleaddon": "maintitleaddon", "shorttitle": None}
_AS_BOOK = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon", "shorttitle": None}
_AS_JOURNAL = {"title": "journaltitle", "subtitle": "journalsubtitle", "shorttitle": None}

# (parent types, child types, {parent field: child field, or None: not inherited})
RENAMES: tuple[tuple[frozenset[str], frozenset[str], Mapping[str, str | None]], ...] = (
    (frozenset({"mvbook"}), frozenset({"book", "inbook", "bookinbook", "suppbook"}), _AS_MAIN),
    (frozenset({"mvcollection", "mvreference"}),
     frozenset({"collection", "reference", "incollection", "inreference", "suppcollection"}), _AS_MAIN),
    (frozenset({"mvproceedings"}), frozenset({"proceedings", "inproceedings"}), _AS_MAIN),
    (frozenset({"book"}), frozenset({"inbook", "bookinbook", "suppbook"}), _AS_BOOK),
    (frozenset({"collection", "reference"}), frozenset({"incollection", "inreference", "suppcollection"}), _AS_BOOK),
    (frozenset({"proceedings"}), frozenset({"inproceedings", "conference"}), _AS_BOOK),
    (frozenset({"periodical"}), frozenset({"article", "suppperiodical"}), _AS_JOURNAL),
)

# biber's one field inherited under two names: a book's author is also the bookauthor of its
# parts (biblatex manual, appendix B), so a chapter with its own author keeps the book's.
ALSO_AS: tuple[tuple[frozenset[str], frozenset[str], Mapping[str, str]], ...] = (
    (frozenset({"mvbook", "book"}), frozenset({"inbook", "bookinbook", "suppbook"}), {"author": "bookauthor"}),
)

# Fields that say the same thing: a child with one of a group inherits none of it (a child's
# year is not completed by a parent's date of another year; of the same year, see _day_of_year).
SAME_DATUM: tuple[frozenset[str], ...] = tuple(frozenset(g.split()) for g in (
    "date year month day", "location address", "journaltitle journal", "annotation annote",
    "institution school", "eprinttype archiveprefix", "eprintclass primaryclass",
))
_GROUP_OF = {name: group for group in SAME_DATUM for name in group}

_YEAR = re.compile(r"\d{4}")
_DATE_IN_YEAR = re.compile(r"(?P<year>\d{4})(?:-\d{2}){1,2}")  # one day or month, no range

Fields = dict[str, Value]
Warn = Callable[[str, str, str, Value | None, str | None], None]  # (code, message, key, where, hint)


def renames_for(parent_type: str, child_type: str) -> Mapping[str, str | None]:
    for parents, children, renames in RENAMES:
        if parent_type in parents and child_type in children:
            return renames
    return {}


def _day_of_year(fields: Fields, parent_fields: Fields) -> dict[str, Value]:
    """A child dated by its year alone (a paper in proceedings) takes its parent's month and day
    when the parent's date is in that year, as biber and BibTeX print it ("November 1989"); a
    parent of another year gives nothing (biber would make a 1990 paper "November 1990")."""
    year = fields.get("year")
    if year is None or not _YEAR.fullmatch(year.text.strip()) or any(n in fields for n in ("date", "month", "day")):
        return {}
    date = parent_fields.get("date")
    if date is not None:
        match = _DATE_IN_YEAR.fullmatch(date.text.strip())
        return {"date": date} if match and match["year"] == year.text.strip() else {}
    parent_year = parent_fields.get("year")
    if parent_year is None or parent_year.text.strip() != year.text.strip():
        return {}
    return {n: parent_fields[n] for n in ("month", "day") if n in parent_fields}


def inherit(child_type: str, fields: Fields, parent_type: str, parent_fields: Fields, parent_key: str,
            *, renaming: bool = True) -> Fields:
    """The child's fields completed from one parent's (already resolved) fields."""
    out = dict(fields)
    for name, value in _day_of_year(fields, parent_fields).items():
        out[name] = Value(value.text, value.line, value.column, value.macro, value.inherited_from or parent_key)
    renames = renames_for(parent_type, child_type) if renaming else {}
    for name, value in parent_fields.items():
        if name in NOT_INHERITED:
            continue
        target = renames.get(name, name)
        if target is None or target in out or any(other in fields for other in _GROUP_OF.get(target, ())):
            continue
        out[target] = Value(value.text, value.line, value.column, value.macro, value.inherited_from or parent_key)
    for parents, children, also in ALSO_AS if renaming else ():
        if parent_type in parents and child_type in children:
            for name, target in also.items():
                source = parent_fields.get(name)
                if source is not None and target not in out:
                    out[target] = Value(source.text, source.line, source.column, source.macro,
                                        source.inherited_from or parent_key)
    return out


class Resolver:
    """Resolves every entry's inheritance once, detecting missing parents and cycles."""

    def __init__(self, entries: Mapping[str, tuple[str, Fields]], warn: Warn,
                 find: Callable[[str], str | None] | None = None, absent: Callable[[str], bool] | None = None):
        self.entries = entries  # key -> (entry type, own fields)
        # whether a parent not found is surely not in the input (a streaming reader may not know yet)
        self.absent = absent or (lambda key: True)
        # the key as written, looked up case-insensitively (a streaming reader knows its own way)
        self.find_key = find or {key.lower(): key for key in reversed(list(entries))}.get
        self.warn = warn
        self.done: dict[str, Fields] = {}
        self.active: list[str] = []

    def find(self, key: str) -> str | None:
        if key in self.entries:
            return key
        return self.find_key(key.lower())

    def resolve(self, key: str) -> Fields:
        if key in self.done:
            return self.done[key]
        entry_type, fields = self.entries[key]
        self.done[key] = fields = self.complete(key, entry_type, fields)
        return fields

    def complete(self, key: str, entry_type: str, fields: Fields) -> Fields:
        """One entry's fields completed from its xdata and crossref parents."""
        self.active.append(key)
        cut: dict[str, list[str]] = {}  # links ignored: not kept, so no output names a missing or cyclic parent
        named: dict[str, str] = {}  # a parent found by one of its ``ids`` aliases -> its key, which BibTeX knows
        try:
            for via, renaming in (("xdata", False), ("crossref", True)):
                parents = _keys(fields.get(via))
                for parent in parents if via == "xdata" else parents[:1]:
                    done = self._from(key, entry_type, fields, parent, via, renaming=renaming)
                    if done is None:
                        cut.setdefault(via, []).append(parent)
                        continue
                    fields = done
                    found = self.find(parent)
                    if found and found.lower() != parent.lower():
                        named[parent] = found
        finally:
            self.active.pop()
        for via in ("xdata", "crossref"):
            old = fields.get(via)
            if old is None or not (via in cut or any(k in named for k in _keys(old))):
                continue
            kept = [named.get(k, k) for k in _keys(old) if k not in cut.get(via, ())]
            kept = kept if via == "xdata" else kept[:1]
            fields = {name: value for name, value in fields.items() if name != via}
            if kept:
                fields[via] = Value(", ".join(kept), old.line, old.column)
        return fields

    def _from(self, key: str, entry_type: str, fields: Fields, parent: str, via: str, *,
              renaming: bool) -> Fields | None:
        """fields completed from parent; None when the link is cut (a cycle, a parent surely absent)."""
        where = fields.get(via)
        found = self.find(parent)
        if found is None:
            self.warn("bibtex.missing-parent", f"{via} '{parent}' is not in this file; nothing inherited", key, where,
                      f"add the @{'xdata' if via == 'xdata' else 'proceedings/book/...'} entry '{parent}'")
            return None if self.absent(parent) else fields
        if found in self.active:
            chain = " -> ".join([*self.active[self.active.index(found):], found])
            self.warn("bibtex.inheritance-cycle", f"{via} cycle {chain}; that link is ignored", key, where, None)
            return None
        parent_type = self.entries[found][0]
        return inherit(entry_type, fields, parent_type, self.resolve(found), found, renaming=renaming)


def _keys(value: Value | None) -> list[str]:
    if value is None:
        return []
    return [k.strip() for k in value.text.split(",") if k.strip()]
