"""Read stage: paths, folders, globs, ``-`` (stdin), http(s) URLs and OPML
lists of feeds in, raw articles out.

Input is what the user named on the command line; output is a ``ReadResult``
of ``Article`` drafts (raw text, metadata hints, ids "S1", "S2"... in sorted
input order) plus one ``Skipped`` entry, logged as one warning line, per
input that gave nothing. Bad files never stop the run.

Folders are walked recursively in sorted order, skipping hidden names, our
own sidecars (``sources.toml`` / ``sources.csv``, which map file names to
outlet, url and date) and data files that are not articles. When nothing in
a file dates it, its modification time is the date of last resort
(``date_basis="file"``; the clean stage looks for better and warns if none),
but only when asked (``file_dates=True``): a checked-out or copied file's
time says nothing about the story, so by default an undated article stays
undated.

Only what the user named is fetched (``read/fetch.py``): a URL input, the
feeds of an OPML list named as an input (one found in a folder is not read),
and the pages of a fetched feed's summary-only entries, over http(s) only. A
feed on disk is read as it is: its links are never followed, and no link is
ever read as a local path. With ``offline`` nothing is fetched at all.

What is read is what the user named, nothing else: inside a folder, a
symbolic link to a file or folder outside it is skipped, and the files a
brief was written to (``briefing.outputs``) are never read back as articles.
An article longer than spaCy can take in one piece (``MAX_ARTICLE_CHARS``) is
cut at a paragraph break, with a warning; a file name that is not valid UTF-8
is shown with ``\\xNN`` escapes.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import BinaryIO, TextIO

from briefing.model import Article, ReadResult, Skipped
from briefing.outputs import written_outputs
from briefing.read.decode import UnreadableText, decode_text
from briefing.read.fetch import FetchError, Fetched, Fetcher, is_web_url
from briefing.read.formats import FALLBACK, READERS, InputFormat, Parsed, opml_feeds, parse_document, parse_html
from briefing.read.sidecar import SIDECAR_NAMES, Sidecar, apply_sidecar, load_sidecar

__all__ = ["READERS", "InputFormat", "input_files", "list_inputs", "read_inputs"]

log = logging.getLogger("briefing")

Skip = Callable[[str, str], None]
"""Told the path and the reason of each input that gives nothing."""

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
OFFLINE = "not fetched: --offline forbids network access"
MAX_FEED_PAGES = 100
"""Pages fetched for one feed's summary-only entries; the rest keep their summaries."""
OPML = "opml"
"""The format whose lists of feeds are fetched, when named as an input."""
NOT_ARTICLES = {".toml", ".csv", ".tsv", ".json", ".yaml", ".yml", ".py", ".cfg", ".ini", ".css", ".js", ".lock"}
GLOB_CHARS = set("*?[")
STDIN = "-"
MAX_ARTICLE_CHARS = 1_000_000
"""spaCy's ``max_length``: a longer text is refused whole (and would need about 10 GB to analyse)."""


def read_inputs(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    stdin: TextIO | BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    file_dates: bool = False,
    offline: bool = False,
    fetcher: Fetcher | None = None,
    named: Collection[str] | None = None,
) -> ReadResult:
    """Read every article the inputs name; skip (and log) what cannot be read.

    With ``offline`` nothing is fetched: a URL (or an OPML list's feeds) is skipped
    with a warning. ``fetcher`` replaces the default one (tests use short deadlines).
    ``named`` are the inputs the user named one by one (default: ``inputs``): only a
    file among them is read as an OPML list, not one a folder or a pattern gave."""
    reader = Reader(max_bytes=max_bytes, file_dates=file_dates, offline=offline, fetcher=fetcher)
    named = {str(item) for item in (inputs if named is None else named)}
    try:
        reader.prefetch([str(item) for item in inputs])
        for name in input_files(inputs, reader.skip):
            if name == STDIN:
                reader.read_stdin(stdin if stdin is not None else sys.stdin)
            elif is_web_url(name):
                reader.read_url(name)
            else:
                reader.read_path(Path(name), named=name in named)
    finally:
        reader.close()
    articles = tuple(replace(article, id=f"S{number}") for number, article in enumerate(reader.articles, start=1))
    return ReadResult(articles, tuple(reader.skipped), reader.files)


