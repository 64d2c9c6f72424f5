"""No CSL variable of the record leaves a writer silently: written, or reported as dropped."""

from __future__ import annotations

import importlib

import pytest

import converters
from converters import csl
from converters.model import Date, Name, Record, Text
from converters.titles import VOLUME_VARIABLES

WRITERS = {"bibtex": "bibtex.writer", "biblatex": "bibtex.writer", "ris": "ris.writer",
           "csl-json": "csl_json.writer", "jats": "jats.writer"}


def _every_variable() -> Record:
    return Record(
        type="book", key="every", title=Text("Every variable"),
        authors=(Name(family="Author", given="Ann", affiliation=("Univ",), orcid="0000-0002-1825-0097"),),
        # (a volume of a multi-volume work is filed differently: tests/test_volumes.py)
        variables={name: Text(f"value of {name}") for name in csl.VARIABLES - VOLUME_VARIABLES},
        names={name: (Name(family=f"Fam{i}", given="Gwen"),) for i, name in enumerate(sorted(csl.NAME_VARIABLES))},
        dates={name: Date(1800 + i) for i, name in enumerate(sorted(csl.DATE_VARIABLES))},
    )


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_each_variable_is_written_or_reported_dropped(fmt):
    record = _every_variable()
    diagnostics: list = []
    converters.dumps([record], fmt, diagnostics=diagnostics)
    dropped = {d.field for d in diagnostics if d.code == "write.lost"}
    writer = importlib.import_module(f"converters.formats.{WRITERS[fmt]}")
    written = writer.WRITTEN_VARIABLES
    if hasattr(writer, "written_variables"):  # a writer whose tags depend on the record's type (RIS)
        assert writer.written_variables(record) <= written
        written = writer.written_variables(record)
    for name in [*record.variables, *record.names, *record.dates]:
        assert (name in written) != (name in dropped), f"{fmt}: {name} written and dropped, or neither"


# where writers that keep names' affiliations and ORCID iDs but not on the names put them
# (CSL name objects take no other key: csl-data.json; RIS's AD lists institutions for no one
# author), and what a writer keeps on the names (a JATS citation's <aff> after a name)
NAME_DETAILS_MOVED = {"csl-json": {"name affiliation": "custom", "name orcid": "custom"},
                      "ris": {"name affiliation": "AD (read back as the authors', for no one author)"}}
NAME_DETAILS_KEPT = {"jats": {"name affiliation"}}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_a_writer_that_keeps_no_affiliation_or_orcid_says_so(fmt):
    diagnostics: list = []
    converters.dumps([_every_variable()], fmt, diagnostics=diagnostics)
    said = {d.field: d for d in diagnostics if d.field in ("name affiliation", "name orcid")}
    for detail in ("name affiliation", "name orcid"):
        moved = NAME_DETAILS_MOVED.get(fmt, {}).get(detail)
        if detail in NAME_DETAILS_KEPT.get(fmt, ()):
            assert detail not in said
        elif moved:
            assert said[detail].code == "write.moved" and said[detail].message.endswith(f"written to {moved}")
        else:
            assert said[detail].code == "write.lost"


def test_a_preamble_is_data_a_joined_subtitle_is_not():
    # "@" extras that only say how the source wrote carried words are no loss; a preamble's TeX is
    bib = '@preamble{"\\newcommand{\\noopsort}[1]{}"}\n@book{b, title = {Title}, subtitle = {Sub}, year = 2000}'
    diagnostics: list = []
    converters.dumps(converters.loads(bib, "biblatex"), "ris", diagnostics=diagnostics)
    lost = {d.field for d in diagnostics if d.code == "write.lost"}
    assert "bibtex:@preamble:1" in lost and not any(f.startswith("bibtex:@joined:") for f in lost)
