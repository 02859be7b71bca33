"""The analysis cache: an article's extracted ``Fact``s on disk, so a rerun skips spaCy.

One file per article under ``user_cache_dir("briefing")/facts`` (or
``$BRIEFING_CACHE_DIR/facts``), named by a hash of everything the facts
depend on: the article's text and the metadata extraction reads (published
date, outlet, title), the model's name and version, the taxonomy and alias
tables, and the code (``briefing.__version__``, ``CACHE_SCHEMA`` and a digest
of the source of the modules that make facts, so a changed extractor never
serves stale facts, even between releases). Change any of these and exactly the entries that
depend on it stop matching.

Facts are stored without their source id ("S1" depends on input order, not
content) and stamped with the article's id when read back. Writes go to a
temporary file and ``os.replace``, so concurrent runs never see half an
entry; an unreadable entry is a miss. When the folder grows past
``BRIEFING_CACHE_MAX_MB`` (default 500) the least recently used entries go.

Entries are pickles, and unpickling runs whatever the bytes say; so every
entry carries an HMAC-SHA256 of its bytes under a per-user secret key kept
outside the cache folder (``cache.key`` in the platform's user config folder,
mode 0600, made on first use). An entry whose tag does not verify (planted,
tampered with, or written under another key) is a miss and is rebuilt; it is
never unpickled. Anyone who can write the cache folder but not the key (a
shared or synced cache, another account) cannot make a build run code.

Why facts and not spaCy's ``DocBin``: measured on DUC articles, a pickled
entry is ~8 KB and loads in ~0.4 ms, a one-Doc ``DocBin`` is ~9 KB and loads
in ~3 ms, and a Doc would still need the extractor, which costs as much
as the model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
import math
import os
import pickle
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from datetime import date
from functools import lru_cache
from pathlib import Path

from briefing.version import __version__
from briefing.atomic import write_atomically
from briefing.errors import BriefingError
from briefing.model import Article, Brief, Fact, word_count
from briefing.options import BuildOptions

log = logging.getLogger("briefing")

PACKAGE_DIR = Path(__file__).resolve().parent

CACHE_SCHEMA = 1
"""Bump when the stored form or the meaning of a Fact changes without a version bump."""

DEFAULT_MAX_MB = 500
ENTRY_SUFFIX = ".facts"
SIZE_FILE = "size"  # bytes of facts the last walk found plus those written since, and when it walked
SIZE_FILE_DAYS = 1  # walked again at least this often: other processes write and delete too
BRIEF_SUFFIX = ".brief"
KEPT_BRIEFS = 16
RANKING_SUFFIX = ".ranking"
KEPT_RANKINGS = 50_000  # a few days of a 10,000-article corpus' stories
READ_SUFFIX = ".read"
KEPT_READS = 100_000  # input files: a large project's, a few times over
PICKLE_PROTOCOL = 5
ENTRY_MAGIC = b"briefing-hmac-1\n"
"""Starts every entry: the format, then the HMAC tag, then the pickle."""
KEY_FILE = "cache.key"
KEY_BYTES = 32


def cache_root() -> Path:
    """``$BRIEFING_CACHE_DIR`` when set, else the platform's user cache folder. A set value
    that names something other than a folder (``/dev/null``, a file) is refused: entries
    are never written into, or next to, a device."""
    configured = os.environ.get("BRIEFING_CACHE_DIR")
    if configured:
        root = Path(configured).expanduser()
        if root.exists() and not root.is_dir():
            raise BriefingError(f"BRIEFING_CACHE_DIR: {configured} is not a folder (unset it, or use --no-cache)")
        return root
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("briefing"))


def max_cache_bytes() -> int:
    """The size bound from ``BRIEFING_CACHE_MAX_MB``; a value that is not a number is ignored."""
    configured = os.environ.get("BRIEFING_CACHE_MAX_MB", "")
    try:
        megabytes = float(configured) if configured.strip() else DEFAULT_MAX_MB
    except ValueError:
        megabytes = math.nan
    if not (math.isfinite(megabytes) and megabytes >= 0):  # nan, inf, -5: a mistake, not a wish for no cache
        log.warning("BRIEFING_CACHE_MAX_MB: %r is not a number of megabytes >= 0, using %d", configured, DEFAULT_MAX_MB)
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def analysis_context(model_label: str, taxonomy: object, aliases: object, join_quotes: bool = False) -> str:
    """A digest of everything besides the article that the facts depend on."""
    digest = hashlib.sha256()
    code = (__version__, str(CACHE_SCHEMA), source_digest())
    sentences = "quotations joined" if join_quotes else "sentences"
    for part in (*code, model_label, sentences, canonical(content_of(taxonomy)), canonical(content_of(aliases))):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


FACT_MAKERS = ("briefing.analyze", "briefing.extract")
"""Where facts are made (engine.analyze_batch calls these); the key covers them and every
package module they import, found by reading the imports (briefing/imports.py)."""


def source_digest() -> str:
    """A digest of the source of the modules that make facts (a few milliseconds, once per run)."""
    from briefing.imports import modules_reached

    return files_digest(modules_reached(FACT_MAKERS))


@lru_cache(maxsize=1)
def modules_digest() -> str:
    """A digest of every module of the package: any code change may change a brief."""
    return files_digest(tuple(sorted(PACKAGE_DIR.rglob("*.py"))))


@lru_cache(maxsize=4)
def files_digest(paths: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        with suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def content_of(table: object) -> object:
    """A taxonomy's or alias table's fields but its ``source``: where it was loaded from changes no fact."""
    if dataclasses.is_dataclass(table) and not isinstance(table, type):
        return {field.name: getattr(table, field.name) for field in dataclasses.fields(table) if field.name != "source"}
    return table


def canonical(value: object) -> str:
    """A text form of plain data that is the same in every process (sets sorted, dict keys sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        return f"{type(value).__name__}{canonical(fields)}"
    if isinstance(value, Mapping):
        items = sorted((canonical(key), canonical(item)) for key, item in value.items())
        return "{" + ",".join(f"{key}:{item}" for key, item in items) + "}"
    if isinstance(value, (set, frozenset)):
        return "set(" + ",".join(sorted(canonical(item) for item in value)) + ")"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    if value is None or isinstance(value, (str, int, float, bool, date)):
        return repr(value)
    if hasattr(value, "__dict__"):
        return f"{type(value).__name__}{canonical(vars(value))}"
    return repr(value)


@lru_cache(maxsize=65536)  # asked for by the facts, the story index and the ranking keys; cleared after a build
def article_key(article: Article, context: str) -> str:
    """The entry name for one article: its content and the metadata extraction reads, never its id or path."""
    content = content_digest(article.text, article.title or "", article.outlet or "", str(article.published or ""))
    return hashlib.sha256(f"{context}\0{content}".encode("ascii")).hexdigest()


@lru_cache(maxsize=65536)
def content_digest(*parts: str) -> str:
    """Hashed once per build: the facts, the story index and the rankings each key an article by
    it (cleared after each build, so a long-lived process calling ``build`` keeps no old corpus)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


@dataclasses.dataclass
class Staying:
    """What a process kept for the next build (``--watch``: ``keep_articles``) holds between
    builds. Project files are kept in any process for as long as the file on disk is the one it
    read or wrote last; the rest only while ``on``."""

    on: bool = False
    loaded: dict[Path, tuple[tuple, object]] = dataclasses.field(default_factory=dict)  # by the file's stamp
    entries: dict[tuple[str, str], object] = dataclasses.field(default_factory=dict)  # read-cache entries
    facts: set[str] = dataclasses.field(default_factory=set)  # fact entries seen present (marked used once)
    later: dict[Path, Callable[[], object]] = dataclasses.field(default_factory=dict)  # writes after the outputs


STAYING = Staying()


class FactCache:
    """Per-article facts on disk, shared by every run (and every process) on this machine."""

    def __init__(self, root: Path | None = None, *, max_bytes: int | None = None) -> None:
        self.folder = (root or cache_root()) / "facts"
        self.max_bytes = max_cache_bytes() if max_bytes is None else max_bytes
        self.written = 0
        self.written_bytes = 0

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / (key[2:] + ENTRY_SUFFIX)

    def get(self, key: str, source: str) -> list[Fact] | None:
        """The facts stored under ``key``, stamped with ``source``; None on a miss or a damaged entry."""
        path = self.path(key)
        stored = read_pickle(path)
        if stored is None:
            return None
        if not (isinstance(stored, tuple) and all(isinstance(fact, Fact) for fact in stored)):
            log.debug("%s: cache entry of the wrong shape, recomputing", path)
            return None
        touch(path)
        return [_stamped(fact, source) for fact in stored]

    def has(self, key: str) -> bool:
        """Whether an entry is stored under ``key`` (marked as used; not read: a damaged
        entry is found when it is read, and the caller analyses the article again). A
        process that stays (``keep_articles``) marks each entry once, not on every build."""
        if key in STAYING.facts:
            return True
        path = self.path(key)
        try:
            os.utime(path)
        except OSError:
            return False
        if STAYING.on:
            STAYING.facts.add(key)
        return True

    def put(self, key: str, facts: Iterable[Fact]) -> bool:
        """Store the facts atomically; a cache that cannot be written only costs speed (False)."""
        anonymous = tuple(dataclasses.replace(fact, source="") for fact in facts)
        path = self.path(key)
        if write_pickle(path, anonymous, self.folder):
            self.written += 1
            with suppress(OSError):
                self.written_bytes += path.stat().st_size
            return True
        return False

    def prune(self) -> int:
        """Delete least recently used entries until the folder is within its size bound; return
        how many went. The folder is walked only when the bound may have been crossed: the size
        the last walk found (``SIZE_FILE``, less than a day old) plus what was written since is
        checked first, since walking 10,000 entries cost a one-article run 0.4 s."""
        ledger = self.folder / SIZE_FILE
        with suppress(OSError, ValueError):
            size, walked = ledger.read_text(encoding="ascii").split()
            known = int(size) + self.written_bytes
            if time.time() - float(walked) < SIZE_FILE_DAYS * 86400 and known <= self.max_bytes:
                if self.written_bytes:
                    write_atomically(ledger, f"{known} {walked}".encode("ascii"), durable=False)
                self.written_bytes = 0
                return 0
        removed, total = self.walk_and_prune()
        self.written_bytes = 0
        with suppress(OSError):
            write_atomically(ledger, f"{total} {time.time():.0f}".encode("ascii"), durable=False)
        return removed

    def walk_and_prune(self) -> tuple[int, int]:
        entries = []
        total = 0
        for path in self.folder.glob(f"*/*{ENTRY_SUFFIX}"):
            try:
                status = path.stat()
            except OSError:
                continue
            entries.append((max(status.st_atime, status.st_mtime), status.st_size, path))
            total += status.st_size
        removed = 0
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            with suppress(OSError):
                path.unlink()
                removed += 1
            total -= size
        if removed:
            log.info("analysis cache: removed %d old entries to stay under %d MB", removed, self.max_bytes // 2**20)
        return removed, total


class BriefCache:
    """Whole briefs, by everything they are made from: the articles as read, the
    options, the model and the code. Rerunning on a corpus in which nothing changed
    (to render another format, to send it again, on a schedule with no new story)
    then skips dedupe, analysis and ranking. Only the newest ``KEPT_BRIEFS`` are kept."""

    def __init__(self, root: Path | None = None) -> None:
        self.folder = (root or cache_root()) / "briefs"

    def path(self, key: str) -> Path:
        return self.folder / (key + BRIEF_SUFFIX)

    def get(self, key: str, articles: Sequence[Article]) -> Brief | None:
        """The brief stored under ``key``, its sources' texts put back from ``articles`` (those
        the key was made of); None on a miss or a damaged entry."""
        path = self.path(key)
        stored = read_pickle(path)
        if not isinstance(stored, Brief) or [a.id for a in stored.sources] != [a.id for a in articles]:
            return None
        touch(path)
        sources = tuple(dataclasses.replace(read, duplicate_of=kept.duplicate_of)
                        for read, kept in zip(articles, stored.sources))
        return dataclasses.replace(stored, sources=sources)

    def put(self, key: str, brief: Brief) -> None:
        """Stored without its sources' texts (a 20,000-article brief was 94 MB with them):
        ``get`` puts them back from the articles read."""
        brief = dataclasses.replace(brief, sources=tuple(dataclasses.replace(a, text="") for a in brief.sources))
        later(self.path(key), lambda: write_pickle(self.path(key), brief, self.folder) and self.prune())

    def prune(self) -> None:
        """Keep the ``KEPT_BRIEFS`` most recently used entries."""
        keep_newest(self.folder.glob(f"*{BRIEF_SUFFIX}"), KEPT_BRIEFS)


class ShardedEntries:
    """Pickled entries under ``folder/ab/cdef...SUFFIX``, read back only as the type asked for;
    after a run that wrote some, the newest ``KEPT`` are kept."""

    FOLDER = ""
    SUFFIX = ""
    KEPT = 0
    KEPT_WHILE_STAYING = False  # a staying process keeps the entries it had in memory

    def __init__(self, root: Path | None = None) -> None:
        self.folder = (root or cache_root()) / self.FOLDER
        self.written = 0

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / (key[2:] + self.SUFFIX)

    def get(self, key: str, kind: type) -> object | None:
        kept = STAYING.entries.get((self.FOLDER, key))
        if isinstance(kept, kind):
            return kept
        stored = read_pickle(self.path(key))
        if not isinstance(stored, kind):
            return None
        touch(self.path(key))
        self.keep(key, stored)
        return stored

    def put(self, key: str, value: object) -> None:
        self.keep(key, value)
        if write_pickle(self.path(key), value, self.folder):
            self.written += 1

    def prune(self) -> None:
        if self.written:
            keep_newest(self.folder.glob(f"*/*{self.SUFFIX}"), self.KEPT)

    def keep(self, key: str, value: object) -> None:
        """An entry's key is its content, so what a staying process keeps never goes stale."""
        if STAYING.on and self.KEPT_WHILE_STAYING:
            STAYING.entries[self.FOLDER, key] = value


