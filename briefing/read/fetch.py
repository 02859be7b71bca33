"""Fetching what the user named by URL: web pages, feeds, the feeds of an OPML
list and the pages of feed entries that carry only a summary.

Input is an ``http(s)`` URL; output is a ``Fetched`` body (the final URL, its
media type and bytes) or a ``FetchError`` whose message is the one-line
reason the reader prints. Only http and https are ever fetched: never a
``file:`` URL or a local path, whatever a feed or a redirect says.

Polite and bounded, with httpx:
- one deadline per response, from request to last byte (a response that
  never ends is cut), a size cap (counted after decompression) and at most
  ``MAX_REDIRECTS`` redirects, each checked like the first URL;
- a User-Agent naming the tool and its version, and each site's robots.txt
  obeyed (``urllib.robotparser``; a robots.txt that cannot be had for a
  server error or no answer means "do not crawl", as RFC 9309 says);
- at most ``PER_HOST`` requests at a time to one host, ``WORKERS`` in all;
- conditional GET: a response with an ETag or Last-Modified is kept on disk
  under the user cache folder (``fetch/``, JSON and the raw body, never
  pickle), and asked for again with If-None-Match / If-Modified-Since; a 304
  answer is served from there. Entries unused for ``CACHE_DAYS`` go.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import urllib.robotparser
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from briefing.version import __version__
from briefing.atomic import write_atomically
from briefing.cache import cache_root, touch
from briefing.errors import BriefingError

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("briefing")

USER_AGENT = f"briefing/{__version__} (news briefing builder)"
ROBOTS_AGENT = "briefing"
ACCEPT = ("text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
          "application/xml;q=0.9, text/xml;q=0.9, text/x-opml;q=0.9, text/plain;q=0.5")
DEADLINE = 30.0
"""Seconds for one response, from the request to its last byte."""
MAX_BYTES = 10 * 1024 * 1024
MAX_ROBOTS_BYTES = 512 * 1024
MAX_REDIRECTS = 5
PER_HOST = 2
WORKERS = 8
CACHE_DAYS = 30
WEB_SCHEMES = ("http", "https")
REDIRECTS = (301, 302, 303, 307, 308)
TEXT_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "text/plain", "text/markdown",
              "text/x-markdown", "text/x-opml")
"""Media types read as articles, feeds or OPML (besides any ``+xml``); anything else is refused."""


def is_web_url(text: str) -> bool:
    """Whether an input names an http(s) URL (a file is never one, whatever its name);
    a malformed one still counts, so that fetching it reports what is wrong."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:  # "http://[::1/"
        return text.strip().lower().startswith(tuple(f"{scheme}://" for scheme in WEB_SCHEMES))
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def check_url(url: str) -> None:
    """FetchError unless ``url`` is an http(s) URL httpx can ask for."""
    import httpx

    if not is_web_url(url):
        raise FetchError(f"not an http(s) URL: {url[:200]}")
    try:
        httpx.URL(url)
        urlsplit(url)
    except (httpx.InvalidURL, ValueError, UnicodeError) as error:  # bad port, IPv6, IDNA label...
        raise FetchError(f"not a valid URL ({first_line(error)})") from None


class FetchError(Exception):
    """A URL that gave nothing usable; ``str(self)`` is the reason, one line."""


@dataclass(frozen=True)
class Fetched:
    """One successful response: where it ended up (after redirects), what it is, its bytes."""

    url: str
    media_type: str
    body: bytes


@dataclass(frozen=True)
class Redirect:
    location: str


