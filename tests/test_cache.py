"""The analysis cache: a rerun reuses each article's facts, and exactly what changed is recomputed."""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from briefing.cache import FactCache, analysis_context, article_key, cache_root, max_cache_bytes
from briefing.model import Article, Fact, Taxonomy, Theme, ThemeScore
from briefing.pipeline import read_corpus

ARTICLES = {
    "a-wire.txt": (
        "title: Ministers sign gas pipeline deal\noutlet: Northgate Wire\ndate: 2024-03-05\n---\n"
        "Tarvia and Dovrenia signed a $6.5 billion gas pipeline agreement on Tuesday. "
        "Foreign Minister Aliya Serikova said the pipeline ties the two economies together.\n"
    ),
    "b-times.txt": (
        "title: Border clash leaves two soldiers dead\noutlet: Harbour Times\ndate: 2024-03-06\n---\n"
        "Two soldiers were killed in a clash on the Ashar Valley border on Wednesday, the defence ministry said. "
        "Sarkand accused Tarvia of shelling a village.\n"
    ),
    "c-post.txt": (
        "title: Grain prices climb\noutlet: Meridian Post\ndate: 2024-03-07\n---\n"
        "Wheat prices rose 4% in Vostan after the central bank raised interest rates to 12%. "
        "Traders said exports to Dovrenia would slow.\n"
    ),
}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(folder))
    monkeypatch.delenv("BRIEFING_CACHE_MAX_MB", raising=False)
    return folder


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def sample_fact(source: str = "S1", sentence: str = "Tarvia signed a deal.") -> Fact:
    return Fact(
        source=source,
        sentence=sentence,
        start=0,
        end=len(sentence),
        position=0,
        themes=(ThemeScore("energy", 0.5),),
        entities=("Tarvia",),
        event_date=date(2024, 3, 5),
        event_date_basis="explicit",
    )


def article(text: str = "Tarvia signed a deal.", **fields) -> Article:
    return Article(id=fields.pop("id", "S1"), path=fields.pop("path", "a.txt"), text=text, **fields)


TAXONOMY = Taxonomy(themes=(Theme(id="energy", label="Energy", lemmas=("gas",)),))


# The store itself


def test_a_stored_entry_comes_back_with_the_reading_articles_id(cache_dir: Path):
    store = FactCache()
    key = article_key(article(), analysis_context("model 1.0", TAXONOMY, {}))
    store.put(key, [sample_fact("S7")])
    assert store.get(key, "S2") == [sample_fact("S2")]
    assert store.get("0" * 64, "S2") is None


def test_facts_read_back_share_their_words(cache_dir: Path):
    store = FactCache()
    for key in ("11" * 32, "22" * 32):
        store.put(key, [replace(sample_fact(), lemmas=("".join(["pipe", "line"]), "gas"))])
    first, second = store.get("11" * 32, "S1")[0], store.get("22" * 32, "S2")[0]
    assert first.lemmas == second.lemmas
    assert first.lemmas[0] is second.lemmas[0]  # one string in memory, however many facts use it


def test_the_key_follows_content_not_position(cache_dir: Path):
    context = analysis_context("model 1.0", TAXONOMY, {})
    first = article_key(article(id="S1", path="a.txt"), context)
    assert first == article_key(article(id="S9", path="elsewhere/b.txt"), context)
    assert first != article_key(article(text="Tarvia signed a new deal."), context)
    assert first != article_key(article(published=date(2024, 3, 5)), context)  # relative dates resolve against it
    assert first != article_key(article(title="Deal signed"), context)


def test_the_context_changes_with_model_taxonomy_and_aliases():
    base = analysis_context("model 1.0", TAXONOMY, {"russian federation": "Russia"})
    more_themes = Taxonomy(themes=(replace(TAXONOMY.themes[0], lemmas=("gas", "oil")),))
    assert base != analysis_context("model 1.1", TAXONOMY, {"russian federation": "Russia"})
    assert base != analysis_context("model 1.0", more_themes, {"russian federation": "Russia"})
    assert base != analysis_context("model 1.0", TAXONOMY, {"russian federation": "Russian Federation"})
    assert base != analysis_context("model 1.0", TAXONOMY, {"russian federation": "Russia"}, join_quotes=True)
    moved = replace(TAXONOMY, source="elsewhere.toml")
    assert base == analysis_context("model 1.0", moved, {"russian federation": "Russia"})


