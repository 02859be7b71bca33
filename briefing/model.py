"""The typed data every stage passes on: articles in, a brief out.

Frozen dataclasses only, so a stage can never change what an earlier one
produced; a stage that refines an object returns a new one
(``dataclasses.replace``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from typing import Literal

DateBasis = Literal["front_matter", "header", "html", "dateline", "text", "feed", "file", "none"]
"""Where an article's publication date came from (see DESIGN.md)."""

EventDatePrecision = Literal["day", "week", "month", "year"]
"""How much of a fact's event date is known: "June 2019" is month-level (stored as
the 1st), "last week" week-level (stored as its Monday), "next year" year-level
(stored as 1 January)."""

EventDateBasis = Literal["explicit", "relative", "published", "none"]
"""How a fact's event date was found: written out, resolved from a relative
word ("on Tuesday") against the publication date, assumed to be the
publication date, or not known."""


@dataclass(frozen=True)
class Article:
    """One news article. After ``read`` the text is raw (clutter and all) and
    the metadata fields are hints; after ``clean`` the text is the body only
    and the metadata is what the brief will show."""

    id: str  # "S1", "S2", ... in input order; stable for a given input
    path: str  # the file it came from; "file.jsonl:3" for line 3 of a JSONL file
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    date_basis: DateBasis = "none"
    duplicate_of: str | None = None  # id of the article this one copies
    raw_format: str = "txt"  # txt, md, html, jsonl, feed, stdin

    @property
    def words(self) -> int:
        return word_count(self.text)


@lru_cache(maxsize=65536)  # a build asks once per article; a watching process again for each rebuild
def word_count(text: str) -> int:
    return len(text.split())


@dataclass(frozen=True)
class Skipped:
    """An input that gave no article, and why: shown as one warning line."""

    path: str
    reason: str


@dataclass(frozen=True)
class ReadResult:
    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...] = ()
    files: int = 0  # how many files were looked at

    @property
    def summary_line(self) -> str:
        return (
            f"read {len(self.articles)} articles from {self.files} files"
            f" ({len(self.skipped)} skipped)"
        )


@dataclass(frozen=True)
class Theme:
    """One theme of the taxonomy (themes.toml)."""

    id: str
    label: str
    lemmas: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    entity_labels: tuple[str, ...] = ()
    weight: float = 1.0
    lemma_weight: float = 1.0
    phrase_weight: float = 2.0
    entity_weight: float = 0.5


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    source: str = "default"  # the file(s) it was loaded from

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)


@dataclass(frozen=True)
class ThemeScore:
    theme: str  # Theme.id
    score: float


@dataclass(frozen=True)
class Fact:
    """A sentence of one article that carries a fact, with what spaCy found in it."""

    source: str  # Article.id
    sentence: str  # verbatim: article.text[start:end] == sentence
    start: int
    end: int
    position: int  # index of the sentence in its article, 0 = first
    themes: tuple[ThemeScore, ...] = ()
    entities: tuple[str, ...] = ()  # normalized names ("Imran Khan", "Russia")
    numbers: tuple[str, ...] = ()  # quantities as written ("3,000", "two-day")
    lemmas: tuple[str, ...] = ()  # content-word lemmas, lower case, for ranking
    event_date: date | None = None
    event_date_basis: EventDateBasis = "none"
    speaker: str | None = None  # who is quoted, when the sentence is a quote
    event_date_precision: EventDatePrecision = "day"
    words: str = ""  # every word as spaCy split it, lower case, one space between, for the summary


@dataclass(frozen=True)
class Support:
    """One sentence that backs a claim, and the source it is verbatim in."""

    source: str  # Article.id
    sentence: str
    position: int | None = None  # index of the sentence in its article (Fact.position), when known


@dataclass(frozen=True)
class Claim:
    id: str  # "C1", ...
    text: str  # the most representative supporting sentence, verbatim
    score: float
    agreement: int  # distinct independent outlets among the support
    support: tuple[Support, ...]
    date: date | None = None
    themes: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    speaker: str | None = None
    repeats: str | None = None  # id of a better-backed claim this one says again, if any
    story: str | None = None  # Story.id: claims are formed inside one story, never across two
    dated: bool = False  # ``date`` is an event's day, written out or resolved from "on Friday"
    new: bool | None = None  # with --since: not in the previous brief


@dataclass(frozen=True)
class ThemeSection:
    """The stories filed under one theme (their main theme), most important first."""

    id: str
    label: str
    stories: tuple[str, ...]  # Story ids


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event, with every source that reports it."""

    date: date
    text: str
    sources: tuple[str, ...]  # Article ids
    story: str | None = None  # Story.id
    claim: str | None = None  # Claim.id of the event, so a renderer can tell it is already shown


@dataclass(frozen=True)
class Divergence:
    """Two claims of one story giving different figures for the same thing."""

    topic: str
    claims: tuple[Claim, ...]
    story: str | None = None


StoryStatus = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True)
class Story:
    """One real-world event or developing situation, and every article on it."""

    id: str  # "T1", ...: stable across runs that share a story index
    headline: str
    headline_is_title: bool  # an article's title, verbatim; else a label of its main entities
    sources: tuple[str, ...]  # every Article id in it, copies included, in input order
    agreement: int  # distinct independent outlets
    first_published: date | None
    last_published: date | None
    themes: tuple[str, ...]  # Theme ids, the main theme first
    summary: tuple[Claim, ...]  # its claims, best first, none repeating another
    importance: float = 0.0  # what orders the stories (see compose.story_importance)
    status: StoryStatus | None = None  # with --since: against the previous brief


@dataclass(frozen=True)
class Brief:
    title: str
    as_of: date | None
    generated_at: str  # ISO 8601 UTC, from SOURCE_DATE_EPOCH when set
    model: str  # "en_core_web_sm 3.8.0"
    sources: tuple[Article, ...]
    summary: tuple[Claim, ...]
    themes: tuple[ThemeSection, ...]
    timeline: tuple[TimelineEntry, ...] = ()
    divergences: tuple[Divergence, ...] = ()
    schema: str = "briefing/2"
    notes: tuple[str, ...] = field(default=())  # warnings worth showing a reader
    stories: tuple[Story, ...] = ()  # every story, most important first
    since: date | None = None  # with --since: the as-of date of the brief compared against

    def story(self, story_id: str) -> Story:
        for story in self.stories:
            if story.id == story_id:
                return story
        raise KeyError(story_id)

    def source(self, source_id: str) -> Article:
        for article in self.sources:
            if article.id == source_id:
                return article
        raise KeyError(source_id)
