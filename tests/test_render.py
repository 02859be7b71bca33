"""Render stage: every format from one hand-built Brief, checked for what a
reader or a mail client would notice."""

from __future__ import annotations

import ctypes
import dataclasses
import html as html_module
import logging
import os
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sample_brief import empty_brief, hostile_brief, sample_brief

from briefing.errors import RenderError
from briefing.model import Brief, TimelineEntry
from briefing.render import (
    FORMATS,
    RenderOptions,
    output_path,
    render,
    render_all,
    render_bytes,
    slugify,
)
from briefing.render.assets import packaged_dir
from briefing.render.pdf import AssetFetcher
from briefing.render.view import markdown_escape


@pytest.fixture(scope="module")
def brief() -> Brief:
    return sample_brief()


@pytest.fixture(scope="module")
def pdf_bytes(brief) -> bytes:
    return render_bytes(brief, "pdf", options=RenderOptions(organisation="Policy Unit"))


@pytest.fixture(scope="module")
def html(brief) -> str:
    return render_bytes(brief, "html").decode()


class Outline(HTMLParser):
    """Ids, internal links, headings and landmark elements of an HTML page."""

    def __init__(self, text: str):
        super().__init__()
        self.ids: set[str] = set()
        self.fragment_links: list[str] = []
        self.links: list[str] = []
        self.headings: list[int] = []
        self.tags: list[str] = []
        self.html_lang: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        href = attributes.get("href")
        if tag == "a" and href:
            (self.fragment_links if href.startswith("#") else self.links).append(href)
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag == "html":
            self.html_lang = attributes.get("lang")


def pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def pdf_links(content: bytes) -> tuple[int, list[str]]:
    """How many links jump inside the document, and the web addresses linked."""
    document = pypdfium2.PdfDocument(content)
    internal, uris = 0, []
    for page in document:
        position, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
        while pdfium_c.FPDFLink_Enumerate(
            page.raw, ctypes.byref(position), ctypes.byref(link)
        ):
            if pdfium_c.FPDFLink_GetDest(document.raw, link):
                internal += 1
                continue
            action = pdfium_c.FPDFLink_GetAction(link)
            if action and pdfium_c.FPDFAction_GetType(action) == pdfium_c.PDFACTION_URI:
                size = pdfium_c.FPDFAction_GetURIPath(document.raw, action, None, 0)
                buffer = ctypes.create_string_buffer(size)
                pdfium_c.FPDFAction_GetURIPath(document.raw, action, buffer, size)
                uris.append(buffer.value.decode())
    return internal, uris


# Output names and options ---------------------------------------------------


def test_output_path_names_each_format_by_as_of_date_and_title(brief, tmp_path):
    names = {fmt: output_path(brief, tmp_path, fmt).name for fmt in FORMATS}
    assert names == {
        "pdf": "2022-02-25-pakistan-russia-relations.pdf",
        "html": "2022-02-25-pakistan-russia-relations.html",
        "email": "2022-02-25-pakistan-russia-relations.email.html",
        "eml": "2022-02-25-pakistan-russia-relations.eml",
        "md": "2022-02-25-pakistan-russia-relations.md",
        "json": "2022-02-25-pakistan-russia-relations.json",
    }
    undated = dataclasses.replace(brief, as_of=None)
    assert output_path(undated, tmp_path, "md").name.startswith("undated-")


def test_slugify_keeps_words_and_drops_punctuation():
    assert (
        slugify("Côte d'Ivoire: the 2024 élections!")
        == "cote-d-ivoire-the-2024-elections"
    )
    assert slugify("«»") == "brief"


def test_unknown_format_and_paper_are_render_errors(brief, tmp_path):
    with pytest.raises(RenderError, match="docx"):
        render(brief, "docx", tmp_path / "x.docx")
    with pytest.raises(RenderError, match="A3"):
        RenderOptions(paper="A3")
    assert RenderOptions(paper="letter").paper == "Letter"


