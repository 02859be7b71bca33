"""Counts and amounts in a sentence, to tell when two sources give different figures.

"12 soldiers" and "nine soldiers" count the same thing differently; "Oct. 12",
"1998", "21st" and "5 p.m." are not counts at all and are left out.
"""

from __future__ import annotations

import re
from collections import defaultdict

from briefing.model import Fact

_SMALL_NUMBERS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen"
        " fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "dozens": 12,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CALENDAR = set(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june"
    " july august september october november december monday tuesday wednesday thursday"
    " friday saturday sunday am pm a.m p.m gmt utc".split()
)
_NOT_UNITS = {"of", "and", "or", "to", "the", "a", "in", "on", "at", "by", "more", "than", "per"}
_AMOUNT = re.compile(
    r"(?P<currency>[$€£¥])?\s*(?P<value>\d[\d,]*(?:\.\d+)?|\b(?:%s)\b)"
    % "|".join(sorted(_SMALL_NUMBERS, key=len, reverse=True)),
    re.I,
)
_NEXT_WORD = re.compile(r"[\s-]*(?P<word>%|[A-Za-z][A-Za-z.]*)")
_PREVIOUS_WORD = re.compile(r"(?P<word>[A-Za-z]+)\.?\s*$")


def _amount(text: str) -> tuple[float, str | None, str] | None:
    """(value, currency, rest) of a written quantity, or None if it is not one."""
    match = _AMOUNT.search(text.strip())
    if not match:
        return None
    raw = match["value"].lower()
    if raw[0].isdigit():
        value = float(raw.replace(",", ""))
    elif raw in _SMALL_NUMBERS:
        value = float(_SMALL_NUMBERS[raw])
    else:
        return None
    rest = text.strip()[match.end() :]
    scale = re.match(r"[\s-]*(thousand|million|billion|trillion)\b", rest, re.I)
    if scale:
        value *= _SCALES[scale[1].lower()]
        rest = rest[scale.end() :]
    return value, match["currency"], rest


def quantities(fact: Fact) -> dict[str, set[float]]:
    """The fact's counts and amounts by what they count ("soldier": {12.0}).

    Years, clock times, calendar days and ordinals are left out: they differ
    between reports of one event without anyone disagreeing.
    """
    found: dict[str, set[float]] = defaultdict(set)
    cursor = 0
    for number in fact.numbers:
        at = fact.sentence.find(number, cursor)
        if at < 0:
            at = fact.sentence.find(number)
        if at < 0:
            continue
        cursor = at + len(number)
        parsed = _amount(number)
        if parsed is None:
            continue
        value, currency, rest = parsed
        before = _PREVIOUS_WORD.search(fact.sentence[:at])
        if before and before["word"].lower() in _CALENDAR:
            continue
        unit = currency
        if unit is None:
            following = _NEXT_WORD.match(rest) or _NEXT_WORD.match(fact.sentence[cursor:])
            unit = following["word"].lower().rstrip(".") if following else None
        if unit in ("%", "pct"):
            unit = "percent"
        if not unit or unit in _NOT_UNITS or unit in _CALENDAR or unit in _SCALES:
            continue
        if re.match(r"(st|nd|rd|th)$", unit):  # 21st, 3rd
            continue
        if currency is None and 1800 <= value <= 2100 and value.is_integer() and "," not in number:
            continue  # a year
        found[unit[:-1] if unit.endswith("s") and len(unit) > 3 else unit].add(value)
    return dict(found)


def conflicting(first: Fact, second: Fact) -> tuple[str, ...]:
    """What the two facts count differently: units both count, with no value in common."""
    a, b = quantities(first), quantities(second)
    return tuple(sorted(unit for unit in a.keys() & b.keys() if not a[unit] & b[unit]))
