"""The plain extractive summary (``briefing summarize``): ranked claims in, at most
``words`` words of verbatim sentences out.

The brief reads claims in rank order; a summary of a hundred words is a
different problem, packing the most that many sources say into a fixed
budget, so it is chosen the way Gillick and Favre's ICSI summarizer does
(integer linear programming over concepts, 2009):

    maximise   sum of the weights of the concepts covered
    subject to the chosen sentences' words <= ``words``

    concept   a pair of neighbouring words of a sentence (lower case, as
              ROUGE reads them), unless both are stop words (``word_pairs``)
    weight    for each independent report using it, 1 / (1 + the position
              of its first sentence using it): news says the point first;
              kept when at least ``MIN_REPORTS`` (3) reports use it
              (``concept_weights``, as claims are weighed)

A concept counts once however many chosen sentences carry it, so the
summary does not repeat itself. Candidates are every claim's supporting
sentences of ``min_words``..``max_words`` words (RankConfig), shown whole
and in rank order. A report is an article, a syndicated copy counting as
its original (dedupe's ``duplicate_of``). When no concept reaches three
reports (a handful of articles), the summary is the claims in rank order,
as many as fit. Words are spaCy's tokens as written (``Fact.words``), not
its lemmas: the summary is judged on its words, and stop words carry half
of them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from briefing.model import Article, Claim, Fact
from briefing.rank.concepts import Concept, concept_weights, word_pairs
from briefing.rank.config import RankConfig
from briefing.rank.sources import report_of

MIN_REPORTS = 3
"""A concept fewer reports use is one outlet's wording, not what the sources say
(the ICSI summarizer's threshold for ten-document clusters)."""

CANDIDATES = 1000
"""Most sentences the solver weighs: those richest in concept weight per word.
Ten-article clusters have a few hundred; the bound keeps a large corpus fast."""

SOLVER_SECONDS = 10.0


def summarize(claims: Sequence[Claim], facts: Sequence[Fact], articles: Sequence[Article], *, words: int = 100) -> str:
    """At most ``words`` words of whole supporting sentences that together cover
    the most concept weight; the rank-order head when nothing is widely shared.
    ``facts`` and ``articles`` are what the claims were ranked from."""
    picked = packed(claims, facts, articles, words=words)
    if picked is None:
        return head(claims, words=words)
    return " ".join(" ".join(fact.sentence.split()) for _, fact in picked)


def packed(
    claims: Sequence[Claim], facts: Sequence[Fact], articles: Sequence[Article], *, words: int,
    candidates: int = CANDIDATES, exact: bool = True, backed_lead: bool = False,
) -> list[tuple[int, Fact]] | None:
    """The supporting sentences the summary packs into ``words`` words, each with its claim's
    place in ``claims``, in claim order; None when no concept is shared widely enough.
    ``backed_lead`` (greedy packing only): one of them belongs to a claim backed by the most
    independent outlets, so that a point the most outlets report can lead."""
    fact_at = {(fact.source, fact.position): fact for fact in facts}
    supports = [
        (rank, fact_at[support.source, support.position])
        for rank, claim in enumerate(claims)
        for support in claim.support
        if (support.source, support.position) in fact_at
    ]
    articles_by_id = {article.id: article for article in articles}
    reports = {article_id: report_of(article_id, articles_by_id) for article_id in articles_by_id}
    if len(set(reports.values())) < MIN_REPORTS:
        return None  # no concept can reach MIN_REPORTS reports: skip the solver
    supporting = [fact for _, fact in supports]
    weights = concept_weights(
        supporting, [word_pairs(fact) for fact in supporting], reports, first_counts_most=True, min_reports=MIN_REPORTS
    )
    if not weights:
        return None
    found = richest(sentence_candidates(supports, words=words), weights, keep=candidates)
    lengths = [len(fact.sentence.split()) for _, fact, _ in found]
    if exact:
        chosen = choose([concepts for _, _, concepts in found], weights, lengths, words)
    else:
        backing = [claims[rank].agreement for rank, _, _ in found]
        leaders = [index for index, outlets in enumerate(backing) if outlets == max(backing)] if backed_lead else None
        chosen = choose_greedily([concepts for _, _, concepts in found], weights, lengths, words, leaders)
    if not chosen:
        return None
    return sorted((found[index][:2] for index in chosen), key=lambda item: (item[0], item[1].position))


def sentence_candidates(supports: Sequence[tuple[int, Fact]], *, words: int) -> list[tuple[int, Fact]]:
    """Each distinct supporting sentence of a sensible length that fits the budget, with its claim's rank."""
    limits = RankConfig()
    candidates, seen = [], set()
    for rank, fact in supports:
        text = " ".join(fact.sentence.split())
        if limits.min_words <= len(text.split()) <= min(limits.max_words, words) and text not in seen:
            seen.add(text)
            candidates.append((rank, fact))
    return candidates


def richest(
    candidates: Sequence[tuple[int, Fact]], weights: Mapping[Concept, float], *, keep: int = CANDIDATES
) -> list[tuple[int, Fact, frozenset[Concept]]]:
    """The ``CANDIDATES`` sentences with the most concept weight per word, in their
    first order, each with its weighed concepts; sentences with none are left out."""
    found = [word_pairs(fact) & weights.keys() for _, fact in candidates]
    density = [
        sum(weights[concept] for concept in concepts) / len(fact.sentence.split())
        for concepts, (_, fact) in zip(found, candidates)
    ]
    best = sorted(range(len(candidates)), key=lambda index: (-density[index], index))[:keep]
    return [(*candidates[index], found[index]) for index in sorted(best) if found[index]]


def head(claims: Sequence[Claim], *, words: int) -> str:
    """Whole claim sentences in rank order, as many as fit (one that would overflow is skipped)."""
    chosen, used = [], 0
    for claim in claims:
        length = len(claim.text.split())
        if used + length <= words:
            chosen.append(" ".join(claim.text.split()))
            used += length
        if used >= words:
            break
    return " ".join(chosen)


def choose_greedily(
    concepts: Sequence[frozenset[Concept]], weights: Mapping[Concept, float], lengths: Sequence[int], words: int,
    leaders: Collection[int] | None = None,
) -> list[int]:
    """``choose`` by the greedy rule for budgeted coverage (Khuller, Moss and Naor 1999): the
    sentence adding the most new concept weight per word, while any fits, or the single
    heaviest sentence when that covers more. Within a constant factor of the programme's
    answer, in microseconds instead of the solver's tens of milliseconds: for a brief's many
    stories.

    With ``leaders``, the choice holds one of them: when the rule's own choice holds none, the
    leader adding the most per word is taken first and the rule packs the rest of the budget
    around it. What is chosen is still decided by coverage; the leaders only decide what can lead."""
    chosen = budgeted(concepts, weights, lengths, words)
    fits = [i for i in range(len(concepts)) if lengths[i] <= words]
    single = max(fits, key=lambda i: (covering(weights, concepts[i]), -i), default=None)
    covered = set().union(*(concepts[i] for i in chosen))
    if single is not None and covering(weights, concepts[single]) > covering(weights, covered):
        chosen = [single]
    fitting_leaders = [i for i in leaders or () if lengths[i] <= words]
    if fitting_leaders and not set(chosen) & set(fitting_leaders):
        first = max(fitting_leaders, key=lambda i: (covering(weights, concepts[i]) / lengths[i], -i))
        chosen = budgeted(concepts, weights, lengths, words, first=first)
    return sorted(chosen)


def budgeted(
    concepts: Sequence[frozenset[Concept]], weights: Mapping[Concept, float], lengths: Sequence[int], words: int,
    *, first: int | None = None,
) -> list[int]:
    """The greedy rule's sentences in the order it takes them (``first``, when given, before any)."""
    chosen = [] if first is None else [first]
    covered: set[Concept] = set().union(*(concepts[i] for i in chosen))
    used = sum(lengths[i] for i in chosen)
    while True:
        gains = [
            (covering(weights, found - covered) / lengths[i], -i)
            for i, found in enumerate(concepts)
            if i not in chosen and used + lengths[i] <= words
        ]
        best = max(gains, default=(0.0, 0))
        if best[0] <= 0:
            return chosen
        index = -best[1]
        chosen.append(index)
        covered |= concepts[index]
        used += lengths[index]


def covering(weights: Mapping[Concept, float], concepts: Collection[Concept]) -> float:
    """The weight of the concepts, each counted once."""
    return sum(weights[concept] for concept in concepts)


def choose(
    concepts: Sequence[frozenset[Concept]], weights: Mapping[Concept, float], lengths: Sequence[int], words: int
) -> list[int]:
    """The sentences (indices) whose concepts weigh most within ``words`` words: a
    0/1 programme over sentences and concepts, a concept counting when a chosen
    sentence carries it."""
    keys = sorted({concept for found in concepts for concept in found})
    if not keys:
        return []
    column = {concept: index for index, concept in enumerate(keys)}
    n, m = len(concepts), len(keys)
    rows = [column[concept] for found in concepts for concept in found]
    cols = [sentence for sentence, found in enumerate(concepts) for _ in found]
    carries = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, n))
    constraints = sp.vstack(
        [
            sp.hstack([-carries, sp.identity(m)]),  # a concept counts only if a chosen sentence carries it
            sp.hstack([sp.csr_matrix(np.asarray(lengths, dtype=float)[None, :]), sp.csr_matrix((1, m))]),
        ]
    ).tocsr()
    result = milp(
        -np.concatenate([np.zeros(n), [weights[concept] for concept in keys]]),
        constraints=LinearConstraint(constraints, -np.inf, np.concatenate([np.zeros(m), [words]])),
        integrality=np.ones(n + m),
        bounds=Bounds(0, 1),
        options={"time_limit": SOLVER_SECONDS},
    )
    if result.x is None:
        return []
    return [sentence for sentence in range(n) if result.x[sentence] > 0.5]