def test_the_context_changes_with_the_schema(monkeypatch: pytest.MonkeyPatch):
    import briefing.cache

    before = analysis_context("model 1.0", TAXONOMY, {})
    with monkeypatch.context() as patched:
        patched.setattr(briefing.cache, "CACHE_SCHEMA", briefing.cache.CACHE_SCHEMA + 1)
        assert analysis_context("model 1.0", TAXONOMY, {}) != before
    assert analysis_context("model 1.0", TAXONOMY, {}) == before


def test_the_fact_key_covers_what_extraction_imports_through_other_modules():
    from briefing.cache import FACT_MAKERS
    from briefing.imports import PACKAGE_DIR, modules_reached

    covered = {path.relative_to(PACKAGE_DIR).as_posix() for path in modules_reached(FACT_MAKERS)}
    assert {"extract.py", "dates.py", "themes.py", "entities.py", "speakers.py", "analyze.py"} <= covered
    assert not covered & {"render/__init__.py", "compose.py", "cli.py", "mail.py", "jsonform.py"}


@pytest.mark.slow
def test_editing_a_module_extraction_reaches_only_through_another_rebuilds_the_facts(tmp_path: Path, corpus_dir: Path):
    """A copy of the package in a subprocess: edit a module that ``dates`` imports (extract does
    not import it itself) and the cached facts are not served; edit the renderer and they are."""
    import ast
    import shutil
    import subprocess
    import sys

    import briefing

    package = tmp_path / "code" / "briefing"
    shutil.copytree(Path(briefing.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(package.parent), "BRIEFING_CACHE_DIR": str(tmp_path / "cache")}
    script = "import sys; from briefing.pipeline import read_corpus; print(read_corpus([sys.argv[1]]).cached)"

    def cached() -> int:
        done = subprocess.run([sys.executable, "-c", script, str(corpus_dir)], env=env, cwd=tmp_path,
                              capture_output=True, text=True, check=True)
        return int(done.stdout.split()[-1])

    def imports_of(path: Path) -> set[str]:
        tree = ast.parse(path.read_text())
        return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}

    direct = imports_of(package / "extract.py") | {"briefing.extract"}
    behind_dates = sorted(imports_of(package / "dates.py") - direct - {"briefing.model", "briefing.errors"})
    assert behind_dates, "dates.py imports no package module that extract.py does not import itself"
    edited = package.joinpath(*behind_dates[0].split(".")[1:]).with_suffix(".py")
    if not edited.exists():
        edited = edited.with_suffix("") / "__init__.py"

    assert cached() == 0
    assert cached() == 3
    renderer = package / "render" / "__init__.py"
    renderer.write_text(renderer.read_text() + "\n\ndef edited_renderer():\n    return None\n")
    assert cached() == 3  # rendering makes no fact
    edited.write_text(edited.read_text() + "\n\ndef edited_helper():\n    return None\n")
    assert cached() == 0


def test_a_damaged_entry_is_a_miss_and_is_replaced_on_the_next_write(cache_dir: Path):
    store = FactCache()
    store.put("ab" * 32, [sample_fact()])
    path = store.path("ab" * 32)
    path.write_bytes(path.read_bytes()[:20])  # a write cut short
    assert store.get("ab" * 32, "S1") is None
    path.write_bytes(b"not a pickle at all")
    assert store.get("ab" * 32, "S1") is None
    store.put("ab" * 32, [sample_fact()])
    assert store.get("ab" * 32, "S1") == [sample_fact()]


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    store = FactCache(blocker)
    store.put("cd" * 32, [sample_fact()])
    assert store.get("cd" * 32, "S1") is None
    assert store.written == 0


def hammer(folder: str, key: str, rounds: int, sentence: str) -> None:
    store = FactCache(Path(folder))
    for _ in range(rounds):
        store.put(key, [sample_fact(sentence=sentence)] * 20)


