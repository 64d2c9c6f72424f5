"""The arXiv-listing reader: the layout, its variants, malformed input, real metadata."""

from __future__ import annotations

import email.utils
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import converters
from converters.extras import Extra
from converters.model import Date, Name, Syntax, Text

from .abs_listing import parse_abs, render_abs
from .shared import shared_files, shared_path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "listing"


def read(text: str, **options):
    return converters.loads(text, "arxiv-listing", **options)


def record_text(*, header: tuple[str, str] | None = None, abstract: str = "An abstract.", comments: str | None = None,
                trailer: str = "arXiv:2101.00001\nCreated: 2021-01-04") -> str:
    parts = ["\n".join(header)] if header else []
    parts.append(abstract)
    if comments:
        parts.append(comments)
    parts.append(trailer)
    return "\n\n".join(parts)


# --- the shared sample ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_sample():
    return converters.load(shared_path("samples", "arxiv-listing.txt"))


def test_shared_sample_reads_nine_records_without_problems(shared_sample):
    assert len(shared_sample) == 9
    assert shared_sample.ok
    assert [d for d in shared_sample.diagnostics if d.severity != "info"] == []
    assert [r.ids.arxiv for r in shared_sample] == [
        "2501.12948", "2501.04520", "2412.12557", "2208.03483", "2108.00837",
        "2008.11674", "1810.07623", "1705.02349", "1011.1071",
    ]


def test_deepseek_record_keeps_title_and_all_199_authors_in_order(shared_sample):
    record = shared_sample[0]
    assert record.title == Text(
        "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning", Syntax.TEX)
    line = shared_path("samples", "arxiv-listing.txt").read_text(encoding="utf-8").splitlines()[1]
    expected = [n.strip() for n in line.split(",")]
    assert len(expected) == 199 and len(record.authors) == 199
    assert [a.display() for a in record.authors] == expected
    # the first name is passed through as given, never "repaired"
    assert record.authors[0] == Name(family="DeepSeek-AI", given="Daya")
    assert Name(family="Wu", given="Z. F.") in record.authors


def test_every_record_has_id_url_date_and_the_doi_where_given(shared_sample):
    for record in shared_sample:
        assert record.ids.arxiv and record.ids.primary_url == f"https://arxiv.org/abs/{record.ids.arxiv}"
        assert record.issued is not None and record.issued.day is not None
    by_id = {r.ids.arxiv: r for r in shared_sample}
    assert by_id["2412.12557"].ids.doi == ("10.1016/j.physrep.2024.10.008",)
    assert by_id["2412.12557"].primary_doi == "10.1016/j.physrep.2024.10.008"
    assert by_id["2501.04520"].primary_doi == "10.48550/arXiv.2501.04520"
    assert by_id["2501.04520"].issued == Date(2025, 1, 8)


def test_comments_land_in_the_note(shared_sample):
    by_id = {r.ids.arxiv: r for r in shared_sample}
    assert by_id["1705.02349"].note == Text("13 pages, 9 figures, to appear in Phys. Rev. X", Syntax.TEX)
    assert by_id["2008.11674"].note.value == "13 pages, 5 figures"
    assert by_id["2501.04520"].note is None


# --- layout variants -----------------------------------------------------------------


def test_header_title_and_authors_are_read():
    result = read(record_text(header=("A {\\\"o} title with $x^2$", "Ann Lee, Bo Chen")))
    record = result[0]
    assert record.title == Text("A {\\\"o} title with $x^2$", Syntax.TEX)
    assert record.authors == (Name(family="Lee", given="Ann"), Name(family="Chen", given="Bo"))
    assert record.abstract == Text("An abstract.", Syntax.TEX)


def test_without_header_the_first_paragraph_is_the_abstract():
    record = read(record_text(comments="5 pages"))[0]
    assert record.title is None and record.authors == ()
    assert record.abstract.value == "An abstract."
    assert record.note.value == "5 pages"