def test_shipped_templates_and_styles_are_found():
    assert (packaged_dir("templates") / "base.html.j2").is_file()
    assert (packaged_dir("styles") / "print.css").is_file()


def test_render_all_writes_every_format_with_its_standard_name(brief, tmp_path):
    paths = render_all(brief, tmp_path)
    assert sorted(path.name for path in paths) == sorted(
        output_path(brief, tmp_path, fmt).name for fmt in FORMATS
    )
    assert all(path.stat().st_size > 0 for path in paths)
    assert paths[0].read_bytes().startswith(b"%PDF-")


# Content of the brief ---------------------------------------------------------


def test_every_claim_reference_points_at_a_listed_source(html):
    outline = Outline(html)
    assert outline.fragment_links, "no references at all"
    missing = [link for link in outline.fragment_links if link[1:] not in outline.ids]
    assert missing == []
    assert {"src-S1", "src-S7"} <= outline.ids


def test_claims_show_references_and_how_many_outlets_back_them(html):
    # C1, story T2's lead, is backed by S1-S5 (S4 a copy of S3): four outlets, references [1]..[5].
    first = html.split('id="story-T2"')[1].split("</li>")[0]
    for number in range(1, 6):
        assert f'href="#src-S{number}"' in first
    assert "4 outlets" in first
    assert "1 outlet<" in html


def test_cover_states_scope_dates_and_model(html, brief):
    cover = html.split("</header>")[0]
    assert "7 articles from 6 outlets" in cover
    assert "1 duplicate counted once" in cover
    assert "7 April 2021 – 25 February 2022" in cover
    assert brief.model in cover
    assert "As of" in cover and "25 February 2022" in cover


def test_sections_for_every_theme_divergence_timeline_and_sources(html, brief):
    outline = Outline(html)
    for section in brief.themes:
        assert f"theme-{section.id}" in outline.ids
    assert {"summary", "differ", "timeline", "sources"} <= outline.ids
    differ = html.split('id="differ"')[1].split("</section>")[0]
    assert "Geo News" in differ and "Arab News" in differ


def test_sources_list_marks_copies_and_unreliable_dates(html):
    sources = html.split('id="sources"')[1]
    copy = sources.split('id="src-S4"')[1].split("</li>")[0]
    assert 'duplicate of <a href="#src-S3">[3]</a>' in copy
    assert "date from the dateline" in sources.split('id="src-S3"')[1].split("</li>")[0]
    assert "date unknown" in sources.split('id="src-S7"')[1]
    assert (
        "date"
        not in sources.split('id="src-S1"')[1].split("</li>")[0].split("</time>")[1]
    )


def test_html_is_standalone_and_accessible(html):
    outline = Outline(html)
    assert outline.html_lang == "en"
    assert {"header", "nav", "main", "footer", "svg", "style"} <= set(outline.tags)
    assert not {"link", "img", "script", "iframe"} & set(outline.tags)
    assert "url(" not in html and "@import" not in html
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    steps = zip(outline.headings, outline.headings[1:])
    assert all(after <= before + 1 for before, after in steps), outline.headings
    assert 'name="viewport"' in html and "@media print" in html


def test_article_text_is_shown_literally_never_evaluated_or_interpreted():
    hostile = hostile_brief()
    html = render_bytes(hostile, "html").decode()
    assert "{{ 7*7 }}" in html and "49" not in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{% raw %}&lt;b&gt;Bold&lt;/b&gt; &amp; _odd_ title" in html
    markdown = render_bytes(hostile, "md").decode()
    assert (
        r"{{ 7\*7 }} and \<script\>alert(1)\</script\> \*not bold\* \[x\](y) # 1. done"
        in markdown
    )
    assert r"\<b\>Bold\</b\> & \_odd\_ title" in markdown
    text = pdf_text(
        render_bytes(hostile, "pdf", options=RenderOptions(tagged_pdf=False))
    )
    assert "{{ 7*7 }}" in text and "<script>alert(1)</script>" in text