def test_two_processes_writing_one_key_never_leave_a_partial_entry(tmp_path: Path):
    key = "ef" * 32
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=hammer, args=(str(tmp_path), key, 150, sentence))
        for sentence in ("First writer's sentence.", "Second writer's sentence.")
    ]
    for writer in writers:
        writer.start()
    reader = FactCache(tmp_path)
    seen = set()
    deadline = time.monotonic() + 60
    while any(writer.is_alive() for writer in writers) and time.monotonic() < deadline:
        facts = reader.get(key, "S1")
        if facts is not None:
            assert len(facts) == 20  # whole entries only
            seen.add(facts[0].sentence)
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    final = reader.get(key, "S1")
    assert final is not None and len(final) == 20
    assert seen <= {"First writer's sentence.", "Second writer's sentence."}
    assert not list(reader.folder.rglob(".*")), "temporary files are renamed or removed"


def test_pruning_removes_the_least_recently_used_entries_first(tmp_path: Path):
    store = FactCache(tmp_path, max_bytes=10**9)
    keys = [f"{number:02d}" * 32 for number in range(6)]
    for age, key in enumerate(keys):
        store.put(key, [sample_fact()] * 10)
        moment = time.time() - 1000 * (age + 1)
        os.utime(store.path(key), (moment, moment))  # keys[0] is the newest
    entry_size = store.path(keys[0]).stat().st_size
    store.max_bytes = entry_size * 3
    assert store.prune() == 3
    assert [store.path(key).exists() for key in keys] == [True, True, True, False, False, False]
    assert store.get(keys[5], "S1") is None


def test_pruning_walks_the_folder_only_when_the_bound_may_have_been_crossed(tmp_path: Path, monkeypatch):
    store = FactCache(tmp_path, max_bytes=10**9)
    store.put("aa" * 32, [sample_fact()] * 10)
    assert store.prune() == 0  # the first prune walks and notes the size found
    entry_size = store.path("aa" * 32).stat().st_size
    walks = []
    real = FactCache.walk_and_prune
    monkeypatch.setattr(FactCache, "walk_and_prune", lambda self: walks.append(1) or real(self))
    later = FactCache(tmp_path, max_bytes=entry_size * 2)
    later.put("bb" * 32, [sample_fact()] * 10)
    assert later.prune() == 0 and walks == []  # two entries fit: no walk
    assert int((tmp_path / "facts" / "size").read_text().split()[0]) == 2 * entry_size
    last = FactCache(tmp_path, max_bytes=entry_size * 2)
    last.put("cc" * 32, [sample_fact()] * 10)
    assert last.prune() == 1 and walks == [1]  # a third would not: walked, the oldest removed
    assert sum(1 for _ in (tmp_path / "facts").glob("*/*.facts")) == 2


def test_reading_an_entry_makes_it_recent(tmp_path: Path):
    store = FactCache(tmp_path, max_bytes=10**9)
    old, new = "aa" * 32, "bb" * 32
    for key, age in ((old, 5000), (new, 1000)):
        store.put(key, [sample_fact()])
        moment = time.time() - age
        os.utime(store.path(key), (moment, moment))
    assert store.get(old, "S1") is not None
    store.max_bytes = store.path(old).stat().st_size
    store.prune()
    assert store.path(old).exists() and not store.path(new).exists()


def test_location_and_size_bound_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "here"))
    monkeypatch.setenv("BRIEFING_CACHE_MAX_MB", "2")
    assert cache_root() == tmp_path / "here"
    assert FactCache().folder.parent == tmp_path / "here"
    assert max_cache_bytes() == 2 * 1024 * 1024
    monkeypatch.setenv("BRIEFING_CACHE_MAX_MB", "lots")
    assert max_cache_bytes() == 500 * 1024 * 1024
    monkeypatch.delenv("BRIEFING_CACHE_DIR")
    assert cache_root().name == "briefing"


# Through the pipeline


