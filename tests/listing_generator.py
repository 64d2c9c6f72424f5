"""Synthetic arXiv listings of any size, every record distinct (for memory and scale tests)."""

from __future__ import annotations

import random

_WORDS = ("quantum field lattice spin network learning model dynamics graph entropy boundary flow "
          "neural sparse random operator manifold tensor kernel gauge photon matter").split()
_GIVEN = "Ann Bo Cy Dee Eli Fay Gus Hal Ida Jon Kai Lea Max Ned Ola Pia".split()
_FAMILY = "Lee Chen Novak Garcia Okafor Sato Müller Kowalski Rossi Dubois Silva Ivanova Haddad".split()


def listing(count: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    records = []
    for n in range(count):
        month = 1 + n // 99999 % 12
        year = 15 + n // (99999 * 12)
        number = n % 99999 + 1
        title = " ".join(rng.choice(_WORDS) for _ in range(6)).capitalize() + f" {n}"
        authors = ", ".join(f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}{n % 97}" for _ in range(rng.randint(1, 4)))
        abstract = " ".join(rng.choice(_WORDS) for _ in range(60)) + f" (record {n}, with $x_{{{n}}}$)."
        trailer = f"arXiv:{year:02d}{month:02d}.{number:05d}"
        if n % 3 == 0:
            trailer += f" - doi: 10.1234/synthetic.{n}"
        records.append(f"{title}\n{authors}\n\n{abstract}\n\n{rng.randint(3, 40)} pages\n\n{trailer}\n"
                       f"Created: 20{year:02d}-{month:02d}-{1 + n % 28:02d}")
    return "\n\n".join(records)
