"""Fuzzing every reader: any input gives records and diagnostics, never an exception.

Bounded for the normal suite (the hypothesis profile sets the examples); fuzz/ holds
an atheris harness for runs of hours.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import converters
from converters import Diagnostic
from converters.compiled import compiled_modules

from .fuzz_seeds import reader_names, seeds

HOSTILE = "{}@,=\"#%&\\$~^_<>/;:()[]\n\r\t -TYERa0\u00e9\u2028\ufeff\x00\x1b"


@st.composite
def mutated(draw, fmt: str) -> str:
    text = draw(st.sampled_from(seeds(fmt)))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            text = draw(st.text(alphabet=HOSTILE, max_size=20))
            continue
        at = draw(st.integers(0, len(text) - 1))
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "truncate"]))
        if op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "insert":
            text = text[:at] + draw(st.text(alphabet=HOSTILE, min_size=1, max_size=8)) + text[at:]
        elif op == "duplicate":
            end = at + draw(st.integers(1, 200))
            text = text[:end] + text[at:end] + text[end:]
        else:
            text = text[:at]
    return text


def internal(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics that stand for an exception caught inside record building (``csl.internal``,
    ``ris.internal``): the batch survived, but each is a bug, not bad input."""
    return [d for d in diagnostics if d.code.split(".")[-1] == "internal"]


def _check(fmt: str, text: str) -> None:
    result = converters.loads(text, fmt)
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
    for diagnostic in result.errors:
        assert diagnostic.message
    assert not internal(result.diagnostics), f"{internal(result.diagnostics)[0].render()}\ninput: {text!r}"
    # whatever was read can be written in every format without an exception
    for target in ("csl-json", "bibtex", "ris", "jats"):
        written: list[Diagnostic] = []
        converters.dumps(result.records, target, diagnostics=written)
        assert not internal(written), f"{internal(written)[0].render()}\ninput: {text!r}"


@pytest.mark.skipif("converters.formats.ris.reader" in compiled_modules(), reason="replaces a method of a class "
                    "that compiled code calls directly (the compiled build is checked by tests/test_compiled_build.py)")
def test_an_exception_inside_record_building_fails_the_check(monkeypatch):
    """The check itself: a builder that raises is caught by the reader (one record lost, an
    'internal' error) and that must fail the fuzz tests, not pass them."""
    from converters.formats.csl_json import reader as csl
    from converters.formats.ris import reader as ris

    def broken(self):
        raise TypeError("injected")

    monkeypatch.setattr(csl._Item, "build", broken)
    monkeypatch.setattr(ris._Builder, "build", broken)
    for fmt in ("csl-json", "ris"):
        with pytest.raises(AssertionError, match="internal"):
            _check(fmt, seeds(fmt)[0])


@pytest.mark.parametrize("fmt", reader_names())
@given(data=st.data())
def test_mutated_inputs_never_raise(fmt, data):
    _check(fmt, data.draw(mutated(fmt)))


@pytest.mark.parametrize("fmt", reader_names())
@given(text=st.text(alphabet=HOSTILE, max_size=300))
def test_random_text_never_raises(fmt, text):
    _check(fmt, text)
