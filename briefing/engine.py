"""Where the per-article work runs: in this process (``local``) or on Dask workers (``dask``).

Both engines do the same two steps for the pipeline: read + clean the input
files, and analyze + extract a list of articles. The steps in between and
after (dedupe, the cache, rank, compose) need every article at once and stay
in the calling process. Given the same input, the two engines return the same
articles and facts in the same order, so the brief is byte-identical.

The Dask engine reads each input file on a worker (on a real cluster the
files must be on a filesystem every worker sees), then sends articles in
batches; each worker process loads the spaCy model once and keeps it.
``dask.distributed`` is an optional extra (``pip install briefing[dask]``)
imported only here.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from briefing.errors import BriefingError
from briefing.model import Article, Fact, ReadResult, Skipped, Taxonomy
from briefing.options import ENGINES
from briefing.progress import SILENT, Progress

if TYPE_CHECKING:
    from briefing.entities import Aliases

log = logging.getLogger("briefing")

BATCH_ARTICLES = 32
"""Articles per task (worker process or Dask worker): enough to amortize a task's overhead,
few enough that two workers finish together and a task's memory stays small."""


@dataclass(frozen=True)
class AnalysisSettings:
    """What a worker needs to turn articles into facts."""

    model: str | None
    taxonomy: Taxonomy
    aliases: Aliases
    join_quotes: bool = False  # keep a multi-sentence quotation in one sentence (the brief's reading)


RankTask = tuple  # (facts, articles, RankConfig) of one story, its articles named by their place in it


def rank_task(task: RankTask):
    """One story's ranking (a plain function, so a Dask worker can run it)."""
    from briefing.rank import rank_story

    facts, articles, config = task
    return rank_story(facts, articles, config=config)


@dataclass(frozen=True)
class Analysis:
    """Facts per article, in input order, with the model that found them and the time it took."""

    facts: tuple[tuple[Fact, ...], ...]
    model: str
    load_seconds: float = 0.0
    analyze_seconds: float = 0.0
    extract_seconds: float = 0.0


SCHEDULER_SCHEMES = ("tcp", "tls", "ucx", "ws", "wss")


def check_scheduler(address: str) -> None:
    """A Dask scheduler address is ``[tcp://]HOST:PORT`` (or tls, ucx, ws, wss); anything
    else is refused in one line before any connection is tried."""
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in SCHEDULER_SCHEMES or not parts.hostname or port is None or parts.path not in ("", "/"):
        raise BriefingError(
            f"--scheduler: {address!r} is not a scheduler address like tcp://10.0.0.5:8786"
        )


def open_engine(name: str = "local", *, scheduler: str | None = None):
    """The engine called ``name``; use it as a context manager so a cluster it starts is shut down."""
    if scheduler is not None:
        check_scheduler(scheduler)
    if name == "local":
        return LocalEngine()
    if name == "dask":
        return DaskEngine(scheduler)
    raise BriefingError(f"--engine: unknown engine {name!r} (choose from {', '.join(ENGINES)})")


class LocalEngine:
    """Everything on this machine; with ``jobs`` > 1, batches of articles go to that many
    forked processes that each run spaCy *and* the extractor (see ``analyze_in_processes``)."""

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def read(
        self, inputs: Sequence[str | os.PathLike[str]], *, stdin=None, today: date, offline: bool = False,
        cache: bool = False,
    ) -> ReadResult:
        """``cache``: a local file unchanged since an earlier run is taken as that run read and cleaned it."""
        from briefing.read import read_inputs

        if cache:
            return read_with_cache(inputs, stdin=stdin, today=today, offline=offline)
        result = read_inputs(list(inputs), stdin=stdin, offline=offline)
        articles, skipped = clean_each(result.articles, today=today)
        for entry in skipped:
            log.warning("%s: %s", entry.path, entry.reason)
        return ReadResult(articles, (*result.skipped, *skipped), result.files)

    def rank(self, tasks: Sequence[RankTask]) -> list:
        """Each story's ranking, in this process."""
        return [rank_task(task) for task in tasks]

    def analyze(
        self, articles: Sequence[Article], settings: AnalysisSettings, *, jobs: int, progress: Progress = SILENT,
        each_batch: BatchSink | None = None,
    ) -> Analysis:
        """Facts per article in article order; with ``each_batch``, each batch's facts go there as
        it is done and are not kept (the Analysis has none), so memory does not grow with the corpus."""
        jobs = usable_jobs(jobs, len(articles))
        if jobs <= 1 and each_batch is None:
            return analyze_batch(articles, settings, progress)
        if jobs <= 1:
            results = []
            for chunk in batches(articles):
                result = analyze_batch(chunk, settings, progress)
                each_batch(chunk, result.facts)
                results.append(replace(result, facts=()))
            return merge_analyses(results)
        return analyze_in_processes(articles, settings, jobs=jobs, progress=progress, each_batch=each_batch)


