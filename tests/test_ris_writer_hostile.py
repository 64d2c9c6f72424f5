"""Untrusted text written as RIS never leaves its field (issue 16 item 4 and its property test).

Every value is one line for every reader: a line break of any kind that ``str.splitlines()``
knows (CR, LF, VT, FF, U+001C-U+001E, NEL, U+2028, U+2029), with the white space around it,
becomes one space; a value's leading and trailing white space is dropped (every RIS reader
strips it); any other control character (NUL, ESC, DEL, C1) or lone surrogate becomes U+FFFD
with a warning. That is the documented normalisation, written out independently below in
``_expected``; everything else must come back exactly, through rispy and through our reader.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import converters
from converters.diagnostics import Severity
from converters.model import Name, Record, Text

from .validators import parse_ris

BREAKS = ["\r\n", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
CONTROLS = ["\x00", "\x01", "\x08", "\x1b", "\x1f", "\x7f", "\x80", "\x9b", "\x9f", "\ud800", "\udfff"]
SNIPPETS = ["ER  - ", "TY  - JOUR", "ER  -", "TY  - ", "AU  - ", "\tKW  - x", " ", "\t", "\xa0", "\ufeff"]

hostile = st.lists(
    st.one_of(st.sampled_from(BREAKS + CONTROLS + SNIPPETS), st.text(max_size=4)), min_size=1, max_size=10,
).map("".join)


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _expected(value: str) -> str:
    """The documented normalisation: one line, stripped, control characters as U+FFFD."""
    one_line = " ".join(piece.strip() for piece in value.splitlines() if piece.strip())
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cs") and c != "\t" else c for c in one_line)


def _lines_are_tag_lines(text: str) -> None:
    for line in text.splitlines():  # the strictest splitter: every kind of break ends a line
        assert line == "" or re.match(r"[A-Z][A-Z0-9]  - ", line), repr(line)


# --- regressions: the exact characters of the issue ------------------------------------------


def test_ris_output_keeps_u2028_and_nel_inside_their_line():
    title = "First line\u2028ER  - \u0085TY  - JOUR\u2028TI  - injected"
    text = converters.dumps([Record(type="book", title=Text(title))], "ris")
    _lines_are_tag_lines(text)
    assert "TI  - First line ER  - TY  - JOUR TI  - injected\r\n" in text
    assert len(parse_ris(text)) == 1 and len(converters.loads(text, "ris")) == 1


def test_ris_output_turns_every_splitlines_break_into_a_space():
    value = "a" + "b".join(BREAKS) + "c"
    text = converters.dumps([Record(type="book", title=Text(value))], "ris")
    _lines_are_tag_lines(text)
    assert "TI  - a b b b b b b b b b b c\r\n" in text


def test_line_breaks_joined_into_one_line_are_reported_once_a_field():
    record = Record(type="article-journal", key="k", title=Text("T"), abstract=Text("Background.\n\nMethods.\nMore."),
                    note=Text("first line\n* second line"))
    diagnostics: list = []
    text = converters.dumps([record], "ris", diagnostics=diagnostics)
    assert "AB  - Background. Methods. More.\r\n" in text
    assert sorted(d.message for d in diagnostics) == ["RIS cannot carry 'abstract' (its line breaks); dropped",
                                                      "RIS cannot carry 'note' (its line breaks); dropped"]
    diagnostics.clear()
    converters.dumps([Record(type="book", key="k", title=Text("T"), abstract=Text("One line."))], "ris",
                     diagnostics=diagnostics)
    assert not diagnostics


def test_ris_output_never_carries_nul_esc_del_raw_and_says_so():
    diagnostics: list = []
    title = "NUL\x00ESC\x1b[31mDEL\x7fC1\x9b"
    text = converters.dumps([Record(type="book", key="k", title=Text(title))], "ris", diagnostics=diagnostics)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)
    assert "TI  - NUL\ufffdESC\ufffd[31mDEL\ufffdC1\ufffd\r\n" in text
    assert [(d.code, d.severity, d.field) for d in diagnostics] == [("write.control-char", Severity.WARNING, "TI")]
    assert "4 control characters" in diagnostics[0].message


# --- the property: every text field, both readers -------------------------------------------

TEXT_FIELDS = {  # record field -> (RIS tag, rispy's name for it)
    "title": ("TI", "title"), "container_title": ("T2", "secondary_title"), "abstract": ("AB", "abstract"),
    "publisher": ("PB", "publisher"), "publisher_place": ("CY", "place_published"), "volume": ("VL", "volume"),
    "issue": ("IS", "number"), "number": ("M1", "note"), "edition": ("ET", "edition"),
    "language": ("LA", "language"), "key": ("ID", "id"),
}
RICH = {"title", "container_title", "abstract", "note"}  # Text values; the others are str


def _value(record: Record, name: str) -> str | None:
    value = getattr(record, name)
    return value.value if isinstance(value, Text) else value


def _name_chars(text: str) -> Counter:
    """A name's characters; RIS readers re-split names at commas and spaces, so those are not compared."""
    return Counter(re.sub(r"[\s,;]", "", text))


