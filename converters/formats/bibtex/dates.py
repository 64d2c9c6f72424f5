"""Dates: BibTeX ``year``/``month``/``day`` and BibLaTeX ``date``/``urldate`` (ISO 8601 / EDTF level 1).

Functions return a ``Date`` (or None) plus problems as values; they never raise.
A value that cannot be structured is kept, never dropped: as a literal date, or
in extras by the caller.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ...model import Date
from ...text.months import MONTHS, SEASONS
from ...text.tex import tex_to_unicode

_EDTF = re.compile(r"^(?P<year>-?\d{1,4})(?:-(?P<month>\d\d)(?:-(?P<day>\d\d))?)?(?P<qualifier>[~?%])?$")
_YEAR = re.compile(r"^-?\d{1,4}$")  # (a year before 1 AD is negative, as CSL and biblatex have it)
_YEAR_RANGE = re.compile(r"^(?P<start>\d{4})\s*(?:-{1,3}|–|—|/)\s*(?P<end>\d{2}|\d{4})$")
_SLASH = re.compile(r"\\slash\b\s*")
NOOPSORT = re.compile(r"\\noopsort\s*\{[^{}]*\}")  # \def\noopsort#1{}: a sort key that prints nothing
_TOKENS = re.compile(r"[^\W\d_]+\.?|\d+")


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    code: str
    message: str
    hint: str | None = None
    info: bool = False  # a known convention, not a mistake


def parse_iso(text: str, field: str) -> tuple[Date, list[Problem]]:
    """``2020``, ``2020-05``, ``2020-05-17``, ranges ``1984/1986``, qualifiers ``~ ? %``, seasons ``2020-21``."""
    text = text.strip()
    start_text, slash, end_text = text.partition("/")
    try:
        start = _edtf_part(start_text) if start_text not in ("", "..") else None
        end = _edtf_part(end_text) if slash and end_text not in ("", "..") else None
    except ValueError as exc:
        message = f"{field} '{text}': {exc}; kept as a literal date"
        return Date(literal=text), [Problem(field, "bibtex.bad-date", message,
                                           "expected ISO 8601: YYYY, YYYY-MM, YYYY-MM-DD or a range A/B")]
    if start is not None and slash and end is None and start.year != 0:
        end = Date(0)  # "1987/": no end yet, which CSL writes as the year 0
    if start is None or (slash and end is None):
        return Date(literal=text), [Problem(field, "bibtex.open-date", f"{field} '{text}' is an open range; "
                                            "kept as a literal date")]
    if end is not None:
        start = Date(start.year, start.month, start.day, start.season, start.circa or end.circa, end=end)
    return start, []


def _edtf_part(text: str) -> Date:
    match = _EDTF.match(text.strip())
    if not match:
        raise ValueError("not an ISO 8601 date")
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    season = None
    if month is not None and 21 <= month <= 24:
        if day is not None:
            raise ValueError("a season has no day")
        season, month = month - 20, None
    elif month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month:02d} is not 01-12")
    elif month is not None and day is not None:  # (the pattern has no day without a month)
        _check_day(year, month, day)
    return Date(year, month, day, season, circa=match["qualifier"] is not None)


def _check_day(year: int, month: int, day: int) -> None:
    try:
        dt.date(max(year, 1), month, day)
    except ValueError:
        raise ValueError(f"day {day} does not exist in {year:04d}-{month:02d}") from None


@dataclass(frozen=True, slots=True)
class _Month:
    """What a month field says: a month or a season, perhaps a day, perhaps a range."""

    month: int | None = None
    season: int | None = None
    day: int | None = None
    end_month: int | None = None
    end_day: int | None = None


def parse_parts(year: str | None, month: str | None, day: str | None
                ) -> tuple[Date | None, list[Problem], dict[str, str]]:
    """BibTeX's year/month/day fields; returns the date, problems and fields to keep as they are."""
    keep: dict[str, str] = {}
    problems: list[Problem] = []
    if year is None:
        keep.update({k: v for k, v in (("month", month), ("day", day)) if v is not None})
        if keep:
            problems.append(Problem(next(iter(keep)), "bibtex.date-without-year",
                                    f"{', '.join(keep)} without a year; kept as written"))
        return None, problems, keep
    plain_year = tex_to_unicode(NOOPSORT.sub("", year)).strip()
    years = _year(plain_year)
    if years is None:
        keep.update({k: v for k, v in (("month", month), ("day", day)) if v is not None})
        problems.append(Problem("year", "bibtex.bad-year", f"year '{plain_year}' is not a number; kept as a "
                                "literal date", "a year is digits, e.g. 2024; ranges as 1984--1986"))
        return Date(literal=plain_year), problems, keep
    first_year, last_year = years
    date = Date(first_year) if last_year is None else Date(first_year, end=Date(last_year))
    parsed = None
    if month is not None:
        parsed = _month(month)
        if parsed is None and re.fullmatch(r"\s*\?+\s*", month):
            problems.append(Problem("month", "bibtex.unknown-month", f"month '{month}' means unknown; kept as written",
                                    info=True))
            keep["month"] = month
        elif parsed is None:
            problems.append(Problem("month", "bibtex.bad-month", f"month '{month}' is not a month; kept as written",
                                    "use jan .. dec, a month name, 1 .. 12 or a season"))
            keep["month"] = month
        elif date.end is not None:
            problems.append(Problem("month", "bibtex.bad-month", "a month with a range of years is ambiguous; "
                                    "month kept as written"))
            keep["month"] = month
            parsed = None
    if day is not None:
        parsed = _with_day(parsed, day, problems, keep)
    if parsed is None:
        return date, problems, keep
    return _assemble(first_year, parsed, problems, keep), problems, keep


