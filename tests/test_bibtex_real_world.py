"""The BibTeX reader on input from real files and hostile ones (issues 11, 16 and 17):
each test uses the exact input of the issue and is named after the behaviour."""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import converters
from converters.diagnostics import Reporter, Severity
from converters.extras import Extra, Kind, text_keyed
from converters.formats import bibtex
from converters.formats.bibtex import reader
from converters.model import Record, Syntax, Text
from converters.options import Options


def read_text(text: str) -> tuple[list, Reporter]:
    report = Reporter("<test>")
    return list(bibtex.read(io.StringIO(text), report, Options())), report


# --- issue 16, item 7: an entry with no `{` after its type ---------------------------------


def test_an_entry_type_without_brace_is_an_error_naming_that_entry_and_its_neighbours_are_kept():
    text = "@article{first, title={One}, year=2000}\n@article second, title={Two}, year=2001}\n" \
           "@article{third, title={Three}, year=2002}\n"
    records, report = read_text(text)
    assert [r.key for r in records] == ["first", "third"]
    [error] = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    assert (error.code, error.line, error.column, error.key) == ("bibtex.syntax", 2, 1, "second")
    assert "no `{` or `(`" in error.message
    assert report.failed == 1
    assert [d for d in report.diagnostics if d.severity is Severity.WARNING] == []


# --- issue 16, item 11: a value ending in a backslash ------------------------------------------


def test_a_value_ending_in_a_backslash_reads_as_pybtex_reads_it():
    from pybtex.database import parse_string

    text = "@misc{a, title = {ends with backslash \\}}\n@misc{b, title = {Next}}\n"
    oracle = parse_string(text, "bibtex").entries
    records, report = read_text(text)
    assert [r.key for r in records] == list(oracle) == ["a", "b"]
    assert records[0].title == Text(oracle["a"].fields["title"], Syntax.BIBTEX)
    assert records[0].title.value == "ends with backslash \\"
    assert report.diagnostics == []


# --- issue 11, item 3: @string concatenation keeps spaces ------------------------------------


def test_string_concatenation_keeps_the_spaces_of_the_string_values():
    records, report = read_text('@string{S=" Symposium on Things"}\n'
                                '@inproceedings{p, title={T}, booktitle = "Proc. ACM" # S}\n')
    assert records[0].container_title.value == "Proc. ACM Symposium on Things"
    records, report = read_text('@string{and = " and "}\n'
                                '@article{a, title={T}, author = "Alan Bee" # and # "Carl Dee"}\n')
    assert [(n.given, n.family) for n in records[0].authors] == [("Alan", "Bee"), ("Carl", "Dee")]
    assert report.diagnostics == []


def test_a_field_that_is_only_a_string_with_outer_spaces_is_stripped():
    records, _ = read_text('@string{S = "  Padded  "}\n@article{a, title = S}\n')
    assert records[0].title.value == "Padded"


# --- issue 11, item 4: subtitle ------------------------------------------------------------------

SUBTITLE = "@book{s, title={Title}, subtitle={The Subtitle}, author={A, B}, year=2000}\n"


def test_subtitle_is_a_biblatex_subtitle_field_never_an_at_line_nor_an_at_key():
    records, _ = read_text(SUBTITLE)
    assert records[0].title.plain() == "Title: The Subtitle"  # biblatex and pandoc print it so
    biblatex = converters.dumps(records, "biblatex")
    assert "title = {Title}," in biblatex and "subtitle = {The Subtitle}," in biblatex
    assert not re.search(r"(?m)^\s*@subtitle", biblatex)
    plain = converters.dumps(records, "bibtex")  # BibTeX styles know no subtitle: the whole title
    assert "title = {Title: The Subtitle}," in plain and "subtitle" not in plain
    custom = json.loads(converters.dumps(records, "csl-json"))[0].get("custom", {})
    assert list(custom) == ["bibtex:@joined:subtitle"]  # how the title was written, for the way back
    again = converters.loads(converters.dumps(records, "csl-json"), "csl-json").records
    # in the title, not twice (in CSL's sentence case, as CSL-JSON has it)
    assert converters.dumps(again, "biblatex").count("The subtitle") == 1


# --- issue 11, item 5: recoverable input --------------------------------------------------------


def test_a_comment_block_holding_a_string_line_reads_without_error():
    text = ("@comment{ Lorem ipsum dolor sit amet }\n\n@comment{\n  @string{ foo = \"bar\" }\n"
            "  @article{fake, title = {not an entry}}\n  commented-out text\n}\n\n"
            "@book{k1, title = {Real}, year = 2000}\n")
    records, report = read_text(text)
    assert [r.key for r in records] == ["k1"]
    assert report.diagnostics == [] and report.failed == 0


