"""The whole pipeline, read -> clean -> dedupe -> analyze -> extract -> rank -> compose.

This is the library entry point behind ``briefing.build``: it only wires the
stages together; each stage lives in its own module.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from briefing.errors import BriefingError, NoArticlesError
from briefing.model import Article, Brief, Fact, Skipped, Taxonomy

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


def build(
    inputs: Inputs,
    *,
    title: str | None = None,
    as_of: date | None = None,
    themes: str | os.PathLike[str] | None = None,
    replace_themes: bool = False,
    aliases: str | os.PathLike[str] | None = None,
    model: str | None = None,
    jobs: int | None = None,
    cache: bool = True,
    stdin=None,
    today: date | None = None,
) -> Brief:
    """Build a brief from article files, folders, globs or ``-`` (stdin)."""
    from briefing.compose import compose
    from briefing.rank import RankConfig, rank

    corpus = read_corpus(
        inputs,
        themes=themes,
        replace_themes=replace_themes,
        aliases=aliases,
        model=model,
        jobs=jobs,
        cache=cache,
        stdin=stdin,
        today=today,
    )
    as_of = as_of or newest_publication(corpus.articles) or (today or date.today())
    claims = rank(corpus.facts, corpus.articles, config=RankConfig(as_of=as_of))
    return compose(
        claims,
        corpus.facts,
        corpus.articles,
        taxonomy=corpus.taxonomy,
        title=title or default_title(corpus.facts, corpus.articles),
        as_of=as_of,
        generated_at=generated_at(),
        model=corpus.model,
    )


def summarize_inputs(inputs: Inputs, *, words: int = 100, **options) -> str:
    """A plain extractive summary of at most ``words`` words, for evaluation and quick use."""
    from briefing.rank import RankConfig, rank, summarize

    corpus = read_corpus(inputs, **options)
    as_of = newest_publication(corpus.articles)
    claims = rank(corpus.facts, corpus.articles, config=RankConfig(as_of=as_of))
    return summarize(claims, words=words)


def read_corpus(
    inputs: Inputs,
    *,
    themes: str | os.PathLike[str] | None = None,
    replace_themes: bool = False,
    aliases: str | os.PathLike[str] | None = None,
    model: str | None = None,
    jobs: int | None = None,
    cache: bool = True,
    stdin=None,
    today: date | None = None,
) -> Corpus:
    """Read, clean and analyze the inputs: the part of the pipeline that is per article."""
    from briefing.analyze import analyze, load_model, model_label
    from briefing.clean import clean_article
    from briefing.dedupe import mark_duplicates
    from briefing.extract import make_extractor
    from briefing.read import read_inputs
    from briefing.themes import load_aliases, load_taxonomy

    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    today = today or date.today()
    # Options are checked before the slow work, so a typo fails at once.
    taxonomy = load_taxonomy(Path(themes) if themes else None, replace=replace_themes)
    alias_table = load_aliases(Path(aliases) if aliases else None)

    result = read_inputs(list(inputs), stdin=stdin)
    skipped = list(result.skipped)
    articles = []
    for article in result.articles:
        try:
            cleaned = clean_article(article, today=today)
        except BriefingError as error:
            skipped.append(Skipped(article.path, str(error)))
            log.warning("%s: %s", article.path, error)
            continue
        if not cleaned.text.strip():
            skipped.append(Skipped(article.path, "no article text left after cleaning"))
            log.warning("%s: no article text left after cleaning", article.path)
            continue
        articles.append(cleaned)
    log.info(
        "read %d articles from %d files (%d skipped)",
        len(articles),
        result.files,
        len(skipped),
    )
    if not articles:
        named = ", ".join(str(path) for path in inputs) or "the input"
        raise NoArticlesError(f"{named}: no readable article found")
    articles = mark_duplicates(articles)

    nlp = load_model(model)
    extract = make_extractor(nlp, taxonomy, alias_table)
    docs = analyze((article.text for article in articles), nlp, jobs=jobs or default_jobs(len(articles)))
    facts = tuple(fact for article, doc in zip(articles, docs) for fact in extract(article, doc))
    return Corpus(tuple(articles), facts, model_label(nlp), taxonomy, tuple(skipped))


def default_jobs(article_count: int) -> int:
    """One process per core, but only when the corpus is big enough to repay the start-up."""
    if article_count < 200:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def newest_publication(articles: Iterable[Article]) -> date | None:
    return max((a.published for a in articles if a.published), default=None)


def generated_at() -> str:
    """Now, or SOURCE_DATE_EPOCH when set, so that reruns are byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    else:
        moment = datetime.now(tz=timezone.utc).replace(microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def default_title(facts: Sequence[Fact], articles: Sequence[Article]) -> str:
    """Name the brief after what most sources talk about: the two entities
    mentioned by the most articles."""
    sources_by_entity: dict[str, set[str]] = {}
    for fact in facts:
        for entity in fact.entities:
            sources_by_entity.setdefault(entity, set()).add(fact.source)
    ranked = Counter({entity: len(sources) for entity, sources in sources_by_entity.items()})
    top = [entity for entity, _ in sorted(ranked.items(), key=lambda kv: (-kv[1], kv[0]))[:2]]
    if not top:
        return "News briefing"
    return "Briefing: " + " and ".join(top)
