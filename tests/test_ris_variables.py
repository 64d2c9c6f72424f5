"""RIS tags <-> the record's CSL variable maps (tables.VARIABLE_TAGS), by RIS type.

The expected mappings below are written out by hand from the sources (Zotero's RIS
translator, the RIS spec's per-type table), not derived from the table, so a wrong
table entry fails here.
"""

from __future__ import annotations

import pytest
import rispy

import converters
from converters import csl
from converters.extras import Extra, text_keyed
from converters.formats.ris import tables
from converters.formats.ris.tables import RIS_TO_CSL, RIS_TYPES, variables_for
from converters.model import Attachment, Date, Name, Record, Text


def _read_one(text: str) -> Record:
    (record,) = converters.loads(text, "ris")
    return record


def _ris(ty: str, *lines: str) -> str:
    return "".join([f"TY  - {ty}\n", "TI  - A title\n", *(f"{line}\n" for line in lines), "ER  - \n"])


# (RIS type, tag, CSL variable) for text and number variables
TEXT_CASES = [
    ("JOUR", "T3", "collection-title"),
    ("CHAP", "T3", "collection-title"),  # Zotero: bookSection series
    ("CONF", "T3", "collection-title"),
    ("BOOK", "T3", "collection-title"),  # Zotero reads a book's T3 as its series
    ("HEAR", "T3", "authority"),  # Zotero: legislativeBody
    ("BILL", "T3", "authority"),
    ("JOUR", "ST", "title-short"),
    ("BOOK", "ST", "title-short"),
    ("JOUR", "J2", "container-title-short"),
    ("JOUR", "JA", "container-title-short"),
    ("BOOK", "NV", "number-of-volumes"),
    ("NEWS", "SE", "section"),
    ("CHAP", "SV", "collection-number"),
    ("BOOK", "CN", "call-number"),
    ("JOUR", "DB", "archive"),
    ("JOUR", "DP", "source"),
    ("THES", "M3", "genre"),
    ("RPRT", "M3", "genre"),
    ("BOOK", "OP", "original-title"),
    ("CASE", "OP", "references"),  # Zotero: history
    ("JOUR", "RI", "reviewed-title"),
    ("CPAPER", "C1", "event-place"),  # Zotero: a conference paper's place
    ("CONF", "C1", "event-place"),
    ("MAP", "C1", "scale"),
    ("ART", "C3", "dimensions"),
    ("VIDEO", "C5", "medium"),
    ("PAT", "C5", "references"),
    ("PAT", "C6", "status"),
]

# (RIS type, tag, CSL name variable)
NAME_CASES = [
    ("CHAP", "A3", "collection-editor"),  # Zotero: seriesEditor
    ("CONF", "A3", "collection-editor"),
    ("JOUR", "A3", "collection-editor"),
    ("THES", "A3", "contributor"),
    ("MPCT", "A3", "producer"),
    ("BOOK", "A2", "collection-editor"),  # Zotero and the spec: a book's A2 is its series editor
    ("JOUR", "A4", "translator"),  # Zotero: A4 __default translator
    ("BOOK", "A4", "translator"),
    ("CPAPER", "A4", "contributor"),  # Zotero: "translator does not fit these"
    ("CHAP", "C2", "container-author"),  # Zotero: bookAuthor
]

# (RIS type, tag): the tag means something with no CSL variable there, so it stays in extras
KEPT_CASES = [("CASE", "SE"), ("BILL", "A3"), ("CASE", "A4"), ("JOUR", "C1"), ("STAT", "RI"), ("BOOK", "C7")]


@pytest.mark.parametrize(("ty", "tag", "variable"), TEXT_CASES)
def test_a_mapped_tag_reads_into_its_text_variable(ty, tag, variable):
    record = _read_one(_ris(ty, f"{tag}  - Value of {tag}"))
    assert record.variables.get(variable) == Text(f"Value of {tag}")
    assert Extra("ris", tag) not in record.extras


@pytest.mark.parametrize(("ty", "tag", "variable"), NAME_CASES)
def test_a_mapped_tag_reads_into_its_name_variable(ty, tag, variable):
    record = _read_one(_ris(ty, f"{tag}  - van der Berg, Anna", f"{tag}  - Acme Corporation"))
    assert record.names.get(variable) == (Name(family="Berg", given="Anna", non_dropping_particle="van der"),
                                           Name(literal="Acme Corporation"))
    assert Extra("ris", tag) not in record.extras
    assert record.editors == ()


