"""Caching for text that recurs.

Names, titles of venues and TeX atoms recur across records; abstracts do not. Caching
only short strings, in caches of a fixed size, keeps the speed-up while memory stays
flat however long the input is.
"""

from __future__ import annotations

from functools import lru_cache, wraps


def cache_short(maxsize: int, longest: int = 160):
    """lru_cache for calls whose first argument is a string of at most ``longest`` characters."""

    def decorate(function):
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(value, *args):
            return cached(value, *args) if len(value) <= longest else function(value, *args)

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return call

    return decorate