def test_a_two_line_abstract_is_not_mistaken_for_a_header():
    abstract = "We show that the thing holds. It is a long sentence that\nwraps onto a second line and ends here."
    record = read(record_text(abstract=abstract, comments="3 pages"))[0]
    assert record.title is None
    assert record.abstract.value == abstract.replace("\n", " ")


def test_wrapped_abstract_lines_are_joined_with_spaces():
    record = read(record_text(header=("T", "Ann Lee"), abstract="one\ntwo\nthree"))[0]
    assert record.abstract.value == "one two three"


def test_crlf_no_final_newline_and_bom_are_accepted():
    text = "\ufeff" + record_text(header=("Title", "Ann Lee"), comments="c") + "\n\n" + record_text()
    crlf = text.replace("\n", "\r\n")
    for variant in (text, crlf, text + "\n", crlf + "\r\n"):
        result = read(variant)
        assert result.ok and len(result) == 2
        assert result[0].title.value == "Title" and result[0].note.value == "c"


def test_doi_one_or_several_with_prefixes_stripped():
    trailer = ("arXiv:0704.0033 - doi: 10.1364/JOSAA.23.002578 https://doi.org/10.1364/JOSAA.32.002407\n"
               "Created: 2007-03-31")
    record = read(record_text(trailer=trailer))[0]
    assert record.ids.doi == ("10.1364/JOSAA.23.002578", "10.1364/JOSAA.32.002407")
    assert record.dois[-1] == "10.48550/arXiv.0704.0033"


@pytest.mark.parametrize(
    ("written", "arxiv", "version", "subject"),
    [
        ("2501.12948", "2501.12948", None, None),
        ("2501.12948v3", "2501.12948", 3, None),
        ("0704.0001v2", "0704.0001", 2, None),
        ("hep-th/9711200v3", "hep-th/9711200", 3, "hep-th"),
        ("math.CA/0611800v2", "math/0611800", 2, "math.CA"),
        ("cond-mat/9912345", "cond-mat/9912345", None, "cond-mat"),
    ],
)
def test_old_and_new_style_ids_with_versions(written, arxiv, version, subject):
    record = read(record_text(trailer=f"arXiv:{written}\nCreated: 2001-01-01"))[0]
    assert record.ids.arxiv == arxiv
    assert record.ids.arxiv_version == version
    assert record.ids.arxiv_class == subject


def test_unknown_trailer_lines_are_kept_in_extras_and_categories_become_keywords():
    trailer = ("arXiv:0704.0001\nJournal-ref: Phys.Rev.D76:013009,2007\nCategories: hep-ph hep-ex\n"
               "License: http://creativecommons.org/licenses/by/4.0/\nMSC-class: 81C05\nCreated: 2007-04-02")
    record = read(record_text(trailer=trailer))[0]
    assert record.extras[Extra("arxiv", "journal-ref")] == "Phys.Rev.D76:013009,2007"
    assert record.extras[Extra("arxiv", "license")] == "http://creativecommons.org/licenses/by/4.0/"
    assert record.extras[Extra("arxiv", "msc-class")] == "81C05"
    assert record.keywords == ("hep-ph", "hep-ex")
    assert record.ids.arxiv_class == "hep-ph"


@pytest.mark.parametrize(
    "authors",
    ["DeepSeek-AI", "ATLAS Collaboration", "The LIGO Scientific Collaboration", "Event Horizon Telescope Consortium"],
)
def test_organisation_authors_are_literal(authors):
    record = read(record_text(header=("Title", f"{authors}, Ann Lee")))[0]
    assert record.authors[0] == Name(literal=authors)
    assert record.authors[1] == Name(family="Lee", given="Ann")


def test_author_line_with_and_particles_suffixes_and_tex_accents():
    line = "C. Bal\\'azs, Ludwig van Beethoven, John Smith Jr., R. Tom\\`as and J. W. F. Valle"
    record = read(record_text(header=("Title", line)))[0]
    assert record.authors == (
        Name(family="Balázs", given="C."),
        Name(family="Beethoven", given="Ludwig", non_dropping_particle="van"),
        Name(family="Smith", given="John", suffix="Jr."),
        Name(family="Tomàs", given="R."),
        Name(family="Valle", given="J. W. F."),
    )


