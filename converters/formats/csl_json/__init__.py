"""CSL-JSON: the reader (``reader.py``), the writer (``writer.py``) and the vocabulary (``tables.py``)."""

from .reader import read
from .tables import CSL_VARIABLES
from .writer import detect, to_item, write

__all__ = ["CSL_VARIABLES", "detect", "read", "to_item", "write"]
