"""From groups of facts to scored, ordered claims (the formula is in
``briefing.rank``'s docstring)."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import scipy.sparse as sp

from briefing.model import Article, Claim, Fact, Support
from briefing.rank.config import RankConfig
from briefing.rank.sources import agreement


def concepts(fact: Fact) -> set[tuple[str, str]]:
    """Pairs of neighbouring content lemmas: small units of meaning that
    sources share when they report the same thing."""
    return set(zip(fact.lemmas, fact.lemmas[1:]))


def concept_weights(facts: Sequence[Fact], reports_by_source: Mapping[str, str]) -> Counter:
    """How many independent articles use each concept."""
    reports: dict[tuple[str, str], set[str]] = defaultdict(set)
    for fact in facts:
        for concept in concepts(fact):
            reports[concept].add(reports_by_source.get(fact.source, fact.source))
    return Counter({concept: len(sources) for concept, sources in reports.items()})


@dataclass(frozen=True)
class Draft:
    """A claim before ordering: its facts (centre first) and standalone score."""

    members: tuple[int, ...]
    score: float
    concepts: frozenset[tuple[str, str]]


def draft(
    facts: Sequence[Fact],
    members: Sequence[int],
    weights: Counter,
    articles_by_id: Mapping[str, Article],
    config: RankConfig,
) -> Draft:
    """Score a group of facts as one claim, by its centre sentence (formula in ``briefing.rank``)."""
    centre = facts[members[0]]
    outlets = agreement({facts[i].source for i in members}, articles_by_id)
    shared = frozenset(concept for concept in concepts(centre) if weights[concept] >= 2)
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
    return Draft(tuple(members), float(score), shared)


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
    """The event date most members give; on a tie, the centre's, else the earliest."""
    dates = Counter(facts[i].event_date for i in members if facts[i].event_date)
    if not dates:
        return None
    top = max(dates.values())
    tied = sorted(day for day, count in dates.items() if count == top)
    centre = facts[members[0]].event_date
    return centre if centre in tied else tied[0]


def order_by_novelty(
    drafts: Sequence[Draft],
    graph: sp.csr_matrix,
    weights: Counter,
    *,
    redundancy: float,
) -> list[Draft]:
    """Greedy MMR by concept coverage (lazy, as the gain only ever shrinks):
    take the draft with the best score times share of still-uncovered concept
    weight; a draft whose sentence is as alike as ``redundancy`` to any sentence
    of a taken claim repeats it, and goes last (best score first)."""
    covered: set[tuple[str, str]] = set()
    taken_facts: set[int] = set()
    heap = [(-draft.score, index) for index, draft in enumerate(drafts)]
    heapq.heapify(heap)
    ordered, repeats = [], []
    while heap:
        _, index = heapq.heappop(heap)
        draft = drafts[index]
        centre = draft.members[0]
        lo, hi = graph.indptr[centre], graph.indptr[centre + 1]
        if any(
            similarity >= redundancy and neighbour in taken_facts
            for neighbour, similarity in zip(graph.indices[lo:hi], graph.data[lo:hi])
        ):
            repeats.append(index)
            continue
        total = sum(weights[concept] for concept in draft.concepts)
        fresh = sum(weights[concept] for concept in draft.concepts - covered)
        gain = draft.score * (fresh / total if total else 1.0)
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, index))
            continue
        ordered.append(draft)
        covered |= draft.concepts
        taken_facts.update(draft.members)
    repeats.sort(key=lambda index: (-drafts[index].score, index))
    return ordered + [drafts[index] for index in repeats]


def finish_claim(
    claim_id: str,
    draft: Draft,
    facts: Sequence[Fact],
    articles_by_id: Mapping[str, Article],
    score: float,
) -> Claim:
    """The claim as the brief shows it: centre sentence, one best sentence per source."""
    members = [facts[i] for i in draft.members]
    centre = members[0]
    article_order = {article_id: index for index, article_id in enumerate(articles_by_id)}
    best_by_source: dict[str, Fact] = {}
    for fact in members:  # centre first, then by likeness to it
        best_by_source.setdefault(fact.source, fact)
    support = tuple(
        Support(source, fact.sentence)
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
        agreement=agreement(best_by_source, articles_by_id),
        support=support,
        date=_claim_date(facts, draft.members),
        themes=themes,
        entities=entities,
        speaker=centre.speaker,
    )
