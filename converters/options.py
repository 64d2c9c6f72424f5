"""One policy object for readers and writers (no global switches).

The general options are this class's fields; each format's own options (``ris_type``,
``jats_mode`` ...) are declared in its registry entry and read here as attributes.
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass, field, fields
from types import FrameType
from typing import Any

from . import registry
from .diagnostics import UsageError


@dataclass(frozen=True, init=False)  # no slots: a format's option is a plain instance attribute (fast)
class Options:
    """The options of one conversion: ``Options(ris_type="JOUR", key_pattern="[auth][year]")``.

    Takes the general options below and every option a format declares
    (``registry.declared_options()``, listed in the README); unknown names and values a
    declaration does not allow raise ``UsageError``. A format's option reads as an
    attribute, ``options.ris_type``, with its declared default when not given.
    """

    # metadata: the README's option table (converters/option_tables.py); "flag" where the
    # command line's differs from --name-with-dashes
    keep_keys: bool = field(default=True, metadata={
        "flag": "--new-keys", "help": "Keep the citation keys the input gives; false (--new-keys) makes new ones"})
    key_pattern: str | None = field(default=None, metadata={
        "help": "Citation key pattern, e.g. [auth:lower][year][shorttitle:3]; unset: the default (see Citation keys)"})
    target: str | None = field(default=None, metadata={
        "flag": "--for", "help": "The importer the output is shaped for (zotero; see Import targets); "
                                 "unset: plain standard output"})
    format_values: dict[str, Any] = field(default_factory=dict, hash=False, repr=False, metadata={"internal": True})

    def __init__(self, **options: Any) -> None:
        declared = registry.declared_options()
        values = {name: option.default for name, (option, _) in declared.items()}
        general = {f.name: f for f in fields(Options) if not f.metadata.get("internal")}
        for name, f in general.items():
            object.__setattr__(self, name, f.default)
        clash = sorted(name for name in declared if hasattr(Options, name))
        if clash:
            raise UsageError(f"a format declares option(s) {', '.join(clash)}, which Options already has")
        unknown = []
        for name, value in options.items():
            name = _current_name(name)
            if name in general:
                object.__setattr__(self, name, value)
            elif name in declared:
                values[name] = declared[name][0].check(value)
            else:
                unknown.append(name)
        if unknown:
            known = ", ".join(sorted([*general, *declared]))
            raise UsageError(f"unknown option(s) {', '.join(sorted(unknown))}; known: {known}")
        object.__setattr__(self, "format_values", values)
        for name, value in values.items():  # read per record by the writers: plain attributes, no lookup hook
            object.__setattr__(self, name, value)
        if self.key_pattern is not None:
            from .keys import check_pattern

            try:
                check_pattern(self.key_pattern)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        if self.target is not None:
            from .targets import TARGETS

            if self.target not in TARGETS:
                raise UsageError(f"target must be one of {', '.join(sorted(TARGETS))}, got {self.target!r}")

    def __getattr__(self, name: str) -> Any:
        """Only for names that are not attributes: a former option name, or an unknown one."""
        if name.startswith("__") or name == "format_values":  # copy, pickle: not options
            raise AttributeError(name)
        current = _current_name(name)
        if current != name:
            return getattr(self, current)
        raise AttributeError(f"no option {name!r}; known: {', '.join(sorted(self.format_values))}")

    def __repr__(self) -> str:
        given = {f.name: getattr(self, f.name) for f in fields(self) if not f.metadata.get("internal")}
        return f"Options({', '.join(f'{k}={v!r}' for k, v in {**given, **self.format_values}.items())})"

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        """``Options(**kwargs)``, where a value of None means the option's default."""
        return cls(**{k: v for k, v in kwargs.items() if v is not None})


def _current_name(name: str) -> str:
    """The name an option has now; a former name still works, with a DeprecationWarning."""
    for option, _ in registry.declared_options().values():
        if name in option.deprecated:
            warnings.warn(f"option {name} is now called {option.name}", DeprecationWarning,
                          stacklevel=_outside_the_package())
            return option.name
    return name


def _outside_the_package() -> int:
    """The stack level of the first caller outside refconv, so the warning names (and by
    Python's default filters is shown to) the code that used the old name."""
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