def test_a_rerun_takes_every_article_from_the_cache_and_gives_the_same_facts(cache_dir: Path, corpus_dir: Path):
    first = read_corpus([corpus_dir])
    second = read_corpus([corpus_dir])
    assert first.cached == 0
    assert second.cached == 3
    assert second.facts == first.facts
    assert second.model == first.model
    assert "analyze" not in dict(second.timings)


def test_changing_one_article_recomputes_only_that_one(cache_dir: Path, corpus_dir: Path):
    read_corpus([corpus_dir])
    path = corpus_dir / "b-times.txt"
    path.write_text(path.read_text().replace("Two soldiers", "Three soldiers"), encoding="utf-8")
    again = read_corpus([corpus_dir])
    assert again.cached == 2
    changed = [fact for fact in again.facts if fact.source == "S2"]
    assert changed and changed[0].sentence.startswith("Three soldiers")


def test_changing_the_taxonomy_recomputes_everything(cache_dir: Path, corpus_dir: Path, tmp_path: Path):
    read_corpus([corpus_dir])
    themes = tmp_path / "themes.toml"
    themes.write_text('[themes.food]\nlabel = "Food"\nlemmas = ["wheat", "grain"]\n', encoding="utf-8")
    extended = read_corpus([corpus_dir], themes=themes)
    assert extended.cached == 0
    assert any(score.theme == "food" for fact in extended.facts for score in fact.themes)
    assert read_corpus([corpus_dir], themes=themes).cached == 3
    assert read_corpus([corpus_dir]).cached == 3  # the default taxonomy's entries are still there


def test_cached_facts_carry_the_ids_of_the_new_input_order(cache_dir: Path, corpus_dir: Path):
    fresh = read_corpus([corpus_dir])
    reordered = read_corpus([corpus_dir / "c-post.txt", corpus_dir / "a-wire.txt", corpus_dir / "b-times.txt"])
    assert reordered.cached == 3
    by_path = {a.path: a.id for a in reordered.articles}
    old_by_path = {a.path: a.id for a in fresh.articles}
    for path, new_id in by_path.items():
        old_id = old_by_path[path]
        assert [replace(f, source="") for f in reordered.facts if f.source == new_id] == [
            replace(f, source="") for f in fresh.facts if f.source == old_id
        ]
    assert by_path[str(corpus_dir / "c-post.txt")] == "S1"


def test_no_cache_neither_reads_nor_writes(cache_dir: Path, corpus_dir: Path):
    corpus = read_corpus([corpus_dir], cache=False)
    assert corpus.cached == 0
    assert not cache_dir.exists() or not any(cache_dir.rglob("*.facts"))
    read_corpus([corpus_dir])
    assert read_corpus([corpus_dir], cache=False).cached == 0


def test_a_damaged_entry_is_recomputed_by_the_pipeline(cache_dir: Path, corpus_dir: Path):
    first = read_corpus([corpus_dir])
    entries = sorted(cache_dir.rglob("*.facts"))
    assert len(entries) == 3
    entries[0].write_bytes(b"\x80\x05truncated")
    again = read_corpus([corpus_dir])
    assert again.cached == 2
    assert again.facts == first.facts


# The brief cache: an unchanged corpus gives back the brief an earlier run made


@contextmanager
def stages_run() -> Iterator[set[str]]:
    """The pipeline stages the build inside the block ran, read from its "stage times" log line
    (so the check does not depend on how the pipeline imports the stages)."""
    messages: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger("briefing")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    stages: set[str] = set()
    try:
        yield stages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [message for message in messages if message.startswith("stage times: ")]
    assert lines, "the build logged no stage times"
    stages.update(part.rsplit(" ", 2)[0] for part in lines[-1].removeprefix("stage times: ").split(", "))


