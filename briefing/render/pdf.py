"""HTML to PDF with WeasyPrint, reading nothing but our own stylesheets.

The PDF's dates come from the brief (``generated_at``, via dcterms meta
tags), never from the clock, so the same brief gives the same bytes.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from briefing.errors import RenderError

LOG = logging.getLogger("briefing")
# WeasyPrint reports missing glyphs, unsupported CSS etc. at WARNING; they
# are for whoever edits the stylesheets, not for the person running a build.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class AssetFetcher(weasyprint.URLFetcher):
    """Serve files from the style folders only (fonts, images a stylesheet
    names) and refuse, with one warning line, everything else: other local
    files, http(s), data: URLs. Article text can then never make the
    renderer read a file or touch the network."""

    def __init__(self, allowed_dirs: tuple[Path, ...]):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.allowed_dirs = tuple(folder.resolve() for folder in allowed_dirs)

    def fetch(self, url, headers=None):
        path = _local_path(url)
        if path is None or not any(
            path.is_relative_to(folder) for folder in self.allowed_dirs
        ):
            LOG.warning("%s: refused to fetch (only packaged styles may be read)", url)
            raise ValueError(f"refused: {url}")
        return super().fetch(url, headers)


def _local_path(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(unquote(parts.path)).resolve()


@contextlib.contextmanager
def _without_cyclic_gc():
    """WeasyPrint builds hundreds of thousands of short-lived boxes; the
    cyclic collector then keeps walking every live object (a whole spaCy
    pipeline, in a build) while almost all of them are still in use: a
    quarter to a third of the render time for about 2% more peak memory."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def html_to_pdf(
    html: str,
    *,
    stylesheets: tuple[Path, ...],
    style_dirs: tuple[Path, ...],
    tagged: bool,
) -> bytes:
    """The PDF for one rendered HTML page, tagged (PDF/UA-1) when asked."""
    fetcher = AssetFetcher(style_dirs)
    # Where @font-face fonts (the ones shipped in styles/fonts/) are loaded;
    # without it WeasyPrint skips @font-face and takes whatever fonts the
    # system has.
    fonts = FontConfiguration()
    try:
        css = [
            weasyprint.CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts)
            for path in stylesheets
        ]
        with _without_cyclic_gc():
            document = weasyprint.HTML(string=html, url_fetcher=fetcher)
            return document.write_pdf(
                stylesheets=css,
                font_config=fonts,
                pdf_variant="pdf/ua-1" if tagged else None,
                pdf_identifier=True,
            )
    except OSError as error:
        raise RenderError(f"PDF: cannot read a stylesheet: {error}") from error
