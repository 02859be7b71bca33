"""Compose stage: ranked claims, facts and sources in, one ``Brief`` out.

The brief's parts all read the rank order, which already keeps repeats out
of the top: the summary is its head, each theme section its claims on that
theme, the timeline the dated events most sources report (oldest first), and
"where sources differ" the pairs of claims on one event whose figures
disagree between independent outlets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache

from briefing.model import Article, Brief, Claim, Divergence, Fact, Taxonomy, ThemeSection, TimelineEntry
from briefing.rank import RankConfig, group_facts, outlet_key, quantities
from briefing.rank.quantities import differing
from briefing.rank.similarity import DATED, neighbour_graph, vectorize

SUMMARY_CLAIMS = 6
THEME_CLAIMS = 8
TIMELINE_ENTRIES = 12
DIVERGENCES = 5


def compose(
    claims: Sequence[Claim],
    facts: Sequence[Fact],
    articles: Sequence[Article],
    *,
    taxonomy: Taxonomy,
    title: str,
    as_of: date | None,
    generated_at: str,
    model: str,
) -> Brief:
    """Lay the ranked claims out as a brief; every line keeps its sources."""
    articles_by_id = {article.id: article for article in articles}
    return Brief(
        title=title,
        as_of=as_of,
        generated_at=generated_at,
        model=model,
        sources=tuple(articles),
        summary=tuple(fresh(claims)[:SUMMARY_CLAIMS]),
        themes=theme_sections(claims, taxonomy),
        timeline=timeline(facts, articles),
        divergences=divergences(claims, facts, articles_by_id),
    )


def fresh(claims: Sequence[Claim]) -> list[Claim]:
    """The claims that say something no better-backed claim says, in rank order
    (most outlets first, then score)."""
    return [claim for claim in claims if claim.repeats is None]


def theme_sections(claims: Sequence[Claim], taxonomy: Taxonomy) -> tuple[ThemeSection, ...]:
    """One section per taxonomy theme that has claims, in the taxonomy's order."""
    sections = []
    for theme in taxonomy.themes:
        on_theme = tuple(claim for claim in fresh(claims) if theme.id in claim.themes)[:THEME_CLAIMS]
        if on_theme:
            sections.append(ThemeSection(theme.id, theme.label, on_theme))
    return tuple(sections)


def timeline(facts: Sequence[Fact], articles: Sequence[Article]) -> tuple[TimelineEntry, ...]:
    """The dated events most sources report, oldest first; one entry per event
    and day, naming every source that reports it. Only events dated to the day:
    "last week" or "next month" would show as a day that nobody wrote."""
    dated = [
        fact
        for fact in facts
        if fact.event_date and fact.event_date_basis in DATED and fact.event_date_precision == "day"
    ]
    articles_by_id = {article.id: article for article in articles}
    order = {article.id: index for index, article in enumerate(articles)}
    entries = []
    for members in group_facts(dated, articles):
        centre = dated[members[0]]
        same_day = [dated[i] for i in members if dated[i].event_date == centre.event_date]
        sources = tuple(sorted({fact.source for fact in same_day}, key=lambda source: order.get(source, 0)))
        outlets = len({outlet_key(articles_by_id[source], articles_by_id) for source in sources})
        entries.append((outlets, len(sources), TimelineEntry(centre.event_date, centre.sentence, sources)))
    entries.sort(key=lambda item: (-item[0], -item[1], item[2].date, order.get(item[2].sources[0], 0)))
    kept = [entry for _, _, entry in entries[:TIMELINE_ENTRIES]]
    return tuple(sorted(kept, key=lambda entry: (entry.date, order.get(entry.sources[0], 0), entry.text)))


def divergences(
    claims: Sequence[Claim], facts: Sequence[Fact], articles_by_id: Mapping[str, Article]
) -> tuple[Divergence, ...]:
    """Pairs of claims about one event whose figures for the same thing differ
    between independent outlets, most-backed first. One event: the sentences
    are neighbours (cosine >= ``link``) naming someone or somewhere in common,
    or as alike as one claim's sentences, and give no two written-out dates."""
    claim_of = {(support.source, support.sentence): claim for claim in claims for support in claim.support}
    backed = [fact for fact in facts if (fact.source, fact.sentence) in claim_of and fact.numbers]
    if len(backed) < 2:
        return ()
    config = RankConfig()
    graph = neighbour_graph(vectorize(backed), threshold=config.link, neighbours=config.neighbours)
    graph = graph.tocoo()
    amounts = cache(lambda index: quantities(backed[index]))  # read only for pairs that get this far
    found: dict[tuple[str, str], tuple[Claim, Claim, tuple[str, ...]]] = {}
    for i, j, similarity in zip(graph.row, graph.col, graph.data):
        first, second = backed[i], backed[j]
        if i >= j or not _independent(first, second, articles_by_id) or _dated_apart(first, second):
            continue
        if similarity < config.same_claim and not set(first.entities) & set(second.entities):
            continue  # only a little alike, and about nobody in common: two events
        units = differing(amounts(i), amounts(j))
        a, b = claim_of[(first.source, first.sentence)], claim_of[(second.source, second.sentence)]
        if not units or a.id == b.id:
            continue
        a, b = sorted((a, b), key=lambda claim: _claim_number(claim))
        if (a.id, b.id) not in found:
            found[(a.id, b.id)] = (a, b, tuple(_figures(unit, first, second) for unit in units))
    ranked = sorted(
        found.values(), key=lambda item: (-(item[0].agreement + item[1].agreement), _claim_number(item[0]))
    )
    return tuple(Divergence("; ".join(topics), (a, b)) for a, b, topics in ranked[:DIVERGENCES])


def _independent(first: Fact, second: Fact, articles_by_id: Mapping[str, Article]) -> bool:
    return outlet_key(articles_by_id[first.source], articles_by_id) != outlet_key(
        articles_by_id[second.source], articles_by_id
    )


def _dated_apart(first: Fact, second: Fact) -> bool:
    """Both sentences write out a date, and not the same one: two events, not a dispute.
    (Relative dates are left out: "on Thursday" may date the report, not the event.)"""
    return (
        first.event_date_basis == "explicit"
        and second.event_date_basis == "explicit"
        and first.event_date != second.event_date
    )


def _figures(unit: str, first: Fact, second: Fact) -> str:
    """'soldier: 12 vs 9', the disputed figures as the topic line."""
    values = [sorted(quantities(fact)[unit]) for fact in (first, second)]
    return f"{unit}: " + " vs ".join(" or ".join(_number(value) for value in side) for side in values)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value.is_integer() else f"{value:,}"


def _claim_number(claim: Claim) -> int:
    return int(claim.id[1:]) if claim.id[1:].isdigit() else 0