def test_an_unchanged_corpus_reuses_the_brief_without_ranking(
    cache_dir: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    from briefing.jsonform import brief_to_json
    from briefing.pipeline import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = build([corpus_dir])
    assert len(list((cache_dir / "briefs").glob("*.brief"))) == 1
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    with stages_run() as stages:
        again = build([corpus_dir])
    assert "rank" not in stages
    assert again.generated_at != first.generated_at  # stamped by this run, not the stored one
    assert brief_to_json(replace(again, generated_at=first.generated_at)) == brief_to_json(first)


@pytest.mark.parametrize(
    "change",
    ["article text", "title option", "as-of option", "new article", "themes"],
)
def test_any_change_to_articles_or_options_builds_afresh(
    cache_dir: Path, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
):
    from briefing.pipeline import build

    build([corpus_dir])
    options: dict = {}
    if change == "article text":
        path = corpus_dir / "b-times.txt"
        path.write_text(path.read_text().replace("Two soldiers", "Three soldiers"), encoding="utf-8")
    elif change == "title option":
        options["title"] = "Another title"
    elif change == "as-of option":
        options["as_of"] = date(2024, 3, 20)
    elif change == "new article":
        (corpus_dir / "d-new.txt").write_text(
            "title: Talks resume\noutlet: Eastern Ledger\ndate: 2024-03-08\n---\n"
            "Negotiators from Tarvia and Sarkand resumed border talks in Vostan on Friday.\n",
            encoding="utf-8",
        )
    else:
        themes = tmp_path / "themes.toml"
        themes.write_text('[themes.food]\nlabel = "Food"\nlemmas = ["wheat", "grain"]\n', encoding="utf-8")
        options["themes"] = themes
    with stages_run() as stages:
        brief = build([corpus_dir], **options)
    assert "rank" in stages, f"a changed {change} reused the old brief"
    if change == "article text":
        assert any("Three soldiers" in source.text for source in brief.sources)
    if change == "title option":
        assert brief.title == "Another title"


def test_no_cache_neither_reuses_nor_stores_a_brief(cache_dir: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch):
    from briefing.pipeline import build

    build([corpus_dir], cache=False)
    assert not list(cache_dir.rglob("*.brief"))
    build([corpus_dir])
    with stages_run() as stages:
        build([corpus_dir], cache=False)
    assert "rank" in stages


def test_a_damaged_brief_entry_is_rebuilt(cache_dir: Path, corpus_dir: Path):
    from briefing.pipeline import build

    first = build([corpus_dir])
    (entry,) = (cache_dir / "briefs").glob("*.brief")
    entry.write_bytes(b"\x80\x05truncated")
    again = build([corpus_dir])
    assert again.title == first.title and again.summary == first.summary
    assert pickle_loads(entry.read_bytes()).summary == first.summary  # the entry is written again


def test_only_the_newest_briefs_are_kept(cache_dir: Path, corpus_dir: Path):
    from briefing.cache import KEPT_BRIEFS
    from briefing.pipeline import build

    for number in range(KEPT_BRIEFS + 2):
        build([corpus_dir], title=f"Brief {number}")
    assert len(list((cache_dir / "briefs").glob("*.brief"))) == KEPT_BRIEFS


def pickle_loads(data: bytes):
    """What an entry holds, read as the cache reads it (its signature checked first)."""
    import pickle

    from briefing.cache import verified

    payload = verified(data)
    assert payload is not None, "the entry is signed with this user's key"
    return pickle.loads(payload)


def test_a_build_from_cached_facts_never_imports_spacy(cache_dir: Path, corpus_dir: Path):
    """Importing spaCy costs half a second; a run whose facts are all cached has no use for it."""
    import subprocess
    import sys

    read_corpus([corpus_dir], join_quotes=True)  # fills the analysis cache, not the brief cache
    script = (
        "import sys, briefing; brief = briefing.build([sys.argv[1]]); "
        "print(len(brief.sources), 'spacy' in sys.modules, 'weasyprint' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(corpus_dir)],
        capture_output=True, text=True, env={**os.environ, "BRIEFING_CACHE_DIR": str(cache_dir)}, check=True,
    )
    assert done.stdout.split() == ["3", "False", "False"]


def test_a_code_change_builds_the_brief_afresh(cache_dir: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch):
    import briefing.cache
    from briefing.pipeline import build

    build([corpus_dir])
    with stages_run() as stages:
        build([corpus_dir])
    assert "rank" not in stages  # same code: reused
    real_digest = briefing.cache.modules_digest
    monkeypatch.setattr(briefing.cache, "modules_digest", lambda *a: "edited" + real_digest(*a))
    with stages_run() as stages:
        build([corpus_dir])
    assert "rank" in stages  # any module edited: built again


# The ranking cache: a story no article joined is not ranked again


def test_only_the_story_an_article_joins_is_ranked_again(cache_dir: Path, corpus_dir: Path):
    from briefing.jsonform import brief_to_dict
    from briefing.pipeline import build

    first = build([corpus_dir])
    rankings = cache_dir / "rankings"
    stored = set(rankings.rglob("*.ranking"))
    assert len(stored) == len(first.stories) >= 2  # at least the border clash apart from the rest
    (corpus_dir / "d-ledger.txt").write_text(
        "title: Second day of border clashes\noutlet: Steppe Ledger\ndate: 2024-03-07\n---\n"
        "Two soldiers were killed in a clash on the Ashar Valley border, the defence ministry said on Wednesday. "
        "Sarkand again accused Tarvia of shelling a village near the border.\n",
        encoding="utf-8",
    )
    second = build([corpus_dir])
    added = set(rankings.rglob("*.ranking")) - stored
    assert len(added) == 1  # the border story's new ranking; the others were read back
    clash = next(story for story in second.stories if "S4" in story.sources)
    assert "S2" in clash.sources and len(second.stories) == len(first.stories)  # it joined the clash story
    fresh = build([corpus_dir], cache=False)
    assert brief_to_dict(fresh)["stories"] == brief_to_dict(second)["stories"]  # the cache changes nothing


def test_a_projects_stories_come_back_from_its_last_run_in_one_file(cache_dir: Path, corpus_dir: Path):
    import briefing.rank
    from briefing.jsonform import brief_to_dict
    from briefing.pipeline import build

    first = build([corpus_dir])
    for shard in (cache_dir / "rankings").rglob("*.ranking"):
        shard.unlink()  # only the project's file of its last run's stories is left
    (corpus_dir / "d-ledger.txt").write_text(
        "title: Second day of border clashes\noutlet: Steppe Ledger\ndate: 2024-03-07\n---\n"
        "Two soldiers were killed in a clash on the Ashar Valley border, the defence ministry said on Wednesday. "
        "Sarkand again accused Tarvia of shelling a village near the border.\n",
        encoding="utf-8",
    )
    ranked = []
    real = briefing.rank.rank_story
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(briefing.rank, "rank_story", lambda *a, **k: ranked.append(1) or real(*a, **k))
        second = build([corpus_dir])
    assert len(ranked) == 1 < len(first.stories)  # the story the article joined; the rest from the last run
    assert len(list((cache_dir / "rankings").rglob("*.ranking"))) == 1
    fresh = build([corpus_dir], cache=False)
    assert brief_to_dict(fresh)["stories"] == brief_to_dict(second)["stories"]


def test_a_file_unchanged_since_the_last_run_is_not_read_again_and_an_edited_one_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    import briefing.engine as engine
    from briefing.engine import LocalEngine

    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Wheat prices rose on the Karsk exchange on Tuesday after the rate rise.\n")
    (folder / "b.txt").write_text("Grain traders said exports would slow this spring, the ministry said.\n")
    (folder / "empty.txt").write_text("   \n")
    parsed: list[str] = []
    real = engine.read_file

    def counting(path, *args, **kwargs):
        parsed.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(engine, "read_file", counting)
    first = LocalEngine().read([folder], today=date(2024, 3, 8), cache=True)
    assert sorted(parsed) == ["a.txt", "b.txt", "empty.txt"]
    parsed.clear()
    (folder / "b.txt").write_text("Grain traders said wheat exports would slow sharply this spring.\n")
    with caplog.at_level(logging.WARNING, logger="briefing"):
        second = LocalEngine().read([folder], today=date(2024, 3, 8), cache=True)
    assert parsed == ["b.txt"]  # only the edited file is parsed again
    assert "empty.txt" in caplog.text  # a bad file is still reported on a cached run
    assert [a.text for a in second.articles][0] == [a.text for a in first.articles][0]
    assert "sharply" in second.articles[1].text
    assert second == LocalEngine().read([folder], today=date(2024, 3, 8))  # the same as a read without the cache
