"""One module per format, each with ``detect``, ``read`` and/or ``write``.

Reader: ``read(stream, report, options) -> Iterator[Record]`` (errors go to ``report``).
Writer: ``write(records, out, report, options) -> int`` (records written).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], object]:
    """A package's ``__getattr__`` (PEP 562) importing a name's submodule on first use.

    ``exports`` maps a name to ``"module"`` or ``"module:name"``. Converting BibTeX to
    CSL-JSON then imports the BibTeX reader but never the BibTeX writer and the TeX encoder
    behind it: whole-process time of a short conversion is mostly imports."""

    def __getattr__(name: str) -> object:
        where = exports.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = where.partition(":")
        value = getattr(importlib.import_module(f"{package}.{module}"), attribute or name)
        setattr(sys.modules[package], name, value)  # later look-ups do not come here
        return value

    return __getattr__
