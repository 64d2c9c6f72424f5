"""arXiv identifier validity: each rule of converters/text/ids.py pinned on both sides of its edge.

arXiv's scheme (https://info.arxiv.org/help/arxiv_identifier.html): old-style
``archive(.SC)/YYMMNNN`` from 1991 to March 2007; new-style ``YYMM.NNNN`` from April 2007
(0704) to December 2014, ``YYMM.NNNNN`` from January 2015 (1501); an optional ``vN``.
Deleting any one rule must make a test here fail (issue 16: deleting all of them used to
leave the suite green).
"""

from __future__ import annotations

import pytest

import converters
from converters.text.ids import ArxivIdError, arxiv_fields, arxiv_id_date, parse_arxiv_id

VALID = [
    # (input, id, version, subject class)
    ("0704.0001", "0704.0001", None, None),  # the first new-style id
    ("1412.9999", "1412.9999", None, None),  # the last month of 4 digits
    ("1501.00001", "1501.00001", None, None),  # the first month of 5 digits
    ("2101.00001v3", "2101.00001", 3, None),
    ("9912.00001", "9912.00001", None, None),  # 2099: new-style years past 2090 are still new-style
    ("arXiv:2101.00001v12", "2101.00001", 12, None),
    ("https://arxiv.org/abs/1501.00001v2", "1501.00001", 2, None),
    ("https://arxiv.org/pdf/1501.00001.pdf", "1501.00001", None, None),
    ("hep-th/9108001", "hep-th/9108001", None, None),  # the first old-style month
    ("hep-th/9901001v2", "hep-th/9901001", 2, None),
    ("math.AG/0101001", "math/0101001", None, "AG"),  # the subject class is not part of the id
    ("cond-mat/0703999", "cond-mat/0703999", None, None),
    ("hep-th/9112001", "hep-th/9112001", None, None),
    ("hep-th/0701001", "hep-th/0701001", None, None),  # 2007: the last old-style year
]


@pytest.mark.parametrize(("text", "arxiv_id", "version", "subject"), VALID)
def test_valid_arxiv_ids_parse_to_id_version_and_subject_class(text, arxiv_id, version, subject):
    assert parse_arxiv_id(text) == (arxiv_id, version, subject)


# each rule: ids that only it rejects, and the words of its message
RULES = {
    "new-style month is 01-12": (["2113.00001", "2100.00001", "0713.0001", "1500.00001"], "is not 01-12"),
    "old-style month is 01-12": (["hep-th/9113001", "hep-th/9100001", "math.AG/0200001"], "is not 01-12"),
    "new-style ids start at 0704": (["0703.0001", "0701.0001", "0001.0001"], "start at 0704"),
    "4 digits until 1412, 5 from 1501": (["0704.00001", "1412.00001", "1501.0001", "2101.0001"],
                                         "digits after the dot"),
    "old-style ids run 1991-2007": (["hep-th/0801001", "hep-th/9012001", "hep-th/5001001"], "1991 to 2007"),
}


@pytest.mark.parametrize("rule", RULES)
def test_each_arxiv_id_rule_rejects_what_breaks_it(rule):
    ids, message = RULES[rule]
    for text in ids:
        with pytest.raises(ArxivIdError, match=message):
            parse_arxiv_id(text)


@pytest.mark.parametrize("text", [
    "2101.001", "2101.000001", "21010.00001", "2101-00001", "2101.00001v", "2101.00001V2", "2101.00001v-1",
    "hep-th/910800", "hep-th/91080011", "HEP-TH/9108001", "hep-th/9108001v", "math.ag/0101001", "/9108001",
    "hep-th9108001", "", "arXiv:", "10.48550/arXiv.2101.00001",
])
def test_strings_of_the_wrong_shape_are_not_arxiv_ids(text):
    with pytest.raises(ArxivIdError, match="is not an arXiv id"):
        parse_arxiv_id(text)


@pytest.mark.parametrize(("arxiv_id", "date"), [
    ("0704.0001", (2007, 4)), ("1501.00001", (2015, 1)), ("hep-th/9108001", (1991, 8)),
    ("hep-th/0703001", (2007, 3)), ("math/9912001", (1999, 12)),
])
def test_an_arxiv_id_gives_its_submission_month(arxiv_id, date):
    assert arxiv_id_date(arxiv_id) == date


@pytest.mark.parametrize("rule", RULES)
def test_a_listing_with_an_id_that_breaks_a_rule_is_an_error_at_the_id(rule):
    """The rules reach users: the listing reader reports the id, its line and column."""
    ids, message = RULES[rule]
    bad = ids[0]
    text = f"Good one.\n\narXiv:2101.00001\nCreated: 2021-01-01\n\nBad one.\n\narXiv:{bad}\nCreated: 2021-01-02\n"
    result = converters.loads(text, "arxiv-listing")
    assert [r.ids.arxiv for r in result.records if r.ids.arxiv] == ["2101.00001"]
    errors = [d for d in result.errors if d.code == "listing.bad-id"]
    assert len(errors) == 1 and message in errors[0].message and bad in errors[0].message
    assert (errors[0].line, errors[0].column) == (8, 7)


@pytest.mark.parametrize(("value", "fields"), [
    ("2101.00001", {"arxiv": "2101.00001"}),
    ("arXiv:2101.00001v3", {"arxiv": "2101.00001", "arxiv_version": 3}),
    ("math.GT/0309136v2", {"arxiv": "math/0309136", "arxiv_version": 2, "arxiv_class": "math.GT"}),
    ("hep-th/9603067", {"arxiv": "hep-th/9603067"}),
])
def test_an_id_gives_the_records_identifier_fields_it_names(value, fields):
    assert arxiv_fields(value) == fields


def test_a_value_that_is_no_arxiv_id_gives_no_fields():
    with pytest.raises(ArxivIdError):
        arxiv_fields("not an id")