@pytest.mark.parametrize(("ty", "tag"), KEPT_CASES)
def test_a_tag_with_no_variable_for_its_type_stays_in_extras_and_comes_back(ty, tag):
    record = _read_one(_ris(ty, f"{tag}  - Kept value"))
    assert text_keyed(record.extras)[f"ris:{tag}"] == "Kept value"
    assert not record.variables and not record.names
    assert f"{tag}  - Kept value\r\n" in converters.dumps([record], "ris")


def test_a_books_a3_is_its_editor_and_its_a2_its_series_editor():
    record = _read_one(_ris("BOOK", "A2", "A2  - Series, Sam", "A3  - Editor, Eve"))
    assert record.editors == (Name(family="Editor", given="Eve"),)
    assert record.names == {"collection-editor": (Name(family="Series", given="Sam"),)}


def test_a2_outside_books_stays_the_editor():
    record = _read_one(_ris("CHAP", "A2  - Editor, Eve", "A3  - Series, Sam"))
    assert record.editors == (Name(family="Editor", given="Eve"),)
    assert record.names == {"collection-editor": (Name(family="Series", given="Sam"),)}


def test_j2_wins_over_ja_and_a_differing_ja_is_kept():
    record = _read_one(_ris("JOUR", "T2  - Journal of Things", "JA  - J. Th.", "J2  - J Things"))
    assert record.variables["container-title-short"] == Text("J Things")
    assert record.extras[Extra("ris", "JA")] == "J. Th."
    assert record.container_title == Text("Journal of Things")


def test_ja_alone_is_the_short_title_and_names_the_container():
    record = _read_one(_ris("JOUR", "JA  - Nature"))
    assert record.variables["container-title-short"] == Text("Nature")
    assert record.container_title == Text("Nature")


def test_a_doi_in_m3_is_no_genre():
    record = _read_one(_ris("JOUR", "M3  - 10.1000/xyz123"))
    assert "genre" not in record.variables
    assert record.ids.doi == ("10.1000/xyz123",)
    assert record.extras[Extra("ris", "M3")] == "10.1000/xyz123"


def test_an_et_al_line_in_a_name_variable_stays_in_extras():
    record = _read_one(_ris("CHAP", "A3  - Series, Sam", "A3  - et al."))
    assert record.names == {"collection-editor": (Name(family="Series", given="Sam"),)}
    assert record.extras[Extra("ris", "A3")] == "et al."


@pytest.mark.parametrize(("ty", "tag", "variable"), TEXT_CASES + NAME_CASES)
def test_ris_to_ris_keeps_a_mapped_tag(ty, tag, variable):
    text = _ris(ty, f"{tag}  - Berg, Anna")
    record = _read_one(text)
    written = converters.dumps([record], "ris")
    # JA comes back as J2, the tag Zotero writes the journal abbreviation to (and reads first)
    assert f"{'J2' if tag == 'JA' else tag}  - Berg, Anna\r\n" in written
    assert _read_one(written) == record


def test_what_rispy_reads_from_our_written_tags():
    record = Record(type="chapter", title=Text("A chapter"), container_title=Text("The Book"),
                    variables={"collection-title": Text("The Series"), "title-short": Text("Chap"),
                               "container-title-short": Text("Bk"), "number-of-volumes": Text("3"),
                               "section": Text("4")},
                    names={"collection-editor": (Name(family="Series", given="Sam"),),
                           "translator": (Name(family="Trans", given="Tom"),)})
    (entry,) = rispy.loads(converters.dumps([record], "ris"))
    assert (entry["tertiary_title"], entry["short_title"], entry["alternate_title1"], entry["number_of_volumes"],
            entry["section"]) == ("The Series", "Chap", "Bk", "3", "4")
    assert (entry["tertiary_authors"], entry["subsidiary_authors"]) == (["Series, Sam"], ["Trans, Tom"])


def _types_written() -> list[tuple[str, str]]:
    """(CSL type, the TY the writer gives it) for every type the writer knows."""
    return [("article", "UNPB"), *sorted(RIS_TYPES.items())]


