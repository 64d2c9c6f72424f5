"""RIS mapping tables as data: types both ways and tags to model fields.

Change a mapping here, not in the reader or writer code. Sources: the RIS
specification's type list (as tabled by citation-js, ../shared/schemas/ris) and what
real exporters write (the shared corpus).
"""

from __future__ import annotations

import functools

# CSL type -> RIS TY, used by the writer. "article" (preprint) is decided by
# Options.ris_type (--ris-type).
RIS_TYPES: dict[str, str] = {
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "book": "BOOK",
    "classic": "CLSWK",
    "collection": "EDBOOK",
    "chapter": "CHAP",
    "paper-conference": "CPAPER",
    "report": "RPRT",
    "thesis": "THES",
    "manuscript": "MANSCPT",
    "webpage": "ELEC",
    "post": "BLOG",
    "post-weblog": "BLOG",
    "dataset": "DATA",
    "software": "COMP",
    "patent": "PAT",
    "map": "MAP",
    "motion_picture": "MPCT",
    "broadcast": "VIDEO",
    "entry-dictionary": "DICT",
    "entry-encyclopedia": "ENCYC",
    "legal_case": "CASE",
    "legislation": "STAT",
    "bill": "BILL",
    "hearing": "HEAR",
    "pamphlet": "PAMP",
    "personal_communication": "PCOMM",
    "song": "SOUND",
    "standard": "STAND",
    "graphic": "ART",
    "figure": "FIGURE",
    "interview": "PCOMM",
    "speech": "SLIDE",
    "review": "JOUR",
    "review-book": "JOUR",
    "musical_score": "MUSIC",
    "periodical": "JFULL",
}
DEFAULT_RIS_TYPE = "GEN"

# RIS TY -> CSL type, used by the reader. The inverse of RIS_TYPES where that is one
# to one; where several CSL types share a TY the first listed above wins (JOUR ->
# article-journal, PCOMM -> personal_communication, BLOG -> post-weblog). Types the
# writer never emits follow the RIS spec's meaning.
# Decisions: UNPB (unpublished work) -> "article", CSL's preprint/working-paper type,
# which is also what our writer emits it for; MANSCPT -> manuscript; INPR (in press)
# -> article-journal, an accepted journal article. A TY that the writer would not
# give back for the mapped type is kept in extras["ris:TY"].
RIS_TO_CSL: dict[str, str] = {
    **{ty: csl for csl, ty in reversed(list(RIS_TYPES.items()))},
    "BLOG": "post-weblog",
    "UNPB": "article",
    "INPR": "article-journal",
    "GEN": "document",
    "ABST": "article-journal",
    "ADVS": "motion_picture",
    "AGGR": "dataset",
    "ANCIENT": "classic",
    "CHART": "figure",
    "CONF": "paper-conference",
    "CTLG": "entry",
    "DBASE": "dataset",
    "EBOOK": "book",
    "ECHAP": "chapter",
    "EJOUR": "article-journal",
    "EQUA": "document",
    "GOVDOC": "report",
    "GRANT": "document",
    "GRNT": "document",
    "ICOMM": "personal_communication",
    "INTV": "interview",
    "LEGAL": "legislation",
    "MULTI": "motion_picture",
    "POD": "broadcast",
    "PRESS": "article-newspaper",
    "SER": "periodical",
    "UNBILL": "bill",
    "UNPD": "manuscript",
    "WEB": "webpage",
}

# Long type names some exporters write instead of the code (EndNote's labels).
RIS_TYPE_NAMES: dict[str, str] = {
    "JOURNAL ARTICLE": "JOUR",
    "BOOK": "BOOK",
    "BOOK SECTION": "CHAP",
    "EDITED BOOK": "EDBOOK",
    "CONFERENCE PAPER": "CPAPER",
    "CONFERENCE PROCEEDINGS": "CONF",
    "THESIS": "THES",
    "REPORT": "RPRT",
    "GENERIC": "GEN",
    "WEB PAGE": "ELEC",
    "MANUSCRIPT": "MANSCPT",
    "NEWSPAPER ARTICLE": "NEWS",
    "MAGAZINE ARTICLE": "MGZN",
}

