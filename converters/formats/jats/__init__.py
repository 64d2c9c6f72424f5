"""JATS XML: the reader (safe against hostile XML) and the writer.

``reader`` reads references and, with ``Options.jats_front``, front matter;
``writer`` writes JATS 1.4 Archiving. ``safety`` holds every guard on the XML
(entities, DTDs, XInclude, size, broken documents).
"""

from typing import TYPE_CHECKING

from .. import lazy_exports

if TYPE_CHECKING:
    from .reader import detect, read
    from .types import DEFAULT_PUBLICATION_TYPE, PUBLICATION_TYPES
    from .writer import write

__all__ = ["DEFAULT_PUBLICATION_TYPE", "PUBLICATION_TYPES", "detect", "read", "write"]

__getattr__ = lazy_exports(__name__, {
    "detect": "reader", "read": "reader", "DEFAULT_PUBLICATION_TYPE": "types", "PUBLICATION_TYPES": "types",
    "write": "writer",
})
