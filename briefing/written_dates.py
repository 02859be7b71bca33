"""Written dates, read one way for the clean stage (an article's publication date)
and the extract stage (a fact's event date): month names, the patterns of a date
written out, and the day/month order of all-numeric ones.

How a written date is read (day/month order):

1. ISO ``YYYY-MM-DD`` (and ``YYYY/MM/DD``) is always year, month, day.
2. A month written as a name ("7 April 2021", "Apr 07, 2021", "27 Sep, 2019")
   is unambiguous.
3. All-numeric ``a/b/YYYY`` (or with dots): if one of a, b is over 12 it is
   the day; otherwise day-first, unless the article is from a US outlet or
   site (``us_order``), then month-first.

A full date (day, month and year) is found anywhere in hostile text with
anchored, bounded patterns and parsed with python-dateutil. A date that may
lack its day or year ("March 5", "June 2019", "2019", the first day of "23-24
February") is read from a short expression, such as a DATE entity, with the
missing year taken from a date it was written near (``resolve_explicit``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from dateutil import parser as dateutil_parser

from briefing.english import MONTH_NUMBERS
from briefing.model import EventDatePrecision

MONTH_NAME = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
MONTH = rf"(?:{MONTH_NAME})\b\.?"
ORDINAL = r"(?:st|nd|rd|th)?"

ISO_DATE = re.compile(r"(?<![\d-])(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)")
DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}}){ORDINAL}\s{{1,3}}(?:of\s{{1,3}})?{MONTH},?\s{{1,3}}(\d{{4}})(?!\d)", re.IGNORECASE)
MONTH_DAY_YEAR = re.compile(rf"\b{MONTH}\s{{1,3}}(\d{{1,2}}){ORDINAL},?\s{{1,3}}(\d{{4}})(?!\d)", re.IGNORECASE)
NUMERIC_DATE = re.compile(r"(?<![\d/.])(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d)")
FULL_DATE_PATTERNS = (ISO_DATE, DAY_MONTH_YEAR, MONTH_DAY_YEAR, NUMERIC_DATE)
# Every full date has a four-digit year, so the patterns are tried only near one:
# from DATE_REACH characters before it (the longest "21st of September, " is 26)
# to YEAR_TAIL after it ("-12-31" and a look at the next character). Over whole
# articles this is five times faster than running the four patterns everywhere.
FOUR_DIGITS = re.compile(r"\d{4}")
DATE_REACH = 40
YEAR_TAIL = 8

MONTH_DAY = re.compile(rf"^{MONTH}\s{{1,3}}(\d{{1,2}}){ORDINAL}(?:,?\s{{1,3}}(\d{{4}}))?$", re.IGNORECASE)
DAY_MONTH = re.compile(rf"^(\d{{1,2}}){ORDINAL}\s{{1,3}}{MONTH}(?:,?\s{{1,3}}(\d{{4}}))?$", re.IGNORECASE)

_NAMED_MONTH = rf"(?P<month>{MONTH_NAME})\b\.?"
_DAY = rf"(?P<day>\d{{1,2}}){ORDINAL}"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_RANGE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|to|and)\s*\d{1,2}(?=(?:st|nd|rd|th)?\b)")
EXPLICIT_PATTERNS = (
    re.compile(rf"\b{_YEAR}-(?P<month_number>\d{{2}})-(?P<day>\d{{2}})\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_NAMED_MONTH}(?:,?\s+{_YEAR})?\b"),
    re.compile(rf"\b{_NAMED_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR})?"),
    re.compile(rf"\b{_NAMED_MONTH},?\s+(?:of\s+)?{_YEAR}\b"),
    re.compile(rf"\b{_NAMED_MONTH}"),
    re.compile(rf"\b{_YEAR}\b"),
)


@dataclass(frozen=True)
class FoundDate:
    """A full date written in the text, and where."""

    value: date
    start: int
    end: int


class ResolvedDate(NamedTuple):
    """A date and how much of it is known (a month-level date is stored as the 1st)."""

    date: date
    precision: EventDatePrecision = "day"


def safe_date(year: int, month: int, day: int) -> date | None:
    """A date, or None for impossible ones such as 2021-02-30."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(value: str, *, us_order: bool = False) -> date | None:
    """One metadata value ("2021-04-07", "2021-04-07T10:00:00Z", "April 7, 2021", "07/04/2021")."""
    value = value.strip()
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    found = next(find_full_dates(value, us_order=us_order), None)
    return found.value if found else None


