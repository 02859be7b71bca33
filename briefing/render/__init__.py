"""Render stage: a ``Brief`` in, files out (PDF, HTML, email HTML, .eml,
Markdown, JSON).

Every format is produced in memory from the templates in ``templates/``
and the stylesheets in ``styles/`` (the user's folders first), then
written atomically to its path.
"""

from __future__ import annotations

import logging
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import css_inline
from markupsafe import Markup

from briefing.errors import RenderError
from briefing.model import Brief
from briefing.render.assets import find_style, read_styles, render_template, search_path, without_remote_urls
from briefing.render.files import EXTENSIONS, output_path, slugify, write_atomically
from briefing.render.view import build_context

__all__ = [
    "FORMATS",
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

LOG = logging.getLogger("briefing")
FORMATS = tuple(EXTENSIONS)
GMAIL_CLIP_BYTES = 102 * 1024  # Gmail shows "[Message clipped]" beyond this
PAPER_SIZES = ("A4", "Letter")
TEMPLATES = {
    "pdf": "pdf.html.j2",
    "html": "html.html.j2",
    "email": "email.html.j2",
    "md": "brief.md.j2",
    "text": "email.txt.j2",
}
STYLESHEETS = {
    "pdf": ("base.css", "print.css"),
    "html": ("base.css", "screen.css"),
    "email": ("email.css",),
}


@dataclass(frozen=True)
class RenderOptions:
    """How to render, apart from the brief itself."""

    paper: str = "A4"  # "A4" or "Letter"
    organisation: str | None = None  # shown on the cover and as PDF author
    author: str | None = None
    templates_dir: Path | None = None  # searched before the shipped templates
    styles_dir: Path | None = None  # searched before the shipped stylesheets
    formats: tuple[str, ...] = ("pdf", "html", "email", "md", "json")
    tagged_pdf: bool = True  # PDF/UA-1: tagged structure for screen readers
    language: str = "en"
    sender: str | None = None  # From: of a rendered .eml
    recipients: tuple[str, ...] = ()  # To: of a rendered .eml
    unsafe_templates: bool = False  # the full Jinja language instead of the sandbox (trusted templates)

    def __post_init__(self):
        paper = {size.lower(): size for size in PAPER_SIZES}.get(
            str(self.paper).lower()
        )
        if paper is None:
            raise RenderError(
                f"paper: {self.paper!r} is not one of {', '.join(PAPER_SIZES)}"
            )
        object.__setattr__(self, "paper", paper)
        unknown = [name for name in self.formats if name not in FORMATS]
        if unknown:
            raise RenderError(
                f"{unknown[0]}: unknown format (choose from {', '.join(FORMATS)})"
            )


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
    formats = [name for format in options.formats for name in _expand(format)]
    return [
        render(brief, format, output_path(brief, out_dir, format), options=options)
        for format in dict.fromkeys(formats)
    ]


def _expand(format: str) -> tuple[str, ...]:
    return ("email", "eml") if format == "email" else (format,)


def render_bytes(
    brief: Brief, format: str, *, options: RenderOptions | None = None
) -> bytes:
    """The file content for one format, built in memory."""
    options = options or RenderOptions()
    if format == "pdf":
        return _render_pdf(brief, options)
    if format == "html":
        return _render_html(brief, "html", options).encode("utf-8")
    if format == "email":
        return render_email_html(brief, options=options).encode("utf-8")
    if format == "eml":
        from briefing.mail import build_email  # mail builds on this module

        message = build_email(
            brief, to=options.recipients, sender=options.sender, options=options
        )
        return message.as_bytes()
    if format == "md":
        return _render_text(brief, "md", options).encode("utf-8")
    if format == "json":
        from briefing.jsonform import brief_to_json

        return brief_to_json(brief).encode("utf-8")
    raise RenderError(f"{format}: unknown format (choose from {', '.join(FORMATS)})")


def render_email_html(brief: Brief, *, options: RenderOptions | None = None) -> str:
    """Email HTML: every style inlined onto its element, no <style> left,
    because Gmail and Outlook drop or mangle style sheets."""
    html = _render_html(brief, "email", options or RenderOptions())
    inliner = css_inline.CSSInliner(
        keep_style_tags=False,
        keep_link_tags=False,
        load_remote_stylesheets=False,
        apply_width_attributes=True,
    )
    try:
        inlined = inliner.inline(html)
    except css_inline.InlineError as error:
        raise RenderError(f"email.css: cannot inline styles: {error}") from error
    size = len(inlined.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        LOG.warning(
            "email: %d KB of HTML; Gmail clips messages over 102 KB", size // 1024
        )
    return inlined


def render_email_text(brief: Brief, *, options: RenderOptions | None = None) -> str:
    """The plain-text part of the email."""
    return _render_text(brief, "text", options or RenderOptions())


def _render_html(brief: Brief, format: str, options: RenderOptions) -> str:
    context = build_context(brief, options=options, format=format)
    styles = STYLESHEETS.get(format, ())
    context["stylesheet"] = (
        read_styles(styles, options.styles_dir) if format != "pdf" else ""
    )
    if format == "email":  # a mail client would fetch them: no remote stylesheet or image
        context["stylesheet"] = Markup(without_remote_urls(context["stylesheet"]))
    return render_template(
        TEMPLATES[format], context, templates_dir=options.templates_dir, unsafe=options.unsafe_templates
    )


def _render_text(brief: Brief, format: str, options: RenderOptions) -> str:
    context = build_context(brief, options=options, format=format)
    return render_template(
        TEMPLATES[format], context, templates_dir=options.templates_dir, unsafe=options.unsafe_templates
    )


def _render_pdf(brief: Brief, options: RenderOptions) -> bytes:
    from briefing.render import pdf  # WeasyPrint takes 0.4 s to import: only for PDFs

    html = _render_html(brief, "pdf", options)
    stylesheets = tuple(
        find_style(name, options.styles_dir) for name in STYLESHEETS["pdf"]
    )
    return pdf.html_to_pdf(
        html,
        stylesheets=stylesheets,
        style_dirs=search_path(options.styles_dir, "styles"),
        tagged=options.tagged_pdf,
    )


class _CallableModule(types.ModuleType):
    """``briefing.render(brief, format, path)`` is the public API, yet
    ``briefing.render`` is also this package: importing it rebinds the name
    on ``briefing``, so the package itself answers calls."""

    def __call__(self, brief: Brief, format: str, path: Path, *, options: RenderOptions | None = None) -> Path:
        return render(brief, format, path, options=options)


sys.modules[__name__].__class__ = _CallableModule
