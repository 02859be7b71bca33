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

import re
import zlib
import hashlib
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import replace
from datetime import date

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


Fingerprints = MutableMapping[bytes, tuple[np.ndarray, np.ndarray]]
"""Text digest -> (shingles, MinHash values): kept between runs, so a text is hashed once."""


def mark_duplicates(articles: Sequence[Article], remembered: Fingerprints | None = None) -> tuple[Article, ...]:
    """The articles in the same order, each copy pointing at the earliest article of its group.
    ``remembered`` holds fingerprints of texts seen before and takes those of new ones."""
    groups = UnionFind(len(articles))
    for position, other in likely_copies(articles, groups, {} if remembered is None else remembered):
        groups.join(position, other)
    originals = {
        root: min(members, key=lambda member: (articles[member].published or date.max, member))
        for root, members in groups.members().items()
    }
    marked = []
    for position, article in enumerate(articles):
        original = originals[groups.find(position)]
        duplicate_of = None if original == position else articles[original].id
        marked.append(replace(article, duplicate_of=duplicate_of))
    return tuple(marked)


def likely_copies(articles: Sequence[Article], groups: UnionFind, remembered: Fingerprints) -> Iterator[tuple[int, int]]:
    """Pairs (article, earlier article) whose exact Jaccard similarity reaches ``THRESHOLD``,
    as ``groups`` is being joined from them: enough pairs to join every group, in near-linear time.

    Four things keep the work near-linear where many short texts look alike (5,000 near-copies
    took 38 s when every candidate pair was compared): a text with exactly the shingles of an
    earlier one joins it without a lookup; a candidate already in the article's group is never
    compared; a bucket keeps at most ``BUCKET_MEMBERS_PER_GROUP`` members of one group (more
    add no new group to find); and the MinHash estimate, taken for all candidates at once,
    leaves out those more than ``ESTIMATE_MARGIN`` below the threshold (3.4 standard errors
    at 128 permutations) before any exact comparison."""
    template = MinHash(num_perm=NUM_PERM, seed=SEED)
    bands = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=NUM_PERM)  # chooses bands and rows
    rows = bands.r
    grams, signatures = fingerprints(articles, template, remembered)
    buckets: dict[tuple[int, bytes], list[int]] = {}
    first_with: dict[bytes, int] = {}
    for position, shingle_set in enumerate(grams):
        if not len(shingle_set):
            continue
        same = first_with.setdefault(shingle_set.tobytes(), position)
        if same != position:
            yield position, same
            continue
        keys = [(band, signatures[position, band * rows : (band + 1) * rows].tobytes()) for band in range(bands.b)]
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


def fingerprints(articles: Sequence[Article], template: MinHash, remembered: Fingerprints) -> tuple[list[np.ndarray], np.ndarray]:
    """Each text's shingles and MinHash values, from ``remembered`` or computed (and added to it)."""
    grams = []
    signatures = np.zeros((len(articles), NUM_PERM), dtype=np.uint64)
    for position, article in enumerate(articles):
        digest = text_digest(article.text)
        known = remembered.get(digest)
        if known is None:
            shingle_set = shingles(article.text)
            values = signature(shingle_set, template).hashvalues if len(shingle_set) else np.zeros(NUM_PERM, np.uint64)
            known = remembered[digest] = (shingle_set, values.astype(np.uint64))
        grams.append(known[0])
        signatures[position] = known[1]
    return grams, signatures


def text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


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

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

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
