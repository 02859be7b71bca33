"""--since: what changed since an earlier brief, with story ids that stay put."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import date
from pathlib import Path

import pytest

from briefing.cli import main
from briefing.errors import BriefingError
from briefing.model import Story
from briefing.since import PreviousBrief, PreviousStory, load_previous, matched_ids, newest_brief


def story(story_id: str, *sources: str) -> Story:
    return Story(story_id, "headline", True, sources, 1, None, None, (), ())


def test_a_story_keeps_the_id_of_the_earlier_story_it_shares_most_articles_with():
    earlier = PreviousBrief("old.json", date(2024, 3, 6), (
        PreviousStory("T1", frozenset({"a", "b"}), frozenset()),
        PreviousStory("T2", frozenset({"c"}), frozenset()),
    ))
    keys = {s: s for s in "abcdef"}
    # today's clustering numbered them differently: T1 holds c, T2 holds a, b and d, T3 is new
    renamed = matched_ids([story("T1", "c"), story("T2", "a", "b", "d"), story("T3", "e")], earlier, keys)
    assert renamed == {"T2": "T1", "T1": "T2", "T3": "T3"}
    # a new story never takes an id the earlier brief used for another story
    renamed = matched_ids([story("T1", "e"), story("T2", "a")], earlier, keys)
    assert renamed["T2"] == "T1" and renamed["T1"] not in {"T1", "T2"}


def test_a_file_that_is_not_a_stories_brief_is_one_clear_error(tmp_path: Path):
    old = tmp_path / "old.json"
    old.write_text('{"schema": "briefing/1", "summary": []}')
    with pytest.raises(BriefingError, match="not a briefing/2 JSON brief"):
        load_previous(old)
    old.write_text("{not json")
    with pytest.raises(BriefingError, match="old.json: not a JSON brief"):
        load_previous(old)
    with pytest.raises(BriefingError, match="no such file"):
        load_previous(tmp_path / "missing.json")


EARLY = ("01-", "02-", "03-", "04-", "05-", "06-")  # published 4 to 6 March 2024
QUAKE = """---
title: Earthquake shakes the port city of Ostrel
outlet: Harbour Times
date: 2024-03-08
---
A magnitude 5.8 earthquake struck near the port city of Ostrel early on Friday, cracking walls
and cutting power to thousands of homes, the national seismological institute said.
Rescue teams searched two collapsed warehouses in the harbour district, and hospitals treated
dozens of people for light injuries, the mayor of Ostrel told reporters.
"""


@pytest.fixture(scope="module")
def two_days(examples_dir: Path, tmp_path_factory) -> tuple[dict, dict, str]:
    """Monday's brief of the first articles, then Friday's of all of them with --since."""
    root = tmp_path_factory.mktemp("since")
    early, later, out = root / "early", root / "later", root / "out"
    shutil.copytree(examples_dir, later)
    (later / "12-quake.md").write_text(QUAKE, encoding="utf-8")  # an event Monday's brief could not know
    early.mkdir()
    for path in examples_dir.iterdir():
        if path.name.startswith(EARLY):
            shutil.copy(path, early / path.name)
    logger = logging.getLogger("briefing")  # main() sets it up; a module fixture is outside conftest's reset
    saved = (list(logger.handlers), logger.propagate, logger.level)
    try:
        assert main(["build", str(early), "-o", str(out), "-f", "json", "--title", "Tarvia", "--no-cache", "-q"]) == 0
        (first,) = out.glob("*.json")
        assert main(["build", str(later), "-o", str(out), "-f", "json,md", "--title", "Tarvia",
                     "--since", "auto", "--no-cache", "-q"]) == 0
    finally:
        logger.handlers[:], logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])
    second = newest_brief(out, "tarvia")
    assert second is not None and second != first
    markdown = second.with_suffix(".md").read_text(encoding="utf-8")
    return json.loads(first.read_text()), json.loads(second.read_text()), markdown


def test_statuses_say_what_moved_and_ids_stay(two_days):
    before, after, _ = two_days
    assert after["since"] == before["as_of"]
    by_path = {s["id"]: s["path"].rsplit("/", 1)[-1] for s in before["sources"]}
    earlier = {story["id"]: {by_path[s] for s in story["sources"]} for story in before["stories"]}
    now_path = {s["id"]: s["path"].rsplit("/", 1)[-1] for s in after["sources"]}
    for story in after["stories"]:
        files = {now_path[s] for s in story["sources"]}
        matches = [story_id for story_id, old in earlier.items() if old & files]
        if story["status"] == "new":
            assert not matches or story["id"] not in earlier
            assert all(claim["new"] for claim in story["summary"])
        else:
            assert story["id"] in matches  # the same story keeps its id
            grew = files - earlier[story["id"]]
            fresh = any(claim["new"] for claim in story["summary"])
            assert story["status"] == ("updated" if grew or fresh else "unchanged")
    assert {story["status"] for story in after["stories"]} >= {"new"}
    assert any(story["status"] != "new" for story in after["stories"])


def test_the_brief_opens_with_whats_new(two_days):
    before, after, markdown = two_days
    first_section = markdown.split("\n## ")[1]
    assert first_section.startswith("What's new since 6 March 2024")
    moved = [story for story in after["stories"] if story["status"] in ("new", "updated")]
    assert moved
    for story in moved[:3]:
        assert story["headline"].split()[0] in first_section
    for story in after["stories"]:
        if story["status"] == "unchanged":
            assert not any(claim["text"] in markdown.replace("\\", "") for claim in story["summary"])
