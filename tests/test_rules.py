"""The two-way mapping engine (converters/rules.py) and the tables it applies: BibTeX's
VARIABLE_FIELDS and RIS's VARIABLE_TAGS, read by their readers and written by their writers
through the same rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

import converters
from converters import csl, rules
from converters.formats.bibtex.mapping import VARIABLE_FIELDS
from converters.formats.ris.tables import RIS_TYPES, VARIABLE_TAGS, rules_for, variable_for
from converters.model import Date, Name, Record, Text
from converters.rules import Rule

# --- the engine, on a format of its own -------------------------------------------------------


class Upper:
    """A toy conversion: the field holds the value in capitals."""

    name = "upper"

    def read(self, source, rule, field, value):
        return None if value == "?" else value.lower()  # "?": no value, the field stays

    def write(self, sink, rule, field, value):
        return value.upper()


UPPER = Upper()
TABLE = (
    Rule("title-short", ("short", "abbrev"), UPPER),
    Rule("genre", ("kind",), UPPER, when=frozenset({"thesis"})),
    Rule("annote", ("annotation",), UPPER, written_as="annote"),
)


@dataclass
class Fields:
    """A source: its fields, what the rules put, what they left."""

    kind: str
    fields: dict[str, str]
    put_values: dict[str, Any] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def take_for(self, rule):
        name = next((n for n in rule.fields if n in self.fields and n not in self.used), None)
        if name is None:
            return None
        self.used.add(name)
        return name, self.fields[name]

    def give_back(self, field):
        self.used.discard(field)

    def put(self, rule, value):
        self.put_values[rule.variable] = value

    def left(self):
        return {n: v for n, v in self.fields.items() if n not in self.used}


@dataclass
class Out:
    kind: str
    values: dict[str, Any]
    classic: bool = False
    written: list = field(default_factory=list)

    def value(self, rule):
        return self.values.get(rule.variable)

    def field(self, rule):
        return rule.written_as if self.classic and rule.written_as else rule.fields[0]

    def emit(self, field, written):
        self.written.append((field, written))


def test_the_first_present_field_is_read_and_the_others_stay_for_extras():
    source = Fields("book", {"abbrev": "AB", "short": "SH", "other": "x"})
    rules.read(TABLE, source)
    assert source.put_values == {"title-short": "sh"}
    assert source.left() == {"abbrev": "AB", "other": "x"}


def test_a_value_the_conversion_does_not_take_is_given_back():
    source = Fields("book", {"short": "?", "annotation": "NOTE"})
    rules.read(TABLE, source)
    assert source.put_values == {"annote": "note"} and source.left() == {"short": "?"}


def test_a_rule_holds_only_for_its_types_both_ways():
    for kind, expected in (("thesis", {"genre": "phd"}), ("book", {})):
        source = Fields(kind, {"kind": "PHD"})
        rules.read(TABLE, source)
        assert source.put_values == expected
        sink = Out(kind, {"genre": "phd"})
        rules.write(TABLE, sink)
        assert sink.written == ([("kind", "PHD")] if expected else [])


def test_written_under_the_first_field_or_the_dialects_name_and_read_back():
    values = {"title-short": "sh", "annote": "note"}
    for classic, names in ((False, ["short", "annotation"]), (True, ["short", "annote"])):
        sink = Out("book", values, classic)
        rules.write(TABLE, sink)
        assert [name for name, _ in sink.written] == names
        source = Fields("book", dict(sink.written))
        rules.read(TABLE, source)
        if not classic:  # (the toy table reads annotation only)
            assert source.put_values == values


# --- the formats' tables ------------------------------------------------------------------------

SLOT_VARIABLES = {"variables": csl.VARIABLES, "names": csl.NAME_VARIABLES, "dates": csl.DATE_VARIABLES}


def test_every_bibtex_rule_holds_a_csl_variable_of_the_map_its_conversion_fills():
    for rule in VARIABLE_FIELDS:
        assert rule.variable in SLOT_VARIABLES[rule.how.slot], rule
        assert callable(rule.how.read) and callable(rule.how.write) and rule.how.name


def _sample(rule: Rule) -> dict:
    """A record's map holding a value of the rule's kind, as the maps' arguments."""
    if rule.how.slot == "names":
        return {"names": {rule.variable: (Name(family="Doe", given="Jane"), Name(family="Roe", given="Rick"))}}
    if rule.how.slot == "dates":
        return {"dates": {rule.variable: Date(1999, 4, 12)}}
    return {"variables": {rule.variable: Text("Some value 12")}}


