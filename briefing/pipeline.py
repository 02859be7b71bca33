"""The whole pipeline, read -> clean -> dedupe -> analyze -> extract -> rank -> compose.

This is the library entry point behind ``briefing.build``: it only wires the
stages together; each stage lives in its own module.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path

from briefing.errors import BriefingError, NoArticlesError
from briefing.model import Article, Brief, Fact, Skipped, Taxonomy
from briefing.options import BuildOptions, options_from
from briefing.progress import SILENT, Progress

log = logging.getLogger("briefing")

Inputs = Sequence[str | os.PathLike[str]] | str | os.PathLike[str]


@dataclass(frozen=True)
class Corpus:
    """Everything the ranker needs: clean articles and the facts found in them."""

    articles: tuple[Article, ...]
    facts: tuple[Fact, ...]  # every article's, or (``stored``) those of the articles analysed by this run
    model: str
    taxonomy: Taxonomy
    skipped: tuple[Skipped, ...] = ()
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds) in pipeline order
    cached: int = 0  # articles whose facts came from the analysis cache
    reused: Brief | None = None  # the brief an earlier run made from the very same articles and options
    brief_key: str | None = None  # where build stores the brief it makes (None: not stored)
    context: str | None = None  # the analysis cache's context (model, taxonomy, aliases, code), when caching
    settings: object = None  # the AnalysisSettings the facts were made with
    stored: Mapping[str, str] = field(default_factory=dict)  # article id -> cache key: facts left in the cache


class CorpusFacts:
    """The corpus's facts by article: in memory, or read from the analysis cache only when a
    story needs them (and not kept after), so an article added to a large corpus does not read
    every other one's, and a large cold build never holds every fact at once."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.by_source: dict[str, list[Fact]] = {}
        for fact in corpus.facts:
            self.by_source.setdefault(fact.source, []).append(fact)

    def of(self, article_ids: Iterable[str]) -> list[Fact]:
        """The facts of these articles, in their order."""
        return list(self.each(article_ids))

    def each(self, article_ids: Iterable[str]) -> Iterator[Fact]:
        """The facts of these articles, in their order, one article's read at a time."""
        from briefing.cache import FactCache

        store = None
        for article_id in article_ids:
            if article_id in self.by_source or article_id not in self.corpus.stored:
                yield from self.by_source.get(article_id, ())
                continue
            store = store or FactCache()
            facts = store.get(self.corpus.stored[article_id], article_id)
            yield from facts if facts is not None else self.analysed_again(article_id, store)

    def analysed_again(self, article_id: str, store) -> list[Fact]:
        """An entry damaged or pruned since it was found: the article is analysed again (and kept)."""
        from briefing.cache import compact
        from briefing.engine import analyze_batch

        log.info("analysis cache: the entry of %s went missing during the run; analysed again", article_id)
        article = next(article for article in self.corpus.articles if article.id == article_id)
        (facts,) = analyze_batch([article], self.corpus.settings).facts
        store.put(self.corpus.stored[article_id], facts)
        self.by_source[article_id] = [compact(fact) for fact in facts]
        return self.by_source[article_id]


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
    progress: Progress = SILENT,
    **changes: object,
) -> Brief:
    """Build a brief from article files, folders, globs, ``-`` (stdin), URLs of pages
    and feeds, and OPML lists of feeds (``options.offline``: no URL is fetched).

    ``options`` holds every build option; keyword arguments (``title=...``) are a
    convenience that changes the defaults (or ``options``) for this call.
    ``progress`` hears which stage runs and how far analysis has got.
    """
    options = options_from(options, changes)
    generated_at()  # a malformed SOURCE_DATE_EPOCH fails before the slow work, not after it
    previous = None
    if options.since:
        from briefing.since import load_previous

        previous = load_previous(options.since)  # a bad file fails before the slow work
    from briefing.engine import open_engine

    from briefing.cache import forget_articles

    try:
        with open_engine(options.engine, scheduler=options.scheduler) as runner:  # one cluster for the whole build
            brief = build_on(runner, inputs, options, stdin=stdin, today=today, progress=progress)
    finally:
        forget_articles()
    return since_previous(brief, previous)


