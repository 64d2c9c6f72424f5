"""JATS publication-type <-> CSL item type, as data.

``CSL_TYPES`` reads ``publication-type`` (JATS) and ``citation-type`` (NLM 2.x) values,
lower-cased: the inverse of ``PUBLICATION_TYPES`` (the writer's) where that is one to
one, plus the values real files carry (TaxPub's "article", ACS's "weblink" and
"computer-program", NLM's "commun" and "gov"). The original value always travels in
``extras[PUBLICATION_TYPE]``, and our writer writes it back.
"""

from __future__ import annotations

from ...extras import Extra
from ...model import CSL_TYPES as ALL_CSL_TYPES

# the input's publication-type (a citation's) and article-type (front matter's), where they
# say more than the CSL type does: written back by the JATS writer
PUBLICATION_TYPE = Extra("jats", "publication-type")
ARTICLE_TYPE = Extra("jats", "article-type")

# CSL type -> element-citation/@publication-type (JATS4R's recommended values)
PUBLICATION_TYPES: dict[str, str] = {
    "article": "preprint",
    "article-journal": "journal",
    "article-magazine": "magazine",
    "article-newspaper": "newspaper",
    "review": "journal",
    "book": "book",
    "classic": "book",
    "collection": "book",
    "chapter": "book",
    "entry-encyclopedia": "book",
    "entry-dictionary": "book",
    "paper-conference": "confproc",
    "report": "report",
    "thesis": "thesis",
    "webpage": "webpage",
    "post": "webpage",
    "post-weblog": "blog",
    "dataset": "data",
    "software": "software",
    "patent": "patent",
    "standard": "standard",
    "manuscript": "working-paper",
    "document": "other",
}
DEFAULT_PUBLICATION_TYPE = "other"

CSL_TYPES: dict[str, str] = {
    # journals and other periodicals
    "journal": "article-journal", "article": "article-journal", "journal-article": "article-journal",
    "magazine": "article-magazine", "newspaper": "article-newspaper", "news": "article-newspaper",
    "periodical": "periodical", "review": "review", "book-review": "review-book",
    # preprints (CSL "article")
    "preprint": "article", "eprint": "article", "e-print": "article",
    # books
    "book": "book", "chapter": "chapter", "book-chapter": "chapter", "inbook": "chapter",
    "encyclopedia": "entry-encyclopedia", "dictionary": "entry-dictionary",
    # conferences, reports, theses
    "confproc": "paper-conference", "conf-proc": "paper-conference", "conference": "paper-conference",
    "proceedings": "paper-conference", "report": "report", "gov": "report", "government": "report",
    "working-paper": "manuscript", "manuscript": "manuscript", "unpublished": "manuscript",
    "thesis": "thesis", "dissertation": "thesis", "standard": "standard", "patent": "patent",
    # the web, data, software
    "webpage": "webpage", "web": "webpage", "website": "webpage", "weblink": "webpage", "webcite": "webpage",
    "blog": "post-weblog", "data": "dataset", "dataset": "dataset", "database": "dataset",
    "software": "software", "computer-program": "software", "program": "software", "code": "software",
    # the rest
    "commun": "personal_communication", "communication": "personal_communication",
    "personal-communication": "personal_communication", "letter": "personal_communication",
    "legislation": "legislation", "law": "legislation", "map": "map", "video": "motion_picture",
    "film": "motion_picture", "clinicaltrial": "document", "clinical-trial": "document",
    "discussion": "document", "list": "document", "other": "document",
}

def csl_type(publication_type: str) -> str | None:
    """The CSL type a publication-type value names: a value of the table, or a CSL type's own
    name (refconv's writer writes those for types JATS4R has no value for)."""
    return CSL_TYPES.get(publication_type.lower()) or (publication_type if publication_type in ALL_CSL_TYPES else None)


# CSL types whose own title JATS puts in <source> (a whole book, report, data set)
TITLE_IS_SOURCE = frozenset({"book", "classic", "collection", "report", "thesis", "dataset", "software",
                             "webpage", "standard", "patent"})


# <person-group person-group-type> -> where its names go: "author" or "editor" (the record's
# lists) or a CSL name variable. JATS 1.4's suggested values (%person-group-types;), and the
# values real files carry; a CSL name variable as the type, or as the custom-type of
# person-group-type="custom", is that variable. "transed" is both editor and translator.
PERSON_GROUP_ROLES: dict[str, tuple[str, ...]] = {
    "author": ("author",), "allauthors": ("author",), "inventor": ("author",),
    "editor": ("editor",), "guest-editor": ("editor",), "volume-editor": ("editor",),
    "series-editor": ("collection-editor",), "transed": ("editor", "translator"),
    "compiler": ("compiler",), "curator": ("curator",), "director": ("director",),
    "illustrator": ("illustrator",), "translator": ("translator",),
}
# a CSL name variable -> the person-group-type JATS suggests for it (others: custom + custom-type)
PERSON_GROUP_TYPES: dict[str, str] = {
    "compiler": "compiler", "curator": "curator", "director": "director", "illustrator": "illustrator",
    "translator": "translator",
}

# element-citation elements that hold a CSL variable (both directions)
VARIABLE_ELEMENTS: dict[str, str] = {
    "series": "collection-title", "part-title": "part-title", "version": "version",
    "supplement": "supplement", "conf-name": "event-title", "conf-loc": "event-place",
}
# <size units="pages"> is number-of-pages; <conf-date> the event-date
