"""The real validators our outputs must pass: JATS DTD, CSL-JSON schema, bibtexparser, rispy."""

from __future__ import annotations

import io
import json
from functools import lru_cache

from .shared import shared_path

JATS_DTD = ("schemas", "jats", "1.4", "JATS-archivearticle1-4.dtd")
CSL_SCHEMA = ("schemas", "csl", "csl-data.json")


@lru_cache(maxsize=1)
def _jats_dtd():
    from lxml import etree

    return etree.DTD(str(shared_path(*JATS_DTD)))


def parse_xml(text: str):
    from lxml import etree

    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    return etree.fromstring(text.encode("utf-8"), parser)


def assert_valid_jats(text: str) -> list:
    """Validate a JATS document (or each <article> of a <pmc-articleset>); return the articles.

    Each article of a set is re-parsed as a document of its own: lxml's DTD check of a
    subtree rejects xml:lang and ID attributes that are valid in a standalone article.
    """
    from lxml import etree

    dtd = _jats_dtd()
    root = parse_xml(text)
    articles = [root] if root.tag == "article" else list(root.iterchildren("article"))
    assert articles, f"no <article> in output (root <{root.tag}>)"
    for article in articles:
        standalone = parse_xml(etree.tostring(article, encoding="unicode")) if article is not root else article
        ok = dtd.validate(standalone)
        assert ok, "JATS DTD rejects output: " + "; ".join(str(e) for e in dtd.error_log.filter_from_errors()[:5])
    return articles


@lru_cache(maxsize=1)
def _csl_validator():
    import jsonschema

    schema = json.loads(shared_path(*CSL_SCHEMA).read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def assert_valid_csl(text: str) -> list[dict]:
    data = json.loads(text)
    errors = sorted(_csl_validator().iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "CSL schema rejects output: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5]
    )
    return data


def parse_bibtex(text: str):
    """bibtexparser's view of BibTeX output; fails on any failed block."""
    import bibtexparser

    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, f"bibtexparser failed on: {library.failed_blocks[0].raw[:200]!r}"
    return library


def parse_ris(text: str) -> list[dict]:
    import rispy

    return rispy.load(io.StringIO(text, newline=""))
