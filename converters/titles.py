"""Values writers derive from a record's titles.

biblatex keeps a title's parts apart (title, subtitle, titleaddon) and cites a work by its
``shorttitle``, or else by its ``title`` alone, without the subtitle (the ``labeltitle``
its styles print in short citations). The BibTeX reader joins the parts into the record's
one title, as every other format has it, and keeps each part in extras
(extras of kind JOINED: subtitle, titleaddon). A format with a short-title
variable (CSL's title-short) gets that title without its parts when the record has no short
title of its own, so a style's short form is what biblatex's is. Nothing is derived by
guessing: a title with a colon but no subtitle field has no short form (pandoc cuts it at
the colon: "Technical section: An algorithm ..." is not a short title).
"""

from __future__ import annotations

from dataclasses import replace

from .diagnostics import Reporter
from .extras import Extra, Kind
from .model import Record, Syntax, Text

# the BibTeX reader's keys for the parts it joined into the title, and how it joined them
_JOINED_PARTS = ((Extra("bibtex", "subtitle", Kind.JOINED), ": "), (Extra("bibtex", "titleaddon", Kind.JOINED), ". "))


def derived_title_short(record: Record) -> Text | None:
    """The title without the subtitle and addon biblatex gave apart, for a record with no
    title-short; None when there is nothing to take off, or the record is a volume (its
    title is the multi-volume work's, whose parts biblatex does not cite by)."""
    title = record.title
    if (title is None or title.syntax is not Syntax.BIBTEX or "title-short" in record.variables
            or "volume-title" in record.variables):
        return None
    value = title.value
    cut = False
    for key, joiner in reversed(_JOINED_PARTS):
        part = record.extras.get(key)
        if part and value.endswith(joiner + part):
            value = value[: -len(joiner + part)]
            cut = True
    return Text(value, Syntax.BIBTEX) if cut and value.strip() else None


# what as_one_volume writes as the title and its short form
VOLUME_VARIABLES = frozenset({"volume-title", "volume-title-short"})

# types whose volume-title is their container's (the book a chapter is in), as CSL 1.0.2
# defines volume-title: "of the item or container holding the item"; their container is a
# book, whose title is a title of a work (the CSL-JSON writer's sentence case)
CONTAINED_TYPES = frozenset("chapter paper-conference entry entry-dictionary entry-encyclopedia".split())


def as_one_volume(record: Record, report: Reporter, key: str, target: str) -> Record:
    """A record for a format with no volume-title (RIS, JATS): one volume of a multi-volume
    work is cited by the volume's own title (a chapter's book by the volume's), with the
    whole work as its series, the way catalogues and reference managers file it ("The
    TeXbook", series "Computers & Typesetting", volume A). What has no place is reported:
    the whole work's title where the record has a series already."""
    volume = record.variables.get("volume-title")
    if volume is None:
        return record
    variables = dict(record.variables)
    del variables["volume-title"]
    lost: list[tuple[str, str]] = []
    contained = record.type in CONTAINED_TYPES and record.container_title is not None
    whole = record.container_title if contained else record.title
    changes: dict = {"container_title": volume} if contained else {"title": volume}
    short = variables.pop("volume-title-short", None)
    if short is not None and not contained:
        if "title-short" in variables:
            lost.append(("title-short", variables["title-short"].plain()))
        variables["title-short"] = short
    elif short is not None:
        lost.append(("volume-title-short", short.plain()))
    if whole is not None:
        if "collection-title" in variables:
            lost.append(("title", whole.plain()))
        else:
            variables["collection-title"] = whole
    for variable, value in lost:
        report.lost(key, variable, target, record=record, value=value)
    return replace(record, variables=variables, **changes)