# Tag -> slot of the model: the reader takes each slot's tags from here, so a mapping
# is changed by editing this table. Slots named like a Record field fill that field;
# "container" is container_title, "start_page"/"end_page" make pages, "isbn_issn" is
# told apart by check digits, "accession" holds arXiv ids (other values stay extras).
# Within a slot, tags are taken in SLOT_ORDER where given, else in the order below;
# a value that does not make it into the model stays in extras["ris:<TAG>"].
TAG_SLOTS: dict[str, str] = {
    "ID": "key",
    "TI": "title", "T1": "title", "CT": "title",
    "AU": "authors", "A1": "authors",
    "A2": "editors", "ED": "editors",
    "T2": "container", "JF": "container", "JO": "container", "BT": "container",
    "JA": "container", "J2": "container",
    "AB": "abstract", "N2": "abstract",
    "N1": "note",
    "KW": "keywords",
    "DO": "doi",
    "UR": "url",
    "SN": "isbn_issn",
    "VL": "volume",
    "IS": "issue",
    "SP": "start_page",
    "EP": "end_page",
    "PB": "publisher",
    "CY": "publisher_place",
    "ET": "edition",
    "LA": "language",
    "AN": "accession",
    "M1": "number",
    "DA": "issued", "PY": "issued", "Y1": "issued",
    "Y2": "accessed",
}

# Precedence inside a slot (first present wins). Dates: DA over PY over Y1, never Y2.
# JA/J2 are journal abbreviations: the container only when nothing else names it.
SLOT_ORDER: dict[str, tuple[str, ...]] = {
    "title": ("TI", "T1", "CT"),
    "container": ("T2", "JF", "JO", "BT", "JA", "J2"),
    "abstract": ("AB", "N2"),
    "issued": ("DA", "PY", "Y1"),
}

# Slots that are plain text fields of the Record (first value wins).
TEXT_SLOTS = ("volume", "issue", "publisher", "publisher_place", "edition", "language", "number")


@functools.cache  # the reader asks ~15 times per record; tables edited at run time need tags_for.cache_clear()
def tags_for(slot: str) -> tuple[str, ...]:
    """The tags of a slot, in precedence order."""
    return SLOT_ORDER.get(slot) or tuple(tag for tag, name in TAG_SLOTS.items() if name == slot)


# Tags whose wrapped (continuation) lines keep their line breaks; the others are
# unwrapped with a space. KW continuation lines are further keywords (Rayyan writes
# one keyword per line under a single KW).
MULTILINE_TAGS = frozenset({"AB", "N1", "N2", "KW"})

# TY values for which a record with an arXiv id and arXiv as publisher or secondary
# title is read back as a preprint (type "article"): the types our writer may use.
PREPRINT_TYS = frozenset({"UNPB", "JOUR", "GEN", "MANSCPT", "INPR", "RPRT", "ELEC"})

# Where exporters put a DOI when they have no DO line (CINAHL: L3); used only when
# the record has no DO and the whole value is a DOI or a doi.org URL.
DOI_FALLBACK_TAGS = ("L3", "M3", "UR", "L1", "L2", "L4")

# Book-like types whose BT is the record's own title, not a container.
BT_IS_TITLE = frozenset({"BOOK", "EBOOK", "EDBOOK", "UNPB", "CLSWK", "MANSCPT", "THES", "RPRT"})

# Tags that may occur several times in a record (rispy's list tags, plus editors and
# file links): an extra for one of these is written even when the record already
# filled the tag. A second value of any other tag would replace the first in most
# importers, so such an extra is reported as lost instead.
REPEATABLE_TAGS = frozenset({"A1", "A2", "A3", "A4", "AU", "ED", "KW", "N1", "UR", "L1", "L2", "L3", "L4"})