def usable_jobs(asked: int, article_count: int) -> int:
    """``--jobs`` bounded by the work (one batch per process at least) and the machine (its
    cores): ``--jobs 300`` on 2 cores forks 2 workers, not 300 that only compete for them."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    batches_of_work = -(-article_count // BATCH_ARTICLES)
    return max(1, min(asked, cores, batches_of_work))


def analyze_in_processes(
    articles: Sequence[Article], settings: AnalysisSettings, *, jobs: int, progress: Progress = SILENT,
    each_batch: BatchSink | None = None,
) -> Analysis:
    """Batches over a pool of processes, results in article order.

    Unlike spaCy's ``n_process``, which ships every Doc back to this process
    and leaves the extractor to run here, each worker runs spaCy and the
    extractor and returns only the facts. The model is loaded before the
    fork, so workers share its memory instead of loading it again. Measured
    on 200 DUC articles, the workers' CPU time equals one process's (17.6 s
    against 19.5 s): no overhead, so the wall time divides by the free cores.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    started = time.perf_counter()
    extractor_for(settings)  # loads the model too
    loading = time.perf_counter() - started
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        chunks = batches(articles)
        pending = {pool.submit(analyze_batch, chunk, settings): number for number, chunk in enumerate(chunks)}
        results: list[Analysis | None] = [None] * len(chunks)
        for future in as_completed(list(pending)):
            number = pending.pop(future)  # no reference left to the future: its facts can go
            result = future.result()
            progress.advance(len(result.facts))
            if each_batch is not None:
                each_batch(chunks[number], result.facts)
                result = replace(result, facts=())
            results[number] = result
    return merge_analyses(results, loading)


class DaskEngine:
    """Read, clean, analyze and extract on the workers of a Dask cluster."""

    def __init__(self, scheduler: str | None = None) -> None:
        self.scheduler = scheduler
        self.client = None
        self.cluster = None

    def __enter__(self) -> DaskEngine:
        """Nothing starts yet (a cluster starts, or the scheduler is reached, at the first work
        sent), so options are still checked first; one engine serves a whole build."""
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            raise BriefingError(
                "--engine dask: dask.distributed is not installed (pip install 'briefing[dask]')"
            ) from None
        return self

    def connected(self):
        """The client, connecting (or starting the local cluster) the first time."""
        if self.client is not None:
            return self.client
        from dask.distributed import Client, LocalCluster

        try:
            if self.scheduler:
                self.client = Client(self.scheduler, timeout="10s")
            else:
                self.cluster = LocalCluster(
                    n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
                )
                self.client = Client(self.cluster)
        except (OSError, TimeoutError, ValueError) as error:
            self.__exit__(None, None, None)
            where = self.scheduler or "a local cluster"
            raise BriefingError(f"--scheduler {where}: cannot connect ({error})") from None
        return self.client

    def __exit__(self, *exc_info) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def rank(self, tasks: Sequence[RankTask]) -> list:
        """Each story ranked on a worker; the results come back in the stories' order, so the
        brief is the local engine's byte for byte."""
        client = self.connected()
        return list(client.gather(client.map(rank_task, list(tasks), pure=False)))

    def read(
        self, inputs: Sequence[str | os.PathLike[str]], *, stdin=None, today: date, offline: bool = False,
        cache: bool = False,
    ) -> ReadResult:
        """Each file (or URL) read and cleaned on a worker; ids numbered here, in input order, as the local engine does.
        (``cache`` is for the local engine: the workers may not share this machine's disk.)"""
        from briefing.read import list_inputs

        units, skipped = list_inputs(inputs)
        remote = [unit for unit in units if unit != "-"]
        named = {str(item) for item in inputs}
        client = self.connected()
        tasks = client.map(read_file, remote, [unit in named for unit in remote], today=today, offline=offline, pure=False)
        gathered = iter(client.gather(tasks))
        parts = [read_file("-", stdin=stdin, today=today) if unit == "-" else next(gathered) for unit in units]
        return number_articles(parts, skipped)

    def analyze(
        self, articles: Sequence[Article], settings: AnalysisSettings, *, jobs: int, progress: Progress = SILENT,
        each_batch: BatchSink | None = None,
    ) -> Analysis:
        """Batches of articles to the workers; results put back in article order (or, with
        ``each_batch``, handed over batch by batch and not kept, as the local engine does)."""
        from dask.distributed import as_completed

        client = self.connected()
        [shared] = client.scatter([settings], broadcast=True)
        chunks = batches(articles)
        futures = client.map(analyze_batch, chunks, settings=shared, pure=False)
        number_of = {future.key: number for number, future in enumerate(futures)}
        results: list[Analysis | None] = [None] * len(chunks)
        for future, result in as_completed(futures, with_results=True):
            progress.advance(len(result.facts))
            number = number_of[future.key]
            if each_batch is not None:
                each_batch(chunks[number], result.facts)
                result = replace(result, facts=())
            results[number] = result
            future.release()
        return merge_analyses(results)


