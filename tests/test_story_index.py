"""The story index a build keeps beside the analysis cache: new articles join the
stories earlier runs found, ids stay put, and a torn or shared index never breaks a run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.jsonform import brief_to_dict
from briefing.pipeline import build

ARTICLES = {
    "pipeline-wire.md": ("Northgate Wire", "2024-03-05", "Ministers sign gas pipeline deal",
                         "Tarvia and Dovrenia signed a $6.5 billion gas pipeline agreement in Vostan on Tuesday. "
                         "Foreign Minister Aliya Serikova said the Trans-Steppe pipeline ties the two economies together."),
    "pipeline-times.md": ("Harbour Times", "2024-03-05", "Markovic hails the Trans-Steppe pipeline",
                          "Dovrenia's prime minister welcomed the Trans-Steppe gas pipeline agreement signed in Vostan. "
                          "The pipeline will carry Tarvian gas from the Kuldar field to Ostrel."),
    "grain-post.md": ("Meridian Post", "2024-03-06", "Wheat prices climb in Karsk",
                      "Wheat prices rose 4% on the Karsk commodity exchange after the central bank raised interest "
                      "rates to 12%. Grain traders said exports of wheat would slow this spring."),
}
LATER = ("grain-ledger.md", ("Steppe Ledger", "2024-03-07", "Grain traders brace for dearer credit",
                             "Grain traders on the Karsk commodity exchange said wheat exports would slow after the "
                             "central bank raised interest rates to 12%, and wheat prices rose again."))


def write(folder: Path, name: str, outlet: str, day: str, title: str, text: str) -> None:
    (folder / name).write_text(f"---\ntitle: {title}\noutlet: {outlet}\ndate: {day}\n---\n{text}\n", encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, fields in ARTICLES.items():
        write(folder, name, *fields)
    return folder


def index_files(cache: Path) -> list[Path]:
    return sorted((cache / "stories").glob("*.json"))


def story_of(brief, path_end: str) -> str:
    source = next(article.id for article in brief.sources if article.path.endswith(path_end))
    return next(story.id for story in brief.stories if source in story.sources)


def test_a_new_article_joins_the_story_an_earlier_run_found_and_ids_stay(corpus: Path, tmp_path: Path):
    first = build([corpus])
    (index,) = index_files(tmp_path / "cache")
    grain = story_of(first, "grain-post.md")
    pipeline = story_of(first, "pipeline-wire.md")
    assert grain != pipeline
    write(corpus, LATER[0], *LATER[1])
    second = build([corpus])
    assert story_of(second, "grain-ledger.md") == grain  # joined, not clustered again
    assert story_of(second, "pipeline-wire.md") == pipeline and story_of(second, "grain-post.md") == grain
    saved = json.loads(index.read_text())
    assert saved  # the index on disk took the new article


def test_a_run_killed_while_writing_the_index_leaves_one_the_next_run_rebuilds(corpus: Path, tmp_path: Path):
    """The first run is killed (SIGKILL) halfway through writing its index, as a crash would."""
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "import briefing.stories as stories\n"
        "def torn(self, path):\n"
        "    text = self.to_json().encode()\n"
        "    Path(path).write_bytes(text[: len(text) // 2])\n"  # not atomic: what a torn write leaves
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "stories.StoryIndex.save = torn\n"
        "from briefing.pipeline import build\n"
        "build([sys.argv[1]])\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(corpus)], cwd=tmp_path, env=os.environ.copy(),
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr
    (index,) = index_files(tmp_path / "cache")
    assert len(index.read_bytes()) > 0  # half an index is there

    again = subprocess.run([sys.executable, "-m", "briefing.cli", "build", str(corpus), "-f", "json", "-o", str(tmp_path / "out")],
                           cwd=tmp_path, env=os.environ.copy(), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "story index is rebuilt" in again.stderr
    rebuilt = json.loads(next((tmp_path / "out").glob("*.json")).read_text())
    fresh = brief_to_dict(build([corpus], cache=False))
    assert rebuilt["stories"] == fresh["stories"]
    from briefing.stories import StoryIndex

    StoryIndex.load(index)  # whole again


def test_two_runs_at_once_both_finish_and_leave_a_whole_index(corpus: Path, tmp_path: Path):
    command = [sys.executable, "-m", "briefing.cli", "build", str(corpus), "-f", "json", "-q"]
    runs = [subprocess.Popen([*command, "-o", str(tmp_path / f"out{n}")], cwd=tmp_path, env=os.environ.copy(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(2)]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    briefs = [json.loads(next((tmp_path / f"out{n}").glob("*.json")).read_text()) for n in range(2)]
    assert briefs[0]["stories"] == briefs[1]["stories"]
    from briefing.stories import StoryIndex

    (index,) = index_files(tmp_path / "cache")
    StoryIndex.load(index)


def test_an_added_article_reads_only_the_facts_of_the_story_it_joins(corpus: Path, monkeypatch: pytest.MonkeyPatch):
    from briefing.cache import FactCache

    first = build([corpus])
    write(corpus, LATER[0], *LATER[1])
    read: list[str] = []
    original_get = FactCache.get

    def counting_get(self, key, source):
        read.append(source)
        return original_get(self, key, source)

    monkeypatch.setattr(FactCache, "get", counting_get)
    second = build([corpus])
    grain_story = next(story for story in second.stories if story.id == story_of(first, "grain-post.md"))
    untouched = {source for story in second.stories if story.id != grain_story.id for source in story.sources}
    assert read, "the joined story's old article is read from the cache to rank the story again"
    assert set(read) <= set(grain_story.sources) and not set(read) & untouched
    # and the brief is the one a build from scratch makes
    assert brief_to_dict(second) == brief_to_dict(build([corpus], cache=False))


def test_a_fact_entry_damaged_after_it_was_found_is_analysed_again(corpus: Path, tmp_path: Path):
    from briefing.pipeline import CorpusFacts, read_corpus

    build([corpus])
    corpus_read = read_corpus([corpus], leave_in_cache=True)
    assert corpus_read.facts == () and len(corpus_read.stored) == len(ARTICLES)
    for entry in (tmp_path / "cache" / "facts").glob("*/*.facts"):
        entry.write_bytes(b"torn")
    article_id = corpus_read.articles[0].id
    again = CorpusFacts(corpus_read).of([article_id])
    fresh = [fact for fact in read_corpus([corpus], cache=False).facts if fact.source == article_id]
    assert again == fresh and again


def test_a_cold_cached_build_keeps_no_fact_in_memory_and_reads_them_back_per_story(corpus: Path):
    from briefing.pipeline import CorpusFacts, read_corpus

    cold = read_corpus([corpus], leave_in_cache=True)
    assert cold.facts == () and set(cold.stored) == {article.id for article in cold.articles}
    in_memory = read_corpus([corpus], cache=False)
    facts = CorpusFacts(cold)
    assert facts.of(article.id for article in cold.articles) == list(in_memory.facts)
    assert facts.by_source == {}  # read back for the story that needed them, not kept


def test_a_reused_brief_has_its_sources_texts_though_the_cache_holds_none(corpus: Path, tmp_path: Path):
    import pickle

    from briefing.cache import verified

    first = build([corpus])
    again = build([corpus])  # the same articles and options: the brief cache's entry
    assert again == first and all(source.text for source in again.sources)
    (entry,) = (tmp_path / "cache" / "briefs").glob("*.brief")
    stored = pickle.loads(verified(entry.read_bytes()))
    assert [source.text for source in stored.sources] == [""] * len(first.sources)
