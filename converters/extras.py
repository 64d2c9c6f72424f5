"""The keys of ``Record.extras``: which format's field a value comes from, and what it says.

A reader keeps what the record has no variable for under ``Extra(format, field)``, so the
same format's writer can put it back and every other writer can report it. A few keys say
how the source wrote data the record does carry (the ``@string`` macro of a field, a
language's babel name, a subtitle joined into the title): their ``kind`` says which.

Writers read the parts (``key.format``, ``key.field``, ``key.kind``), never a string. Only
formats whose own keys are flat strings (CSL-JSON's ``custom``, JATS ``<custom-meta>``, loss
reports; and refconv-json as written before 2026-12-05, still read) hold the one text form,
``str(key)``, which ``Extra.parse`` reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import NamedTuple


class Kind(StrEnum):
    """What an extra's value is."""

    VALUE = "value"  # the field's value, which the record has no variable for
    ENTRY_TYPE = "entry-type"  # the item type as the source named it (BibTeX's @conference); field ""
    RAW = "raw"  # the value as given (JSON), where it had a shape the record could not read
    CUSTOM = "custom"  # a member of CSL-JSON's `custom` object that no refconv writer put there
    PREAMBLE = "preamble"  # @preamble text before the entry; field: its number, 1, 2, ...
    OTHERS = "others"  # the field's name list ended in "and others" (CSL names have no et al.)
    NAME_META = "name-meta"  # per name of the field's list, the keys CSL names have no place for (JSON)
    # how the source wrote what the record carries elsewhere (no data of their own: source forms)
    MACRO = "macro"  # the @string macro the field was written with
    AS_WRITTEN = "as-written"  # the field as written where the record holds another form of it
    JOINED = "joined"  # a title part (subtitle, titleaddon ...) the reader joined into a title
    READ_AS = "read-as"  # the CSL variable the field was read into, where that is not its usual one
    KEYS = "keys"  # the field as written with biblatex's localisation keys (a patent's countries)


# what each kind is, and an example of its key: the README's table of kinds (``python -m
# converters.extras --write README.md``) is made from these
MEANINGS: dict[Kind, tuple[str, Extra]] = {}

# kinds that only record how the source wrote data the record carries: the format's own writer
# reads them to write the same again; to every other writer they are no data, so never a loss
SOURCE_FORMS = frozenset({Kind.MACRO, Kind.AS_WRITTEN, Kind.JOINED, Kind.READ_AS, Kind.KEYS})

# the text form: "<format>:@<tag>:<field>" for these kinds (the tags BibTeX files written by
# refconv carry in CSL-JSON's custom and JATS custom-meta since the first release)
_TAGS = {Kind.PREAMBLE: "preamble", Kind.OTHERS: "others", Kind.MACRO: "string", Kind.AS_WRITTEN: "written",
         Kind.JOINED: "joined", Kind.READ_AS: "field", Kind.KEYS: "keys"}
_KINDS = {tag: kind for kind, tag in _TAGS.items()}


class Extra(NamedTuple):
    """A key of ``Record.extras``: ``Extra("bibtex", "howpublished")``,
    ``Extra("bibtex", "version", Kind.AS_WRITTEN)``, ``Extra("ris", "T3")``."""

    format: str  # the format read: "bibtex", "ris", "jats", "arxiv", "csl" (CSL-JSON)
    field: str  # the field, tag, element or variable as the format names it
    kind: Kind = Kind.VALUE

    @property
    def is_source_form(self) -> bool:
        """Whether the value only records how the source wrote data the record carries."""
        return self.kind in SOURCE_FORMS

    def __str__(self) -> str:
        """The text form, for formats whose keys are flat strings (``Extra.parse`` reads it)."""
        kind, name = self.kind, self.field
        if kind is Kind.VALUE:
            # a field named "type" must not read back as the entry type
            return f"{self.format}:field:type" if name == "type" else f"{self.format}:{name}"
        if kind is Kind.ENTRY_TYPE:
            return f"{self.format}:type"
        if kind is Kind.RAW:
            return f"{self.format}:{name}:raw"
        if kind is Kind.CUSTOM:
            return f"{self.format}:custom.{name}"
        if kind is Kind.NAME_META:
            return f"{self.format}:{name}-meta"
        return f"{self.format}:@{_TAGS[kind]}:{name}"

    @classmethod
    def parse(cls, text: str) -> Extra | None:
        """The key a text form names; None when ``text`` is no ``<format>:<field>`` form."""
        fmt, colon, rest = text.partition(":")
        if not (colon and rest and fmt and fmt[0].isalpha() and fmt.replace("-", "").isalnum() and fmt.islower()):
            return None
        if rest == "type":
            return cls(fmt, "", Kind.ENTRY_TYPE)
        if rest == "field:type":
            return cls(fmt, "type")
        if rest.startswith("@"):
            tag, colon, name = rest[1:].partition(":")
            if colon and name and tag in _KINDS:
                return cls(fmt, name, _KINDS[tag])
        if rest.endswith(":raw") and len(rest) > 4:
            return cls(fmt, rest[:-4], Kind.RAW)
        if fmt == "csl":  # the CSL-JSON reader's own kinds
            if rest.startswith("custom.") and len(rest) > 7:
                return cls(fmt, rest[7:], Kind.CUSTOM)
            if rest.endswith("-meta") and len(rest) > 5:
                return cls(fmt, rest[:-5], Kind.NAME_META)
        return cls(fmt, rest)