class RankingCache(ShardedEntries):
    """One story's ranking (its claims and divergences), by the facts and articles it was made
    from: when an article joins one story, the other stories' rankings are read back, not
    recomputed."""

    FOLDER, SUFFIX, KEPT = "rankings", RANKING_SUFFIX, KEPT_RANKINGS


class ProjectRankings:
    """The ranked stories of one project's last run, their claims already citing the corpus's
    article ids, in one signed file: a run that adds one article to 10,000 reads one file
    instead of an entry per story (1,000 of them: 0.5 s) and re-cites no claim of a story it
    did not touch (0.5 s of copying). An entry counts only for the same ranking key and the
    same article ids in the same order; ``save`` keeps just this run's stories."""

    def __init__(self, project: str, context: str) -> None:
        self.path = project_file("rankings", project, "briefing.rank", context=context, suffix=".pickle")
        stored = read_project_file(self.path)
        self.last: dict = stored if isinstance(stored, dict) else {}
        self.now: dict = {}

    def get(self, key: str, article_ids: tuple[str, ...]) -> object | None:
        entry = self.last.get(key)
        if not isinstance(entry, tuple) or len(entry) != 2 or entry[0] != article_ids:
            return None
        self.now[key] = entry
        return entry[1]

    def put(self, key: str, article_ids: tuple[str, ...], ranked: object) -> None:
        self.now[key] = (article_ids, ranked)

    def save(self) -> None:
        """Written only when this run's stories are not exactly the last run's."""
        if self.now.keys() != self.last.keys() or any(self.now[key] is not self.last[key] for key in self.now):
            write_project_file(self.path, self.now)