BatchSink = Callable[[Sequence[Article], Sequence[Sequence[Fact]]], None]


def batches(articles: Sequence[Article]) -> list[Sequence[Article]]:
    return [articles[start:start + BATCH_ARTICLES] for start in range(0, len(articles), BATCH_ARTICLES)]


def merge_analyses(results: Sequence[Analysis], load_seconds: float = 0.0) -> Analysis:
    """One analysis from the batches' in order; times are summed over workers (CPU-like, not wall)."""
    models = {result.model for result in results}
    if len(models) > 1:
        raise BriefingError(f"the workers loaded different models ({', '.join(sorted(models))})")
    return Analysis(
        facts=tuple(facts for result in results for facts in result.facts),
        model=results[0].model if results else "",
        load_seconds=load_seconds + sum(result.load_seconds for result in results),
        analyze_seconds=sum(result.analyze_seconds for result in results),
        extract_seconds=sum(result.extract_seconds for result in results),
    )


@dataclass(frozen=True)
class FileRead:
    """One input's read + clean: each article cleaned or the reason it was dropped, in read order."""

    entries: tuple[Article | Skipped, ...]
    skipped: tuple[Skipped, ...]
    files: int


def read_file(path: str, named: bool = True, *, stdin=None, today: date, offline: bool = False) -> FileRead:
    """One file (or ``-``, or a URL), read and cleaned, logging nothing: the client logs what was skipped, once.
    ``named``: the user named this file, not a folder or pattern that holds it (an OPML list is read only then)."""
    with muted_log():
        return read_and_clean([path], stdin=stdin, today=today, offline=offline, named=None if named else ())


def read_with_cache(inputs: Sequence[str | os.PathLike[str]], *, stdin=None, today: date, offline: bool) -> ReadResult:
    """The local read, one file at a time, each local file from the read cache when it is unchanged."""
    from briefing.cache import ReadCache
    from briefing.read import list_inputs
    from briefing.read.fetch import is_web_url

    units, skipped = list_inputs(inputs)
    named = {str(item) for item in inputs}
    store = ReadCache()
    parts = []
    for unit in units:
        local = unit != "-" and not is_web_url(unit)
        key = store.key(unit, named=unit in named, today=today) if local else None
        part = store.get(key, FileRead) if key else None
        if part is None:
            part = read_file(unit, unit in named, stdin=stdin, today=today, offline=offline)
            if key:
                store.put(key, part)
        parts.append(part)
    store.prune()
    return number_articles(parts, skipped)


