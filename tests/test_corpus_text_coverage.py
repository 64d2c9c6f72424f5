"""Every text of a real-world input is somewhere in what refconv read from it: a field, extras
or a diagnostic. Nothing is dropped without a word.

The check compares letters and digits only (case, spacing and punctuation aside), so texts
refconv restructures are left to the tests that compare them structured: names, dates and
normalised identifiers (a DOI link read as a bare DOI, an ORCID URL as the bare iD), and
headings that label a value rather than being one. Each exclusion below says which.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

import pytest
from lxml import etree

import converters
from converters.serialize import record_to_dict

from .shared import ids_for, shared_files

JATS_FILES = shared_files("corpus/jats", "*.xml", "*.nxml")
RIS_FILES = [p for p in shared_files("corpus/ris", "*") if p.suffix not in (".md", ".tsv")]

# JATS elements whose text the record holds structured, or which only label a value
_JATS_STRUCTURED = frozenset({
    "year", "month", "day", "season",  # dates
    "surname", "given-names", "prefix", "suffix",  # names (compared as names)
    "contrib-id", "uri",  # an ORCID URL, read as the bare iD
    "label", "title", "x",  # "Abstract", "Keywords", "Research organism", "is at": headings and punctuation
    "object-id",  # eLife's DOI of the abstract itself, not of the work
    "date-in-citation", "string-date",  # dates ("[accessed 4 November 2008]")
    "person-group",  # a list of names as text ("Hendrix RW,Roberts JW"), read as names
})
# a link to a DOI or an arXiv paper is read as the bare identifier
_ID_LINK = re.compile(r"https?://(?:dx\.)?(?:doi\.org|arxiv\.org/abs)/", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# RIS tags whose values the record holds structured
_RIS_STRUCTURED = frozenset({
    "TY", "ER", "AU", "A1", "A2", "A3", "A4", "ED",  # types, names
    "DA", "PY", "Y1", "Y2",  # dates
    "DO", "LA", "SN",  # a DOI link read as a DOI, a language name as its tag, ISSN and ISBN split
})
_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*))?$")


def _letters(text: str) -> str:
    """Letters and digits only, entities and a link's %-escapes decoded (on both sides)."""
    text = _TAG.sub("", html.unescape(text))  # (markup read as markup: Zotero's notes, WoS's <i> in titles)
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", unquote(text))).casefold()


def _found(text: str, read: str) -> bool:
    return _letters(text) in read or _letters(_ID_LINK.sub("", text)) in read


def _read_texts(result) -> str:
    """Everything the records and the diagnostics say, letters only."""
    strings: list[str] = []

    def collect(value) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for record in result.records:
        collect(record_to_dict(record))
    strings.extend(d.message for d in result.diagnostics)
    return _letters(" ".join(strings))


@pytest.mark.skipif(not JATS_FILES, reason="../shared/corpus/jats is absent")
@pytest.mark.parametrize("path", JATS_FILES, ids=ids_for(JATS_FILES))
def test_every_text_of_jats_front_matter_and_references_is_read(path):
    result = converters.load(path, "jats", jats_front=True)
    read = _read_texts(result)
    skipped = {d.line for d in result.diagnostics if d.code == "jats.empty-ref"}  # (a ref of notes only: said)
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    missing = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or etree.QName(element).localname in _JATS_STRUCTURED:
            continue
        above = list(element.iterancestors())
        names = {etree.QName(a).localname for a in above}
        if not names & {"article-meta", "journal-meta", "ref"}:
            continue  # (the body)
        if any(etree.QName(a).localname == "ref" and a.sourceline in skipped for a in above):
            continue
        text = element.text or ""
        if len(_letters(text)) >= 4 and not _found(text, read) and _letters(text) != "etal":  # (et al.: a flag)
            missing.append((element.sourceline, etree.QName(element).localname, (element.text or "").strip()[:60]))
    assert missing == [], missing[:5]


@pytest.mark.skipif(not RIS_FILES, reason="../shared/corpus/ris is absent")
@pytest.mark.parametrize("path", RIS_FILES, ids=ids_for(RIS_FILES))
def test_every_ris_value_is_read(path):
    result = converters.load(path, "ris")
    read = _read_texts(result)
    missing = []
    inside = False  # (a tag line outside any record is said to be ignored, with its line)
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        match = _RIS_LINE.match(line)
        if match is None:
            continue
        tag, value = match.group(1), match.group(2) or ""
        inside = tag == "TY" or (inside and tag != "ER")
        if not inside or tag in _RIS_STRUCTURED:
            continue
        # (several links in one line are read apart)
        pieces = [value] if tag not in ("UR", "L1", "L2", "L4") or _found(value, read) else re.split(r"[\s;]+", value)
        for piece in pieces:
            if len(_letters(piece)) >= 4 and not _found(piece, read):
                missing.append((number, tag, piece[:60]))
    assert missing == [], missing[:5]


_WORDS = re.compile(r"[^\W_]+")
# words the XML itself glues: an inline element's text runs into the text after it
_GLUED_IN_THE_SOURCE = {
    ("elife-kitchen-sink.xml", "rosettais"),  # "<italic>S. rosetta</italic>is triggered"
    ("elife-kitchen-sink.xml", "17m"),  # "as low as 10<sup>-17</sup>M."
}


def _source_words(tree) -> set[str]:
    """The words of every text, attribute value (ids, links) and element name (extras keys)."""
    texts: list[str] = []
    for node in tree.iter():
        texts.append(node.tail or "")
        if isinstance(node.tag, str):
            texts.extend((node.text or "", etree.QName(node).localname, *node.attrib.values()))
    return {w.casefold() for w in _WORDS.findall(unicodedata.normalize("NFC", " ".join(texts)))}


@pytest.mark.skipif(not JATS_FILES, reason="../shared/corpus/jats is absent")
@pytest.mark.parametrize("path", JATS_FILES, ids=ids_for(JATS_FILES))
def test_no_two_words_of_jats_are_read_as_one(path):
    # Elements the XML puts side by side (eLife's <institution>…</institution><country>, TaxPub's
    # taxon-name parts, a citation's <source>…</source><volume>) are words of their own:
    # "Tongji UniversityShanghaiChina", "Anemonesect.Himalayicae", "Zhurnal74" are changed words.
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    source = _source_words(tree)
    glued = set()
    for front in (False, True):
        strings: list[str] = []
        for record in converters.load(path, "jats", jats_front=front).records:
            _strings(record_to_dict(record), strings)
        for word in _WORDS.findall(unicodedata.normalize("NFC", " ".join(strings))):
            folded = word.casefold()
            if folded not in source and not folded.isdigit() and any(folded[:i] in source and folded[i:] in source
                                            for i in range(1, len(folded))):
                glued.add(folded)
    assert sorted(glued - {w for f, w in _GLUED_IN_THE_SOURCE if f == path.name}) == []


# the record's own words beside the source's: a type, a markup syntax, a key ("ref10a"), an
# extra's format and field name, identifiers in their canonical form ("PMC3166277")
_NOT_SOURCE_TEXT = frozenset({"type", "syntax", "key", "format", "field", "ids"})


def _strings(value, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_TAG.sub(" ", html.unescape(value)) if "<" in value or "&" in value else value)
    elif isinstance(value, dict):
        for name, item in value.items():
            if name not in _NOT_SOURCE_TEXT:
                _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