def test_trailer_fixture_files_pin_the_layout():
    """Each fixture holds records with their expected ids in a comment-free companion."""
    result = converters.load(FIXTURES / "every-layout-variant.txt")
    assert result.ok, [d.render() for d in result.errors]
    assert [r.ids.arxiv for r in result] == ["2101.00001", "2101.00002", "2101.00003", "2101.00004"]
    assert [bool(r.title) for r in result] == [True, False, True, False]
    assert [r.note.value if r.note else None for r in result] == ["7 pages", "2 figures", None, None]


# --- malformed input: a diagnostic with line and record, the rest still converts -----

GOOD_A = "First abstract.\n\narXiv:2101.00001\nCreated: 2021-01-01"
GOOD_B = "Last abstract.\n\narXiv:2101.00009\nCreated: 2021-01-09"


@pytest.mark.parametrize(
    ("bad", "code", "line", "key"),
    [
        ("Middle abstract.\n\narXiv:2101.00005", "listing.missing-created", 8, "arXiv:2101.00005"),
        ("Middle abstract.\n\narXiv:2113.00005\nCreated: 2021-01-05", "listing.bad-id", 8, "arXiv:2113.00005"),
        ("Middle abstract.\n\narXiv:not-an-id\nCreated: 2021-01-05", "listing.bad-id", 8, "arXiv:not-an-id"),
        ("Middle abstract.\n\narXiv:2101.00005\nCreated: 2021-02-30", "listing.bad-date", 9, "arXiv:2101.00005"),
        ("Middle abstract.\n\narXiv:2101.00005\nCreated: 5 Jan 2021", "listing.bad-date", 9, "arXiv:2101.00005"),
        # no id: no key (the previous record's would send a reader to the wrong record); the line says where
        ("Middle abstract.\n\nCreated: 2021-01-05", "listing.missing-id", 6, None),
    ],
)
def test_a_broken_record_between_good_neighbours(bad, code, line, key):
    result = read(f"{GOOD_A}\n\n{bad}\n\n{GOOD_B}")
    errors = result.errors
    assert len(errors) == 1, [d.render() for d in result.diagnostics]
    assert (errors[0].code, errors[0].line, errors[0].key) == (code, line, key)
    assert [r.ids.arxiv for r in result] == ["2101.00001", "2101.00009"]
    assert result.failed == 1


def test_bad_date_points_at_the_date_column():
    result = read("Abstract.\n\narXiv:2101.00005\nCreated: 2021-13-01")
    assert result.errors[0].column == len("Created: ") + 1


def test_truncated_last_record_is_reported_and_the_others_kept():
    result = read(f"{GOOD_A}\n\nAn abstract that never ends\n\narXiv:2101.00002")
    assert [r.ids.arxiv for r in result] == ["2101.00001"]
    (error,) = result.errors
    assert error.code == "listing.truncated" and error.line == 6 and error.key == "arXiv:2101.00002"


# An abstract wrapped so that a line starts with a reference was cut there: the line was
# taken for the record's id, the record before it failed ("no Created: line") and the
# paper lost its title, authors and abstract
@pytest.mark.parametrize("abstract", [
    "We extend the results of\narXiv:2012.00001 to the case of\nmany things.",
    "We extend the results of\narXiv:2012.00001",  # its last line: another arXiv: line comes before Created:
    "We extend the results, see\narXiv:2012.00001 and arXiv:2012.00002.",
])
@pytest.mark.parametrize("comments", [None, "13 pages"])
def test_an_abstract_line_starting_with_an_arxiv_reference_is_abstract_text(abstract, comments):
    result = read(record_text(header=("A title", "A. Author"), abstract=abstract, comments=comments) + "\n\n"
                  + record_text(header=("Another", "B. Bee"), trailer="arXiv:2101.00002\nCreated: 2021-01-04"))
    assert result.ok and [d for d in result.diagnostics if d.severity != "info"] == []
    first, second = result.records
    assert (first.ids.arxiv, first.title.plain(), first.abstract.value) == ("2101.00001", "A title",
                                                                             " ".join(abstract.split()))
    assert (second.ids.arxiv, second.title.plain()) == ("2101.00002", "Another")
    assert (first.note.plain() if first.note else None) == comments


