"""The output formats: each one a function that renders a ``Brief`` as the
bytes of one file, registered under its ``-f`` name and its file extension.

``RENDERERS``, at the end, is the one list of formats. To add a format, write
its ``render(brief, options) -> bytes`` (naming the template and stylesheets
it uses, if any) and add it there; from another package, declare an
``OutputFormat`` in the entry-point group ``briefing.renderers`` (see
``briefing.plugins``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from briefing.errors import RenderError
from briefing.model import Brief
from briefing.plugins import BUILT_IN, Registry
from briefing.render.assets import find_style, render_page, search_path
from briefing.render.email import build_email, render_email_html
from briefing.render.options import RenderOptions

PRINT_STYLES = ("base.css", "print.css")


def render_pdf(brief: Brief, options: RenderOptions) -> bytes:
    """The printable brief: the print stylesheets go to WeasyPrint, which reads them itself."""
    from briefing.render import pdf  # WeasyPrint takes 0.4 s to import: only for PDFs

    html = render_page(brief, options, format="pdf", template="pdf.html.j2")
    return pdf.html_to_pdf(
        html,
        stylesheets=tuple(find_style(name, options.styles_dir) for name in PRINT_STYLES),
        style_dirs=search_path(options.styles_dir, "styles"),
        tagged=options.tagged_pdf,
    )


def render_html(brief: Brief, options: RenderOptions) -> bytes:
    page = render_page(brief, options, format="html", template="html.html.j2", stylesheets=("base.css", "screen.css"))
    return page.encode("utf-8")


def render_email(brief: Brief, options: RenderOptions) -> bytes:
    return render_email_html(brief, options=options).encode("utf-8")


def render_eml(brief: Brief, options: RenderOptions) -> bytes:
    return build_email(brief, to=options.recipients, sender=options.sender, options=options).as_bytes()


def render_markdown(brief: Brief, options: RenderOptions) -> bytes:
    return render_page(brief, options, format="md", template="brief.md.j2").encode("utf-8")


def render_json(brief: Brief, options: RenderOptions) -> bytes:
    from briefing.jsonform import brief_to_json  # jsonschema takes 0.3 s to import: only for JSON

    return brief_to_json(brief).encode("utf-8")


@dataclass(frozen=True)
class OutputFormat:
    """One output format: its ``-f`` name, the extension of its file, and
    ``render(brief, options)``, which returns the file's bytes (text is written
    as UTF-8). A format ``part_of`` another is written along with it and is
    not chosen on its own (the ``.eml`` of ``email``)."""

    name: str
    extension: str
    render: Callable[[Brief, RenderOptions], bytes | str]
    description: str = ""
    part_of: str | None = None
    origin: str = BUILT_IN


class Renderers(Registry[OutputFormat]):
    """The output formats, by name."""

    def find(self, name: str) -> OutputFormat:
        """The format called ``name``; an unknown name is a RenderError listing the choices."""
        found = self.get(name)
        if found is None:
            raise RenderError(f"{name}: unknown format (choose from {', '.join(self.names())})")
        return found

    def choices(self) -> tuple[str, ...]:
        """The names ``-f`` accepts: every format but those written as part of another."""
        return tuple(entry.name for entry in self if entry.part_of is None)

    def written_with(self, name: str) -> tuple[str, ...]:
        """``name`` and the formats that are part of it, in order (email: email, eml)."""
        self.find(name)
        return (name, *(entry.name for entry in self if entry.part_of == name))


BUILTIN_RENDERERS = (
    OutputFormat("pdf", ".pdf", render_pdf, "printable brief (WeasyPrint), tagged for screen readers"),
    OutputFormat("html", ".html", render_html, "standalone web page"),
    OutputFormat("email", ".email.html", render_email, "email-ready HTML, every style inlined"),
    OutputFormat("eml", ".eml", render_eml, "the email as a draft message (text and HTML)", part_of="email"),
    OutputFormat("md", ".md", render_markdown, "Markdown"),
    OutputFormat("json", ".json", render_json, "the brief as data, every claim with its sources (briefing/schema)"),
)
RENDERERS = Renderers("briefing.renderers", OutputFormat, BUILTIN_RENDERERS)
FORMATS = tuple(entry.name for entry in BUILTIN_RENDERERS)
"""The formats briefing ships; ``RENDERERS`` adds those of installed plugins."""
