#!/usr/bin/env python3
"""Story finding alone on the mixed DUC pile: B-cubed against the true clusters, story count, time.

usage: stories_dev.py [CLUSTERS.jsonl] [--pile PATH] [-v]

Mixes the clusters into one pile exactly as ``../shared/eval/stories_eval.py``
does (its ``write_pile``), reads it with ``read_corpus`` (the analysis cache
makes reruns fast; the first run takes one to two minutes), runs
``find_stories`` and scores it with that script's ``bcubed``. It then builds a
``StoryIndex`` from the older half of the pile and adds the rest, and says how
many older articles changed story (none should) and how close that grouping is
to the one-build grouping. ``-v`` lists every story with the true clusters of
its articles. The clusters are read from ``../shared/eval`` and never copied
into the project.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("clusters", nargs="?", default=str(EVAL / "duc2004" / "dev.jsonl"))
    ap.add_argument("--pile", help="write the pile here (default: a temporary folder)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every story with its true clusters")
    a = ap.parse_args(argv)
    if not Path(a.clusters).is_file():
        print(f"stories_dev: {a.clusters} is absent (../shared/eval)", file=sys.stderr)
        return 1
    sys.path.insert(0, str(EVAL))
    from rouge_eval import load_jsonl
    from stories_eval import URL, bcubed, write_pile

    from briefing.pipeline import read_corpus
    from briefing.stories import StoryIndex, find_stories

    clusters = load_jsonl(a.clusters)
    with tempfile.TemporaryDirectory() as scratch:
        pile = Path(a.pile or Path(scratch) / "pile.jsonl")
        gold = write_pile(clusters, pile)
        started = time.perf_counter()
        corpus = read_corpus([str(pile)])
        read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    stories = find_stories(corpus.articles, corpus.facts)
    seconds = time.perf_counter() - started

    document_of = {article.id: (article.url or "")[len(URL.format("")):] for article in corpus.articles}
    predicted = {doc: f"alone:{doc}" for doc in gold}
    for story in stories:
        for article in story.articles:
            predicted[document_of[article]] = story.id
    precision, recall, f1 = bcubed(predicted, gold)
    sizes = Counter(len(story.articles) for story in stories)
    print(f"{len(gold)} articles from {len(clusters)} clusters -> {len(stories)} stories "
          f"(sizes {dict(sorted(sizes.items()))}); read {read_seconds:.1f} s, stories {seconds:.3f} s")
    print(f"story finding  B-cubed P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}")
    print(f"two halves: {halves_agreement(corpus, stories, StoryIndex, bcubed)}")
    if a.verbose:
        for story in stories:
            clusters_in = Counter(gold[document_of[article]] for article in story.articles)
            print(f"  {story.id:>4} {len(story.articles):>3}  {dict(clusters_in)}  {story.headline[:70]}")
    return 0


def halves_agreement(corpus, stories, StoryIndex, bcubed) -> str:
    """Build the index from the older half, then add the rest: do old ids hold, and how close is the grouping?"""
    from briefing.stories import stream_order

    ordered = sorted(corpus.articles, key=stream_order)
    older = ordered[: len(ordered) // 2]
    index = StoryIndex()
    before = index.add(older, corpus.facts)
    after = index.add(corpus.articles, corpus.facts)
    moved = sum(after[article] != story for article, story in before.items())
    whole = {article: story.id for story in stories for article in story.articles}
    precision, recall, f1 = bcubed(after, whole)
    return (f"{moved} of {len(before)} older articles changed story; grouping against one build "
            f"B-cubed P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")


if __name__ == "__main__":
    sys.exit(main())