def build_on(runner, inputs: Inputs, options: BuildOptions, *, stdin, today: date | None, progress: Progress) -> Brief:
    """``build`` with its engine open: analysis and ranking run where the engine runs work."""
    corpus = read_corpus(inputs, options, stdin=stdin, today=today, reuse_brief=options.cache, progress=progress,
                         leave_in_cache=options.cache, runner=runner)
    if corpus.reused is not None:
        log.info("%s", StageTimer(corpus.timings).line())
        return replace(corpus.reused, generated_at=generated_at())
    timer = StageTimer(corpus.timings)
    facts = CorpusFacts(corpus)
    progress.stage("finding stories")
    with timer("stories"):
        from briefing.stories import find_stories

        if corpus.context:
            groups = indexed_stories(corpus, inputs, facts)
        else:
            groups = find_stories(corpus.articles, facts.of(article.id for article in corpus.articles))
    progress.stage("ranking")
    with timer("rank"):
        as_of = options.as_of or newest_publication(corpus.articles) or (today or date.today())
        ranked = rank_stories(groups, corpus, options, facts, runner,
                              project=project_name(inputs) if options.cache else None)
    with timer("compose"):
        from briefing.compose import compose

        brief = compose(
            ranked,
            corpus.articles,
            taxonomy=corpus.taxonomy,
            title=options.title or default_title(ranked),
            as_of=as_of,
            generated_at=generated_at(),
            model=corpus.model,
        )
    if corpus.brief_key:
        from briefing.cache import BriefCache

        BriefCache().put(corpus.brief_key, brief)
    log.info("%s", timer.line())
    return brief


def since_previous(brief: Brief, previous) -> Brief:
    """The brief marked against an earlier one (``--since``); the brief cache keeps it unmarked."""
    if previous is None:
        return brief
    from briefing.since import mark_changes

    return mark_changes(brief, previous)


def indexed_stories(corpus: Corpus, inputs: Inputs, facts: CorpusFacts):
    """The stories, from the story index this corpus's earlier runs left: articles already
    placed stay in their story (and keep its id), new ones join a story or start one,
    nothing is clustered again. The index is keyed like the analysis cache (model, taxonomy,
    code) and by the inputs named, so two projects never share one; a damaged or torn index
    is rebuilt, and two runs at once take turns."""
    import fcntl

    from briefing.cache import read_project_file, remember_written
    from briefing.errors import StoryIndexError
    from briefing.stories import StoryIndex

    path = story_index_path(project_name(inputs), corpus.context)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_suffix(".lock"), "a")
    except OSError as error:
        log.warning("%s: cannot keep the story index (%s); stories found afresh", path.parent, error.strerror or error)
        from briefing.stories import find_stories

        return find_stories(corpus.articles, facts.of(article.id for article in corpus.articles))
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second run waits here until the first has saved
        index = StoryIndex()
        if path.exists():
            try:
                index = read_project_file(path, StoryIndex.load)
            except StoryIndexError as error:
                log.warning("%s; the story index is rebuilt", error)
        index.add(corpus.articles, facts.each(article.id for article in index.unplaced(corpus.articles)))
        try:
            index.save(path)
            remember_written(path, index, True)
        except StoryIndexError as error:
            remember_written(path, index, False)
            log.warning("%s", error)
        log.info("story index: %d stories, %d changed by this run", len(index), len(index.changed))
        return index.stories(corpus.articles)


def story_index_path(project: str, context: str) -> Path:
    """The project's story index, for the analysis context and the stories stage's code."""
    from briefing.cache import project_file

    return project_file("stories", project, "briefing.stories", context=context, suffix=".json")


STORY_CLAIMS = 20
"""The claims a story keeps, best first: four are shown, the others feed its themes, the timeline
and ``--since``. Keeping every sentence made a 1,000-article JSON brief 13 MB (9 MB of it
one-outlet sentences far down the stories) and its writing a third of a one-article rebuild."""


@dataclass
class StoryWork:
    """One story on its way through ranking: its articles named by their place in it ("L0", ...),
    the cache key, its ranking once read back or made, and what the brief gets of it (outlets,
    claims and divergences citing the corpus's article ids)."""

    group: object  # the stories stage's StoryGroup
    members: list[Article]
    local: dict[str, str]
    config: object  # RankConfig
    key: str | None
    ranking: object = None  # rank.Ranking
    cited: tuple | None = None  # (outlets, claims, divergences)

    def task(self, facts: Sequence[Fact]) -> tuple:
        """What a worker ranks: the story's facts and articles under their local names."""
        local = self.local
        return (
            [replace(fact, source=local[fact.source]) for fact in facts],
            [replace(a, id=local[a.id], duplicate_of=local.get(a.duplicate_of or "")) for a in self.members],
            self.config,
        )

    def cite(self) -> tuple:
        """The ranking with the corpus's article ids put back."""
        source_of = {name: article_id for article_id, name in self.local.items()}
        return (self.ranking.outlets, *with_sources(self.ranking, source_of))


