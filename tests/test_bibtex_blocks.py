"""blocks.py against bibtexparser, the splitter it stands in for.

The fast splitter must return exactly bibtexparser's blocks (class, key, fields, values, raw
text, line numbers, failed blocks and their reasons) on every corpus file and on generated
text built from the pieces where the rules get subtle; and it must actually take the usual
entries itself (else the speed is silently gone).
"""

from __future__ import annotations

import bibtexparser
import pytest
from bibtexparser import model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converters.formats.bibtex import blocks as fast

from .shared import ids_for, shared_files


def reference(text: str) -> list:
    return [fast._unwrapped(block) for block in bibtexparser.parse_string(text, parse_stack=[]).blocks]


def described(block) -> tuple:
    """What the reader uses of a block, and its line numbers, comparable with ==."""
    if isinstance(block, model.DuplicateFieldKeyBlock):
        return ("duplicate-field", block.start_line, block.raw, described(block.ignore_error_block))
    if isinstance(block, model.ParsingFailedBlock):
        return ("failed", block.start_line, block.raw, getattr(block.error, "abort_reason", str(block.error)))
    fields = tuple((f.key, f.value, f.start_line) for f in getattr(block, "fields", ()))
    return (type(block).__name__, block.start_line, block.raw, getattr(block, "key", None),
            getattr(block, "entry_type", None), getattr(block, "value", None), fields)


class Counting:
    """bibtexparser on a piece, counting the pieces it is given."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def __call__(self, piece: str) -> list:
        self.pieces.append(piece)
        return bibtexparser.parse_string(piece, parse_stack=[]).blocks


def fast_blocks(text: str) -> tuple[list, Counting]:
    parse = Counting()
    return fast.blocks(text, parse), parse


def assert_same_blocks(text: str) -> Counting:
    found, parse = fast_blocks(text)
    assert [described(b) for b in found] == [described(b) for b in reference(text)]
    return parse


CORPUS = shared_files("corpus", "*.bib")


@pytest.mark.parametrize("path", CORPUS, ids=ids_for(CORPUS))
def test_every_corpus_file_splits_as_bibtexparser_splits_it(path):
    assert_same_blocks(path.read_text(encoding="utf-8", errors="surrogateescape"))


def test_corpus_is_there_or_the_comparison_says_it_skipped():
    if not CORPUS:
        pytest.skip("../shared/corpus is absent: the corpus comparison did not run")
    assert len(CORPUS) > 20


USUAL = """% a file as reference managers write it
@article{smith2020,
  author = {Smith, Ann and {\\"O}zkan, Karl},
  title = {A {Nested {Deeply {Braced}}} Title, with a comma},
  journal = "Journal of Things",
  year = 2020,
  month = jan # "~1",
  note = {50\\% off, \\{ escaped brace},
}

@string{jot = "Journal of Things"}
@preamble{ "\\newcommand{\\noopsort}[1]{}" }
@book{doe,title={Book},publisher=jot}
"""


def test_the_usual_shapes_never_reach_bibtexparser():
    parse = assert_same_blocks(USUAL)
    assert parse.pieces == []


def test_an_entry_open_at_a_line_starting_a_block_ends_there_as_in_bibtexparser():
    text = "@article{a,\n  title = {Unclosed\n@book{b, title = {B}}\n"
    parse = assert_same_blocks(text)
    assert parse.pieces  # the broken entry went to bibtexparser ...
    found, _ = fast_blocks(text)
    assert isinstance(found[0], model.ParsingFailedBlock)
    assert isinstance(found[1], model.Entry) and found[1].key == "b"  # ... and the next one is still read


def test_a_failed_block_running_into_the_cut_is_read_again_with_the_text_after_it():
    # bibtexparser's raw for this block runs past the next line's `@book`: a piece cut
    # there would end it at the cut instead
    assert_same_blocks("@article{key\n@book{b, title = {B}}\n@misc{c, note = {C}}\n")


def test_line_numbers_skip_line_ends_after_a_backslash_as_bibtexparser_counts_them():
    text = "@misc{a, note = {one\\\ntwo}}\n\n@misc{b,\n title = {B}}\n"
    parse = assert_same_blocks(text)
    assert parse.pieces == []
    found, _ = fast_blocks(text)
    assert [b.start_line for b in found] == [0, 2]  # 0-based, one line end not counted


def test_a_repeated_field_is_left_to_bibtexparser_which_wraps_the_entry():
    text = "@misc{a, title = {One}, title = {Two}}\n"
    parse = assert_same_blocks(text)
    assert parse.pieces and isinstance(fast_blocks(text)[0][0], model.DuplicateFieldKeyBlock)


# Pieces chosen where bibtexparser's rules are subtle: escaped delimiters, quotes inside and
# outside braces, {"} in quotes, `@` mid-line and at a line start, parentheses, comments.
_PIECES = [
    "@article{", "@book(", "@string{", "@preamble{", "@comment{", "@misc {", "@{", "@STRING{",
    "key", "k2", ",", ", ", "=", " = ", "{", "}", "{}", '"', "{\"}", "\\", "\\{", "\\}", "\\\"", "\\,",
    "\n", "\n  ", "\\\n", "\t", " ", "#", "title", "author", "x", "Ann and Bob", "@", "a@b",
    "\n@book{", "  @misc{", "%", "(", ")", "jan", "2020", "{\\\"o}",
]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_generated_text_splits_as_bibtexparser_splits_it(text):
    assert_same_blocks(text)


_FIELD_VALUES = st.lists(st.sampled_from(['{A}', '"B"', "{x {y} z}", "2020", "jan", 'a # "b"', "{\\\"o}",
                                          "{a, b}", '"a {"} b"', "{1\\}2}", '"q, r"', "{@x}", "{}"]),
                         min_size=1, max_size=6)


@settings(max_examples=500, deadline=None)
@given(st.lists(_FIELD_VALUES, min_size=1, max_size=5), st.booleans())
def test_generated_well_formed_entries_split_as_bibtexparser_splits_them(entries, trailing_comma):
    text = "".join(
        f"@article{{k{i},\n" + ",\n".join(f"  f{j} = {value}" for j, value in enumerate(values))
        + ("," if trailing_comma else "") + "\n}\n\n"
        for i, values in enumerate(entries)
    )
    assert_same_blocks(text)


# Entries shaped as usual, with values drawn from the subtle pieces: most take the fast path
# part of the way, then meet a line-start `@`, an unbalanced brace or quote, a repeated name.
_VALUE_PIECES = st.sampled_from(["{", "}", '"', '{"}', "\\{", "\\}", '\\"', ",", " ", "a", "\n", "\\\n", "#",
                                 "\n@book{", "\n  @misc(", " @x{", "@", "=", "{b}", '"c"', "{@y}", "\n@"])
_ENTRY = st.builds(
    lambda kind, key, fields, tail: f"@{kind}{{{key},"
    + ",".join(f"\n  {name} = {''.join(value)}" for name, value in fields) + f"\n}}{tail}",
    st.sampled_from(["article", "book", "string", "preamble", "comment", "misc"]),
    st.sampled_from(["k", "k2", "", "a b"]),
    st.lists(st.tuples(st.sampled_from(["title", "author", "note", "title "]),
                       st.lists(_VALUE_PIECES, max_size=6)), max_size=4),
    st.sampled_from(["\n", "\n\n", " text between\n", ",\n", "}\n", ""]),
)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ENTRY, min_size=1, max_size=5).map("".join))
def test_generated_entries_with_subtle_values_split_as_bibtexparser_splits_them(text):
    assert_same_blocks(text)