def _all_name_chars(names) -> Counter:
    total: Counter = Counter()
    for name in names:
        total += _name_chars(" ".join(p for p in (name.literal, name.non_dropping_particle, name.family,
                                                  name.given, name.dropping_particle, name.suffix) if p))
    return total


def _without_corporate_mark(read: list[str], expected: list[str]) -> list[str]:
    return [value[:-1] if value == f"{want}," else value for value, want in zip(read, expected, strict=False)] \
        + read[len(expected):]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.fixed_dictionaries({name: hostile for name in [*TEXT_FIELDS, "note"]}),
       keywords=st.lists(hostile, max_size=3), authors=st.lists(hostile, min_size=1, max_size=3),
       editors=st.lists(hostile, max_size=2))
def test_hostile_text_in_every_field_comes_back_intact_through_rispy_and_refconv(values, keywords, authors, editors):
    expected_authors, expected_editors = [_expected(a) for a in authors], [_expected(e) for e in editors]
    assume(all(_name_chars(n) and not re.fullmatch(r"et\.?\s*al\.?", n, re.I)
               for n in expected_authors + expected_editors))
    assume(_expected(values["publisher"]).casefold() != "arxiv")
    fields = {name: Text(v) if name in RICH else v for name, v in values.items()}
    hostile_record = Record(type="book", keywords=tuple(keywords), authors=tuple(Name(literal=a) for a in authors),
                            editors=tuple(Name(literal=e) for e in editors), **fields)
    neighbour = Record(type="article-journal", title=Text("The neighbour"))
    text = converters.dumps([hostile_record, neighbour], "ris")
    _lines_are_tag_lines(text)

    theirs = parse_ris(text)
    assert len(theirs) == 2 and theirs[1]["title"] == "The neighbour"
    for name, (_, key) in TEXT_FIELDS.items():
        assert theirs[0].get(key, "") == _expected(values[name]), name
    assert [n for n in theirs[0].get("notes", []) if n] == [e for e in [_expected(values["note"])] if e]
    assert [k for k in theirs[0].get("keywords", []) if k] == [e for e in map(_expected, keywords) if e]
    # (an organisation that reads as a person's names gets EndNote's trailing comma: "Electronic Arts,")
    assert _without_corporate_mark(theirs[0]["authors"], expected_authors) == expected_authors
    # rispy has no name for ED
    assert _without_corporate_mark(theirs[0].get("unknown_tag", {}).get("ED", []), expected_editors) == expected_editors

    result = converters.loads(text, "ris")
    assert not result.errors, [e.render() for e in result.errors]
    assert len(result) == 2 and result[1].title.value == "The neighbour"
    ours = result[0]  # (refconv's records hold composed text: NFC)
    for name in [*TEXT_FIELDS, "note"]:
        assert (_value(ours, name) or "") == _nfc(_expected(values[name])), name
    assert list(ours.keywords) == [_nfc(e) for e in map(_expected, keywords) if e]
    assert _all_name_chars(ours.authors) == sum(map(_name_chars, map(_nfc, expected_authors)), Counter())
    assert _all_name_chars(ours.editors) == sum(map(_name_chars, map(_nfc, expected_editors)), Counter())