def test_an_entry_missing_a_comma_between_fields_is_recovered_with_a_warning():
    text = "@article{c1, title={One} author={Doe, Jane}, year=2000}\n@article{c2, title={Two}, year=2001}\n"
    records, report = read_text(text)
    assert [r.key for r in records] == ["c1", "c2"]
    assert records[0].title.value == "One" and records[0].authors[0].family == "Doe"
    assert records[0].issued.year == 2000
    [warning] = report.diagnostics
    assert (warning.code, warning.severity, warning.line, warning.column, warning.key) == (
        "bibtex.missing-comma", Severity.WARNING, 1, 26, "c1")
    records, report = read_text("@article{x,\n  title = {X}\n  year = 2000\n  pages = {1--2}\n}\n")
    assert (records[0].title.value, records[0].issued.year, records[0].pages) == ("X", 2000, "1-2")
    assert [(d.code, d.line) for d in report.diagnostics] == [("bibtex.missing-comma", 3), ("bibtex.missing-comma", 4)]


# --- issue 11, item 9: languages as BCP 47 ---------------------------------------------------


@pytest.mark.parametrize(("field", "value", "tag"), [
    ("langid", "german", "de-DE"), ("langid", "british", "en-GB"), ("langid", "english", "en-US"),
    ("langid", "american", "en-US"), ("langid", "french", "fr-FR"), ("hyphenation", "ngerman", "de-DE"),
    ("language", "English", "en-US"), ("language", "langgerman", "de-DE"), ("language", "de-AT", "de-AT"),
])
def test_langid_hyphenation_and_language_become_bcp47_tags_with_the_original_kept(field, value, tag):
    records, _ = read_text(f"@article{{k, title={{T}}, {field} = {{{value}}}}}\n")
    assert records[0].language == tag
    assert text_keyed(records[0].extras)[f"bibtex:@written:{field}"] == value  # the language as written, beside the tag
    assert json.loads(converters.dumps(records, "csl-json"))[0]["language"] == tag
    assert f'xml:lang="{tag}"' in converters.dumps(records, "jats", jats_mode="articles")
    assert f"langid = {{{value}}}," in converters.dumps(records, "biblatex")  # biblatex wants the babel name


def test_langid_variant_and_a_list_of_languages():
    records, report = read_text("@book{k, title={T}, langid={english}, langidopts={variant=british}}\n"
                                "@book{j, title={T}, language={langlatin and langgerman}}\n")
    assert [r.language for r in records] == ["en-GB", "la"]
    assert records[1].extras[Extra("bibtex", "language")] == "langlatin and langgerman"
    [info] = report.diagnostics
    assert (info.code, info.severity, info.key) == ("bibtex.several-languages", Severity.INFO, "j")
    assert "langid = {english}," in converters.dumps(records, "biblatex")


def test_an_unknown_language_name_is_kept_as_written_and_reported():
    records, report = read_text("@book{k, title={T}, language={Klingonese}}\n")
    assert records[0].language == "Klingonese"
    assert records[0].extras[Extra("bibtex", "language", Kind.AS_WRITTEN)] == "Klingonese"
    assert [d.code for d in report.diagnostics] == ["bibtex.unknown-language"]
    assert '"language": "Klingonese"' in converters.dumps(records, "csl-json")
    assert "xml:lang" not in converters.dumps(records, "jats", jats_mode="articles")  # not a tag


@pytest.mark.parametrize("written, kept", [
    (r"{\textbraceleft} and", "{ and"),  # found by the hostile-strings property test: it became the tag "and"
    (r"{\textbraceright}de", "}de"),
])
def test_a_brace_character_in_a_language_is_text_not_a_tex_group(written, kept):
    records, report = read_text(f"@book{{k, title={{T}}, language={{{written}}}}}\n")
    assert records[0].language == kept
    assert [d.code for d in report.diagnostics] == ["bibtex.unknown-language"]


def test_a_language_in_a_tex_group_is_still_read():
    from converters.text.languages import to_bcp47

    assert to_bcp47("{german}") == to_bcp47("{ {german} }") == "de-DE"


def test_the_language_table_goes_both_ways():
    from converters.text.languages import to_babel, to_bcp47

    assert all(to_bcp47(to_babel(tag)) == tag for tag in ("de-DE", "en-GB", "en-US", "fr-FR", "la", "pt-BR"))
    assert to_babel("de") == "german" and to_bcp47("Klingonese") is None