class ReadCache(ShardedEntries):
    """One input file as read and cleaned, by its path, size, times and inode, the day (cleaning
    drops dates after it) and the reading code: a daily run over a folder parses only the files
    that changed. Never for standard input or URLs. A staying process keeps the files it has
    read (the key is the file's path, size, times and inode); stories' rankings it has in
    ``ProjectRankings`` already."""

    FOLDER, SUFFIX, KEPT = "reads", READ_SUFFIX, KEPT_READS
    KEPT_WHILE_STAYING = True

    def __init__(self, root: Path | None = None) -> None:
        super().__init__(root)
        self.code: str | None = None

    def key(self, path: str, *, named: bool, today: date) -> str | None:
        """None when the file cannot be looked at (the read then reports why)."""
        try:
            status = os.stat(path)
            where = os.path.realpath(path)
        except (OSError, ValueError):
            return None
        if self.code is None:
            from briefing.imports import modules_reached

            self.code = files_digest(modules_reached(("briefing.read", "briefing.clean", "briefing.engine")))
        stamp = (where, path, named, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino,
                 today.isoformat(), self.code, __version__)
        return hashlib.sha256(repr(stamp).encode("utf-8", "surrogatepass")).hexdigest()


def project_file(kind: str, project: str, code: str, *, context: str = "", suffix: str) -> Path:
    """Where one project's (the inputs as named) file of ``kind`` lives, for the code of module
    ``code`` and everything it imports: another project, or changed code, is another file."""
    from briefing.imports import modules_reached

    digest = files_digest(modules_reached((code,)))
    name = hashlib.sha256(f"{context}\0{digest}\0{__version__}\0{project}".encode("utf-8", "surrogatepass"))
    return cache_root() / kind / f"{name.hexdigest()}{suffix}"