def text_keyed(extras: Mapping[Extra, str]) -> dict[str, str]:
    """The extras keyed by their text forms (``{"bibtex:howpublished": ...}``), as CSL-JSON's
    ``custom`` holds them: for reading and printing, not for code that takes keys apart."""
    return {str(key): value for key, value in extras.items()}


MEANINGS.update({
    Kind.VALUE: ("a field's value the record has no variable for; the same format's writer writes it back",
                 Extra("bibtex", "usera")),
    Kind.ENTRY_TYPE: ("the item type as the source named it, where the writer would not choose it again "
                      "(the field is empty)", Extra("bibtex", "", Kind.ENTRY_TYPE)),
    Kind.RAW: ("a value as given (JSON text), where its shape was not one the record could read",
               Extra("csl", "title", Kind.RAW)),
    Kind.CUSTOM: ("a member of CSL-JSON's custom object no refconv writer put there (JSON text)",
                  Extra("csl", "other-ids", Kind.CUSTOM)),
    Kind.PREAMBLE: ("@preamble text before the entry (the field is its number); written again before it",
                    Extra("bibtex", "1", Kind.PREAMBLE)),
    Kind.OTHERS: ("the field's name list ended in \"and others\" (CSL names have no et al.)",
                  Extra("bibtex", "translator", Kind.OTHERS)),
    Kind.NAME_META: ("per name of the variable's list, the keys a CSL name object has no place for (JSON text)",
                     Extra("csl", "author", Kind.NAME_META)),
    Kind.MACRO: ("the @string macro the field was written with (a source form)",
                 Extra("bibtex", "journal", Kind.MACRO)),
    Kind.AS_WRITTEN: ("the field as written, where the record holds another form of it (a source form)",
                      Extra("bibtex", "language", Kind.AS_WRITTEN)),
    Kind.JOINED: ("a title part the reader joined into a title (a source form)",
                  Extra("bibtex", "subtitle", Kind.JOINED)),
    Kind.READ_AS: ("the CSL variable the field was read into, where that is not its usual one (a source form)",
                   Extra("bibtex", "fjournal", Kind.READ_AS)),
    Kind.KEYS: ("the field as written with biblatex's localisation keys (a source form)",
                Extra("bibtex", "location", Kind.KEYS)),
})

BEGIN = "<!-- extras kinds: generated by `python -m converters.extras --write README.md` -->"
END = "<!-- end of extras kinds -->"


def render() -> str:
    """The README's table of extras' kinds, between its markers."""
    rows = [BEGIN, "| kind | what the value is | example key | its text form |", "|---|---|---|---|"]
    for kind in Kind:
        meaning, example = MEANINGS[kind]
        parts = [f'"{example.format}"', f'"{example.field}"'] + ([] if kind is Kind.VALUE else [f"Kind.{kind.name}"])
        rows.append(f"| `{kind.value}` | {meaning} | `Extra({', '.join(parts)})` | `{example}` |")
    return "\n".join([*rows, END])


if __name__ == "__main__":
    import sys

    from . import readme_blocks

    raise SystemExit(readme_blocks.main(sys.argv[1:], "converters.extras", render, BEGIN, END))
