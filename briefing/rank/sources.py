"""Who stands behind a sentence: independent outlets and original reports.

The one place that decides what counts as agreement: a syndicated copy
counts as its original, two articles of one outlet count once, and an
article with no known outlet is its own outlet. Outlet names are compared by
``outlet_identity`` (Unicode-normalised, look-alike letters folded).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from briefing.clean.outlet import outlet_identity
from briefing.model import Article


def original_of(article: Article, articles_by_id: Mapping[str, Article]) -> Article:
    """The article a syndicated copy was copied from (itself if not a copy)."""
    seen = {article.id}
    while article.duplicate_of and article.duplicate_of in articles_by_id:
        article = articles_by_id[article.duplicate_of]
        if article.id in seen:
            break
        seen.add(article.id)
    return article


def outlet_key(article: Article, articles_by_id: Mapping[str, Article]) -> str:
    """Who independently stands behind an article: its original's outlet, or
    the original itself when the outlet is unknown."""
    original = original_of(article, articles_by_id)
    outlet = outlet_identity(original.outlet or "")
    return f"outlet:{outlet}" if outlet else f"article:{original.id}"


def report_of(source: str, articles_by_id: Mapping[str, Article]) -> str:
    """The original article behind an article id: copies of one story are one report."""
    article = articles_by_id.get(source)
    return original_of(article, articles_by_id).id if article else source


def agreement(sources: Iterable[str], articles_by_id: Mapping[str, Article]) -> int:
    """Distinct independent outlets among the given article ids."""
    return len({outlet_key(articles_by_id[source], articles_by_id) for source in sources})
