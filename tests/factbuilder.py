"""Hand-built articles and facts for the rank and compose tests: real model
objects whose lemmas, words, entities and numbers are written out by the test
instead of found by spaCy."""

from __future__ import annotations

import re
from datetime import date

from briefing.model import Article, Fact, ThemeScore

STOPWORDS = set(
    "a an the of in on at to for from by with and or but is are was were be been has have had"
    " it its this that these those as after before over than said says will would who which".split()
)
NUMBER = re.compile(r"\$?\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve)\b", re.I)


def article(
    article_id: str,
    outlet: str | None,
    *sentences: str,
    duplicate_of: str | None = None,
    published: date = date(2024, 3, 4),
) -> Article:
    return Article(
        id=article_id,
        path=f"{article_id}.txt",
        text=" ".join(sentences),
        outlet=outlet,
        published=published,
        date_basis="header",
        duplicate_of=duplicate_of,
    )


def facts_of(
    source: Article,
    *,
    themes: dict[int, tuple[str, ...]] | None = None,
    dates: dict[int, date] | None = None,
    precisions: dict[int, str] | None = None,
) -> list[Fact]:
    """One fact per sentence of the article, at its verbatim offsets; a date given
    for a sentence is written in it ("explicit"), to the day unless ``precisions`` says."""
    facts = []
    cursor = 0
    sentences = re.findall(r"[^.!?]+[.!?]", source.text)
    for position, sentence in enumerate(s.strip() for s in sentences):
        start = source.text.index(sentence, cursor)
        cursor = start + len(sentence)
        words = re.findall(r"[A-Za-z]+|\d[\d,.]*", sentence)
        event_date = (dates or {}).get(position)
        facts.append(
            Fact(
                source=source.id,
                sentence=sentence,
                start=start,
                end=cursor,
                position=position,
                themes=tuple(ThemeScore(theme, 1.0) for theme in (themes or {}).get(position, ())),
                entities=tuple(word for word in re.findall(r"\b[A-Z][a-z]+\b", sentence)[1:]),
                numbers=tuple(match.group().rstrip(".,") for match in NUMBER.finditer(sentence)),
                lemmas=tuple(word.lower() for word in words if word.lower() not in STOPWORDS),
                words=" ".join(word.lower() for word in words),
                event_date=event_date or source.published,
                event_date_basis="explicit" if event_date else "published",
                event_date_precision=(precisions or {}).get(position, "day"),
            )
        )
    return facts