class Reader:
    """Collects articles and skipped entries while walking the inputs."""

    def __init__(self, *, max_bytes: int, file_dates: bool = False, offline: bool = False,
                 fetcher: Fetcher | None = None) -> None:
        self.max_bytes = max_bytes
        self.file_dates = file_dates
        self.offline = offline
        self.articles: list[Article] = []
        self.skipped: list[Skipped] = []
        self.files = 0
        self.sidecars: dict[Path, Sidecar] = {}
        self.prefetched: dict[str, Fetched | FetchError] = {}
        self._fetcher = fetcher
        self.owns_fetcher = fetcher is None

    def skip(self, path: str, reason: str) -> None:
        """Record one input that gave nothing, with one warning line."""
        log.warning("%s: %s", path, reason)
        self.skipped.append(Skipped(path, reason))

    def close(self) -> None:
        if self._fetcher is not None and self.owns_fetcher:
            self._fetcher.close()

    @property
    def fetcher(self) -> Fetcher:
        """The run's fetcher, made on the first URL (a run on files never loads httpx)."""
        if self._fetcher is None:
            from briefing.read.fetch import MAX_BYTES, Fetcher

            self._fetcher = Fetcher(max_bytes=min(self.max_bytes, MAX_BYTES))
        return self._fetcher

    def read_path(self, path: Path, *, named: bool = False) -> None:
        """One file: its bytes checked, decoded, parsed, and sidecar metadata applied.
        An OPML list is read (its feeds fetched) only when the user ``named`` it."""
        self.files += 1
        data = self.read_bytes(path)
        if data is None:
            return
        name = shown_path(path)
        if name != str(path):
            log.warning("%s: file name is not valid UTF-8 (shown with \\xNN escapes)", name)
        fmt = READERS.for_suffix(path.suffix)
        if fmt is None or not fmt.binary:  # a binary format decodes itself
            data = self.decoded(data, name, suffix=path.suffix)
            if data is None:
                return
            fmt = READERS.sniff(data, path.suffix)
        if fmt.name == OPML and named:
            self.add(self.read_opml(data, name))
            return
        sidecar = self.sidecar_for(path.parent)
        mtime = file_date(path) if self.file_dates else None

        def with_sidecar(article: Article) -> Article:
            article = apply_sidecar(article, sidecar.get(path.name))
            if article.published is None and mtime is not None:
                article = replace(article, published=mtime, date_basis="file")
            return article

        self.add(parse_document(data, name, fmt), with_sidecar)

    def add(self, parsed: Parsed, complete: Callable[[Article], Article] | None = None) -> None:
        """Keep what a document gave (``complete``d with metadata from outside it); report the rest."""
        for skipped in parsed.skipped:
            self.skip(skipped.path, skipped.reason)
        for article in parsed.articles:
            if not article.text.strip():
                self.skip(article.path, "no text")
                continue
            self.articles.append(capped(complete(article) if complete else article))

    def decoded(self, data: bytes, where: str, *, suffix: str) -> str | None:
        """The text of ``data``, or None (with the reason recorded) when it cannot be decoded or is blank."""
        try:
            text = decode_text(data, suffix=suffix)
        except UnreadableText as reason:
            self.skip(where, str(reason))
            return None
        if not text.strip():
            self.skip(where, "empty file" if not data else "empty file (whitespace only)")
            return None
        return text

    def read_bytes(self, path: Path) -> bytes | None:
        """The file's bytes, or None with the reason (missing, too large, unreadable, a loop)."""
        name = shown_path(path)
        try:
            size = path.stat().st_size
            if not path.is_file():
                self.skip(name, "not a regular file")
                return None
            if size > self.max_bytes:
                self.skip(name, f"file too large ({size} bytes, limit {self.max_bytes})")
                return None
            return path.read_bytes()
        except PermissionError:
            self.skip(name, "permission denied")
        except FileNotFoundError:
            self.skip(name, "broken symbolic link" if path.is_symlink() else "no such file or directory")
        except OSError as error:
            reason = "symbolic link loop" if error.errno == errno.ELOOP else (error.strerror or str(error)).lower()
            self.skip(name, reason)
        return None

    def read_url(self, url: str) -> None:
        """A URL the user named: an article page, a feed, or an OPML list."""
        self.files += 1
        if self.offline:
            self.skip(url, OFFLINE)
            return
        fetched = self.prefetched.pop(url, None) or self.fetcher.fetch_all([url])[0]
        if isinstance(fetched, FetchError):
            self.skip(url, str(fetched))
            return
        self.add(self.parse_fetched(url, fetched, allow_opml=True))

    def prefetch(self, inputs: Sequence[str]) -> None:
        """Fetch the URL inputs together, a few per host, before reading them in order."""
        urls = list(dict.fromkeys(name for name in inputs if is_web_url(name)))
        if len(urls) > 1 and not self.offline:
            self.prefetched = dict(zip(urls, self.fetcher.fetch_all(urls)))

    def read_opml(self, text: str, where: str) -> Parsed:
        """Every feed an OPML list names, fetched in parallel; one warning per feed that fails."""
        feeds, problem = opml_feeds(text)
        if problem:
            return Parsed(skipped=[Skipped(where, problem)])
        if not feeds:
            return Parsed(skipped=[Skipped(where, "OPML list without feeds (no outline has an xmlUrl)")])
        parsed = Parsed()
        web = [url for url in feeds if is_web_url(url)]
        parsed.skipped.extend(Skipped(url, "not an http(s) URL; not read") for url in feeds if url not in web)
        if self.offline:
            parsed.skipped.extend(Skipped(url, OFFLINE) for url in web)
            return parsed
        for url, result in zip(web, self.fetcher.fetch_all(web)):
            part = Parsed(skipped=[Skipped(url, str(result))]) if isinstance(result, FetchError) else self.parse_fetched(url, result)
            parsed.articles.extend(part.articles)
            parsed.skipped.extend(part.skipped)
        return parsed

    def parse_fetched(self, where: str, fetched: Fetched, *, allow_opml: bool = False) -> Parsed:
        """A response to article drafts by what it turns out to be; a page's url is where it was read."""
        try:
            text = decode_text(fetched.body)
        except UnreadableText as reason:
            return Parsed(skipped=[Skipped(where, str(reason))])
        if not text.strip():
            return Parsed(skipped=[Skipped(where, "empty response")])
        fmt = fetched_format(text, fetched)
        if fmt.name == OPML:
            return self.read_opml(text, where) if allow_opml else Parsed(skipped=[Skipped(where, "an OPML list inside an OPML list; not followed")])
        parsed = parse_document(text, where, fmt, base=fetched.url, fetch_pages=self.fetch_pages)
        if not fmt.follows_links:
            parsed.articles[:] = [
                replace(article, url=fetched.url) if fmt.name == "html" or article.url is None else article
                for article in parsed.articles
            ]
        return parsed

    def fetch_pages(self, links: Sequence[str]) -> dict[str, Article]:
        """The pages of feed entries that carry only a summary (http(s) links only); a page
        that fails is one warning, and its entry keeps the summary."""
        wanted = list(dict.fromkeys(link for link in links if is_web_url(link)))
        if self.offline or not wanted:
            return {}
        if len(wanted) > MAX_FEED_PAGES:
            log.warning("%s and %d more links of one feed: not fetched (at most %d pages a feed); their summaries are used",
                        wanted[MAX_FEED_PAGES], len(wanted) - MAX_FEED_PAGES - 1, MAX_FEED_PAGES)
            wanted = wanted[:MAX_FEED_PAGES]
        pages: dict[str, Article] = {}
        for link, result in zip(wanted, self.fetcher.fetch_all(wanted)):
            if isinstance(result, FetchError):
                log.warning("%s: %s; the feed's summary is used", link, result)
                continue
            try:
                text = decode_text(result.body)
            except UnreadableText as reason:
                log.warning("%s: %s; the feed's summary is used", link, reason)
                continue
            if fetched_format(text, result).name == "html":
                pages[link] = parse_html(text, link)
        return pages

    def read_stdin(self, stream: TextIO | BinaryIO) -> None:
        """``-``: one document from standard input, in whatever format it sniffs as."""
        self.files += 1
        if stream is None:  # started with standard input closed (``briefing build - <&-``)
            self.skip("<stdin>", "standard input is closed")
            return
        try:
            content = getattr(stream, "buffer", stream).read()  # bytes when we can, to detect the encoding
        except (OSError, ValueError) as error:  # ValueError: a stream closed in this process
            self.skip("<stdin>", f"cannot read standard input ({getattr(error, 'strerror', None) or error})")
            return
        try:
            text = decode_text(content) if isinstance(content, bytes) else content.replace("\r\n", "\n")
        except UnreadableText as reason:
            self.skip("<stdin>", str(reason))
            return
        if not text.strip():
            self.skip("<stdin>", "empty input")
            return
        fmt = READERS.sniff(text, "")
        self.add(parse_document(text, "<stdin>", fmt),
                 lambda article: replace(article, raw_format="stdin") if fmt.name == FALLBACK else article)

    def sidecar_for(self, folder: Path) -> Sidecar:
        """The folder's sources.toml / sources.csv mapping, loaded once."""
        if folder not in self.sidecars:
            sidecar, problems = load_sidecar(folder)
            for problem in problems:
                self.skip(problem.path, problem.reason)
            self.sidecars[folder] = sidecar
        return self.sidecars[folder]


