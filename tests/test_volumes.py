"""One volume of a multi-volume work (biblatex maintitle, CSL volume-title), in every writer."""

from __future__ import annotations

import json

import converters
from converters.model import Record, Text

VOLUME = """@book{tex, author = {Knuth, Donald E.}, title = {The {\\TeX book}}, shorttitle = {{\\TeX} book},
  maintitle = {Computers \\& Typesetting}, mainsubtitle = {Five Volumes}, volume = {A}, year = 1984}
@inbook{kpv, title = {Kritik der praktischen Vernunft}, booktitle = {Kritik der praktischen Vernunft.
  Kritik der Urtheilskraft}, maintitle = {Kants Werke}, volume = 5, pages = {1-163}, year = 1968,
  langid = {german}}"""


def _records():
    return converters.loads(VOLUME, "biblatex").records


def test_the_whole_work_is_the_title_and_the_volume_is_the_volume_title_as_csl_has_it():
    book, chapter = _records()
    assert book.title.plain() == "Computers & Typesetting: Five Volumes"
    assert book.variables["volume-title"].plain() == "The TeXbook"
    assert book.variables["volume-title-short"].plain() == "TeX book"  # the volume's shorttitle
    assert "title-short" not in book.variables
    # a chapter: its book is the volume, the work its book belongs to is the container
    assert chapter.title.plain() == "Kritik der praktischen Vernunft"
    assert chapter.container_title.plain() == "Kants Werke"
    assert chapter.variables["volume-title"].plain() == "Kritik der praktischen Vernunft. Kritik der Urtheilskraft"


def test_biblatex_output_gives_back_maintitle_and_its_parts():
    out = converters.dumps(_records(), "biblatex")
    assert "title = {The {\\TeX book}}," in out and "shorttitle = {{\\TeX} book}," in out
    assert "maintitle = {Computers \\& Typesetting},\n  mainsubtitle = {Five Volumes}," in out
    assert "booktitle = {Kritik der praktischen Vernunft. Kritik der Urtheilskraft},\n  maintitle = {Kants Werke}," \
        in out
    assert converters.loads(out, "biblatex").records == _records()


def test_csl_json_carries_the_volume_title_and_reads_it_back():
    text = converters.dumps(_records(), "csl-json")
    book = json.loads(text)[0]
    assert (book["title"], book["volume-title"]) == ("Computers & typesetting: Five volumes",
                                                     'The <span class="nocase">TeX</span>book')
    again = converters.loads(text, "csl-json").records
    assert "maintitle = {Kants Werke}" in converters.dumps(again, "biblatex")


def test_a_format_without_volume_title_files_the_volume_under_its_own_title_in_the_series():
    diagnostics: list = []
    ris = converters.dumps(_records(), "ris", diagnostics=diagnostics)
    assert "TI  - The TeXbook\r\n" in ris and "T3  - Computers & Typesetting: Five Volumes\r\n" in ris
    assert "ST  - TeX book\r\n" in ris
    assert "T2  - Kritik der praktischen Vernunft. Kritik der Urtheilskraft\r\n" in ris and "T3  - Kants Werke" in ris
    # nothing lost but @inbook, which RIS's CHAP cannot tell from @incollection
    assert {d.field for d in diagnostics if d.code == "write.lost"} == {"bibtex:type"}
    jats = converters.dumps(_records(), "jats")
    assert "<source>The TeXbook</source>" in jats and "<series>Computers &amp; Typesetting: Five Volumes</series>" \
        in jats


def test_what_has_no_place_is_reported():
    # the whole work's short title beside the volume's, and the whole work's title where there is a series
    record = Record(type="book", title=Text("Whole Work"), variables={
        "volume-title": Text("The Volume"), "volume-title-short": Text("Volume"), "title-short": Text("Whole"),
        "collection-title": Text("A Series")})
    for fmt, lost in (("ris", {"title-short", "title"}), ("biblatex", {"title-short"}), ("jats", {"title"})):
        diagnostics: list = []
        converters.dumps([record], fmt, diagnostics=diagnostics)
        assert lost <= {d.field for d in diagnostics if d.code == "write.lost"}, fmt
