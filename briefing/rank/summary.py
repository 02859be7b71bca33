"""The plain extractive summary (``briefing summarize``): ranked claims in, at most
``words`` words of verbatim sentences out.

The brief reads claims in rank order; a summary of a hundred words is a
different problem, packing the most that many sources say into a fixed
budget, so it is chosen the way Gillick and Favre's ICSI summarizer does
(integer linear programming over concepts, 2009):

    maximise   sum of the weights of the concepts covered
    subject to the chosen sentences' words <= ``words``

    concept   a pair of neighbouring words of a sentence (lower case, letters
              and digits, as ROUGE reads them), unless both are stop words
    weight    for each independent report using it, 1 / (1 + the position
              of its first sentence using it): news says the point first;
              kept when at least ``MIN_REPORTS`` (3) reports use it

A concept counts once however many chosen sentences carry it, so the
summary does not repeat itself. Candidates are every claim's supporting
sentences of ``min_words``..``max_words`` words (RankConfig), shown whole
and in rank order. A report is an article, with a syndicated copy folded
into its original: two sources whose supports of one claim are the same
sentence at the same position are copies. When no concept reaches three
reports (a handful of articles), the summary is the claims in rank order,
as many as fit. Words are taken as written, not as spaCy's lemmas: the
summary is judged on its words, and stop words carry half of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as STOP_WORDS

from briefing.model import Claim, Support
from briefing.rank.config import RankConfig

MIN_REPORTS = 3
"""A concept fewer reports use is one outlet's wording, not what the sources say
(the ICSI summarizer's threshold for ten-document clusters)."""

CANDIDATES = 1000
"""Most sentences the solver weighs: those richest in concept weight per word.
Ten-article clusters have a few hundred; the bound keeps a large corpus fast."""

SOLVER_SECONDS = 10.0

_WORD = re.compile(r"[^\W_]+")

Concept = tuple[str, str]


def summarize(claims: Sequence[Claim], *, words: int = 100) -> str:
    """At most ``words`` words of whole supporting sentences that together cover
    the most concept weight; the rank-order head when nothing is widely shared."""
    supports = [(rank, support) for rank, claim in enumerate(claims) for support in claim.support]
    weights = concept_weights([support for _, support in supports])
    candidates = richest(sentence_candidates(supports, words=words), weights)
    chosen = choose(
        [concepts for _, _, concepts in candidates],
        weights,
        [len(support.sentence.split()) for _, support, _ in candidates],
        words,
    )
    if not chosen:
        return head(claims, words=words)
    picked = sorted((candidates[index][:2] for index in chosen), key=lambda item: (item[0], item[1].position or 0))
    return " ".join(" ".join(support.sentence.split()) for _, support in picked)


def sentence_candidates(supports: Sequence[tuple[int, Support]], *, words: int) -> list[tuple[int, Support]]:
    """Each distinct supporting sentence of a sensible length that fits the budget, with its claim's rank."""
    limits = RankConfig()
    candidates, seen = [], set()
    for rank, support in supports:
        text = " ".join(support.sentence.split())
        if limits.min_words <= len(text.split()) <= min(limits.max_words, words) and text not in seen:
            seen.add(text)
            candidates.append((rank, support))
    return candidates


def richest(
    candidates: Sequence[tuple[int, Support]], weights: dict[Concept, float]
) -> list[tuple[int, Support, frozenset[Concept]]]:
    """The ``CANDIDATES`` sentences with the most concept weight per word, in their
    first order, each with its weighed concepts; sentences with none are left out."""
    found = [sentence_concepts(support.sentence) & weights.keys() for _, support in candidates]
    density = [
        sum(weights[concept] for concept in concepts) / len(support.sentence.split())
        for concepts, (_, support) in zip(found, candidates)
    ]
    best = sorted(range(len(candidates)), key=lambda index: (-density[index], index))[:CANDIDATES]
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


def sentence_concepts(sentence: str) -> frozenset[Concept]:
    """Neighbouring word pairs of a sentence, leaving out pairs of two stop words."""
    tokens = _WORD.findall(sentence.casefold())
    return frozenset(
        (first, second)
        for first, second in pairwise(tokens)
        if not (first in STOP_WORDS and second in STOP_WORDS)
    )


def concept_weights(supports: Sequence[Support]) -> dict[Concept, float]:
    """Each concept's weight: the reports using it, each counting 1 / (1 + the
    position of its first sentence using it; an unknown position counts as the
    first); kept at ``MIN_REPORTS`` reports."""
    report = copies_folded(supports)
    first: dict[Concept, dict[str, int]] = defaultdict(dict)
    for support in supports:
        source, position = report[support.source], support.position or 0
        for concept in sentence_concepts(support.sentence):
            used = first[concept]
            used[source] = min(used.get(source, position), position)
    return {
        concept: sum(1.0 / (1 + position) for position in used.values())
        for concept, used in first.items()
        if len(used) >= MIN_REPORTS
    }


def copies_folded(supports: Sequence[Support]) -> dict[str, str]:
    """Each source's report: a source that gives another's sentence word for word at
    the same position is a copy, and folds into the first of them."""
    parent: dict[str, str] = {}

    def root(source: str) -> str:
        while parent.get(source, source) != source:
            source = parent[source]
        return source

    first_with: dict[tuple[str, int | None], str] = {}
    for support in supports:
        key = (" ".join(support.sentence.split()), support.position)
        earlier = first_with.setdefault(key, support.source)
        a, b = root(earlier), root(support.source)
        if a != b:
            parent[b] = a
    return {support.source: root(support.source) for support in supports}


def choose(
    concepts: Sequence[frozenset[Concept]], weights: dict[Concept, float], lengths: Sequence[int], words: int
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
