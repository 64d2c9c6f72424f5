"""JATS person-group types and element-citation elements as CSL variables, both ways."""

from __future__ import annotations

import pytest

import converters
from converters import csl
from converters.extras import Extra
from converters.model import Date, Name, Record, Text

from .validators import assert_valid_jats


def _group(group_type: str, family: str, given: str, custom: str = "") -> str:
    custom_type = f' custom-type="{custom}"' if custom else ""
    return (f'<person-group person-group-type="{group_type}"{custom_type}><name><surname>{family}</surname>'
            f"<given-names>{given}</given-names></name></person-group>")


CITATION = f"""<?xml version="1.0"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink"><back><ref-list>
<ref id="b1"><element-citation publication-type="book">
{_group("author", "Tolstoy", "Leo")}{_group("translator", "Garnett", "Constance")}
{_group("series-editor", "Sered", "Sam")}{_group("transed", "Both", "Bea")}
{_group("custom", "Whole", "W.", "container-author")}
<person-group person-group-type="assignee"><collab>Acme</collab></person-group>
<source>War and Peace</source><series>Classics</series><part-title>Book One</part-title><version>2</version>
<supplement>Suppl. 1</supplement><size units="pages">1225</size><year>1869</year>
<conf-name>Meeting</conf-name><conf-loc>Tula</conf-loc><conf-date iso-8601-date="1868-05-01">1 May 1868</conf-date>
</element-citation></ref></ref-list></back></article>
"""


def test_person_group_types_and_variable_elements_are_read_into_csl_variables():
    (record,) = converters.loads(CITATION, "jats")
    assert record.authors == (Name(family="Tolstoy", given="Leo"),)
    assert record.editors == (Name(family="Both", given="Bea"),)  # transed: editor and translator
    assert record.names == {
        "translator": (Name(family="Garnett", given="Constance"), Name(family="Both", given="Bea")),
        "collection-editor": (Name(family="Sered", given="Sam"),),
        "container-author": (Name(family="Whole", given="W."),),
    }
    assert record.extras[Extra("jats", "person-group:assignee")] == "Acme"  # no CSL variable for it
    assert record.variables == {"collection-title": Text("Classics"), "part-title": Text("Book One"),
                                "version": Text("2"), "supplement": Text("Suppl. 1"),
                                "number-of-pages": Text("1225"), "event-title": Text("Meeting"),
                                "event-place": Text("Tula")}
    assert record.dates == {"event-date": Date(1868, 5, 1)}


def test_every_name_variable_and_jats_variable_survives_a_jats_round_trip():
    from converters.formats.jats.writer import WRITTEN_VARIABLES

    record = Record(
        type="book", key="r1", title=Text("A book"), authors=(Name(family="Author", given="Ann"),),
        names={name: (Name(family=f"Fam{i}", given="Gwen"),) for i, name in enumerate(sorted(csl.NAME_VARIABLES))},
        # (a volume of a multi-volume work is filed under its own title: tests/test_volumes.py)
        variables={name: Text(f"value {name}")
                   for name in sorted(WRITTEN_VARIABLES & csl.VARIABLES - {"volume-title"})},
        dates={"event-date": Date(2001, 2, 3)},
    )
    diagnostics: list = []
    text = converters.dumps([record], "jats", diagnostics=diagnostics)
    assert_valid_jats(text)
    assert not [d for d in diagnostics if d.code == "write.lost"]
    (back,) = converters.loads(text, "jats")
    assert back.names == record.names
    assert back.variables == record.variables
    assert back.dates == record.dates


@pytest.mark.parametrize("variable", ["translator", "compiler", "curator", "director", "illustrator"])
def test_roles_jats_names_are_written_with_its_own_person_group_type(variable):
    record = Record(type="book", title=Text("T"), names={variable: (Name(family="X", given="Y"),)})
    text = converters.dumps([record], "jats")
    assert f'<person-group person-group-type="{variable}">' in text


