"""The files briefing wrote in a folder, so that a later run never takes its own
output for input (an output folder inside an input folder).

Each output folder keeps a hidden list, ``.briefing-outputs``, of the names
written there; the read stage leaves those files out of a folder walk or a
glob and says so once per folder.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

OUTPUT_LIST = ".briefing-outputs"
MAX_LIST_BYTES = 1024 * 1024


def written_here(folder: Path) -> frozenset[str]:
    """The names briefing wrote in ``folder`` (none when it never wrote there)."""
    path = Path(folder) / OUTPUT_LIST
    try:
        if not path.is_file() or path.stat().st_size > MAX_LIST_BYTES:
            return frozenset()
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return frozenset()
    return frozenset(line for line in text.splitlines() if line and "/" not in line)


def record_output(path: Path) -> None:
    """Add ``path``'s name to its folder's list; a list that cannot be written only loses the guard."""
    path = Path(path)
    names = written_here(path.parent)
    if path.name in names or "\n" in path.name:
        return
    with contextlib.suppress(OSError):
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{OUTPUT_LIST}.", suffix=".part")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", errors="surrogateescape") as stream:
                stream.write("".join(f"{name}\n" for name in sorted(names | {path.name})))
            os.replace(temporary, path.parent / OUTPUT_LIST)
        except OSError:
            os.unlink(temporary)
            raise
