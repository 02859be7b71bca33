"""From groups of facts to scored, ordered claims (the formula is in
``briefing.rank``'s docstring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from briefing.model import Article, Claim, Fact, Support
from briefing.rank.config import RankConfig
from briefing.rank.concepts import Concept, lemma_pairs
from briefing.rank.sources import agreement


@dataclass(frozen=True)
class Draft:
    """A claim before ordering: its facts (centre first), outlets and standalone score."""

    members: tuple[int, ...]
    score: float
    outlets: int


def draft(
    facts: Sequence[Fact],
    members: Sequence[int],
    weights: Mapping[Concept, float],
    articles_by_id: Mapping[str, Article],
    config: RankConfig,
    centre_concepts: set[Concept] | None = None,
) -> Draft:
    """Score a group of facts as one claim, by its centre sentence (formula in ``briefing.rank``)."""
    centre = facts[members[0]]
    outlets = agreement({facts[i].source for i in members}, articles_by_id)
    found = lemma_pairs(centre) if centre_concepts is None else centre_concepts
    shared = frozenset(concept for concept in found if weights[concept] >= 2)
    words = len(centre.sentence.split())
    fitness = 1.0 if config.min_words <= words <= config.max_words else 0.1
    score = (
        outlets**2
        * sum(weights[concept] for concept in shared)
        / max(words, 1)
        * theme_factor(centre)
        * recency(_claim_date(facts, members) or _published(centre, articles_by_id), config)
        / (1 + centre.position)
        * fitness
    )
    return Draft(tuple(members), float(score), outlets)


def theme_factor(fact: Fact) -> float:
    """1 for no theme, towards 2 for a sentence squarely on one."""
    best = max((theme.score for theme in fact.themes), default=0.0)
    return 1.0 + best / (1.0 + best) if best > 0 else 1.0


def recency(when: date | None, config: RankConfig) -> float:
    """Halves every ``half_life_days`` between the event and the as-of date."""
    if when is None or config.as_of is None:
        return 1.0
    return 0.5 ** (abs((config.as_of - when).days) / config.half_life_days)


def _published(fact: Fact, articles_by_id: Mapping[str, Article]) -> date | None:
    article = articles_by_id.get(fact.source)
    return article.published if article else None


def _claim_date(facts: Sequence[Fact], members: Sequence[int]) -> date | None:
    """The event date most members give to the day; on a tie, the centre's, else the
    earliest. A "next month" or "last week" is no day and dates no claim."""
    dates: dict[date, int] = {}  # a plain dict: a Counter per claim costs a tenth of rank's time
    for i in members:
        if facts[i].event_date and facts[i].event_date_precision == "day":
            dates[facts[i].event_date] = dates.get(facts[i].event_date, 0) + 1
    if not dates:
        return None
    top = max(dates.values())
    tied = sorted(day for day, count in dates.items() if count == top)
    centre = facts[members[0]].event_date
    return centre if centre in tied else tied[0]


def best_first(drafts: Sequence[Draft]) -> list[int]:
    """Draft indices by outlets, then score: what more outlets report leads."""
    return sorted(range(len(drafts)), key=lambda index: (-drafts[index].outlets, -drafts[index].score, index))


def order_without_repeats(
    drafts: Sequence[Draft], graph: sp.csr_matrix, *, redundancy: float
) -> tuple[list[int], dict[int, int]]:
    """Select, then order. Going best first (``best_first``), a draft whose centre is as
    alike as ``redundancy`` to any sentence of a draft already kept says that one again.
    Returns the draft indices, kept ones best first and then the repeats best first, and
    for each repeat the index of the draft it repeats (the most alike)."""
    owner = np.full(graph.shape[0], -1)
    kept, repeats = [], {}
    for index in best_first(drafts):
        centre = drafts[index].members[0]
        lo, hi = graph.indptr[centre], graph.indptr[centre + 1]
        alike = [
            (-similarity, int(owner[neighbour]))
            for neighbour, similarity in zip(graph.indices[lo:hi], graph.data[lo:hi])
            if similarity >= redundancy and owner[neighbour] >= 0
        ]
        if alike:
            repeats[index] = min(alike)[1]
            continue
        kept.append(index)
        owner[list(drafts[index].members)] = index
    return kept + list(repeats), repeats


def finish_claim(
    claim_id: str,
    draft: Draft,
    facts: Sequence[Fact],
    articles_by_id: Mapping[str, Article],
    score: float,
    *,
    article_order: Mapping[str, int],
    repeats: str | None = None,
) -> Claim:
    """The claim as the brief shows it: centre sentence, one best sentence per source
    (in article order), and the id of the claim it says again, if any."""
    members = [facts[i] for i in draft.members]
    centre = members[0]
    best_by_source: dict[str, Fact] = {}
    for fact in members:  # centre first, then by likeness to it
        best_by_source.setdefault(fact.source, fact)
    support = tuple(
        Support(source, fact.sentence, fact.position)
        for source, fact in sorted(
            best_by_source.items(), key=lambda item: article_order.get(item[0], len(article_order))
        )
    )
    theme_totals: dict[str, float] = {}
    for fact in members:
        for theme in fact.themes:
            theme_totals[theme.theme] = theme_totals.get(theme.theme, 0.0) + theme.score
    themes = tuple(sorted(theme_totals, key=lambda theme: -theme_totals[theme]))
    entities = tuple(dict.fromkeys(entity for fact in members for entity in fact.entities))
    return Claim(
        id=claim_id,
        text=centre.sentence,
        score=round(score, 4),
        agreement=draft.outlets,
        support=support,
        date=_claim_date(facts, draft.members),
        themes=themes,
        entities=entities,
        speaker=centre.speaker,
        repeats=repeats,
    )
