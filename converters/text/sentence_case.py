"""BibTeX title case to CSL sentence case.

The two formats store titles under opposite conventions. BibTeX keeps a title as it is
printed in title case and lets a style lower the letters it may (``change.case$``): every
capital outside a top-level brace group is the style's to lower. CSL stores titles in
sentence case and lets a style raise them (``text-case="title"``), because English title
case cannot be undone by rule. So an English title read from BibTeX is written to CSL-JSON
lowered exactly where BibTeX allows it, as pandoc and Better BibTeX do:
``The {LaTeX} Companion`` is ``The LaTeX companion``, and an unbraced proper noun is lowered
as BibTeX's own sentence-case styles lower it.

What is lowered: the first letter of a capitalised word (one capital, then lower-case
letters, two letters at least before any apostrophe) that is not the first word of the
title, of a subtitle (after a colon) or of a sentence (after ``.``, ``?``, ``!`` or ``…``).
Acronyms (``MVS``), mixed case (``LaTeX``, ``McDonald``, ``Ab{C}d``) and single letters
(``I``, ``V``) keep their letters; so does a word whose first letter is in a brace group
(``{Goethe's}``, ``{\'E}cole``, ``{\\TeX Live}``: BibTeX lowers a special character such as
``{\'E}``, pandoc does not, and refconv leaves letters alone where the two disagree), in
maths, small capitals, superscripts or subscripts, or follows such text without a break,
and a title quoted in the title (``Aristotle's “De Motu Animalium”``).
The first word of the title and of a subtitle gets a capital when it is all lower case
(``strain: efficient`` is ``strain: Efficient``), as CSL's sentence case asks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# spans whose letters the conversion may change: plain text and emphasis (styles keep the
# case of protected text, maths, small capitals, superscripts and subscripts)
_FREE = frozenset({"text", "i", "b"})  # ("kept": a top-level group that BibTeX does not protect)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.?!…][\"'”’)\]]*\s")
_APOSTROPHE = re.compile(r"['’]")
_OPAQUE = "\x00"  # stands in for a character of an opaque span (maths): not a letter, not free


def sentence_case(spans: Sequence[tuple[str, str]]) -> Sequence[tuple[str, str]]:
    """(kind, content) spans (markup.Span) with the letters of a BibTeX title in sentence case."""
    if len(spans) == 1 and spans[0][0] in _FREE and "“" not in spans[0][1]:  # most titles: one plain run
        kind, content = spans[0]
        changes = _changes(content, None)
        return [(kind, _applied(content, changes))] if changes else spans
    if not any(kind in _FREE for kind, _ in spans):
        return spans
    joined = "".join(_OPAQUE * len(content) if kind == "math" else content for kind, content in spans)
    free: list[bool] = []
    for kind, content in spans:
        free.extend([kind in _FREE] * len(content))
    if "“" in joined:  # a title quoted in the title keeps its own case: Aristotle's “De Motu Animalium”
        depth = 0
        for i, char in enumerate(joined):
            depth += (char == "“") - (char == "”" and depth > 0)
            free[i] = free[i] and depth == 0
    changes = _changes(joined, free)
    if not changes:
        return spans
    out = []
    pos = 0
    for kind, content in spans:
        end = pos + len(content)
        if kind != "math":
            content = _applied(content, [(at - pos, char) for at, char in changes if pos <= at < end])
        out.append((kind, content))
        pos = end
    return out


def _changes(joined: str, free: list[bool] | None) -> list[tuple[int, str]]:
    """(position, new letter) for each first letter sentence case changes; free: which
    characters may change (None: all)."""
    changes = []
    previous_end = -1
    for match in _WORD.finditer(joined):
        start, end = match.span()
        gap = joined[previous_end:start] if previous_end >= 0 else None
        previous_end = end
        if free is not None and (not free[start] or _touches_other(joined, free, start)):
            continue  # a word whose first letter is protected, or runs on from protected text
        word = match.group()
        if gap is None or ":" in gap:  # the first word of the title or of a subtitle
            if word.islower():
                changes.append((start, word[0].upper()))
        elif _capitalised(word) and _SENTENCE_END.search(gap) is None:
            changes.append((start, word[0].lower()))
    return changes


def _applied(text: str, changes: list[tuple[int, str]]) -> str:
    if not changes:
        return text
    chars = list(text)
    for at, char in changes:
        chars[at] = char
    return "".join(chars)


def _touches_other(joined: str, free: list[bool], start: int) -> bool:
    """The word runs on from a span whose case is kept (``{C}ab``, ``$x$Ray``)."""
    return start > 0 and not free[start - 1] and (joined[start - 1].isalnum() or joined[start - 1] == _OPAQUE)


def _capitalised(word: str) -> bool:
    """One capital, then lower case: ``Literature``, ``Goethe's``; not ``I``, ``I'm``, ``MVS``, ``LaTeX``."""
    if not word[0].isupper():  # (most words: a quick no)
        return False
    head = _APOSTROPHE.split(word, maxsplit=1)[0]
    rest = word[1:]
    return len(head) >= 2 and rest == rest.lower() and rest != rest.upper()
