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
"""

from __future__ import annotations

import errno
import glob
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import BinaryIO, TextIO

from briefing.model import Article, ReadResult, Skipped
from briefing.read.decode import UnreadableText, decode_text
from briefing.read.formats import READERS, InputFormat, Parsed, parse_document
from briefing.read.sidecar import SIDECAR_NAMES, Sidecar, apply_sidecar, load_sidecar

__all__ = ["READERS", "InputFormat", "input_files", "list_inputs", "read_inputs"]

log = logging.getLogger("briefing")

Skip = Callable[[str, str], None]
"""Told the path and the reason of each input that gives nothing."""

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
NOT_ARTICLES = {".toml", ".csv", ".tsv", ".json", ".yaml", ".yml", ".py", ".cfg", ".ini", ".css", ".js", ".lock"}
GLOB_CHARS = set("*?[")
STDIN = "-"


def read_inputs(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    stdin: TextIO | BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    file_dates: bool = False,
) -> ReadResult:
    """Read every article the inputs name; skip (and log) what cannot be read."""
    reader = Reader(max_bytes=max_bytes, file_dates=file_dates)
    for name in input_files(inputs, reader.skip):
        if name == STDIN:
            reader.read_stdin(stdin if stdin is not None else sys.stdin)
        else:
            reader.read_path(Path(name))
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
            self.articles.append(article)

    def parse_path(self, path: Path, *, in_feed: bool = False) -> Parsed | None:
        """Bytes to article drafts, or None (with the reason recorded) when the file is unusable."""
        data = self.read_bytes(path)
        if data is None:
            return None
        binary = READERS.for_suffix(path.suffix)
        if binary is not None and binary.binary:
            return parse_document(data, str(path), binary)  # a binary format decodes itself
        try:
            text = decode_text(data, suffix=path.suffix)
        except UnreadableText as reason:
            self.skip(str(path), str(reason))
            return None
        if not text.strip():
            self.skip(str(path), "empty file" if not data else "empty file (whitespace only)")
            return None
        fmt = READERS.sniff(text, path.suffix)
        if in_feed and fmt.follows_links:
            return Parsed()  # a feed linking to a feed: do not follow
        return parse_document(text, str(path), fmt, read_local=None if in_feed else self.read_linked)

    def read_linked(self, path: Path) -> list[Article] | None:
        """The article a feed entry links to, when that is a local file."""
        parsed = self.parse_path(path, in_feed=True)
        return parsed.articles if parsed else None

    def read_bytes(self, path: Path) -> bytes | None:
        """The file's bytes, or None with the reason (missing, too large, unreadable, a loop)."""
        name = str(path)
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
        content = getattr(stream, "buffer", stream).read()  # bytes when we can, to detect the encoding
        try:
            text = decode_text(content) if isinstance(content, bytes) else content.replace("\r\n", "\n")
        except UnreadableText as reason:
            self.skip("<stdin>", str(reason))
            return
        if not text.strip():
            self.skip("<stdin>", "empty input")
            return
        fmt = READERS.sniff(text, "")
        parsed = parse_document(text, "<stdin>", fmt)
        for skipped in parsed.skipped:
            self.skip(skipped.path, skipped.reason)
        for article in parsed.articles:
            self.articles.append(replace(article, raw_format="stdin") if fmt.name == "txt" else article)

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
    and ``-`` where standard input is read; ``skip`` hears each name that gives no file.

    Both engines read in this order: the local one as it walks, Dask by handing
    each file to a worker (``list_inputs``)."""
    for item in inputs:
        name = str(item)
        if name == STDIN:
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
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True, onerror=lambda error: skip(error.filename, "unreadable folder")):
        stat = os.stat(root)
        if (stat.st_dev, stat.st_ino) in seen:
            skip(root, "symbolic link loop (folder already read)")
            dirs.clear()
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if is_article_name(name):
                yield Path(root) / name


def pattern_matches(pattern: str) -> tuple[list[str], str | None]:
    """The folders and article files a glob names, in order, and why there are none when
    there are none. The user named a pattern, not each file: what a folder walk leaves
    out (sidecars, hidden and data files) is left out here too."""
    matches = sorted(glob.glob(pattern, recursive=True))
    wanted = [match for match in matches if Path(match).is_dir() or is_article_name(Path(match).name)]
    if not matches:
        return [], "no files match this pattern"
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

