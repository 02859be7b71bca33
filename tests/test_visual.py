"""What the rendered brief looks like: PDF pages as bitmaps (pypdfium2) and the
web and email pages in headless Chromium at desktop and phone widths. The
images stay in out/visual/ for a person to look at."""

from __future__ import annotations

import html as html_module
import shutil
import subprocess
from pathlib import Path

import numpy
import pypdfium2
import pytest
from sample_brief import sample_brief

from briefing.render import RenderOptions, render_bytes
from briefing.render.view import source_entries, timeline_chart

VISUAL_DIR = Path(__file__).resolve().parent.parent / "out" / "visual"
POINTS_PER_MM = 72 / 25.4
PAGE_MARGIN_MM = 20  # left and right margins in styles/print.css
SCALE = 1.5  # bitmap pixels per PDF point
NAVY = (0x1F, 0x3A, 0x5F)  # chart bars and markers in the stylesheets
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def visual_dir() -> Path:
    VISUAL_DIR.mkdir(parents=True, exist_ok=True)
    return VISUAL_DIR


@pytest.fixture(scope="module")
def page_images(visual_dir):
    """The sample brief's PDF pages as RGB images, also saved as PNG."""
    content = render_bytes(
        sample_brief(), "pdf", options=RenderOptions(organisation="Policy Unit")
    )
    images = []
    for number, page in enumerate(pypdfium2.PdfDocument(content), start=1):
        image = page.render(scale=SCALE).to_pil().convert("RGB")
        image.save(visual_dir / f"pdf-page-{number}.png")
        images.append(image)
    return images


def non_white(image, box) -> int:
    """How many pixels inside ``box`` are visibly not white."""
    return int((numpy.asarray(image.crop(box).convert("L")) < 235).sum())


def test_sample_brief_fills_a_sane_number_of_pages(page_images):
    assert 2 <= len(page_images) <= 5


def test_nothing_is_drawn_in_the_side_margins(page_images):
    strip = int((PAGE_MARGIN_MM - 2) * POINTS_PER_MM * SCALE)
    for number, image in enumerate(page_images, start=1):
        width, height = image.size
        assert non_white(image, (0, 0, strip, height)) == 0, (
            f"left margin, page {number}"
        )
        assert non_white(image, (width - strip, 0, width, height)) == 0, (
            f"right margin, page {number}"
        )


def test_only_header_and_footer_appear_above_and_below_the_text(page_images):
    edge = int(
        6 * POINTS_PER_MM * SCALE
    )  # the outer 6 mm hold nothing, not even the header
    for image in page_images:
        width, height = image.size
        assert non_white(image, (0, 0, width, edge)) == 0
        assert non_white(image, (0, height - edge, width, height)) == 0
    first, second = page_images[0], page_images[1]
    header = (0, edge, first.size[0], int(22 * POINTS_PER_MM * SCALE))
    assert non_white(first, header) < non_white(
        second, header
    )  # no running header on the cover


def test_charts_are_drawn(page_images):
    content = render_bytes(sample_brief(), "pdf")
    text = "\n".join(
        page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(content)
    )
    assert "4 of 6" in text and "Pakistan Stream" in text  # agreement chart labels
    brief = sample_brief()
    ticks = timeline_chart(
        brief, {entry.id: entry for entry in source_entries(brief)}
    ).ticks
    assert ticks and all(tick.label in text for tick in ticks)  # timeline axis marks

    def navy_pixels(image) -> int:
        distance = numpy.abs(numpy.asarray(image, dtype=int) - numpy.array(NAVY)).max(
            axis=2
        )
        return int((distance < 12).sum())

    assert (
        max(navy_pixels(image) for image in page_images) > 2000
    )  # filled bars and markers


# Browser --------------------------------------------------------------------------


def chromium(*arguments: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def frame_page(page: str, width: int, height: int) -> str:
    """The page inside an iframe of the given width (headless Chromium will not
    open a window narrower than 500 px); a script reports the frame's widths."""
    return (
        "<!DOCTYPE html><html><head><style>body{margin:0}iframe{border:0;display:block}</style>"
        f'</head><body><iframe id="page" width="{width}" height="{height}" '
        f'srcdoc="{html_module.escape(page, quote=True)}"></iframe><script>'
        'document.getElementById("page").addEventListener("load", function () {'
        "var root = this.contentDocument.documentElement;"
        'document.title = root.scrollWidth + "x" + root.clientWidth + "x" + root.scrollHeight;'
        "});</script></body></html>"
    )


def measure_and_shoot(
    page: str, width: int, name: str, tmp_path: Path, visual_dir: Path
):
    """(scroll width, client width) of the page at ``width`` px, with a
    full-length screenshot saved as ``name``.png."""
    probe = tmp_path / f"{name}-probe.html"
    probe.write_text(frame_page(page, width, 800), encoding="utf-8")
    dumped = chromium(
        "--virtual-time-budget=5000",
        "--dump-dom",
        probe.as_uri(),
        profile=tmp_path / "profile",
    )
    title = dumped.stdout.split("<title>", 1)[1].split("</title>", 1)[0]
    scroll_width, client_width, scroll_height = (int(part) for part in title.split("x"))
    shot = tmp_path / f"{name}-shot.html"
    shot.write_text(frame_page(page, width, scroll_height), encoding="utf-8")
    window = f"{max(width, 500)},{scroll_height}"
    chromium(
        f"--window-size={window}",
        f"--screenshot={visual_dir / (name + '.png')}",
        "--virtual-time-budget=5000",
        shot.as_uri(),
        profile=tmp_path / "profile",
    )
    return scroll_width, client_width


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
@pytest.mark.parametrize(
    ("fmt", "width"),
    [("html", 1200), ("html", 390), ("email", 800), ("email", 390)],
)
def test_page_fits_the_screen_without_sideways_scrolling(
    fmt, width, tmp_path, visual_dir
):
    page = render_bytes(sample_brief(), fmt).decode()
    name = f"{fmt}-{width}px"
    scroll_width, client_width = measure_and_shoot(
        page, width, name, tmp_path, visual_dir
    )
    assert client_width <= width
    assert scroll_width <= client_width, (
        f"{name}: {scroll_width}px of content in {client_width}px"
    )
    screenshot = visual_dir / f"{name}.png"
    from PIL import Image

    with Image.open(screenshot) as image:
        assert (
            non_white(image.convert("RGB"), (0, 0, min(width, image.size[0]), 400))
            > 500
        )
