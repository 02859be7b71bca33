"""Dedupe stage: clean articles in, the same articles with copies marked.

A wire story republished by several sites, or the same story lightly edited
on two of them, must count once when outlets are counted. Articles are
compared by their sets of word 3-grams (shingles): MinHash signatures and
locality-sensitive hashing (datasketch) find each article's likely copies
(with a lower ``CANDIDATE_THRESHOLD``, so near misses are not lost to the
LSH bands), and only those few pairs get their exact Jaccard similarity
computed; never every pair. Articles whose Jaccard similarity reaches
``THRESHOLD`` fall in one group; every
member but the original gets ``duplicate_of`` = the id of the group's
earliest article (by publication date, then input order).

The threshold was measured on the example corpus and the seeds: the
republished wire copy in the examples scores 0.91, a copy with one word in
ten changed 0.55, one in seven 0.40; different stories on the same event
(seeds 000 and 001 share sentences of one press release) score 0.32 at most.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from briefing.model import Article

THRESHOLD = 0.5
CANDIDATE_THRESHOLD = 0.3
ESTIMATE_MARGIN = 0.15
BUCKET_MEMBERS_PER_GROUP = 4
SHINGLE_WORDS = 3
NUM_PERM = 128
SEED = 20240305  # fixed, so the same input always gives the same groups
WORD = re.compile(r"\w+")
# Shingles are 64-bit numbers made from their words' CRC-32s, not strings: hashing
# half a million strings one by one (datasketch's default SHA-1) was most of the
# stage's time. Two different shingles share a number about once in 2**64 pairs.
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 1], dtype=np.uint64)


def mark_duplicates(articles: Sequence[Article]) -> tuple[Article, ...]:
    """The articles in the same order, each copy pointing at the earliest article of its group."""
    return marked_with_state(articles, None)[0]


@dataclass
class DedupeState:
    """What one run's dedupe leaves for the project's next: per distinct text, in the order first
    seen, its digest, MinHash values and LSH band keys, the groups found (union-find over those
    places) and which shingle sets were seen where. A run whose texts include all of these
    places only its new texts, against arrays, instead of fingerprinting and grouping every text."""

    digests: list[bytes]
    signatures: np.ndarray  # (texts, NUM_PERM) uint64
    band_keys: np.ndarray  # (texts, bands) uint64: one number per LSH band of the signature
    parent: list[int]
    shingle_sets: dict[bytes, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.place = {digest: number for number, digest in enumerate(self.digests)}

    def __getstate__(self) -> dict:
        return {name: value for name, value in vars(self).items() if name != "place"}

    def __setstate__(self, saved: dict) -> None:
        vars(self).update(saved)
        self.__post_init__()

    def covers(self, digests: Sequence[bytes]) -> bool:
        """Every text this state holds is among ``digests`` (none was taken away since)."""
        return set(self.place) <= set(digests)


def marked_with_state(
    articles: Sequence[Article], state: DedupeState | None
) -> tuple[tuple[Article, ...], DedupeState]:
    """``mark_duplicates``, from an earlier run's state when it covers these articles (only the
    new texts are fingerprinted and compared), and the state to keep for the next run."""
    digests = [text_digest(article.text) for article in articles]
    if state is None or not state.covers(digests):
        state = full_state(articles, digests)
    else:
        place_new_texts(state, articles, digests)
    groups = UnionFind(parent=state.parent)
    members: dict[object, list[int]] = {}
    for position, digest in enumerate(digests):
        # a text without words has no shingles: it copies nothing, even another empty one
        group = groups.find(state.place[digest]) if WORD.search(articles[position].text) else ("alone", position)
        members.setdefault(group, []).append(position)
    original_of = {}
    for positions in members.values():
        original = min(positions, key=lambda position: (articles[position].published or date.max, position))
        original_of.update(dict.fromkeys(positions, original))
    marked = []
    for position, article in enumerate(articles):
        original = original_of[position]
        marked.append(replace(article, duplicate_of=None if original == position else articles[original].id))
    return tuple(marked), state


def full_state(articles: Sequence[Article], digests: Sequence[bytes]) -> DedupeState:
    """Every article fingerprinted and grouped (``likely_copies``), kept per distinct text."""
    template = MinHash(num_perm=NUM_PERM, seed=SEED)
    grams = [shingles(article.text) for article in articles]
    signatures = np.zeros((len(articles), NUM_PERM), dtype=np.uint64)
    for position, shingle_set in enumerate(grams):
        if len(shingle_set):
            signatures[position] = signature(shingle_set, template).hashvalues
    groups = UnionFind(len(articles))
    for position, other in likely_copies(grams, signatures, groups):
        groups.join(position, other)
    first = {}
    for position, digest in enumerate(digests):
        first.setdefault(digest, position)
    kept = list(first.values())
    place = {digest: number for number, digest in enumerate(first)}
    shingle_sets = {}
    for position in kept:
        if len(grams[position]):
            shingle_sets.setdefault(text_digest_of(grams[position]), place[digests[position]])
    return DedupeState(
        digests=list(first),
        signatures=signatures[kept],
        band_keys=band_keys(signatures[kept]),
        parent=[place[digests[groups.find(position)]] for position in kept],
        shingle_sets=shingle_sets,
    )


def place_new_texts(state: DedupeState, articles: Sequence[Article], digests: Sequence[bytes]) -> None:
    """Add the texts the state has not seen, each compared (by LSH band keys, then the MinHash
    estimate, then exact Jaccard) with every text before it: arrays, not a pass over the corpus."""
    text_of = dict(zip(digests, (article.text for article in articles)))
    new = [digest for digest in dict.fromkeys(digests) if digest not in state.place]
    if not new:
        return
    template = MinHash(num_perm=NUM_PERM, seed=SEED)
    filled = len(state.digests)
    signatures = np.vstack([state.signatures, np.zeros((len(new), NUM_PERM), dtype=np.uint64)])
    keys = np.vstack([state.band_keys, np.zeros((len(new), state.band_keys.shape[1]), dtype=np.uint64)])
    groups = UnionFind(parent=state.parent)
    for digest in new:
        number = filled
        state.digests.append(digest)
        state.place[digest] = number
        groups.parent.append(number)
        grams = shingles(text_of[digest])
        filled += 1
        if not len(grams):
            continue
        signatures[number] = signature(grams, template).hashvalues
        keys[number] = band_keys(signatures[number : number + 1])[0]
        same = state.shingle_sets.setdefault(text_digest_of(grams), number)
        if same != number:
            groups.join(number, same)
            continue
        found = np.flatnonzero((keys[:number] == keys[number]).any(axis=1))
        estimates = (signatures[found] == signatures[number]).mean(axis=1)
        for other in found[estimates >= THRESHOLD - ESTIMATE_MARGIN].tolist():
            if groups.find(other) != groups.find(number):
                if jaccard(grams, shingles(text_of[state.digests[other]])) >= THRESHOLD:
                    groups.join(number, other)
    state.signatures, state.band_keys = signatures, keys


@lru_cache(maxsize=1)
def lsh_shape() -> tuple[int, int]:
    """Bands and rows per band for ``CANDIDATE_THRESHOLD`` (datasketch's optimum)."""
    bands = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=NUM_PERM)
    return bands.b, bands.r


