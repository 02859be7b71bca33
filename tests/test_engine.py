"""The engines: reading file by file and analyzing in batches give what the local engine gives."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

import briefing
from briefing.engine import (
    BATCH_ARTICLES,
    AnalysisSettings,
    LocalEngine,
    analyze_batch,
    number_articles,
    open_engine,
    read_file,
)
from briefing.entities import load_aliases
from briefing.errors import BriefingError
from briefing.read import list_inputs
from briefing.model_info import installed_model_label
from briefing.jsonform import brief_to_json
from briefing.themes import load_taxonomy

TODAY = __import__("datetime").date(2024, 3, 10)


@pytest.fixture
def mixed_inputs(tmp_path: Path) -> Path:
    """A folder with plain text, a JSONL file with a blank line and an empty entry, and a subfolder."""
    (tmp_path / "b.txt").write_text(
        "title: Pipeline deal\noutlet: Harbour Times\ndate: 2024-03-05\n---\n"
        "Tarvia and Dovrenia signed a gas pipeline deal on Tuesday.\n",
        encoding="utf-8",
    )
    rows = [
        {"text": "Sarkand closed the border crossing at Ashar on Monday.", "outlet": "APW", "date": "2024-03-04", "title": None},
        {"text": "", "outlet": "APW", "date": "2024-03-04", "title": None},
        {"text": "Wheat prices rose 4% in Vostan.", "outlet": "NYT", "date": "2024-03-06", "title": "Grain"},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.md").write_text(
        "---\ntitle: Talks resume\ndate: 2024-03-07\n---\n\nTalks between Tarvia and Sarkand resumed in Vostan.\n",
        encoding="utf-8",
    )
    return tmp_path


def test_reading_file_by_file_gives_the_local_engines_articles_and_ids(mixed_inputs: Path):
    inputs = [str(mixed_inputs), str(mixed_inputs / "*.txt"), str(mixed_inputs / "missing.txt")]
    local = LocalEngine().read(inputs, today=TODAY)
    units, skipped = list_inputs(inputs)  # read's walk, as the Dask engine uses it
    spread = number_articles([read_file(unit, today=TODAY) for unit in units], skipped)
    assert spread.articles == local.articles
    assert [article.id for article in spread.articles] == ["S1", "S2", "S3", "S4", "S5"]
    names = [Path(article.path.split(":")[0]).name for article in spread.articles]
    assert names == ["a.jsonl", "a.jsonl", "b.txt", "c.md", "b.txt"]
    assert spread.files == local.files
    assert {entry.path for entry in spread.skipped} == {entry.path for entry in local.skipped}
    assert any("missing.txt" in entry.path for entry in spread.skipped)


def test_unknown_engine_is_a_usage_problem():
    with pytest.raises(BriefingError, match="unknown engine 'spark'"):
        open_engine("spark")


def test_dask_engine_without_dask_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(BriefingError, match=r"briefing\[dask\]"):
        with open_engine("dask"):
            pass


def test_installed_model_label_is_the_label_of_the_model_load_model_picks(nlp):
    from briefing.analyze import model_label

    assert installed_model_label(None) == model_label(nlp)
    assert installed_model_label("no_such_model_xyz") == model_label(nlp)  # falls back like load_model


def test_batches_give_the_facts_of_one_pass(mixed_inputs: Path):
    articles = LocalEngine().read([mixed_inputs], today=TODAY).articles
    settings = AnalysisSettings(None, load_taxonomy(), load_aliases())
    whole = analyze_batch(articles, settings)
    halves = [analyze_batch(articles[:2], settings), analyze_batch(articles[2:], settings)]
    assert whole.facts == tuple(facts for half in halves for facts in half.facts)
    assert [fact.source for facts in whole.facts for fact in facts[:1]] == [article.id for article in articles]


@pytest.mark.slow
def test_worker_processes_give_the_facts_of_one_process(tmp_path: Path):
    rows = [
        {"text": f"Minister {name} said on Tuesday that {count} soldiers guard the gas pipeline.", "outlet": outlet,
         "date": "2024-03-05", "title": None}
        for count, (name, outlet) in enumerate(zip(["Serikova", "Reinholt", "Kemelov"] * 30, ["APW", "NYT"] * 45))
    ]
    (tmp_path / "many.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    engine = LocalEngine()
    articles = engine.read([tmp_path], today=TODAY).articles
    assert len(articles) > 2 * BATCH_ARTICLES
    settings = AnalysisSettings(None, load_taxonomy(), load_aliases())
    parallel = engine.analyze(articles, settings, jobs=2)
    assert parallel.facts == engine.analyze(articles, settings, jobs=1).facts
    assert [facts[0].source for facts in parallel.facts] == [article.id for article in articles]
    # handed over batch by batch (what a cached build does, so memory does not grow with the corpus)
    for jobs in (1, 2):
        handed: dict[str, tuple] = {}
        streamed = engine.analyze(articles, settings, jobs=jobs,
                                  each_batch=lambda batch, facts: handed.update(zip((a.id for a in batch), facts)))
        assert streamed.facts == () and streamed.model == parallel.model
        assert [handed[article.id] for article in articles] == list(parallel.facts)


@pytest.mark.slow
def test_dask_cluster_gives_a_byte_identical_brief(
    examples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    pytest.importorskip("dask.distributed")
    from dask.distributed import LocalCluster

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709856000")
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    local = brief_to_json(briefing.build([examples_dir], cache=False))
    from briefing.engine import DaskEngine

    connected_engines: set[int] = set()
    connect = DaskEngine.connected

    def recorded(self):
        connected_engines.add(id(self))
        return connect(self)

    monkeypatch.setattr(DaskEngine, "connected", recorded)
    messages: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger("briefing")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster:
            spread = brief_to_json(
                briefing.build([examples_dir], cache=False, engine="dask", scheduler=cluster.scheduler_address)
            )
            ranked_there = cluster.scheduler.task_prefixes.get("rank_task")
            engines_in_one_build = len(connected_engines)
            # with the cache, each batch's facts go to it as the workers finish, none kept
            cached = brief_to_json(
                briefing.build([examples_dir], engine="dask", scheduler=cluster.scheduler_address)
            )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert spread == local and cached == local
    stories = len(json.loads(spread)["stories"])
    assert stories and f"ranked {stories} stories on the dask engine" in messages
    assert ranked_there is not None  # the scheduler handed rank_task to its workers
    assert engines_in_one_build == 1  # read, analysis and ranking share one client (one cluster without --scheduler)


@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_clear_error():
    pytest.importorskip("dask.distributed")
    with pytest.raises(BriefingError, match="127.0.0.1:9"):
        with open_engine("dask", scheduler="tcp://127.0.0.1:9") as engine:
            engine.rank([])  # the scheduler is reached with the first work sent
