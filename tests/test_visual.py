"""What the rendered brief looks like: PDF pages as bitmaps (pypdfium2) and the
web and email pages in headless Chromium at desktop and phone widths. The
images stay in out/visual/ for a person to look at."""

from __future__ import annotations

import ctypes
import dataclasses
import html as html_module
import json
import math
import shutil
import subprocess
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from sample_brief import sample_brief

from briefing.model import Brief, TimelineEntry
from briefing.render import RenderOptions, render_bytes
from briefing.render.view import source_entries, timeline_chart

VISUAL_DIR = Path(__file__).resolve().parent.parent / "out" / "visual"
POINTS_PER_MM = 72 / 25.4
PAGE_MARGIN_MM = 20  # left and right margins in styles/print.css
SCALE = 1.5  # bitmap pixels per PDF point
NAVY = (0x1F, 0x3A, 0x5F)  # chart bars and markers in the stylesheets
TRACK = (0xE6, 0xEA, 0xF0)  # the part of an agreement bar no outlet fills
WHITE = (0xFF, 0xFF, 0xFF)  # marker numbers
# Summary points whose chart labels are as wide as labels get: one word too
# long for any column, wide letters, and many words.
WIDE_LABELS = (
    "W" * 60,
    "Mmmmmmmm Wwwwwwww Mmmmmmmm Wwwwwwww Mmmmmmmm said the talks had gone well.",
    "The Frontier Observer and the Continental Energy Review International agree.",
)
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


def stress_brief(timeline_entries: int) -> Brief:
    """The sample brief with the widest chart labels (the top stories' headlines) and
    ``timeline_entries`` dated events, so that markers carry one-, two- and three-digit numbers."""
    brief = sample_brief()
    stories = tuple(
        dataclasses.replace(story, headline=text) for story, text in zip(brief.stories, WIDE_LABELS)
    ) + brief.stories[len(WIDE_LABELS) :]
    summary = tuple(story.summary[0] for story in stories)  # every story a top story: a bar each
    timeline = tuple(
        TimelineEntry(
            date(2021, 4, 6) + timedelta(days=3 * number),
            f"Event number {number + 1} on the border.",
            ("S1",),
        )
        for number in range(timeline_entries)
    )
    return dataclasses.replace(brief, stories=stories, summary=summary, timeline=timeline)


Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


def rgb(getter, *where) -> tuple[int, int, int]:
    """A colour read through one of pdfium's Get...Color functions."""
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    getter(*where, red, green, blue, alpha)
    return red.value, green.value, blue.value


def filled_shapes(page, colour) -> list[Box]:
    """Where the shapes filled with ``colour`` are on the page."""
    shapes = []
    for shape in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        if rgb(pdfium_c.FPDFPageObj_GetFillColor, shape.raw) != colour:
            continue
        bounds, container = shape.get_bounds(), shape.container
        while container is not None:  # inside a Form XObject, e.g. an SVG
            bounds = container.get_matrix().on_rect(*bounds)
            container = container.container
        shapes.append(bounds)
    return shapes


def glyphs(page) -> list[tuple[int, str, Box, tuple[int, int, int]]]:
    """Every visible character on the page: index, character, box, fill colour."""
    text = page.get_textpage()
    found = []
    for index in range(text.count_chars()):
        character = text.get_text_range(index, 1)
        if not character.isspace():
            colour = rgb(pdfium_c.FPDFText_GetFillColor, text.raw, index)
            found.append((index, character, text.get_charbox(index), colour))
    return found


def union(first: Box, second: Box) -> Box:
    return (
        min(first[0], second[0]),
        min(first[1], second[1]),
        max(first[2], second[2]),
        max(first[3], second[3]),
    )