class Fetcher:
    """One run's fetching: an HTTP client, the robots.txt rules and host slots it has
    learnt, and the on-disk cache. Use it as a context manager, or call ``close``."""

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        deadline: float = DEADLINE,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        per_host: int = PER_HOST,
    ) -> None:
        import httpx  # here, so a run on files never loads it

        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.per_host = per_host
        self.cache = FetchCache(cache_dir) if cache_dir is not None else default_cache()
        self.client = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
            follow_redirects=False,  # followed here, so each hop is checked (scheme, robots.txt, count)
            timeout=httpx.Timeout(deadline, connect=min(deadline, 10.0)),
        )
        self.lock = threading.Lock()
        self.host_slots: dict[str, threading.BoundedSemaphore] = {}
        self.robots: dict[str, urllib.robotparser.RobotFileParser | FetchError] = {}
        self.robots_locks: dict[str, threading.Lock] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()
        self.cache.prune()

    def fetch(self, url: str) -> Fetched:
        """The response at ``url`` after redirects, or FetchError with the reason."""
        return self.follow(url, robots=True, check_type=True, max_bytes=self.max_bytes)

    def fetch_all(self, urls: Sequence[str]) -> list[Fetched | FetchError]:
        """Each URL's response or error, in the order given; fetched in parallel, a few per host."""
        def attempt(url: str) -> Fetched | FetchError:
            try:
                return self.fetch(url)
            except FetchError as error:
                return error

        if len(urls) <= 1:
            return [attempt(url) for url in urls]
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(urls)), thread_name_prefix="fetch") as pool:
            return list(pool.map(attempt, urls))

    def follow(self, url: str, *, robots: bool, check_type: bool, max_bytes: int) -> Fetched:
        current = url
        for _ in range(self.max_redirects + 1):
            check_url(current)
            if robots and not self.robots_allow(current):
                raise FetchError(f"the robots.txt of {origin(current)} does not allow fetching {urlsplit(current).path or '/'}")
            answer = self.request(current, check_type=check_type, max_bytes=max_bytes)
            if isinstance(answer, Fetched):
                return answer
            current = urljoin(current, answer.location)
        raise FetchError(f"more than {self.max_redirects} redirects")

    def request(self, url: str, *, check_type: bool, max_bytes: int) -> Fetched | Redirect:
        """One GET, conditional when the cache holds the URL, within the deadline and size cap."""
        import httpx

        stored = self.cache.get(url)
        headers = stored.validators() if stored else {}
        with self.host_slot(url):
            started = time.monotonic()
            try:
                with self.client.stream("GET", url, headers=headers) as response:
                    if response.status_code == 304 and stored is not None:
                        self.cache.touch(url)
                        return Fetched(str(response.url), stored.media_type, stored.body)
                    if response.status_code in REDIRECTS and response.headers.get("location"):
                        return Redirect(response.headers["location"])
                    if response.status_code >= 400:
                        raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
                    if not 200 <= response.status_code < 300:
                        raise FetchError(f"unexpected HTTP status {response.status_code}")
                    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if check_type and media_type and not is_text_type(media_type):
                        raise FetchError(f"not a web page or feed (content type {media_type})")
                    body = self.read_body(response, started, max_bytes)
            except httpx.TimeoutException:
                raise FetchError(f"no complete answer within {self.deadline:g} s") from None
            except httpx.HTTPError as error:
                raise FetchError(first_line(error)) from None
            except UnicodeError as error:  # a host name IDNA cannot encode ("a..b")
                raise FetchError(f"not a valid URL ({first_line(error)})") from None
        self.cache.put(url, response.headers, media_type, body)
        return Fetched(str(response.url), media_type, body)

    def read_body(self, response: httpx.Response, started: float, max_bytes: int) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"too large ({int(declared)} bytes, limit {max_bytes})")
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise FetchError(f"too large (over {max_bytes} bytes)")
            if time.monotonic() - started > self.deadline:
                raise FetchError(f"no complete answer within {self.deadline:g} s")
        return bytes(body)

    def host_slot(self, url: str) -> threading.BoundedSemaphore:
        host = urlsplit(url).netloc.lower()
        with self.lock:
            if host not in self.host_slots:
                self.host_slots[host] = threading.BoundedSemaphore(self.per_host)
            return self.host_slots[host]

    def robots_allow(self, url: str) -> bool:
        """What the site's robots.txt says for our agent, read once per site and run;
        FetchError when it cannot be had (then the site is not crawled)."""
        site = origin(url)
        with self.lock:
            site_lock = self.robots_locks.setdefault(site, threading.Lock())
        with site_lock:
            if site not in self.robots:
                self.robots[site] = self.load_robots(site)
        rules = self.robots[site]
        if isinstance(rules, FetchError):
            raise rules
        return rules.can_fetch(ROBOTS_AGENT, url)

    def load_robots(self, site: str) -> urllib.robotparser.RobotFileParser | FetchError:
        rules = urllib.robotparser.RobotFileParser(site + "/robots.txt")
        try:
            fetched = self.follow(site + "/robots.txt", robots=False, check_type=False, max_bytes=MAX_ROBOTS_BYTES)
        except FetchError as error:
            if str(error).startswith("HTTP 5"):
                return FetchError(f"robots.txt: {error}; the site is not crawled without it")
            if not str(error).startswith("HTTP 4"):
                return error  # the site cannot be reached at all
            rules.allow_all = True  # no robots.txt: no rules
            return rules
        rules.parse(fetched.body.decode("utf-8", "replace").splitlines())
        return rules


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def is_text_type(media_type: str) -> bool:
    return media_type in TEXT_TYPES or media_type.endswith("+xml")