def test_only_web_addresses_become_links(brief, tmp_path):
    sources = list(brief.sources)
    sources[0] = dataclasses.replace(sources[0], url="javascript:alert(1)")
    sources[1] = dataclasses.replace(sources[1], url="file:///etc/passwd")
    html = render_bytes(
        dataclasses.replace(brief, sources=tuple(sources)), "html"
    ).decode()
    assert 'href="javascript' not in html and 'href="file:' not in html
    assert "javascript:alert(1)" in html  # still shown, as text


def test_markdown_has_the_whole_brief_in_escaped_form(brief):
    markdown = render_bytes(brief, "md").decode()
    assert markdown.startswith("# Pakistan–Russia relations\n")
    for heading in (
        "## Top stories",
        "### Imran Khan meets Putin in Moscow",
        "## Energy",
        "## Economy",
        "## Where sources differ",
        "## Timeline",
        "## Sources",
    ):
        assert f"\n{heading}\n" in markdown
    assert (
        "- The two sides agreed to speed up work on the Pakistan Stream gas pipeline."
        in markdown
    )
    assert "- About: Pakistan, Russia, wheat" in markdown  # a label, never shown as a quoted title
    assert r"\[1\]\[2\]\[3\]\[4\]\[5\] (4 outlets, 7 Apr 2021)" in markdown
    assert r"duplicate of \[3\]" in markdown
    assert "<https://www.dawn.com/news/1616873/lavrov-meets-imran-khan>" in markdown


def test_an_empty_brief_still_renders_in_every_format(tmp_path):
    empty = empty_brief()
    for fmt in ("pdf", "html", "email", "md", "json"):
        assert render(empty, fmt, tmp_path / f"empty.{fmt}").stat().st_size > 0
    assert (
        "No claim was backed by the sources." in (tmp_path / "empty.html").read_text()
    )


# Determinism and atomic writes ------------------------------------------------


def test_same_brief_gives_byte_identical_output_in_two_processes(tmp_path):
    """Each process has its own hash seed, so set or dict order leaking into a format shows."""
    script = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]); from sample_brief import sample_brief; "
        "from briefing.render import render_bytes; brief = sample_brief(); "
        "print(*(hashlib.sha256(render_bytes(brief, f)).hexdigest() for f in ('html', 'email', 'md', 'json', 'pdf')))"
    )
    digests = []
    for seed in ("1", "2"):
        environment = {**os.environ, "SOURCE_DATE_EPOCH": "1645768800", "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], env=environment,
                              capture_output=True, text=True, timeout=300, check=True)
        digests.append(done.stdout.split())
    assert len(digests[0]) == 5 and digests[0] == digests[1]


def test_failing_render_leaves_no_file_and_keeps_the_old_one(brief, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "html.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block nav %}{{ nope() }}{% endblock %}'
    )
    target = tmp_path / "out" / "brief.html"
    with pytest.raises(RenderError):
        render(brief, "html", target, options=RenderOptions(templates_dir=templates))
    assert not target.parent.exists() or list(target.parent.iterdir()) == []
    render(brief, "html", target)
    before = target.read_bytes()
    with pytest.raises(RenderError):
        render(brief, "html", target, options=RenderOptions(templates_dir=templates))
    assert target.read_bytes() == before
    assert [path.name for path in target.parent.iterdir()] == ["brief.html"]


def test_output_in_an_unwritable_place_is_one_render_error(brief, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RenderError, match="cannot write"):
        render(brief, "md", blocker / "brief.md")


def test_written_file_gets_ordinary_permissions(brief, tmp_path):
    path = render(brief, "md", tmp_path / "brief.md")
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


# User templates and styles ----------------------------------------------------


