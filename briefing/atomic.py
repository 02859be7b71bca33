"""Files written whole or not at all: the one writer behind the rendered outputs and the caches.

The content goes to a temporary file beside the target (``.NAME.XXXX.part``),
which is renamed over the target once complete, so a reader never sees half
a file and a killed run leaves the old file (and a clearly temporary
leftover). Errors are plain ``OSError``; each caller says what they mean
(a render error, or a cache that only costs speed).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: bytes, *, durable: bool = True) -> Path:
    """Write ``content`` to ``path`` through a temporary file and a rename.

    ``durable`` also flushes the bytes to the disk before the rename, so a
    power cut cannot leave an empty file under the final name; a cache entry,
    which is only a miss when lost, skips that cost."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(content)
            if durable:
                output.flush()
                os.fsync(output.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