_BAND_MIX = np.random.default_rng(SEED).integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """One 64-bit number per band of each signature; equal bands give equal numbers (unequal
    ones almost never, and the MinHash estimate then drops the candidate)."""
    count, rows = lsh_shape()
    used = signatures[:, : count * rows] * _BAND_MIX[: count * rows]  # wraps mod 2**64
    return used.reshape(len(signatures), count, rows).sum(axis=2, dtype=np.uint64)


def text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def text_digest_of(grams: np.ndarray) -> bytes:
    return hashlib.blake2b(grams.tobytes(), digest_size=16).digest()


def likely_copies(grams: Sequence[np.ndarray], signatures: np.ndarray, groups: UnionFind) -> Iterator[tuple[int, int]]:
    """Pairs (article, earlier article) whose exact Jaccard similarity reaches ``THRESHOLD``,
    as ``groups`` is being joined from them: enough pairs to join every group, in near-linear time.

    Four things keep the work near-linear where many short texts look alike (5,000 near-copies
    took 38 s when every candidate pair was compared): a text with exactly the shingles of an
    earlier one joins it without a lookup; a candidate already in the article's group is never
    compared; a bucket keeps at most ``BUCKET_MEMBERS_PER_GROUP`` members of one group (more
    add no new group to find); and the MinHash estimate, taken for all candidates at once,
    leaves out those more than ``ESTIMATE_MARGIN`` below the threshold (3.4 standard errors
    at 128 permutations) before any exact comparison."""
    band_count, rows = lsh_shape()
    buckets: dict[tuple[int, bytes], list[int]] = {}
    first_with: dict[bytes, int] = {}
    for position, shingle_set in enumerate(grams):
        if not len(shingle_set):
            continue
        same = first_with.setdefault(shingle_set.tobytes(), position)
        if same != position:
            yield position, same
            continue
        keys = [(band, signatures[position, band * rows : (band + 1) * rows].tobytes()) for band in range(band_count)]
        candidates = {member for key in keys for member in buckets.get(key, ())}
        if candidates:
            found = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
            found.sort()
            estimates = (signatures[found] == signatures[position]).mean(axis=1)
            for other in found[estimates >= THRESHOLD - ESTIMATE_MARGIN].tolist():
                if groups.find(other) != groups.find(position) and jaccard(shingle_set, grams[other]) >= THRESHOLD:
                    yield position, other
        root = groups.find(position)
        for key in keys:
            members = buckets.setdefault(key, [])
            if sum(1 for member in members[-BUCKET_MEMBERS_PER_GROUP:] if groups.find(member) == root) < BUCKET_MEMBERS_PER_GROUP:
                members.append(position)