def input_files(inputs: Sequence[str | os.PathLike[str]], skip: Skip) -> Iterator[str]:
    """The one walk over what the user named: every file to read, in reading order,
    ``-`` where standard input is read and each http(s) URL where it is fetched;
    ``skip`` hears each name that gives no file.

    Both engines read in this order: the local one as it walks, Dask by handing
    each file to a worker (``list_inputs``)."""
    for item in inputs:
        name = str(item)
        if name == STDIN or is_web_url(name):
            yield name
        else:
            yield from files_named(name, skip)


def files_named(name: str, skip: Skip) -> Iterator[str]:
    """The files one command-line input names: itself, a folder's files, or a glob's matches."""
    path = Path(name)
    if path.is_dir():
        yield from map(str, walk_folder(path, skip))
    elif path.exists() or path.is_symlink():
        yield name
    elif GLOB_CHARS & set(name):
        wanted, nothing = pattern_matches(name)
        if nothing:
            skip(name, nothing)
        for match in wanted:
            yield from files_named(match, skip)
    else:
        skip(name, "no such file or directory")


def list_inputs(inputs: Sequence[str | os.PathLike[str]]) -> tuple[list[str], list[Skipped]]:
    """``input_files`` as a list, with what it skipped: for an engine that reads each file elsewhere."""
    skipped: list[Skipped] = []
    files = list(input_files(inputs, lambda path, reason: skipped.append(Skipped(str(path), reason))))
    return files, skipped


