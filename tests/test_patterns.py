"""converters/text/patterns.py: the matchers typed as never failing, and the check that they cannot."""

from __future__ import annotations

import re

import pytest

from converters.text.patterns import matcher


def test_a_pattern_that_matches_nothing_matches_at_every_position():
    space = matcher(r"[ \t]*")
    assert [space("a  b", pos).end() for pos in range(5)] == [0, 3, 3, 3, 4]


def test_flags_are_passed_on():
    assert matcher(r"[^x]*", re.DOTALL)("a\nbx", 0).end() == 3


@pytest.mark.parametrize("pattern", [r"\s+", r"a", r"(?:b)?c*d"])
def test_a_pattern_that_can_fail_to_match_is_refused(pattern):
    with pytest.raises(ValueError, match="can fail to match"):
        matcher(pattern)
