"""Personal and organisational names.

One splitter for every format: BibTeX's own rules (first/von/last/jr), as implemented
by bibtexparser, applied to the TeX source before accents are decoded so braces keep
their meaning. Organisations are recognised by the words in ``ORGANISATION_WORDS``
(data, so users can extend it) or by being a single token.
"""

from __future__ import annotations

import re

from ..model import Name
from .cache import cache_short
from .tex import has_tex, tex_to_unicode

ORGANISATION_WORDS = frozenset(
    """collaboration collaborations consortium team group project committee society association
    institute institution university laboratory laboratories lab initiative network alliance
    council organization organisation foundation survey collaborators centre center agency
    department inc ltd corporation company working party members investigators""".split()
)

SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "2nd", "3rd"})

_TOKEN = re.compile(r"[\w.'’-]+")


def is_organisation(text: str) -> bool:
    words = [w.lower().strip(".") for w in _TOKEN.findall(tex_to_unicode(text))]
    if len(words) <= 1:
        return True  # "DeepSeek-AI": nothing to split into given and family
    return any(w in ORGANISATION_WORDS for w in words)


def _decode(parts: list[str]) -> str | None:
    if not parts:
        return None
    text = " ".join(parts)
    text = tex_to_unicode(text) if has_tex(text) else text
    return text.strip() or None


@cache_short(maxsize=8192)
def split_bibtex_name(text: str) -> Name:
    """Split one BibTeX name ("First von Last", "von Last, First", "von Last, Jr, First").

    A name wholly in braces (``{ATLAS Collaboration}``) is literal, as BibTeX treats it.
    """
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    text = " ".join(text.split())
    if text.startswith("{") and text.endswith("}") and _one_group(text):
        return Name(literal=tex_to_unicode(text[1:-1]) or text[1:-1])
    simple = _simple_first_last(text)
    if simple is not None:
        return simple
    parts = parse_single_name_into_parts(_as_bibtex_reads_it(text), strict=False)
    family = _decode(parts.last)
    given = _decode(parts.first)
    if family is None:
        return Name(literal=tex_to_unicode(text))
    return Name(
        family=family,
        given=given,
        non_dropping_particle=_decode(parts.von),
        suffix=_decode(parts.jr),
    )


def _as_bibtex_reads_it(text: str) -> str:
    """Two forms bibtexparser splits differently from BibTeX and pybtex, both of which
    writers produce for a person without a given name: "van Aa" (von + Last, not First +
    Last) and "Aa, Jr., " (Last + Jr with an empty First). An explicit empty First ``{}``
    makes bibtexparser agree."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    sections = split_top_level(text)
    if len(sections) == 3 and not sections[2].strip():
        return f"{sections[0]},{sections[1]}, {{}}"
    if len(sections) == 1 and len([w for w in split_top_level(text.replace("~", " "), " ") if w]) == 2:
        probe = f"{text}, {{}}"
        if parse_single_name_into_parts(probe, strict=False).von:
            return probe
    return text


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


@cache_short(maxsize=8192)  # authors recur across papers; Names are immutable
def split_display_name(text: str) -> Name:
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
        from dataclasses import replace

        name = replace(name, suffix=suffix)
    return name


_GLUED_INITIALS = re.compile(r"^((?:[A-Z][a-z]?\.-?)+)([A-Z][\w'’-]+)$")


def _unglue_initials(text: str) -> str:
    """"A.O.Barvinsky" -> "A.O. Barvinsky": as one token it would read as an organisation."""
    match = _GLUED_INITIALS.match(text)
    return f"{match[1]} {match[2]}" if match else text


# Particles as they appear after given names in "Family, Given particle" forms
# ("Beethoven, Ludwig van"), where case alone would also catch initials like "d'".
PARTICLES = frozenset("van von de der den du da di del della des la le ten ter zu dos das do".split())


def leading_particle(family: str | None) -> tuple[str | None, str | None]:
    """"van der Berg" -> ("van der", "Berg"): lowercase words before the last (BibTeX's von)."""
    if not family:
        return None, family
    tokens = family.split()
    count = 0
    while count < len(tokens) - 1 and tokens[count][:1].islower():
        count += 1
    return (" ".join(tokens[:count]) or None), " ".join(tokens[count:])


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

    A backslash does not escape a brace here; a `}` with no `{` open is ignored, and an
    unclosed `{` runs to the end. The separator must not be a brace."""
    if "{" not in text:
        return text.split(separator)
    # Visit only the braces and let str.split cut the stretches between top-level groups:
    # collaboration lists of 3,000 names have a few braces among 60,000 characters, and a
    # Python step per character (or per separator) was the listing reader's biggest cost.
    out = [""]  # the last piece is still open
    depth = start = 0  # start: where the text not yet in `out` begins
    for match in _BRACES.finditer(text):
        if match.group() == "{":
            if depth == 0:
                _add_split(out, text[start : match.start()], separator)
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:  # a whole top-level group belongs to the open piece
                out[-1] += text[start : match.end()]
                start = match.end()
    if depth:  # an unclosed group: no separator after its `{` counts
        out[-1] += text[start:]
    else:
        _add_split(out, text[start:], separator)
    return out


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
    out = []
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
    text = _unglue_initials(text)
    tokens = text.split()
    if not 1 <= len(tokens) <= 8:
        return False
    words = [t for t in tokens if not t[:1].islower() and _INITIALS.fullmatch(t) is None]
    return 1 <= len(words) <= 4 and not is_organisation(text)


def _looks_organisational(text: str) -> bool:
    return len(text.split()) > 1 and is_organisation(text)