class DedupeMemory:
    """Dedupe's state (each text's MinHash values, band keys and the groups found) for one
    project, in one signed file per project and dedupe code: a run that only adds articles
    compares just those. Rewritten only when it changed; a damaged file is a miss."""

    def __init__(self, project: str) -> None:
        from briefing.dedupe import DedupeState

        self.path = project_file("dedupe", project, "briefing.dedupe", suffix=".pickle")
        stored = read_project_file(self.path)
        self.state = stored if isinstance(stored, DedupeState) else None
        self.texts = len(self.state.digests) if self.state else 0

    def save(self, state) -> None:
        """Keep ``state`` when it is not the one loaded, or took new texts."""
        if state is not self.state or len(state.digests) != self.texts:
            write_project_file(self.path, state)


def read_project_file(path: Path, load: Callable[[Path], object | None] | None = None) -> object | None:
    """A project's state file (dedupe's, its story index, its stories' rankings), kept loaded
    between the builds of one process (``--watch``) for as long as the file on disk is the one
    this process read or wrote last: a rebuild then reads none of them again."""
    stamp = _stamp(path)
    kept = STAYING.loaded.get(path)
    if kept is not None and stamp is not None and kept[0] == stamp:
        return kept[1]
    value = (load or read_pickle)(path)
    if value is not None and stamp is not None:
        STAYING.loaded[path] = (stamp, value)
    return value


