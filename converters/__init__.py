"""refconv: convert bibliographic records between formats.

    >>> import converters
    >>> result = converters.load("listing.txt")          # format guessed
    >>> text = converters.dumps(result, "csl-json")
    >>> result.diagnostics                               # problems as values

Every reader produces the canonical ``Record``; every writer consumes it.
"""

from .api import Conversion, Result, convert, dump, dumps, iter_load, load, loads
from .diagnostics import ConversionError, Diagnostic, Severity, UsageError
from .model import Date, Identifiers, Name, Record, Syntax, Text
from .options import Options
from .registry import Format, all_formats

__all__ = [
    "Conversion",
    "ConversionError",
    "Date",
    "Diagnostic",
    "Format",
    "Identifiers",
    "Name",
    "Options",
    "Record",
    "Result",
    "Severity",
    "Syntax",
    "Text",
    "UsageError",
    "all_formats",
    "convert",
    "dump",
    "dumps",
    "iter_load",
    "load",
    "loads",
]