SERVED_FORMATS = {"text/html": "html", "application/xhtml+xml": "html", "text/markdown": "md", "text/x-markdown": "md"}


def fetched_format(text: str, fetched: Fetched) -> InputFormat:
    """What a response is: by its first characters, else by its media type (a page
    served as HTML is HTML even when a long comment hides its first tag)."""
    fmt = READERS.sniff(text, "")
    served = SERVED_FORMATS.get(fetched.media_type)
    return READERS.entries[served] if fmt.name == FALLBACK and served else fmt


def walk_folder(folder: Path, skip: Skip) -> Iterator[Path]:
    """Files under ``folder`` in sorted order, following links but never around a loop;
    a folder that holds no article file at all is reported, since the user named it."""
    found = 0
    for file in walk_files(folder, skip):
        found += 1
        yield file
    if not found:
        skip(str(folder), "no article files in this folder")


def walk_files(folder: Path, skip: Skip) -> Iterator[Path]:
    inside = os.path.realpath(folder)
    outputs = written_outputs()
    output_names = {os.path.basename(output) for output in outputs}  # a set lookup before any realpath
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True, onerror=lambda error: skip(error.filename, "unreadable folder")):
        stat = os.stat(root)
        if (stat.st_dev, stat.st_ino) in seen:
            skip(root, "symbolic link loop (folder already read)")
            dirs.clear()
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(name for name in dirs if not name.startswith(".") and within(Path(root) / name, inside, skip))
        ours = {name for name in files if name in output_names and os.path.realpath(os.path.join(root, name)) in outputs}
        if ours:
            skip(root, f"{len(ours)} files written by briefing here are not read as input")
        for name in sorted(files):
            if is_article_name(name) and name not in ours and within(Path(root) / name, inside, skip):
                yield Path(root) / name


