"""The arXiv source readers on small fixtures with hand-checked values.

Fixtures (tests/fixtures/arxiv) are in arXiv's own shapes with real bibliographic
facts and our own abstracts. Corpus-wide checks are in test_arxiv_corpus.py.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import converters.serialize
from converters import registry
from converters.cli import main
from converters.extras import Extra
from converters.formats.arxiv.authors import name_from_parts, parse_author_string
from converters.formats.arxiv.common import normalise_abstract
from converters.formats.arxiv.journal_ref import parse_journal_ref
from converters.model import Date, Name, Syntax, Text

from .shared import shared_files
from .validators import assert_valid_csl, assert_valid_jats, parse_bibtex, parse_ris

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "arxiv"

def affiliation_lines_of(record) -> str:
    """The authors' affiliations as the arXiv readers kept them before they went onto the
    names ("Name: affiliation; affiliation" a line), with any the names could not take."""
    lines = [f"{n.display()}: {'; '.join(n.affiliation)}" for n in record.authors if n.affiliation]
    if Extra("arxiv", "affiliations") in record.extras:
        lines.append(record.extras[Extra("arxiv", "affiliations")])
    return "\n".join(lines)


def plain_names(names) -> tuple:
    """The names without their affiliations (asserted on their own)."""
    return tuple(replace(n, affiliation=()) for n in names)



def load(name: str, **kwargs):
    return converters.load(FIXTURES / name, **kwargs)


def codes(result, severity: str | None = None) -> list[str]:
    return [d.code for d in result.diagnostics
            if d.code != "read.detected" and (severity is None or d.severity == severity)]


# --- journal references -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    # compact: Journal Vol:Pages,Year (arXiv's normalised form)
    ("Phys.Rev.D76:013009,2007", ("Phys.Rev.D", "76", None, "013009", 2007, "compact")),
    ("JHEP 0705:034,2007", ("JHEP", "0705", None, "034", 2007, "compact")),
    ("Class.Quant.Grav.24:S541-S550,2007", ("Class.Quant.Grav.", "24", None, "S541-S550", 2007, "compact")),
    # comma: Journal Vol, Pages (Year)
    ("Phys. Rev. D 76, 013009 (2007)", ("Phys. Rev. D", "76", None, "013009", 2007, "comma")),
    ("Phys. Rev. B77, 075325 (2008)", ("Phys. Rev. B", "77", None, "075325", 2008, "comma")),
    ("Phys. Rev. B 75, 134405 (2007).", ("Phys. Rev. B", "75", None, "134405", 2007, "comma")),
    ("ApJ, Vol. 540, p. 468-473 (2000)", ("ApJ", "540", None, "468-473", 2000, "comma")),
    # year: Journal Vol (Year) [no. N,] Pages
    ("J. Phys. A 40 (2007) 1234-1250", ("J. Phys. A", "40", None, "1234-1250", 2007, "year")),
    ("Astrophys.J. 444 (1995) L25", ("Astrophys.J.", "444", None, "L25", 1995, "year")),
    ("J. Phys.: Condens. Matter 20 (2008) 055214", ("J. Phys.: Condens. Matter", "20", None, "055214", 2008, "year")),
    ("Math. Res. Lett. 15 (2008), no. 2, 351--358", ("Math. Res. Lett.", "15", "2", "351-358", 2008, "year")),
    ("Comm. Math. Helv. 84 (2009), No. 2, pp. 259--296.", ("Comm. Math. Helv.", "84", "2", "259-296", 2009, "year")),
    ("Modelling and Simulation in Materials Science and Engineering 15\n  (2007), 295",
     ("Modelling and Simulation in Materials Science and Engineering", "15", None, "295", 2007, "year")),
])
def test_unambiguous_journal_refs_are_structured(text, expected):
    ref = parse_journal_ref(text)
    assert ref is not None
    assert (ref.journal, ref.volume, ref.issue, ref.pages, ref.year, ref.pattern) == expected


@pytest.mark.parametrize("text", [
    "Adv.Theor.Math.Phys.2:231-252,1998; Int.J.Theor.Phys.38:1113-1133,1999",  # two references
    "J.Opt.Soc.Am.A 23, 2578-2591 (2006); Erratum: J.Opt.Soc.Am.A 32, 2407-2408 (2015)",
    "Erratum-ibid. 611 (2004) 1208",
    "in {\\em Lie algebras, cohomologies and new findings in quantum mechanics}, vol. 160, pp. 263--310, 1994",
    "SIGMA 19 (2023), 038, 17 pages",
    "Eur. Phys. J. - B, 22, 129-135 (2001)",
    "Journal of Theoretical Biology 247 (2007) 645?C649",
    "Proc. of the XXIst ICGTMP, 1017-1021 (1997)",
    "Phys. Rev. Lett. 99 (2007)",  # no pages
    "To appear in Phys. Rev. D",
    "J. Stat. Mech. (2007) P06012",  # no volume
])
def test_ambiguous_journal_refs_stay_verbatim_only(text):
    assert parse_journal_ref(text) is None


# --- author strings -----------------------------------------------------------------------


def test_numbered_affiliations_are_resolved_and_never_split_names():
    parsed = parse_author_string(
        "A. S. Mishchenko (1 and 2) and N. Nagaosa (1 and 3) ((1) CREST, Japan\n  Science and Technology "
        "Agency, (2) Russian Research Centre ``Kurchatov\n  Institute'', (3) The University of Tokyo)")
    assert parsed.names == [Name(family="Mishchenko", given="A. S."), Name(family="Nagaosa", given="N.")]
    assert parsed.affiliations == [
        ("A. S. Mishchenko",
         ["CREST, Japan Science and Technology Agency", "Russian Research Centre “Kurchatov Institute”"]),
        ("N. Nagaosa", ["CREST, Japan Science and Technology Agency", "The University of Tokyo"]),
    ]


def test_parenthesised_affiliations_with_commas_and_and_stay_with_their_name():
    parsed = parse_author_string("Bozhidar Z. Iliev (Institute for Nuclear Research and Nuclear Energy,\n"
                                 "  Bulgarian Academy of Sciences, Sofia, Bulgaria), Ann Lee")
    assert [n.display() for n in parsed.names] == ["Bozhidar Z. Iliev", "Ann Lee"]
    assert parsed.affiliations == [("Bozhidar Z. Iliev", [
        "Institute for Nuclear Research and Nuclear Energy, Bulgarian Academy of Sciences, Sofia, Bulgaria"])]


def test_tex_names_organisations_et_al_and_suffixes():
    parsed = parse_author_string("The BABAR Collaboration, C. Bal\\'azs, Neal J. Evans II, John Smith, Jr., et al")
    assert parsed.names == [
        Name(literal="The BABAR Collaboration"),
        Name(family="Balázs", given="C."),
        Name(family="Evans", given="Neal J.", suffix="II"),
        Name(family="Smith", given="John", suffix="Jr."),
    ]
    assert parsed.etal


def test_glued_initials_are_a_person_not_an_organisation():
    assert parse_author_string("A.O.Barvinsky").names == [Name(family="Barvinsky", given="A.O.")]


def test_unclosed_affiliation_block_is_closed_with_a_problem_reported():
    parsed = parse_author_string("Paolo Molaro (1), Sergei Levshakov (2) ((1) Trieste, (2) Ioffe Institute")
    assert [a for _, a in parsed.affiliations] == [["Trieste"], ["Ioffe Institute"]]
    assert parsed.problems == ["1 unclosed '(' in the author list; closed at the end"]


@pytest.mark.parametrize(("parts", "expected"), [
    (("van der Tak", "Floris", ""), Name(family="Tak", given="Floris", non_dropping_particle="van der")),
    (("The BABAR Collaboration", "", ""), Name(literal="The BABAR Collaboration")),
    (("Sudha", "", ""), Name(literal="Sudha")),  # as the display splitter reads a single word
    (("Evans", "Neal J.", "II"), Name(family="Evans", given="Neal J.", suffix="II")),
    (("Bal\\'azs", "C.", ""), Name(family="Balázs", given="C.")),
])
def test_names_given_in_parts(parts, expected):
    assert name_from_parts(*parts) == expected


def test_abstract_paragraphs_begin_at_indented_lines():
    text = "  First line\nwrapped here.\n  Second paragraph\nalso wrapped.\n"
    assert normalise_abstract(text) == "First line wrapped here.\n\nSecond paragraph also wrapped."


# --- arxiv-abs ------------------------------------------------------------------------------


def test_abs_old_style_id_revisions_affiliation_and_two_journal_refs():
    result = load("old-style-id-affiliation-two-journal-refs.abs")
    assert result.format == "arxiv-abs" and result.ok and codes(result) == []
    (record,) = result
    assert record.ids.arxiv == "hep-th/9711200"
    assert record.ids.arxiv_version == 3  # three Date lines
    assert record.ids.arxiv_class == "hep-th" and record.keywords == ("hep-th",)
    assert record.ids.doi == ("10.1023/A:1026654312961",)
    assert record.ids.derived_doi == "10.48550/arXiv.hep-th/9711200"
    assert record.issued == Date(1997, 11, 27)
    assert record.title == Text("The Large N Limit of Superconformal Field Theories and Supergravity", Syntax.TEX)
    assert plain_names(record.authors) == (Name(family="Maldacena", given="Juan M."),)
    assert record.number == "HUTP-97/A097"
    assert record.note == Text("20 pages, harvmac; fixture text written for refconv", Syntax.TEX)
    assert record.abstract.syntax is Syntax.TEX and "$AdS_5\\times S^5$" in record.abstract.value
    assert record.abstract.value.count("\n\n") == 1  # the indented line starts a second paragraph
    # two references: kept verbatim, not structured
    assert record.extras[Extra("arxiv", "journal-ref")] == (
        "Adv.Theor.Math.Phys.2:231-252,1998; Int.J.Theor.Phys.38:1113-1133,1999")
    assert record.container_title is None and record.volume is None
    assert affiliation_lines_of(record) == "Juan M. Maldacena: Harvard University"
    assert record.extras[Extra("arxiv", "submitter")] == "Juan Maldacena"
    assert record.extras[Extra("arxiv", "versions")] == (
        "v1 1997-11-27T23:08:06Z (35kb)\nv2 1998-01-05T22:40:34Z (36kb)\nv3 1998-01-22T22:09:55Z (36kb)")


def test_abs_scrambled_email_never_reaches_the_record():
    (record,) = load("old-style-id-affiliation-two-journal-refs.abs")
    dumped = json.dumps(converters.serialize.record_to_dict(record), ensure_ascii=False)
    assert "xxx" not in dumped and "@" not in dumped


def test_abs_new_style_id_several_dois_and_numbered_affiliations():
    (record,) = load("new-style-several-dois-numbered-affiliations.abs")
    assert record.ids.arxiv == "0704.0033" and record.ids.arxiv_version == 2
    assert record.ids.doi == ("10.1364/JOSAA.23.002578", "10.1364/JOSAA.32.002407")
    assert record.primary_doi == "10.1364/JOSAA.23.002578"
    assert record.issued == Date(2007, 3, 31)
    assert record.title.value == "Convergence of the discrete dipole approximation. I. Theoretical analysis"
    assert record.keywords == ("physics.optics", "physics.comp-ph") and record.ids.arxiv_class == "physics.optics"
    assert affiliation_lines_of(record) == (
        "Maxim A. Yurkin: Institute of Chemical Kinetics and Combustion, Novosibirsk; University of Amsterdam\n"
        "Valeri P. Maltsev: Institute of Chemical Kinetics and Combustion, Novosibirsk\n"
        "Alfons G. Hoekstra: University of Amsterdam")
    assert record.extras[Extra("arxiv", "license")] == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    # a reference with an erratum is two references: verbatim only
    assert record.extras[Extra("arxiv", "journal-ref")].startswith("J.Opt.Soc.Am.A 23, 2578-2591 (2006); Erratum:")
    assert record.container_title is None


def test_abs_latin1_file_is_an_encoding_error_by_default():
    result = load("latin1-encoded.abs")
    assert len(result) == 0 and result.failed == 1  # one record, one error per bad byte
    assert {d.code for d in result.errors} == {"read.encoding"} and len(result.errors) == 3


def test_abs_latin1_file_decodes_with_its_encoding():
    result = load("latin1-encoded.abs", encoding="latin-1")
    assert result.ok
    (record,) = result
    assert plain_names(record.authors)[0] == Name(family="Balázs", given="C.")
    assert "(été)" in record.abstract.value
    assert record.container_title == Text("Phys.Rev.D", Syntax.PLAIN)
    assert (record.volume, record.pages, record.extras[Extra("arxiv", "journal-year")]) == ("76", "013009", "2007")
    assert record.issued == Date(2007, 4, 2)  # the arXiv date, not the journal year


ABS_TEMPLATE = """------------------------------------------------------------------------------
\\\\
arXiv:{id}
From: A Person <xxxx@xxxx.xxx>
Date: {date}

