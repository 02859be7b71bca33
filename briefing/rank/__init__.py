"""Rank stage: facts from many articles in, claims out, best first.

A claim is one thing the sources report, backed by a sentence from every
article that says it. Sentences are compared by TF-IDF cosine over their
lemmas, entities, numbers and dates; a sparse nearest-neighbour graph (no
dense all-pairs matrix) links sentences that say the same thing, and each
claim is a star around its most central sentence, so clusters cannot chain.

How a claim is scored (``score`` in the brief, 0..1 after dividing by the
best claim's)::

    score = outlets^a * reports^b * centrality * content * theme * recency * lead

    outlets     distinct independent outlets among the support (the claim's
                ``agreement``): syndicated copies count as their original,
                articles of one outlet count once
    reports     distinct original articles among the support (a second
                article of the same outlet adds salience, not confirmation)
    centrality  LexRank: stationary probability of a random walk (damping
                0.85) on the thresholded cosine graph between sentences of
                different articles, times the number of sentences
    content     mean weight of the sentence's concepts (lemma bigrams), a
                concept weighing the number of independent articles using it
    theme       1 + the sentence's best theme score, squashed to at most 2
    recency     0.5 ** (days between event (or publication) date and as-of
                / half-life)
    lead        1 / sqrt(1 + position): news puts the point first

The list is ordered greedily, as an MMR: each next claim maximises
``score * novelty``, where novelty is the share of its concept weight not
yet covered by the claims before it, and a claim whose text is too like an
earlier one (cosine >= ``redundancy``) drops to the end. The summary and
every theme section read this order, so nothing is said twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from briefing.model import Article, Claim, Fact
from briefing.rank.claims import concept_weights, draft, finish_claim, order_by_novelty
from briefing.rank.config import RankConfig
from briefing.rank.quantities import conflicting, quantities
from briefing.rank.similarity import cross_source, lexrank, neighbour_graph, star_clusters, vectorize
from briefing.rank.sources import agreement, original_of, outlet_key, report_of

__all__ = [
    "RankConfig",
    "agreement",
    "conflicting",
    "group_facts",
    "link_facts",
    "original_of",
    "outlet_key",
    "quantities",
    "rank",
    "report_of",
    "summarize",
]


def rank(
    facts: Sequence[Fact], articles: Sequence[Article], *, config: RankConfig = RankConfig()
) -> list[Claim]:
    """Cluster facts into claims and order them best first, with no repeats near the top."""
    if not facts:
        return []
    articles_by_id = {article.id: article for article in articles}
    graph, centrality = link_facts(facts, articles_by_id, config=config)
    weights = concept_weights(facts, {source: report_of(source, articles_by_id) for source in articles_by_id})
    drafts = [
        draft(facts, members, centrality, weights, articles_by_id, config)
        for members in star_clusters(facts, graph, centrality, join=config.same_claim)
    ]
    ordered = order_by_novelty(drafts, graph, weights, redundancy=config.redundancy)
    best = max((draft.score for draft in drafts), default=0.0) or 1.0
    return [
        finish_claim(f"C{number}", draft, facts, articles_by_id, draft.score / best)
        for number, draft in enumerate(ordered, 1)
    ]


def link_facts(
    facts: Sequence[Fact], articles_by_id: Mapping[str, Article], *, config: RankConfig = RankConfig()
) -> tuple[sp.csr_matrix, np.ndarray]:
    """The sparse graph of facts that resemble each other, and each fact's
    LexRank centrality in it counting links to other sources only."""
    graph = neighbour_graph(vectorize(facts), threshold=config.link, neighbours=config.neighbours)
    reports = {source: report_of(source, articles_by_id) for source in {fact.source for fact in facts}}
    return graph, lexrank(cross_source(graph, facts, reports), damping=config.damping)


def group_facts(
    facts: Sequence[Fact], articles: Sequence[Article], *, config: RankConfig = RankConfig()
) -> list[list[int]]:
    """Indices of facts that say the same thing, most central first in each group."""
    if not facts:
        return []
    graph, centrality = link_facts(facts, {article.id: article for article in articles}, config=config)
    return star_clusters(facts, graph, centrality, join=config.same_claim)


def summarize(claims: Sequence[Claim], *, words: int = 100) -> str:
    """A plain extractive summary: whole claim sentences in rank order, as many
    as fit in ``words`` words (a sentence that would overflow is skipped)."""
    chosen, used = [], 0
    for claim in claims:
        length = len(claim.text.split())
        if used + length <= words:
            chosen.append(" ".join(claim.text.split()))
            used += length
        if used >= words:
            break
    return " ".join(chosen)
