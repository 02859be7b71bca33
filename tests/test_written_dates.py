"""Written dates are read one way by the clean stage (publication dates) and the
extract stage (event dates): the same month names, the same dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from briefing.english import MONTH_NUMBERS
from briefing.written_dates import parse_date, resolve_explicit_date


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