def white_numbers(page) -> list[tuple[str, Box]]:
    """The numbers written in white (the markers'), each with the box of its digits."""
    numbers: list[tuple[str, Box]] = []
    follows = None  # the index a digit must have to continue the last number
    for index, character, box, colour in glyphs(page):
        if not (character.isdigit() and colour == WHITE):
            continue
        if index == follows:
            digits, digits_box = numbers.pop()
            numbers.append((digits + character, union(digits_box, box)))
        else:
            numbers.append((character, box))
        follows = index + 1
    return numbers


def overlap(first: Box, second: Box) -> bool:
    return (
        first[0] < second[2]
        and second[0] < first[2]
        and first[1] < second[3]
        and second[1] < first[3]
    )


def inside(inner: Box, outer: Box, slack: float = 0.05) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def within_marker(box: Box, marker: Box, clearance: float) -> bool:
    """Whether ``box`` lies inside the disc or pill whose bounds are ``marker``
    (round ends, radius half its height), at least ``clearance`` from its edge."""
    radius = (marker[3] - marker[1]) / 2
    middle = (marker[1] + marker[3]) / 2
    start, end = marker[0] + radius, marker[2] - radius  # centres of the round ends
    corners = ((box[0], box[1]), (box[0], box[3]), (box[2], box[1]), (box[2], box[3]))
    return all(
        math.hypot(x - min(max(x, start), end), y - middle) <= radius - clearance
        for x, y in corners
    )


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


def test_summary_chart_labels_never_reach_their_bars(visual_dir):
    brief = stress_brief(5)
    content = render_bytes(brief, "pdf")
    document = pypdfium2.PdfDocument(content)
    page = document[0]
    page.render(scale=SCALE).to_pil().save(visual_dir / "pdf-wide-labels-page-1.png")
    bars = filled_shapes(page, TRACK)
    assert len(bars) == len(brief.summary)
    text = page.get_textpage().get_text_range()
    assert "WWWWWWWWWW" in text and "Mmmmmmmm Wwwwwwww" in text  # the labels are drawn
    width, height = page.get_size()
    margin = PAGE_MARGIN_MM * POINTS_PER_MM
    text_area = (margin, 0, width - margin, height)
    for _, character, box, _ in glyphs(page):
        assert not any(overlap(box, bar) for bar in bars), f"{character!r} at {box} is on a bar"
        assert inside(box, text_area), f"{character!r} at {box} is in the margin"


@pytest.mark.parametrize("entries", [12, 120])
def test_timeline_numbers_sit_inside_their_markers(entries, visual_dir):
    """Every number is drawn inside its marker with room to spare (1 pt), on
    the axis and in the list, for one-, two- and three-digit numbers; markers
    never overlap."""
    content = render_bytes(stress_brief(entries), "pdf")
    seen: Counter = Counter()
    for page in pypdfium2.PdfDocument(content):
        markers = filled_shapes(page, NAVY)
        numbers = white_numbers(page)
        if numbers and not seen:  # the page with the chart
            page.render(scale=SCALE).to_pil().save(visual_dir / f"pdf-timeline-{entries}.png")
        for text, box in numbers:
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            holders = [marker for marker in markers if inside((*centre, *centre), marker, slack=0)]
            assert holders, f"{text} has no marker"
            assert any(within_marker(box, marker, clearance=1) for marker in holders), (
                f"{text} touches or spills out of its marker"
            )
            seen[text] += 1
        for first, second in ((a, b) for i, a in enumerate(markers) for b in markers[i + 1 :]):
            assert not overlap(first, second), f"markers {first} and {second} overlap"
    assert seen == {str(number): 2 for number in range(1, entries + 1)}  # chart and list


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


WIDTHS = (
    "var root = this.contentDocument.documentElement;"
    'document.title = root.scrollWidth + "x" + root.clientWidth + "x" + root.scrollHeight;'
)