def write_project_file(path: Path, value: object) -> None:
    later(path, lambda: remember_written(path, value, write_pickle(path, value, path.parent)))


def later(path: Path, write: Callable[[], object]) -> None:
    """A cache write that a staying process (``keep_articles``) makes after the outputs are
    written (``write_later_writes``), so the brief on disk does not wait for it; at once
    otherwise. A later write to the same path replaces one not made yet. Only for what a
    build reads once and a torn or missing write merely costs speed: dedupe's state, the
    ranked stories, the brief cache."""
    if STAYING.on:
        STAYING.later[path] = write
    else:
        write()


def write_later_writes() -> None:
    while STAYING.later:
        _path, write = STAYING.later.popitem()
        write()


def remember_written(path: Path, value: object, written: bool) -> None:
    """After ``value`` was written to ``path`` (or failed to be: then what is kept is dropped,
    since it may hold changes the file does not)."""
    stamp = _stamp(path) if written else None
    if stamp is None:
        STAYING.loaded.pop(path, None)
    else:
        STAYING.loaded[path] = (stamp, value)


def _stamp(path: Path) -> tuple | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def keep_newest(paths: Iterable[Path], kept: int) -> None:
    """Delete all but the ``kept`` most recently used of ``paths``."""
    entries = []
    for path in paths:
        with suppress(OSError):
            status = path.stat()
            entries.append((max(status.st_atime, status.st_mtime), path))
    for _, path in sorted(entries, reverse=True)[kept:]:
        with suppress(OSError):
            path.unlink()


