"""Two-way mapping tables, and the one small engine that applies a table in either direction.

A format's table is a tuple of ``Rule``s. A rule names the record variable, the format's
fields that hold it (read: the first present, in order; written: the first, or the name the
format's writer gives for the dialect it writes) and a ``Conversion``, whose ``read`` and
``write`` stand side by side, so what a reader takes and what its writer gives back cannot
drift apart. ``when`` says where the rule holds (the types of entry or RIS record; None:
every type).

``read(table, source)`` takes, for each rule that holds, the first of its fields the source
has, converts it and puts the value in the record being built; a field the conversion does not
take (None) is given back, and every field no rule consumed stays with the source, whose
reader keeps it in extras or reports it. ``write(table, sink)`` converts each variable the
record has back, under its rule's field. The source and the sink are the format's own (they
know its entries, its escaping and its report); the engine knows only the order of things.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

S = TypeVar("S", contravariant=True)
K = TypeVar("K", contravariant=True)


class Conversion(Protocol[S, K]):
    """A field's value to a record value and back, for one kind of rule."""

    name: str  # the README's word for it

    def read(self, source: S, rule: Rule, field: str, value: Any) -> Any:
        """The record's value of ``value`` (field ``field``), or None: not taken, given back."""

    def write(self, sink: K, rule: Rule, field: str, value: Any) -> Any:
        """The field's value of the record's ``value``, or None: nothing (more) to write."""


C = TypeVar("C", bound=Conversion)


@dataclass(frozen=True, slots=True)
class Rule(Generic[C]):
    variable: str  # the record's: a CSL variable of its typed maps
    fields: tuple[str, ...]  # the format's, in precedence order
    how: C
    when: frozenset[str] | None = None  # the types the rule holds for; None: every type
    written_as: str | None = None  # the field a dialect's writer uses instead of fields[0] (classic BibTeX)

    def holds(self, kind: str) -> bool:
        return self.when is None or kind in self.when


class Source(Protocol):
    @property
    def kind(self) -> str:
        """The entry's or record's type, as ``Rule.when`` names them."""

    def take_for(self, rule: Rule) -> tuple[str, Any] | None:
        """The first field of the rule the source has, consumed; None if it has none."""

    def give_back(self, field: str) -> None:
        """A field the conversion did not take: it stays for extras."""

    def put(self, rule: Rule, value: Any) -> None:
        """The record's value of the rule's variable."""


class Sink(Protocol):
    @property
    def kind(self) -> str: ...

    def value(self, rule: Rule) -> Any:
        """The record's value of the rule's variable, None if it has none."""

    def field(self, rule: Rule) -> str:
        """The field the value is written under."""

    def emit(self, field: str, written: Any) -> None:
        """A converted value, written."""


def read(table: Iterable[Rule], source: Source) -> None:
    for rule in table:
        if not rule.holds(source.kind):
            continue
        found = source.take_for(rule)
        if found is None:
            continue
        field, raw = found
        value = rule.how.read(source, rule, field, raw)
        if value is None:
            source.give_back(field)
        else:
            source.put(rule, value)


def write(table: Iterable[Rule], sink: Sink) -> None:
    for rule in table:
        if not rule.holds(sink.kind):
            continue
        value = sink.value(rule)
        if value is None:
            continue
        field = sink.field(rule)
        written = rule.how.write(sink, rule, field, value)
        if written is not None:
            sink.emit(field, written)
