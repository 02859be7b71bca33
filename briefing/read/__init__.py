"""Read stage: paths, folders, globs and ``-`` (stdin) in, raw articles out.

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

What is read is what the user named, nothing else: inside a folder, a
symbolic link to a file or folder outside it is skipped, and the files a
brief was written to (``briefing.outputs``) are never read back as articles. An article longer than spaCy can take in one
piece (``MAX_ARTICLE_CHARS``) is cut at a paragraph break, with a warning; a
file name that is not valid UTF-8 is shown with ``\\xNN`` escapes.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import BinaryIO, TextIO

from briefing.model import Article, ReadResult, Skipped
from briefing.outputs import written_outputs
from briefing.read.decode import UnreadableText, decode_text
from briefing.read.formats import Parsed, parse_document, sniff_format
from briefing.read.sidecar import SIDECAR_NAMES, Sidecar, apply_sidecar, load_sidecar

log = logging.getLogger("briefing")

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
NOT_ARTICLES = {".toml", ".csv", ".tsv", ".json", ".yaml", ".yml", ".py", ".cfg", ".ini", ".css", ".js", ".lock"}
GLOB_CHARS = set("*?[")
MAX_ARTICLE_CHARS = 1_000_000
"""spaCy's ``max_length``: a longer text is refused whole (and would need about 10 GB to analyse)."""


def read_inputs(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    stdin: TextIO | BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    file_dates: bool = False,
) -> ReadResult:
    """Read every article the inputs name; skip (and log) what cannot be read."""
    reader = Reader(max_bytes=max_bytes, file_dates=file_dates)
    for item in inputs:
        if str(item) == "-":
            reader.read_stdin(stdin if stdin is not None else sys.stdin)
        else:
            reader.read_input(str(item))
    articles = tuple(replace(article, id=f"S{number}") for number, article in enumerate(reader.articles, start=1))
    return ReadResult(articles, tuple(reader.skipped), reader.files)


class Reader:
    """Collects articles and skipped entries while walking the inputs."""

    def __init__(self, *, max_bytes: int, file_dates: bool = False) -> None:
        self.max_bytes = max_bytes
        self.file_dates = file_dates
        self.articles: list[Article] = []
        self.skipped: list[Skipped] = []
        self.files = 0
        self.sidecars: dict[Path, Sidecar] = {}

    def skip(self, path: str, reason: str) -> None:
        """Record one input that gave nothing, with one warning line."""
        log.warning("%s: %s", path, reason)
        self.skipped.append(Skipped(path, reason))

    def read_input(self, name: str) -> None:
        """One command-line input: a file, a folder, or a glob."""
        path = Path(name)
        if path.is_dir():
            for file in walk_folder(path, self.skip):
                self.read_path(file)
        elif path.exists() or path.is_symlink():
            self.read_path(path)
        elif GLOB_CHARS & set(name):
            wanted, nothing = pattern_matches(name)
            if nothing:
                self.skip(name, nothing)
            for match in wanted:
                self.read_input(match) if Path(match).is_dir() else self.read_path(Path(match))
        else:
            self.skip(name, "no such file or directory")

    def read_path(self, path: Path) -> None:
        """One file: its bytes checked, decoded, parsed, and sidecar metadata applied."""
        self.files += 1
        parsed = self.parse_path(path)
        if parsed is None:
            return
        for skipped in parsed.skipped:
            self.skip(skipped.path, skipped.reason)
        sidecar = self.sidecar_for(path.parent)
        mtime = file_date(path) if self.file_dates else None
        for article in parsed.articles:
            if not article.text.strip():
                self.skip(article.path, "no text")
                continue
            article = apply_sidecar(article, sidecar.get(path.name))
            if article.published is None and mtime is not None:
                article = replace(article, published=mtime, date_basis="file")
            self.articles.append(capped(article))

    def parse_path(self, path: Path, *, in_feed: bool = False) -> Parsed | None:
        """Bytes to article drafts, or None (with the reason recorded) when the file is unusable."""
        data = self.read_bytes(path)
        if data is None:
            return None
        name = shown_path(path)
        if name != str(path) and not in_feed:
            log.warning("%s: file name is not valid UTF-8 (shown with \\xNN escapes)", name)
        try:
            text = decode_text(data, suffix=path.suffix)
        except UnreadableText as reason:
            self.skip(name, str(reason))
            return None
        if not text.strip():
            self.skip(name, "empty file" if not data else "empty file (whitespace only)")
            return None
        fmt = sniff_format(text, path.suffix)
        if in_feed and fmt == "feed":
            return Parsed()  # a feed linking to a feed: do not follow
        return parse_document(text, name, fmt, read_local=None if in_feed else self.read_linked)

    def read_linked(self, path: Path) -> list[Article] | None:
        """The article a feed entry links to, when that is a local file."""
        parsed = self.parse_path(path, in_feed=True)
        return parsed.articles if parsed else None

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
        fmt = sniff_format(text, "")
        parsed = parse_document(text, "<stdin>", fmt)
        for skipped in parsed.skipped:
            self.skip(skipped.path, skipped.reason)
        for article in parsed.articles:
            self.articles.append(capped(replace(article, raw_format="stdin") if fmt == "txt" else article))

    def sidecar_for(self, folder: Path) -> Sidecar:
        """The folder's sources.toml / sources.csv mapping, loaded once."""
        if folder not in self.sidecars:
            sidecar, problems = load_sidecar(folder)
            for problem in problems:
                self.skip(problem.path, problem.reason)
            self.sidecars[folder] = sidecar
        return self.sidecars[folder]


def walk_folder(folder: Path, skip) -> Iterator[Path]:
    """Files under ``folder`` in sorted order, following links but never around a loop;
    a folder that holds no article file at all is reported, since the user named it."""
    found = 0
    for file in walk_files(folder, skip):
        found += 1
        yield file
    if not found:
        skip(str(folder), "no article files in this folder")


def walk_files(folder: Path, skip) -> Iterator[Path]:
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


def within(path: Path, folder: str, skip) -> bool:
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
    not a sidecar, not a data file."""
    return not (name.startswith(".") or name in SIDECAR_NAMES or Path(name).suffix.lower() in NOT_ARTICLES)


def file_date(path: Path) -> date | None:
    """The file's modification date, the date of last resort."""
    try:
        return date.fromtimestamp(path.stat().st_mtime)
    except (OSError, OverflowError, ValueError):
        return None