def read_and_clean(
    inputs: Sequence[str], *, stdin=None, today: date, offline: bool = False, named: Sequence[str] | None = None
) -> FileRead:
    from briefing.read import read_inputs

    result = read_inputs(inputs, stdin=stdin, offline=offline, named=named)
    return FileRead(tuple(clean_or_skip(article, today=today) for article in result.articles), result.skipped, result.files)


def number_articles(parts: Sequence[FileRead], skipped: Sequence[Skipped]) -> ReadResult:
    """Ids S1, S2... over all inputs in order, counting articles that cleaning dropped, as ``read_inputs`` does."""
    articles: list[Article] = []
    dropped: list[Skipped] = list(skipped)
    number = 0
    for part in parts:
        dropped.extend(part.skipped)
        for entry in part.entries:
            if isinstance(entry, Skipped):
                dropped.append(entry)
            else:
                articles.append(replace(entry, id=f"S{number + 1}"))
            number += 1
    for entry in dropped:
        log.warning("%s: %s", entry.path, entry.reason)
    return ReadResult(tuple(articles), tuple(dropped), sum(part.files for part in parts))


def clean_each(articles: Sequence[Article], *, today: date) -> tuple[tuple[Article, ...], tuple[Skipped, ...]]:
    """The clean stage over every article: kept ones in order, dropped ones with the reason."""
    entries = [clean_or_skip(article, today=today) for article in articles]
    kept = tuple(entry for entry in entries if isinstance(entry, Article))
    return kept, tuple(entry for entry in entries if isinstance(entry, Skipped))


def clean_or_skip(article: Article, *, today: date) -> Article | Skipped:
    """One cleaned article, or why it has nothing left to analyze."""
    from briefing.clean import clean_article

    try:
        cleaned = clean_article(article, today=today)
    except BriefingError as error:
        return Skipped(article.path, str(error))
    if not cleaned.text.strip():
        return Skipped(article.path, "no article text left after cleaning")
    return cleaned


_MODELS: dict[tuple[str | None, bool], Any] = {}
_EXTRACTORS: dict[tuple[str | None, int], Any] = {}


def loaded_model(name: str | None, *, join_quotes: bool = False):
    """The spaCy model, loaded once per process: a Dask worker keeps it between batches."""
    if (name, join_quotes) not in _MODELS:
        from briefing.analyze import load_model

        _MODELS[name, join_quotes] = load_model(name, join_quotes=join_quotes)
    return _MODELS[name, join_quotes]


def extractor_for(settings: AnalysisSettings):
    """The fact extractor for these settings, built once per process."""
    key = (settings.model, hash(settings_digest(settings)))
    if key not in _EXTRACTORS:
        from briefing.extract import make_extractor

        _EXTRACTORS.clear()  # one taxonomy at a time: old matchers are not kept alive
        _EXTRACTORS[key] = make_extractor(loaded_model(settings.model, join_quotes=settings.join_quotes), settings.taxonomy, settings.aliases)
    return _EXTRACTORS[key]


def settings_digest(settings: AnalysisSettings) -> str:
    from briefing.cache import canonical, content_of

    return canonical((content_of(settings.taxonomy), content_of(settings.aliases), settings.join_quotes))


def analyze_batch(articles: Sequence[Article], settings: AnalysisSettings, progress: Progress = SILENT) -> Analysis:
    """spaCy over the articles and the extractor over each Doc, in this process, timing both."""
    from briefing.analyze import analyze, model_label

    started = time.perf_counter()
    nlp = loaded_model(settings.model, join_quotes=settings.join_quotes)
    extract = extractor_for(settings)
    loading = time.perf_counter() - started
    started = time.perf_counter()
    extracting = 0.0
    facts = []
    for article, doc in zip(articles, analyze((article.text for article in articles), nlp)):
        before = time.perf_counter()
        facts.append(tuple(extract(article, doc)))
        extracting += time.perf_counter() - before
        progress.advance()
    total = time.perf_counter() - started
    return Analysis(tuple(facts), model_label(nlp), loading, total - extracting, extracting)


@contextmanager
def muted_log() -> Iterator[None]:
    """Keep a worker quiet: what it skips is returned and logged once, by the client."""
    logger = logging.getLogger("briefing")
    was_disabled = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was_disabled