# found by fuzzing the new id-line rule: a second arXiv: line in the paragraph of a record's id
# (no Created: between) raised IndexError; it is the next record's id, as it always was
def test_a_second_arxiv_line_after_an_id_in_one_paragraph_is_the_next_records_id():
    result = read("An abstract.\n\narXiv:2101.00001\narXiv:2101.00002\nCreated: 2021-01-04\n")
    assert [(d.code, d.line) for d in result.errors] == [("listing.missing-created", 3)]
    assert [r.ids.arxiv for r in result] == ["2101.00002"]


@pytest.mark.parametrize("text", ["An abstract.\narXiv:2101.00001\nCreated: 2021-01-04",  # no blank line before it
                                  "An abstract.\narXiv:2101.00001\n\nCreated: 2021-01-04"])
def test_an_id_line_ending_the_abstract_paragraph_is_still_the_id(text):
    (record,) = read(text)
    assert record.ids.arxiv == "2101.00001" and record.abstract.value == "An abstract."


def test_stray_text_is_a_warning_with_position_and_kept():
    result = read("Abstract.\n\narXiv:2101.00005 (see also)\nsome stray words\nCreated: 2021-01-05")
    assert result.ok and len(result) == 1
    stray = [d for d in result.diagnostics if d.code == "listing.stray-text"]
    assert [(d.line, d.column) for d in stray] == [(3, 17), (4, 1)]
    assert result[0].extras[Extra("arxiv", "unparsed")] == "(see also)\nsome stray words"


def test_bad_doi_is_kept_and_reported():
    result = read("Abstract.\n\narXiv:2101.00005 - doi: not-a-doi\nCreated: 2021-01-05")
    assert result.ok
    assert result[0].ids.doi == ("not-a-doi",)
    assert [d.code for d in result.diagnostics if d.severity == "warning"] == ["listing.bad-doi"]


def test_extra_paragraphs_are_reported_not_dropped():
    result = read("Title\nAnn Lee\n\nPart one.\n\nPart two.\n\n5 pages\n\narXiv:2101.00005\nCreated: 2021-01-05")
    record = result[0]
    assert record.abstract.value == "Part one.\n\nPart two."
    assert record.note.value == "5 pages"
    assert [d.code for d in result.diagnostics if d.severity == "warning"] == ["listing.extra-paragraphs"]


def test_empty_input_gives_no_records_and_no_errors():
    result = read("")
    assert len(result) == 0 and result.ok


# --- listings rendered from arXiv's own .abs metadata ------------------------------------


@pytest.fixture(scope="module")
def rendered_from_abs():
    paths = [p for p in shared_files("corpus/arxiv/abs-files", "*.abs") if "/orig/" not in str(p)]
    if not paths:
        pytest.skip("../shared/corpus/arxiv/abs-files is absent")
    rendered = [(r, f["id"], f.get("DOI", "")) for f in map(parse_abs, paths) if f and (r := render_abs(f))]
    text = "\n\n".join(r.text(arxiv_id) for r, arxiv_id, _ in rendered)
    expected = [{"id": arxiv_id, "date": r.created, "title": r.title if r.authors else None, "comments": r.comments,
                 "dois": dois.split(), "authors": r.authors} for r, arxiv_id, dois in rendered]
    return text, expected


