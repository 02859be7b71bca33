"""``briefing build --watch``: the brief kept current while articles arrive.

A desk that drops articles into a folder all day wants the brief on disk to
follow within seconds. A new process pays 2 s of imports and model loading
and then reads the project's state back from the cache; a watching process
has all of that loaded already, so one article added to 10,000 costs about
itself. Changes are noticed by the operating system (inotify and its
equivalents, through watchfiles), not by polling the folder.
"""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from pathlib import Path

from briefing.errors import BriefingError
from briefing.read import STDIN, is_web_url

logging.getLogger("watchfiles").setLevel(logging.ERROR)  # its "stopping watch" on Ctrl-C is the expected end

SETTLE_MS = 100
"""Quiet time after the last change before building: a file copied in several writes, or a
batch of files dropped together, makes one rebuild."""


def watched_paths(inputs: Sequence[str | os.PathLike[str]]) -> tuple[Path, ...]:
    """The folders and files to watch for the local inputs: a folder itself, a file's folder
    (editors replace a file by renaming a new one over it), a glob's fixed leading folder.
    URLs and feeds are read again on each rebuild but cannot be watched."""
    watched: dict[Path, None] = {}
    for item in inputs:
        name = str(item)
        if name == STDIN:
            raise BriefingError("--watch: standard input (-) is read once; name files or folders to watch")
        if is_web_url(name):
            continue
        path = Path(name)
        if glob.has_magic(name):
            path = Path(*path.parts[: _fixed_parts(path)])
        elif not path.is_dir():
            path = path.parent
        if path.is_dir():
            watched[path.resolve()] = None
    if not watched:
        raise BriefingError("--watch: no local file or folder among the inputs to watch")
    return tuple(watched)


def _fixed_parts(pattern: Path) -> int:
    """How many leading parts of a glob hold no wildcard."""
    count = 0
    for part in pattern.parts:
        if glob.has_magic(part):
            break
        count += 1
    return count


def changes(paths: Sequence[Path], *, before: Mapping[str, tuple], ignored: Sequence[Path] = (),
            ready: Callable[[], None] = lambda: None) -> Iterator[set[str]]:
    """Each batch of changed paths under ``paths`` (not under ``ignored``: the output and cache
    folders, which a rebuild itself writes), until Ctrl-C, which ends the iteration.

    What differs from ``before`` (``files_under`` as the build just done began) once the
    watcher is live comes first: an article dropped in during a long first build is not
    missed. ``ready`` is called once changes can no longer be missed."""
    from watchfiles import DefaultFilter, watch

    class InputsOnly(DefaultFilter):
        def __call__(self, change, path: str) -> bool:
            return not _ignored(Path(path), ignored) and super().__call__(change, path)

    live = False
    for batch in watch(*paths, watch_filter=InputsOnly(), step=SETTLE_MS, rust_timeout=LIVE_CHECK_MS,
                       yield_on_timeout=True, raise_interrupt=False):
        found = {path for _change, path in batch}
        if not live:  # the first wake-up: the watcher is in place
            live = True
            now = files_under(paths, ignored)
            found |= {path for path in now.keys() | before.keys() if now.get(path) != before.get(path)}
            ready()
        if found:
            yield found


LIVE_CHECK_MS = 500
"""How soon after a build the watcher reports itself in place (and then how often it wakes,
finding nothing, while the folder is quiet)."""


def files_under(paths: Sequence[Path], ignored: Sequence[Path] = ()) -> dict[str, tuple]:
    """Every file under ``paths`` (not under ``ignored``) with its size and times."""
    found = {}
    for top in paths:
        for folder, folders, files in os.walk(top):
            folders[:] = [name for name in folders if not _ignored(Path(folder, name), ignored)]
            for name in files:
                with suppress(OSError):
                    status = os.stat(os.path.join(folder, name))
                    found[os.path.join(folder, name)] = (status.st_size, status.st_mtime_ns, status.st_ino)
    return found


def _ignored(path: Path, ignored: Sequence[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == folder.resolve() or folder.resolve() in resolved.parents for folder in ignored)
