"""Content sniffing: each built-in format's ``detect(head)``, kept apart from the readers.

Guessing a format runs every detector on the first kilobytes; with the detectors in the
reader modules that imported every reader (lxml, the arXiv builder, the BibTeX mapping
tables) before one record was read, most of a one-record conversion's time. These are
string tests and small patterns only, and import nothing of refconv's. Each format module
re-exports its detector as ``detect``; a plugin format keeps its own in its module.
"""

from __future__ import annotations

import re

_BIBTEX = re.compile(r"(?m)^[\s\ufeff]*@[A-Za-z]+\s*[{(]")
_RIS = re.compile(r"(?m)^\ufeff?TY[ \t]{1,2}-[ \t]")
_LISTING_ID = re.compile(r"(?m)^arXiv:\S+")
_LISTING_CREATED = re.compile(r"(?m)^Created:\s*\d")
_HTML = re.compile(r"<!DOCTYPE\s+html\b|<html[\s>]", re.I)
_JATS = re.compile(r"<!DOCTYPE\s+(?:article|pmc-articleset)\b|-//NLM//DTD|"
                   r"<(?:article|ref-list|element-citation|mixed-citation|nlm-citation|pmc-articleset)[\s>]")
OAI = "http://www.openarchives.org/OAI/2.0/"
ATOM = "http://www.w3.org/2005/Atom"
# arXiv .abs files and mailings: blocks after `\\` lines
ABS_OPENING = re.compile(r"^\ufeff?(?:-{10,}\s*\n)?\\\\\s*\n(?:arXiv:\S+|Paper:\s*\S+)\s*\n(?:From|Date):")
HEADER_AFTER_SEPARATOR = re.compile(r"(?m)^\\\\\s*\n(?:arXiv:\S|Paper[ :(])")
ID_LINE = re.compile(
    r"^(?:arXiv:(?P<new>\S+)(?P<cross1>\s+\(\*cross-listing\*\))?"
    r"|Paper(?P<cross2>\s+\(\*cross-listing\*\))?:\s*(?P<old>\S+))\s*$"
)
_MAILING_PREAMBLE = re.compile(
    r"(?m)^(?:Subject: .*(?:mailing|daily)|Papers received as of |/\* .+ \*/$| ?received from )")


def bibtex(head: str) -> bool:
    return _BIBTEX.search(head) is not None


def ris(head: str) -> bool:
    return _RIS.search(head) is not None


def arxiv_listing(head: str) -> bool:
    return bool(_LISTING_ID.search(head) and _LISTING_CREATED.search(head))


def refconv_json(head: str) -> bool:
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    return first.startswith("{") and '"ids"' in first and '"type"' in first and '"date-parts"' not in first


def csl_json(head: str) -> bool:
    text = head.lstrip("\ufeff \t\r\n")
    first_line = text.split("\n", 1)[0]
    if first_line.startswith("{") and '"ids"' in first_line and '"date-parts"' not in first_line:
        return False  # refconv-json: the canonical record, not CSL
    return text[:1] in "[{" and '"type"' in head and ('"id"' in head or '"title"' in head)


def jats(head: str) -> bool:
    """XML (it starts with markup), not HTML, and JATS's DOCTYPE or elements."""
    return (head.lstrip("\ufeff \t\r\n").startswith("<") and _HTML.search(head) is None
            and _JATS.search(head) is not None)


def arxiv_oai(head: str) -> bool:
    """An XML document with an OAI-PMH root that mentions arXiv (request, identifiers)."""
    return head.lstrip("\ufeff \t\r\n").startswith("<") and "<OAI-PMH" in head and OAI in head and "arXiv" in head


def arxiv_atom(head: str) -> bool:
    """An XML document (not, say, JSON quoting one) with an Atom feed from arxiv.org."""
    return head.lstrip("\ufeff \t\r\n").startswith("<") and "<feed" in head and ATOM in head and "arxiv.org" in head


def arxiv_abs(head: str) -> bool:
    """One block, at the very start: a listing of several blocks is ``arxiv-mailing``."""
    text = head.replace("\r\n", "\n")
    return bool(ABS_OPENING.match(text)) and len(HEADER_AFTER_SEPARATOR.findall(text)) == 1


def arxiv_mailing(head: str) -> bool:
    """Record blocks after ``\\\\`` lines, and either a mailing preamble or several blocks,
    or nothing but id lines; never a single-block file, which is ``arxiv-abs``."""
    text = head.replace("\r\n", "\n").lstrip("\ufeff")
    if arxiv_abs(text):
        return False
    blocks = len(HEADER_AFTER_SEPARATOR.findall(text))
    return blocks >= 2 or (blocks == 1 and bool(_MAILING_PREAMBLE.search(text))) or _id_list(text)


def _id_list(text: str) -> bool:
    lines = [line.strip() for line in text.split("\n")[:-1] if line.strip()]  # the last may be cut off
    return bool(lines) and all(ID_LINE.match(line) for line in lines)


def arxiv_json(head: str) -> bool:
    first = head.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
    if not first.startswith("{") or '"id"' not in first:
        return False
    # a line of many thousand authors may push the later keys out of the head
    return '"authors_parsed"' in first or '"update_date"' in first or '"submitter"' in first