def test_user_template_and_stylesheet_override_the_shipped_ones(brief, tmp_path):
    templates, styles = tmp_path / "templates", tmp_path / "styles"
    templates.mkdir()
    styles.mkdir()
    (templates / "html.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block footer %}<footer>Ministry copy</footer>{% endblock %}'
    )
    (styles / "screen.css").write_text("body { background: #fffbe6; }")
    options = RenderOptions(templates_dir=templates, styles_dir=styles)
    html = render_bytes(brief, "html", options=options).decode()
    assert "<footer>Ministry copy</footer>" in html
    assert "#fffbe6" in html
    assert (
        "/* base.css */" in html
    )  # styles the user did not override still come from the package


def test_broken_user_template_is_named_in_the_error(brief, tmp_path):
    (tmp_path / "html.html.j2").write_text("{% block x %}\n{% if %}\n")
    with pytest.raises(RenderError, match=r"html\.html\.j2:2"):
        render_bytes(brief, "html", options=RenderOptions(templates_dir=tmp_path))
    with pytest.raises(RenderError, match="not a folder"):
        render_bytes(
            brief, "html", options=RenderOptions(templates_dir=tmp_path / "missing")
        )


# PDF ---------------------------------------------------------------------------


def test_pdf_metadata_comes_from_the_brief(pdf_bytes):
    metadata = pypdfium2.PdfDocument(pdf_bytes).get_metadata_dict()
    assert metadata["Title"].startswith("Pakistan–Russia relations")
    assert metadata["Author"] == "Policy Unit"
    assert (
        metadata["Keywords"] == "Energy, Diplomacy, Economy"
    )
    assert metadata["CreationDate"].startswith("D:20220225060000")


def test_pdf_has_running_header_page_numbers_and_cover(pdf_bytes):
    document = pypdfium2.PdfDocument(pdf_bytes)
    pages = [page.get_textpage().get_text_range() for page in document]
    total = len(pages)
    assert total >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
    assert "7 articles from 6 outlets" in pages[0]
    assert (
        "Pakistan–Russia relations" in pages[1] and "As of 25 February 2022" in pages[1]
    )


def test_pdf_paper_size_follows_the_option(brief, pdf_bytes):
    a4 = pypdfium2.PdfDocument(pdf_bytes)[0].get_size()
    letter_pdf = render_bytes(
        brief, "pdf", options=RenderOptions(paper="Letter", tagged_pdf=False)
    )
    letter = pypdfium2.PdfDocument(letter_pdf)[0].get_size()
    assert [round(side) for side in a4] == [595, 842]
    assert [round(side) for side in letter] == [612, 792]


def test_pdf_bookmarks_every_section(pdf_bytes, brief):
    titles = [item.get_title() for item in pypdfium2.PdfDocument(pdf_bytes).get_toc()]
    expected = [
        "Top stories",
        *(s.label for s in brief.themes),
        "Where sources differ",
        "Timeline",
        "Sources",
    ]
    assert [title for title in titles if title in expected] == expected


def test_pdf_links_claims_to_sources_and_sources_to_their_urls(pdf_bytes, brief):
    internal, uris = pdf_links(pdf_bytes)
    references = sum(len({s.source for s in c.support}) for c in brief.summary)
    assert internal >= references
    assert sorted(uris) == sorted(a.url for a in brief.sources if a.url)


def pdf_fonts(content: bytes) -> dict[str, bool]:
    """Every font the text of the PDF uses, and whether it is embedded."""
    fonts = {}
    for page in pypdfium2.PdfDocument(content):
        for text_object in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
            font = pdfium_c.FPDFTextObj_GetFont(text_object.raw)
            size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
            name = ctypes.create_string_buffer(size)
            pdfium_c.FPDFFont_GetBaseFontName(font, name, size)
            fonts[name.value.decode()] = bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
    return fonts


def test_pdf_embeds_every_font_it_uses(pdf_bytes):
    fonts = pdf_fonts(pdf_bytes)
    assert fonts and all(fonts.values()), fonts


PACKAGED_FONTS = {"Briefing-Sans", "Briefing-Sans-Bold", "Briefing-Sans-Italic"}  # print.css


