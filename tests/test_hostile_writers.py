"""Hostile strings in every text field, through the JATS, CSL-JSON and refconv-json writers
(issue 16; BibTeX and RIS have their own tests: test_bibtex_writer_hostile, test_ris_writer_hostile).

Each output is judged by the validator users run (lxml with the JATS 1.4 DTD, the CSL-JSON schema)
and read back by refconv: the same number of records, the neighbour untouched, every field's
text intact apart from what the format documents (XML forbids control characters; JATS and
CSL-JSON text is one line of running text where the writer says so).
"""

from __future__ import annotations

import json
import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import converters
from converters.model import Date, Identifiers, Name, Record, Text

from .validators import assert_valid_csl, assert_valid_jats

PIECES = [
    "{", "}", "\\", "<", ">", "&", "&amp;", "]]>", "<!--", "-->", "<i>", "</b>", "<![CDATA[", '"', "'",
    "\n", "\r\n", "\u2028", "\u0085", "\x00", "\x1b", "\x7f", "\x0b", "\ufffe", "\U0001f600",
    "$", "%", "#", "_", "^", "~", "@misc{x,", "word", "Title", " ", "é", "И", "中",
]
hostile = st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map("".join)

TEXT_FIELDS = ("title", "container_title", "note")

_FORBIDDEN_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_SPACE = re.compile(r"[\s\u2028\u2029\x85]+")


def _normal(value: str) -> str:
    value = unicodedata.normalize("NFC", _FORBIDDEN_IN_XML.sub("", value)).replace("\ufffd", "")
    return _SPACE.sub(" ", value).strip()


def _records(texts: list[str], name: str) -> list[Record]:
    hostile_record = Record(
        type="article-journal", key="hostile", issued=Date(2020),
        authors=(Name(family=name, given="Ann"), Name(literal=name)),
        **{field: Text(value) for field, value in zip(TEXT_FIELDS, texts, strict=True)},
        publisher=texts[0], volume=texts[1],
        ids=Identifiers(url="https://example.org/" + texts[2].strip(), doi=("10.1000/x",)),
    )
    neighbour = Record(key="neighbour", type="book", title=Text("The next entry"), issued=Date(1999),
                       authors=(Name(family="Next", given="Nora"),))
    return [hostile_record, neighbour]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile, min_size=3, max_size=3), hostile)
def test_hostile_strings_through_jats_stay_valid_and_in_their_fields(texts, name):
    for mode in ("references", "articles"):
        out = converters.dumps(_records(texts, name), "jats", jats_mode=mode)
        out.encode("utf-8")
        assert_valid_jats(out)
        back = converters.loads(out, "jats", jats_front=mode == "articles")
        titles = [r.title.plain() if r.title else "" for r in back.records]
        assert "The next entry" in titles, mode
        assert len(back.records) == 2, mode
        hostile_back = next(r for r in back.records if r.key != "neighbour" and r.title != Text("The next entry"))
        assert _normal(hostile_back.title.plain() if hostile_back.title else "") == _normal(texts[0]), mode


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile, min_size=3, max_size=3), hostile)
def test_hostile_strings_through_csl_json_stay_valid_and_in_their_fields(texts, name):
    records = _records(texts, name)
    for ndjson in (False, True):
        out = converters.dumps(records, "csl-json", ndjson=ndjson)
        out.encode("utf-8")
        items = [json.loads(line) for line in out.splitlines()] if ndjson else json.loads(out)
        assert len(items) == 2
        assert_valid_csl(json.dumps(items))
        back = converters.loads(out, "csl-json").records
        assert len(back) == 2 and back[1].title.plain() == "The next entry"
        hostile_back = back[0]
        for field, value in zip(TEXT_FIELDS, texts, strict=True):
            got = getattr(hostile_back, field)
            assert _normal(got.plain() if got else "") == _normal(value), field
        assert _normal(hostile_back.authors[0].family or "") == _normal(records[0].authors[0].family)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile, min_size=3, max_size=3), hostile)
def test_hostile_strings_through_refconv_json_come_back_exactly(texts, name):
    records = _records(texts, name)
    out = converters.dumps(records, "refconv-json")
    out.encode("utf-8")
    back = converters.loads(out, "refconv-json").records
    assert len(back) == 2
    for field in TEXT_FIELDS:
        assert getattr(back[0], field) == getattr(records[0], field), field
    assert back[0].authors == records[0].authors
