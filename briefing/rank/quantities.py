"""Counts and amounts in a sentence, to tell when two sources give different figures.

"12 soldiers" and "nine soldiers" count the same thing differently; "Oct. 12",
"1998", "21st" and "5 p.m." are not counts at all and are left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from briefing.english import MONTH_NUMBERS, NUMBER_WORDS, WEEKDAYS
from briefing.model import Fact

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CALENDAR = {*MONTH_NUMBERS, *WEEKDAYS, "am", "pm", "a.m", "p.m", "gmt", "utc"}
_NOT_UNITS = {"of", "and", "or", "to", "the", "a", "in", "on", "at", "by", "more", "than", "per"}
_AMOUNT = re.compile(
    r"(?:(?P<currency>[$€£¥])\s*)?(?P<value>\d[\d,]*(?:\.\d+)?|\b(?:%s)\b)"
    % "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)),
    re.I,
)
_PREVIOUS_WORD = re.compile(r"(?<![A-Za-z])(?P<word>[A-Za-z]+)\.?\s*$")
_PREVIOUS_REACH = 40
"""Characters before a number searched for the word before it: a few words, so that a
sentence with many numbers is not read once per number."""


def _value(match: re.Match, after: str) -> tuple[float, str]:
    """The number an ``_AMOUNT`` match stands for, scaled ("3.5 million"), and the text after it."""
    raw = match["value"].lower()
    value = float(raw.replace(",", "")) if raw[0].isdigit() else float(NUMBER_WORDS[raw])
    scale = re.match(r"[\s-]*(thousand|million|billion|trillion)\b", after, re.I)
    if scale:
        return value * _SCALES[scale[1].lower()], after[scale.end() :]
    return value, after


def _counted(after: str) -> str | None:
    """The word naming what a number counts: the first lower-case word of the
    next three, so that "12 Tarvian soldiers" counts soldiers."""
    words = re.findall(r"%|[A-Za-z][A-Za-z.]*", after[:60])[:3]
    if not words:
        return None
    return next((word for word in words if not word[0].isupper()), words[0]).lower().rstrip(".")


def quantities(fact: Fact) -> Mapping[str, frozenset[float]]:
    """The fact's counts and amounts by what they count ("soldier": {12.0}).

    The sentence is read for the numbers the extractor found (however it
    wrote them: "twelve" or "12", "3,000" or "3000") and the word after each.
    Years, clock times, calendar days and ordinals are left out: they differ
    between reports of one event without anyone disagreeing.
    """
    if not fact.numbers:
        return _NONE
    return _sentence_quantities(fact.sentence, tuple(fact.numbers))


_NONE: Mapping[str, frozenset[float]] = MappingProxyType({})


@lru_cache(maxsize=1 << 16)
def _sentence_quantities(sentence: str, numbers: tuple[str, ...]) -> Mapping[str, frozenset[float]]:
    """``quantities`` of one sentence, read once however often rank and compose ask
    (a sentence's figures are compared with each of its neighbours')."""
    wanted = set()
    for number in numbers:
        match = _AMOUNT.search(number)
        if match:
            wanted.add(_value(match, number[match.end() :])[0])
    found: dict[str, set[float]] = defaultdict(set)
    for match in _AMOUNT.finditer(sentence):
        value, after = _value(match, sentence[match.end() :])
        if value not in wanted:
            continue
        before = _PREVIOUS_WORD.search(sentence[max(0, match.start() - _PREVIOUS_REACH) : match.start()])
        if before and before["word"].lower() in _CALENDAR:
            continue
        unit = match["currency"]
        if unit is None:
            unit = _counted(after)
        if unit in ("%", "pct"):
            unit = "percent"
        if not unit or unit in _NOT_UNITS or unit in _CALENDAR or unit in _SCALES:
            continue
        if re.match(r"(st|nd|rd|th)$", unit):  # 21st, 3rd
            continue
        if match["currency"] is None and 1800 <= value <= 2100 and re.fullmatch(r"\d{4}", match["value"]):
            continue  # a year
        found[unit[:-1] if unit.endswith("s") and len(unit) > 3 else unit].add(value)
    return MappingProxyType({unit: frozenset(values) for unit, values in found.items()})


def conflicting(first: Fact, second: Fact) -> tuple[str, ...]:
    """What the two facts count differently: units both count, with no value in common."""
    return differing(quantities(first), quantities(second))


def differing(first: Mapping[str, frozenset[float]], second: Mapping[str, frozenset[float]]) -> tuple[str, ...]:
    """The units two sets of ``quantities`` both count, with no value in common."""
    return tuple(sorted(unit for unit in first.keys() & second.keys() if not first[unit] & second[unit]))
