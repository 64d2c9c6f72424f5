"""Synthetic arXiv metadata snapshot lines (``arxiv-json``) of any size, for scale tests and
the Dask benchmark: Kaggle's field layout, TeX accents in the author string, DOIs, journal
refs, several versions, and titles that repeat so citation keys clash across blocks."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

_WORDS = ("quantum field lattice spin network learning model dynamics graph entropy boundary flow "
          "neural sparse random operator manifold tensor kernel gauge photon matter").split()
_GIVEN = "Ann Bo Cy Dee Eli Fay Gus Hal Ida Jon Kai Lea Max Ned Ola Pia".split()
_FAMILY = ["Lee", "Chen", "Novak", "Garc\\'ia", "Okafor", "Sato", 'M\\"uller', "Kowalski", "Rossi", "Dubois"]
_PLAIN = {"Garc\\'ia": "García", 'M\\"uller': "Müller"}
_DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
_CATEGORIES = ("hep-th", "hep-ph quant-ph", "cs.LG stat.ML", "math.AP", "astro-ph.CO gr-qc", "cond-mat.str-el")
CORRUPT = '{"id": "2101.99999", "title": "cut short'  # a line the reader cannot parse


def snapshot_line(n: int, rng: random.Random) -> str:
    year, month = 15 + n // (99999 * 12), 1 + n // 99999 % 12
    # one record in 40 repeats the title and first author of the record before it: its key clashes
    base = n - 1 if n % 40 == 39 else n
    pick = random.Random(base)
    title = " ".join(pick.choice(_WORDS) for _ in range(6)).capitalize() + f" {base}"
    people = [(pick.choice(_GIVEN), pick.choice(_FAMILY)) for _ in range(pick.randint(1, 4))]
    line = {
        "id": f"{year:02d}{month:02d}.{n % 99999 + 1:05d}",
        "submitter": f"{people[0][0]} {_PLAIN.get(people[0][1], people[0][1])}",
        "authors": ", ".join(f"{given} {family}" for given, family in people),
        "title": title,
        "comments": f"{rng.randint(3, 40)} pages, {rng.randint(1, 9)} figures",
        "journal-ref": f"Phys.Rev.D{rng.randint(1, 99)}:{rng.randint(1000, 9999)},20{year:02d}" if n % 4 == 0
        else None,
        "doi": f"10.1234/synthetic.{n}" if n % 3 == 0 else None,
        "report-no": None,
        "categories": _CATEGORIES[n % len(_CATEGORIES)],
        "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/" if n % 2 else None,
        "abstract": "  " + " ".join(rng.choice(_WORDS) for _ in range(60)) + f" (record {n}, with $x_{{{n}}}$).\n",
        "versions": [{"version": f"v{v + 1}",
                      "created": f"{_DAYS[(n + v) % 7]}, {1 + (n + v) % 28} Jan 20{year:02d} 10:00:00 GMT"}
                     for v in range(1 + n % 3)],
        "update_date": f"20{year:02d}-{month:02d}-{1 + n % 28:02d}",
        "authors_parsed": [[_PLAIN.get(family, family), given, ""] for given, family in people],
    }
    return json.dumps(line, ensure_ascii=False)


def snapshot_lines(count: int, seed: int = 1, corrupt_every: int = 0) -> Iterator[str]:
    """``count`` lines; with ``corrupt_every``, every that-many-th line (the last of each run)
    is cut short."""
    rng = random.Random(seed)
    for n in range(count):
        if corrupt_every and n % corrupt_every == corrupt_every - 1:
            yield CORRUPT
        else:
            yield snapshot_line(n, rng)


def write_snapshot(path: Path, count: int, seed: int = 1, corrupt_every: int = 0) -> Path:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        batch: list[str] = []
        for line in snapshot_lines(count, seed, corrupt_every):
            batch.append(line)
            if len(batch) == 10000:
                out.write("\n".join(batch) + "\n")
                batch.clear()
        if batch:
            out.write("\n".join(batch) + "\n")
    return path