Title: A title
Authors: A. Person
Categories: math.CO
DOI: {doi}
\\\\
  An abstract.
\\\\
"""


# 2103.11058's abstract holds an align whose rows end with TeX's \\\\ at a line's start: the
# abstract stopped at the first of them, and the rest of it (five equations and the closing
# sentences) was lost without a word
_ALIGN = "  We find \\begin{align}\n  a &= 1, \\\\\n\\\\\n  b &= 2,\n\\end{align} where the rest matters.\n"


@pytest.mark.parametrize("closing", ["\\\\\n", "\\\\\n\n", "\\\\ ( https://arxiv.org/abs/0704.0002 ,  5kb)\n"])
def test_an_abstract_line_starting_with_a_tex_line_break_does_not_end_it(closing):
    text = ABS_TEMPLATE.format(id="0704.0002", date="Mon, 2 Apr 2007 19:18:42 GMT", doi="10.1000/x")
    text = text.replace("  An abstract.\n\\\\\n", _ALIGN + closing)
    result = converters.loads(text, "arxiv-abs")
    (record,) = result
    assert record.abstract.value.endswith("\\end{align} where the rest matters.")
    assert "b &= 2" in record.abstract.value and not [d for d in result.diagnostics if d.severity != "info"]


def test_an_abstract_line_starting_with_a_tex_line_break_in_a_mailing_keeps_the_next_record():
    one = ABS_TEMPLATE.format(id="0704.0002", date="Mon, 2 Apr 2007 19:18:42 GMT", doi="10.1000/x")
    one = one.replace("  An abstract.\n", _ALIGN)
    two = ABS_TEMPLATE.format(id="0704.0003", date="Mon, 2 Apr 2007 19:18:42 GMT", doi="10.1000/y")
    records = converters.loads(one + two, "arxiv-mailing").records
    assert [r.ids.arxiv for r in records] == ["0704.0002", "0704.0003"]
    assert records[0].abstract.value.endswith("where the rest matters.")
    assert records[1].abstract.value == "An abstract."


def test_abs_bad_id_is_an_error_with_line_and_key():
    result = converters.loads(ABS_TEMPLATE.format(id="0713.0001", date="Mon, 2 Apr 2007 19:18:42 GMT",
                                                  doi="10.1000/x"), "arxiv-abs")
    assert len(result) == 0 and result.failed == 1
    (error,) = result.errors
    assert (error.code, error.line, error.key) == ("abs.bad-id", 3, "arXiv:0713.0001")


def test_abs_unreadable_date_falls_back_to_the_id_month_and_the_arxiv_doi_is_not_stored():
    result = converters.loads(ABS_TEMPLATE.format(id="0704.0002", date="sometime in spring",
                                                  doi="10.48550/arXiv.0704.0002"), "arxiv-abs")
    (record,) = result
    assert record.issued == Date(2007, 4)
    assert record.ids.doi == () and record.primary_doi == "10.48550/arXiv.0704.0002"
    assert {"abs.bad-date", "abs.issued-from-id", "abs.arxiv-doi"} <= set(codes(result))
    assert [d.line for d in result.diagnostics if d.code == "abs.bad-date"] == [5]


# --- arxiv-mailing ------------------------------------------------------------------------


def test_daily_mailing_new_cross_list_and_replacement():
    result = load("daily-mailing-new-cross-list-replacement.txt")
    assert result.format == "arxiv-mailing" and result.ok
    new, cross, replaced = result
    assert [r.ids.arxiv for r in result] == ["2303.08774", "2303.12712", "1706.03762"]
    assert plain_names(new.authors) == (Name(literal="OpenAI"),)
    assert new.issued == Date(2023, 3, 15) and new.ids.arxiv_version == 1
    assert new.abstract.value.startswith("Fixture abstract in our own words")
    assert Extra("arxiv", "announcement") not in new.extras
    assert cross.extras[Extra("arxiv", "announcement")] == "cross-list"
    assert plain_names(cross.authors)[0] == Name(family="Bubeck", given="Sébastien") and len(cross.authors) == 14
    assert replaced.extras[Extra("arxiv", "announcement")] == "replacement"
    assert replaced.extras[Extra("arxiv", "replaced")] == "2023-08-02T00:41:18Z (1124kb,D)"
    assert replaced.abstract is None and replaced.ids.arxiv_version is None
    assert replaced.issued == Date(2017, 6)  # only the id's month is known
    assert [(d.code, d.line) for d in result.diagnostics if d.code == "mailing.issued-from-id"] == [
        ("mailing.issued-from-id", 42)]


def test_monthly_listing_with_paper_headers_and_unnumbered_revisions():
    result = load("monthly-listing-paper-headers-no-abstracts.txt")
    assert result.format == "arxiv-mailing" and result.ok and codes(result) == []
    gkp, witten = result
    assert gkp.ids.arxiv == "hep-th/9802109" and gkp.ids.arxiv_version == 2
    assert [a.display() for a in gkp.authors] == ["S. S. Gubser", "I. R. Klebanov", "A. M. Polyakov"]
    assert (gkp.container_title.value, gkp.volume, gkp.pages) == ("Phys.Lett. B", "428", "105-114")
    assert gkp.ids.doi == ("10.1016/S0370-2693(98)00377-3",) and gkp.abstract is None
    assert witten.extras[Extra("arxiv", "announcement")] == "cross-list"
    assert witten.issued == Date(1998, 2, 19) and witten.number == "IASSNS-HEP-98-15"
    assert (witten.container_title.value, witten.volume, witten.pages) == ("Adv.Theor.Math.Phys.", "2", "253-291")


def test_a_bare_list_of_ids_gives_id_only_records():
    result = converters.loads("arXiv:2303.08774\narXiv:1706.03762v7\nPaper: hep-th/9711200\n")
    assert result.format == "arxiv-mailing" and result.ok
    assert [(r.ids.arxiv, r.ids.arxiv_version, r.issued) for r in result] == [
        ("2303.08774", None, Date(2023, 3)), ("1706.03762", 7, Date(2017, 6)), ("hep-th/9711200", None, Date(1997, 11))]
    assert all(r.title is None for r in result)
    assert {d.severity for d in result.diagnostics} == {"info"}  # expected gaps, not warnings


# --- arxiv-atom ---------------------------------------------------------------------------


def test_atom_entries_duplicate_and_paging():
    result = load("atom-duplicate-entry-more-pages.atom.xml")
    assert result.format == "arxiv-atom" and result.ok
    first, second = result
    assert first.ids.arxiv == "0704.0001" and first.ids.arxiv_version == 2
    assert first.title.value == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.issued == Date(2007, 4, 2)
    assert first.ids.doi == ("10.1103/PhysRevD.76.013009",) and first.ids.arxiv_class == "hep-ph"
    assert [a.display() for a in first.authors] == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert affiliation_lines_of(first) == "E. L. Berger: Argonne National Laboratory"
    assert first.extras[Extra("arxiv", "versions")] == "v1 2007-04-02T19:18:42Z\nv2 2007-07-24T20:10:27Z"
    assert Extra("arxiv", "link") not in first.extras  # abstract, PDF and DOI links are derivable
    assert (first.volume, first.pages) == ("76", "013009")
    assert second.keywords == ("math.CO", "cs.CG") and second.ids.doi == ()
    duplicate = next(d for d in result.diagnostics if d.code == "atom.duplicate")
    assert (duplicate.severity, duplicate.line, duplicate.key) == ("warning", 58, "arXiv:0704.0001")
    assert "line 10" in duplicate.message
    assert "results 1-3 of 5" in next(d.message for d in result.diagnostics if d.code == "atom.more-results")


def test_atom_api_error_entry_is_an_error_not_a_record():
    result = load("atom-api-error-entry.atom.xml")
    assert len(result) == 0 and result.failed == 1
    (error,) = result.errors
    assert (error.code, error.line) == ("atom.api-error", 9)
    assert "incorrect id format for 0704.00x1" in error.message


def test_atom_empty_feed_is_a_warning():
    result = load("atom-empty-feed.atom.xml")
    assert len(result) == 0 and result.ok and codes(result) == ["atom.empty"]


def test_atom_cut_off_keeps_the_entries_before_the_break():
    result = load("atom-cut-off-after-first-entry.atom.xml")
    assert [r.ids.arxiv for r in result] == ["0704.0001"]
    (error,) = result.errors
    assert error.code == "atom.xml" and error.line == 41


def test_atom_entities_are_never_expanded_nor_fetched(tmp_path):
    text = (FIXTURES / "atom-empty-feed.atom.xml").read_text(encoding="utf-8")
    text = text.replace("<?xml version='1.0' encoding='UTF-8'?>\n",
                        '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY boom "EXPANDED">'
                        '<!ENTITY leak SYSTEM "file:///etc/passwd">]>\n')
    entry = ("<entry><id>http://arxiv.org/abs/0704.0002v1</id><title>A &boom; B &leak;</title>"
             "<published>2007-03-31T02:26:18Z</published></entry>")
    result = converters.loads(text.replace("</feed>", entry + "</feed>"), "arxiv-atom")
    (record,) = result
    assert "EXPANDED" not in record.title.value and "root:" not in record.title.value


# --- arxiv-oai ----------------------------------------------------------------------------


def test_oai_list_records_with_deleted_record_and_resumption_token():
    result = load("oai-listrecords-deleted-and-resumption-token.xml")
    assert result.format == "arxiv-oai" and result.ok
    (record,) = result
    assert record.ids.arxiv == "0704.0001" and record.ids.arxiv_version is None  # the arXiv format has no version
    assert record.issued == Date(2007, 4, 2)
    assert plain_names(record.authors)[0] == Name(family="Balázs", given="C.")
    assert affiliation_lines_of(record) == "E. L. Berger: Argonne National Laboratory"
    assert record.extras[Extra("arxiv", "updated")] == "2007-07-24"
    assert record.ids.doi == ("10.1103/PhysRevD.76.013009",) and record.number == "ANL-HEP-PR-07-12"
    deleted = next(d for d in result.diagnostics if d.code == "oai.deleted")
    assert (deleted.severity, deleted.key, deleted.line) == ("info", "arXiv:0704.0999", 20)
    token = next(d for d in result.diagnostics if d.code == "oai.resumption")
    assert token.severity == "info" and "6843025|1001" in token.message and "2417" in token.message


def test_oai_arxivraw_versions_and_author_string():
    (record,) = load("oai-getrecord-arxivraw-versions.xml")
    assert record.ids.arxiv == "0704.0002" and record.ids.arxiv_version == 2
    assert record.issued == Date(2007, 3, 31)
    assert plain_names(record.authors) == (Name(family="Streinu", given="Ileana"), Name(family="Theran", given="Louis"))
    assert record.extras[Extra("arxiv", "versions")] == "v1 2007-03-31T02:26:18Z (20kb)\nv2 2008-12-13T17:26:00Z (20kb)"
    assert record.extras[Extra("arxiv", "submitter")] == "Louis Theran"
    assert record.keywords == ("math.CO", "cs.CG")


def test_oai_error_responses():
    bad = load("oai-error-bad-argument.xml")
    assert len(bad) == 0 and [(d.code, d.line) for d in bad.errors] == [("oai.error", 5)]
    empty = load("oai-no-records-match.xml")
    assert len(empty) == 0 and empty.ok and codes(empty) == ["oai.no-records"]


def test_oai_other_metadata_formats_are_reported():
    text = (FIXTURES / "oai-getrecord-arxivraw-versions.xml").read_text(encoding="utf-8")
    start, end = text.index("<arXivRaw"), text.index("</arXivRaw>") + len("</arXivRaw>")
    text = text[:start] + '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"/>' + text[end:]
    result = converters.loads(text, "arxiv-oai")
    assert len(result) == 0 and [d.code for d in result.errors] == ["oai.format"]


def test_oai_hepcrawl_record_with_three_dois_in_mixed_separators():
    files = [p for p in shared_files("corpus/arxiv/oai-pmh-hepcrawl", "*record0.xml")]
    if not files:
        pytest.skip("../shared/corpus/arxiv/oai-pmh-hepcrawl is absent")
    (record,) = converters.load(files[0])
    assert record.ids.doi == ("10.1103/PhysRevD.93.016005", "10.1103/PhysRevD.98.079901", "10.1103/PhysRevD.98.079903")
    assert plain_names(record.authors)[0] == Name(literal="Planck Collaboration")
    assert (record.container_title.value, record.volume, record.pages) == ("Phys.Rev. D", "93", "016005")


# --- arxiv-json ---------------------------------------------------------------------------


def test_snapshot_bad_line_costs_only_itself():
    result = load("snapshot-bad-line-between-good-lines.jsonl")
    assert result.format == "arxiv-json"
    assert [r.ids.arxiv for r in result] == ["0704.0033", "hep-th/9802150", "0704.0020"]
    (error,) = result.errors
    assert (error.code, error.line, error.key) == ("arxiv-json.bad-line", 2, "arXiv:0704.0034")
    yurkin, witten, babar = result
    assert yurkin.ids.doi == ("10.1364/JOSAA.23.002578", "10.1364/JOSAA.32.002407")
    assert yurkin.ids.arxiv_version == 2 and yurkin.issued == Date(2007, 3, 31)
    assert witten.ids.arxiv_class == "hep-th" and witten.number == "IASSNS-HEP-98-15"
    assert plain_names(babar.authors) == (Name(literal="The BABAR Collaboration"), Name(family="Aubert", given="B."))
    assert babar.authors_etal
    assert babar.extras[Extra("arxiv", "update-date")] == "2015-06-30"


def test_snapshot_prefers_authors_parsed_for_splitting():
    line = {"id": "0704.0155", "authors": "Floris van der Tak (SRON Groningen), V.N. Tolstoy",
            "authors_parsed": [["van der Tak", "Floris", "", "SRON Groningen"], ["Tolstoy", "V. N.", ""]],
            "title": "T", "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 08:00:00 GMT"}]}
    (record,) = converters.loads(json.dumps(line), "arxiv-json")
    assert plain_names(record.authors) == (Name(family="Tak", given="Floris", non_dropping_particle="van der"),
                              Name(family="Tolstoy", given="V. N."))
    assert affiliation_lines_of(record) == "Floris van der Tak: SRON Groningen"


def test_snapshot_wrong_types_are_warnings_not_failures():
    line = {"id": "0704.0002", "title": 5, "authors_parsed": "nope", "authors": "Ileana Streinu and Louis Theran",
            "versions": [{"version": "v1", "created": "Sat, 31 Mar 2007 02:26:18 GMT"}]}
    result = converters.loads(json.dumps(line) + "\n[1, 2]\n", "arxiv-json")
    (record,) = result
    assert record.title is None and len(record.authors) == 2
    assert set(codes(result, "warning")) == {"arxiv-json.bad-value", "arxiv-json.authors-parsed", "arxiv-json.no-title"}
    assert [(d.code, d.line) for d in result.errors] == [("arxiv-json.bad-line", 2)]


# --- detection, writers, CLI ------------------------------------------------------------

EXAMPLES = {
    "arxiv-abs": ("old-style-id-affiliation-two-journal-refs.abs", 1, 0),
    "arxiv-mailing": ("daily-mailing-new-cross-list-replacement.txt", 3, 0),
    "arxiv-atom": ("atom-duplicate-entry-more-pages.atom.xml", 2, 0),
    "arxiv-oai": ("oai-listrecords-deleted-and-resumption-token.xml", 1, 0),
    "arxiv-json": ("snapshot-bad-line-between-good-lines.jsonl", 3, 1),
}


@pytest.mark.parametrize("fmt", EXAMPLES)
def test_content_detection_picks_exactly_one_reader(fmt):
    name = EXAMPLES[fmt][0]
    head = (FIXTURES / name).read_text(encoding="utf-8")[:8192]
    matched = [f.name for f in registry.readers() if f.detect and registry._resolve(f.detect)(head)]
    assert matched == [fmt]
    assert registry.guess(head, name)[0].name == fmt


def test_a_listing_that_opens_like_an_abs_file_is_a_mailing():
    block = (FIXTURES / "new-style-several-dois-numbered-affiliations.abs").read_text(encoding="utf-8")
    two = block + block.replace("0704.0033", "0704.0038", 1).split("\n", 1)[1]
    assert registry.guess(block)[0].name == "arxiv-abs"
    assert registry.guess(two)[0].name == "arxiv-mailing"
    assert [r.ids.arxiv for r in converters.loads(two)] == ["0704.0033", "0704.0038"]


WRITER_CHECKS = {
    "jats": lambda text: len(assert_valid_jats(text)[0].findall(".//ref")),
    "csl-json": lambda text: len(assert_valid_csl(text)),
    "bibtex": lambda text: len(parse_bibtex(text).entries),
    "biblatex": lambda text: len(parse_bibtex(text).entries),
    "ris": lambda text: len(parse_ris(text)),
}


@pytest.mark.parametrize("writer", WRITER_CHECKS)
@pytest.mark.parametrize("fmt", EXAMPLES)
def test_fixture_records_are_valid_in_every_writer(fmt, writer):
    records = list(load(EXAMPLES[fmt][0]))
    assert WRITER_CHECKS[writer](converters.dumps(records, writer)) == len(records)


@pytest.mark.parametrize("fmt", EXAMPLES)
def test_cli_converts_each_shape_without_from(fmt):
    name, count, exit_code = EXAMPLES[fmt]
    result = CliRunner().invoke(main, ["convert", str(FIXTURES / name), "--to", "csl-json"])
    assert result.exit_code == exit_code, result.output
    items = json.loads(result.stdout)
    assert len(items) == count and all(item["publisher"] == "arXiv" for item in items)


def test_cli_latin1_abs_needs_its_encoding():
    path = str(FIXTURES / "latin1-encoded.abs")
    failed = CliRunner().invoke(main, ["convert", path, "--to", "bibtex"])
    assert failed.exit_code == 1 and failed.stdout == ""
    assert "not valid utf-8" in failed.stderr and "--encoding" in failed.stderr
    worked = CliRunner().invoke(main, ["convert", path, "--to", "bibtex", "--encoding", "latin-1"])
    assert worked.exit_code == 0 and "Bal" in worked.stdout


@pytest.mark.parametrize("fmt", EXAMPLES)
def test_bom_and_crlf_change_nothing(fmt):
    text = (FIXTURES / EXAMPLES[fmt][0]).read_text(encoding="utf-8")
    plain, windows = converters.loads(text), converters.loads("\ufeff" + text.replace("\n", "\r\n"))
    assert windows.format == plain.format == fmt
    assert windows.records == plain.records
    assert [(d.code, d.line) for d in windows.diagnostics] == [(d.code, d.line) for d in plain.diagnostics]


def test_absurd_dates_are_diagnostics_not_crashes():
    """Found by atheris: a 100-digit day overflowed the date parser."""
    text = ("\\\\\narXiv:0704.0001\nDate: Mon, 2 Apr 2007 19:18:42 GMT   (10kb)\n"
            "Date (revised v2): Tue, " + "8" * 100 + "24 Jul 2007 20:10:27 \nTitle: T\nAuthors: A. Lee\n\\\\\n"
            "  Abstract.\n\\\\\n")
    result = converters.loads(text, "arxiv-abs")
    assert len(result) == 1 and result[0].issued.year == 2007


def test_oai_author_part_given_twice_keeps_both():
    # (hepcrawl's sample record: <keyname>Saxton</keyname><keyname>Walton</keyname>; the second was dropped)
    text = (FIXTURES / "oai-listrecords-deleted-and-resumption-token.xml").read_text(encoding="utf-8").replace(
        "<keyname>Balázs</keyname>", "<keyname>Balázs</keyname><keyname>Walton</keyname>")
    (record,) = converters.loads(text, "arxiv-oai")
    assert plain_names(record.authors)[0] == Name(family="Balázs Walton", given="C.")
