"""The English words the stages read, in one table each: words that stand for numbers
and dates (clean and extract read written dates through ``briefing.written_dates`` and
``briefing.dates``, extract writes number words as digits, rank reads counts), and the
words that point back to an earlier sentence (compose and render keep such sentences
out of the key points).
"""

from __future__ import annotations

NUMBER_WORDS: dict[str, int] = {
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
    "dozens": 12,  # "dozens of soldiers": at least a dozen
}
"""Number words and the numbers they stand for; "thousand" and larger scale a number
("3.5 million") and are read where amounts are (``briefing.rank.quantities``)."""

MONTH_NUMBERS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
"""Month names and their abbreviations, lower case, and the month each names."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""Weekday names, Monday first (as ``date.weekday()`` counts)."""


REFERRING_WORDS = frozenset("he she they it his her their its him them this these that those such".split())
"""Words that, opening a sentence, point back to one before it: shown alone, nobody can tell who."""


def opens_on_reference(sentence: str) -> bool:
    """Whether ``sentence`` leads with a pronoun or a pointing word ("He reiterated ...")."""
    first = sentence.lstrip("\"'“‘`( ").split(maxsplit=1)[:1]
    return bool(first) and first[0].strip(",;:").casefold() in REFERRING_WORDS