def test_hundreds_of_real_records_read_back_exactly(rendered_from_abs):
    text, expected = rendered_from_abs
    assert len(expected) > 300
    result = read(text)
    assert result.ok, [d.render() for d in result.errors[:5]]
    assert len(result) == len(expected)
    old_style = multi_doi = with_tex = long_comments = 0
    for record, expect in zip(result, expected, strict=True):
        arxiv_id = expect["id"]
        assert f"{record.ids.arxiv}" in arxiv_id or arxiv_id.startswith(record.ids.arxiv.split("/")[0])
        assert record.issued == Date(expect["date"].year, expect["date"].month, expect["date"].day)
        assert (record.title.value if record.title else None) == expect["title"], arxiv_id
        assert (record.note.value if record.note else None) == expect["comments"], arxiv_id
        assert list(record.ids.doi) == expect["dois"], arxiv_id
        if expect["authors"]:
            assert len(record.authors) >= 1
        old_style += "/" in record.ids.arxiv
        multi_doi += len(record.ids.doi) > 1
        with_tex += "$" in record.abstract.value or "\\" in record.abstract.value
        long_comments += bool(record.note) and len(record.note.value) > 150
    # the corpus exercises what the issue names: old-style ids, TeX in abstracts,
    # long comments and several DOIs (counts measured on the shared corpus)
    assert old_style >= 40 and with_tex >= 200 and long_comments >= 50 and multi_doi >= 2


def test_real_records_write_valid_output_in_every_format(rendered_from_abs):
    from .validators import assert_valid_csl, assert_valid_jats, parse_bibtex, parse_ris

    text, _ = rendered_from_abs
    records = list(read(text))
    assert len(assert_valid_csl(converters.dumps(records, "csl-json"))) == len(records)
    assert_valid_jats(converters.dumps(records, "jats"))
    assert len(parse_bibtex(converters.dumps(records, "bibtex")).entries) == len(records)
    assert len(parse_bibtex(converters.dumps(records, "biblatex")).entries) == len(records)
    assert len(parse_ris(converters.dumps(records, "ris"))) == len(records)


def test_glued_initials_are_a_person_not_an_organisation():
    record = read(record_text(header=("Title", "A.O.Barvinsky, G.-B. Lee")))[0]
    assert record.authors == (Name(family="Barvinsky", given="A. O."), Name(family="Lee", given="G.-B."))


def test_diagnostics_of_a_loaded_file_name_the_file(tmp_path):
    source = tmp_path / "listing.txt"
    source.write_text("Abstract.\n\narXiv:bad\nCreated: 2021-01-01\n", encoding="utf-8")
    (error,) = converters.load(source).errors
    assert error.source == str(source)


# --- one paper, two sources: the listing and the .abs file give the same record -----------

# .abs lines the listing layout has no place for (its trailer takes any other "Key: value")
_ABS_ONLY = {Extra("arxiv", "versions"), Extra("arxiv", "submitter")}
_TRAILERS = ("Journal-ref", "Report-no", "Categories", "MSC-class", "ACM-class", "License", "Proxy")


def _abstract(path: Path) -> str:
    """What lies between the second separator line and the last (parse_abs splits at any
    "\\\\", which an abstract may hold as a TeX line break: 2103.11058's align)."""
    raw = path.read_bytes()
    text = raw.decode("latin-1" if "latin" in path.name else "utf-8")
    parts = re.split(r"(?m)^(\\\\[ \t]*\r?)$", text)  # text, separator, text, separator, ...
    return "".join(parts[4:-2] if len(parts) > 6 else parts[4:])


def _as_listing(fields: dict, abstract: str, version: int | None) -> str | None:
    """The .abs fields as one listing record, every line the layout can hold, as given
    (authors with their affiliations, TeX untouched)."""
    if "id" not in fields or "Date" not in fields or "Title" not in fields or not abstract.strip():
        return None
    created = email.utils.parsedate_to_datetime(re.sub(r"\s*\(.*$", "", fields["Date"])).date()
    paragraphs = [" ".join(fields["Title"].split()) + "\n" + " ".join(fields.get("Authors", "").split()),
                  " ".join(abstract.split())]
    if fields.get("Comments"):
        paragraphs.append(" ".join(fields["Comments"].split()))
    arxiv = f"arXiv:{fields['id']}" + (f"v{version}" if version else "")
    if fields.get("DOI"):
        arxiv += f" - doi: {fields['DOI']}"
    trailer = [f"{key}: {' '.join(fields[key].split())}" for key in _TRAILERS if fields.get(key)]
    return "\n\n".join(paragraphs) + "\n\n" + "\n".join([arxiv, *trailer, f"Created: {created.isoformat()}"]) + "\n"


