"""Where outputs go and how they are written: whole or not at all, and only over regular files."""

from __future__ import annotations

import hashlib
import re
import stat
import unicodedata
from pathlib import Path

from briefing import atomic
from briefing.errors import RenderError
from briefing.model import Brief
from briefing.outputs import record_output
from briefing.render.formats import RENDERERS

SLUG_WORDS = 8
MAX_NAME_BYTES = 200
"""File systems allow 255 bytes a name; the temporary file beside it adds a prefix and a suffix."""


def slugify(title: str) -> str:
    """'Pakistan–Russia relations' -> 'pakistan-russia-relations'."""
    decomposed = unicodedata.normalize("NFKD", title)
    ascii_title = "".join(  # accents go, any other non-ASCII character separates words
        char if char.isascii() else "" if unicodedata.combining(char) else " "
        for char in decomposed
    )
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    return "-".join(words[:SLUG_WORDS]) or "brief"


def output_path(brief: Brief, out_dir: Path, format: str) -> Path:
    """DIR/<as-of>-<slug><ext>, as DESIGN.md names outputs; the extension is the format's."""
    extension = RENDERERS.find(format).extension
    as_of = brief.as_of.isoformat() if brief.as_of else "undated"
    slug = slugify(brief.title)
    longest = max(len(entry.extension) for entry in RENDERERS)
    room = MAX_NAME_BYTES - len(f"{as_of}-") - longest  # the same stem for every format
    if len(slug) > room:  # one very long word: cut, and a short hash keeps different titles apart
        slug = f"{slug[: room - 9].rstrip('-')}-{hashlib.sha256(slug.encode()).hexdigest()[:8]}"
    return Path(out_dir) / f"{as_of}-{slug}{extension}"


def refuse_special(path: Path) -> None:
    """Refuse to write over anything but a regular file: a device, a pipe, a socket, a folder."""
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return  # a new path (or one we cannot see: the write says why)
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise RenderError(f"{path}: cannot write: {kind} (give a new or regular file)")


def write_atomically(path: Path, content: bytes) -> Path:
    """Write an output whole or not at all (``briefing.atomic``); a failure is a RenderError naming
    the file. Only a regular file or a new path is written: a device, a pipe or a folder is refused,
    never replaced (``--eml /dev/null`` run as root would replace /dev/null). The name goes into the
    list of outputs (``briefing.outputs``), so no later run reads it as input."""
    refuse_special(Path(path))
    try:
        written = atomic.write_atomically(Path(path), content)
    except OSError as error:
        raise RenderError(f"{path}: cannot write: {error.strerror or error}") from error
    record_output(written)
    return written
