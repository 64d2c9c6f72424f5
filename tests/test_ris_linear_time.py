"""Reading RIS is linear in the input (issue 16 item 14): one record of continuation lines
(``value +=`` made 8 MB take 26 s and a 50 MB record never finish) or of repeated tags
must cost four times the time at four times the size, not sixteen (the bound is eight, so a
busy machine does not fail it).

CPU time (``time.process_time``, so other processes on the machine do not count), the
best of 3 runs, on inputs grown until the smaller one takes over 50 ms.
"""

from __future__ import annotations

import gc
import time

import pytest

import converters

RUNS = 3
FLOOR = 0.05  # seconds: below this the timer's noise dominates


def _cpu(text: str) -> float:
    gc.collect()
    start = time.process_time()
    result = converters.loads(text, "ris")
    spent = time.process_time() - start
    assert len(result) == 1 and not result.errors
    return spent


def _best(text: str, enough: float | None = None) -> float:
    """The best of RUNS; stops early once a run is under ``enough`` (the answer is known)."""
    best = float("inf")
    for _ in range(RUNS):
        best = min(best, _cpu(text))
        if enough is not None and best <= enough:
            break
    return best


SHAPES = {
    # a wrapped title: continuation lines joined with spaces
    "title-continuation": lambda n: "TY  - JOUR\nTI  - start\n" + "a wrapped title goes on\n" * n + "ER  - \n",
    # an abstract's paragraphs: continuation lines joined with line breaks
    "abstract-continuation": lambda n: "TY  - JOUR\nAB  - start\n" + "one more paragraph\n" * n + "ER  - \n",
    # a long abstract and many N2 lines, each once looked for inside the abstract
    "abstract-and-many-n2": lambda n: ("TY  - JOUR\nAB  - " + "word " * n + "\n"
                                       + "N2  - not in the abstract\n" * (n // 4) + "ER  - \n"),
    # the same unknown tag over and over: its values are all kept in extras
    "repeated-unknown-tag": lambda n: "TY  - JOUR\n" + "ZZ  - kept in extras\n" * n + "ER  - \n",
}


@pytest.mark.parametrize("shape", SHAPES)
def test_continuation_lines_and_repeated_tags_take_linear_time(shape):
    make = SHAPES[shape]
    lines, small = 5_000, 0.0
    while small < FLOOR:
        lines *= 2
        if _cpu(make(lines)) >= FLOOR:  # one run sizes the input; the best of RUNS measures it
            small = _best(make(lines))
    larger = _best(make(4 * lines), enough=8 * small)
    assert larger <= 8 * small, (
        f"{shape}: {lines} lines took {small:.3f}s of CPU, {4 * lines} lines {larger:.3f}s "
        f"(x{larger / small:.1f}; linear is x4, quadratic x16)")
