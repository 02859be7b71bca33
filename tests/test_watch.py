"""``briefing build --watch``: a running process rebuilds the brief when articles arrive."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from briefing.errors import BriefingError
from briefing.watch import watched_paths

WAIT = 120  # seconds: a rebuild takes well under one; the first build loads the model

LATE_ARTICLE = (
    "---\ntitle: Pipeline flows resume\noutlet: Night Desk\ndate: 2024-03-09\n---\n\n"
    "Gas flows through the Tarvia pipeline resumed on Saturday after a two-day halt, the operator said.\n"
)


class Watching:
    """``briefing build --watch`` in a subprocess, its stdout and stderr read line by line."""

    def __init__(self, folder: Path, out: Path, cache: Path, *options: str) -> None:
        env = dict(os.environ, BRIEFING_CACHE_DIR=str(cache), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefing", "build", str(folder), "-o", str(out), "-f", "json", "--watch", *options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        for name, stream in (("out", self.process.stdout), ("err", self.process.stderr)):
            threading.Thread(target=self._pump, args=(name, stream), daemon=True).start()
        self.stderr: list[str] = []

    def _pump(self, name: str, stream) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def next_output(self) -> str:
        """The next path written to stdout (stderr lines on the way are kept)."""
        while True:
            name, line = self.lines.get(timeout=WAIT)
            if name == "out":
                return line
            self.stderr.append(line)

    def wait_for_stderr(self, text: str) -> str:
        while True:
            name, line = self.lines.get(timeout=WAIT)
            if name == "err":
                self.stderr.append(line)
                if text in line:
                    return line

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=WAIT)
        while not self.lines.empty():
            name, line = self.lines.get()
            if name == "err":
                self.stderr.append(line)
        return code


def test_an_article_dropped_into_the_folder_is_in_the_brief_within_one_rebuild(examples_dir: Path, tmp_path: Path):
    folder = tmp_path / "in"
    shutil.copytree(examples_dir, folder)
    out = tmp_path / "in" / "out"  # the outputs inside the watched folder must not set off rebuilds
    watching = Watching(folder, out, tmp_path / "cache")
    try:
        first = json.loads(Path(watching.next_output()).read_text(encoding="utf-8"))
        watching.wait_for_stderr("watching")
        (folder / "zz-late.md").write_text(LATE_ARTICLE, encoding="utf-8")
        second = json.loads(Path(watching.next_output()).read_text(encoding="utf-8"))
        assert len(second["sources"]) == len(first["sources"]) + 1
        [late] = [source["id"] for source in second["sources"] if source["outlet"] == "Night Desk"]
        assert any(late in story["sources"] for story in second["stories"])  # placed in a story
        # Every article taken away: one error line, and the watch goes on.
        for path in folder.iterdir():
            if path.is_file():
                path.unlink()
        assert "no readable article" in watching.wait_for_stderr("error:")
        (folder / "zz-late.md").write_text(LATE_ARTICLE, encoding="utf-8")
        third = json.loads(Path(watching.next_output()).read_text(encoding="utf-8"))
        assert [source["outlet"] for source in third["sources"]] == ["Night Desk"]
    finally:
        code = watching.stop()
    assert code == 0  # Ctrl-C is how a watch ends
    assert not any("Traceback" in line for line in watching.stderr)


def test_every_rebuild_says_what_is_new_since_the_same_earlier_brief(examples_dir: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    from briefing.cli import main

    folder = tmp_path / "in"
    shutil.copytree(examples_dir, folder)
    out = tmp_path / "out"
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["build", str(folder), "-o", str(out), "-f", "json", "-q"]) == 0  # yesterday's brief
    [yesterday] = out.glob("*.json")
    earlier = json.loads(yesterday.read_text(encoding="utf-8"))
    watching = Watching(folder, out, tmp_path / "cache", "--since", "auto")
    try:
        first = json.loads(Path(watching.next_output()).read_text(encoding="utf-8"))
        assert first["since"] == earlier["as_of"] and {s["status"] for s in first["stories"]} == {"unchanged"}
        watching.wait_for_stderr("watching")
        (folder / "zz-late.md").write_text(LATE_ARTICLE, encoding="utf-8")
        second = json.loads(Path(watching.next_output()).read_text(encoding="utf-8"))
        (folder / "zz-later.md").write_text(  # another story: the late one is not touched by it
            "---\ntitle: Karsk wheat harvest\noutlet: Day Desk\ndate: 2024-03-09\n---\n\n"
            "Farmers in Karsk brought in a record wheat harvest on Saturday, the agriculture office said.\n",
            encoding="utf-8")
        third = json.loads(Path(watching.next_output()).read_text(encoding="utf-8"))
    finally:
        watching.stop()
    for brief in (second, third):  # both against yesterday's brief, not against the watch's own last one
        assert brief["since"] == earlier["as_of"]
        [late] = [source["id"] for source in brief["sources"] if source["outlet"] == "Night Desk"]
        [story] = [story for story in brief["stories"] if late in story["sources"]]
        assert story["status"] in ("new", "updated")


def test_what_cannot_be_watched_is_refused_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from briefing.cli import main

    with pytest.raises(BriefingError, match="standard input"):
        watched_paths(["-"])
    with pytest.raises(BriefingError, match="no local file or folder"):
        watched_paths(["https://news.example.org/feed.xml"])
    assert main(["build", "-", "--watch", "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: --watch: standard input (-) is read once; name files or folders to watch"]


def test_a_file_or_glob_is_watched_through_its_folder(tmp_path: Path):
    (tmp_path / "desk").mkdir()
    article = tmp_path / "desk" / "a.txt"
    article.write_text("x", encoding="utf-8")
    assert watched_paths([str(article)]) == (tmp_path / "desk",)
    assert watched_paths([str(tmp_path / "desk" / "*.txt"), str(tmp_path / "desk")]) == (tmp_path / "desk",)
    assert watched_paths([str(tmp_path / "*" / "*.md")]) == (tmp_path,)


def test_a_watching_process_reads_the_projects_state_files_once(examples_dir: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    import briefing.cache as cache
    from briefing.options import BuildOptions
    from briefing.pipeline import build, load_project_state
    from briefing.stories import StoryIndex

    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "STAYING", cache.Staying())
    folder = tmp_path / "in"
    shutil.copytree(examples_dir, folder)
    build([folder])
    cache.STAYING.loaded.clear()  # as a new process finds them
    load_project_state([folder], BuildOptions())
    kinds = sorted(path.parent.name for path in cache.STAYING.loaded)
    assert kinds == ["dedupe", "rankings", "stories"]
    read: list[str] = []
    real_pickle, real_index = cache.read_pickle, StoryIndex.load
    monkeypatch.setattr(cache, "read_pickle", lambda path: read.append(path.parent.name) or real_pickle(path))
    monkeypatch.setattr(StoryIndex, "load", classmethod(lambda cls, path: read.append("stories") or real_index(path)))
    (folder / "zz-late.md").write_text(LATE_ARTICLE, encoding="utf-8")
    later = build([folder])
    assert {"dedupe", "rankings", "stories"}.isdisjoint(read)  # the state came from memory
    assert any(source.outlet == "Night Desk" for source in later.sources)


def test_a_watching_process_writes_its_cache_state_after_the_brief(examples_dir: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch):
    import briefing.cache as cache
    from briefing.pipeline import build

    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "STAYING", cache.Staying(on=True))
    build([examples_dir])
    put_off = {path.parent.name for path in cache.STAYING.later}
    assert put_off == {"dedupe", "rankings", "briefs"}
    assert not [path for kind in ("dedupe", "rankings") for path in (tmp_path / "cache" / kind).glob("*.pickle")]
    cache.write_later_writes()
    assert not cache.STAYING.later
    assert all(any((tmp_path / "cache" / kind).glob(pattern))
               for kind, pattern in (("dedupe", "*.pickle"), ("rankings", "*.pickle"), ("briefs", "*.brief")))
    assert build([examples_dir]).sources  # and the next build reads them back (the brief, reused)


def test_a_watching_process_keeps_the_files_it_has_read(examples_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    import briefing.cache as cache
    from briefing.pipeline import build

    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "STAYING", cache.Staying(on=True))
    folder = tmp_path / "in"
    shutil.copytree(examples_dir, folder)
    build([folder])
    cache.write_later_writes()
    opened: list[Path] = []
    real = cache.read_pickle
    monkeypatch.setattr(cache, "read_pickle", lambda path: opened.append(path) or real(path))
    (folder / "zz-late.md").write_text(LATE_ARTICLE, encoding="utf-8")
    later = build([folder])
    reads = [path for path in opened if path.parent.parent.name == "reads"]
    assert len(reads) == 1  # only the new file was looked for; the eleven others came from memory
    assert len(later.sources) == len(list(examples_dir.glob("[0-9]*"))) + 1
