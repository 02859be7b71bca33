"""URLs, feeds and OPML lists as inputs, against a local HTTP server on
127.0.0.1: pages and feeds read, summaries completed from the page, robots.txt
obeyed, redirects bounded, errors, endless, huge and mistyped responses each
one warning naming the URL, conditional GET from the on-disk cache, a few
requests per host at a time, local files never read through a feed, and
--offline making no connection at all."""

from __future__ import annotations

import http.server
import json
import logging
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from briefing.read import read_inputs
from briefing.read.fetch import PER_HOST, Fetcher

SECRET = "The launch codes are hidden under the third floorboard."

PAGE = """<!DOCTYPE html><html><head><title>Port expansion approved</title>
<meta property="og:site_name" content="Coastal Courier"></head><body>
<nav>Home | Business | Privacy policy</nav>
<article><h1>Port expansion approved</h1>
<p>The city council approved a plan on Thursday to double the size of the container port.</p>
<p>Work on the new quay is due to begin in the spring, the harbour master said.</p>
<p>Shipping companies welcomed the decision, which had been delayed for two years.</p>
</article></body></html>"""

MILL_PAGE = """<!DOCTYPE html><html><head><title>Mill to close in June</title></head><body>
<article><h1>Mill to close in June</h1>
<p>The paper mill on the east bank will close in June, its owners said on Wednesday.</p>
<p>About 300 workers will lose their jobs when the mill shuts after ninety years.</p>
<p>The town council said it would seek a buyer for the site before the summer.</p>
</article></body></html>"""


def rss(base: str, secret_path: Path) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Valley Gazette</title><link>{base}/</link>
<item><title>Bridge reopens after repairs</title><link>{base}/bridge</link>
<pubDate>Tue, 05 Mar 2024 09:00:00 GMT</pubDate><description>Teaser for the bridge.</description>
<content:encoded><![CDATA[<p>The old river bridge reopened on Tuesday after six months of repairs.</p>
<p>Traffic is expected to return to normal by the weekend.</p>]]></content:encoded></item>
<item><title>Mill to close in June</title><link>/articles/mill.html</link>
<pubDate>Wed, 06 Mar 2024 10:30:00 GMT</pubDate><description>Short teaser only.</description></item>
<item><title>Lost story</title><link>{base}/missing</link>
<pubDate>Wed, 06 Mar 2024 11:00:00 GMT</pubDate><description>The lost story's summary stays.</description></item>
<item><title>Secret by URL</title><link>file://{secret_path}</link>
<pubDate>Wed, 06 Mar 2024 12:00:00 GMT</pubDate><description>A summary of the file URL entry.</description></item>
<item><title>Secret by path</title><link>{secret_path}</link>
<pubDate>Wed, 06 Mar 2024 13:00:00 GMT</pubDate><description>A summary of the path entry.</description></item>
</channel></rss>"""


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Notes</title><id>urn:harbour</id>
<updated>2024-02-10T00:00:00Z</updated>
<entry><title>Ferry timetable</title><id>urn:ferry</id><link href="https://harbour.example/ferry"/>
<published>2024-02-09T08:00:00Z</published><updated>2024-02-10T00:00:00Z</updated>
<content type="text">The island ferry will run every two hours from next month, the operator said.</content></entry>
</feed>"""


