"""Diagnostics for people: the message, the source line and a caret under the column.

    listing.txt:9:10: error: bad Created date '2021-02-31': expected ... [arXiv:2101.00002]
        9 | Created: 2021-02-31
          |          ^
          = hint: ...

The first line keeps the ``file:line:col: severity: message`` form editors and CI
parse; the excerpt follows when the source can be read again (not for stdin).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from .diagnostics import Diagnostic


def source_lines(path: str | None, numbers: Iterable[int], encoding: str = "utf-8") -> dict[int, str]:
    """The wanted lines of a file, in one streaming pass (files may be huge)."""
    wanted = set(numbers)
    if not path or not wanted or not os.path.isfile(path):
        return {}
    found: dict[int, str] = {}
    last = max(wanted)
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            for number, line in enumerate(handle, 1):
                if number in wanted:
                    found[number] = line.rstrip("\r\n")
                if number >= last:
                    break
    except OSError:
        return {}
    return found


def render(diag: Diagnostic, line_text: str | None = None) -> str:
    head = Diagnostic(diag.code, diag.severity, diag.message, diag.source, diag.line, diag.column,
                      diag.key).render()
    out = [head]
    if line_text is not None and diag.line is not None:
        gutter = " " * len(str(diag.line))
        shown = line_text.expandtabs(4)
        column: int | None
        if len(shown) > 160:  # a minified or single-line file: show the part around the column
            start = max(0, (diag.column or 1) - 80)
            shown = ("…" if start else "") + shown[start : start + 160]
            column = (diag.column or 1) - start + (1 if start else 0)
        else:
            column = diag.column
        out.append(f"    {diag.line} | {shown}")
        if column:
            out.append(f"    {gutter} | {' ' * (column - 1)}^")
    if diag.hint:
        out.append(f"    {' ' * len(str(diag.line or ''))} = hint: {diag.hint}")
    return "\n".join(out)


def render_all(diagnostics: list[Diagnostic], encoding: str = "utf-8") -> list[str]:
    by_source: dict[str | None, set[int]] = {}
    for diag in diagnostics:
        if diag.line is not None:
            by_source.setdefault(diag.source, set()).add(diag.line)
    lines = {source: source_lines(source, numbers, encoding) for source, numbers in by_source.items()}
    return [render(d, lines.get(d.source, {}).get(d.line) if d.line is not None else None) for d in diagnostics]