def test_pdf_text_is_set_in_the_fonts_shipped_with_the_package(pdf_bytes):
    """Every embedded font is one of styles/fonts/ (subset on embed: a
    six-letter tag before the name), none a system font."""
    fonts = pdf_fonts(pdf_bytes)
    assert {name.split("+", 1)[-1] for name in fonts} == PACKAGED_FONTS
    assert all(name.split("+", 1)[0].isupper() for name in fonts)  # subsets


def test_shipped_fonts_carry_their_licence():
    fonts = packaged_dir("styles") / "fonts"
    assert len(list(fonts.glob("*.ttf"))) == 3
    licence = (fonts / "LICENSE").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Reserved Font Name Liberation" in licence


RENDER_IN_A_SUBPROCESS = """
import sys
from weasyprint.text.ffi import fontconfig
from sample_brief import sample_brief
from briefing.render import RenderOptions, render_bytes

config = fontconfig.FcInitLoadConfigAndFonts()
print(fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem).nfont)
pdf = render_bytes(sample_brief(), "pdf", options=RenderOptions(organisation="Policy Unit"))
open(sys.argv[1], "wb").write(pdf)
"""


def render_without_system_fonts(tmp_path: Path) -> tuple[int, bytes]:
    """The sample brief's PDF rendered by a process whose fontconfig knows no
    font folder at all, and how many system fonts that process could see."""
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    output = tmp_path / "brief.pdf"
    environment = {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path]),
    }
    process = subprocess.run(
        [sys.executable, "-c", RENDER_IN_A_SUBPROCESS, str(output)],
        env=environment, capture_output=True, text=True, timeout=300, check=False,
    )
    assert process.returncode == 0, process.stderr
    return int(process.stdout.split()[-1]), output.read_bytes()


def test_pdf_is_the_same_on_a_machine_without_fonts(pdf_bytes, tmp_path):
    """Same pages, same text on each page (so the same line breaks) and the same
    embedded fonts, whether or not the system has DejaVu, Liberation or any font."""
    system_fonts, bare = render_without_system_fonts(tmp_path)
    assert system_fonts == 0
    pages = [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf_bytes)]
    bare_pages = [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(bare)]
    assert len(bare_pages) == len(pages)
    assert bare_pages == pages
    assert set(pdf_fonts(bare)) == set(pdf_fonts(pdf_bytes))


@pytest.mark.slow
def test_example_brief_has_the_same_pages_with_and_without_system_fonts(examples_dir, tmp_path):
    """The issue's case: examples/ gave 7 pages with DejaVu and 6 with Liberation."""
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    built = {}
    for name, fonts in (("system fonts", {}), ("no fonts", {"FONTCONFIG_FILE": str(config)})):
        out = tmp_path / name
        process = subprocess.run(
            [sys.executable, "-m", "briefing.cli", "build", str(examples_dir)]
            + ["-o", str(out), "-f", "pdf"],
            env={**os.environ, "SOURCE_DATE_EPOCH": "1709856000", **fonts},
            capture_output=True, text=True, timeout=600, check=False,
        )
        assert process.returncode == 0, process.stderr
        content = next(out.glob("*.pdf")).read_bytes()
        pages = [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(content)]
        built[name] = (pages, set(pdf_fonts(content)))
    print(f"example brief: {len(built['system fonts'][0])} pages with system fonts, "
          f"{len(built['no fonts'][0])} without")
    assert built["no fonts"] == built["system fonts"]
    assert {font.split("+", 1)[-1] for font in built["no fonts"][1]} == PACKAGED_FONTS


def test_pdf_is_tagged_unless_asked_not_to_be(brief, pdf_bytes):
    assert pdfium_c.FPDFCatalog_IsTagged(pypdfium2.PdfDocument(pdf_bytes).raw)
    plain = render_bytes(brief, "pdf", options=RenderOptions(tagged_pdf=False))
    assert not pdfium_c.FPDFCatalog_IsTagged(pypdfium2.PdfDocument(plain).raw)


