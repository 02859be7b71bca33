"""Rank stage: facts from many articles in, claims out, best first.

A claim is one thing the sources report, backed by a sentence from every
article that says it. Sentences are compared by TF-IDF cosine over what
spaCy found in them (lemmas, entities, numbers, written dates; never
re-tokenized). A sparse nearest-neighbour graph links sentences at cosine
>= ``link`` (0.3), computed a block of rows at a time, never as a dense
all-pairs matrix. Each claim is a star around the most central sentence
left (LexRank: a damped random walk, 0.85, on the graph's links between
different articles): it takes every neighbour at cosine >= ``same_claim``
(0.4) to the centre itself, so groups cannot chain, that shares one of the
centre's concepts (below), and never one that gives a different figure for
the same thing ("12 soldiers" / "nine soldiers"): those become two claims,
shown side by side by compose.

How a claim is scored (``score`` in the brief, divided by the best claim's)::

    score = outlets^2 * concepts / words * theme * recency / (1 + position)

    outlets   distinct independent outlets among the claim's sources (its
              ``agreement``): a syndicated copy counts as its original, two
              articles of one outlet count once, an article with no outlet
              is its own; squared, so that what more outlets confirm leads
    concepts  the centre sentence's concepts (pairs of neighbouring content
              lemmas) used by at least two independent articles, each
              weighing the number of articles using it: agreement at the
              level of words, which also separates articles of one outlet
    words     the centre sentence's length: the score is content per word
    theme     1 for no theme, up to 2 for a sentence squarely on one
    recency   halves every ``half_life_days`` (365) between the claim's
              event date (else publication date) and the as-of date
    position  the centre's index in its article: news says the point first

Sentences under ``min_words`` (8) or over ``max_words`` (60) score a tenth.

How claims are ordered: by ``agreement`` (most outlets first), then by
score, with repeats set aside before the order is read. Going down that
order, a claim whose centre is at cosine >= ``redundancy`` (0.5) to any
sentence of a claim already kept says it again: it names that claim in
``repeats`` and goes after every kept claim. The brief's summary and theme
sections show kept claims only, so none says a thing twice and what the
most outlets report comes first.

``summarize`` packs a word budget instead (``briefing.rank.summary``: the
supporting sentences whose shared word pairs weigh most, an integer
programme as in the ICSI summarizer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from briefing.model import Article, Claim, Divergence, Fact
from briefing.rank.claims import draft, finish_claim, order_without_repeats
from briefing.rank.concepts import concept_weights, lemma_pairs
from briefing.rank.config import RankConfig
from briefing.rank.divergences import find_divergences
from briefing.rank.quantities import conflicting, quantities
from briefing.rank.similarity import cross_source, lexrank, neighbour_graph, star_clusters, vectorize
from briefing.rank.sources import agreement, original_of, outlet_key, report_of
from briefing.rank.summary import packed, summarize

__all__ = [
    "RankConfig",
    "Ranking",
    "agreement",
    "conflicting",
    "group_facts",
    "link_facts",
    "original_of",
    "outlet_key",
    "quantities",
    "rank",
    "rank_story",
    "report_of",
    "summarize",
]


@dataclass(frozen=True)
class Ranking:
    """One story's claims, best first (repeats last), and where its sources differ."""

    claims: tuple[Claim, ...]
    divergences: tuple[Divergence, ...] = ()
    outlets: int = 0  # independent outlets among the story's articles


def rank(
    facts: Sequence[Fact], articles: Sequence[Article], *, config: RankConfig = RankConfig()
) -> list[Claim]:
    """Cluster facts into claims and order them best first, with no repeats near the top."""
    return list(rank_story(facts, articles, config=config).claims)


def rank_story(
    facts: Sequence[Fact], articles: Sequence[Article], *, config: RankConfig = RankConfig(), story: str | None = None
) -> Ranking:
    """``rank`` for the facts of one story, with its disputed figures found on the same graph.
    Claim ids are "C1", ... within the story; compose numbers them across the brief."""
    articles_by_id = {article.id: article for article in articles}
    outlets = len({outlet_key(article, articles_by_id) for article in articles})
    if not facts:
        return Ranking((), (), outlets)
    graph, centrality = link_facts(facts, articles_by_id, config=config)
    wording = [lemma_pairs(fact) for fact in facts]
    weights = concept_weights(facts, wording, {source: report_of(source, articles_by_id) for source in articles_by_id})
    drafts = [
        draft(facts, members, weights, articles_by_id, config, wording[members[0]])
        for members in star_clusters(facts, graph, centrality, join=config.same_claim, wording=wording)
    ]
    order, repeats = order_without_repeats(drafts, graph, redundancy=config.redundancy)
    best = max((draft.score for draft in drafts), default=0.0) or 1.0
    article_order = {article_id: index for index, article_id in enumerate(articles_by_id)}
    claim_id = {index: f"C{number}" for number, index in enumerate(order, 1)}
    claims = tuple(
        finish_claim(
            claim_id[index],
            drafts[index],
            facts,
            articles_by_id,
            drafts[index].score / best,
            article_order=article_order,
            repeats=claim_id[repeats[index]] if index in repeats else None,
            story=story,
        )
        for index in order
    )
    divergences = find_divergences(claims, facts, graph, articles_by_id, config=config)
    return Ranking(lead_first(claims, facts, articles)[: config.claims_kept], divergences, outlets)


KEY_POINT_WORDS = 100
"""The words a story's lead points may take: two to four sentences, a standard news summary's length."""

KEY_POINT_CANDIDATES = 50
"""Sentences the packing weighs for a story's lead points: those richest in concept weight per
word (a hundred words hold four or five sentences). Packed greedily: an exact programme per
story took 0.24 s each, the greedy rule milliseconds."""


def lead_first(claims: Sequence[Claim], facts: Sequence[Fact], articles: Sequence[Article]) -> tuple[Claim, ...]:
    """The claims with the story's lead points first: those whose sentences together cover the
    most of what the most reports say in ``KEY_POINT_WORDS`` words (the summary's packing), each
    shown by the sentence chosen for it, the best-backed of them leading; then the others in
    rank order (most outlets first), repeats last.

    Coverage chooses the points and backing orders them: when the packing's choice holds no
    point of the claims backed by the most outlets, the richest such point is taken first and
    the packing fills the rest of the budget around it, so a story never leads with a point
    fewer outlets report than another it could show. (Multiplying each sentence's gain by its
    outlets instead let backing choose the points too, which covered less of the story.)"""
    kept = [claim for claim in claims if claim.repeats is None]
    picked = packed(kept, facts, articles, words=KEY_POINT_WORDS, candidates=KEY_POINT_CANDIDATES, exact=False,
                    backed_lead=True)
    if not picked:
        return tuple(claims)
    shown = {}
    for place, fact in picked:
        shown.setdefault(place, fact)
    lead = [replace(kept[place], text=fact.sentence, speaker=fact.speaker) for place, fact in sorted(shown.items())]
    best = max(range(len(lead)), key=lambda index: (lead[index].agreement, -index))
    lead.insert(0, lead.pop(best))
    chosen = {kept[place].id for place in shown}
    return (*lead, *(claim for claim in claims if claim.id not in chosen))


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
