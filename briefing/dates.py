"""Event dates for the extract stage: a sentence's DATE/TIME entities and the article's
publication date in, one event date and how it was found out.

Conventions (news is written about the past, so a bare day looks back):

- explicit dates: "5 March 2024", "March 5", "June 2019" (month-level: the
  1st), "2019" (year-level: 1 January); a missing year is the one that puts
  the date nearest the publication date; a range "23-24 February" is its
  first day. They are read as every written date is (``briefing.written_dates``).
- "today", "tonight", "this morning", "earlier today": the publication
  date; "yesterday", "last night": the day before; "tomorrow": the day after.
- a weekday ("Tuesday", "on Tuesday", "Wednesday night") is the most recent
  such day on or before publication; in a sentence in the future tense
  ("will ... on Friday") the next such day on or after it. "last Tuesday"
  is strictly before, "next Tuesday" strictly after publication.
- week-level words resolve to the Monday that starts the week: "this week"
  and "earlier this week" to this week's Monday, "last week" to the
  previous week's Monday, "next week" to the next one.
- month- and year-level words resolve to the 1st: "earlier this month",
  "last month", "next month", "last year"; "N days/weeks/months ago" count
  back from publication.
- a fact keeps how much of its date is known (precision "day", "week",
  "month" or "year"); a year alone ("in 2028", "next year") is too vague to
  date a fact, which then falls back to its publication date.
- what cannot be pinned to a day ("later this year", "recent months",
  "two-day", "23 years") resolves to nothing, and the fact falls back to its
  publication date (basis "published").
- a weekday after "scheduled", "expected", "planned", "set" or "due" looks
  forward like the future tense.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta
from spacy.tokens import Span

from briefing.english import NUMBER_WORDS, WEEKDAYS
from briefing.model import EventDateBasis, EventDatePrecision
from briefing.written_dates import ResolvedDate, resolve_explicit


class EventDate(NamedTuple):
    date: date | None
    basis: EventDateBasis
    precision: EventDatePrecision = "day"


WEEKDAY_OF = dict(zip(WEEKDAYS, (MO, TU, WE, TH, FR, SA, SU)))
COUNT_WORDS = {"a": 1, "an": 1} | NUMBER_WORDS
"""How many of "N days ago": "a week ago" is one."""
FUTURE_AUXILIARIES = {"will", "shall", "'ll", "’ll", "wo"}
PLANNING_VERBS = {"schedule", "expect", "plan", "set", "due"}


def resolve_relative_date(expression: str, published: date, *, future: bool = False) -> date | None:
    """A relative expression ("on Tuesday", "last week", "yesterday") resolved against the publication date."""
    resolved = resolve_relative(expression, published, future=future)
    return resolved.date if resolved else None


def resolve_relative(expression: str, published: date, *, future: bool = False) -> ResolvedDate | None:
    """Like ``resolve_relative_date``, saying whether it names a day, a week, a month or a year."""
    text = " ".join(re.sub(r"[^\w\s'’-]", " ", expression.casefold()).split())
    if re.search(r"\b(later this|recent|past few|coming (days|weeks|months)|last few)\b", text):
        return None
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening)|earlier in the day|later in the day|the same day)\b", text):
        return ResolvedDate(published)
    if "day before yesterday" in text:
        return ResolvedDate(published - timedelta(days=2))
    if re.search(r"\b(yesterday|last night|last evening)\b", text):
        return ResolvedDate(published - timedelta(days=1))
    if "day after tomorrow" in text:
        return ResolvedDate(published + timedelta(days=2))
    if "tomorrow" in text:
        return ResolvedDate(published + timedelta(days=1))
    ago = re.search(r"\b(\d+|[a-z]+) (day|week|month|year)s? ago\b", text)
    if ago:
        count = int(ago.group(1)) if ago.group(1).isdigit() else COUNT_WORDS.get(ago.group(1))
        if not count:
            return None
        precision = "day" if ago.group(2) in ("day", "week") else ago.group(2)
        return ResolvedDate(published - relativedelta(**{f"{ago.group(2)}s": count}), precision)
    for weekday_name, weekday in WEEKDAY_OF.items():
        if weekday_name in text:
            return ResolvedDate(_resolve_weekday(text, weekday, published, future=future))
    week = re.search(r"\b(last|previous|past|this|current|next|coming) week\b", text)
    if week:
        monday = published + relativedelta(weekday=MO(-1))
        shift = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(week.group(1), 0)
        return ResolvedDate(monday + timedelta(weeks=shift), "week")
    month = re.search(r"\b(last|previous|past|this|current|next|coming) month\b", text)
    if month:
        shift = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(month.group(1), 0)
        return ResolvedDate((published + relativedelta(months=shift)).replace(day=1), "month")
    year = re.search(r"\b(last|previous|past|this|current|next|coming) year\b", text)
    if year:
        shift = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(year.group(1), 0)
        return ResolvedDate(date(published.year + shift, 1, 1), "year")
    return None


def _resolve_weekday(text: str, weekday, published: date, *, future: bool) -> date:
    if re.search(r"\b(next|coming)\b", text):
        return published + relativedelta(days=1, weekday=weekday(+1))
    if re.search(r"\b(last|past|previous)\b", text):
        return published + relativedelta(days=-1, weekday=weekday(-1))
    return published + relativedelta(weekday=weekday(+1) if future else weekday(-1))


def is_future(sentence: Span, at: int) -> bool:
    """True when the verb nearest before token ``at`` (or else the first after it) is in the future
    tense: "will travel to Moscow on Friday", but not "will supply ..., officials said on Friday"."""
    doc = sentence.doc
    verbs = [token for token in doc[sentence.start:at] if token.pos_ == "VERB"][-1:]
    verbs = verbs or [token for token in doc[at:sentence.end] if token.pos_ == "VERB"][:1]
    if not verbs:
        return any(token.lower_ in FUTURE_AUXILIARIES for token in sentence)
    verb = verbs[0]
    if verb.lemma_.lower() in PLANNING_VERBS and verb.tag_ == "VBN":
        return True  # "is scheduled for Tuesday", "is expected on Friday"
    return any(token.lower_ in FUTURE_AUXILIARIES for token in doc[max(sentence.start, verb.i - 3):verb.i])


def resolve_entity(
    entity: Span, published: date | None, sentence: Span | None = None
) -> tuple[ResolvedDate, EventDateBasis] | None:
    """What one DATE/TIME entity of a sentence resolves to, tense taken from its sentence."""
    resolved = resolve_explicit(entity.text, published)
    if resolved is not None:
        return resolved, "explicit"
    if published is not None:
        resolved = resolve_relative(entity.text, published, future=is_future(sentence or entity.sent, entity.start))
        if resolved is not None:
            return resolved, "relative"
    return None


def event_date(sentence: Span, published: date | None, entities: Sequence[Span] | None = None) -> EventDate:
    """The date the sentence's event happened, from its first DATE/TIME entity that names a day,
    week or month; else the publication date. A bare year ("in 2028", "the 2024 budget", "next
    year") is too vague for a dated timeline and is passed over."""
    for entity in sentence.ents if entities is None else entities:
        if entity.label_ not in ("DATE", "TIME"):
            continue
        found = resolve_entity(entity, published, sentence)
        if found is not None and found[0].precision != "year":
            (day, precision), basis = found
            return EventDate(day, basis, precision)
    return EventDate(published, "published") if published is not None else EventDate(None, "none")