def shingles(text: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """Lower-case word n-grams as sorted unique 64-bit numbers; a text shorter than
    n words is one shingle."""
    words = WORD.findall(text.lower())
    if not words:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    size = min(size, len(words))
    grams = np.zeros(len(words) - size + 1, dtype=np.uint64)
    for offset, factor in enumerate(_MIX[-size:]):
        grams = grams * np.uint64(31) + hashes[offset : offset + len(grams)] * factor  # wraps mod 2**64
    return np.unique(grams)


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Shared shingles over all shingles of the two texts."""
    shared = len(np.intersect1d(first, second, assume_unique=True))
    return shared / (len(first) + len(second) - shared)


def signature(grams: np.ndarray, template: MinHash) -> MinHash:
    """The MinHash of a text's shingles (their low 32 bits; datasketch mixes them)."""
    minhash = MinHash(
        num_perm=NUM_PERM, seed=SEED, permutations=template.permutations, scheme=template.scheme, hashfunc=int
    )
    minhash.update_batch((grams & np.uint64(0xFFFFFFFF)).tolist())
    return minhash


class UnionFind:
    """Groups of positions joined pairwise (path-halving union-find)."""

    def __init__(self, size: int = 0, parent: list[int] | None = None) -> None:
        """``parent``: an existing forest (a saved state's), joined in place."""
        self.parent = list(range(size)) if parent is None else parent

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, first: int, second: int) -> None:
        first, second = self.find(first), self.find(second)
        if first != second:
            self.parent[max(first, second)] = min(first, second)

    def members(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for item in range(len(self.parent)):
            groups.setdefault(self.find(item), []).append(item)
        return groups
