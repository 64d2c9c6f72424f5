"""Citation keys: stable, unique within one output, never empty.

Default pattern: the first author's family name, the year and the first significant
title word, ASCII-folded and lowercased (``guo2025deepseekr1``). Without an author or
title the arXiv id stands in (``arXiv:2501.04520``). Keys given by the input are kept.
Clashes get ``a``, ``b``, ... suffixes in input order, so the same input always yields
the same keys. Keys that differ only in case clash: BibTeX and biber take them for one.
"""

from __future__ import annotations

import re
from array import array

try:  # CPython's own blake2; hashlib would also load OpenSSL (3 ms of a one-record run)
    from _blake2 import blake2b as _blake2b
except ImportError:  # another Python
    from hashlib import blake2b as _blake2b

from .model import Record

STOPWORDS = frozenset(
    """a an the and or of on in at to for from with by via as is are be into over under
    about towards toward its their our your his her""".split()
)

_NOT_KEY = re.compile(r"[^a-z0-9]")
_UNSAFE_KEY = re.compile(r"[\s,{}()=#%\"'\\~]")


def ascii_fold(text: str) -> str:
    """Transliterate to ASCII (Øbro -> Obro, Gauß -> Gauss, 王小明 -> WangXiaoMing)."""
    from anyascii import anyascii

    return anyascii(text)


def ascii_key(key: str) -> str:
    """``key`` transliterated to ASCII, still a safe key (``Müller2020`` -> ``Muller2020``,
    ``王2021`` -> ``Wang2021``). The same key always gives the same result, so a crossref
    naming it still finds it."""
    if key.isascii():
        return key
    return _UNSAFE_KEY.sub("", ascii_fold(key)) or "ref"


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


# --- key patterns ---------------------------------------------------------------------
# "[auth:lower][year][shorttitle:3]": fields in brackets, modifiers after colons, any
# other text literal (the legacy Better BibTeX syntax people already know).

_PATTERN_PART = re.compile(r"\[([a-z]+)((?::[a-z0-9]+)*)\]|([^\[\]]+)")


def _significant_words(record: Record) -> list[str]:
    if not record.title:
        return []
    words = [_slug_keep_case(w) for w in record.title.plain().split() if not w.startswith("$")]
    return [w for w in words if w and w.lower() not in STOPWORDS]