def test_a_paper_from_its_listing_and_from_its_abs_file_gives_the_same_record():
    """Both readers hand their values to the one arXiv builder (arxiv/common.py), so every
    field agrees: title, authors and affiliations, abstract, comments, ids and DOIs, the
    parsed Journal-ref, report number, categories, dates and the extras. Only what the
    listing has no line for (version history, submitter) is the .abs file's alone; an
    abstract's paragraph breaks cannot be told from the comments paragraph in a listing,
    so abstracts are compared with white space normalised."""
    paths = [p for p in shared_files("corpus/arxiv/abs-files", "*.abs") if "/orig/" not in str(p)]
    if not paths:
        pytest.skip("../shared/corpus/arxiv/abs-files is absent")
    compared = 0
    for path in paths:
        from_abs = converters.load(path, "arxiv-abs", encoding="latin-1" if "latin" in path.name else "utf-8")
        fields = parse_abs(path)
        text = fields and len(from_abs) == 1 and _as_listing(fields, _abstract(path), from_abs[0].ids.arxiv_version)
        if not text:
            continue
        result = converters.loads(text, "arxiv-listing")
        assert len(result) == 1, (path.name, [d.render() for d in result.diagnostics])
        listing, abs_record = result[0], from_abs[0]
        assert " ".join(listing.abstract.value.split()) == " ".join(abs_record.abstract.value.split()), path.name
        assert listing.abstract.syntax == abs_record.abstract.syntax
        expected = abs_record.evolve(abstract=listing.abstract,
                                     extras={k: v for k, v in abs_record.extras.items() if k not in _ABS_ONLY})
        assert listing == expected, path.name
        compared += 1
    assert compared > 600  # of the 689 files (the others lack a title, date or abstract)


# --- arXiv: lines inside abstracts, at any place of the wrapping (property) -----------------

_WORDS = st.lists(st.sampled_from(["we", "show", "results", "of", "the", "model", "see", "also", "(2020)."]),
                  min_size=1, max_size=5).map(" ".join)
_REFERENCE = st.builds(lambda n, tail: f"arXiv:2012.{n:05d}{tail}", st.integers(1, 99999),
                       st.sampled_from(["", ".", ",", " for details.", " and later work"]))
_ABSTRACT_LINE = st.one_of(_WORDS, _REFERENCE, st.builds("{} {}".format, _REFERENCE, _WORDS))


@given(st.lists(st.tuples(st.lists(_ABSTRACT_LINE, min_size=1, max_size=4).filter(
           lambda lines: not lines[0].startswith("arXiv:")),  # (a paragraph opening with an id line is one)
                          st.booleans()), min_size=1, max_size=3))
def test_abstracts_wrapped_at_any_arxiv_reference_keep_every_record_and_word(papers):
    """Each paper: a header, an abstract whose lines may begin with an arXiv reference, maybe a
    comments paragraph, then its id and Created: every record is read, with all its words."""
    text = "\n\n".join(
        f"Title {i}\nAnn Lee, Bo Roe\n\n" + "\n".join(lines) + ("\n\n9 pages" if comments else "")
        + f"\n\narXiv:2101.{i + 1:05d}\nCreated: 2021-01-04"
        for i, (lines, comments) in enumerate(papers))
    result = read(text)
    assert result.ok and [d for d in result.diagnostics if d.severity != "info"] == []
    assert [r.ids.arxiv for r in result] == [f"2101.{i + 1:05d}" for i in range(len(papers))]
    for record, (lines, comments) in zip(result, papers, strict=True):
        assert record.abstract.value == " ".join(" ".join(lines).split())
        assert (record.note.plain() if record.note else None) == ("9 pages" if comments else None)
