"""Caching for text that recurs.

Names, titles of venues and TeX atoms recur across records; abstracts do not. Caching
only short strings, in caches of a fixed size, keeps the speed-up while memory stays
flat however long the input is.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


def cache_short(maxsize: int, longest: int = 160) -> Callable[[F], F]:
    """lru_cache for calls whose first argument is a string of at most ``longest`` characters.
    The decorated function keeps its signature for type checkers."""

    def decorate(function: F) -> F:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(value: str, *args: Any) -> Any:
            return cached(value, *args) if len(value) <= longest else function(value, *args)

        # as lru_cache's own wrapper has them (a plain function is typed without)
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return cast(F, call)  # once per decorated function, not per call

    return decorate
