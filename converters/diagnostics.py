"""Diagnostics are values with positions; the CLI renders them, the library returns them.

Severity rules: an ``error`` means a record (or a whole input) was not converted;
a ``warning`` means it was converted but something needs a look; ``info`` records a
decision the user may want to know about (a field a target cannot carry, a guess).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from .extras import Extra

if TYPE_CHECKING:
    from .loss import LossTally


class Severity(StrEnum):
    """How bad a diagnostic is: an error lost a record or an input, a warning needs a look,
    info records a decision (a format guessed, a field a target cannot carry)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem or decision, as a value: where (source, line, column, record key,
    field), what (a stable ``code`` and a message) and what to do (``hint``)."""

    code: str  # stable machine name, e.g. "listing.bad-id"
    severity: Severity
    message: str
    source: str | None = None
    line: int | None = None
    column: int | None = None
    key: str | None = None  # the record's key or id (or the last good one before it)
    hint: str | None = None
    field: str | None = None  # the field concerned, for losses and field-level problems

    def render(self) -> str:
        """``file:line[:col]: severity: message [record] (hint)`` as compilers print it."""
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.key:
            text += f" [{self.key}]"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def to_json(self) -> str:
        """One JSON object (fields that are None left out), as ``--log json`` prints it."""
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, ensure_ascii=False)


@dataclass
class Reporter:
    """Collects the diagnostics of one input or output; readers and writers get one."""

    source: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: int = 0  # records not converted
    format: str | None = None  # the format read or written, once known
    # given, write.lost/write.moved are counted there instead of kept in diagnostics (the CLI
    # does this when it only prints the totals: flat memory at any size); None keeps them all
    losses: LossTally | None = None

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
        hint: str | None = None,
        field: str | None = None,
        record=None,
    ) -> Diagnostic:
        """``record``: a writer's diagnostic about a record points at the record's place in its
        input (file and line), not at the output, where the user cannot look it up."""
        source = self.source
        position = getattr(record, "position", None)
        if position is not None and line is None:
            source, line = position.source or source, position.line
        diag = Diagnostic(code, severity, message, source, line, column, key, hint, field)
        self.diagnostics.append(diag)
        return diag

    def error(self, code: str, message: str, **where) -> Diagnostic:
        """A record was not converted: counts one failure."""
        self.failed += 1
        return self.add(Severity.ERROR, code, message, **where)

    def warning(self, code: str, message: str, **where) -> Diagnostic:
        return self.add(Severity.WARNING, code, message, **where)

    def info(self, code: str, message: str, **where) -> Diagnostic:
        return self.add(Severity.INFO, code, message, **where)

    def lost(self, key: str | None, field_name: str | Extra, target: str, where: str | None = None, *,
             record=None, value: str | None = None) -> Diagnostic | None:
        """A value the target cannot carry: say where it went instead, or that it was dropped.

        ``field_name``: a record field ("ids.pmid"), a CSL variable, or an extra's key (named
        in its text form; an extra that only says how the source wrote carried data is no loss).
        With ``record``, the diagnostic points at the record's place in its input.
        """
        if isinstance(field_name, Extra):
            if field_name.is_source_form:
                return None
            field_name = str(field_name)
        shown = f"'{field_name}'" + (f" ({value})" if value else "")
        if where:
            message = f"{target} has no field for {shown}; written to {where}"
        else:
            message = f"{target} cannot carry {shown}; dropped"
        position = getattr(record, "position", None)
        diag = Diagnostic("write.lost" if not where else "write.moved", Severity.INFO, message,
                          position.source if position else self.source,
                          position.line if position else None, None, key, None, field_name)
        if self.losses is not None:
            self.losses.add(diag)
        else:
            self.diagnostics.append(diag)
        return diag


class ConversionError(Exception):
    """Raised by the library when an input cannot be read at all (not per-record problems)."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = diagnostics or []


class UsageError(ValueError):
    """A caller asked for something that does not exist (unknown format, bad option)."""
