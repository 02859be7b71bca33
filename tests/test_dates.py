"""Event dates: explicit and relative expressions resolved against the publication date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from briefing.dates import event_date, resolve_relative_date
from briefing.written_dates import resolve_explicit_date

WEDNESDAY = date(2024, 3, 6)
MONDAY = date(2024, 3, 4)
FIRST_OF_MONTH = date(2024, 5, 1)  # a Wednesday
NEW_YEAR = date(2025, 1, 1)  # a Wednesday


@pytest.mark.parametrize(
    ("expression", "published", "expected"),
    [
        ("on Tuesday", WEDNESDAY, date(2024, 3, 5)),
        ("Wednesday", WEDNESDAY, WEDNESDAY),
        ("Thursday", WEDNESDAY, date(2024, 2, 29)),
        ("last Wednesday", WEDNESDAY, date(2024, 2, 28)),
        ("next Tuesday", WEDNESDAY, date(2024, 3, 12)),
        ("yesterday", WEDNESDAY, date(2024, 3, 5)),
        ("today", WEDNESDAY, WEDNESDAY),
        ("tonight", WEDNESDAY, WEDNESDAY),
        ("Wednesday night", WEDNESDAY, WEDNESDAY),
        ("last week", WEDNESDAY, date(2024, 2, 26)),
        ("this week", WEDNESDAY, MONDAY),
        ("last week", MONDAY, date(2024, 2, 26)),
        ("this week", MONDAY, MONDAY),
        ("Sunday", MONDAY, date(2024, 3, 3)),
        ("yesterday", MONDAY, date(2024, 3, 3)),
        ("yesterday", FIRST_OF_MONTH, date(2024, 4, 30)),
        ("earlier this month", FIRST_OF_MONTH, FIRST_OF_MONTH),
        ("last month", FIRST_OF_MONTH, date(2024, 4, 1)),
        ("next month", FIRST_OF_MONTH, date(2024, 6, 1)),
        ("yesterday", NEW_YEAR, date(2024, 12, 31)),
        ("last month", NEW_YEAR, date(2024, 12, 1)),
        ("last week", NEW_YEAR, date(2024, 12, 23)),
        ("on Monday", NEW_YEAR, date(2024, 12, 30)),
        ("last year", NEW_YEAR, date(2024, 1, 1)),
        ("two days ago", WEDNESDAY, MONDAY),
    ],
)
def test_relative_expressions_resolve_against_publication(expression, published, expected):
    assert resolve_relative_date(expression, published) == expected


def test_future_tense_weekday_looks_forward():
    assert resolve_relative_date("on Friday", WEDNESDAY, future=True) == date(2024, 3, 8)
    assert resolve_relative_date("on Friday", WEDNESDAY) == date(2024, 3, 1)


@pytest.mark.parametrize("expression", ["later this year", "recent months", "two-day", "23 years", "the almost three hours"])
def test_vague_expressions_resolve_to_nothing(expression):
    assert resolve_relative_date(expression, WEDNESDAY) is None
    assert resolve_explicit_date(expression, WEDNESDAY) is None


def test_sentence_event_date_prefers_its_date_entity(nlp):
    doc = nlp("Lavrov arrived in Islamabad on Tuesday for talks with Qureshi.")
    assert event_date(doc[:], WEDNESDAY) == (date(2024, 3, 5), "relative", "day")


def test_sentence_with_a_written_date_is_explicit(nlp):
    doc = nlp("The two leaders met in Bishkek on June 13, 2019 and discussed trade.")
    assert event_date(doc[:], WEDNESDAY) == (date(2019, 6, 13), "explicit", "day")


def test_month_and_week_level_dates_say_so(nlp):
    assert event_date(nlp("The leaders first met in Bishkek in June 2019.")[:], WEDNESDAY) == (date(2019, 6, 1), "explicit", "month")
    assert event_date(nlp("Border guards reported shooting last week.")[:], WEDNESDAY) == (date(2024, 2, 26), "relative", "week")


def test_a_year_alone_does_not_date_a_fact(nlp):
    doc = nlp("The partners expect first deliveries of gas in 2028.")
    assert event_date(doc[:], WEDNESDAY) == (WEDNESDAY, "published", "day")


def test_sentence_in_future_tense_looks_forward(nlp):
    doc = nlp("The minister will travel to Moscow on Friday for talks.")
    assert event_date(doc[:], WEDNESDAY) == (date(2024, 3, 8), "relative", "day")


def test_scheduled_event_looks_forward(nlp):
    doc = nlp("The signing is scheduled for Tuesday at Government House in Vostan.")
    assert event_date(doc[:], MONDAY).date == date(2024, 3, 5)


def test_reported_future_said_in_the_past_looks_back(nlp):
    doc = nlp("Russia will supply helicopters to Pakistan, officials said on Tuesday.")
    assert event_date(doc[:], WEDNESDAY).date == date(2024, 3, 5)


def test_sentence_without_a_date_falls_back_to_publication(nlp):
    doc = nlp("The two sides discussed trade and energy cooperation.")
    assert event_date(doc[:], WEDNESDAY) == (WEDNESDAY, "published", "day")
    assert event_date(doc[:], None) == (None, "none", "day")


def manifest_relative_dates(examples_dir):
    """(file, published, phrase, expected date, precision) for each relative phrase of the example
    corpus that names a day, week, month or year against the file's own publication date."""
    import tomllib

    manifest_path = examples_dir / "MANIFEST.toml"
    if not manifest_path.is_file():
        pytest.skip("examples/MANIFEST.toml is absent")
    manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    for name, entry in manifest["files"].items():
        for phrase in entry.get("relative_dates", []):
            if "published" not in entry or " after" in phrase["phrase"]:
                continue  # no date to resolve against, or relative to another event, not to publication
            if "date" in phrase:
                expected = (phrase["date"], "day")
            elif "week_starting" in phrase:
                expected = (phrase["week_starting"], "week")
            elif "month" in phrase:
                expected = (date.fromisoformat(phrase["month"] + "-01"), "month")
            else:
                expected = (date(phrase["year"], 1, 1), "year")
            yield name, entry["published"], phrase["phrase"], expected


@pytest.fixture(scope="module")
def example_texts(examples_dir):
    from briefing.clean import clean_article
    from briefing.read import read_inputs

    articles = read_inputs([examples_dir]).articles
    return {Path(article.path).name: clean_article(article, today=date(2024, 3, 31)).text for article in articles}


def test_example_corpus_relative_dates_resolve_as_the_manifest_says(nlp, examples_dir, example_texts):
    from briefing.dates import resolve_entity

    checked = 0
    failures = []
    for name, published, phrase, (expected, precision) in manifest_relative_dates(examples_dir):
        text = example_texts[name]
        at = text.find(phrase)
        assert at >= 0, f"{name}: {phrase!r} not in the cleaned text"
        doc = nlp(text)
        entities = [e for e in doc.ents if e.label_ in ("DATE", "TIME") and e.start_char < at + len(phrase) and at < e.end_char]
        assert entities, f"{name}: {phrase!r} is not a DATE/TIME entity"
        found = next(filter(None, (resolve_entity(entity, published) for entity in entities)), None)
        got = (found[0].date, found[0].precision) if found else None
        if got != (expected, precision):
            failures.append(f"{name}: {phrase!r} ({[e.text for e in entities]}) -> {got}, expected {(expected, precision)}")
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 25
