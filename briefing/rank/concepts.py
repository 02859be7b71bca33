"""Concepts: pairs of neighbouring words, the small units of meaning that sources
share when they report the same thing, and how much the sources agree on each.

Claims are scored by pairs of content lemmas (``lemma_pairs``), which tell a
shared point from a shared phrasing; the summary is judged on its words, so it
packs pairs of words as written, stop words included (``word_pairs``). Both
weigh a concept by the independent reports that use it (``concept_weights``):
a syndicated copy counts as its original (dedupe's ``duplicate_of``, read by
``briefing.rank.sources``). Both read what spaCy found, stored on the ``Fact``
by the extract stage: nothing is tokenized again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from itertools import pairwise

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as STOP_WORDS

from briefing.model import Fact

Concept = tuple[str, str]


def lemma_pairs(fact: Fact) -> set[Concept]:
    """Pairs of neighbouring content lemmas ("gas", "pipeline")."""
    return set(pairwise(fact.lemmas))


def word_pairs(fact: Fact) -> frozenset[Concept]:
    """Pairs of neighbouring words as written, lower case ("a", "currency"), but
    for pairs of two stop words ("on", "a"), which any two sentences share."""
    words = fact.words.split(" ")
    return frozenset(
        (first, second) for first, second in pairwise(words) if not (first in STOP_WORDS and second in STOP_WORDS)
    )


def concept_weights(
    facts: Sequence[Fact],
    wording: Sequence[Collection[Concept]],
    reports: Mapping[str, str],
    *,
    first_counts_most: bool = False,
    min_reports: int = 1,
) -> Mapping[Concept, float]:
    """Each concept's weight (``wording[i]``: the concepts of ``facts[i]``;
    ``reports``: the original report of each article id): every independent
    report using it counts 1, or, with ``first_counts_most``, 1 / (1 + the
    position of its first sentence using it), as news says the point first.
    Concepts used by fewer than ``min_reports`` reports are left out."""
    first: dict[str, dict[Concept, int]] = defaultdict(dict)  # report -> concept -> first position
    for index in sorted(range(len(facts)), key=lambda index: -facts[index].position):
        fact = facts[index]
        first[reports.get(fact.source, fact.source)].update(dict.fromkeys(wording[index], fact.position))
    counts: Counter = Counter()
    for used in first.values():
        counts.update(used.keys())
    if not first_counts_most:
        return counts if min_reports <= 1 else Counter({concept: n for concept, n in counts.items() if n >= min_reports})
    weights: dict[Concept, float] = defaultdict(float)
    for used in first.values():
        for concept, position in used.items():
            if counts[concept] >= min_reports:
                weights[concept] += 1.0 / (1 + position)
    return dict(weights)
