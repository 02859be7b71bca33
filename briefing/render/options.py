"""How to render a brief, apart from the brief itself: paper, organisation,
the user's template and stylesheet folders, and the formats to write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefing.errors import RenderError

PAPER_SIZES = ("A4", "Letter")


@dataclass(frozen=True)
class RenderOptions:
    """How to render, apart from the brief itself."""

    paper: str = "A4"  # "A4" or "Letter"
    organisation: str | None = None  # shown on the cover and as PDF author
    author: str | None = None
    templates_dir: Path | None = None  # searched before the shipped templates
    styles_dir: Path | None = None  # searched before the shipped stylesheets
    formats: tuple[str, ...] = ("pdf", "html", "email", "md", "json")  # names in the renderer registry
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
