"""CSL-JSON: the reader (``reader.py``), the writer (``writer.py``) and the vocabulary (``tables.py``)."""

from typing import TYPE_CHECKING

from .. import lazy_exports

if TYPE_CHECKING:
    from .reader import read
    from .tables import CSL_VARIABLES
    from .writer import detect, to_item, write

__all__ = ["CSL_VARIABLES", "detect", "read", "to_item", "write"]

__getattr__ = lazy_exports(__name__, {
    "read": "reader", "CSL_VARIABLES": "tables", "detect": "writer", "to_item": "writer", "write": "writer",
})
