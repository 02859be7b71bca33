"""Written dates are read one way by the clean stage (publication dates) and the
extract stage (event dates): the same month names, the same dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from briefing.english import MONTH_NUMBERS
from briefing.written_dates import find_full_dates, parse_date, resolve_explicit_date

PUBLISHED = date(2024, 3, 6)


@pytest.mark.parametrize("name", sorted(MONTH_NUMBERS))
def test_every_month_name_is_read_alike_by_both_stages(name: str):
    written = date(2021, MONTH_NUMBERS[name], 5)
    assert parse_date(f"5 {name.title()} 2021") == written  # a publication date
    assert parse_date(f"{name.upper()}. 5, 2021") == written
    assert resolve_explicit_date(f"{name.title()} 5, 2021", None) == written  # an event date


def test_reading_event_dates_does_not_load_the_clean_stage():
    script = "import sys, briefing.dates; print(any(m.startswith('briefing.clean') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("written", "us_order", "expected"),
    [
        ("2021-04-07", False, date(2021, 4, 7)),
        ("2021/04/07", True, date(2021, 4, 7)),
        ("7 April 2021", False, date(2021, 4, 7)),
        ("April 7, 2021", False, date(2021, 4, 7)),
        ("07/04/2021", False, date(2021, 4, 7)),
        ("07/04/2021", True, date(2021, 7, 4)),
        ("13/04/2021", True, date(2021, 4, 13)),
        ("04/13/2021", False, date(2021, 4, 13)),
        ("07.04.2021", False, date(2021, 4, 7)),
    ],
)
def test_day_month_order_follows_the_written_rule(written: str, us_order: bool, expected: date):
    assert parse_date(written, us_order=us_order) == expected


def test_impossible_dates_are_not_dates():
    assert list(find_full_dates("on 31 February 2021 and 2021-13-01")) == []


@pytest.mark.parametrize(
    ("expression", "published", "expected"),
    [
        ("5 March 2024", PUBLISHED, date(2024, 3, 5)),
        ("March 5", PUBLISHED, date(2024, 3, 5)),
        ("June 13, 2019", PUBLISHED, date(2019, 6, 13)),
        ("June 2019", PUBLISHED, date(2019, 6, 1)),
        ("August 5", date(2019, 9, 27), date(2019, 8, 5)),
        ("December 28", date(2025, 1, 3), date(2024, 12, 28)),
        ("23-24 February", date(2022, 2, 25), date(2022, 2, 23)),
        ("27 Sep, 2019", PUBLISHED, date(2019, 9, 27)),
    ],
)
def test_explicit_dates_fill_a_missing_year_from_publication(expression, published, expected):
    assert resolve_explicit_date(expression, published) == expected
