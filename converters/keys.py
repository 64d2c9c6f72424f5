"""Citation keys: stable, unique within one output, never empty.

Default pattern: the first author's family name, the year and the first significant
title word, ASCII-folded and lowercased (``guo2025deepseekr1``). Without an author or
title the arXiv id stands in (``arXiv:2501.04520``). Keys given by the input are kept.
Clashes get ``a``, ``b``, ... suffixes in input order, so the same input always yields
the same keys.
"""

from __future__ import annotations

import re
import unicodedata

from .model import Record

STOPWORDS = frozenset(
    """a an the and or of on in at to for from with by via as is are be into over under
    about towards toward its their our your his her""".split()
)

_NOT_KEY = re.compile(r"[^a-z0-9]")
_UNSAFE_KEY = re.compile(r"[\s,{}()=#%\"'\\~]")


def ascii_fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ø", "o").replace("Ø", "O")
                                   .replace("ł", "l").replace("Ł", "L").replace("æ", "ae").replace("đ", "d"))
    return folded.encode("ascii", "ignore").decode("ascii")


def _slug(text: str) -> str:
    return _NOT_KEY.sub("", ascii_fold(text).lower())


def default_key(record: Record) -> str:
    family = ""
    if record.authors:
        first = record.authors[0]
        family = _slug(first.literal or first.family or first.given or "")
    elif record.editors:
        first = record.editors[0]
        family = _slug(first.literal or first.family or first.given or "")
    word = ""
    if record.title:
        for token in record.title.plain().split():
            slug = _slug(token)
            if slug and slug not in STOPWORDS and not token.startswith("$"):
                word = slug
                break
    year = str(record.issued.year) if record.issued and record.issued.year else ""
    if family or (word and not record.ids.arxiv):
        return f"{family}{year}{word}" or "ref"
    if record.ids.arxiv:
        return f"arXiv:{record.ids.arxiv}"
    if record.ids.doi:
        return _UNSAFE_KEY.sub("", record.ids.doi[0])
    return f"ref{year}"


class KeyAllocator:
    """Hands out keys for one output file."""

    def __init__(self, keep_input_keys: bool = True):
        self.keep_input_keys = keep_input_keys
        self.used: set[str] = set()
        self.next_suffix: dict[str, int] = {}  # per base: where the last clash search ended

    def key_for(self, record: Record) -> str:
        base = record.key if (self.keep_input_keys and record.key) else default_key(record)
        base = _UNSAFE_KEY.sub("", base) or "ref"
        key = base
        suffix = self.next_suffix.get(base, 0)
        while key in self.used:
            key = base + _letters(suffix)
            suffix += 1
        self.next_suffix[base] = suffix
        self.used.add(key)
        return key


def _letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, ..."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(97 + rem) + out
    return out


_XML_ID_BAD = re.compile(r"[^A-Za-z0-9._-]")


def xml_id(key: str) -> str:
    """A key as an XML ID (NCName) for JATS ``ref/@id``."""
    value = _XML_ID_BAD.sub("-", key)
    return value if value[:1].isalpha() or value[:1] == "_" else f"r{value}"