def first_line(error: Exception) -> str:
    """An error as a short reason ("connection refused", "invalid port: 'abc'")."""
    text = str(error).strip()
    if text.startswith("[Errno") and "] " in text:
        text = text.split("] ", 1)[1]  # "[Errno 111] Connection refused"
    text = (text or type(error).__name__).split("\n")[0]
    return text[:1].lower() + text[1:200]


@dataclass(frozen=True)
class Stored:
    """A cached response and the validators to ask whether it changed."""

    etag: str | None
    last_modified: str | None
    media_type: str
    body: bytes

    def validators(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def default_cache() -> FetchCache | NoFetchCache:
    """The fetch cache under the cache folder; none (one warning) when ``BRIEFING_CACHE_DIR``
    names something that is not a folder: that costs only speed, and --no-cache builds still run."""
    try:
        return FetchCache(cache_root() / "fetch")
    except BriefingError as error:
        log.warning("%s; pages are fetched without the fetch cache", error)
        return NoFetchCache()


class NoFetchCache:
    """Fetching with nothing kept: every response is asked for in full."""

    def get(self, url: str) -> None:
        return None

    def touch(self, url: str) -> None:
        return None

    def put(self, url: str, headers: httpx.Headers, media_type: str, body: bytes) -> None:
        return None

    def prune(self) -> None:
        return None


class FetchCache:
    """Responses by URL: ``KEY.json`` (validators, media type, the body's digest) beside
    ``KEY.body``. Written atomically; an entry whose parts do not match is a miss."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.warned = False

    def paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def get(self, url: str) -> Stored | None:
        meta_path, body_path = self.paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("url") != url or meta.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        text = {key: meta.get(key) if isinstance(meta.get(key), str) else None for key in ("etag", "last_modified", "media_type")}
        return Stored(text["etag"], text["last_modified"], text["media_type"] or "", body)

    def touch(self, url: str) -> None:
        for path in self.paths(url):
            touch(path)

    def put(self, url: str, headers: httpx.Headers, media_type: str, body: bytes) -> None:
        """Keep a response that can be asked for conditionally, unless the server forbids storing it."""
        etag, last_modified = headers.get("etag"), headers.get("last-modified")
        if not (etag or last_modified) or "no-store" in headers.get("cache-control", "").lower():
            return
        meta = {"url": url, "etag": etag, "last_modified": last_modified, "media_type": media_type,
                "sha256": hashlib.sha256(body).hexdigest()}
        meta_path, body_path = self.paths(url)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(body_path, body, durable=False)
            write_atomically(meta_path, json.dumps(meta).encode("utf-8"), durable=False)
        except OSError as error:
            if not self.warned:
                log.warning("%s: cannot write the fetch cache (%s)", self.folder, error.strerror or error)
                self.warned = True

    def prune(self) -> None:
        """Drop entries not used for ``CACHE_DAYS`` days."""
        limit = time.time() - CACHE_DAYS * 86400
        with suppress(OSError):
            for path in self.folder.iterdir():
                with suppress(OSError):
                    if path.suffix in (".json", ".body") and path.stat().st_mtime < limit:
                        path.unlink()
