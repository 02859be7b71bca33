"""The files briefing wrote, so that a later run never takes its own output for
input (an output folder inside an input folder).

Every output's resolved path is added to ``outputs.list`` in the cache folder
(``$BRIEFING_CACHE_DIR`` or the platform's user cache folder), not beside the
outputs: the output folder holds only the outputs. The read stage leaves
those files out of a folder walk or a glob and says so once per folder. The
list keeps the newest ``MAX_LIST_BYTES`` of paths.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from briefing.atomic import write_atomically

OUTPUT_LIST = "outputs.list"
MAX_LIST_BYTES = 2 * 1024 * 1024


def list_path() -> Path:
    """Where the list lives; a cache folder that is not one fails, as OSError, where the list is used."""
    from briefing.cache import cache_root
    from briefing.errors import BriefingError

    try:
        return cache_root() / OUTPUT_LIST
    except BriefingError as error:
        raise OSError(0, str(error)) from None


def written_outputs() -> frozenset[str]:
    """The resolved paths of every output briefing wrote (the newest ones, see the module)."""
    try:
        path = list_path()
        if not path.is_file():
            return frozenset()
        with path.open(encoding="utf-8", errors="surrogateescape") as stream:
            text = stream.read(2 * MAX_LIST_BYTES)
    except OSError:
        return frozenset()
    return frozenset(line for line in text.split("\n") if line.startswith("/"))


def record_output(path: Path) -> None:
    """Add ``path`` to the list; a list that cannot be written only loses the guard."""
    target = os.path.realpath(path)
    if "\n" in target:
        return
    with contextlib.suppress(OSError):
        listed = list_path()
        listed.parent.mkdir(parents=True, exist_ok=True)
        with listed.open("a", encoding="utf-8", errors="surrogateescape") as stream:
            stream.write(target + "\n")  # one short append: whole even with runs side by side
        if listed.stat().st_size > MAX_LIST_BYTES:
            _keep_newest(listed)


def _keep_newest(listed: Path) -> None:
    text = listed.read_text(encoding="utf-8", errors="surrogateescape")
    lines = text.split("\n")
    kept = "\n".join(lines[len(lines) // 2 :])
    write_atomically(listed, kept.encode("utf-8", "surrogateescape"), durable=False)
