"""Month and season names: one table for every reader and writer (data).

Reading: English names and their abbreviations, and the French, German and Spanish names met
in real files (Beebe's .bib files, archaeologie-examples.bib, JATS from Latin-American
publishers), with and without accents. Writing: BibTeX's month macros and English names.
"""

from __future__ import annotations

ENGLISH = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")

# BibTeX's built-in month macros (jan ... dec), which every .bib reader knows
MACROS = tuple(name[:3].lower() for name in ENGLISH)

# Every spelling read as a month, lower case, without a final full stop
_SPELLINGS = (
    "jan january janv janvier januar ene enero",
    "feb february febr fev fevr février fevrier februar febrero",
    "mar march mars märz marz marzo",
    "apr april avr avril abr abril",
    "may mai mayo",
    "jun june juin juni junio",
    "jul july juil juillet juli julio",
    "aug august août aout ago agosto",
    "sep sept september septembre septiembre",
    "oct october octobre oktober octubre",
    "nov november novembre noviembre",
    "dec december décembre decembre dezember dic diciembre",
)
MONTHS: dict[str, int] = {name: number for number, names in enumerate(_SPELLINGS, 1) for name in names.split()}

# CSL's season numbers (1 spring .. 4 winter); EDTF writes them 21 .. 24
SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
SEASON_NAMES = ("Spring", "Summer", "Autumn", "Winter")


def month_number(word: str) -> int | None:
    """The month a name or abbreviation means ("Sept.", "janvier", "Dic"), or None."""
    return MONTHS.get(word.strip().lower().rstrip("."))
