"""Regular expressions that cannot fail to match, typed so.

A pattern that matches the empty string (``\\s*``) matches at every position, but
``Pattern.match`` is typed ``Match | None`` all the same. Its bound ``match``, typed here
once as never returning None, spares the per-character scanners a check or an assert at
every call (and an attribute look-up)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

MatchAt = Callable[[str, int], re.Match[str]]


def matcher(pattern: str, flags: int = 0) -> MatchAt:
    """``re.compile(pattern, flags).match``, for a pattern that matches the empty string."""
    compiled = re.compile(pattern, flags)
    if compiled.match("") is None:
        raise ValueError(f"{pattern!r} can fail to match, so its match can be None")
    return cast(MatchAt, compiled.match)