RANK_ROUND = 200
"""Stories whose facts are read and ranked together (on the Dask engine, sent out together)."""


def rank_stories(groups, corpus: Corpus, options: BuildOptions, facts: CorpusFacts, runner=None,
                 project: str | None = None) -> list:
    """Claims formed and ranked inside each story, so two stories never share one.

    A lone surname becomes the full name the story's other articles give ("Khan" is
    "Imran Khan" there), never one from an unrelated story. A story is ranked against
    its own newest article (recency only orders claims inside it, so the brief's as-of
    date changes nothing here), which makes its ranking depend on its articles alone:
    a story no new article joined comes back from the ``project``'s last run (or the
    ranking cache), and its facts are never read.
    """
    from briefing.compose import RankedStory
    from briefing.entities import unify_names
    from briefing.rank import RankConfig, Ranking

    store = last_run = None
    if options.cache and corpus.context:
        from briefing.cache import ProjectRankings, RankingCache

        store = RankingCache()
        last_run = ProjectRankings(project, corpus.context) if project is not None else None
    articles_by_id = {article.id: article for article in corpus.articles}
    code = ranking_code()
    work = []
    for group in groups:
        members = [articles_by_id[article_id] for article_id in group.articles]
        local = {article.id: f"L{number}" for number, article in enumerate(members)}
        config = RankConfig(as_of=newest_publication(members), claims_kept=STORY_CLAIMS)
        story = StoryWork(group, members, local, config, ranking_key(code, config, members, local, corpus.context)
                          if store else None)
        story.cited = last_run.get(story.key, tuple(group.articles)) if last_run else None
        if story.cited is None and store:
            story.ranking = store.get(story.key, Ranking)
        work.append(story)

    # Stories to rank go in rounds, so a cold build of a large corpus never holds every fact at once.
    unranked = [story for story in work if story.cited is None and story.ranking is None]
    for start in range(0, len(unranked), RANK_ROUND):
        round_ = unranked[start : start + RANK_ROUND]
        tasks = [story.task(unify_names(facts.of(story.group.articles), corpus.settings.aliases)) for story in round_]
        for story, ranking in zip(round_, rank_on_engine(tasks, options, runner)):
            story.ranking = ranking
            if store:
                store.put(story.key, ranking)
    for story in work:
        if story.cited is None:
            story.cited = story.cite()
            if last_run:
                last_run.put(story.key, tuple(story.group.articles), story.cited)
    ranked = [RankedStory(story.group.id, story.group.headline, story.group.headline_is_title, story.group.articles,
                          *story.cited) for story in work]
    if store:
        store.prune()
    if last_run:
        last_run.save()
    return ranked


def rank_on_engine(tasks: list, options: BuildOptions, runner=None) -> list:
    """The stories' rankings, where the build's engine runs work: here, or on the Dask workers
    (those ``runner`` already started for analysis, when given)."""
    from briefing.engine import LocalEngine, open_engine

    if options.engine == "local":
        return LocalEngine().rank(tasks)
    if runner is not None:
        rankings = runner.rank(tasks)
    else:
        with open_engine(options.engine, scheduler=options.scheduler) as runner:
            rankings = runner.rank(tasks)
    log.info("ranked %d stories on the %s engine", len(tasks), options.engine)
    return rankings


def ranking_code() -> str:
    """A digest of the code a story's ranking comes from."""
    from briefing.cache import files_digest
    from briefing.imports import modules_reached

    return files_digest(modules_reached(("briefing.rank", "briefing.entities")))


