"""Issue 11: on tugboat.bib -> CSL-JSON no title loses a word its TeX has.

tugboat.bib (../shared/corpus/bibtex/beebe) is the TeX-heaviest real .bib file we have:
1,608 titles with logos (\\TeX, \\MF), text macros (\\slash, \\Dash) and its own
macros (\\acro, \\pkg). Before the TeX tables, 1,597 of them lost a word.

The rule, for each record with a title, comparing its TeX source with the CSL title:
- a word is an alphabetic token of the source of at least two letters: a run of letters
  (``Schr\\"odinger`` gives "Schr" and "odinger", so accents cannot hide a loss), or the
  name of a macro with a capital letter that is not a character or symbol macro
  (``\\TeX``, ``\\MF``; not ``\\AA`` or ``\\Dash``, which print a letter or a dash);
- the CSL title, without its CSL tags, must contain each word, compared casefolded and
  without diacritics (ł, ø, ß, æ, œ, ı spelled as l, o, ss, ae, oe, i); a logo macro may
  appear as its name or as the text it prints (``\\MF`` as METAFONT).
Case-folding keeps the check to lost or changed words, never to letter case.
"""

from __future__ import annotations

import json
import re
import unicodedata

import converters
from converters.text.tex_tables import LOGOS, SYMBOLS, pylatexenc_tables
from tests.shared import shared_path

_FOLD = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "đ": "d", "ð": "d", "þ": "th"})
_CSL_TAG = re.compile(r"</?(?:i|b|sup|sub|span)(?:\s[^>]*)?>")
_TOKEN = re.compile(r"\\([A-Za-z]+)|([^\W\d_]{2,})")
_LETTER_MACROS = {"AA", "AE", "OE", "SS"}
_KERN = re.compile(r"\\m?kern\s*[-+]?\s*[\d.,]+\s*(?:em|ex|pt|pc|in|cm|mm|bp|dd|cc|sp|mu)")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c)).translate(_FOLD)


def _words(tex_source: str) -> list[tuple[str, tuple[str, ...]]]:
    """(word as written, spellings that count as kept) for each word of the source."""
    symbols = pylatexenc_tables().symbols
    words = []
    tex_source = _KERN.sub("", tex_source)  # its unit (em) is no word: GUT\kern-.03emenberg is "GUTenberg"
    for match in _TOKEN.finditer(tex_source):
        name, letters = match.groups()
        if letters:
            words.append((letters, (letters,)))
        elif (len(name) >= 2 and any(c.isupper() for c in name) and name not in _LETTER_MACROS
              and name not in SYMBOLS and name not in symbols):
            words.append(("\\" + name, (name, LOGOS.get(name, name))))
    return words


def test_no_tugboat_title_loses_a_word_in_csl_json():
    path = shared_path("corpus", "bibtex", "beebe", "tugboat.bib")
    records = [record for record in converters.load(path).records
               if record.title is not None and "\\" in record.title.value]
    items = json.loads(converters.dumps(records, "csl-json"))
    assert len(items) == len(records) > 1500  # the 1,608 titles with macros the issue counted
    lost = 0
    examples = []
    for record, item in zip(records, items, strict=True):
        source = record.title.value
        title = _fold(_CSL_TAG.sub("", item.get("title", "")))
        missing = [word for word, spellings in _words(source) if not any(_fold(s) in title for s in spellings)]
        if missing:
            lost += 1
            examples.append((item["id"], source, item.get("title"), missing))
    assert lost == 0, examples[:10]
