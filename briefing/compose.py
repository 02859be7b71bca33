"""Compose stage: stories with their ranked claims in, one ``Brief`` out.

Nothing is clustered or compared here: rank formed each story's claims and
found where its sources differ; compose decides what a reader sees first.
Stories are ordered by importance (independent outlets, decayed by how long
ago the story last moved); the summary is the lead point of each top story,
newest first; a theme section lists the stories filed under it (their main
theme); the timeline holds the dated events the most outlets report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from briefing.english import opens_on_reference
from briefing.model import Article, Brief, Claim, Divergence, Story, Taxonomy, ThemeSection, TimelineEntry

TOP_STORIES = 5
"""Stories shown in full at the top of the brief; the others appear by headline."""

STORY_HALF_LIFE_DAYS = 7.0
"""A story's importance halves for every week it has been quiet before the as-of date:
a brief is read for what is happening now (a weekly rhythm, as in news digests)."""

THEME_SHARE = 0.25
"""A story is filed under a theme when at least this share of its backed claims is on it:
one sentence about gas does not make a story about energy."""

TIMELINE_ENTRIES = 12
DIVERGENCES = 5


@dataclass(frozen=True)
class RankedStory:
    """What the stories stage found and what rank made of it, for one story."""

    id: str
    headline: str
    headline_is_title: bool
    articles: tuple[str, ...]
    outlets: int  # independent outlets among the articles
    claims: tuple[Claim, ...]  # rank order, repeats last; ids local to the story
    divergences: tuple[Divergence, ...] = ()


def compose(
    ranked: Sequence[RankedStory],
    articles: Sequence[Article],
    *,
    taxonomy: Taxonomy,
    title: str,
    as_of: date | None,
    generated_at: str,
    model: str,
) -> Brief:
    """Lay the stories out as a brief; every line keeps its sources."""
    articles_by_id = {article.id: article for article in articles}
    stories = sorted(
        (story_of(entry, articles_by_id, as_of) for entry in ranked),
        key=lambda story: (-story.importance, -(story.last_published or date.min).toordinal(), _number(story.id)),
    )
    stories, divergences = numbered(stories, {entry.id: entry.divergences for entry in ranked})
    top = stories[:TOP_STORIES]
    return Brief(
        title=title,
        as_of=as_of,
        generated_at=generated_at,
        model=model,
        sources=tuple(articles),
        summary=newest_first([story.summary[0] for story in top if story.summary]),
        themes=theme_sections(stories, taxonomy),
        timeline=timeline(stories, articles),
        divergences=divergences[:DIVERGENCES],
        stories=tuple(stories),
    )


def story_of(entry: RankedStory, articles_by_id: Mapping[str, Article], as_of: date | None) -> Story:
    """The story as the brief reports it: its outlets, dates, themes and best-backed points."""
    published = [articles_by_id[article_id].published for article_id in entry.articles]
    published = [day for day in published if day]
    last = max(published, default=None)
    outlets = entry.outlets
    fresh = [standing_alone(claim) for claim in entry.claims if claim.repeats is None]
    # A point that still opens on "He" or "This" cannot stand alone: it goes after those that can.
    summary = tuple(sorted(fresh, key=lambda claim: opens_on_reference(claim.text)))
    return Story(
        id=entry.id,
        headline=entry.headline,
        headline_is_title=entry.headline_is_title,
        sources=entry.articles,
        agreement=outlets,
        first_published=min(published, default=None),
        last_published=last,
        themes=story_themes(summary),
        summary=summary,
        importance=round(importance(outlets, last, as_of), 6),
    )


def standing_alone(claim: Claim) -> Claim:
    """The claim shown by a supporting sentence that does not open on a pronoun ("He reiterated
    ..."), when it has one: the reader sees the sentence without the one before it."""
    if not opens_on_reference(claim.text):
        return claim
    for support in claim.support:
        if not opens_on_reference(support.sentence):
            return dataclasses.replace(claim, text=support.sentence, speaker=None)
    return claim



def importance(outlets: int, last_published: date | None, as_of: date | None) -> float:
    """Independent outlets, halved for every ``STORY_HALF_LIFE_DAYS`` the story has been quiet."""
    if last_published is None or as_of is None:
        return float(outlets) * 0.5  # undated: as if a week old
    quiet = max((as_of - last_published).days, 0)
    return outlets * 0.5 ** (quiet / STORY_HALF_LIFE_DAYS)


def story_themes(claims: Sequence[Claim]) -> tuple[str, ...]:
    """Themes on which at least ``THEME_SHARE`` of the story's backing is, the main one first;
    a claim weighs its outlets."""
    total = sum(claim.agreement for claim in claims)
    weights: dict[str, float] = {}
    for claim in claims:
        for theme in claim.themes:
            weights[theme] = weights.get(theme, 0) + claim.agreement
    kept = [theme for theme, weight in weights.items() if total and weight / total >= THEME_SHARE]
    return tuple(sorted(kept, key=lambda theme: (-weights[theme], theme)))


def numbered(
    stories: Sequence[Story], divergences_by_story: Mapping[str, Sequence[Divergence]]
) -> tuple[list[Story], tuple[Divergence, ...]]:
    """Claim ids "C1", "C2", ... across the brief, in story order, and the stories' claims
    and divergences renamed to match."""
    renamed: list[Story] = []
    divergences: list[Divergence] = []
    counter = 0
    for story in stories:
        ids: dict[str, str] = {}
        for claim in story.summary:
            counter += 1
            ids[claim.id] = f"C{counter}"

        def rename(claim: Claim) -> Claim:
            return dataclasses.replace(claim, id=ids.get(claim.id, claim.id), repeats=None, story=story.id)

        renamed.append(dataclasses.replace(story, summary=tuple(rename(claim) for claim in story.summary)))
        for divergence in divergences_by_story.get(story.id, ()):
            for claim in divergence.claims:  # a side may be a claim the story leaves out as a repeat
                if claim.id not in ids:
                    counter += 1
                    ids[claim.id] = f"C{counter}"
            sides = tuple(rename(claim) for claim in divergence.claims)
            divergences.append(dataclasses.replace(divergence, claims=sides, story=story.id))
    return renamed, tuple(divergences)


def newest_first(claims: Sequence[Claim]) -> tuple[Claim, ...]:
    """The newest developments lead; undated points keep their place after the dated ones."""
    return tuple(sorted(claims, key=lambda claim: -(claim.date or date.min).toordinal()))


def theme_sections(stories: Sequence[Story], taxonomy: Taxonomy) -> tuple[ThemeSection, ...]:
    """One section per taxonomy theme that is some story's main theme, in the taxonomy's order."""
    sections = []
    for theme in taxonomy.themes:
        filed = tuple(story.id for story in stories if story.themes[:1] == (theme.id,))
        if filed:
            sections.append(ThemeSection(theme.id, theme.label, filed))
    return tuple(sections)


def timeline(stories: Sequence[Story], articles: Sequence[Article]) -> tuple[TimelineEntry, ...]:
    """The events dated to the day that the most outlets report, oldest first; one entry per
    event (a claim), naming every source that reports it."""
    order = {article.id: index for index, article in enumerate(articles)}
    events = [
        (claim, story)
        for story in stories
        for claim in story.summary
        if claim.dated and claim.date and not opens_on_reference(claim.text)
    ]
    events.sort(key=lambda item: (-item[0].agreement, -item[1].importance, _number(item[0].id)))
    kept = [
        TimelineEntry(
            claim.date,
            claim.text,
            tuple(sorted({support.source for support in claim.support}, key=lambda source: order.get(source, 0))),
            story=story.id,
            claim=claim.id,
        )
        for claim, story in events[:TIMELINE_ENTRIES]
    ]
    return tuple(sorted(kept, key=lambda entry: (entry.date, order.get(entry.sources[0], 0), entry.text)))


def _number(identifier: str) -> int:
    digits = identifier[1:]
    return int(digits) if digits.isdigit() else 0
