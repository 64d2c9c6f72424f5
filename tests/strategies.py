"""Hypothesis strategies for canonical records, shared by every format's property tests."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from converters.model import Attachment, Date, Identifiers, Name, Record, Syntax, Text

# Words with accents, non-Latin scripts and inner capitals, but none of the characters
# that carry markup in some format: those have their own targeted tests.
_LETTERS = string.ascii_letters + "éèöüçñøåßłŁŠžÆÉÖ" + "αβγ" + "中文字" + "ДЖЯ"
word = st.text(alphabet=_LETTERS, min_size=1, max_size=10)
words = st.lists(word, min_size=1, max_size=8).map(" ".join)

capitalised = st.builds(lambda w: w[:1].upper() + w[1:],
                        st.text(alphabet=string.ascii_lowercase + "éöñ", min_size=2, max_size=9))

person = st.builds(
    Name,
    family=capitalised,
    given=st.one_of(st.none(), capitalised, st.builds(lambda a, b: f"{a[0]}. {b[0]}.", capitalised, capitalised)),
    non_dropping_particle=st.sampled_from([None, None, None, "van", "de", "van der"]),
    suffix=st.sampled_from([None, None, None, "Jr."]),
)
organisation = st.builds(lambda w: Name(literal=f"{w} Collaboration"), capitalised)
name = st.one_of(person, person, person, organisation)

date = st.one_of(
    st.builds(Date, year=st.integers(1900, 2030)),
    st.builds(Date, year=st.integers(1900, 2030), month=st.integers(1, 12)),
    st.builds(Date, year=st.integers(1900, 2030), month=st.integers(1, 12), day=st.integers(1, 28)),
)

new_arxiv_id = st.builds(lambda y, m, n: f"{y:02d}{m:02d}.{n:05d}", st.integers(15, 25), st.integers(1, 12),
                         st.integers(1, 99999))
doi = st.builds(lambda reg, suffix: f"10.{reg}/{suffix}", st.integers(1000, 99999),
                st.text(alphabet=string.ascii_lowercase + string.digits + ".-", min_size=1, max_size=12)
                .filter(lambda s: s[0].isalnum()))

plain_text = words.map(lambda s: Text(s, Syntax.PLAIN))

# files as reference managers link them: POSIX and Windows paths, URLs, with or without a title and type
_file_name = st.text(alphabet=string.ascii_letters + string.digits + "_-. éü", min_size=1, max_size=12).map(
    str.strip).filter(bool)
attachment = st.builds(
    Attachment,
    location=st.one_of(_file_name.map(lambda n: f"/home/ann/{n}.pdf"), _file_name.map(lambda n: f"C:\\Papers\\{n}.pdf"),
                       _file_name.map(lambda n: f"https://example.org/{n.replace(' ', '%20')}.pdf")),
    title=st.sampled_from([None, "Full Text PDF", "Snapshot"]),
    media_type=st.sampled_from([None, "application/pdf", "PDF"]),
)


@st.composite
def arxiv_records(draw) -> Record:
    """Preprints as the arXiv readers produce them."""
    return Record(
        type="article",
        title=draw(st.one_of(st.none(), plain_text)),
        authors=tuple(draw(st.lists(name, max_size=5))),
        issued=draw(st.builds(Date, year=st.integers(2015, 2025), month=st.integers(1, 12), day=st.integers(1, 28))),
        abstract=draw(st.one_of(st.none(), plain_text)),
        note=draw(st.one_of(st.none(), plain_text)),
        publisher="arXiv",
        ids=Identifiers(arxiv=draw(new_arxiv_id), doi=tuple(draw(st.lists(doi, max_size=1)))),
    )


@st.composite
def journal_records(draw) -> Record:
    """Journal articles with the fields most formats carry."""
    return Record(
        type="article-journal",
        title=draw(plain_text),
        authors=tuple(draw(st.lists(name, min_size=1, max_size=5))),
        issued=draw(date),
        container_title=draw(plain_text),
        volume=draw(st.one_of(st.none(), st.integers(1, 300).map(str))),
        issue=draw(st.one_of(st.none(), st.integers(1, 12).map(str))),
        pages=draw(st.one_of(st.none(),
                             st.builds(lambda a, n: f"{a}-{a + n}", st.integers(1, 900), st.integers(1, 40)))),
        ids=Identifiers(doi=tuple(draw(st.lists(doi, max_size=1)))),
        affiliations=tuple(draw(st.lists(words, max_size=2, unique=True))),
        attachments=tuple(draw(st.lists(attachment, max_size=2))),
    )


records = st.one_of(arxiv_records(), journal_records())
