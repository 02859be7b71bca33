"""The whole pipeline, read -> clean -> dedupe -> analyze -> extract -> rank -> compose.

This is the library entry point behind ``briefing.build``: it only wires the
stages together; each stage lives in its own module.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

from briefing.errors import BriefingError, NoArticlesError
from briefing.model import Article, Brief, Fact, Skipped, Taxonomy
from briefing.options import BuildOptions, options_from

log = logging.getLogger("briefing")

Inputs = Sequence[str | os.PathLike[str]] | str | os.PathLike[str]


@dataclass(frozen=True)
class Corpus:
    """Everything the ranker needs: clean articles and the facts found in them."""

    articles: tuple[Article, ...]
    facts: tuple[Fact, ...]
    model: str
    taxonomy: Taxonomy
    skipped: tuple[Skipped, ...] = ()
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds) in pipeline order
    cached: int = 0  # articles whose facts came from the analysis cache
    reused: Brief | None = None  # the brief an earlier run made from the very same articles and options
    brief_key: str | None = None  # where build stores the brief it makes (None: not stored)


class StageTimer:
    """Wall time per pipeline stage, so a slow run says where the time went."""

    def __init__(self, timings: Iterable[tuple[str, float]] = ()) -> None:
        self.seconds: dict[str, float] = dict(timings)

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - started)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def line(self) -> str:
        return "stage times: " + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in self.seconds.items())


def build(
    inputs: Inputs,
    options: BuildOptions | None = None,
    *,
    stdin=None,
    today: date | None = None,
    **changes: object,
) -> Brief:
    """Build a brief from article files, folders, globs or ``-`` (stdin).

    ``options`` holds every build option; keyword arguments (``title=...``) are a
    convenience that changes the defaults (or ``options``) for this call.
    """
    options = options_from(options, changes)
    generated_at()  # a malformed SOURCE_DATE_EPOCH fails before the slow work, not after it
    corpus = read_corpus(inputs, options, stdin=stdin, today=today, reuse_brief=options.cache)
    if corpus.reused is not None:
        log.info("%s", StageTimer(corpus.timings).line())
        return replace(corpus.reused, generated_at=generated_at())
    timer = StageTimer(corpus.timings)
    with timer("rank"):
        from briefing.rank import RankConfig, rank

        as_of = options.as_of or newest_publication(corpus.articles) or (today or date.today())
        claims = rank(corpus.facts, corpus.articles, config=RankConfig(as_of=as_of))
    with timer("compose"):
        from briefing.compose import compose

        brief = compose(
            claims,
            corpus.facts,
            corpus.articles,
            taxonomy=corpus.taxonomy,
            title=options.title or default_title(corpus.facts, corpus.articles),
            as_of=as_of,
            generated_at=generated_at(),
            model=corpus.model,
        )
    if corpus.brief_key:
        from briefing.cache import BriefCache

        BriefCache().put(corpus.brief_key, brief)
    log.info("%s", timer.line())
    return brief


def summarize_inputs(
    inputs: Inputs, options: BuildOptions | None = None, *, words: int = 100, stdin=None, **changes: object
) -> str:
    """A plain extractive summary of at most ``words`` words, for evaluation and quick use.
    Sentences stay sentences here (no joined quotations): the word budget is packed by sentence."""
    from briefing.rank import RankConfig, rank, summarize

    options = options_from(options, {"join_quotes": False, **changes})
    corpus = read_corpus(inputs, options, stdin=stdin)
    as_of = newest_publication(corpus.articles)
    claims = rank(corpus.facts, corpus.articles, config=RankConfig(as_of=as_of))
    return summarize(claims, words=words)


def read_corpus(
    inputs: Inputs,
    options: BuildOptions | None = None,
    *,
    stdin=None,
    today: date | None = None,
    reuse_brief: bool = False,
    **changes: object,
) -> Corpus:
    """Read, clean, dedupe, analyze and extract: the part of the pipeline that is per article.

    ``options.engine`` is ``local`` (this machine; ``jobs`` processes for spaCy) or
    ``dask`` (a local two-worker cluster, or the one at ``scheduler``).
    ``reuse_brief`` asks for the brief an earlier run made from the same articles
    and options: when there is one it comes back as ``Corpus.reused`` and nothing
    after reading runs.
    """
    from briefing.engine import AnalysisSettings, open_engine
    from briefing.entities import load_aliases, unify_names
    from briefing.themes import load_taxonomy

    options = options_from(options, changes)
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    today = today or date.today()
    timer = StageTimer()
    # Options are checked before the slow work, so a typo fails at once.
    with timer("load"):
        taxonomy = load_taxonomy(options.themes, replace=options.replace_themes)
        settings = AnalysisSettings(options.model, taxonomy, load_aliases(options.aliases), options.join_quotes)
        runner = open_engine(options.engine, scheduler=options.scheduler)
    with runner:
        with timer("read"):
            result = runner.read(list(inputs), stdin=stdin, today=today)
        log.info(
            "read %d articles from %d files (%d skipped)",
            len(result.articles),
            result.files,
            len(result.skipped),
        )
        if not result.articles:
            named = ", ".join(str(path) for path in inputs) or "the input"
            raise NoArticlesError(f"{named}: no readable article found")
        brief_key = None
        if reuse_brief:
            with timer("brief cache"):
                brief_key, reused = cached_brief(result.articles, settings, options)
            if reused is not None:
                log.info("brief cache: the same articles and options as an earlier run; its brief is reused")
                return Corpus(
                    articles=reused.sources,
                    facts=(),
                    model=reused.model,
                    taxonomy=taxonomy,
                    skipped=result.skipped,
                    timings=tuple(timer.seconds.items()),
                    reused=reused,
                )
        with timer("dedupe"):
            from briefing.dedupe import mark_duplicates  # datasketch and SciPy load only when needed

            articles = mark_duplicates(result.articles)
        facts, model_label, cached = analyze_with_cache(articles, runner, settings, options, timer=timer)
    with timer("unify names"):
        # Across articles, so after the cache: a cached article's facts do not depend on the others.
        facts = tuple(unify_names(facts, settings.aliases))
    return Corpus(
        articles=tuple(articles),
        facts=facts,
        model=model_label,
        taxonomy=taxonomy,
        skipped=result.skipped,
        timings=tuple(timer.seconds.items()),
        cached=cached,
        brief_key=brief_key,
    )


def cached_brief(articles: Sequence[Article], settings, options: BuildOptions) -> tuple[str | None, Brief | None]:
    """The brief cache's key for these articles and build options, and its entry if
    there is one. No key when the model cannot be named without loading it."""
    from briefing.cache import BriefCache, analysis_context, brief_key
    from briefing.model_info import installed_model_label

    label = installed_model_label(settings.model)
    if not label:
        return None, None
    context = analysis_context(label, settings.taxonomy, settings.aliases, settings.join_quotes)
    as_of = options.as_of or newest_publication(articles) or date.today()
    key = brief_key(articles, context, options.replace(as_of=as_of))
    return key, BriefCache().get(key)


def analyze_with_cache(articles, runner, settings, options: BuildOptions, *, timer: StageTimer):
    """Facts for every article: from the cache where it has them, from the engine for the rest.

    Returns the facts in article order, the model's label and how many articles were cache hits.
    """
    from briefing.cache import FactCache, analysis_context, article_key, compact
    from briefing.model_info import installed_model_label

    store = FactCache() if options.cache else None
    found: list[list[Fact] | None] = [None] * len(articles)
    label = installed_model_label(settings.model) if store else None
    if store and label:
        with timer("cache read"):
            context = analysis_context(label, settings.taxonomy, settings.aliases, settings.join_quotes)
            found = [store.get(article_key(article, context), article.id) for article in articles]
    missing = [position for position, facts in enumerate(found) if facts is None]
    if missing:
        todo = [articles[position] for position in missing]
        analysis = runner.analyze(todo, settings, jobs=options.jobs or default_jobs(len(todo)))
        timer.add("model", analysis.load_seconds)
        timer.add("analyze", analysis.analyze_seconds)
        timer.add("extract", analysis.extract_seconds)
        label = analysis.model
        for position, facts in zip(missing, analysis.facts):
            found[position] = [compact(fact) for fact in facts]
        if store:
            with timer("cache write"):
                context = analysis_context(label, settings.taxonomy, settings.aliases, settings.join_quotes)
                for article, facts in zip(todo, analysis.facts):
                    store.put(article_key(article, context), facts)
                store.prune()
    hits = len(articles) - len(missing)
    if store:
        log.info("analysis cache: %d of %d articles found", hits, len(articles))
    facts = tuple(fact for article_facts in found for fact in article_facts or ())
    return facts, label or "", hits


def default_jobs(article_count: int) -> int:
    """One process per core once there are at least two batches to share; workers are forked
    after the model is loaded, so starting them costs little (see engine.analyze_in_processes)."""
    from briefing.engine import BATCH_ARTICLES

    if article_count < 2 * BATCH_ARTICLES:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 8, article_count // BATCH_ARTICLES))


def newest_publication(articles: Iterable[Article]) -> date | None:
    return max((a.published for a in articles if a.published), default=None)


def generated_at() -> str:
    """Now, or SOURCE_DATE_EPOCH when set, so that reruns are byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        moment = datetime.now(tz=timezone.utc).replace(microsecond=0)
    else:  # malformed: an error, as reproducible-builds.org asks, never a silent "now"
        try:
            moment = datetime.fromtimestamp(int(epoch.strip()), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            moment = None
        if moment is None or not epoch.strip().isdigit():
            raise BriefingError(f"SOURCE_DATE_EPOCH: {epoch!r} is not a count of seconds since 1970 before the year 10000")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


MAX_TITLE_ENTITY = 40  # characters: a longer "entity" is a tagging accident, not a subject


def default_title(facts: Sequence[Fact], articles: Sequence[Article]) -> str:
    """Name the brief after what most sources talk about: the two entities
    mentioned by the most articles, then most often."""
    sources_by_entity: dict[str, set[str]] = {}
    mentions: Counter[str] = Counter()
    for fact in facts:
        for entity in fact.entities:
            if len(entity) <= MAX_TITLE_ENTITY:
                sources_by_entity.setdefault(entity, set()).add(fact.source)
                mentions[entity] += 1
    ranked = sorted(sources_by_entity, key=lambda e: (-len(sources_by_entity[e]), -mentions[e], e))
    return " and ".join(ranked[:2]) or "News briefing"
