"""Personal and organisational names.

One splitter for every format: BibTeX's own rules (first/von/last/jr), applied to
the TeX source before accents are decoded so braces keep their meaning. Organisations
are recognised by the words in ``ORGANISATION_WORDS`` (data, so users can extend it) or
by being a single token.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import overload

from ..model import Name
from .cache import cache_short
from .tex import has_tex, report_unknown, tex_to_unicode, unknown_collected

ORGANISATION_WORDS = frozenset(
    """collaboration collaborations consortium team group project committee society association
    institute institution university laboratory laboratories lab initiative network alliance
    council organization organisation foundation survey collaborators centre center agency
    department inc ltd corporation company working party members investigators incorporated corp llc gmbh
    plc software systems foundry museum library ministry commission academy federation hospital""".split()
)

SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "2nd", "3rd"})

_TOKEN = re.compile(r"[\w.'’-]+")


def is_organisation(text: str) -> bool:
    words = _TOKEN.findall(tex_to_unicode(text))
    if len(words) <= 1:
        return True  # "DeepSeek-AI": nothing to split into given and family
    return not ORGANISATION_WORDS.isdisjoint([w.lower().strip(".") for w in words])


def _decode(parts: list[str]) -> str | None:
    if not parts:
        return None
    text = " ".join(parts)
    text = tex_to_unicode(text) if has_tex(text) else text
    return text.strip() or None


def split_bibtex_name(text: str) -> Name:
    """Split one BibTeX name; see ``_split_bibtex_name``. Unknown macros are said on every call."""
    name, unknown = _split_bibtex_name(text)
    if unknown:
        report_unknown(unknown, text)
    return name


@cache_short(maxsize=8192)
def _split_bibtex_name(text: str) -> tuple[Name, tuple[str, ...]]:
    with unknown_collected() as unknown:
        name = _bibtex_name(text)
    return name, tuple(dict.fromkeys(unknown))


def _bibtex_name(text: str) -> Name:
    """Split one BibTeX name ("First von Last", "von Last, First", "von Last, Jr, First").

    BibTeX's algorithm (as pybtex implements it) on the TeX source: words are cut at
    white space and ties outside braces, the von part is found by the case of each
    word's first letter, and only then is each part decoded, so an accent macro never
    splits a word and every position in a name list is read alike. A name wholly in
    braces (``{ATLAS Collaboration}``) is literal, as BibTeX treats it; biblatex's
    extended format (``family=Goethe, given=Johann Wolfgang, prefix=von``) is read too.
    """
    text = " ".join(text.split())
    if text.startswith("{") and text.endswith("}") and _one_group(text):
        return Name(literal=tex_to_unicode(text[1:-1]).strip() or text[1:-1])
    simple = _simple_first_last(text)
    if simple is not None:
        return simple
    extended = _extended_name(text)
    if extended is not None:
        return extended
    first, von, last, jr = bibtex_name_parts(text)
    family = _decode(last)
    if family is None:
        return Name(literal=tex_to_unicode(text).strip())
    return Name(family=family, given=_decode(first), non_dropping_particle=_decode(von), suffix=_decode(jr))


def bibtex_name_parts(text: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """The First, von, Last and Jr words of a BibTeX name, still in TeX."""
    sections = [section.strip() for section in split_top_level(text)]
    if len(sections) > 3:  # BibTeX complains; pybtex joins the extra parts to the first names
        sections = [sections[0], sections[1], " ".join(sections[2:])]
    if len(sections) == 1:
        words = bibtex_words(text)
        # First runs up to the first von word; the last word is never First
        cut = next((i for i, word in enumerate(words) if _is_von(word)), len(words))
        cut = min(cut, max(len(words) - 1, 0))
        von, last = _von_last(words[cut:])
        return words[:cut], von, last, []
    von, last = _von_last(bibtex_words(sections[0]))
    jr = bibtex_words(sections[1]) if len(sections) == 3 else []
    return bibtex_words(sections[-1]), von, last, jr


def _von_last(words: list[str]) -> tuple[list[str], list[str]]:
    """von runs to the last von word before the final word, which is always Last."""
    cut = 0
    for i, word in enumerate(words[:-1]):
        if _is_von(word):
            cut = i + 1
    return words[:cut], words[cut:]


# Accent macros written with a space before their letter (`\v Capek`): TeX reads the
# letter as the accent's argument, so the two are one word, whatever BibTeX's tokenizer says.
_SPACED_ACCENT = re.compile(r"\\[uvHckrdbt]")


_WORD_SEPARATOR = re.compile(r"\s|~|\\\s")


def bibtex_words(text: str) -> list[str]:
    """Words at brace depth 0, cut at white space, ties and control spaces (``\\ ``) as
    BibTeX does; a backslash escapes the next character, so ``\\~`` is an accent."""
    words: list[str] = []
    current: list[str] = []
    depth = i = 0
    while i < len(text):
        piece = text[i : i + 2] if text[i] == "\\" else text[i]  # an escape is one piece
        i += len(piece)
        if depth == 0 and _WORD_SEPARATOR.fullmatch(piece):
            if current:
                words.append("".join(current))
                current = []
            continue
        current.append(piece)
        depth += piece == "{"
        depth -= piece == "}" and depth > 0
    if current:
        words.append("".join(current))
    merged: list[str] = []
    for word in words:
        if merged and _SPACED_ACCENT.fullmatch(merged[-1]):
            merged[-1] += " " + word
        else:
            merged.append(word)
    return merged


def _is_von(word: str) -> bool:
    """BibTeX's test: the first letter at brace depth 0 is lowercase. A group opening with
    a control sequence (``{\\"o}``) is a special character counted by its letter, and so is a
    control sequence outside braces (``\\"Ozkan``, ``\\L{}ukasz``); other groups are skipped.
    Outside braces BibTeX counts a macro's own letter (``\\v{C}apek`` is von to it); the
    letter TeX prints is what a writer means, so that is the one counted here."""
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "{":
            end = _group_end(word, i)
            if word[i + 1 : i + 2] == "\\":
                case = _first_letter_is_lower(tex_to_unicode(word[i:end]))
                if case is not None:
                    return case
            i = end
            continue
        if ch == "\\":
            return bool(_first_letter_is_lower(tex_to_unicode(word[i:])))
        if ch.isalpha():
            return ch.islower()
        i += 1
    return False


def _first_letter_is_lower(text: str) -> bool | None:
    letter = next((ch for ch in text if ch.isalpha()), None)
    return None if letter is None else letter.islower()


def _group_end(text: str, start: int) -> int:
    """The index after the brace closing the group opened at start (the end if unclosed)."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        depth += ch == "{"
        depth -= ch == "}"
        i += 1
        if depth == 0:
            return i
    return len(text)


# biblatex's extended name format: "family=Goethe, given=Johann Wolfgang, prefix=von,
# useprefix=false"; keys ending in -i hold initials, derived from the parts themselves.
_EXTENDED_KEY = re.compile(r"[a-z]+(?:-i)?")


def is_extended_name(text: str) -> bool:
    """Whether text is a name in biblatex's extended format (``family=…, given=…``)."""
    return _extended_name(text) is not None


EXTENDED_NAME_KEYS = frozenset({"family", "given", "prefix", "suffix", "useprefix"})


def unread_extended_keys(text: str) -> list[str]:
    """The keys of an extended-format name that no Name part holds (initials aside)."""
    keys = (section.partition("=")[0].strip().lower() for section in split_top_level(text))
    return [key for key in keys if key not in EXTENDED_NAME_KEYS and not key.endswith("-i")]


def _extended_name(text: str) -> Name | None:
    if "=" not in text:
        return None
    fields: dict[str, str] = {}
    for section in split_top_level(text):
        key, equals, value = section.partition("=")
        key = key.strip().lower()
        if not equals or not _EXTENDED_KEY.fullmatch(key):
            return None
        value = value.strip()
        if len(value) > 1 and value[0] == value[-1] == '"':
            value = value[1:-1]
        fields[key] = value
    if not fields.keys() & {"family", "given"}:
        return None
    part = {key: _decode([fields[key]]) if key in fields else None for key in ("family", "given", "prefix", "suffix")}
    useprefix = fields.get("useprefix", "false").strip().lower() == "true"
    return Name(family=part["family"], given=part["given"], suffix=part["suffix"],
                non_dropping_particle=part["prefix"] if useprefix else None,
                dropping_particle=None if useprefix else part["prefix"])


_PLAIN_NAME = re.compile(r"[^\\{},~$]+")


def _simple_first_last(text: str) -> Name | None:
    """BibTeX's rule for the common "First Last" name without braces, TeX, commas or a
    lowercase (von) word: the last word is the family name. None for anything else."""
    if not _PLAIN_NAME.fullmatch(text):
        return None
    words = text.split(" ")
    if any(not w[:1].isupper() for w in words):
        return None
    return Name(family=words[-1], given=" ".join(words[:-1]) or None)


def _one_group(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def split_display_name(text: str) -> Name:
    """See ``_display_name``. Unknown macros are said on every call."""
    name, unknown = _split_display_name(text)
    if unknown:
        report_unknown(unknown, text)
    return name


@cache_short(maxsize=8192)  # authors recur across papers; Names are immutable
def _split_display_name(text: str) -> tuple[Name, tuple[str, ...]]:
    with unknown_collected() as unknown:
        name = _display_name(text)
    return name, tuple(dict.fromkeys(unknown))


def _display_name(text: str) -> Name:
    """A name as people write it in running text ("Z. F. Wu", "Ludwig van Beethoven",
    "John Smith Jr."): organisations literal, a trailing suffix split off."""
    text = " ".join(text.split())
    text = _unglue_initials(text)
    if is_organisation(text):
        return Name(literal=tex_to_unicode(text))
    tokens = text.split(" ")
    suffix = None
    if len(tokens) > 2 and tokens[-1].lower() in SUFFIXES:
        suffix = tokens.pop()
    name = split_bibtex_name(" ".join(tokens))
    if suffix and not name.is_literal:
        name = replace(name, suffix=suffix)
    return _capitalised_particles(name)


# prefixes that begin a family name even when capitalised ("Paolo Di Vecchia", "Hans De Raedt"):
# arXiv's own author parser's list (its authors_parsed), which BibTeX's rule, written for
# .bib files, reads as a given name's last word
CAPITALISED_PREFIXES = frozenset("van der de la von del della da ter di".split())


def _capitalised_particles(name: Name) -> Name:
    """Move capitalised prefixes from the end of the given name to the family name, as long
    as a given name is left."""
    if name.is_literal or not name.given or name.non_dropping_particle or name.dropping_particle:
        return name
    words = name.given.split(" ")
    moved = 0
    while moved < len(words) - 1 and words[-1 - moved].lower() in CAPITALISED_PREFIXES \
            and words[-1 - moved][:1].isupper():
        moved += 1
    if not moved:
        return name
    return replace(name, given=" ".join(words[:-moved]), family=" ".join([*words[-moved:], name.family or ""]).strip())


_TRAILING_NON_WORD = re.compile(r"[^\w.]+$")
_GLUED_INITIALS = re.compile(r"^((?:[A-Z][a-z]?\.-?)+)([A-Z][\w'’-]+)$")


def _unglue_initials(text: str) -> str:
    """"A.O.Barvinsky" -> "A.O. Barvinsky": as one token it would read as an organisation."""
    match = _GLUED_INITIALS.match(text)
    return f"{match[1]} {match[2]}" if match else text


# Particles as they appear after given names in "Family, Given particle" forms
# ("Beethoven, Ludwig van"), where case alone would also catch initials like "d'".
PARTICLES = frozenset("van von de der den du da di del della des la le ten ter zu dos das do".split())


@overload
def leading_particle(family: str) -> tuple[str | None, str]: ...
@overload
def leading_particle(family: None) -> tuple[None, None]: ...
def leading_particle(family: str | None) -> tuple[str | None, str | None]:
    """"van der Berg" -> ("van der", "Berg"): lowercase words before the last (BibTeX's von:
    a word's first letter decides, so "in 't Veld" -> ("in 't", "Veld"))."""
    if not family:
        return None, family
    tokens = family.split()
    count = 0
    while count < len(tokens) - 1 and _first_letter_is_lower(tokens[count]):
        count += 1
    if not count:
        return None, family  # as written ("Mirabet\u00a0V" keeps its no-break space)
    return " ".join(tokens[:count]), " ".join(tokens[count:])


def trailing_particle(given: str | None, known: frozenset[str] | None = None) -> tuple[str | None, str | None]:
    """"Ludwig van" -> ("Ludwig", "van"): lowercase words after the given names, or only
    words in ``known`` when given."""
    if not given:
        return given, None
    tokens = given.split()
    count = len(tokens)
    while count > 1 and (tokens[count - 1] in known if known is not None else tokens[count - 1][:1].islower()):
        count -= 1
    return " ".join(tokens[:count]), (" ".join(tokens[count:]) or None)


def split_top_level(text: str, separator: str = ",") -> list[str]:
    """Split on a separator outside braces (TeX groups may hold commas).

    A backslash does not escape a brace here; a `}` with no `{` open is ignored, and so is
    a `{` that nothing closes: arXiv has "Bruno Rodr\\'{iguez Del Pino, Renske Smit, ...",
    whose separators must still count. The separator must not be a brace."""
    if "{" not in text:
        return text.split(separator)
    # Visit only the braces and let str.split cut the stretches between top-level groups:
    # collaboration lists of 3,000 names have a few braces among 60,000 characters, and a
    # Python step per character (or per separator) was the listing reader's biggest cost.
    unclosed = _unclosed(text)
    out = [""]  # the last piece is still open
    depth = start = 0  # start: where the text not yet in `out` begins
    for match in _BRACES.finditer(text):
        if match.group() == "{":
            if match.start() in unclosed:
                continue
            if depth == 0:
                _add_split(out, text[start : match.start()], separator)
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:  # a whole top-level group belongs to the open piece
                out[-1] += text[start : match.end()]
                start = match.end()
    _add_split(out, text[start:], separator)
    return out


def _unclosed(text: str) -> set[int]:
    """Where the `{` are that no `}` closes."""
    opened: list[int] = []
    for match in _BRACES.finditer(text):
        if match.group() == "{":
            opened.append(match.start())
        elif opened:
            opened.pop()
    return set(opened)


_BRACES = re.compile(r"[{}]")


def _add_split(out: list[str], stretch: str, separator: str) -> None:
    """Split top-level text onto out: its first piece continues out's open piece."""
    head, *rest = stretch.split(separator)
    out[-1] += head
    out.extend(rest)


_AND = re.compile(r"^(?:and|&)\s+|\s+(?:and|&)\s+", re.I)
_LEADING_AND = re.compile(r"^(?:and|&)\s+", re.I)
# Where _AND could match in any name of a group: a name is a stripped piece of the group
# between top-level commas, so an "and" starting a name follows the group's start, a comma
# or white space. A cheap pre-test for the whole group (a pattern starting with a set of
# characters is searched 2.5x faster than one starting with `^|`).
_AND_INSIDE = re.compile(r"[\s,](?:and|&)\s", re.IGNORECASE)
_AND_FIRST = re.compile(r"(?:and|&)\s", re.IGNORECASE)


def _may_hold_and(group: str) -> bool:
    return _AND_FIRST.match(group) is not None or _AND_INSIDE.search(group) is not None


def split_author_line(line: str) -> list[str]:
    """"A, B, and C" / "A, B and C" / "A & B" / "The X Collaboration: A, B" -> names.

    "and" splits only where every side is a person or every side an organisation,
    so "The CMS and LHCb Collaborations" stays one name.
    """
    out: list[str] = []
    for group in split_top_level(line, ":"):
        chunks = split_top_level(group)
        if not _may_hold_and(group):
            # no name can hold "and"/"&": skip testing each of a collaboration's 3,000 names
            out.extend(filter(None, map(str.strip, chunks)))
            continue
        for chunk in chunks:
            chunk = chunk.strip()
            if not chunk:
                continue
            parts = _AND.split(chunk)
            if len(parts) == 1:  # no "and" or "&": the usual case, one name as it is
                out.append(chunk)
                continue
            pieces = [p.strip() for p in parts if p.strip()]
            if len(pieces) > 1 and (all(map(_looks_personal, pieces)) or all(map(_looks_organisational, pieces))):
                out.extend(pieces)
            else:
                out.append(_LEADING_AND.sub("", chunk))
    return out


_INITIALS = re.compile(r"(?:[^\W\d_]{1,2}\.-?)+")  # "C.", "J.-P.", "A.G.", "Ch."


def _looks_personal(text: str) -> bool:
    """One to four capitalised name words; initials and lowercase particles do not count
    ("C. J. A. P. Martins", "Frank C. van den Bosch"), initials may be glued ("V.Bujarrabal").
    A suffix alone ("Heath, Jr. and S. Vishwanath") is a person's too."""
    if text.lower() in SUFFIXES:
        return True
    # (an arXiv affiliation's marker glued to the name, "V.Bujarrabal(2)", is no part of it)
    text = _unglue_initials(_TRAILING_NON_WORD.sub("", text))
    tokens = text.split()
    if not 1 <= len(tokens) <= 8:
        return False
    words = [t for t in tokens if not t[:1].islower() and _INITIALS.fullmatch(t) is None]
    return 1 <= len(words) <= 4 and not is_organisation(text)


def _looks_organisational(text: str) -> bool:
    return len(text.split()) > 1 and is_organisation(text)