# Where the boxes that must not collide are, as JSON in the title: the sides of
# each divergence, each visible chart row's label and bar, each list marker's
# overflow, and each timeline-chart marker with its number.
LAYOUT = """
var page = this.contentDocument;
function box(element) {
  var r = element.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom];
}
function shown(element) { return element.getClientRects().length > 0; }
var report = {
  sides: Array.from(page.querySelectorAll(".sides")).map(function (sides) {
    return Array.from(sides.querySelectorAll(".side")).map(box);
  }),
  chart: Array.from(page.querySelectorAll(".agreement-chart tr")).filter(shown).map(function (row) {
    var label = row.querySelector(".chart-label");
    return {label: box(label), bar: box(row.querySelector(".chart-track")),
            overflows: label.scrollWidth > label.clientWidth};
  }),
  list_markers: Array.from(page.querySelectorAll(".event-number")).map(function (marker) {
    return {text: marker.textContent, overflows: marker.scrollWidth > marker.clientWidth};
  }),
  chart_markers: Array.from(page.querySelectorAll(".timeline-chart rect")).map(function (marker) {
    var shape = marker.getBBox(), number = marker.nextElementSibling.getBBox();
    return {shape: [shape.x, shape.y, shape.x + shape.width, shape.y + shape.height],
            number: [number.x, number.y, number.x + number.width, number.y + number.height]};
  })
};
document.title = JSON.stringify(report);
"""


def frame_page(page: str, width: int, height: int, report: str = WIDTHS) -> str:
    """The page inside an iframe of the given width (headless Chromium will not
    open a window narrower than 500 px); the ``report`` script, run when the
    frame has loaded, puts what it measures in the title."""
    return (
        "<!DOCTYPE html><html><head><style>body{margin:0}iframe{border:0;display:block}</style>"
        f'</head><body><iframe id="page" width="{width}" height="{height}" '
        f'srcdoc="{html_module.escape(page, quote=True)}"></iframe><script>'
        f'document.getElementById("page").addEventListener("load", function () {{{report}}});'
        "</script></body></html>"
    )


def layout_in_browser(page: str, width: int, tmp_path: Path) -> dict:
    """The LAYOUT report for ``page`` shown ``width`` px wide."""
    probe = tmp_path / "layout-probe.html"
    probe.write_text(frame_page(page, width, 800, LAYOUT), encoding="utf-8")
    dumped = chromium(
        "--virtual-time-budget=5000", "--dump-dom", probe.as_uri(), profile=tmp_path / "profile"
    )
    title = dumped.stdout.split("<title>", 1)[1].split("</title>", 1)[0]
    return json.loads(html_module.unescape(title))


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


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
@pytest.mark.parametrize(
    ("fmt", "width"),
    [("html", 1200), ("html", 390), ("email", 1200), ("email", 390)],
)
def test_boxes_hold_their_text_and_sides_stack_on_a_phone(fmt, width, tmp_path, visual_dir):
    """With the widest chart labels and 120 timeline entries: labels end before
    their bars, numbers stay inside their markers, and the two sides of a
    divergence stand side by side on a wide screen and one under the other
    below about 600 px (the email without media queries)."""
    page = render_bytes(stress_brief(120), fmt).decode()
    layout = layout_in_browser(page, width, tmp_path)
    measure_and_shoot(page, width, f"{fmt}-stress-{width}px", tmp_path, visual_dir)

    assert layout["sides"] and all(len(sides) == 2 for sides in layout["sides"])
    for first, second in layout["sides"]:
        if width >= 800:
            assert first[1] == second[1] and first[2] <= second[0]  # one row
        else:
            assert second[1] >= first[3]  # one column
    for row in layout["chart"]:
        assert row["label"][2] <= row["bar"][0] and not row["overflows"], row
    if fmt == "html":
        assert layout["list_markers"] and layout["chart_markers"]
        if width >= 800:
            assert len(layout["chart"]) == len(stress_brief(12).stories)  # a bar per top story
    for marker in layout["list_markers"]:
        assert not marker["overflows"], marker
    for marker in layout["chart_markers"]:
        assert inside(marker["number"], marker["shape"], slack=0.5), marker
