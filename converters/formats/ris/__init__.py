"""RIS: the reader (``reader.py``), the writer (``writer.py``) and their tables (``tables.py``)."""

from .reader import read
from .tables import DEFAULT_RIS_TYPE, RIS_TO_CSL, RIS_TYPES
from .writer import detect, write

__all__ = ["DEFAULT_RIS_TYPE", "RIS_TO_CSL", "RIS_TYPES", "detect", "read", "write"]
