"""The ``file`` field (converters/formats/bibtex/files.py): what JabRef, Zotero, Mendeley and
biblatex users write, read as the record's attachments and written back."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import converters
from converters.extras import Extra, Kind
from converters.formats.bibtex.files import read_file_field, write_file_field
from converters.model import Attachment, Record, Text


@pytest.mark.parametrize(("written", "attachments"), [
    # Zotero's BibTeX export: title, path and media type; a Windows path escaped
    (r"Full Text PDF:/home/ann/Zotero/storage/ABCD/bee.pdf:application/pdf;Snapshot:C\:\\Users\\ann\\s.html:text/html",
     (Attachment("/home/ann/Zotero/storage/ABCD/bee.pdf", "Full Text PDF", "application/pdf"),
      Attachment(r"C:\Users\ann\s.html", "Snapshot", "text/html"))),
    # JabRef: no title, its file type's name; a URL with its colon escaped
    (":papers/bee.pdf:PDF", (Attachment("papers/bee.pdf", None, "PDF"),)),
    (r":https\://example.org/bee.pdf:PDF", (Attachment("https://example.org/bee.pdf", None, "PDF"),)),
    # Mendeley: the backslash as $\backslash$, an underscore as {\_}
    (r":C$\backslash$:/Users/ann/Mendeley Desktop/Bee{\_}2020.pdf:pdf",
     (Attachment("C:/Users/ann/Mendeley Desktop/Bee_2020.pdf", None, "pdf"),)),
    # biblatex's own use (biblatex-examples.bib): one link, taken whole
    ("http://v3.espacenet.com/textdoc?IDX=EP1700367", (Attachment("http://v3.espacenet.com/textdoc?IDX=EP1700367"),)),
    ("ftp://gaia.cs.umass.edu/pub/Padhey99-markov.ps", (Attachment("ftp://gaia.cs.umass.edu/pub/Padhey99-markov.ps"),)),
    # unescaped: a drive letter and a URL's colons stay in the location
    (r"C:\Users\ann\bee.pdf", (Attachment(r"C:\Users\ann\bee.pdf"),)),
    (r":C:\Users\ann\bee.pdf:PDF", (Attachment(r"C:\Users\ann\bee.pdf", None, "PDF"),)),
    (":http://host:8080/bee.pdf:PDF", (Attachment("http://host:8080/bee.pdf", None, "PDF"),)),
    ("bee.pdf", (Attachment("bee.pdf"),)),
    (r"a\;b.pdf;;", (Attachment("a;b.pdf"),)),  # an escaped separator; empty items skipped
    ("", ()),
])
def test_file_field_is_read_as_reference_managers_write_it(written, attachments):
    assert read_file_field(written) == attachments


_PART = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                max_size=12).map(str.strip).filter(bool)


@given(st.lists(st.builds(Attachment, _PART, st.none() | _PART, st.none() | _PART), min_size=1, max_size=4))
def test_file_field_written_reads_back_as_the_same_attachments(attachments):
    attachments = tuple(attachments)
    # (one ambiguity: a title "http" before a location "//x" reads as the link http://x:...)
    assume(not any(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", a.title or "") and a.location.startswith("//")
                   for a in attachments))
    assert read_file_field(write_file_field(attachments)) == attachments


def test_bibtex_file_and_affiliation_round_trip_exactly_and_reach_ris():
    text = ("@article{a, author = {Bee, Ann and Dee, Carl}, title = {T}, journal = {J}, year = {2020},\n"
            "  affiliation = {Dept. of Physics, Univ. of Somewhere},\n"
            r"  file = {:C$\backslash$:/Users/ann/bee.pdf:pdf}}" "\n")
    (record,) = converters.loads(text, "bibtex")
    assert record.affiliations == ("Dept. of Physics, Univ. of Somewhere",)
    assert record.attachments == (Attachment("C:/Users/ann/bee.pdf", None, "pdf"),)
    again = converters.dumps([record], "bibtex")
    assert r"file = {:C$\backslash$:/Users/ann/bee.pdf:pdf}" in again  # as the input wrote it
    assert "affiliation = {Dept. of Physics, Univ. of Somewhere}" in again
    diagnostics: list = []
    ris = converters.dumps([record], "ris", diagnostics=diagnostics)
    assert "AD  - Dept. of Physics, Univ. of Somewhere\r\n" in ris and "L1  - C:/Users/ann/bee.pdf\r\n" in ris
    assert [(d.code, d.field) for d in diagnostics] == [("write.lost", "attachments")]  # its media type
    (back,) = converters.loads(ris, "ris")
    assert (back.affiliations, back.attachments) == (record.affiliations, (Attachment("C:/Users/ann/bee.pdf"),))


def test_attachments_changed_since_reading_are_written_in_jabrefs_form():
    (record,) = converters.loads("@misc{a, title = {T}, file = {:C$\\backslash$:/x.pdf:pdf}}", "bibtex")
    assert Extra("bibtex", "file", Kind.AS_WRITTEN) in record.extras
    changed = record.evolve(attachments=(Attachment(r"D:\y;z.pdf", "Main", "application/pdf"),))
    diagnostics: list = []
    text = converters.dumps([changed], "bibtex", diagnostics=diagnostics)
    assert r"file = {Main:D\:\\y\;z.pdf:application/pdf}" in text
    assert not diagnostics


def test_a_path_bibtex_cannot_hold_is_reported_not_mangled():
    record = Record(type="document", title=Text("T"), attachments=(Attachment("/tmp/{odd.pdf"),
                                                                  Attachment("/tmp/b.pdf")))
    diagnostics: list = []
    text = converters.dumps([record], "bibtex", diagnostics=diagnostics)
    assert "file" not in text
    assert [(d.code, d.field) for d in diagnostics] == [("write.lost", "attachments")]
    diagnostics = []
    text = converters.dumps([Record(type="document", title=Text("T"), attachments=(Attachment("/tmp/Müller.pdf"),))],
                            "bibtex", tex="ascii", diagnostics=diagnostics)
    assert "file" not in text and [d.field for d in diagnostics] == ["attachments"]
    # a line break in a path: a value is written on one line, and a space would be another path
    diagnostics = []
    text = converters.dumps([Record(type="document", title=Text("T"), attachments=(Attachment("/tmp/a\nb.pdf"),))],
                            "bibtex", diagnostics=diagnostics)
    assert "file" not in text and [d.field for d in diagnostics] == ["attachments"]