def test_pdf_renderer_reads_only_packaged_styles(brief, tmp_path, caplog):
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "print.css").write_text(
        '@import url("file:///etc/passwd");\n'
        'body { background: url("http://example.invalid/tracker.png"); }\n'
        'h1 { background: url("data:image/png;base64,iVBORw0KGgo="); }\n'
    )
    with caplog.at_level(logging.WARNING, logger="briefing"):
        content = render_bytes(brief, "pdf", options=RenderOptions(styles_dir=styles))
    assert content.startswith(b"%PDF-")
    refused = " ".join(record.getMessage() for record in caplog.records)
    assert "file:///etc/passwd" in refused
    assert "http://example.invalid/tracker.png" in refused
    assert "data:image/png" in refused


def test_asset_fetcher_serves_files_inside_the_style_folders_only(tmp_path):
    (tmp_path / "font.woff2").write_bytes(b"font")
    fetcher = AssetFetcher((tmp_path,))
    assert fetcher.fetch((tmp_path / "font.woff2").as_uri()).read() == b"font"
    with pytest.raises(ValueError):
        fetcher.fetch((tmp_path / ".." / "secret").resolve().as_uri())


def test_pdf_render_time_for_sample_and_long_brief(brief):
    import time

    from sample_brief import long_brief

    started = time.perf_counter()
    render_bytes(brief, "pdf")
    sample_seconds = time.perf_counter() - started
    started = time.perf_counter()
    long_pdf = render_bytes(long_brief(20), "pdf")
    long_seconds = time.perf_counter() - started
    pages = len(pypdfium2.PdfDocument(long_pdf))
    print(
        f"PDF render: sample {sample_seconds:.2f}s, long brief {long_seconds:.2f}s ({pages} pages)"
    )
    assert 10 <= pages <= 30  # paginates, without runaway pages
    assert (
        sample_seconds < 5 and long_seconds < 20
    )  # generous: shared CI machines are slow


def test_pdf_source_numbers_stay_whole_beside_their_entry(brief):
    import re

    extra = tuple(
        dataclasses.replace(brief.sources[0], id=f"X{number}", duplicate_of=None)
        for number in range(120 - len(brief.sources))
    )
    cited = TimelineEntry(date(2022, 2, 25), "Every extra source reports it.", tuple(s.id for s in extra))
    many = dataclasses.replace(brief, sources=brief.sources + extra, timeline=(*brief.timeline, cited))
    text = pdf_text(render_bytes(many, "pdf"))
    assert re.search(r"^\[120\] \S", text, re.MULTILINE)  # "[120]" then the outlet, one line
    assert not re.search(r"\[\d+\s+\]|^\]", text, re.MULTILINE)  # never "[100" and "]" on two lines


def test_pdf_sets_meta_lines_and_addresses_on_lines_of_their_own(pdf_bytes, brief):
    """The PDF makes them blocks where the web page puts a <br> before them."""
    lines = pdf_text(pdf_bytes).splitlines()
    assert "4 outlets · 7 Apr 2021" in lines  # under "... gas pipeline. [1][2][3][4][5]"
    assert "1 outlet · 7 Apr 2021 · quoting Sergey Lavrov" in lines
    assert [article.url for article in brief.sources if article.url] == [
        line for line in lines if line.startswith("https://")
    ]
    assert "feeds/wire.xml" in lines  # a source without a URL shows its path


def test_pdf_isolates_the_names_that_could_turn_the_text_around_them(brief):
    """<bdi> costs WeasyPrint layout time: the PDF keeps it for right-to-left
    text and bidi controls, and leaves other names bare."""
    from briefing.render.assets import render_page

    sources = list(brief.sources)
    sources[0] = dataclasses.replace(sources[0], outlet="\u0627\u0644\u062c\u0632\u064a\u0631\u0629")
    sources[1] = dataclasses.replace(sources[1], title="Gas \u202eevil\u202c talks")
    changed = dataclasses.replace(brief, sources=tuple(sources))
    page = render_page(changed, RenderOptions(), format="pdf", template="pdf.html.j2")
    assert f"<bdi>{sources[0].outlet}</bdi>" in page
    assert "<cite><bdi>Gas \u202eevil\u202c talks</bdi></cite>" in page
    assert f"] {sources[2].outlet}</strong>" in page  # "Xinhua", bare
    assert f"<bdi>{sources[2].outlet}</bdi>" in render_bytes(changed, "html").decode()
    assert "[3] Xinhua, Russia, Pakistan agree" in pdf_text(render_bytes(changed, "pdf"))