FRONT = """<?xml version="1.0"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink"><front><article-meta>
<title-group><article-title>Front</article-title></title-group>
<contrib-group>
<contrib contrib-type="author"><contrib-id contrib-id-type="orcid">https://orcid.org/0000-0002-1825-0097</contrib-id>
<name><surname>Carberry</surname><given-names>Josiah</given-names></name><xref ref-type="aff" rid="a1 a2"/></contrib>
<contrib contrib-type="author"><name><surname>Lone</surname><given-names>L.</given-names></name>
<aff>Own Institute, Town</aff></contrib>
<contrib contrib-type="translator"><name><surname>Tran</surname><given-names>S.</given-names></name></contrib>
<aff id="a1"><label>1</label>Brown University, Providence</aff><aff id="a2">Wesleyan University</aff>
</contrib-group></article-meta></front></article>
"""


def test_front_matter_orcid_affiliations_and_roles_are_read_onto_the_names():
    (record,) = converters.loads(FRONT, "jats", jats_front=True)
    assert record.authors == (
        Name(family="Carberry", given="Josiah", orcid="0000-0002-1825-0097",
             affiliation=("Brown University, Providence", "Wesleyan University")),  # xref'd, label aside
        Name(family="Lone", given="L.", affiliation=("Own Institute, Town",)),
    )
    assert record.names == {"translator": (Name(family="Tran", given="S."),)}


def test_front_matter_writes_orcid_affiliations_and_roles_back():
    from .test_jats_reader import assert_valid_articles

    (record,) = converters.loads(FRONT, "jats", jats_front=True)
    diagnostics: list = []
    text = converters.dumps([record], "jats", jats_mode="articles", diagnostics=diagnostics)
    assert_valid_articles(text)
    assert not [d for d in diagnostics if d.code == "write.lost"]
    assert '<contrib-id contrib-id-type="orcid">https://orcid.org/0000-0002-1825-0097</contrib-id>' in text
    (again,) = converters.loads(text, "jats", jats_front=True)
    assert (again.authors, again.names) == (record.authors, record.names)


def _front(group: str) -> str:
    return ('<?xml version="1.0"?><article><front><article-meta><title-group><article-title>T</article-title>'
            f'</title-group>{group}</article-meta></front></article>')


def _front_record(group: str) -> Record:
    (record,) = converters.loads(_front(group), "jats", jats_front=True)
    return record


def _references(refs: str) -> str:
    return f'<?xml version="1.0"?><article><back><ref-list>{refs}</ref-list></back></article>'


def _cited(authors: str) -> Record:
    """The record of one journal citation whose author person-group holds ``authors``."""
    (record,) = converters.loads(_references(
        '<ref id="r1"><element-citation publication-type="journal"><person-group person-group-type="author">'
        f"{authors}</person-group><article-title>T</article-title></element-citation></ref>"), "jats")
    return record


def _contrib(family: str, xref: str = "") -> str:
    return f'<contrib contrib-type="author"><name><surname>{family}</surname></name>{xref}</contrib>'


def _affiliations(text: str) -> list[tuple[str, ...]]:
    (record,) = converters.loads(text, "jats", jats_front=True)
    return [name.affiliation for name in record.authors]


def test_front_matter_aff_no_contrib_points_at_is_the_records_for_no_one_author():
    # (ACS's JATS: one <aff id="aff1"> in the group and no <xref>: JATS has it the group's)
    text = _front(f'<contrib-group>{_contrib("Ann")}{_contrib("Bee")}<aff id="aff1">IISER Mohali</aff>'
                  '</contrib-group><aff>Beside the group</aff>')
    (record,) = converters.loads(text, "jats", jats_front=True)
    assert record.affiliations == ("IISER Mohali", "Beside the group")
    assert [name.affiliation for name in record.authors] == [(), ()]


def test_front_matter_xref_without_ref_type_points_at_its_aff():
    # (ACS's JATS: <xref rid="aff1"/>, no ref-type)
    text = _front("<contrib-group>" + _contrib("Ann", '<xref rid="a1"/>') + _contrib("Bee", '<xref rid="a2"/>') +
                  '<aff id="a1"><label>†</label>Oxford</aff><aff id="a2"><label>‡</label>Cambridge</aff>'
                  '</contrib-group>')
    assert _affiliations(text) == [("Oxford",), ("Cambridge",)]


