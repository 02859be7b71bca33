"""The knobs of ranking, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RankConfig:
    """The few knobs of ranking; the defaults are the evaluated ones."""

    as_of: date | None = None
    link: float = 0.3  # cosine at which two sentences are neighbours
    same_claim: float = 0.4  # cosine to a claim's central sentence to join it
    redundancy: float = 0.5  # cosine to an earlier claim at which a claim repeats it
    neighbours: int = 30  # most neighbours kept per sentence
    damping: float = 0.85
    half_life_days: float = 365.0
    min_words: int = 8  # shorter sentences rank last: rarely a whole fact
    max_words: int = 60  # longer ones too: run-ons, lists, mis-split sentences
    claims_kept: int | None = None  # a story keeps its best this many claims (None: all of them)
