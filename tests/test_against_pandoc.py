"""Every corpus BibTeX file pandoc reads -> CSL-JSON, compared field by field with pandoc
(`-f biblatex -t csljson`, run once per file, in background threads while refconv reads).

Each disagreement is classified by a mechanical test, never by a reason alone:
  - "letter case only": the values are equal but for letter case (pandoc sentence-cases titles);
  - "refconv writes none" / "pandoc writes none": one side has no such variable;
  - "refconv loses words" / "pandoc loses words": one side has every word of the other and more;
  - "same words, arranged differently": punctuation, spacing, order, name parts;
  - "same numbers, hyphenated differently": ISBN/ISSN digits equal once hyphens are taken out;
  - "differs": each side has words the other lacks.
known_divergences/pandoc-corpus.json explains them: a rule (field, kind, reason) covers a kind
for a field, except in title-like and name fields, where every difference in words is listed
entry by entry with both values, the words only one side has, and a cause chosen by those
words (cause_of): letter by letter, whose text is the other's with words inserted (a "pandoc
loss" or a "refconv loss"), or the same letters cut into words differently, or a biblatex field
refconv keeps in custom (maintitle) that pandoc wrote instead. Every rule and every entry must still occur,
so the list stays true in both directions; `python -m tests.test_against_pandoc` rewrites the entries after a fix.
"""

from __future__ import annotations

import atexit
import errno
import json
import re
import subprocess
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from difflib import SequenceMatcher
from functools import cache, lru_cache
from pathlib import Path

import pytest

import converters
from converters.extras import text_keyed
from converters.text.biblatex_strings import BIBSTRINGS
from converters.text.tex import tex_to_unicode

from .corpus_oracles import BIBTEX_FILES, name_of, ours
from .shared import ids_for

KNOWN = Path(__file__).parent / "known_divergences" / "pandoc-corpus.json"
# where a lost or changed word matters most: a "differs" here is listed entry by entry
WORD_FIELDS = {"title", "container-title", "collection-title", "volume-title", "title-short", "container-title-short",
               "original-title", "event", "author", "editor", "translator", "container-author", "annote"}


def _normal(value):
    """Compare content, not presentation: markup tags, typographic apostrophes and spacing."""
    if isinstance(value, str):
        value = re.sub(r"</?(span|i|b|sup|sub)[^>]*>", "", value).replace("’", "'").replace("‘", "'")
        return " ".join(unicodedata.normalize("NFC", value).split())
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


def _text(value) -> str:
    return json.dumps(value, ensure_ascii=False)


_WORD = re.compile(r"\w+")


def words(value) -> Counter:
    """The words of a value (for names, of every part), letter case aside."""
    if isinstance(value, list):  # names: the words of their parts, not the part names
        value = " ".join(" ".join(map(str, v.values())) if isinstance(v, dict) else str(v) for v in value)
    return Counter(_WORD.findall(_text(value).casefold()))


_NUMBER_FIELDS = {"ISBN", "ISSN"}
_HYPHEN_IN_NUMBER = re.compile(r"(?<=\w)-(?=\w)")


def kind_of(theirs, mine, field: str | None = None) -> str:
    if mine is None:
        return "refconv writes none"
    if theirs is None:
        return "pandoc writes none"
    if _text(theirs).casefold() == _text(mine).casefold():
        return "letter case only"
    a, b = words(theirs), words(mine)
    if a == b:
        return "same words, arranged differently"
    if field in _NUMBER_FIELDS and words(_HYPHEN_IN_NUMBER.sub("", _text(theirs))) \
            == words(_HYPHEN_IN_NUMBER.sub("", _text(mine))):
        return "same numbers, hyphenated differently"
    if not b - a:
        return "refconv loses words"
    if not a - b:
        return "pandoc loses words"
    return "differs"


def word_difference(theirs, mine) -> str:
    """What a reviewer checks at a glance: the words only one side has."""
    a, b = words(theirs), words(mine)
    only = [f"{side} only: {' '.join(sorted((x - y).elements()))}" for side, x, y in
            (("pandoc", a, b), ("refconv", b, a)) if x - y]
    return "; ".join(only) or "the same words"