def within(path: Path, folder: str, skip: Skip) -> bool:
    """Whether ``path`` is inside ``folder`` once links are followed; a link out of it is skipped,
    so a folder cannot pull in files its owner never named (``~/.ssh`` linked from a shared folder)."""
    if not path.is_symlink():
        return True
    target = os.path.realpath(path)
    if os.path.commonpath([target, folder]) == folder:
        return True
    skip(str(path), f"symbolic link to outside the folder ({target}); not followed")
    return False


def shown_path(path: Path) -> str:
    """The path as text; bytes that are not UTF-8 (a Linux file name can hold any) as ``\\xNN``."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def capped(article: Article) -> Article:
    """The article, cut at the last paragraph (else word) break before ``MAX_ARTICLE_CHARS``
    when it is longer, with a warning: spaCy refuses longer texts whole."""
    if len(article.text) <= MAX_ARTICLE_CHARS:
        return article
    cut = article.text.rfind("\n\n", 0, MAX_ARTICLE_CHARS)
    if cut < MAX_ARTICLE_CHARS // 2:
        cut = article.text.rfind(" ", 0, MAX_ARTICLE_CHARS)
    if cut < MAX_ARTICLE_CHARS // 2:
        cut = MAX_ARTICLE_CHARS
    log.warning("%s: article of %d characters; only the first %d are analysed", article.path, len(article.text), cut)
    return replace(article, text=article.text[:cut])


def pattern_matches(pattern: str) -> tuple[list[str], str | None]:
    """The folders and article files a glob names, in order, and why there are none when
    there are none. The user named a pattern, not each file: what a folder walk leaves
    out (sidecars, hidden and data files) is left out here too."""
    matches = sorted(glob.glob(pattern, recursive=True))
    wanted = [match for match in matches if Path(match).is_dir() or is_article_name(Path(match).name)]
    if not matches:
        return [], "no files match this pattern"
    outputs = written_outputs()
    ours = [match for match in wanted if os.path.realpath(match) in outputs]
    if ours:
        log.warning("%s: %d files written by briefing match it and are not read as input", pattern, len(ours))
        wanted = [match for match in wanted if match not in ours]
    if not wanted:
        return [], "no article files match this pattern"
    return wanted, None


def is_article_name(name: str) -> bool:
    """Whether a file found in a folder or by a pattern may be an article: not hidden,
    not a sidecar, not a data file (unless an installed reader claims its suffix)."""
    suffix = Path(name).suffix.lower()
    data = suffix in NOT_ARTICLES and READERS.for_suffix(suffix) is None
    return not (name.startswith(".") or name in SIDECAR_NAMES or data)


def file_date(path: Path) -> date | None:
    """The file's modification date, the date of last resort."""
    try:
        return date.fromtimestamp(path.stat().st_mtime)
    except (OSError, OverflowError, ValueError):
        return None

