"""Render stage: a ``Brief`` in, files out (PDF, HTML, email HTML, .eml,
Markdown, JSON, and any format an installed package adds).

Every format is produced in memory by its renderer (``render/formats.py``,
most of them from the templates in ``templates/`` and the stylesheets in
``styles/``, the user's folders first), then written atomically to its path.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

from briefing.errors import BriefingError, RenderError
from briefing.model import Brief
from briefing.plugins import BUILT_IN
from briefing.render.email import render_email_html, render_email_text
from briefing.render.files import output_path, slugify, write_atomically
from briefing.render.formats import FORMATS, RENDERERS, OutputFormat
from briefing.render.options import PAPER_SIZES, RenderOptions

__all__ = [
    "FORMATS",
    "PAPER_SIZES",
    "RENDERERS",
    "OutputFormat",
    "RenderOptions",
    "output_path",
    "render",
    "render_all",
    "render_bytes",
    "render_email_html",
    "render_email_text",
    "slugify",
    "write_atomically",
]


def render(
    brief: Brief, format: str, path: Path, *, options: RenderOptions | None = None
) -> Path:
    """Render ``brief`` as ``format`` to ``path`` (whole or not at all) and return the path."""
    return write_atomically(Path(path), render_bytes(brief, format, options=options))


def render_all(
    brief: Brief, out_dir: Path, *, options: RenderOptions | None = None
) -> list[Path]:
    """Render every format in ``options.formats`` to its standard name in ``out_dir``;
    ``email`` gives both the .email.html page and the .eml message."""
    options = options or RenderOptions()
    formats = [name for format in options.formats for name in RENDERERS.written_with(format)]
    return [
        render(brief, format, output_path(brief, out_dir, format), options=options)
        for format in dict.fromkeys(formats)
    ]


def render_bytes(
    brief: Brief, format: str, *, options: RenderOptions | None = None
) -> bytes:
    """The file content for one format, built in memory. A plugin's renderer
    that fails is a RenderError naming it, not a crash."""
    renderer = RENDERERS.find(format)
    try:
        content = renderer.render(brief, options or RenderOptions())
    except Exception as error:
        if renderer.origin == BUILT_IN or isinstance(error, BriefingError):
            raise
        raise RenderError(
            f"{format}: the renderer of {renderer.origin} failed ({type(error).__name__}: {error})"
        ) from error
    return content.encode("utf-8") if isinstance(content, str) else content


class _CallableModule(types.ModuleType):
    """``briefing.render(brief, format, path)`` is the public API, yet
    ``briefing.render`` is also this package: importing it rebinds the name
    on ``briefing``, so the package itself answers calls."""

    def __call__(self, brief: Brief, format: str, path: Path, *, options: RenderOptions | None = None) -> Path:
        return render(brief, format, path, options=options)


sys.modules[__name__].__class__ = _CallableModule