def find_full_dates(text: str, *, us_order: bool = False) -> Iterator[FoundDate]:
    """Every written date with day, month and year, in text order, not overlapping."""
    found: dict[tuple[int, int, int], re.Match[str]] = {}
    for low, high in _near_years(text):
        for number, pattern in enumerate(FULL_DATE_PATTERNS):
            for match in pattern.finditer(text, low, high):
                found.setdefault((match.start(), -match.end(), number), match)
    matches = [found[key] for key in sorted(found)]
    end = -1
    for match in matches:
        if match.start() < end:
            continue
        value = read_match(match, us_order=us_order)
        if value is not None:
            end = match.end()
            yield FoundDate(value, match.start(), match.end())


def _near_years(text: str) -> list[tuple[int, int]]:
    """The stretches of text around four-digit numbers, overlapping ones merged."""
    windows: list[tuple[int, int]] = []
    for year in FOUR_DIGITS.finditer(text):
        low, high = max(0, year.start() - DATE_REACH), min(len(text), year.end() + YEAR_TAIL)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
    return windows


def read_match(match: re.Match[str], *, us_order: bool) -> date | None:
    """Parse one matched date with dateutil, the day/month order decided by the module's rule."""
    text = match.group(0)
    if match.re is ISO_DATE:
        return safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    dayfirst = True
    if match.re is NUMERIC_DATE:
        first, second = int(match.group(1)), int(match.group(2))
        dayfirst = first > 12 or (second <= 12 and not us_order)
    try:
        return dateutil_parser.parse(text, dayfirst=dayfirst, fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


def month_day(text: str) -> tuple[int, int, int | None] | None:
    """Month, day and (maybe) year of a dateline date such as "APR 07" or "8 April"."""
    text = text.strip()
    for pattern in (MONTH_DAY, DAY_MONTH):
        match = pattern.match(text)
        if match:
            try:
                parsed = dateutil_parser.parse(text, default=datetime(2000, 1, 1), fuzzy=True)
            except (ValueError, OverflowError):
                return None
            year = match.group(2)
            return parsed.month, parsed.day, int(year) if year else None
    return None


def resolve_explicit_date(expression: str, published: date | None) -> date | None:
    """A written-out date ("5 March 2024", "March 5", "June 2019", "2019"), year filled in from publication."""
    resolved = resolve_explicit(expression, published)
    return resolved.date if resolved else None


def resolve_explicit(expression: str, published: date | None) -> ResolvedDate | None:
    """Like ``resolve_explicit_date``, saying whether the day, the month or only the year is known."""
    text = _RANGE.sub(r"\1", expression.casefold())
    for pattern in EXPLICIT_PATTERNS:
        found = pattern.search(text)
        if not found:
            continue
        parts = found.groupdict()
        if pattern is EXPLICIT_PATTERNS[-1]:
            return ResolvedDate(date(int(parts["year"]), 1, 1), "year")
        month = int(parts["month_number"]) if parts.get("month_number") else MONTH_NUMBERS[parts["month"]]
        day = int(parts["day"]) if parts.get("day") else 1
        precision: EventDatePrecision = "day" if parts.get("day") else "month"
        if parts.get("year"):
            written = safe_date(int(parts["year"]), month, day)
            return ResolvedDate(written, precision) if written else None
        if published is None:
            return None
        candidates = [safe_date(year, month, day) for year in (published.year - 1, published.year, published.year + 1)]
        nearest = min((candidate for candidate in candidates if candidate), key=lambda day_: abs(day_ - published), default=None)
        return ResolvedDate(nearest, precision) if nearest else None
    return None