def test_front_matter_xref_without_rid_points_at_the_aff_of_its_label():
    # (BMJ Open's JATS: <xref ref-type="aff">2</xref> and <aff id="af2"><label>2</label>...)
    text = _front("<contrib-group>" + _contrib("Ann", '<xref ref-type="aff">1</xref>')
                  + _contrib("Bee", '<xref ref-type="aff">2</xref>') + "</contrib-group>"
                  '<aff id="af1"><label>1</label>Abidjan</aff><aff id="af2"><label>2</label>Bouake</aff>')
    assert _affiliations(text) == [("Abidjan",), ("Bouake",)]


def test_front_matter_aff_nobody_points_at_among_pointed_ones_is_the_records():
    text = _front("<contrib-group>" + _contrib("Ann", '<xref ref-type="aff" rid="a1"/>') + _contrib("Bee") +
                  '<aff id="a1">Linked</aff><aff id="a2">Present address: Elsewhere</aff></contrib-group>')
    (record,) = converters.loads(text, "jats", jats_front=True)
    assert [name.affiliation for name in record.authors] == [("Linked",), ()]
    assert record.affiliations == ("Present address: Elsewhere",)


@pytest.mark.parametrize("mode", ["references", "articles"])
def test_the_records_affiliations_come_back_from_jats_as_they_went(mode):
    record = Record(type="article-journal", title=Text("T"), authors=(Name(family="Bee", affiliation=("Own",)),),
                    affiliations=("Shared Institute", "Second"))
    text = converters.dumps([record], "jats", jats_mode=mode)
    assert_valid_jats(text)
    (again,) = converters.loads(text, "jats", jats_front=mode == "articles")
    assert (again.affiliations, again.authors) == (record.affiliations, record.authors)


def test_citation_aff_in_a_person_group_is_the_preceding_names_or_before_any_the_records():
    record = _cited("<aff>For all</aff><name><surname>Bee</surname></name><aff>Some Univ</aff><name><surname>Dee"
                    "</surname></name>")
    assert record.authors == (Name(family="Bee", affiliation=("Some Univ",)), Name(family="Dee"))
    assert record.affiliations == ("For all",)


def test_front_matter_aff_parts_with_nothing_between_read_as_separated_and_ids_kept_apart():
    # (eLife's JATS: <institution-wrap><institution-id>ROR</institution-id><institution>…</institution>
    # </institution-wrap><addr-line><named-content>City</named-content></addr-line><country>, no text between)
    group = ("<contrib-group>" + _contrib("Ann", '<xref ref-type="aff" rid="a1"/>') +
             '<aff id="a1"><label>1</label><institution-wrap><institution-id institution-id-type="ror">'
             "https://ror.org/03rc6as71</institution-id><institution>Tongji University</institution>"
             "</institution-wrap><addr-line><named-content content-type=\"city\">Shanghai</named-content>"
             "</addr-line><country>China</country></aff></contrib-group>")
    record = _front_record(group)
    assert record.authors[0].affiliation == ("Tongji University, Shanghai, China",)
    assert record.extras[Extra("jats", "institution-id")] == "Tongji University: https://ror.org/03rc6as71"


def test_front_matter_aff_parts_on_lines_of_their_own_are_separated_and_written_spaces_kept():
    pretty = ('<aff id="a1">\n  <institution content-type="dept">Department of Production</institution>\n'
              "  <institution>eLife</institution>\n  <country>United Kingdom</country>\n</aff>")
    spaced = ('<aff id="a2"><institution>Univ</institution>, <addr-line content-type="postal-code">72076</addr-line>'
              ' <addr-line content-type="city">Tübingen</addr-line>, <country>Germany</country></aff>')
    text = _front("<contrib-group>" + _contrib("Ann", '<xref ref-type="aff" rid="a1 a2"/>') + pretty + spaced +
                  "</contrib-group>")
    assert _affiliations(text) == [("Department of Production, eLife, United Kingdom", "Univ, 72076 Tübingen, Germany")]


