"""Import targets: the output shape a reference manager imports best, per output format, as data.

Plain output (no target) is standard CSL/BibTeX/BibLaTeX/RIS. A target only changes what a
measured behaviour of that consumer's importer asks for; each entry cites its fact in
``../shared/docs/MAPPING.md``. Another consumer (JabRef, EndNote, Mendeley) is one more entry in
``TARGETS`` once its behaviour is measured and recorded there, never guessed. A format absent
from a consumer's entry is written plainly (its behaviour is not recorded).

The writers read their shape with ``shape(options.target, format)`` and apply it in one place:
the CSL-JSON writer as a pass over each finished item (``CslShape.apply``), the BibTeX writer
when it chooses the entry type (``TexShape.entry_type``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class CslShape:
    """CSL-JSON adjustments."""

    # CSL type -> the type written instead; the real one goes to a "Type: <type>" line in note
    types: Mapping[str, str] = field(default_factory=dict)
    # names as family + given only: particles and suffix folded in (see _two_part)
    two_part_names: bool = False
    # note as plain text, like the abstract (the writer's default is CSL rich text)
    plain_note: bool = False

    def apply(self, item: dict[str, Any], plain_note: str | None = None) -> dict[str, Any]:
        """The finished item, adjusted in place; ``plain_note`` is the record's note as plain text."""
        if self.plain_note and plain_note is not None and "note" in item:
            item["note"] = plain_note
        real = item["type"]
        written = self.types.get(real, real)
        if written != real:
            item["type"] = written
            line = f"Type: {real}"
            item["note"] = f"{item['note']}\n{line}" if item.get("note") else line
        if self.two_part_names:
            from .formats.csl_json.tables import NAME_VARIABLES

            for variable in NAME_VARIABLES.intersection(item):
                item[variable] = [_two_part(name) for name in item[variable]]
        return item


def _two_part(name: dict[str, Any]) -> dict[str, Any]:
    """A CSL name as family + given, nothing dropped.

    The non-dropping particle goes before the family name ("van Loosdrecht"), the dropping
    particle after the given name ("Ludwig van"): CSL prints and sorts a dropping particle with
    the given name in inverted order ("Beethoven, Ludwig van"), and it is the split our RIS
    output gives. The suffix goes after a comma in the given name ("John, II"; ",! " where the
    name asks for a comma before it), which citeproc-js, Zotero's processor, reads back as the
    suffix: APA prints "Evans, J., II", as for a suffix of its own, where a family name "Evans
    II" printed "Evans II, J." (citeproc-js 2.4.63). With no given name it goes after the
    family name. A literal (organisation) becomes the family name: the importer keeps only
    family and given (MAPPING.md), and a family name with no given name prints whole.
    """
    if "literal" in name:
        return {"family": name["literal"]}
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    given = name.get("given")
    dropping = name.get("dropping-particle")
    if dropping and given:
        given = f"{given} {dropping}"
    elif dropping:
        family = f"{dropping} {family}".strip()
    suffix = name.get("suffix")
    if suffix and given:
        given = f"{given},{'!' if name.get('comma-suffix') else ''} {suffix}"
    elif suffix:
        family = f"{family} {suffix}".strip()
    out = {}
    if family:
        out["family"] = family
    if given:
        out["given"] = given
    return out


@dataclass(frozen=True)
class TexShape:
    """BibTeX/BibLaTeX adjustments."""

    # CSL type -> entry type, over the writer's own table
    entry_types: Mapping[str, str] = field(default_factory=dict)
    # entry types the importer discards: never written, not even when the input had them
    refused: frozenset[str] = frozenset()

    def entry_type(self, csl_type: str, standard: str, original: str | None) -> str:
        """The entry type to write: ``standard`` is the writer's own for the CSL type,
        ``original`` the input's type, kept unless the importer discards it."""
        if original and original.lower() not in self.refused:
            return original.lower()
        written = self.entry_types.get(csl_type, standard)
        return "misc" if written in self.refused else written


@dataclass(frozen=True)
class Standard:
    """The consumer's importer was measured on this format and the standard output is already
    the best shape it has (the reason is in the table's comment)."""


Shape = CslShape | TexShape | Standard


def _frozen(table: dict[str, dict[str, Shape]]) -> Mapping[str, Mapping[str, Shape]]:
    return MappingProxyType({name: MappingProxyType(formats) for name, formats in table.items()})


# consumer -> output format (registry name) -> shape. Each line cites MAPPING.md.
TARGETS: Mapping[str, Mapping[str, Shape]] = _frozen({
    "zotero": {
        "csl-json": CslShape(
            # CSL-JSON: the whole file is rejected when one item has type software (valid CSL 1.0.2)
            # or a type outside the schema. "document" is CSL's generic type; what Zotero makes of
            # it is not recorded, so the real type stays in a note line (issue 14, not MAPPING.md:
            # Zotero moves note to its Extra field, where "Type: ..." is read back).
            types={"software": "document"},
            # CSL-JSON: the importer keeps only family and given, dropping particles and suffix
            two_part_names=True,
            # CSL-JSON: abstracts are shown as plain text and rich-text tags are read in titles
            # only, so note (Extra) gets plain text too. The abstract is plain text already.
            plain_note=True,
        ),
        # BibTeX and BibLaTeX: the importer reads the arXiv id from eprinttype, which plain
        # output writes already; @preprint and @dataset are silently discarded.
        "bibtex": TexShape(refused=frozenset({"preprint", "dataset"})),
        # BibTeX and BibLaTeX: Zotero reads BibLaTeX with its BibTeX importer; @online imports
        # as a webpage (right for web pages, wrong for a preprint), @misc as a document. The
        # biblatex-only types are where it was seen to discard entries and the others are not
        # measured, so each gets the classic type plain BibTeX output writes (conservative). The
        # other fields stay BibLaTeX: how Zotero reads date or journaltitle is not recorded.
        "biblatex": TexShape(
            entry_types={
                "article": "misc",  # an arXiv preprint: @misc + eprinttype, as MAPPING advises
                "dataset": "misc",
                "software": "misc",
                "collection": "book",
                "entry": "incollection",
                "entry-dictionary": "incollection",
                "entry-encyclopedia": "incollection",
                "report": "techreport",
                "thesis": "phdthesis",
                "patent": "misc",
                "standard": "misc",
                "periodical": "misc",
            },
            refused=frozenset({"preprint", "dataset"}),
        ),
        # RIS: Zotero reads UNPB (the default), JOUR, GEN and unknown types as a journal article,
        # MANSCPT/INPR as a manuscript, RPRT as a report, ELEC as a web page (misreading M1): no
        # TY reaches its preprint type, so the documented default and --ris-type stand.
        "ris": Standard(),
    },
})


def shape(target: str | None, format: str) -> Shape | None:
    """The adjustments for ``format`` written for ``target``; None for plain output."""
    if target is None:
        return None
    found = TARGETS[target].get(format)
    return None if isinstance(found, Standard) else found


def measured(target: str, format: str) -> bool:
    """Whether the target's behaviour on this format is recorded (else output is plain)."""
    return format in TARGETS[target]