@pytest.mark.parametrize(("csl_type", "ty"), _types_written())
def test_every_variable_ris_can_hold_comes_back(csl_type, ty):
    held = variables_for(ty)
    record = Record(
        type=csl_type, title=Text("Every variable"),
        variables={v: Text(f"value of {v}") for v in sorted(held & csl.VARIABLES)},
        names={v: (Name(family=f"Fam{i}", given="Gwen"),) for i, v in enumerate(sorted(held & csl.NAME_VARIABLES))},
    )
    diagnostics: list = []
    written = converters.dumps([record], "ris", diagnostics=diagnostics)
    assert not [d.field for d in diagnostics if d.code == "write.lost"]
    back = _read_one(written)
    assert dict(back.variables) == dict(record.variables)
    assert dict(back.names) == dict(record.names)


def test_what_common_types_hold():
    assert {"collection-title", "collection-editor", "translator", "title-short", "number-of-volumes",
            "call-number", "original-title"} <= variables_for("BOOK")
    assert {"collection-title", "collection-editor", "translator", "container-author",
            "container-title-short", "collection-number"} <= variables_for("CHAP")
    assert {"collection-title", "container-title-short", "title-short", "translator",
            "section"} <= variables_for("JOUR")
    assert {"event-place", "contributor"} <= variables_for("CPAPER") and "translator" not in variables_for("CPAPER")


def test_a_variable_the_records_type_cannot_hold_is_reported_dropped():
    record = Record(type="book", title=Text("A book"), variables={"authority": Text("Senate")})
    diagnostics: list = []
    written = converters.dumps([record], "ris", diagnostics=diagnostics)
    assert "Senate" not in written
    assert [d.field for d in diagnostics if d.code == "write.lost"] == ["authority"]


def test_a_biblatex_series_and_translator_reach_ris_without_loss():
    record = Record(type="book", title=Text("Opera"), variables={"collection-title": Text("Loeb Classical Library")},
                    names={"translator": (Name(family="Smith", given="John"),)})
    diagnostics: list = []
    written = converters.dumps([record], "ris", diagnostics=diagnostics)
    assert "T3  - Loeb Classical Library\r\n" in written and "A4  - Smith, John\r\n" in written
    assert not [d for d in diagnostics if d.code == "write.lost"]


# --- the tables ------------------------------------------------------------------------------


def test_every_rispy_tag_is_mapped_or_kept_with_a_reason():
    mapped = set(tables.TAG_SLOTS) | set(tables.VARIABLE_TAGS) | set(tables.STRUCTURE_TAGS)
    for tag in rispy.TAG_KEY_MAPPING:
        assert (tag in mapped) != (tag in tables.KEPT_TAGS), f"{tag}: mapped and kept, or neither"
    assert all(reason.strip() for reason in tables.KEPT_TAGS.values())


def test_the_variable_table_names_csl_variables_and_ris_types():
    for tag, rules in tables.VARIABLE_TAGS.items():
        for ty, variable in rules.items():
            assert ty == tables.ANY or ty in RIS_TO_CSL, f"{tag}: unknown RIS type {ty}"
            assert variable is None or variable == "editor" or variable in csl.VARIABLES | csl.NAME_VARIABLES, \
                f"{tag}: {variable} is not a CSL variable the record's maps keep"
        if tables.ANY in rules:  # a tag with a default would compete with a slot reading the same tag
            assert tag not in tables.TAG_SLOTS, tag


def test_research_notes_are_the_annote_both_ways():
    """biblatex's annotation (CSL annote) was reported dropped in RIS; RN is its place."""
    (record,) = converters.loads("TY  - BOOK\nTI  - T\nRN  - My reading notes\nER  - \n", "ris").records
    assert record.variables["annote"].value == "My reading notes" and Extra("ris", "RN") not in record.extras
    bib = converters.loads("@book{k, title = {T}, annotation = {An annotated entry}}", "bibtex").records
    diagnostics: list = []
    text = converters.dumps(bib, "ris", diagnostics=diagnostics)
    assert "RN  - An annotated entry" in text
    assert not [d for d in diagnostics if d.code == "write.lost" and d.field == "annote"]


