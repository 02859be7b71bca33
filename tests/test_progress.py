"""Progress: the pipeline says which stage runs and how many articles are
analysed; the terminal display draws that as one bar at a time."""

from __future__ import annotations

import io
from pathlib import Path

from briefing.pipeline import build, summarize_inputs
from briefing.progress import Progress, TerminalProgress

STORY = """---
title: {title}
outlet: {outlet}
date: 2022-02-2{day}
---

Pakistan and Russia signed the gas pipeline deal in Moscow on Thursday, officials told {outlet}.

The pipeline will carry gas from Karachi to Lahore from next year, the energy minister said on day {day}.
"""


class Recorded(Progress):
    """Keeps what the pipeline reports."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None]] = []
        self.advanced: dict[str, int] = {}

    def stage(self, name, total=None, unit=""):
        self.stages.append((name, total))

    def advance(self, count=1):
        name = self.stages[-1][0]
        self.advanced[name] = self.advanced.get(name, 0) + count


def articles(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        outlet = ("Dawn", "Tribune", "Geo")[number % 3]
        (folder / f"{number}.md").write_text(STORY.format(title=f"Gas deal {number}", outlet=outlet, day=number + 1))
    return folder


def test_build_reports_each_stage_and_every_article_analysed(tmp_path):
    progress = Recorded()
    build(articles(tmp_path / "in", 3), cache=False, jobs=1, progress=progress)
    assert progress.stages == [
        ("reading", None), ("checking duplicates", None), ("analysing", 3), ("finding stories", None), ("ranking", None),
    ]
    assert progress.advanced == {"analysing": 3}


def test_summarize_reports_its_stages_too(tmp_path):
    progress = Recorded()
    summarize_inputs(articles(tmp_path / "in", 2), cache=False, jobs=1, progress=progress)
    assert [name for name, _ in progress.stages] == ["reading", "checking duplicates", "analysing", "ranking"]


def test_the_terminal_display_counts_articles_and_clears_when_done():
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    progress.stage("reading")
    progress.stage("analysing", total=516, unit="article")
    progress.advance(230)
    progress.close()
    shown = stream.getvalue()
    assert "reading…" in shown and "analysing: 0 of 516 articles" in shown and "left" in shown
    assert shown.endswith("\r")  # the last bar wiped, the cursor back at the start of the line
    assert progress.bar is None