def test_front_matter_aff_written_out_whole_and_in_parts_is_read_once():
    # (Pensoft's JATS: the whole address as a verbatim addr-line, then the same words in parts)
    text = _front("<contrib-group>" + _contrib("Ann", '<xref ref-type="aff" rid="a1"/>') +
                  '<aff id="a1"><label>1</label><addr-line content-type="verbatim">California Academy of Sciences, '
                  "San Francisco, CA, United States of America</addr-line>\n<institution>California Academy of "
                  'Sciences</institution>\n<addr-line content-type="city">San Francisco, CA</addr-line>\n'
                  "<country>United States of America</country>\n<email>a@example.org</email></aff></contrib-group>")
    assert _affiliations(text) == [
        ("California Academy of Sciences, San Francisco, CA, United States of America, a@example.org",)]


def test_front_matter_kept_element_reads_its_fields_as_words_and_styles_inside_words_as_written():
    group = ('<pub-history><event><event-desc>Published as a preprint.</event-desc><date date-type="preprint">'
             "<day>22</day><month>09</month><year>2024</year></date><self-uri>x</self-uri></event></pub-history>"
             "<funding-group><funding-statement>At 10<sup>-17</sup>M, <italic>S. rosetta</italic>is"
             "</funding-statement></funding-group>")
    record = _front_record(group)
    assert record.extras[Extra("jats", "pub-history")] == "Published as a preprint. 22 09 2024 x"
    assert record.extras[Extra("jats", "funding-group")] == "At 10-17M, S. rosettais"


def test_front_matter_collaboration_members_keep_what_their_contribs_say():
    group = ('<contrib-group><contrib contrib-type="author"><collab>Tech Group<contrib-group><role>Writing group'
             '</role><contrib><contrib-id contrib-id-type="orcid">https://orcid.org/0000-0002-1825-0097'
             "</contrib-id><name><surname>Nott</surname><given-names>Graham</given-names></name><aff>"
             "<institution>Nott Enterprises</institution><country>Canada</country></aff><email>g@example.org"
             "</email></contrib><contrib><name><surname>Bee</surname></name></contrib></contrib-group></collab>"
             "</contrib></contrib-group>")
    record = _front_record(group)
    assert record.authors == (Name(literal="Tech Group"),)
    assert record.extras[Extra("jats", "collab-members")] == (
        "Tech Group: Writing group: Graham Nott (Nott Enterprises, Canada; ORCID 0000-0002-1825-0097; "
        "g@example.org); Bee")


def test_front_matter_keyword_group_of_another_kind_says_which():
    group = ('<kwd-group kwd-group-type="author-keywords"><title>Author keywords</title><kwd>cells</kwd>'
             '</kwd-group><kwd-group kwd-group-type="research-organism"><title>Research organism</title>'
             "<kwd>Human</kwd><kwd>Mouse</kwd></kwd-group>")
    record = _front_record(group)
    assert record.keywords == ("cells", "Human", "Mouse")
    assert record.extras[Extra("jats", "kwd-group")] == "Research organism: Human; Mouse"


def test_front_matter_compound_and_nested_keywords_are_keywords():
    group = ("<kwd-group><kwd>cells</kwd><compound-kwd><compound-kwd-part content-type=\"code\">A01"
             "</compound-kwd-part><compound-kwd-part content-type=\"text\">Anatomy</compound-kwd-part>"
             "</compound-kwd><nested-kwd><kwd>Biology</kwd><nested-kwd><kwd>Cell biology</kwd></nested-kwd>"
             "</nested-kwd></kwd-group>")
    record = _front_record(group)
    assert record.keywords == ("cells", "A01 Anatomy", "Biology", "Cell biology")


def test_citation_aff_parts_with_nothing_between_are_separated():
    record = _cited("<name><surname>Bee</surname></name><aff><institution>Some Univ</institution><country>Chile"
                    "</country></aff>")
    assert record.authors == (Name(family="Bee", affiliation=("Some Univ, Chile",)),)


