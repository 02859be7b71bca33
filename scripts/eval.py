#!/usr/bin/env python3
"""Measure ``briefing summarize`` against human summaries (DUC 2004 task 2).

For every cluster of ../shared/eval/duc2004/dev.jsonl: write its articles as
one .jsonl input, run the pipeline in this process (read -> clean -> dedupe
-> analyze -> extract -> rank -> summarize; the spaCy model loads once;
``summarize`` picks sentences for the word budget, see briefing.rank.summary),
write out/eval/briefing.jsonl, compute the lead, LexRank and TextRank
baselines in the same run, score all four with the shared ROUGE scorer and
print the table and briefing's ROUGE-2 recall as a multiple of LexRank's.

usage: scripts/eval.py [--clusters FILE] [--out DIR] [--words 100] [--no-cache]
The evaluation data is read where it lies and never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
BASELINES = ("lead", "lexrank", "textrank")


def cluster_input(cluster: dict, folder: Path) -> Path:
    """The cluster's articles as one JSONL file, the way a user would feed them."""
    path = folder / f"{cluster['id']}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for doc in cluster["docs"]:
            row = {key: doc.get(key) for key in ("text", "title", "outlet", "date", "url")}
            out.write(json.dumps(row) + "\n")
    return path


def summarize_cluster(path: Path, *, words: int, cache: bool) -> str:
    """What ``briefing summarize PATH --words N`` prints, computed in this process."""
    from briefing.pipeline import summarize_inputs

    return summarize_inputs([path], words=words, cache=cache, jobs=1)


def score(clusters: Path, systems: dict[str, Path], words: int) -> dict[str, dict]:
    """ROUGE of each system's summaries, by the shared scorer (rouge_eval.py --json)."""
    command = [sys.executable, str(EVAL / "rouge_eval.py"), str(clusters), "--words", str(words), "--json"]
    command += [f"{name}={path}" for name, path in systems.items()]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def table(results: dict[str, dict], clusters: int, words: int) -> str:
    lines = [
        f"{clusters} clusters, summaries cut to {words} words, ROUGE x100",
        f"{'system':<12}{'R1 rec':>8}{'R1 F1':>8}{'R2 rec':>8}{'R2 F1':>8}  missing",
    ]
    for name, row in results.items():
        lines.append(
            f"{name:<12}{row['R1_R']:>8.2f}{row['R1_F']:>8.2f}{row['R2_R']:>8.2f}{row['R2_F']:>8.2f}"
            f"  {len(row['missing'])}"
        )
    if "lexrank" in results:
        ratio = results["briefing"]["R2_R"] / results["lexrank"]["R2_R"]
        lines.append(f"briefing / lexrank ROUGE-2 recall: {ratio:.3f} (goal >= 1.25)")
    return "\n".join(lines)


def evaluate(
    clusters_file: Path, out: Path, *, words: int, cache: bool, limit: int | None = None, baselines=BASELINES
) -> tuple[int, dict[str, dict]]:
    """Summarize the clusters (the first ``limit`` of them, if given), compute the
    baselines in the same run and score them all; returns the clusters scored and
    the scores. A subset is written to a temporary folder, never into the project."""
    clusters = [json.loads(line) for line in clusters_file.open(encoding="utf-8") if line.strip()][:limit]
    out.mkdir(parents=True, exist_ok=True)
    summaries = out / "briefing.jsonl"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        with summaries.open("w", encoding="utf-8") as written:
            for cluster in clusters:
                summary = summarize_cluster(cluster_input(cluster, Path(folder)), words=words, cache=cache)
                written.write(json.dumps({"id": cluster["id"], "summary": summary}) + "\n")
        print(f"briefing: {len(clusters)} clusters in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        if limit is not None:
            clusters_file = Path(folder) / "clusters.jsonl"
            clusters_file.write_text("".join(json.dumps(cluster) + "\n" for cluster in clusters), encoding="utf-8")
        subprocess.run(
            [sys.executable, str(EVAL / "baselines.py"), str(clusters_file), str(out), "--words", str(words),
             "--systems", ",".join(baselines)],
            check=True,
            stdout=sys.stderr,
        )
        systems = {"briefing": summaries} | {name: out / f"{name}.jsonl" for name in baselines}
        return len(clusters), score(clusters_file, systems, words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clusters", type=Path, default=EVAL / "duc2004" / "dev.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "eval")
    parser.add_argument("--words", type=int, default=100)
    parser.add_argument("--no-cache", action="store_true", help="analyze every article afresh")
    options = parser.parse_args(argv)
    if not options.clusters.is_file():
        print(f"{options.clusters}: evaluation data not found (it lives in ../shared/eval)", file=sys.stderr)
        return 1
    count, results = evaluate(options.clusters, options.out, words=options.words, cache=not options.no_cache)
    print(table(results, count, options.words))
    return 0


if __name__ == "__main__":
    sys.exit(main())
