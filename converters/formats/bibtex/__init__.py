"""BibTeX and BibLaTeX: one reader for both dialects, one writer with two faces.

``reader.py`` splits with bibtexparser 2 and interprets (macros, inheritance,
diagnostics); ``mapping.py`` holds the type and field tables; ``writer.py`` writes.
"""

from typing import TYPE_CHECKING

from .. import lazy_exports

if TYPE_CHECKING:
    from .mapping import ENTRY_TYPES as READ_ENTRY_TYPES
    from .reader import detect, read
    from .writer import CONTAINER_FIELD, DEFAULT_ENTRY_TYPE, ENTRY_TYPES, MONTH_MACROS, write, write_biblatex

__all__ = ["CONTAINER_FIELD", "DEFAULT_ENTRY_TYPE", "ENTRY_TYPES", "MONTH_MACROS", "READ_ENTRY_TYPES", "detect",
           "read", "write", "write_biblatex"]

__getattr__ = lazy_exports(__name__, {
    "READ_ENTRY_TYPES": "mapping:ENTRY_TYPES", "detect": "reader", "read": "reader",
    "CONTAINER_FIELD": "writer", "DEFAULT_ENTRY_TYPE": "writer", "ENTRY_TYPES": "writer", "MONTH_MACROS": "writer",
    "write": "writer", "write_biblatex": "writer",
})
