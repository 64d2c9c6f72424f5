"""Readers for arXiv's own metadata shapes, all mapping to the record ``arxiv-listing`` makes.

- ``abs``: the legacy ``.abs`` files (one paper, ``\\\\``-separated header and abstract);
- ``mailing``: the plain-text listings and daily mailings built from the same blocks;
- ``atom``: arXiv API (``export.arxiv.org/api/query``) Atom responses;
- ``oai``: OAI-PMH responses with ``metadataPrefix=arXiv`` or ``arXivRaw``;
- ``snapshot``: lines of the arXiv metadata snapshot (Kaggle ``arxiv-metadata-oai-snapshot.json``).

Each reader only collects raw values into a ``Draft``; ``common.build`` maps a draft to
the canonical record, so every field is mapped the same way whatever the source.
Journal references are parsed by ``journal_ref`` and author strings by ``authors``.
"""
