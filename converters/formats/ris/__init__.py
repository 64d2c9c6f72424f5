"""RIS: the reader (``reader.py``), the writer (``writer.py``) and their tables (``tables.py``)."""

from typing import TYPE_CHECKING

from .. import lazy_exports

if TYPE_CHECKING:
    from .reader import read
    from .tables import DEFAULT_RIS_TYPE, RIS_TO_CSL, RIS_TYPES
    from .writer import detect, write

__all__ = ["DEFAULT_RIS_TYPE", "RIS_TO_CSL", "RIS_TYPES", "detect", "read", "write"]

__getattr__ = lazy_exports(__name__, {
    "read": "reader", "DEFAULT_RIS_TYPE": "tables", "RIS_TO_CSL": "tables", "RIS_TYPES": "tables",
    "detect": "writer", "write": "writer",
})
