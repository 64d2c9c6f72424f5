"""arXiv author strings (``.abs`` ``Authors:``, snapshot ``authors``, arXivRaw ``<authors>``,
the plain-text listing's author line).

The string is TeX, comma/``and``-separated, with affiliations in parentheses after a
name (``Andrea Brignole (CERN-TH)``) or numbered, the numbers resolved by a trailing
block (``A. Author (1), B. Author (1 and 2) ((1) MIT, (2) CERN)``), a suffix after a
comma (``Robert W. Heath, Jr.``) and maybe a final ``et al``. Affiliations are
taken out before the names are split (``names.split_author_line`` then
``names.split_display_name``), so commas and "and" inside them never split a name.
Each affiliation group is remembered by a private-use character glued to the
preceding word, which the splitter treats as part of that word; marks are chosen
among the characters the text does not hold, so a private-use character in the
metadata itself stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ...model import Name
from ...text.names import (
    SUFFIXES,
    is_organisation,
    leading_particle,
    split_author_line,
    split_display_name,
)
from ...text.tex import has_tex, tex_to_unicode

# Supplementary private use planes (not \w characters, room for any number of groups);
# a mark is a character of these ranges that the text does not already hold.
_MARK_RANGES = (range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE))
_MARKS = re.compile("[\U000F0000-\U000FFFFD\U00100000-\U0010FFFD]")
_NUMBERED_BLOCK_ITEM = re.compile(r"\(\s*(\d+)\s*\)")
_NUMBER_REFS = re.compile(r"^\s*\d+(?:\s*(?:,|and|&)\s*\d+)*\s*$")
# "D. John Hillier (Pittsburgh) Allan J. Willis (UCL)": an affiliation ends its name (as arXiv's
# own author parser reads it), so a name that follows it without a comma is the next one
_MARK_THEN_NAME = re.compile(r"([\U000F0000-\U000FFFFD\U00100000-\U0010FFFD]) +(?!(?:and|&)\b)(?=[^\W\d_])")
# a separator left at a name's end ("V.S.Niemela; (Facultad ...)", "Weinberg (1) .((1) ...")
_TRAILING_SEPARATOR = re.compile(r"(?:\s*;|\s+\.)+$")
_ETAL = re.compile(r"^(?:and\s+)?et\.?\s*al\.?$", re.I)
_TRAILING_ETAL = re.compile(r"\s+(?:(?:and|&)\s+)?et\.?\s*al\.?$", re.I)


@dataclass
class ParsedAuthors:
    names: list[Name] = field(default_factory=list)
    affiliations: list[tuple[str, list[str]]] = field(default_factory=list)  # (display name, affiliations)
    etal: bool = False
    problems: list[str] = field(default_factory=list)  # messages for warnings


@dataclass
class SplitAuthors:
    """An author string cut into names, not yet split into name parts (the listing reader
    first decides from them whether a line is an author line at all)."""

    names: list[str] = field(default_factory=list)  # each as written (TeX), affiliations and "et al" out
    affiliations: dict[int, list[str]] = field(default_factory=dict)  # index in names -> its affiliations
    etal: bool = False
    problems: list[str] = field(default_factory=list)


def parse_author_string(text: str) -> ParsedAuthors:
    """Names (Unicode), their affiliations and whether the list ends with "et al"."""
    split = split_author_string(text)
    out = ParsedAuthors(etal=split.etal, problems=split.problems)
    for index, name_text in enumerate(split.names):
        if has_no_letters(name_text):
            out.problems.append(f"author entry '{name_text}' has no letters; skipped")
            continue
        name = split_display_name(name_text)
        out.names.append(name)
        if index in split.affiliations:
            out.affiliations.append((name.display(), split.affiliations[index]))
    return out


_BLANK = " \t\n\r\f\v\u00a0.,;"


def has_no_letters(text: str, decode: bool = True) -> bool:
    """An entry that is only punctuation or a TeX line break (``\\\\``) once decoded."""
    return not (tex_to_unicode(text) if decode else text).strip(_BLANK)


# A pre-test on the whole lowercased string (a literal prefix, so the regex engine skips
# fast): most author strings hold no "et al" and then need no step per name
# (collaboration strings hold thousands of names).
_ETAL_HINT = re.compile(r"et\.?\s*al")


_TEX_SPACE = re.compile(r"\\\\|\\[,;:!]")  # a line break (kept), a thin, medium, thick or negative space


def split_author_string(text: str) -> SplitAuthors:
    """The names of an author string: split at commas and "and", affiliations taken out
    first (so their commas never split a name), suffixes ("Heath, Jr.") kept on their
    name, "et al" (alone or ending a name) turned into the flag."""
    out = SplitAuthors()
    if "\\" in text:  # "M. Finger,\, Jr.": the comma of a thin space splits no name
        text = _TEX_SPACE.sub(lambda m: m[0] if m[0] == "\\\\" else " ", text)
    text = _balance(" ".join(text.split()), out)
    text, numbered = _numbered_block(text)
    marked, groups, marks = _mark_groups(text, out)
    if marks:
        marked = _MARK_THEN_NAME.sub(lambda m: f"{m[1]}, " if m[1] in marks else m[0], marked)
    pieces = split_author_line(marked)
    if marks or not SUFFIXES.isdisjoint(map(str.lower, pieces)):  # (no Python step per name)
        pieces = _merge_suffixes(pieces, marks)
    if not marks and _ETAL_HINT.search(marked.lower()) is None and ";" not in marked:
        out.names = pieces
        return out
    for piece in pieces:
        indices = [marks[m] for m in _MARKS.findall(piece) if m in marks] if marks else ()
        name_text = " ".join(_unmark(piece, marks).split()) if marks else piece
        name_text = _TRAILING_SEPARATOR.sub("", name_text.rstrip())
        if _ETAL.match(name_text):
            out.etal = True
            continue
        if _TRAILING_ETAL.search(name_text):  # "A. Author et al." without a comma
            out.etal = True
            name_text = _TRAILING_ETAL.sub("", name_text)
        affiliations = [a for i in indices for a in _resolve(groups[i], numbered)]
        if name_text:
            out.names.append(name_text)
            if affiliations:
                out.affiliations[len(out.names) - 1] = affiliations
        elif affiliations and out.names:  # "Myung Gyoon Lee, (1), and ...": the name before
            out.affiliations.setdefault(len(out.names) - 1, []).extend(affiliations)
        elif affiliations:
            out.problems.append(f"affiliation '{'; '.join(affiliations)}' follows no name; skipped")
    return out


def _balance(text: str, out: SplitAuthors) -> str:
    """Close parentheses left open at the end (a cut-off affiliation block), with a warning."""
    missing = text.count("(") - text.count(")")
    if missing <= 0:
        return text
    out.problems.append(f"{missing} unclosed '(' in the author list; closed at the end")
    return text + ")" * missing


def _numbered_block(text: str) -> tuple[str, dict[str, str]]:
    """Split off a trailing ``((1) X, (2) Y)`` block; return the rest and {number: affiliation}."""
    if not text.endswith(")"):
        return text, {}
    start = _group_start(text, len(text) - 1)
    if start is None or not re.match(r"\(\s*\(\s*\d+\s*\)", text[start:]):
        return text, {}
    inner = text[start + 1 : -1]
    numbered: dict[str, str] = {}
    items = list(_NUMBERED_BLOCK_ITEM.finditer(inner))
    for i, item in enumerate(items):
        end = items[i + 1].start() if i + 1 < len(items) else len(inner)
        numbered[item[1]] = _clean_affiliation(inner[item.end() : end])
    return text[:start].rstrip(), numbered


def _group_start(text: str, close: int) -> int | None:
    """Index of the ``(`` matching the ``)`` at ``close``."""
    depth = 0
    for i in range(close, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return i
    return None


def _mark_groups(text: str, out: SplitAuthors) -> tuple[str, list[str], dict[str, int]]:
    """Replace each top-level ``(...)`` by a marker glued to the word before it; the
    markers map to their group's index."""
    groups: list[str] = []
    marks: dict[str, int] = {}
    if "(" not in text:  # most lines: no character-by-character walk
        return text, groups, marks
    result: list[str] = []
    free = _free_marks(text)
    depth, brace, start = 0, 0, 0
    for i, ch in enumerate(text):
        if ch == "{":
            brace += 1
        elif ch == "}":
            brace = max(0, brace - 1)
        elif ch == "(" and brace == 0:
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and brace == 0 and depth:
            depth -= 1
            if depth == 0:
                groups.append(text[start + 1 : i])
                _append_mark(result, marks, next(free), len(groups) - 1)
            continue
        if depth == 0:
            result.append(ch)
    if depth:  # an unclosed "(": keep what follows as one affiliation
        out.problems.append(f"unbalanced '(' in the author list near '{text[start:start + 30]}'")
        groups.append(text[start + 1 :])
        _append_mark(result, marks, next(free), len(groups) - 1)
    return "".join(result), groups, marks