def brief_key(articles: Sequence[Article], context: str, options: BuildOptions) -> str:
    """The entry name for a brief: every field of every article as read (in order),
    the analysis ``context``, the whole package's code and the build ``options``."""
    digest = hashlib.sha256(context.encode("ascii"))
    digest.update(modules_digest().encode("ascii"))  # any code change may change a brief
    digest.update(options.cache_key().encode("ascii"))
    fields = [field.name for field in dataclasses.fields(Article)]
    for article in articles:
        digest.update(b"\0")
        # every field, the text by its digest (already made for the article's key); the generic
        # ``canonical`` walk took 1 s at 20,000 articles, the dataclass repr 0.2 s at 10,000
        values = [content_digest(value) if name == "text" else value
                  for name, value in zip(fields, (getattr(article, name) for name in fields))]
        digest.update(repr(values).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def read_pickle(path: Path) -> object | None:
    """What a cache entry holds; None when it is missing, partial, foreign or not signed with
    this user's key: a miss, never a crash, and never an unpickled byte that we did not write."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a planted FIFO must not block the run
    except FileNotFoundError:
        return None
    except OSError as error:
        log.debug("%s: unreadable cache entry (%s), recomputing", path, error)
        return None
    try:
        with os.fdopen(descriptor, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                log.debug("%s: cache entry is not a regular file, recomputing", path)
                return None
            data = stream.read()
    except OSError as error:
        log.debug("%s: unreadable cache entry (%s), recomputing", path, error)
        return None
    payload = verified(data)
    if payload is None:
        log.debug("%s: cache entry not signed with this user's key, recomputing", path)
        return None
    try:
        return pickle.loads(payload)
    except Exception as error:
        log.debug("%s: unreadable cache entry (%s), recomputing", path, error)
        return None


def signed(payload: bytes) -> bytes:
    """An entry's bytes: the format marker, the HMAC of the payload under the user's key, the payload."""
    return ENTRY_MAGIC + hmac.new(cache_key(), payload, hashlib.sha256).digest() + payload


def verified(data: bytes) -> bytes | None:
    """The payload of an entry ``signed`` wrote under this user's key, else None."""
    if not data.startswith(ENTRY_MAGIC):
        return None
    tag = data[len(ENTRY_MAGIC) : len(ENTRY_MAGIC) + 32]
    payload = data[len(ENTRY_MAGIC) + 32 :]
    expected = hmac.new(cache_key(), payload, hashlib.sha256).digest()
    return payload if hmac.compare_digest(tag, expected) else None


def key_path() -> Path:
    """Where the per-user cache key lives: the user config folder, never the cache folder."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("briefing")) / KEY_FILE


@lru_cache(maxsize=1)
def cache_key() -> bytes:
    """The user's secret cache key, made (mode 0600) on first use. A key file that others could
    have written is not trusted; when none can be kept, a key for this run only (no entry of an
    earlier run is then trusted: the cache still works within the run, and is safe)."""
    path = key_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _existing_key(path)
        with os.fdopen(descriptor, "wb") as stream:
            key = secrets.token_bytes(KEY_BYTES)
            stream.write(key)
        return key
    except OSError as error:
        log.warning("%s: cannot keep the cache key (%s); cached entries are not reused", path, error.strerror or error)
        return secrets.token_bytes(KEY_BYTES)


def _existing_key(path: Path) -> bytes:
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(stream.fileno())
        key = stream.read(KEY_BYTES + 1)
    mine = not hasattr(os, "getuid") or status.st_uid == os.getuid()
    if not stat.S_ISREG(status.st_mode) or not mine or status.st_mode & 0o077 or len(key) != KEY_BYTES:
        raise OSError(0, "not a private file of this user holding a key")
    return key


def write_pickle(path: Path, value: object, folder: Path) -> bool:
    """Write ``value`` to ``path`` atomically (temporary file, then rename), so a
    concurrent reader sees the whole entry or none; False, with one warning, when
    the cache folder cannot be written: that only costs speed."""
    try:
        write_atomically(path, signed(pickle.dumps(value, protocol=PICKLE_PROTOCOL)), durable=False)
    except OSError as error:
        if folder not in _UNWRITABLE:  # once per folder and run, not once per article
            _UNWRITABLE.add(folder)
            log.warning("%s: cannot write the analysis cache (%s)", folder, error.strerror or error)
        return False
    return True


_UNWRITABLE: set[Path] = set()


def compact(fact: Fact, *, source: str | None = None) -> Fact:
    """The fact with its words shared with every other fact's (``sys.intern``), and ``source`` set.

    Measured on 1,000 DUC articles: 36 MB of facts become 9 MB, which is what
    keeps a 10,000-article build's memory in bounds.
    """
    return dataclasses.replace(
        fact,
        source=fact.source if source is None else source,
        lemmas=tuple(map(sys.intern, fact.lemmas)),
        entities=tuple(map(sys.intern, fact.entities)),
    )


def _stamped(fact: Fact, source: str) -> Fact:
    """``compact(fact, source=source)`` for a fact just unpickled, which nothing else
    holds yet: its fields are set in place, at a third of the cost of a copy."""
    object.__setattr__(fact, "source", source)
    object.__setattr__(fact, "lemmas", tuple(map(sys.intern, fact.lemmas)))
    object.__setattr__(fact, "entities", tuple(map(sys.intern, fact.entities)))
    return fact


def touch(path: Path) -> None:
    """Mark an entry as just used, so pruning removes the stale ones first."""
    with suppress(OSError):
        os.utime(path)


def forget_articles() -> None:
    """Let go of the articles the key caches hold: the build that needed them is over (unless
    the process stays for the next one: ``keep_articles``)."""
    if STAYING.on:
        return
    article_key.cache_clear()
    content_digest.cache_clear()
    word_count.cache_clear()


def keep_articles() -> None:
    """``--watch``: the next build reads mostly the same articles, so their keys and word
    counts are kept (equal articles hit the caches: 0.5 s of hashing at 10,000 articles)."""
    STAYING.on = True