def ranking_key(code: str, config, members: Sequence[Article], local: dict[str, str], context: str) -> str:
    """Everything rank reads of one story, with its articles named by their place in it: each
    article's content key (which, with the analysis context, fixes its facts) and the metadata
    rank reads. No fact is read to make it."""
    import hashlib

    from briefing.cache import article_key

    digest = hashlib.sha256(f"{code}\0{config!r}\0{context}\0".encode())
    rows = [(local[a.id], article_key(a, context), a.outlet, local.get(a.duplicate_of or ""), a.published)
            for a in members]
    digest.update(repr(rows).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def with_sources(ranking, source_of: dict[str, str]) -> tuple[tuple, tuple]:
    """The ranking's claims and divergences citing the corpus's article ids again."""
    from briefing.model import Support

    def cited(claim):
        support = tuple(Support(source_of[s.source], s.sentence, s.position) for s in claim.support)
        return replace(claim, support=support)

    claims = tuple(cited(claim) for claim in ranking.claims)
    by_id = {claim.id: claim for claim in claims}
    divergences = tuple(
        replace(d, claims=tuple(by_id.get(c.id) or cited(c) for c in d.claims)) for d in ranking.divergences
    )
    return claims, divergences


def summarize_inputs(
    inputs: Inputs,
    options: BuildOptions | None = None,
    *,
    words: int = 100,
    stdin=None,
    progress: Progress = SILENT,
    **changes: object,
) -> str:
    """A plain extractive summary of at most ``words`` words, for evaluation and quick use.
    Sentences stay sentences here (no joined quotations): the word budget is packed by sentence."""
    from briefing.rank import RankConfig, rank, summarize

    from briefing.entities import unify_names

    options = options_from(options, {"join_quotes": False, **changes})
    corpus = read_corpus(inputs, options, stdin=stdin, progress=progress)
    progress.stage("ranking")
    as_of = newest_publication(corpus.articles)
    facts = unify_names(corpus.facts, corpus.settings.aliases)  # the input is taken as one story
    claims = rank(facts, corpus.articles, config=RankConfig(as_of=as_of))
    return summarize(claims, facts, corpus.articles, words=words)


def read_corpus(
    inputs: Inputs,
    options: BuildOptions | None = None,
    *,
    stdin=None,
    today: date | None = None,
    reuse_brief: bool = False,
    progress: Progress = SILENT,
    leave_in_cache: bool = False,
    runner=None,
    **changes: object,
) -> Corpus:
    """Read, clean, dedupe, analyze and extract: the part of the pipeline that is per article.

    ``options.engine`` is ``local`` (this machine; ``jobs`` processes for spaCy) or
    ``dask`` (a local two-worker cluster, or the one at ``scheduler``).
    ``reuse_brief`` asks for the brief an earlier run made from the same articles
    and options: when there is one it comes back as ``Corpus.reused`` and nothing
    after reading runs. ``leave_in_cache``: facts the analysis cache holds are not read
    (``Corpus.stored`` says where they are; ``CorpusFacts`` reads them when needed).
    """
    from briefing.engine import open_engine

    options = options_from(options, changes)
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    today = today or date.today()
    timer = StageTimer()
    # Options are checked before the slow work, so a typo fails at once.
    with timer("load"):
        settings = analysis_settings(options)
        taxonomy = settings.taxonomy
        owned = runner is None
        runner = open_engine(options.engine, scheduler=options.scheduler) if owned else runner
    with runner if owned else nullcontext(runner):
        progress.stage("reading")
        with timer("read"):
            result = runner.read(list(inputs), stdin=stdin, today=today, offline=options.offline, cache=options.cache)
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
        progress.stage("checking duplicates")
        with timer("dedupe"):
            articles = dedupe_remembering(result.articles, inputs if options.cache else None)
        facts, model_label, cached, stored = analyze_with_cache(
            articles, runner, settings, options, timer=timer, progress=progress, leave_in_cache=leave_in_cache
        )
    context = None
    if options.cache and model_label:
        from briefing.cache import analysis_context

        context = analysis_context(model_label, settings.taxonomy, settings.aliases, settings.join_quotes)
    return Corpus(
        articles=tuple(articles),
        facts=facts,
        model=model_label,
        taxonomy=taxonomy,
        skipped=result.skipped,
        timings=tuple(timer.seconds.items()),
        cached=cached,
        brief_key=brief_key,
        context=context,
        settings=settings,
        stored=stored,
    )


def analysis_settings(options: BuildOptions):
    """What analysis is run with: the model named, the taxonomy, the aliases."""
    from briefing.engine import AnalysisSettings
    from briefing.entities import load_aliases
    from briefing.themes import load_taxonomy

    taxonomy = load_taxonomy(options.themes, replace=options.replace_themes)
    return AnalysisSettings(options.model, taxonomy, load_aliases(options.aliases), options.join_quotes)


def load_project_state(inputs: Inputs, options: BuildOptions, settings=None) -> None:
    """Read a project's state files (dedupe's, the story index, the ranked stories) into this
    process, as ``build`` finds them: a watching process does it while nothing waits, so the
    first article to arrive does not pay for it (a first build that reused the brief read none)."""
    from briefing.cache import DedupeMemory, ProjectRankings, analysis_context, read_project_file
    from briefing.errors import StoryIndexError
    from briefing.model_info import installed_model_label
    from briefing.stories import StoryIndex

    if not options.cache:
        return
    project = project_name(inputs)
    DedupeMemory(project)
    settings = settings or analysis_settings(options)
    label = installed_model_label(settings.model)
    if not label:
        return
    context = analysis_context(label, settings.taxonomy, settings.aliases, settings.join_quotes)
    index = story_index_path(project, context)
    if index.exists():
        with suppress(StoryIndexError):
            read_project_file(index, StoryIndex.load)
    ProjectRankings(project, context)


def dedupe_remembering(articles: Sequence[Article], inputs: Inputs | None) -> tuple[Article, ...]:
    """Copies marked; with the ``inputs`` named (caching), from the state the project's last
    run left, so that only texts new since then are fingerprinted and compared."""
    from briefing.dedupe import mark_duplicates, marked_with_state  # datasketch and SciPy load only when needed

    if inputs is None:
        return mark_duplicates(articles)
    from briefing.cache import DedupeMemory

    memory = DedupeMemory(project_name(inputs))
    marked, state = marked_with_state(articles, memory.state)
    memory.save(state)
    return marked


def project_name(inputs: Inputs) -> str:
    """The inputs as named, which is what makes two runs one project's (and two folders two projects)."""
    return "\0".join(sorted(str(item) for item in ([inputs] if isinstance(inputs, (str, os.PathLike)) else inputs)))


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
    return key, BriefCache().get(key, articles)


def analyze_with_cache(
    articles, runner, settings, options: BuildOptions, *, timer: StageTimer, progress: Progress = SILENT,
    leave_in_cache: bool = False,
):
    """Facts for every article: from the cache where it has them, from the engine for the rest.

    Returns the facts in article order, the model's label, how many articles were cache hits
    and, with ``leave_in_cache``, article id -> cache key of the hits, whose facts are not read.
    """
    from briefing.cache import FactCache, analysis_context, article_key, compact
    from briefing.model_info import installed_model_label

    store = FactCache() if options.cache else None
    found: list[list[Fact] | None] = [None] * len(articles)
    stored: dict[str, str] = {}
    label = installed_model_label(settings.model) if store else None
    if store and label:
        with timer("cache read"):
            context = analysis_context(label, settings.taxonomy, settings.aliases, settings.join_quotes)
            if leave_in_cache:
                keys = [article_key(article, context) for article in articles]
                stored = {article.id: key for article, key in zip(articles, keys) if store.has(key)}
                found = [[] if article.id in stored else None for article in articles]
            else:
                found = [store.get(article_key(article, context), article.id) for article in articles]
    missing = [position for position, facts in enumerate(found) if facts is None]
    if missing:
        todo = [articles[position] for position in missing]
        progress.stage("analysing", total=len(todo), unit="article")
        place = {article.id: position for position, article in enumerate(articles)}
        written = [] if store and not label else None  # the model is named only once loaded: written after

        def take(batch: Sequence[Article], batch_facts) -> None:
            """Each batch as it is done: to the cache, and left there (``leave_in_cache``) so that
            memory does not grow with the corpus, or kept here too."""
            for article, facts in zip(batch, batch_facts):
                key = article_key(article, context) if store and label else None
                if key and store.put(key, facts) and leave_in_cache:
                    stored[article.id] = key
                    found[place[article.id]] = []
                else:
                    found[place[article.id]] = [compact(fact) for fact in facts]
                    if written is not None:
                        written.append(article)

        analysis = runner.analyze(todo, settings, jobs=options.jobs or default_jobs(len(todo)), progress=progress,
                                  each_batch=take)
        timer.add("model", analysis.load_seconds)
        timer.add("analyze", analysis.analyze_seconds)
        timer.add("extract", analysis.extract_seconds)
        label = label or analysis.model
        if written:
            context = analysis_context(label, settings.taxonomy, settings.aliases, settings.join_quotes)
            for article in written:
                store.put(article_key(article, context), found[place[article.id]])
        if store:
            store.prune()
    hits = len(articles) - len(missing)
    if store:
        log.info("analysis cache: %d of %d articles found", hits, len(articles))
    facts = tuple(fact for article_facts in found for fact in article_facts or ())
    return facts, label or "", hits, stored


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


def default_title(ranked: Sequence) -> str:
    """Name the brief after what most sources talk about: the two entities that the stories'
    claims name with the most articles behind them, then most often."""
    sources_by_entity: dict[str, set[str]] = {}
    mentions: Counter[str] = Counter()
    for story in ranked:
        for claim in story.claims:
            named = [entity for entity in claim.entities if len(entity) <= MAX_TITLE_ENTITY]
            if not named:
                continue
            sources = {support.source for support in claim.support}
            for entity in named:
                sources_by_entity.setdefault(entity, set()).update(sources)
                mentions[entity] += 1
    ranked = sorted(sources_by_entity, key=lambda e: (-len(sources_by_entity[e]), -mentions[e], e))
    return " and ".join(ranked[:2]) or "News briefing"