def test_pdf_render_leaves_the_garbage_collector_as_it_found_it(brief):
    import gc

    assert gc.isenabled()
    render_bytes(brief, "pdf")
    assert gc.isenabled()  # switched off only while WeasyPrint works
    gc.disable()
    try:
        render_bytes(brief, "pdf")
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_output_path_is_used_by_render_and_returns_it(brief, tmp_path):
    target = output_path(brief, tmp_path / "nested", "json")
    assert render(brief, "json", target) == target
    assert Path(target).read_text().startswith('{\n  "schema": "briefing/2"')


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=1,
    )
)
def test_markdown_escape_makes_any_text_render_as_itself(text):
    markdown_it = pytest.importorskip("markdown_it")
    shown = " ".join(text.split())
    assume(shown)
    rendered = markdown_it.MarkdownIt("commonmark").render(markdown_escape(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), rendered
    assert html_module.unescape(rendered[3:-5]) == shown


def test_a_printed_event_older_than_its_story_is_pointed_to_as_recalled_not_as_the_story():
    """A story from 2022 that recalls a 2019 meeting: the 2019 date must not sit beside the
    2022 story's headline as if that were what happened then."""
    base = sample_brief()
    story = next(story for story in base.stories if story.id == "T1")
    claim = story.summary[0]
    own = TimelineEntry(story.first_published, claim.text, ("S5",), story="T1", claim=claim.id)
    older = TimelineEntry(date(2019, 6, 13), claim.text, ("S5",), story="T1", claim=claim.id)
    for entry, recalled in ((own, False), (older, True)):
        brief = dataclasses.replace(base, timeline=(entry,))
        markdown = render_bytes(brief, "md").decode("utf-8")
        html = render_bytes(brief, "html").decode("utf-8")
        line = next(line for line in markdown.splitlines() if line.startswith(f"- {entry.date.day} "))
        assert "(see the story)" in line  # the sentence is printed in the story: a pointer, not a repeat
        assert ("recalled in" in line) is recalled and ("recalled in <a" in html) is recalled


def test_the_web_page_lists_each_other_wording_once_and_never_the_printed_line_again():
    from briefing.model import Support

    base = sample_brief()
    story = base.stories[0]
    claim = story.summary[0]
    other = "Officials said, in other words, the same thing happened."
    support = (Support("S1", claim.text), Support("S2", claim.text), Support("S3", other), Support("S4", other))

    def page(supports) -> str:
        changed = dataclasses.replace(claim, support=supports)
        stories = (dataclasses.replace(story, summary=(changed, *story.summary[1:])), *base.stories[1:])
        summary = tuple(changed if point.id == claim.id else point for point in base.summary)
        return render_bytes(dataclasses.replace(base, stories=stories, summary=summary), "html").decode("utf-8")

    import re

    def blocks(page_text: str) -> list[str]:
        return re.findall(r'<details class="support">.*?</details>', page_text, re.S)

    printed = f"<q>{html_module.escape(claim.text, quote=False)}</q>"
    (details,) = [block for block in blocks(page(support)) if html_module.escape(other, quote=False) in block]
    assert details.count(f"<q>{html_module.escape(other, quote=False)}</q>") == 1  # once, for both sources
    assert 'href="#src-S3"' in details and 'href="#src-S4"' in details
    assert printed not in details  # the printed line is not quoted again
    assert not any(printed in block for block in blocks(page(support[:2])))