NAME_FIELDS = {"author", "editor", "translator", "container-author"}
_COMMAND = re.compile(r"\\([A-Za-z]+)")
# a logo, a space, a word: "\TeX nische", where TeX joins the two ("TeXnische")
_LOGO_AND_WORD = re.compile(r"(\w*(?:TeX|METAFONT|MF|MP))\s+(\w+)")


def _flat(value) -> str:
    """A value as one text (a name list: the parts of each name)."""
    if isinstance(value, list):
        return " ".join(" ".join(map(str, v.values())) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def _letters(value) -> str:
    """The word characters in order, spaces and punctuation aside."""
    return "".join(_WORD.findall(_flat(value).casefold()))


def _word_ends(value) -> set:
    at, ends = 0, {0}
    for word in _WORD.findall(_flat(value).casefold()):
        at += len(word)
        ends.add(at)
    return ends


def _within(short, long) -> bool:
    """Whether long is short with text inserted, compared letter by letter, nothing of short
    deleted or changed. An insertion is whole words of long, or starts where a word of short
    does ("The {\\MF}book": pandoc "The book"); "Roma" is not "Romano" with "no" lost."""
    text = _letters(long)
    short_starts, long_ends = _word_ends(short) - {len(_letters(short))}, _word_ends(long)

    def fits(i1: int, j1: int, j2: int) -> bool:
        # the matcher may place an insertion a few letters off ("p|ostscriptp|rogramming"): slide it
        for m in range(-min(j1, 12), min(len(text) - j2, 12) + 1):
            a, b = (j1 + m, j2 + m)
            if text[min(a, j1):max(a, j1)] == text[min(b, j2):max(b, j2)] and (
                    (a in long_ends and b in long_ends) or i1 + m in short_starts):
                return True
        return False

    ops = SequenceMatcher(None, _letters(short), text, autojunk=False).get_opcodes()
    return all(op == "equal" or (op == "insert" and fits(i1, j1, j2)) for op, i1, _, j1, j2 in ops)


# biblatex fields refconv keeps in custom that pandoc writes as a title
TITLED_BY = ("issuetitle",)


def cause_of(field: str, kind: str, theirs, mine, extras: dict | None = None) -> str:
    """Which of the listed causes explains an entry's word difference, decided by the words
    themselves (and the biblatex fields refconv kept in extras), so an entry cannot be filed
    under a cause that does not fit it."""
    a, b = words(theirs), words(mine)
    titles = {name: words((extras or {}).get(name, "")) for name in ("volume-title", "title", "container-title")}
    if field == "container-title" and (extras or {}).get("bibtex:@field:journal") == "container-title-short" \
            and a == words((extras or {}).get("container-title-short", "")):
        return "refconv takes the longer fjournal"
    if kind == "refconv loses words" and field in ("title", "container-title") and titles["volume-title"] \
            and not (a - b) - titles["volume-title"]:
        return "pandoc joins the volume's subtitle to the maintitle"
    if kind == "differs" and ((field == "title" and a == titles["container-title"])
                              or (field == "volume-title" and a == titles["title"])):
        return "pandoc files a supplement as a volume"
    if kind == "differs" and field in ("title", "container-title") and a == titles["volume-title"]:
        return "pandoc finds no maintitle"
    for name in TITLED_BY:
        kept = words(tex_to_unicode((extras or {}).get(f"bibtex:{name}", "")))
        if kind == "differs" and kept and not kept - a and kept - b:
            return f"pandoc writes the {name}"
    if kind == "same words, arranged differently":
        return "name parts" if field in NAME_FIELDS else "punctuation"
    if kind == "refconv loses words" and field in NAME_FIELDS and set(a - b) == {"others"}:
        return "et al"
    if kind == "refconv loses words" and field in NAME_FIELDS and set(a - b) == {"and"} and " AND " in _text(theirs):
        return "pandoc keeps AND"
    if kind == "differs" and "ı" in _text(theirs) and "ı" not in _text(mine):
        return "dotless i"
    pandoc_letters, refconv_letters = _letters(theirs), _letters(mine)
    if pandoc_letters == refconv_letters:  # the same letters in the same order, cut into words differently
        joined = {(x + y).casefold() for x, y in _LOGO_AND_WORD.findall(_flat(mine))}
        if set(a - b) and set(a - b) <= joined:
            return "space after a logo"
        return "pandoc joins words" if sum(a.values()) < sum(b.values()) else "refconv joins words"
    if _within(theirs, mine):
        # words refconv has only as the name of a TeX command it kept as written (\emdash, \VorTeX)
        kept = {w.casefold() for w in _COMMAND.findall(_flat(mine))}
        return "refconv keeps a command" if set(b - a) <= kept else "pandoc loss"
    if _within(mine, theirs):
        # words pandoc adds by reading a plain word as a biblatex localisation key ("software"
        # printed as "computer software" in a series): the input has only the word
        printed = Counter(w for key in b if key in BIBSTRINGS for w in words(BIBSTRINGS[key]))
        if set(a - b) and set(a - b) <= set(printed):
            return "pandoc reads a word as a key"
        if set(a - b) and set(a - b) <= set(b):  # pandoc has more of words refconv has too
            return "pandoc repeats words"
        return "refconv loss"
    return "both differ"


_RUNS: dict = {}  # path -> Future of pandoc's run


def _pandoc(path: Path):
    """pandoc's run on a file; the next two files' runs start now, in the background, so
    pandoc works while refconv reads (a run of a few files starts only those)."""
    pypandoc = pytest.importorskip("pypandoc", reason="pypandoc-binary (the test extra) ships pandoc")
    if not _RUNS:
        _RUNS[None] = ThreadPoolExecutor(max_workers=2)
        atexit.register(_RUNS[None].shutdown, wait=False, cancel_futures=True)
    pandoc, refused = pypandoc.get_pandoc_path(), _known()["files pandoc cannot read"]

    def run(path: Path):
        if name_of(path) in refused:
            return None
        for attempt in range(3):
            try:
                return subprocess.run([pandoc, "-f", "biblatex", "-t", "csljson", str(path)],
                                      capture_output=True, text=True, timeout=120)
            except OSError as exc:  # EFAULT ("Bad address") from exec, seen on a loaded VM: start it again
                if exc.errno != errno.EFAULT or attempt == 2:
                    raise
        return None

    at = BIBTEX_FILES.index(path)
    for ahead in BIBTEX_FILES[at : at + 3]:
        if ahead not in _RUNS:
            _RUNS[ahead] = _RUNS[None].submit(run, ahead)
    return _RUNS[path].result()


@lru_cache(maxsize=1)
def _known() -> dict:
    return json.loads(KNOWN.read_text(encoding="utf-8"))


@cache
def divergences(path: Path) -> tuple:
    """(file, entry, field, kind, pandoc's value, refconv's value) for every disagreement."""
    done = _pandoc(path)
    if done is None:
        return ()
    assert done.returncode == 0, f"pandoc refuses {name_of(path)}; list it with the reason: {done.stderr[:300]}"
    theirs = {item["id"]: item for item in json.loads(done.stdout)}
    records = ours(path)
    mine = {item["id"]: item for item in json.loads(converters.dumps(records.values(), "csl-json"))}
    for item in mine.values():  # (Beebe's "url = a; b": pandoc's URL is the list, refconv's its first, the rest links)
        if "URL" in item and item.get("custom", {}).get("links"):
            item["URL"] = "; ".join([item["URL"], *item["custom"]["links"]])
    found = [(name_of(path), key, "(record)", "refconv writes none", "written", None)
             for key in sorted(set(theirs) - set(mine))]
    found += [(name_of(path), key, "(record)", "pandoc writes none", None, "written")
              for key in sorted(set(mine) - set(theirs))]
    for key in sorted(set(theirs) & set(mine)):
        for field in sorted((set(theirs[key]) | set(mine[key])) - {"id", "custom"}):
            a, b = _normal(theirs[key].get(field)), _normal(mine[key].get(field))
            if a != b:
                found.append((name_of(path), key, field, kind_of(a, b, field), a, b))
    return tuple(found)


def _explained(divergence, rules: dict, entries: dict) -> bool:
    file, key, field, kind, theirs, mine = divergence
    listed = entries.get((file, key, field))
    if listed is not None:
        return _as_listed(divergence) == listed
    return (field, kind) in rules and not _listed_entry_by_entry(field, kind)


def _listed_entry_by_entry(field: str, kind: str) -> bool:
    return field in WORD_FIELDS and kind not in ("letter case only", "refconv writes none", "pandoc writes none")


def _as_listed(divergence) -> dict:
    file, key, field, kind, theirs, mine = divergence
    record = ours(_PATHS()[file]).get(key)  # none for a (record) divergence pandoc alone writes
    extras = text_keyed(record.extras) if record is not None else {}
    if record is not None:  # refconv's titles of the entry, for cause_of
        for name, text in (("volume-title", record.variables.get("volume-title")), ("title", record.title),
                           ("container-title", record.container_title),
                           ("container-title-short", record.variables.get("container-title-short"))):
            if text is not None:
                extras[name] = text.plain()
    return {"file": file, "entry": key, "field": field, "pandoc": theirs, "refconv": mine,
            "cause": cause_of(field, kind, theirs, mine, extras), "words": word_difference(theirs, mine)}


@lru_cache(maxsize=1)
def _PATHS() -> dict:
    return {name_of(path): path for path in BIBTEX_FILES}


def _tables():
    known = _known()
    rules = {(r["field"], r["kind"]): r for r in known["rules"]}
    entries = {(e["file"], e["entry"], e["field"]): e for e in known["entries"]}
    return rules, entries


@pytest.mark.parametrize("path", BIBTEX_FILES, ids=ids_for(BIBTEX_FILES))
def test_every_disagreement_with_pandoc_is_known_and_explained(path):
    rules, entries = _tables()
    new = [d for d in divergences(path) if not _explained(d, rules, entries)]
    assert not new, f"disagreements with pandoc: fix them or explain them in {KNOWN.name}: {new[:20]}"


def test_every_listed_divergence_still_occurs():
    if not BIBTEX_FILES:
        pytest.skip("../shared/corpus/bibtex is absent")
    known = _known()
    rules, entries = _tables()
    assert all(r["reason"] for r in known["rules"]) and all(known["causes"].values())
    assert {e["cause"] for e in known["entries"]} <= set(known["causes"])
    found = [d for path in BIBTEX_FILES for d in divergences(path)]
    used_rules = {(d[2], d[3]) for d in found if not _listed_entry_by_entry(d[2], d[3])}
    occurring = {(d[0], d[1], d[2]): _as_listed(d) for d in found}
    stale_rules = sorted(set(rules) - used_rules)
    stale_entries = sorted(k for k, e in entries.items() if occurring.get(k) != e)
    assert not stale_rules, f"rules no longer needed, take them out of {KNOWN.name}: {stale_rules}"
    assert not stale_entries, (f"entries no longer occurring as listed: {stale_entries[:20]}; "
                               "python -m tests.test_against_pandoc rewrites the entries (rules stay by hand)")


def test_the_fields_both_write_agree_for_most_items():
    """The bulk agrees on biblatex's own examples: authors, dates, identifiers, pages, publishers."""
    path = next((p for p in BIBTEX_FILES if name_of(p) == "texlive/biblatex-examples.bib"), None)
    if path is None:
        pytest.skip("../shared/corpus/bibtex/texlive/biblatex-examples.bib is absent")
    differ: dict[str, set] = {}
    for _, key, field, kind, _, _ in divergences(path):
        if kind != "same numbers, hyphenated differently":  # the same ISBN: its digits agree
            differ.setdefault(field, set()).add(key)
    for field in ("issued", "page", "ISBN", "ISSN", "editor", "volume", "issue", "edition", "author"):
        assert len(differ.get(field, ())) <= 2, f"{field}: {sorted(differ[field])} differ"


def write_entries() -> None:
    """Rewrite the entry-by-entry part of the known divergences from a fresh run (after a fix
    changes many at once). Rules and causes stay as written by hand: a divergence of a kind no
    rule explains still fails the tests."""
    known = _known()
    found = [d for path in BIBTEX_FILES for d in divergences(path)]
    known["entries"] = [_as_listed(d) for d in found if _listed_entry_by_entry(d[2], d[3])]
    lines = ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in known["entries"])
    head = {k: v for k, v in known.items() if k != "entries"}
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "entries": [\n' + lines + "\n ]\n}\n"
    KNOWN.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_entries()


def test_an_entry_cause_is_decided_by_the_letters_of_both_values():
    """A cause a reviewer can check at a glance: who has letters the other lacks decides it."""
    assert cause_of("title", "pandoc loses words", "Glossaries with", "Glossaries with bib2gls") == "pandoc loss"
    assert cause_of("title", "differs", "TeX & hypertextThe future", "TeX & hypertext—The future") \
        == "pandoc joins words"
    assert cause_of("title", "differs", "A network TeXLive installation", "A network TeX Live installation") \
        == "space after a logo"
    assert cause_of("title", "pandoc loses words", ": A personal view", "\\NexTeX: A personal view") \
        == "refconv keeps a command"
    assert cause_of("container-title", "refconv loses words", "Book title: Book subtitle", "Book Title") \
        == "refconv loss"
    assert cause_of("title", "refconv loses words", "Epigrafia: Latium", "Epigrafia",
                    {"volume-title": "Regio Italiae I: Latium"}) \
        == "pandoc joins the volume's subtitle to the maintitle"
    assert cause_of("title", "differs", "Epigrafia anfiteatrale dell'occidente romano", "Roma") == "both differ"


def agreement(path: Path) -> tuple[int, int]:
    """(pairs that agree, pairs either tool writes): the (entry, variable) pairs of one file's
    CSL-JSON, ``id`` and ``custom`` aside, compared as the divergences are."""
    done = _pandoc(path)
    if done is None or done.returncode != 0:
        return 0, 0
    theirs = {item["id"]: item for item in json.loads(done.stdout)}
    mine = {item["id"]: item for item in json.loads(converters.dumps(ours(path).values(), "csl-json"))}
    pairs = {(key, field) for side in (theirs, mine) for key, item in side.items() for field in item
             if field not in ("id", "custom")}
    differing = {(key, field) for _, key, field, _, _, _ in divergences(path)}
    for side in (theirs, mine):  # a record one tool alone writes: none of its pairs agree
        differing |= {(key, field) for key, item in side.items() if (key, "(record)") in differing for field in item}
    return len(pairs - differing), len(pairs)


# measured on biblatex-examples.bib; issue 12 asks for 0.97 (raise this as mappings are completed).
# 894 of 939 on 2026-12-05 (890 before biblatex's publisher lists were read as lists), counted
# honestly: the pairs of the two @set records pandoc alone writes (typed "") count as differing,
# and baez/article, a journal article with an eprint, gets no arXiv DOI (656 before the BibTeX and
# CSL-JSON maps). Each difference left is a rule or an entry of pandoc-corpus.json: refconv's arXiv
# number, publisher, URL, type and a preprint's DOI for arXiv eprints (16, MAPPING.md's decisions),
# pandoc's short titles cut at a colon (7), the volume's short title pandoc drops (6), csquotes'
# inner quotes (3), ISBN hyphenation (3), the @set entries (2), ...
AGREEMENT_FLOOR = 0.952


def test_agreement_with_pandoc_on_biblatex_examples_is_at_least_the_floor():
    path = next((p for p in BIBTEX_FILES if name_of(p) == "texlive/biblatex-examples.bib"), None)
    if path is None:
        pytest.skip("../shared/corpus/bibtex/texlive/biblatex-examples.bib is absent")
    agree, total = agreement(path)
    assert total > 800
    print(f"agreement with pandoc on biblatex-examples.bib: {agree}/{total} = {agree / total:.1%}")
    assert agree / total >= AGREEMENT_FLOOR
