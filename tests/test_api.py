"""The library API: json-module style, diagnostics as values, atomic files."""

from __future__ import annotations

import inspect
import io
import pydoc
from pathlib import Path
from types import ModuleType

import pytest

import converters
from converters import Diagnostic, Severity, UsageError, api, batch

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "arxiv-listing.txt"
FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = "Good.\n\narXiv:2101.00001\nCreated: 2021-01-01\n\nBad.\n\narXiv:2101.00002\nCreated: 2021-13-01\n"


def test_public_names_are_exactly_all():
    # import each name: dir() would list a bogus __all__ entry without complaint
    for name in converters.__all__:
        namespace: dict = {}
        exec(f"from converters import {name}", namespace)
        assert getattr(namespace[name], "__module__", "").startswith("converters"), name
    star: dict = {}
    exec("from converters import *", star)
    assert set(star) - {"__builtins__"} == set(converters.__all__)
    # and nothing public is left out of __all__: the lazily loaded names and the module's own
    defined = set(converters._EXPORTS) | {name for name, value in vars(converters).items()
                                          if not name.startswith("_") and not isinstance(value, ModuleType)}
    assert defined == set(converters.__all__)


def test_loads_guesses_the_format_and_returns_records_and_diagnostics():
    result = converters.loads(SAMPLE.read_text(encoding="utf-8"))
    assert result.format == "arxiv-listing" and len(result) == 10 and result.ok
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)


def test_load_accepts_paths_text_and_binary_files():
    assert len(converters.load(SAMPLE)) == 10
    assert len(converters.load(str(SAMPLE))) == 10
    with open(SAMPLE, encoding="utf-8") as handle:
        assert len(converters.load(handle)) == 10
    with open(SAMPLE, "rb") as handle:
        assert len(converters.load(handle)) == 10


def test_load_reads_non_seekable_streams():
    class Pipe(io.StringIO):
        def seekable(self):
            return False

    assert len(converters.load(Pipe(SAMPLE.read_text(encoding="utf-8")))) == 10


def test_a_pipe_is_read_in_the_chunks_a_reader_asks_for():
    """On a pipe the head read to guess the format is put back in front; a reader reading in
    chunks (the XML readers) must get chunks, not the rest of the input at once."""
    rest = api._Rejoined("ab", io.StringIO("cdefg"))
    assert [rest.read(3), rest.read(3), rest.read(3), rest.read(3), rest.read()] == ["abc", "def", "g", "", ""]
    assert api._Rejoined("ab", io.StringIO("cd\nef")).read() == "abcd\nef"

    entry = (FIXTURES / "arxiv" / "atom-duplicate-entry-more-pages.atom.xml").read_text(encoding="utf-8")
    asked: list[int] = []

    class Pipe(io.StringIO):
        def seekable(self):
            return False

        def read(self, size=-1):
            got = super().read(size)
            asked.append(len(got))
            return got

    padded = entry.replace("<feed", "<!--" + " " * 300_000 + "-->\n<feed", 1)  # more than a chunk
    assert len(converters.load(Pipe(padded), "arxiv-atom")) == len(converters.loads(entry, "arxiv-atom"))
    assert max(asked) <= 1 << 16


def test_failures_are_values_not_exceptions():
    result = converters.loads(BROKEN, "arxiv-listing")
    assert len(result) == 1 and result.failed == 1 and not result.ok
    (error,) = result.errors
    assert error.severity is Severity.ERROR and error.line == 9 and error.key == "arXiv:2101.00002"
    assert error.render() == ("<string>:9:10: error: bad Created date '2021-13-01': "
                              "expected a real calendar date YYYY-MM-DD [arXiv:2101.00002]")


def test_convert_returns_text_and_diagnostics():
    conversion = converters.convert(BROKEN, to="ris")
    assert conversion.from_format == "arxiv-listing" and conversion.count == 1 and conversion.failed == 1
    assert conversion.text.startswith("TY  - UNPB\r\n")


def test_dumps_and_dump(tmp_path):
    records = converters.load(SAMPLE).records
    text = converters.dumps(records, "bibtex")
    target = tmp_path / "out.bib"
    assert converters.dump(records, target, "bibtex") == 10
    assert target.read_text(encoding="utf-8") == text
    buffer = io.StringIO()
    converters.dump(records, buffer, "bibtex")
    assert buffer.getvalue() == text


def test_dump_is_atomic_when_the_writer_fails(tmp_path):
    target = tmp_path / "out.bib"
    target.write_text("old", encoding="utf-8")

    def records():
        yield from converters.load(SAMPLE).records[:2]
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        converters.dump(records(), target, "bibtex")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bib"]


def test_iter_load_streams_records_and_collects_diagnostics():
    diagnostics: list = []
    stream = io.StringIO(BROKEN)
    iterator = converters.iter_load(stream, "arxiv-listing", diagnostics=diagnostics)
    first = next(iterator)
    assert first.ids.arxiv == "2101.00001" and diagnostics == []
    assert list(iterator) == []
    assert [d.code for d in diagnostics] == ["listing.bad-date"]


@pytest.mark.parametrize(
    "call",
    [
        lambda: converters.dumps([], "docx"),
        lambda: converters.dumps([], "bibtex", colour="red"),
        lambda: converters.dumps([], "bibtex", tex="latin1"),
        lambda: converters.loads("x", "bibtex-ish"),
        lambda: converters.dumps([], "arxiv-listing"),  # a format refconv reads but does not write
    ],
)
def test_bad_requests_raise_usage_error(call):
    with pytest.raises(UsageError):
        call()


def test_undetectable_text_raises_conversion_error():
    with pytest.raises(converters.ConversionError, match="cannot tell the input format"):
        converters.loads("plain words, nothing bibliographic")


def test_formats_table_has_the_required_names_and_aliases():
    from converters import registry

    names = {f.name for f in converters.all_formats()}
    assert {"arxiv-listing", "bibtex", "biblatex", "ris", "csl-json", "jats"} <= names
    assert registry.get("csljson").name == "csl-json"
    assert registry.get("CSL-JSON").name == "csl-json"


def _undocumented(obj, name: str) -> bool:
    text = (obj.__doc__ or "").strip()
    # a dataclass without a docstring gets its signature as one: that documents nothing
    return not text or (inspect.isclass(obj) and text.startswith(f"{name}("))


def _members(cls) -> list[tuple[str, object]]:
    found = []
    for attr, value in vars(cls).items():
        if attr.startswith("_"):
            continue
        if isinstance(value, property):
            found.append((attr, value.fget))
        elif isinstance(value, (classmethod, staticmethod)):
            found.append((attr, value.__func__))
        elif inspect.isfunction(value):
            found.append((attr, value))
    return found


def test_every_public_name_and_its_methods_have_a_docstring():
    missing = []
    for name in converters.__all__:
        obj = getattr(converters, name)
        if _undocumented(obj, name):
            missing.append(name)
        if inspect.isclass(obj) and not issubclass(obj, Exception):
            missing += [f"{name}.{attr}" for attr, member in _members(obj) if _undocumented(member, attr)]
    for module in (api, batch):
        for name, obj in vars(module).items():
            if (not name.startswith("_") and getattr(obj, "__module__", None) == module.__name__
                    and (inspect.isfunction(obj) or inspect.isclass(obj)) and _undocumented(obj, name)):
                missing.append(f"{module.__name__}.{name}")
    assert missing == []


def test_help_of_load_says_how_to_call_it():
    text = pydoc.render_doc(converters.load, renderer=pydoc.plaintext)
    assert "Read records from a path" in text
