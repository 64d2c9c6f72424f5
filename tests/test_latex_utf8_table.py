"""The table of characters pdflatex takes as UTF-8 (tex_tables.LATEX_UTF8_RANGES) is declared by the
installed LaTeX for the encodings of a T1 document (it was read off TeX Live 2022's), and the writer
leans on it."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from converters.text.tex_encode import combining_to_macros
from converters.text.tex_tables import LATEX_UTF8_RANGES

DECLARED = re.compile(r"\\DeclareUnicodeCharacter\{([0-9A-Fa-f]+)\}")


def _table() -> set[int]:
    return {code for first, last in LATEX_UTF8_RANGES for code in range(first, last + 1)}


@pytest.mark.skipif(shutil.which("kpsewhich") is None, reason="no TeX installation (kpsewhich) to compare with")
def test_every_character_in_the_table_is_declared_by_the_installed_latex():
    declared: set[int] = set()
    for name in ("ot1enc.dfu", "t1enc.dfu", "ts1enc.dfu", "omsenc.dfu"):
        path = subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout.strip()
        if not path:
            pytest.skip(f"{name} is not installed")
        declared |= {int(code, 16) for code in DECLARED.findall(Path(path).read_text(encoding="latin-1"))}
    # what refconv writes raw must be set up; a newer LaTeX may declare more (then the table is merely cautious)
    assert _table() <= declared, sorted(hex(c) for c in _table() - declared)


def test_every_letter_outside_the_table_with_ascii_base_and_known_accents_becomes_macros():
    table = _table()
    for code in (0x1EBF, 0x0227, 0x1E3F, 0x1EA1, 0x01FA):
        char = chr(code)
        assert code not in table
        written = combining_to_macros(char)
        assert written.isascii() and written.startswith("{\\"), (hex(code), written)


def test_letters_in_the_table_are_left_as_they_are():
    for code in sorted(_table()):
        char = chr(code)
        if unicodedata.normalize("NFC", char) != char:  # U+2126 OHM SIGN is Ω to NFC, as everywhere
            continue
        assert combining_to_macros(char) == char
