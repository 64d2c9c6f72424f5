"""The BibTeX reader's fast paths against the long ways they stand in for.

values.evaluate() takes a single regex match for a value that is one {...} or "..." part,
and normalise_space() uses str.split (where no no-break or other space character is in the
text); reader._find_field() replaces a regex compiled per field; mapping.split_persons()
splits plain name lists with one regex instead of bibtexparser's state machine. Each is
compared here with the code it replaces.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converters.formats.bibtex import values
from converters.formats.bibtex.mapping import split_persons
from converters.formats.bibtex.reader import _find_field
from converters.formats.bibtex.values import BadValue, Macros, evaluate, normalise_space

_WHITE = " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\u2028\u2029"  # (a no-break or em space is a character)
_PARAGRAPH = re.compile(f"\n[ \t\r\f\v]*\n[{_WHITE}]*")


def reference_normalise_space(text: str) -> str:
    return "\n\n".join(re.sub(f"[{_WHITE}]+", " ", p).strip(_WHITE) for p in _PARAGRAPH.split(text.strip(_WHITE)))


@settings(max_examples=1000)
@given(st.text(alphabet="ab \n\t\r\v\f\u00a0\u2003\x1c\x85", max_size=30))
def test_normalise_space_matches_the_regex_version(text):
    assert normalise_space(text) == reference_normalise_space(text)


def _outcome(raw: str):
    macros = Macros()
    macros.define("foo", "Foo", 1)
    try:
        result = evaluate(raw, macros, "title")
    except BadValue as exc:
        return "bad", exc.message, exc.offset, exc.hint
    return "ok", result.text, result.macro, result.warnings


# groups nested up to six deep (the shortcut stops at four), with escapes and stray braces
nested = st.recursive(
    st.text(alphabet='{}"\\ a\n\tb', max_size=6),
    lambda inner: st.builds(lambda parts, close: "{" + "".join(parts) + close, st.lists(inner, max_size=3),
                            st.sampled_from(["}", "}", "}", "\\}", ""])),
    max_leaves=8,
)
raw_values = st.one_of(
    st.text(alphabet='{}"\\ a\n#,=x', max_size=24),
    st.builds(lambda open_, body, close: open_ + body + close, st.sampled_from('{"'),
              st.text(alphabet='{}"\\ a\n\tb', max_size=24), st.sampled_from('}"')),
    nested,
    nested.map(lambda text: f'"{text}"'),
)


@settings(max_examples=1500)
@given(raw=raw_values)
def test_one_part_shortcut_gives_what_the_general_path_gives(raw):
    fast = _outcome(raw)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(values, "_ONE_PART", re.compile(r"(?!)"))  # never matches: the long way
        slow = _outcome(raw)
    assert fast == slow


@pytest.mark.parametrize("raw, text", [
    ("{A {B {C {D}}} E}", "A {B {C {D}}} E"),  # four levels: the shortcut
    ("{A {B {C {D {E}}}} F}", "A {B {C {D {E}}}} F"),  # five: the long way, same result
    ('"A {"} \\" B"', 'A {"} \\" B'),  # a quote in braces or escaped does not close
    ("{a\n  b\n\n c}", "a b\n\nc"),
])
def test_one_part_values(raw, text):
    assert evaluate(raw, Macros()).text == text


@pytest.mark.parametrize("raw", ["{a} # {b}", "{a}}", "{a\\}", '"a} "', "{a} x", "{{{{a\\}}}}", '"{{{{a\\}}}}"'])
def test_values_the_shortcut_must_leave_alone(raw):
    assert values._ONE_PART.fullmatch(raw) is None


def reference_find_field(raw: str, name: str, cursor: int) -> tuple[int, int] | None:
    match = re.compile(r"(?<![^\s,{(])" + re.escape(name) + r"\s*=\s*").search(raw, cursor)
    return None if match is None else (match.start(), match.end())


@settings(max_examples=1000)
@given(raw=st.text(alphabet="ab ,{(=\n\t%", max_size=30), name=st.sampled_from(["a", "ab", "b", "", "a b", "%a"]),
       cursor=st.integers(0, 30))
def test_find_field_matches_the_per_field_regex(raw, name, cursor):
    assert _find_field(raw, name, cursor) == reference_find_field(raw, name, cursor)


@pytest.mark.parametrize("raw, name, cursor", [
    ("ba=", "a", 1),  # glued to the word before: not a field name
    ("x, title = {a}", "title", 1),  # the next word: found at once
    ("x, subtitle = {a}, title = {b}", "title", 1),  # the next word is another field
    ("x,\n  % note = {c}\n  title = {b}", "title", 1),
    ("x, a={b}", "a", 3),  # cursor on the name itself: the character before decides
    ("x, Title = {a}", "title", 1),  # case matters, as in the pattern
])
def test_find_field_examples(raw, name, cursor):
    assert _find_field(raw, name, cursor) == reference_find_field(raw, name, cursor)


name_lists = st.lists(st.sampled_from([" ", "  ", "\t", "\r\n", "\x0b", "\u00a0", "and", "AnD", "an", "d", "A. B", "x",
                                       "~", ",", "{", "}", "\\", "{and}"]), max_size=12).map("".join)


@settings(max_examples=1500)
@given(name_lists)
def test_split_persons_matches_bibtexparser(text):
    from bibtexparser.middlewares.names import split_multiple_persons_names

    # where a name after white space opens with a backslash, bibtexparser starts it after
    # the macro (its bug, issue 11); test_names.py pins those cases
    if re.search(r"[ \t\r\n]\\", text) is None:
        assert split_persons(text) == split_multiple_persons_names(text)


@pytest.mark.parametrize("text, expected", [
    ("Ann Lee and Bo Roe", ["Ann Lee", "Bo Roe"]),
    ("  Ann Lee\tAND\nBo Roe and  ", ["Ann Lee", "Bo Roe and"]),  # a trailing "and" is not a separator
    ("Ann and and Bo", ["Ann", "and Bo"]),
    ("Sandra Andrews and Dan Land", ["Sandra Andrews", "Dan Land"]),
    ("Ann~and~Bo", ["Ann~and~Bo"]),  # a tie is not white space
    (" \n", []),
    ("Ann\\ and Bo", ["Ann\\ and Bo"]),  # a backslash escapes the space: the long way
    ("Ann {and} Bo and Cy", ["Ann {and} Bo", "Cy"]),
])
def test_split_persons_examples(text, expected):
    assert split_persons(text) == expected


# --- writer: the common "Family, Given" name written without escaping or groups -----------

from converters.formats.bibtex import writer  # noqa: E402
from converters.model import Name  # noqa: E402


def _plain_name_by_parts(family: str, given: str) -> bool:
    """The condition part by part, as the writer first wrote it."""
    return bool(writer._PLAIN_PART.fullmatch(family) and writer._PLAIN_GIVEN.fullmatch(given)
                and "--" not in family + given and "''" not in family + given and family.lower() != "and"
                and ("nd" not in given.lower() or writer._AND_WORD.search(given) is None))


_NAME_TEXT = st.one_of(
    st.sampled_from(["And", "AND", "and", "Anderson", "Smith", "J.", "J.-P.", "O'Neil", "A''", "Van", "Y And", "Andy",
                     "A.And", "Z and", "M", "Mc-", "A--B", "Jo And Al"]),
    st.text(alphabet="AaNnDdJ .,'-", min_size=1, max_size=8))


@settings(max_examples=3000)
@given(_NAME_TEXT, _NAME_TEXT)
def test_plain_name_shortcut_matches_the_part_by_part_check(family, given_name):
    written = writer._name(Name(family=family, given=given_name), "ascii")
    assert (written == f"{family}, {given_name}") >= _plain_name_by_parts(family, given_name)
    shortcut = writer._plain_name(family, given_name)
    assert (shortcut is not None) == _plain_name_by_parts(family, given_name)


@pytest.mark.parametrize("family, given_name, written", [
    ("Smith", "John A.", "Smith, John A."),
    ("And", "John", "{And}, John"),  # the word "and" would split the list
    ("Smith", "John And", "Smith, {John And}"),
    ("Anderson", "Andy", "Anderson, Andy"),
])
def test_plain_names_written(family, given_name, written):
    assert writer._name(Name(family=family, given=given_name), "ascii") == written