def test_front_matter_keeps_every_csl_variable_and_the_record_level_fields():
    from .test_unwritten_variables import _every_variable

    record = _every_variable().evolve(type="article-journal", dates={
        "submitted": Date(2019, 5, 6), "original-date": Date(1850), "event-date": Date(2019, 1, 2),
        "available-date": Date(2020)}, affiliations=("Shared Institute",))
    record = record.evolve(variables={**record.variables, "number-of-pages": Text("250")})
    diagnostics: list = []
    text = converters.dumps([record], "jats", jats_mode="articles", diagnostics=diagnostics)
    assert_valid_jats(text)
    assert '<history><date date-type="received" iso-8601-date="2019-05-06">' in text
    assert '<counts><page-count count="250"></page-count></counts>' in text
    assert not [d.field for d in diagnostics if d.code == "write.lost"]
    (back,) = converters.loads(text, "jats", jats_front=True)
    assert {k: v.plain() for k, v in back.variables.items()} == {k: v.plain() for k, v in record.variables.items()}
    assert (back.dates, back.names, back.affiliations) == (record.dates, record.names, record.affiliations)


def test_front_matter_elements_the_record_has_no_place_for_are_kept_not_dropped():
    text = _front(f'<contrib-group>{_contrib("Ann")}</contrib-group>'
                  '<author-notes><fn fn-type="corresp"><p>Corresponding author: Ann (<email>a@b.org</email>)</p></fn>'
                  '<fn><label>†</label><p>Deceased</p></fn></author-notes>'
                  '<history><date date-type="received"><day>06</day><month>05</month><year>2019</year></date>'
                  '<date date-type="accepted"><day>01</day><month>09</month><year>2019</year></date></history>'
                  '<permissions><copyright-statement>© 2019 Ann</copyright-statement><copyright-year>2019'
                  '</copyright-year><license xmlns:xlink="http://www.w3.org/1999/xlink" '
                  'xlink:href="http://creativecommons.org/licenses/by/4.0/"><license-p>CC BY</license-p></license>'
                  '</permissions><funding-group><award-group><funding-source>NSF</funding-source><award-id>123</award-id>'
                  '</award-group></funding-group><counts><fig-count count="3"/><page-count count="12"/></counts>')
    (record,) = converters.loads(text, "jats", jats_front=True)
    assert record.dates == {"submitted": Date(2019, 5, 6)}
    assert record.variables == {"number-of-pages": Text("12")}
    kept = {key.field: value for key, value in record.extras.items()}
    assert kept == {"author-notes": "Corresponding author: Ann (a@b.org) † Deceased", "history:accepted": "2019-09-01",
                    "copyright-statement": "© 2019 Ann", "copyright-year": "2019",
                    "license": "http://creativecommons.org/licenses/by/4.0/", "license-text": "CC BY",
                    "funding-group": "NSF 123", "counts": "fig-count 3"}


def test_front_matter_journal_abbreviation_and_ids_are_read():
    text = ('<?xml version="1.0"?><article><front><journal-meta><journal-id journal-id-type="nlm-ta">Phys Rev Lett'
            '</journal-id><journal-title-group><journal-title>Physical Review Letters</journal-title>'
            '<abbrev-journal-title abbrev-type="publisher">Phys. Rev. Lett.</abbrev-journal-title>'
            '</journal-title-group><issn>0031-9007</issn></journal-meta><article-meta><title-group>'
            '<article-title>T</article-title></title-group></article-meta></front></article>')
    (record,) = converters.loads(text, "jats", jats_front=True)
    assert record.container_title.plain() == "Physical Review Letters"
    assert record.variables == {"container-title-short": Text("Phys. Rev. Lett.")}
    assert record.extras == {Extra("jats", "journal-id:nlm-ta"): "Phys Rev Lett"}