def test_a_books_sp_is_its_number_of_pages_both_ways():
    # RIS spec and Zotero (numPages): SP of BOOK, CLSWK, EBOOK, EDBOOK and THES
    for ty in ("BOOK", "THES"):
        (record,) = converters.loads(f"TY  - {ty}\nTI  - A Book\nSP  - 82\nER  - \n", "ris")
        assert (record.variables["number-of-pages"].value, record.pages) == ("82", None)
    (article,) = converters.loads("TY  - JOUR\nTI  - A\nSP  - 82\nEP  - 90\nER  - \n", "ris")
    assert article.pages == "82-90" and "number-of-pages" not in article.variables
    diagnostics: list = []
    ris = converters.dumps(converters.loads("@book{b, title={B}, pagetotal={528}, pages={1--10}}", "biblatex"),
                           "ris", diagnostics=diagnostics)
    assert "SP  - 528\r\n" in ris and "EP  -" not in ris
    assert [(d.code, d.field) for d in diagnostics if d.code == "write.lost"] == [("write.lost", "pages")]
    # classic BibTeX's book with pages = {16} (Beebe's, thousands): the count, as Zotero reads it
    diagnostics = []
    book = converters.loads("@book{b, title={B}, pages={16}}", "bibtex").records
    ris = converters.dumps(book, "ris", diagnostics=diagnostics)
    assert "SP  - 16\r\n" in ris and not [d for d in diagnostics if d.code == "write.lost"]
    (back,) = converters.loads(ris, "ris")
    assert back.variables["number-of-pages"].value == "16"
    for count in ("xii + 340", "16 + 4"):  # front matter and body, as Beebe's books give them
        book = converters.loads(f"@book{{b, title={{B}}, pages={{{count}}}}}", "bibtex").records
        assert f"SP  - {count}\r\n" in converters.dumps(book, "ris")


def test_a_season_travels_in_the_other_part_of_da_both_ways():
    diagnostics: list = []
    record = converters.loads("@article{k, title={T}, journal={J}, year=1969, month={Spring}}", "bibtex").records
    ris = converters.dumps(record, "ris", diagnostics=diagnostics)
    assert "PY  - 1969\r\nDA  - 1969///Spring\r\n" in ris and not diagnostics
    (back,) = converters.loads(ris, "ris")
    assert back.issued == record[0].issued == Date(1969, season=1)
    ranged = converters.loads("@article{k, title={T}, date={1969-21/1970-22}}", "biblatex").records
    converters.dumps(ranged, "ris", diagnostics=diagnostics)
    assert [(d.code, d.field) for d in diagnostics] == [("write.lost", "issued")]  # the end of the range


def test_a_patents_country_is_c3():
    ris = converters.dumps(converters.loads("@patent{p, title={P}, location={countryfr}, number={1}}", "biblatex"),
                           "ris")
    assert "C3  - France\r\n" in ris
    (back,) = converters.loads(ris, "ris")
    assert back.variables["jurisdiction"].plain() == "France"


def test_a_conference_papers_t2_is_the_conference_when_c3_holds_the_proceedings():
    # Zotero's conferencePaper (T2 conferenceName, C3 proceedingsTitle) and the RIS spec's CONF
    record = _read_one(_ris("CPAPER", "T2  - TUG 2024", "C3  - Proceedings of TUG 2024", "C1  - Prague"))
    assert record.container_title == Text("Proceedings of TUG 2024")
    assert record.variables["event-title"] == Text("TUG 2024")
    assert record.variables["event-place"] == Text("Prague") and not record.extras
    # a lone T2 is the proceedings, as other exporters write it
    assert _read_one(_ris("CPAPER", "T2  - Proceedings of TUG 2024")).container_title == Text("Proceedings of TUG 2024")


def test_a_conference_paper_with_an_event_title_is_written_in_zoteros_shape_and_comes_back():
    record = Record(type="paper-conference", title=Text("A paper"), container_title=Text("Proceedings of TUG 2024"),
                    variables={"event-title": Text("TUG 2024"), "event-place": Text("Prague")})
    diagnostics: list = []
    written = converters.dumps([record], "ris", diagnostics=diagnostics)
    assert "T2  - TUG 2024\r\n" in written and "C3  - Proceedings of TUG 2024\r\n" in written
    assert not [d for d in diagnostics if d.code == "write.lost"]
    assert _read_one(written) == record
    (entry,) = rispy.loads(written)
    assert (entry["secondary_title"], entry["custom3"]) == ("TUG 2024", "Proceedings of TUG 2024")
    # without proceedings a lone T2 would read back as them: the event title is reported instead
    alone = Record(type="paper-conference", title=Text("A paper"), variables={"event-title": Text("TUG 2024")})
    diagnostics = []
    assert "TUG 2024" not in converters.dumps([alone], "ris", diagnostics=diagnostics)
    assert [d.field for d in diagnostics if d.code == "write.lost"] == ["event-title"]