# --- issue 17, item 6: @preamble and @set -------------------------------------------------


def test_preamble_blocks_are_carried_to_bibtex_output_before_the_entries():
    import bibtexparser

    text = ('@preamble{"\\newcommand{\\booktitle}[1]{#1}"}\n@article{a1, title={A}, year=2000}\n'
            '@preamble{"\\def\\x{y}"}\n')
    records, report = read_text(text)
    assert report.diagnostics == []
    for fmt in ("bibtex", "biblatex"):
        out = converters.dumps(records, fmt)
        assert out.index("@preamble") < out.index("@article")
        parsed = bibtexparser.parse_string(out)
        assert [p.value for p in parsed.preambles] == ["{\\newcommand{\\booktitle}[1]{#1}}", "{\\def\\x{y}}"]
        assert len(parsed.entries) == 1 and not parsed.failed_blocks


def test_a_preamble_with_unbalanced_braces_from_other_input_is_refused():
    record = Record(key="k", title=Text("T"), extras={Extra("bibtex", "1", Kind.PREAMBLE): "x}\n@misc{injected,"})
    out = converters.dumps([record], "bibtex")
    assert "injected" not in out and "@preamble" not in out


def test_a_set_entry_is_reported_as_not_converted_not_silently_dropped():
    text = "@set{theset, entryset={a1,a2}}\n@article{a1, title={A}, year=2000}\n@article{a2, title={B}, year=2000}\n"
    records, report = read_text(text)
    assert [r.key for r in records] == ["a1", "a2"]
    [warning] = report.diagnostics
    assert (warning.code, warning.severity, warning.key, warning.line) == (
        "bibtex.set-not-converted", Severity.WARNING, "theset", 1)
    assert "a1,a2" in warning.message


# --- issue 16, item 16: streaming ----------------------------------------------------------------

SNIPPETS = [
    "@article{a, title={A}, year=2000}\n", "@string{s = {Str}}\n", "@misc{b, note = s # { x}}\n",
    "@comment{\n@string{x = {no}}\n}\n", "@article{broken, title = {X}\n", "free text @ here\n",
    "@inproceedings{c, crossref={p}, title={C}}\n", "@proceedings{p, title={P}, year=1999}\n",
    "@preamble{\"\\def\\a{b}\"}\n", "@article{d, title={ends \\}}\n", "@book{e, title={E} year=1}\n",
    "@article f, title={F}}\n", "\ufeff", "@misc(g, title = \"G ) paren\")\n", "%@article{x}\n",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SNIPPETS), max_size=14), st.integers(min_value=1, max_value=40))
def test_reading_in_small_chunks_gives_what_reading_at_once_gives(parts, chunk):
    text = "".join(parts)

    def outcome():
        records, report = read_text(text)
        return ([(r.key, r.title, r.container_title, dict(r.extras)) for r in records],
                [(d.code, d.line, d.column, d.key) for d in report.diagnostics])

    whole = outcome()
    saved = reader.CHUNK
    reader.CHUNK = chunk
    try:
        assert outcome() == whole
    finally:
        reader.CHUNK = saved


def test_a_crossref_child_waits_for_its_parent_and_a_bounded_out_wait_is_reported(monkeypatch):
    monkeypatch.setattr(reader, "WINDOW", 3)
    fillers = "".join(f"@misc{{f{n}, title={{F}}}}\n" for n in range(5))
    near = "@inproceedings{near, title={N}, crossref={pa}}\n@misc{x, title={X}}\n@proceedings{pa, title={Procs}}\n"
    far = "@inproceedings{far, title={Far}, crossref={pb}}\n" + fillers + "@proceedings{pb, title={B}}\n"
    records, report = read_text(near + far)
    by_key = {r.key: r for r in records}
    assert [r.key for r in records][:3] == ["near", "x", "pa"]  # file order kept
    assert by_key["near"].container_title.value == "Procs"
    assert by_key["far"].container_title is None
    [warning] = report.diagnostics
    assert (warning.code, warning.key) == ("bibtex.missing-parent", "far")
    assert "within 3 entries" in warning.message


def test_a_crossref_chain_whose_parents_all_come_later_inherits_without_warning():
    text = "".join(f"@book{{r{n}, date = {{1911}}, crossref = {{r{n + 1}}}}}\n" for n in range(1, 4))
    records, report = read_text(text + "@book{r4, date = {1911}, publisher = {Far Up}}\n")
    assert [(r.key, r.publisher) for r in records] == [(f"r{n}", "Far Up") for n in range(1, 5)]
    assert report.diagnostics == []
