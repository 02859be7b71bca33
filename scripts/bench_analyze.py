#!/usr/bin/env python3
"""Throughput of the analyze stage's trimmed pipeline against the model's full default pipeline.

usage: bench_analyze.py [--paragraphs 200] [--repeat 5] [--model NAME] [INPUT...]

Paragraphs (blank-line separated, at least 40 characters) come from the
given files, by default the example corpus; they are cycled up to
``--paragraphs``. Each pipeline runs ``nlp.pipe`` over all of them
``--repeat`` times after a warm-up, the two taking turns; the best time counts. Also prints how
many of the full pipeline's sentence starts (from the dependency parser)
the trimmed pipeline reproduces.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import spacy

from briefing.analyze import load_model, model_label

ROOT = Path(__file__).resolve().parent.parent


def paragraphs_of(paths: list[Path], count: int) -> list[str]:
    files = [file for path in paths for file in (sorted(path.rglob("*")) if path.is_dir() else [path]) if file.is_file()]
    found = [
        " ".join(block.split())
        for file in files if file.suffix in (".txt", ".md")
        for block in file.read_text(encoding="utf-8", errors="replace").split("\n\n")
        if len(block.strip()) >= 40
    ]
    if not found:
        sys.exit("no paragraphs found in the inputs")
    return list(itertools.islice(itertools.cycle(found), count))


def best_times(pipelines: list, texts: list[str], repeat: int) -> list[float]:
    """Best of ``repeat`` runs per pipeline, the pipelines taking turns so load on the machine hits both alike."""
    for nlp in pipelines:
        list(nlp.pipe(texts[:20]))
    best = [float("inf")] * len(pipelines)
    for _ in range(repeat):
        for number, nlp in enumerate(pipelines):
            started = time.perf_counter()
            for _doc in nlp.pipe(texts, batch_size=64):
                pass
            best[number] = min(best[number], time.perf_counter() - started)
    return best


def sentence_starts(docs) -> set[tuple[int, int]]:
    return {(number, sentence.start_char) for number, doc in enumerate(docs) for sentence in doc.sents}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path, default=[ROOT / "examples"])
    parser.add_argument("--paragraphs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()

    texts = paragraphs_of(args.inputs, args.paragraphs)
    ours = load_model(args.model)
    package = model_label(ours).split(" ")[0]
    full = spacy.load(package)
    full_time, our_time = best_times([full, ours], texts, args.repeat)
    words = sum(len(text.split()) for text in texts)
    print(f"{len(texts)} paragraphs, {words} words, model {model_label(ours)}")
    print(f"full default  {'+'.join(full.pipe_names):60s} {len(texts) / full_time:7.1f} paragraphs/s")
    print(f"briefing      {'+'.join(ours.pipe_names):60s} {len(texts) / our_time:7.1f} paragraphs/s")
    print(f"ratio (briefing / full): {full_time / our_time:.2f}x")
    parsed = sentence_starts(full.pipe(texts))
    ours_starts = sentence_starts(ours.pipe(texts))
    print(f"sentence starts: {len(parsed & ours_starts)} of the parser's {len(parsed)} reproduced, {len(ours_starts - parsed)} extra")


if __name__ == "__main__":
    main()
