"""Where sources differ: pairs of claims of one story that give different figures
for the same thing, found on the neighbour graph rank already built (compose only
lays them out).

One event: the two sentences are neighbours (cosine >= ``link``) naming someone
or somewhere in common, or are as alike as one claim's sentences, come from
independent outlets, and give no two written-out dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

import scipy.sparse as sp

from briefing.model import Article, Claim, Divergence, Fact
from briefing.rank.config import RankConfig
from briefing.rank.quantities import differing, quantities
from briefing.rank.sources import outlet_key

DIVERGENCES_PER_STORY = 2


def find_divergences(
    claims: Sequence[Claim],
    facts: Sequence[Fact],
    graph: sp.csr_matrix,
    articles_by_id: Mapping[str, Article],
    *,
    config: RankConfig,
) -> tuple[Divergence, ...]:
    """The disputed figures among ``claims`` (one story's), most-backed pair first."""
    claim_of = {(support.source, support.sentence): claim for claim in claims for support in claim.support}
    counted = {index for index, fact in enumerate(facts) if fact.numbers and (fact.source, fact.sentence) in claim_of}
    if len(counted) < 2:
        return ()
    amounts = cache(lambda index: quantities(facts[index]))  # read only for pairs that get this far
    coordinates = graph.tocoo()
    found: dict[tuple[str, str], tuple[Claim, Claim, tuple[tuple[str, str], ...]]] = {}
    for i, j, similarity in zip(coordinates.row, coordinates.col, coordinates.data):
        if i >= j or i not in counted or j not in counted:
            continue
        first, second = facts[i], facts[j]
        if not _independent(first, second, articles_by_id) or _dated_apart(first, second):
            continue
        if similarity < config.same_claim and not set(first.entities) & set(second.entities):
            continue  # only a little alike, and about nobody in common: two events
        units = differing(amounts(i), amounts(j))
        a, b = claim_of[(first.source, first.sentence)], claim_of[(second.source, second.sentence)]
        if not units or a.id == b.id:
            continue
        if _claim_number(b) < _claim_number(a):
            a, b, first, second = b, a, second, first
        if (a.id, b.id) not in found:
            found[(a.id, b.id)] = (a, b, tuple(_figures(unit, first, second) for unit in units))
    ranked = sorted(found.values(), key=lambda item: (-(item[0].agreement + item[1].agreement), _claim_number(item[0])))
    return tuple(
        Divergence(topic(figures), (a, b), story=a.story) for a, b, figures in ranked[:DIVERGENCES_PER_STORY]
    )


def topic(figures: Sequence[tuple[str, str]]) -> str:
    """The heading a person would write: "Soldiers: 12 or 9"."""
    return "; ".join(f"{_plural(unit).capitalize()}: {values}" for unit, values in figures)


def _plural(unit: str) -> str:
    if unit.endswith(("s", "%")) or not unit[-1:].isalpha():
        return unit
    return unit[:-1] + "ies" if unit.endswith("y") and unit[-2:-1] not in "aeiou" else unit + "s"


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


def _figures(unit: str, first: Fact, second: Fact) -> tuple[str, str]:
    """('soldier', '12 or 9'): the unit and the figures each side gives."""
    values = [sorted(quantities(fact)[unit]) for fact in (first, second)]
    return unit, " or ".join(" and ".join(_number(value) for value in side) for side in values)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value.is_integer() else f"{value:,}"


def _claim_number(claim: Claim) -> int:
    digits = claim.id.rpartition("C")[2]
    return int(digits) if digits.isdigit() else 0
