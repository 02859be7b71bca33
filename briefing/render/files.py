"""Where outputs go and how they are written: whole or not at all."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from briefing import atomic
from briefing.errors import RenderError
from briefing.model import Brief
from briefing.render.formats import RENDERERS

SLUG_WORDS = 8


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
    return Path(out_dir) / f"{as_of}-{slugify(brief.title)}{extension}"


def write_atomically(path: Path, content: bytes) -> Path:
    """Write an output whole or not at all (``briefing.atomic``); a failure is a RenderError naming the file."""
    try:
        return atomic.write_atomically(Path(path), content)
    except OSError as error:
        raise RenderError(f"{path}: cannot write: {error.strerror or error}") from error