def opml(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
<outline text="News">
  <outline type="rss" text="Valley Gazette" xmlUrl="{base}/feed.xml" htmlUrl="{base}/"/>
  <outline type="rss" text="Harbour Notes" xmlUrl="{base}/atom.xml"/>
  <outline type="rss" text="Gone" xmlUrl="{base}/missing-feed"/>
  <outline type="rss" text="Local" xmlUrl="file:///etc/passwd"/>
</outline></body></opml>"""


class Site(http.server.ThreadingHTTPServer):
    """The test web: what each path serves, and what it was asked."""

    daemon_threads = True

    def __init__(self, secret_path: Path) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.secret_path = secret_path
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.connections = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def process_request(self, request, client_address) -> None:
        with self.lock:
            self.connections += 1
        super().process_request(request, client_address)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Site

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        site = self.server
        with site.lock:
            site.requests.append((self.path, dict(self.headers)))
            site.in_flight += 1
            site.most_in_flight = max(site.most_in_flight, site.in_flight)
        try:
            self.route(site)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with site.lock:
                site.in_flight -= 1

    def route(self, site: Site) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/robots.txt":
            self.send("User-agent: *\nDisallow: /private/\n", "text/plain")
        elif path == "/feed.xml":
            self.send(rss(site.base, site.secret_path), "application/rss+xml")
        elif path == "/atom.xml":
            self.send(ATOM, "application/atom+xml")
        elif path == "/feeds.opml":
            self.send(opml(site.base), "text/x-opml")
        elif path in ("/articles/port.html", "/private/story.html"):
            self.send(PAGE, "text/html; charset=utf-8")
        elif path == "/commented.html":
            self.send("<!-- " + "build info " * 200 + "-->\n" + PAGE, "text/html")
        elif path == "/notes.md":
            self.send("# Harbour dredging starts\n\nDredging of the **harbour channel** started on Wednesday.\n",
                      "text/markdown; charset=utf-8")
        elif path == "/articles/mill.html":
            self.send(MILL_PAGE, "text/html")
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            self.redirect(f"/redirect/{left - 1}" if left > 1 else "/articles/port.html")
        elif path == "/to-file":
            self.redirect(f"file://{site.secret_path}")
        elif path == "/error":
            self.send("boom", "text/plain", status=500)
        elif path == "/image.png":
            self.send_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
        elif path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            while True:
                self.wfile.write(b"<p>more</p>")
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"<p>" + b"x" * 65536 + b"</p>")
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "5000000")
            self.send_header("Connection", "close")
            self.end_headers()
        elif path == "/etag.html":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send(PAGE, "text/html", headers={"ETag": '"v1"'})
        elif path.startswith("/slow/"):
            time.sleep(0.2)
            self.send(ATOM.replace("urn:ferry", f"urn:ferry:{path}"), "application/atom+xml")
        else:
            self.send("not here", "text/plain", status=404)

    def send(self, text: str, content_type: str, *, status: int = 200, headers: dict | None = None) -> None:
        self.send_bytes(text.encode("utf-8"), content_type, status=status, headers=headers)

    def send_bytes(self, body: bytes, content_type: str, *, status: int = 200, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture()
def site(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n")
    server = Site(secret)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture()
def fetcher(tmp_path: Path):
    with Fetcher(cache_dir=tmp_path / "fetch-cache", deadline=4.0, max_bytes=1024 * 1024) as fetcher:
        yield fetcher


def read(site: Site, fetcher: Fetcher, *paths: str, caplog=None):
    urls = [site.base + path for path in paths]
    if caplog is None:
        return read_inputs(urls, fetcher=fetcher)
    with caplog.at_level(logging.WARNING, logger="briefing"):
        return read_inputs(urls, fetcher=fetcher)


def test_a_page_url_is_read_by_trafilatura_and_keeps_its_url(site, fetcher):
    [article] = read(site, fetcher, "/articles/port.html").articles
    assert (article.title, article.outlet, article.raw_format) == ("Port expansion approved", "Coastal Courier", "html")
    assert article.url == article.path == site.base + "/articles/port.html"
    assert "double the size of the container port" in article.text and "Privacy policy" not in article.text


def test_a_page_served_as_html_is_html_even_behind_a_long_comment(site, fetcher):
    [article] = read(site, fetcher, "/commented.html").articles
    assert article.raw_format == "html" and article.title == "Port expansion approved"
    assert "<p>" not in article.text and "build info" not in article.text


def test_markdown_served_as_markdown_is_read_as_markdown(site, fetcher):
    [article] = read(site, fetcher, "/notes.md").articles
    assert (article.raw_format, article.title, article.url) == ("md", "Harbour dredging starts", site.base + "/notes.md")
    assert article.text.strip() == "Dredging of the harbour channel started on Wednesday."


def test_a_feed_url_gives_its_entries_and_summary_only_entries_get_their_page(site, fetcher, caplog):
    result = read(site, fetcher, "/feed.xml", caplog=caplog)
    bridge, mill, lost, by_url, by_path = result.articles
    assert bridge.outlet == "Valley Gazette" and "reopened on Tuesday" in bridge.text
    assert "/bridge" not in site.paths(), "an entry with its content is not fetched again"
    assert mill.url == site.base + "/articles/mill.html", "a relative link is resolved against the feed's URL"
    assert "About 300 workers will lose their jobs" in mill.text and "teaser" not in mill.text
    assert mill.title == "Mill to close in June" and mill.published.isoformat() == "2024-03-06"
    assert lost.text == "The lost story's summary stays."
    assert f"warning: {site.base}/missing: HTTP 404 Not Found; the feed's summary is used" in [
        f"warning: {record.getMessage()}" for record in caplog.records]
    assert (by_url.text, by_path.text) == ("A summary of the file URL entry.", "A summary of the path entry.")


def test_a_feed_never_reads_a_local_file_its_links_name(site, fetcher, tmp_path):
    """Issue 18: an item whose link is a file: URL or a local path must not pull the file in."""
    result = read(site, fetcher, "/feed.xml")
    assert all(SECRET not in article.text for article in result.articles)
    by_path = result.articles[4]
    assert by_path.url == site.base + str(tmp_path / "secret.txt"), "a path is a path on the feed's site, asked over http"
    assert str(tmp_path / "secret.txt") in site.paths()  # and that site said 404


def test_a_redirect_to_a_file_url_is_refused(site, fetcher):
    result = read(site, fetcher, "/to-file")
    assert not result.articles
    [skipped] = result.skipped
    assert skipped.path == site.base + "/to-file" and skipped.reason.startswith("not an http(s) URL: file://")


def test_an_opml_list_reads_each_feed_and_reports_the_ones_that_fail(site, fetcher, tmp_path, caplog):
    listing = tmp_path / "feeds.opml"
    listing.write_text(opml(site.base))
    with caplog.at_level(logging.WARNING, logger="briefing"):
        result = read_inputs([listing], fetcher=fetcher)
    outlets = [article.outlet for article in result.articles]
    assert outlets.count("Valley Gazette") == 5 and outlets.count("Harbour Notes") == 1
    assert [(skipped.path, skipped.reason) for skipped in result.skipped] == [
        ("file:///etc/passwd", "not an http(s) URL; not read"),
        (site.base + "/missing-feed", "HTTP 404 Not Found"),
    ]
    assert "root:" not in " ".join(article.text for article in result.articles)


def test_an_opml_list_by_url_is_read_too(site, fetcher):
    result = read(site, fetcher, "/feeds.opml")
    assert {article.outlet for article in result.articles} == {"Valley Gazette", "Harbour Notes"}


def test_an_opml_file_found_in_a_folder_is_not_fetched(site, fetcher, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "story.txt").write_text("The dam opened on Monday, officials said.\n")
    (folder / "feeds.xml").write_text(opml(site.base))
    result = read_inputs([folder], fetcher=fetcher)
    assert len(result.articles) == 1 and site.connections == 0
    assert [skipped.path for skipped in result.skipped] == [str(folder / "feeds.xml")]


def test_an_opml_file_found_in_a_folder_is_not_fetched_by_a_dask_worker_either(site, tmp_path):
    """The Dask engine hands each walked file to a worker alone: it still says the user did not name it."""
    from briefing.engine import read_file
    from briefing.read import list_inputs

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "feeds.xml").write_text(opml(site.base))
    units, _ = list_inputs([folder])
    assert units == [str(folder / "feeds.xml")]
    [skipped] = read_file(units[0], False, today=date(2024, 3, 10)).skipped
    assert skipped.reason.startswith("an OPML list of feeds is read only when named") and site.connections == 0


def test_an_opml_list_saved_as_xml_and_named_is_read_as_one(site, fetcher, tmp_path):
    listing = tmp_path / "feeds.xml"
    listing.write_text(opml(site.base))
    result = read_inputs([listing], fetcher=fetcher)
    assert {article.outlet for article in result.articles} == {"Valley Gazette", "Harbour Notes"}


def test_robots_txt_is_obeyed_and_the_user_agent_names_the_tool(site, fetcher):
    result = read(site, fetcher, "/private/story.html", "/articles/port.html")
    assert len(result.articles) == 1
    [skipped] = result.skipped
    assert skipped.path == site.base + "/private/story.html"
    assert "robots.txt" in skipped.reason and "/private/story.html" in skipped.reason
    assert "/private/story.html" not in site.paths()
    assert site.paths()[0] == "/robots.txt" and site.paths().count("/robots.txt") == 1
    assert all(headers["User-Agent"].startswith("briefing/") for _, headers in site.requests)


def test_a_short_redirect_chain_is_followed_and_a_long_one_is_cut(site, fetcher):
    result = read(site, fetcher, "/redirect/3", "/redirect/9")
    [article] = result.articles
    assert article.url == site.base + "/articles/port.html"
    assert [(s.path, s.reason) for s in result.skipped] == [(site.base + "/redirect/9", "more than 5 redirects")]
    hops = [path for path in site.paths() if path.startswith("/redirect/")]
    assert sorted(hops) == sorted(["/redirect/3", "/redirect/2", "/redirect/1", *(f"/redirect/{n}" for n in range(9, 3, -1))])


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/error", "HTTP 500 Internal Server Error"),
        ("/image.png", "not a web page or feed (content type image/png)"),
        ("/huge", "too large (over 1048576 bytes)"),
        ("/huge-declared", "too large (5000000 bytes, limit 1048576)"),
        ("/endless", "no complete answer within 4 s"),
    ],
)
def test_a_failed_fetch_is_one_warning_naming_the_url_and_the_rest_is_read(site, fetcher, caplog, path, reason):
    result = read(site, fetcher, path, "/articles/port.html", caplog=caplog)
    assert len(result.articles) == 1
    assert [(s.path, s.reason) for s in result.skipped] == [(site.base + path, reason)]
    assert [record.getMessage() for record in caplog.records] == [f"{site.base}{path}: {reason}"]


def test_a_refused_connection_is_one_warning(fetcher):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = read_inputs([f"http://127.0.0.1:{port}/feed.xml"], fetcher=fetcher)
    [skipped] = result.skipped
    assert "refused" in skipped.reason


def test_a_second_run_asks_conditionally_and_uses_the_cached_page(site, tmp_path):
    cache = tmp_path / "fetch-cache"
    for _ in range(2):
        with Fetcher(cache_dir=cache, deadline=4.0) as fetcher:
            [article] = read_inputs([site.base + "/etag.html"], fetcher=fetcher).articles
            assert "double the size of the container port" in article.text
    first, second = [headers for path, headers in site.requests if path == "/etag.html"]
    assert "If-None-Match" not in first and second["If-None-Match"] == '"v1"'
    stored = list(cache.iterdir())
    assert sorted(path.suffix for path in stored) == [".body", ".json"]
    assert json.loads(next(cache.glob("*.json")).read_text())["etag"] == '"v1"'


def test_a_damaged_cache_entry_is_a_miss_not_a_crash(site, tmp_path):
    cache = tmp_path / "fetch-cache"
    with Fetcher(cache_dir=cache) as fetcher:
        read_inputs([site.base + "/etag.html"], fetcher=fetcher)
    next(cache.glob("*.body")).write_bytes(b"tampered")
    with Fetcher(cache_dir=cache) as fetcher:
        [article] = read_inputs([site.base + "/etag.html"], fetcher=fetcher).articles
    assert "container port" in article.text
    assert "If-None-Match" not in site.requests[-1][1], "a damaged entry is not used to ask conditionally"


def test_no_more_than_a_few_requests_go_to_one_host_at_a_time(site, fetcher, tmp_path):
    listing = tmp_path / "slow.opml"
    outlines = "".join(f'<outline xmlUrl="{site.base}/slow/{n}"/>' for n in range(8))
    listing.write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>')
    result = read_inputs([listing], fetcher=fetcher)
    assert len(result.articles) == 8
    assert 1 <= site.most_in_flight <= PER_HOST


def test_offline_skips_urls_and_opml_feeds_without_a_single_connection(site, tmp_path, caplog):
    listing = tmp_path / "feeds.opml"
    listing.write_text(opml(site.base))
    story = tmp_path / "story.txt"
    story.write_text("The dam opened on Monday, officials said.\n")
    with caplog.at_level(logging.WARNING, logger="briefing"):
        result = read_inputs([site.base + "/feed.xml", listing, story], offline=True)
    assert [article.path for article in result.articles] == [str(story)]
    assert site.connections == 0
    assert f"{site.base}/feed.xml: not fetched: --offline forbids network access" in caplog.text
    assert f"{site.base}/atom.xml: not fetched: --offline forbids network access" in caplog.text


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def test_briefing_build_takes_urls_beside_files_and_shows_each_source_url(site, tmp_path):
    story = tmp_path / "story.md"
    story.write_text("---\ntitle: Harbour dredging starts\noutlet: Lakeside Courier\ndate: 2024-03-06\n---\n"
                     "Dredging of the harbour channel started on Wednesday, the port authority said.\n")
    run = run_cli("build", site.base + "/feed.xml", site.base + "/articles/port.html", site.base + "/error",
                  str(story), "-o", "out", "-f", "json,md", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert f"warning: {site.base}/error: HTTP 500 Internal Server Error" in run.stderr.splitlines()
    brief = json.loads(next((tmp_path / "out").glob("*.json")).read_text())
    urls = {source["url"] for source in brief["sources"]}
    assert {site.base + "/articles/port.html", site.base + "/articles/mill.html"} <= urls
    markdown = next((tmp_path / "out").glob("*.md")).read_text()
    assert site.base + "/articles/port.html" in markdown


def test_briefing_build_offline_names_the_url_and_builds_the_rest(site, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Dredging of the harbour channel started on Wednesday, the port authority said.\n")
    run = run_cli("build", "--offline", site.base + "/feed.xml", str(story), "-o", "out", "-f", "json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert f"warning: {site.base}/feed.xml: not fetched: --offline forbids network access" in run.stderr
    assert site.connections == 0
    brief = json.loads(next((tmp_path / "out").glob("*.json")).read_text())
    assert [source["path"] for source in brief["sources"]] == [str(story)]


def test_the_pages_fetched_for_one_feed_are_bounded(site, fetcher, monkeypatch, caplog):
    monkeypatch.setattr("briefing.read.MAX_FEED_PAGES", 1)
    result = read(site, fetcher, "/feed.xml", caplog=caplog)
    assert "About 300 workers" in result.articles[1].text
    assert "/missing" not in site.paths()
    assert f"{site.base}/missing and 1 more links of one feed: not fetched (at most 1 pages a feed)" in caplog.text


def test_the_dask_engine_hands_a_url_to_a_worker_as_one_input(site, tmp_path):
    from briefing.engine import read_file
    from briefing.read import list_inputs

    units, skipped = list_inputs([site.base + "/articles/port.html"])
    assert (units, skipped) == ([site.base + "/articles/port.html"], [])
    [article] = read_file(units[0], today=date(2024, 3, 10), offline=False).entries
    assert article.url == site.base + "/articles/port.html"
    assert read_file(units[0], today=date(2024, 3, 10), offline=True).skipped[0].reason.startswith("not fetched: --offline")


@pytest.mark.parametrize("url", ["http://[::1/", "http://host:abc/", "http://a..b/", "https://xn--/", "http://\x00host/"])
def test_a_malformed_url_is_one_warning_not_a_crash(fetcher, url):
    result = read_inputs([url], fetcher=fetcher)
    [skipped] = result.skipped
    assert skipped.path == url and skipped.reason.startswith("not a valid URL (")


def test_an_unwritable_fetch_cache_is_said_once_and_costs_only_speed(site, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with caplog.at_level(logging.WARNING, logger="briefing"), Fetcher(cache_dir=blocker / "fetch") as fetcher:
        result = read_inputs([site.base + "/etag.html", site.base + "/etag.html?again"], fetcher=fetcher)
    assert len(result.articles) == 2
    assert [record.getMessage().split(": ", 1)[1] for record in caplog.records] == [
        "cannot write the fetch cache (Not a directory)"]


def test_a_cache_folder_setting_that_is_a_file_costs_only_the_fetch_cache(site, tmp_path, caplog, monkeypatch):
    """BRIEFING_CACHE_DIR naming a file stops a cached build with one error (briefing.cache); a
    --no-cache build with URL inputs still runs, fetching without the fetch cache."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(blocker))
    with caplog.at_level(logging.WARNING, logger="briefing"):
        result = read_inputs([site.base + "/etag.html", site.base + "/etag.html?again"])
    assert len(result.articles) == 2 and not result.skipped
    assert [record.getMessage() for record in caplog.records] == [
        f"BRIEFING_CACHE_DIR: {blocker} is not a folder (unset it, or use --no-cache); pages are fetched without the fetch cache"]


def test_an_opml_list_with_external_entities_is_refused_not_expanded(tmp_path, fetcher):
    listing = tmp_path / "evil.opml"
    listing.write_text('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                       '<opml version="2.0"><body><outline xmlUrl="&xxe;"/></body></opml>')
    result = read_inputs([listing], fetcher=fetcher)
    [skipped] = result.skipped
    assert skipped.path == str(listing) and skipped.reason.startswith("unreadable OPML (")
    assert "root:" not in skipped.reason
