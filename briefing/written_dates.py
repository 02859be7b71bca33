"""Reading a written date: the one rule, shared by the read stage (metadata
values), the clean stage (publication dates in the text) and extraction.

Input is text; output is ``date``s. Dates are found with anchored, bounded
regexes near four-digit years and parsed with python-dateutil. It sits below
every stage, so none of them reaches into another to read a date.

How a written date is read (day/month order):

1. ISO ``YYYY-MM-DD`` (and ``YYYY/MM/DD``) is always year, month, day.
2. A month written as a name ("7 April 2021", "Apr 07, 2021", "27 Sep, 2019")
   is unambiguous.
3. All-numeric ``a/b/YYYY`` (or with dots): if one of a, b is over 12 it is
   the day; otherwise day-first, unless the article is from a US outlet or
   site (``us_order``), then month-first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from dateutil import parser as dateutil_parser

MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
)
MONTH = rf"(?:{MONTH_NAMES})\b\.?"
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


@dataclass(frozen=True)
class FoundDate:
    """A full date written in the text, and where."""

    value: date
    start: int
    end: int


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


def safe_date(year: int, month: int, day: int) -> date | None:
    """A date, or None for impossible ones such as 2021-02-30."""
    try:
        return date(year, month, day)
    except ValueError:
        return None
