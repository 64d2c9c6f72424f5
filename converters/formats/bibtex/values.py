"""Field values: ``{...}``, ``"..."``, numbers and ``@string`` macros joined by ``#``.

bibtexparser's splitter hands over each value as raw text; this module evaluates it
the way BibTeX does (macros are case-insensitive, defined in file order, ``jan`` ..
``dec`` predefined) and says precisely where a value is malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...text.months import ENGLISH, MACROS
from ...text.tex import group_end

# plain.bst's month macros; a file may redefine them.
BUILTIN_MACROS = dict(zip(MACROS, ENGLISH, strict=True))

_NUMBER = re.compile(r"\d+")
# BibTeX identifiers: no whitespace and none of  " # % ' ( ) , = { }  and not starting with a digit
_IDENTIFIER = re.compile(r"[^\s\"#%'(),={}0-9][^\s\"#%'(),={}]*")
_NEXT_FIELD = re.compile(r"([^\s\"#%'(),={}]+)\s*=")
# BibTeX's white space is ASCII's: a no-break or thin space (UTF-8 from Zotero, or what a
# reader made of ~) is a character of the value, which str.split would make a space. (What
# str.split splits ASCII at, and Unicode's line breaks, still are white space.)
_WHITE = " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_SPACE_CHARACTER = re.compile(f"[^\\S{_WHITE}]")
_WHITE_RUN = re.compile(f"[{_WHITE}]+")
_PARAGRAPH = re.compile(f"\n[ \t\r\f\v]*\n[{_WHITE}]*")


def _nested_group(depth: int) -> str:
    """A pattern for a `{...}` group nested at most depth deep, where a backslash escapes
    the next character (as in _closing_brace)."""
    group = r"\{(?:[^{}\\]++|\\.)*+\}"
    for _ in range(depth - 1):
        group = rf"\{{(?:[^{{}}\\]++|\\.|{group})*+\}}"
    return group


# A whole value that is one braced or quoted part, braces balanced (four levels deep at
# most; deeper goes the long way). One C-level match instead of a Python step per
# character in _closing_brace/_closing_quote: most values in real files are like this.
# Possessive quantifiers (++, *+) take runs of plain characters at once and never
# backtrack, so a value that does not match fails in linear time.
_GROUP = _nested_group(4)
_ONE_PART = re.compile(rf'{_GROUP}|"(?:[^"{{}}\\]++|\\.|{_GROUP})*+"', re.DOTALL)


class BadValue(Exception):
    """A malformed value: ``offset`` is where in the raw value the problem is."""

    def __init__(self, message: str, offset: int, hint: str | None = None, next_field: int | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.next_field = next_field  # where a `name =` starts after a complete value: a missing comma


@dataclass(frozen=True, slots=True)
class Value:
    """A field's value after macro expansion, and where it was written."""

    text: str  # TeX source without the outer delimiters, whitespace normalised
    line: int | None = None
    column: int | None = None
    macro: str | None = None  # the @string name when the whole value is one user macro
    inherited_from: str | None = None  # the crossref/xdata entry it came from


@dataclass
class Macros:
    """@string definitions in file order, plus the month macros."""

    defined: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # lower name -> (value, line)
    later: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # defined further down the file

    def define(self, name: str, value: str, line: int | None) -> tuple[str, int | None] | None:
        """Define a macro; return the previous user definition it replaces, if any."""
        key = name.lower()
        previous = self.defined.get(key)
        self.defined[key] = (value, line)
        return previous

    def lookup(self, name: str) -> tuple[str, int | None] | None:
        key = name.lower()
        if key in self.defined:
            return self.defined[key]
        if key in BUILTIN_MACROS:
            return BUILTIN_MACROS[key], None
        return None


@dataclass
class Evaluated:
    text: str
    macro: str | None  # set when the value is exactly one user macro
    warnings: list[tuple[str, str, int, str | None]]  # (code, message, offset, hint)
    undefined: frozenset[str] = frozenset()  # the macros used and not defined (lower case)


def normalise_space(text: str, strip: bool = True) -> str:
    """BibTeX reads any run of white space as one space; a blank line stays a paragraph break.

    Without strip, a space at either end stays (one): an @string part such as
    " Symposium" is joined to others by `#`, and its space separates the words."""
    if not strip:
        core = normalise_space(text)
        lead = " " if text[:1].isspace() else ""
        trail = " " if text[-1:].isspace() and core else ""
        return lead + core + trail
    # " ".join(p.split()) equals re.sub(r"\s+", " ", p).strip() (str.split and \s agree on
    # what is white space) at a fraction of the cost; without a newline there is no
    # paragraph break to look for.
    if "\n" not in text:
        return _collapse(text)
    paragraphs = _PARAGRAPH.split(text.strip(_WHITE))
    if len(paragraphs) == 1:  # wrapped lines, no blank line: the usual long value
        return _collapse(paragraphs[0])
    return "\n\n".join(_collapse(p) for p in paragraphs)