def _free_marks(text: str) -> Iterator[str]:
    taken = set(_MARKS.findall(text))
    return (mark for codes in _MARK_RANGES for mark in map(chr, codes) if mark not in taken)


def _append_mark(result: list[str], marks: dict[str, int], mark: str, index: int) -> None:
    while result and result[-1] == " ":
        result.pop()
    marks[mark] = index
    result.append(mark)


def _unmark(piece: str, marks: dict[str, int]) -> str:
    """The piece with its markers (not the text's own private-use characters) as spaces."""
    return _MARKS.sub(lambda m: " " if m.group() in marks else m.group(), piece) if marks else piece


def _resolve(group: str, numbered: dict[str, str]) -> list[str]:
    if numbered and _NUMBER_REFS.match(group):
        return [numbered.get(n, n) for n in re.findall(r"\d+", group)]
    return [_clean_affiliation(group)] if group.strip() else []


def _clean_affiliation(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;")
    return tex_to_unicode(text) if has_tex(text) else text


def _merge_suffixes(pieces: list[str], marks: dict[str, int]) -> list[str]:
    """"John Smith, Jr." splits at the comma: put the suffix back on its name."""
    out: list[str] = []
    for piece in pieces:
        bare = _unmark(piece, marks).strip()
        if out and bare.lower() in SUFFIXES:
            out[-1] = f"{out[-1]} {piece.strip()}"
        else:
            out.append(piece)
    return out


# --- names given in parts (snapshot authors_parsed, OAI keyname/forenames) -------------


def name_from_parts(family: str, given: str = "", suffix: str = "") -> Name | None:
    """A Name from already-split parts: organisations literal (as the display splitter
    decides; arXiv's own parse splits "Super-Kamiokande Collaboration" into forenames and
    keyname too), lowercase leading family words ("van der Tak") as the particle. None when
    there is no name (no part, or no letter: the ":" of "BICEP2/Keck Array Collaborations:").
    """
    family, given, suffix = (_decode(p) for p in (family, given, suffix))
    if not any(ch.isalnum() for ch in f"{given}{family}"):
        return None
    if not suffix and is_organisation(f"{given} {family}".strip()):
        return Name(literal=f"{given} {family}".strip())
    particle, family = leading_particle(family)
    if not family:
        return Name(literal=given)
    return Name(family=family, given=given or None, non_dropping_particle=particle, suffix=suffix or None)


def _decode(text: str | None) -> str:
    text = " ".join((text or "").split())
    return tex_to_unicode(text).strip() if has_tex(text) else text


def affiliation_lines(affiliations: list[tuple[str, list[str]]]) -> str | None:
    """``extras[Extra("arxiv", "affiliations")]``: one ``Name: affiliation; affiliation`` line per author."""
    lines = [f"{name}: {'; '.join(dict.fromkeys(affs))}" for name, affs in affiliations if affs]
    return "\n".join(lines) or None