def test_web_of_sciences_publisher_city_iso_abbreviation_and_month_day_are_read():
    # Web of Science's RIS: PU/PI instead of PB/CY, JI the ISO abbreviation, DA without the year
    record = _read_one(_ris("JOUR", "T2  - PLOS ONE", "PU  - PUBLIC LIBRARY SCIENCE", "PI  - SAN FRANCISCO",
                            "J9  - PLOS ONE", "JI  - PLoS One", "DA  - SEP 22", "PY  - 2010"))
    assert (record.publisher, record.publisher_place) == ("PUBLIC LIBRARY SCIENCE", "SAN FRANCISCO")
    assert record.variables["container-title-short"] == Text("PLoS One")
    assert record.issued == Date(2010, 9, 22)
    assert text_keyed(record.extras) == {"ris:J9": "PLOS ONE"}  # its own 29-character abbreviation
    month = _read_one(_ris("JOUR", "DA  - DEC", "PY  - 2016"))
    assert month.issued == Date(2016, 12) and not month.extras
    assert _read_one(_ris("JOUR", "DA  - FEB 29", "PY  - 2012")).issued == Date(2012, 2, 29)
    no_such_day = _read_one(_ris("JOUR", "DA  - FEB 30", "PY  - 2012"))  # kept as the source wrote it
    assert no_such_day.issued == Date(2012) and no_such_day.extras[Extra("ris", "DA")] == "FEB 30"
    # PB and CY, where given, win; a differing PU is kept
    both = _read_one(_ris("BOOK", "PB  - Springer", "PU  - SPRINGER NATURE"))
    assert both.publisher == "Springer" and both.extras[Extra("ris", "PU")] == "SPRINGER NATURE"


def test_a_journal_articles_c7_is_its_article_number():
    record = _read_one(_ris("JOUR", "T2  - PLOS ONE", "IS  - 9", "C7  - e12292"))
    assert (record.issue, record.number) == ("9", "e12292") and not record.extras
    assert "M1  - e12292" in converters.dumps([record], "ris")  # written where every importer reads it
    assert _read_one(_ris("JOUR", "M1  - 7", "C7  - e12292")).extras[Extra("ris", "C7")] == "e12292"  # M1 first
    assert _read_one(_ris("BOOK", "C7  - x")).extras[Extra("ris", "C7")] == "x"  # other types: kept


# --- AD and L1: the record's affiliations and attachments ------------------------------------


def test_ad_lines_are_the_records_affiliations_and_l1_lines_its_files():
    text = ("TY  - JOUR\r\nTI  - T\r\nAU  - Bee, Ann\r\nAD  - University of Alaska Museum, Fairbanks\r\n"
            "AD  - University of Reading\r\nL1  - internal-pdf://1234/bee.pdf\r\nL1  - file:///home/ann/b.pdf\r\n"
            "ER  - \r\n")
    (record,) = converters.loads(text, "ris")
    assert record.affiliations == ("University of Alaska Museum, Fairbanks", "University of Reading")
    assert record.attachments == (Attachment("internal-pdf://1234/bee.pdf"), Attachment("file:///home/ann/b.pdf"))
    assert record.authors[0].affiliation == ()  # (whose, a list of institutions cannot say)
    assert not record.extras
    diagnostics: list = []
    assert converters.dumps([record], "ris", diagnostics=diagnostics) == text  # as it was
    assert not diagnostics
    assert rispy.loads(text)[0]["author_address"] == "University of Alaska Museum, Fairbanks"


def test_names_affiliations_go_to_ad_each_once_as_scopus_writes_them_and_the_move_is_said():
    record = Record(type="article-journal", title=Text("T"),
                    authors=(Name(family="Bee", affiliation=("MIT", "CERN")), Name(family="Dee", affiliation=("MIT",))))
    diagnostics: list = []
    text = converters.dumps([record], "ris", diagnostics=diagnostics)
    assert text.count("AD  - ") == 2 and "AD  - MIT\r\nAD  - CERN\r\n" in text
    assert [(d.code, d.field) for d in diagnostics] == [("write.moved", "name affiliation")]
    (back,) = converters.loads(text, "ris")
    assert back.affiliations == ("MIT", "CERN")
