"""The evaluation script end to end on a few DUC 2004 clusters: briefing's
summaries must beat NIST's lead baseline on ROUGE-2 recall, scored by the
shared scorer in the same run. (``make eval`` runs all clusters.)"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.shared]

pytest.importorskip("rouge_score", reason="scoring needs rouge-score (pip install -e '.[eval]')")

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "eval.py"


def load_eval_script():
    spec = importlib.util.spec_from_file_location("briefing_eval_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_summaries_beat_the_lead_baseline_on_three_clusters(shared_dir, tmp_path):
    clusters = shared_dir / "eval" / "duc2004" / "dev.jsonl"
    if not clusters.is_file():
        pytest.skip(f"{clusters} is absent")
    script = load_eval_script()
    count, results = script.evaluate(clusters, tmp_path, words=100, cache=False, limit=3, baselines=("lead",))
    assert count == 3
    assert results["briefing"]["missing"] == []
    assert results["briefing"]["R2_R"] > results["lead"]["R2_R"]
    assert results["briefing"]["R1_R"] > results["lead"]["R1_R"]
    for line in (tmp_path / "briefing.jsonl").read_text(encoding="utf-8").splitlines():
        assert 50 < len(json.loads(line)["summary"].split()) <= 100
