"""The README's table of CSL variables is the one the mapping tables render."""

from __future__ import annotations

from pathlib import Path

from converters import csl, variable_tables

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_variable_table_is_current():
    text = README.read_text(encoding="utf-8")
    assert variable_tables.render() in text, "run: python -m converters.variable_tables --write README.md"


def test_the_table_has_a_row_for_every_map_variable():
    rows = [line for line in variable_tables.render().splitlines() if line.startswith("| `")]
    assert len(rows) == len(csl.VARIABLES | csl.NAME_VARIABLES | csl.DATE_VARIABLES)