def _slug_keep_case(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", ascii_fold(text))


def _families(record: Record) -> list[str]:
    names = record.authors or record.editors
    return [_slug_keep_case(n.literal or n.family or n.given or "") for n in names]


def _field(record: Record, name: str, count: int | None) -> str:
    words = _significant_words(record)
    families = _families(record)
    if name == "auth":
        return families[0] if families else ""
    if name == "authors":
        return "".join(families[: count or 3])
    if name == "year":
        return str(record.issued.year) if record.issued and record.issued.year else ""
    if name in ("title", "veryshorttitle"):
        return words[0] if words else ""
    if name == "shorttitle":
        return "".join(w[:1].upper() + w[1:] for w in words[: count or 3])
    if name == "firstpage":
        return (record.pages or "").split("-")[0].strip()
    if name == "arxiv":
        return record.ids.arxiv.replace("/", "") if record.ids.arxiv else ""
    if name == "key":
        return record.key or ""
    raise ValueError(f"unknown key pattern field [{name}]")


PATTERN_FIELDS = ("auth", "authors", "year", "title", "veryshorttitle", "shorttitle", "firstpage", "arxiv", "key")


def check_pattern(pattern: str) -> None:
    """Raise ValueError for a pattern with unknown fields or modifiers."""
    for match in _PATTERN_PART.finditer(pattern):
        if match.group(1):
            if match.group(1) not in PATTERN_FIELDS:
                raise ValueError(f"unknown key pattern field [{match.group(1)}]; known: {', '.join(PATTERN_FIELDS)}")
            for modifier in filter(None, match.group(2).split(":")):
                if modifier not in ("lower", "upper") and not modifier.isdigit():
                    raise ValueError(f"unknown key pattern modifier :{modifier}; known: :lower, :upper, :N")
    if "".join(m.group() for m in _PATTERN_PART.finditer(pattern)) != pattern:
        raise ValueError(f"key pattern {pattern!r} has an unbalanced '[' or ']'")


def pattern_key(record: Record, pattern: str) -> str:
    out = []
    for match in _PATTERN_PART.finditer(pattern):
        if match.group(3):
            out.append(match.group(3))
            continue
        modifiers = [m for m in match.group(2).split(":") if m]
        count = next((int(m) for m in modifiers if m.isdigit()), None)
        value = _field(record, match.group(1), count)
        if count and match.group(1) not in ("authors", "shorttitle"):  # there :N counts words
            value = value[:count]
        if "lower" in modifiers:
            value = value.lower()
        if "upper" in modifiers:
            value = value.upper()
        out.append(value)
    return "".join(out)


class DigestSet:
    """A set of strings held as 64-bit blake2b digests in an open-addressing ``array('Q')``.

    8 bytes a slot and at most half the slots full: 16-32 bytes per string, where a
    ``set[str]`` holds 100-135 with its strings (measured for citation keys). blake2b, not
    ``hash()``, so the same strings behave the same in every run, whatever PYTHONHASHSEED.

    Two different strings with the same digest count as one: the second is taken for
    already present. In a KeyAllocator that can only give a key a suffix it did not need;
    it can never hand out a key twice, since the same key always has the same digest. The
    chance of any such pair among n keys is about n^2 / 2^65: 3e-8 for 1,000,000 keys.
    """

    __slots__ = ("_count", "_mask", "_table")

    def __init__(self, capacity: int = 64):
        size = 64
        while size < capacity * 2:
            size *= 2
        self._table = array("Q", _ZERO_SLOT) * size
        self._mask = size - 1
        self._count = 0

    @staticmethod
    def digest(text: str) -> int:
        """Never 0: 0 marks an empty slot."""
        return _from_bytes(_blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little") or 1

    def __len__(self) -> int:
        return self._count

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str):
            return False
        digest = self.digest(text)
        table, mask = self._table, self._mask
        slot = digest & mask
        while True:
            found = table[slot]
            if found == digest:
                return True
            if not found:
                return False
            slot = (slot + 1) & mask

    def add(self, text: str) -> bool:
        """Add ``text``; False if it (or a string with the same digest) was already there."""
        digest = self.digest(text)
        table, mask = self._table, self._mask
        slot = digest & mask
        while found := table[slot]:
            if found == digest:
                return False
            slot = (slot + 1) & mask
        table[slot] = digest
        self._count += 1
        if self._count * 2 > mask:
            self._grow()
        return True

    def _grow(self) -> None:
        old = self._table
        size = len(old) * 2
        table = array("Q", _ZERO_SLOT) * size
        mask = size - 1
        for digest in old:
            if digest:
                slot = digest & mask
                while table[slot]:
                    slot = (slot + 1) & mask
                table[slot] = digest
        self._table, self._mask = table, mask


_ZERO_SLOT = (0,)
_from_bytes = int.from_bytes


class KeyAllocator:
    """Hands out keys for one output file.

    ``used`` holds digests of the keys handed out, lowercased since BibTeX's keys ignore
    case (see DigestSet: ``key.lower() in allocator.used`` works); ``next_suffix``
    remembers, only for bases that clashed, where the suffix search ended, so a base that
    clashes n times costs O(n) in all, not O(n^2).
    """

    def __init__(self, keep_input_keys: bool = True, pattern: str | None = None, *, ascii: bool = False,
                 report=None):
        self.keep_input_keys = keep_input_keys
        self.pattern = pattern
        self.ascii = ascii  # every key transliterated to ASCII (BibTeX --tex ascii: every byte ASCII)
        self.report = report  # a diagnostics.Reporter told, once, that a pattern left input keys as they were
        self.used = DigestSet()
        self.next_suffix: dict[str, int] = {}  # per clashed base: where the last clash search ended

    @classmethod
    def for_options(cls, options, report=None, *, ascii: bool = False) -> KeyAllocator:
        return cls(options.keep_keys, options.key_pattern, ascii=ascii, report=report)

    def _make(self, record: Record) -> str:
        if self.pattern:
            key = pattern_key(record, self.pattern)
            if key.strip():
                return key
        return default_key(record)

    def key_for(self, record: Record) -> str:
        if self.report is not None and self.leaves_pattern(record):
            self._say_pattern_not_applied(record)
        return self.unique(self.base(record))

    def base(self, record: Record) -> str:
        """The key ``record`` asks for, before clashes are resolved (``unique``)."""
        kept = self.keep_input_keys and record.key
        base = _UNSAFE_KEY.sub("", record.key if kept else self._make(record)) or "ref"  # type: ignore[arg-type]
        if self.ascii and not base.isascii():
            base = ascii_key(base)
        return base

    def leaves_pattern(self, record: Record) -> bool:
        """The record keeps its input key although a key pattern was asked for."""
        return bool(self.pattern and self.keep_input_keys and record.key)

    def ref_ids(self) -> XmlIdAllocator:
        """JATS ``ref/@id`` values for the keys this allocator hands out."""
        return XmlIdAllocator(self)

    def _say_pattern_not_applied(self, record: Record) -> None:
        """A key pattern with input keys kept applies only to records without a key. Asked
        for a pattern, a user expects every key to follow it: say so, once per output."""
        self.report.warning("keys.pattern-not-applied", f"key '{record.key}' from the input kept: the key "
                            "pattern applies only to records without a key", key=record.key, record=record,
                            hint="--new-keys (keep_keys=False) applies it to every record")
        self.report = None

    def unique(self, base: str) -> str:
        """``base``, or the first of ``base`` + a, b, ... not yet handed out; it is handed out now."""
        key = base
        used = self.used
        if used.add(key.lower()):
            return key
        suffix = self.next_suffix.get(base.lower(), 0)
        while True:
            key = base + suffix_letters(suffix)
            suffix += 1
            if used.add(key.lower()):
                break
        self.next_suffix[base.lower()] = suffix
        return key


class GivenKeys(KeyAllocator):
    """The keys (and JATS ref ids) the main process handed out for one block of a larger
    output (``parallel.py``), given back in the block's record order. ``warn_at``: the
    block's record that the once-per-output pattern warning is about, if this block has it."""

    def __init__(self, keys: list[str], ids: list[str] | None = None, warn_at: int | None = None,
                 report=None, pattern: str | None = None):
        super().__init__(True, pattern, report=report)
        self.given = keys
        self.ids = ids or []
        self.warn_at = warn_at
        self.index = 0

    def key_for(self, record: Record) -> str:
        if self.index == self.warn_at and self.report is not None:
            self._say_pattern_not_applied(record)
        key = self.given[self.index]
        self.index += 1
        return key

    def ref_ids(self) -> XmlIdAllocator:
        return _GivenIds(self)


def report_change(report, record: Record, written: str) -> None:
    """The input's key written as another (a ``\\cite`` or ``[@key]`` naming it would find
    nothing): say how and why. Writers that write keys call it when input keys are kept."""
    given = record.key
    if not given or written == given:
        return
    base = _UNSAFE_KEY.sub("", given) or "ref"
    why = []
    if base != given:
        dropped = ", ".join(repr(c) for c in dict.fromkeys(_UNSAFE_KEY.findall(given)))
        why.append(f"a key cannot hold {dropped}")
    if not base.isascii() and written.isascii():
        base = ascii_key(base)
        why.append("transliterated: ASCII BibTeX output (--tex ascii, classic BibTeX's default) has ASCII keys")
    if written != base:
        why.append(f"another record in this output has the key '{base}' (letter case aside: BibTeX and "
                   "biber ignore it)")
    report.warning("keys.changed", f"key '{given}' written as '{written}': {'; '.join(why)}", key=written,
                   record=record, hint="a citation of the input's key must name the written one")


def suffix_letters(n: int) -> str:
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


class XmlIdAllocator:
    """Unique ``ref/@id`` values for the keys one KeyAllocator hands out, in the same order.

    Gives exactly what a second ``KeyAllocator(keep_input_keys=True)`` fed
    ``record.evolve(key=xml_id(key))`` gives, without holding every id a second time. Keys
    are unique, and most keys are their own id (``xml_id(key) == key``). So only the ids
    that differ from their record's key are held (``other``); an id that equals an earlier
    key which is its own id was necessarily handed out then (to that record, or earlier to
    another one, which is why that record got a suffix instead). Call ``id_for`` right after
    ``keys.key_for``, once per key.
    """

    def __init__(self, keys: KeyAllocator):
        self.keys = keys
        self.other = DigestSet()  # ids handed out that differ from their record's key
        self.next_suffix: dict[str, int] = {}  # per clashed base, as in KeyAllocator

    def _taken(self, candidate: str, key: str) -> bool:
        folded = candidate.lower()  # the key allocator's keys, and so these ids, ignore case
        return folded in self.other or (folded != key.lower() and folded in self.keys.used
                                        and xml_id(candidate) == candidate)

    def id_for(self, key: str) -> str:
        base = xml_id(key)
        candidate = base
        if self._taken(candidate, key):
            suffix = self.next_suffix.get(base, 0)
            while True:
                candidate = base + suffix_letters(suffix)
                suffix += 1
                if not self._taken(candidate, key):
                    break
            self.next_suffix[base] = suffix
        if candidate != key:
            self.other.add(candidate.lower())
        return candidate


class _GivenIds(XmlIdAllocator):
    """A GivenKeys block's ref ids, in the order its keys were handed out."""

    def __init__(self, keys: GivenKeys):
        super().__init__(keys)
        self.given = keys

    def id_for(self, key: str) -> str:
        return self.given.ids[self.given.index - 1]  # called right after key_for, once per key