def test_front_matter_people_details_the_record_has_no_place_for_are_kept():
    text = _front(
        '<contrib-group><contrib contrib-type="author"><name><surname>Bee</surname><given-names>Ann</given-names>'
        '</name>'
        '<uri content-type="orcid">https://orcid.org/0000-0002-1825-0097</uri><email>ann@example.org</email></contrib>'
        '<contrib contrib-type="author"><collab>Staff Group<contrib-group><contrib><name><surname>Dee</surname>'
        '<given-names>Carl</given-names></name></contrib></contrib-group></collab></contrib>'
        '<on-behalf-of>for the Staff Team</on-behalf-of></contrib-group>'
        '<contrib-group><contrib contrib-type="senior_editor"><name><surname>Moses</surname></name>'
        '<role>Senior Editor</role><aff><institution>University of Toronto</institution></aff></contrib>'
        '</contrib-group>')
    (record,) = converters.loads(text, "jats", jats_front=True)
    assert record.authors == (Name(family="Bee", given="Ann", orcid="0000-0002-1825-0097"),
                              Name(literal="Staff Group"))
    kept = {key.field: value for key, value in record.extras.items()}
    assert kept == {"email": "Ann Bee: ann@example.org", "collab-members": "Staff Group: Carl Dee",
                    "on-behalf-of": "for the Staff Team", "contrib:senior_editor": "Moses (University of Toronto)",
                    "role": "Moses: Senior Editor"}


def test_front_matter_abstract_keeps_the_citations_in_its_sentences():
    # (eLife: "... results in disease (<xref ref-type="bibr">Dawidowicz 1987</xref>; ...)": it read "(; )")
    text = _front('<abstract><p>Turnover is rapid (<xref ref-type="bibr" rid="b7">Dawidowicz 1987</xref>; '
                  '<xref ref-type="bibr" rid="b24">Phillips et al., 2009</xref>), see <xref ref-type="fig" rid="f1">'
                  'Figure 1</xref>.<xref ref-type="fn" rid="fn1">*</xref></p></abstract>')
    (record,) = converters.loads(text, "jats", jats_front=True)
    assert record.abstract.plain() == "Turnover is rapid (Dawidowicz 1987; Phillips et al., 2009), see Figure 1."


def test_front_matter_other_dates_licence_text_and_notes_are_kept():
    text = _front('<pub-date date-type="pub" publication-format="electronic"><day>11</day><month>03</month>'
                  '<year>2015</year></pub-date><pub-date pub-type="collection"><year>2016</year></pub-date>'
                  '<history><date date-type="received"><year>2014</year></date><fn><p>Preprint posted: '
                  'bioRxiv</p></fn></history><permissions><license xmlns:xlink="http://www.w3.org/1999/xlink" '
                  'xlink:href="http://creativecommons.org/licenses/by/4.0/"><license-p>Distributed under CC BY.'
                  '</license-p></license></permissions>')
    (record,) = converters.loads(text, "jats", jats_front=True)
    assert (record.issued, record.dates) == (Date(2015, 3, 11), {"submitted": Date(2014)})
    kept = {key.field: value for key, value in record.extras.items()}
    assert kept == {"pub-date:collection": "2016", "history:fn": "Preprint posted: bioRxiv",
                    "license": "http://creativecommons.org/licenses/by/4.0/",
                    "license-text": "Distributed under CC BY."}


def test_a_refs_own_note_is_kept_and_written_back_before_its_citation():
    # (ACS: <ref><note><p>For selected reviews, see:</p></note><element-citation>...)
    text = _references('<ref id="r1"><note><p>For selected reviews, see:</p></note><element-citation '
                       'publication-type="journal"><article-title>T</article-title></element-citation></ref>')
    (record,) = converters.loads(text, "jats")
    assert record.extras == {Extra("jats", "ref-note"): "For selected reviews, see:"}
    diagnostics: list = []
    again = converters.dumps([record], "jats", diagnostics=diagnostics)
    assert_valid_jats(again)
    assert '<ref id="r1"><note><p>For selected reviews, see:</p></note><element-citation' in again
    assert not [d for d in diagnostics if d.code == "write.lost"]