def _with_day(parsed: _Month | None, day: str, problems: list[Problem], keep: dict[str, str]) -> _Month | None:
    """Add the day field ("17" or a range "8--9") to a single month."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*(?:(?:-{1,3}|–)\s*(\d{1,2})\s*)?", day)
    if not (match and parsed is not None and parsed.month is not None  # a single month
            and parsed.end_month is None and parsed.day is None):
        problems.append(Problem("day", "bibtex.bad-day", f"day '{day}' needs a single month and a day 1-31 "
                                "(or a range 8--9); kept as written"))
        keep["day"] = day
        return parsed
    first, last = int(match[1]), int(match[2]) if match[2] else None
    return _Month(parsed.month, day=first, end_month=parsed.month if last else None, end_day=last)


def _assemble(year: int, parsed: _Month, problems: list[Problem], keep: dict[str, str]) -> Date:
    try:
        # (a day comes only with a month, an end day only with an end month)
        if parsed.day is not None and parsed.month is not None:
            _check_day(year, parsed.month, parsed.day)
        if parsed.end_day is not None and parsed.end_month is not None:
            _check_day(year, parsed.end_month, parsed.end_day)
    except ValueError as exc:
        problems.append(Problem("day", "bibtex.bad-day", f"{exc}; day kept as written"))
        keep["day"] = str(parsed.day)
        parsed = _Month(parsed.month, parsed.season, end_month=parsed.end_month)
    end = Date(year, parsed.end_month, parsed.end_day) if parsed.end_month is not None else None
    return Date(year, parsed.month, parsed.day, parsed.season, end=end)


def _year(text: str) -> tuple[int, int | None] | None:
    """The year, or the first and last years of a range; None when it is neither."""
    if _YEAR.match(text):
        return int(text), None
    match = _YEAR_RANGE.match(text)
    if match:
        start, end = int(match["start"]), match["end"]
        end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
        if end_year > start:
            return start, end_year
    return None


def _month(text: str) -> _Month | None:
    """'January', 'jan', '5', 'jan~15', 'June/July', 'Winter'; None when it is none of these."""
    tokens = _TOKENS.findall(tex_to_unicode(_SLASH.sub("/", text)).replace("\xa0", " "))
    words = [t.lower().rstrip(".") for t in tokens if not t.isdigit()]
    numbers = [int(t) for t in tokens if t.isdigit()]
    if len(words) == 1 and words[0] in SEASONS and not numbers:
        return _Month(season=SEASONS[words[0]])
    months = list(filter(None, map(MONTHS.get, words)))  # (months are 1-12: no 0 to lose)
    if len(months) < len(words):  # a word that is no month
        return None
    if not months and len(numbers) == 1 and 1 <= numbers[0] <= 12:
        return _Month(numbers[0])
    if len(months) == 1 and len(numbers) <= 1:
        day = numbers[0] if numbers else None
        return _Month(months[0], day=day) if day is None or 1 <= day <= 31 else None
    if len(months) == 2 and not numbers and months[1] > months[0]:
        return _Month(months[0], end_month=months[1])
    return None


def agree(date: Date, year: str | None, month: str | None) -> bool:
    """Whether BibTeX year/month fields say the same as a biblatex date."""
    if year is not None and tex_to_unicode(NOOPSORT.sub("", year)).strip() != str(date.year):
        return False
    if month is not None:
        parsed = _month(month)
        return parsed is not None and parsed.month == date.month
    return True


# prose dates in Beebe's fields (meetingdate, confdate, onlinedate, lastaccess): "Aug 29--Sep 2
# 1977", "22--23 March 1991", "May 28--30, 1986", "September 8, 2020", "25 Jun 2003"
_RANGE_DASH = re.compile(r"\s*(?:-{1,3}|–|—)\s*")
_PROSE_TOKEN = re.compile(r"[^\W\d_]+\.?|\d+|[,\s]+|.")


def parse_prose(text: str, field: str) -> tuple[Date, list[Problem]]:
    """A date written in words, a day range or a month range in one year; what is not one
    is kept as a literal date (an info: these fields are free text)."""
    iso, problems = parse_iso(text, field)
    if not problems:  # (as refconv's BibTeX writer writes a date)
        return iso, []
    plain = tex_to_unicode(text).replace("\xa0", " ").strip()
    halves = _RANGE_DASH.split(plain)
    parts = [_prose_part(half) for half in halves] if len(halves) <= 2 else [None]
    if all(part is not None for part in parts):
        start = parts[0]
        end = parts[-1]
        assert start is not None and end is not None
        year = end[0] if end[0] is not None else start[0]
        first_month = start[1] if start[1] is not None else end[1]
        last_month = end[1] if end[1] is not None else start[1]
        if year is not None and start[0] in (None, year) and (start[2] is None or first_month is not None) \
                and (end[2] is None or last_month is not None):
            try:
                first = _prose_date(year, first_month, start[2])
                last = _prose_date(year, last_month, end[2]) if len(parts) == 2 else first
            except ValueError:
                pass
            else:
                if last == first:
                    return first, []
                if (last.month, last.day or 0) > (first.month, first.day or 0):
                    return Date(first.year, first.month, first.day, end=last), []
    return Date(literal=plain), [Problem(field, "bibtex.prose-date", f"{field} '{plain}' is not a date refconv "
                                         "reads; kept as a literal date", info=True)]


def _prose_part(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of "Aug 29", "1 Sept. 1988", "30, 1986"; None when it is not one."""
    year = month = day = None
    for token in _PROSE_TOKEN.findall(text):
        if not token.strip(", "):
            continue
        if token.isdigit() and len(token) == 4 and year is None:
            year = int(token)
        elif token.isdigit() and len(token) <= 2 and day is None and 1 <= int(token) <= 31:
            day = int(token)
        elif token[0].isalpha() and month is None and token.lower().rstrip(".") in MONTHS:
            month = MONTHS[token.lower().rstrip(".")]
        else:
            return None
    return (year, month, day) if (year, month, day) != (None, None, None) else None


def _prose_date(year: int, month: int | None, day: int | None) -> Date:
    if month is not None and day is not None:
        _check_day(year, month, day)
    return Date(year, month, day if month is not None else None)