def _collapse(text: str) -> str:
    if text.isascii() or _SPACE_CHARACTER.search(text) is None:
        return " ".join(text.split())
    return _WHITE_RUN.sub(" ", text).strip(_WHITE)


def evaluate(raw: str, macros: Macros, field_name: str | None = None, *, strip: bool = True) -> Evaluated:
    """Expand one raw value; raise BadValue on malformed syntax. An @string definition
    is evaluated without strip: its outer spaces matter where it is joined with `#`."""
    if _ONE_PART.fullmatch(raw):  # the usual value, one {...} or "...": no macro, nothing to report
        return Evaluated(normalise_space(raw[1:-1], strip), None, [])
    parts: list[str] = []
    names: list[str | None] = []
    warnings: list[tuple[str, str, int, str | None]] = []
    pos, n = 0, len(raw)
    expect_term = True
    while True:
        pos = _skip_space(raw, pos)
        if pos >= n:
            break
        ch = raw[pos]
        if not expect_term:
            if ch != "#":
                raise _junk_after_value(raw, pos, field_name)
            expect_term = True
            pos += 1
            continue
        if ch == "{":
            end = _closing_brace(raw, pos)
            parts.append(raw[pos + 1 : end])
            names.append(None)
            pos = end + 1
        elif ch == '"':
            end = _closing_quote(raw, pos)
            parts.append(raw[pos + 1 : end])
            names.append(None)
            pos = end + 1
        elif (match := _NUMBER.match(raw, pos)) and not _IDENTIFIER.match(raw, pos):
            parts.append(match.group())
            names.append(None)
            pos = match.end()
        elif match := _IDENTIFIER.match(raw, pos):
            name = match.group()
            parts.append(_expand(name, macros, pos, warnings))
            names.append(name)
            pos = match.end()
        else:
            raise BadValue(f"unexpected `{ch}` where a value should start", pos,
                           "a value is {...}, \"...\", a number or an @string name")
        expect_term = False
    if expect_term and parts:
        raise BadValue("value ends with `#`", n, "`#` joins two parts; the second is missing")
    if not parts:
        raise BadValue("missing value", 0, f"write {field_name or 'field'} = {{...}}")
    macro = names[0] if len(names) == 1 and names[0] and names[0].lower() in macros.defined else None
    undefined = frozenset(n.lower() for n in names if n and macros.lookup(n) is None and n.lower() not in macros.later)
    return Evaluated(normalise_space("".join(parts), strip), macro, warnings, undefined)


def _expand(name: str, macros: Macros, pos: int, warnings: list) -> str:
    found = macros.lookup(name)
    if found is not None:
        return found[0]
    later = macros.later.get(name.lower())
    if later is not None:
        warnings.append(("bibtex.macro-order", f"@string '{name}' is used before its definition at line {later[1]}",
                         pos, "BibTeX needs @string definitions before their use; move it up"))
        return later[0]
    warnings.append(("bibtex.undefined-macro", f"undefined @string '{name}'; its name is kept as the value", pos,
                     "define it with @string or put the value in braces"))
    return name


def _skip_space(raw: str, pos: int) -> int:
    while pos < len(raw) and raw[pos].isspace():
        pos += 1
    return pos


def _closing_brace(raw: str, start: int) -> int:
    """Index of the `}` closing the `{` at start (escaped braces do not count, as in the splitter)."""
    end = group_end(raw, start)
    if end is None:
        raise BadValue("unbalanced `{`", start, "a `}` is missing")
    return end - 1


def _closing_quote(raw: str, start: int) -> int:
    depth = 0
    i = start + 1
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise BadValue("unbalanced `}` inside a quoted value", i, "braces must balance inside quotes")
        elif ch == '"' and depth == 0:
            return i
        i += 1
    if depth > 0:
        raise BadValue("unbalanced `{` inside a quoted value", start, "a `}` is missing")
    raise BadValue('unterminated `"`', start, 'the closing `"` is missing')


def _junk_after_value(raw: str, pos: int, field_name: str | None) -> BadValue:
    after = f" after field '{field_name}'" if field_name else ""
    match = _NEXT_FIELD.match(raw, pos)
    if match:
        return BadValue(f"field '{match.group(1)}' starts inside the value of '{field_name}'", pos,
                        f"missing comma{after}?", next_field=pos)
    return BadValue(f"unexpected text `{raw[pos:pos + 20]}` after the value", pos,
                    "join the parts of a value with `#`, or put the whole value in braces")