@pytest.mark.parametrize("to", ["biblatex", "bibtex"])
@pytest.mark.parametrize("rule", VARIABLE_FIELDS, ids=lambda rule: rule.variable)
def test_every_bibtex_rule_reads_back_what_it_writes(rule, to):
    record = Record(type="book", key="k", title=Text("A title"), **_sample(rule))
    diagnostics: list = []
    text = converters.dumps([record], to, diagnostics=diagnostics)
    assert not [d for d in diagnostics if d.code == "write.lost"], text
    (back,) = converters.loads(text, "bibtex").records
    name = rule.written_as if to == "bibtex" and rule.written_as else rule.fields[0]
    assert f"  {name} = " in text
    for slot in ("variables", "names", "dates"):  # (a text as its words: BibTeX reads it back as TeX)
        assert _words(getattr(back, slot)) == _words(getattr(record, slot)), text


def _words(values) -> dict:
    return {k: v.plain() if isinstance(v, Text) else v for k, v in values.items()}


def _ris_types() -> list[str]:
    return sorted(set(RIS_TYPES.values()))


@pytest.mark.parametrize("ty", _ris_types())
def test_ris_rules_are_the_table_for_each_type(ty):
    name_rules, text_rules = rules_for(ty)
    from_table = {}
    for tag in VARIABLE_TAGS:
        variable = variable_for(tag, ty)
        if variable is not None:
            from_table.setdefault(variable, []).append(tag)
    compiled = {rule.variable: list(rule.fields) for rule in (*name_rules, *text_rules)}
    # every variable of the table for this type is a rule with its tags in the table's order;
    # variables outside the record's maps (a bill's "authority" aside) stay in extras
    assert compiled == {v: tags for v, tags in from_table.items()
                        if v == "editor" or v in csl.NAME_VARIABLES or v in csl.VARIABLES}
    for rule in (*name_rules, *text_rules):
        assert rule.variable == "editor" or rule.variable in SLOT_VARIABLES[rule.how.slot], rule


def test_the_records_plain_ris_slots_are_rules_of_the_tag_table_read_and_written_back():
    from converters.formats.ris.tables import LANGUAGE_RULES, SLOT_RULES, TAG_SLOTS, TEXT_SLOTS

    rules_ = SLOT_RULES + LANGUAGE_RULES
    assert sorted(rule.variable for rule in rules_) == sorted(TEXT_SLOTS)
    for rule in rules_:  # every tag the table gives the slot, the first written
        assert set(rule.fields) == {tag for tag, slot in TAG_SLOTS.items() if slot == rule.variable}, rule
    values = {"publisher": "P", "publisher_place": "Place", "volume": "3", "issue": "2", "number": "N-7",
              "edition": "2nd", "language": "de"}
    text = converters.dumps([Record(type="report", title=Text("T"), **values)], "ris")
    assert [line[:2] for line in text.splitlines() if line[:2] in {r.fields[0] for r in rules_}] == \
        ["PB", "CY", "VL", "IS", "M1", "ET", "LA"]
    (back,) = converters.loads(text, "ris").records
    assert {slot: getattr(back, slot) for slot in values} == values
    # a second tag of a slot is read when the first is absent (Web of Science's PU and PI)
    (wos,) = converters.loads("TY  - BOOK\nTI  - T\nPU  - Wiley\nPI  - Hoboken\nER  - \n", "ris").records
    assert (wos.publisher, wos.publisher_place) == ("Wiley", "Hoboken")
