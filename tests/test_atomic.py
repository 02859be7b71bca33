"""Outputs are written whole or not at all.

Every format goes to a temporary file in the target folder (``.NAME.XXXX.part``)
that is renamed over the final name only once it is complete
(``briefing.atomic.write_atomically``, which the caches use too). A render killed with SIGKILL while
it writes leaves no partial file under the final name: a previous output keeps
its old bytes, and any leftover has a clearly temporary name.
"""

from __future__ import annotations

import errno
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import briefing.atomic as atomic
from briefing.errors import RenderError
from briefing.render import FORMATS, RenderOptions, output_path, render, render_all
from briefing.render.files import write_atomically
from sample_brief import long_brief, sample_brief

TESTS = Path(__file__).resolve().parent
TEMPORARY = re.compile(r"^\.(?P<final>.+)\.[A-Za-z0-9_]+\.part$")


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def test_every_format_is_renamed_into_place_from_a_temporary_file_beside_it(tmp_path: Path, monkeypatch):
    renames: list[tuple[Path, Path, bool]] = []
    original = os.replace

    def recording(source, target):
        renames.append((Path(source), Path(target), Path(target).exists()))
        return original(source, target)

    monkeypatch.setattr(atomic.os, "replace", recording)
    written = render_all(sample_brief(), tmp_path, options=RenderOptions(formats=FORMATS))
    assert sorted(written) == sorted(tmp_path.iterdir())
    assert {target for _, target, _ in renames} == set(written)
    for source, target, existed in renames:
        assert source.parent == target.parent == tmp_path
        match = TEMPORARY.match(source.name)
        assert match and match.group("final") == target.name
        assert not existed
    assert leftovers(tmp_path) == []


def test_cache_entries_go_through_the_same_writer(tmp_path: Path, monkeypatch):
    """One atomic writer: a cached brief is renamed into place from a temporary file beside it, too."""
    from briefing.cache import BriefCache

    renames: list[tuple[Path, Path]] = []
    original = os.replace
    monkeypatch.setattr(atomic.os, "replace", lambda source, target: renames.append((Path(source), Path(target))) or original(source, target))
    cache = BriefCache(tmp_path)
    cache.put("key", sample_brief())
    [(source, target)] = renames
    assert target == cache.path("key") and source.parent == target.parent
    assert TEMPORARY.match(source.name).group("final") == target.name
    brief = sample_brief()
    assert cache.get("key", brief.sources) == brief  # stored without the articles' texts, given back with them


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch):
    brief = sample_brief()
    path = output_path(brief, tmp_path, "html")
    path.write_text("the previous brief")

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
    with pytest.raises(RenderError, match=re.escape(str(path)) + r": cannot write: No space left on device"):
        render(brief, "html", path)
    assert path.read_text() == "the previous brief"
    assert leftovers(tmp_path) == []


def test_an_output_folder_that_cannot_be_made_is_one_render_error(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(RenderError, match=r"a-file/sub/brief\.md: cannot write"):
        write_atomically(blocker / "sub" / "brief.md", b"text")


# A render in another process that stops (and says so) once it has written half
# of its output to the temporary file, so the parent can kill it mid-write.
STALL_MIDWAY = """
import os, sys, time
sys.path.insert(0, {tests!r})
import briefing.atomic as atomic
from briefing.render import render
from sample_brief import long_brief

real_fdopen = os.fdopen

class Stalling:
    def __init__(self, handle):
        self.handle = handle
    def __enter__(self):
        return self
    def __exit__(self, *exc_info):
        self.handle.close()
    def write(self, data):
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        print("writing", flush=True)
        time.sleep(60)
    def flush(self):
        self.handle.flush()
    def fileno(self):
        return self.handle.fileno()

atomic.os.fdopen = lambda fd, mode: Stalling(real_fdopen(fd, mode))
render(long_brief(), {format!r}, {path!r})
"""


@pytest.mark.parametrize("format", ["html", "md", "json"])
def test_a_render_killed_midway_leaves_no_partial_file_under_the_final_name(tmp_path: Path, format: str):
    path = output_path(long_brief(), tmp_path, format)
    path.write_bytes(b"the previous brief")
    script = STALL_MIDWAY.format(tests=str(TESTS), format=format, path=str(path))
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "writing", process.stderr.read()
        partial = [name for name in leftovers(tmp_path) if TEMPORARY.match(name)]
        assert len(partial) == 1 and (tmp_path / partial[0]).stat().st_size > 0
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert path.read_bytes() == b"the previous brief"
    for name in leftovers(tmp_path):
        match = TEMPORARY.match(name)
        assert match and match.group("final") == path.name  # a stale temporary, clearly named so


KILL_AT_RANDOM = """
import sys
sys.path.insert(0, {tests!r})
from briefing.render import render
from sample_brief import long_brief
print("started", flush=True)
render(long_brief({repeat}), {format!r}, {path!r})
"""


@pytest.mark.slow
def test_renders_killed_at_random_moments_leave_whole_files_or_none(tmp_path: Path):
    """Without any help from the test: real renders of a big brief, killed after random delays
    or as soon as the temporary file appears."""
    random.seed(20240305)
    for attempt in range(4):
        format = ("pdf", "json")[attempt % 2]
        folder = tmp_path / f"attempt{attempt}"
        folder.mkdir()
        path = folder / f"brief.{format}"
        script = KILL_AT_RANDOM.format(tests=str(TESTS), repeat=20, format=format, path=str(path))
        process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "started"
        deadline = time.monotonic() + random.uniform(0.0, 4.0)
        while time.monotonic() < deadline and process.poll() is None:
            if any(TEMPORARY.match(name) for name in leftovers(folder)):
                break  # it has started writing: kill it now
            time.sleep(0.001)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        if path.exists():  # renamed into place before the kill: then it is whole
            data = path.read_bytes()
            assert data.rstrip().endswith(b"%%EOF") if format == "pdf" else json.loads(data)["schema"] == "briefing/2"
        assert all(TEMPORARY.match(name) for name in leftovers(folder))
