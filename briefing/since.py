"""What changed since an earlier brief (``--since PREVIOUS.json``).

The reader of Tuesday's brief wants what changed since Monday's. The earlier
brief's JSON says which articles each story had and which claims it showed;
today's stories take the id of the earlier story they share most articles
with (so yesterday's T4 is today's T4 even without the story index), and each
is marked ``new``, ``updated`` (articles or claims it did not have) or
``unchanged``; each claim is ``new`` or not.

Articles are matched across runs by URL, else by path: the "S1" ids depend on
input order and are not stable.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from briefing.errors import BriefingError
from briefing.model import Brief, Claim, Divergence, Story, TimelineEntry

MAX_PREVIOUS_BYTES = 200 * 1024 * 1024  # a JSON brief of 20,000 articles is ~60 MB


@dataclass(frozen=True)
class PreviousStory:
    id: str
    articles: frozenset[str]  # source keys (url or path)
    claims: frozenset[str]  # the texts it showed and the sentences behind them


@dataclass(frozen=True)
class PreviousBrief:
    path: str
    as_of: date | None
    stories: tuple[PreviousStory, ...]


def source_key(url: str | None, path: str) -> str:
    """What identifies an article from one run to the next."""
    return url or path


def load_previous(path: str | Path) -> PreviousBrief:
    """The parts of an earlier JSON brief that ``mark_changes`` compares with."""
    path = Path(path)
    try:
        if not path.is_file():
            raise BriefingError(f"{path}: --since needs a JSON brief from an earlier run (no such file)")
        if path.stat().st_size > MAX_PREVIOUS_BYTES:
            raise BriefingError(f"{path}: too large to be a JSON brief")
        form = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise BriefingError(f"{path}: not a JSON brief ({type(error).__name__}: {error})") from None
    if not isinstance(form, dict) or form.get("schema") != "briefing/2" or not isinstance(form.get("stories"), list):
        raise BriefingError(f"{path}: not a briefing/2 JSON brief (made before stories, or not a brief)")
    try:
        keys = {source["id"]: source_key(source.get("url"), source["path"]) for source in form["sources"]}
        stories = tuple(
            PreviousStory(
                story["id"],
                frozenset(keys[source] for source in story["sources"] if source in keys),
                frozenset(_said(story["summary"])),
            )
            for story in form["stories"]
        )
        as_of = date.fromisoformat(form["as_of"]) if form.get("as_of") else None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BriefingError(f"{path}: a damaged JSON brief ({type(error).__name__}: {error})") from None
    return PreviousBrief(str(path), as_of, stories)


def _said(claims: Iterable[Mapping]) -> Iterable[str]:
    for claim in claims:
        yield claim["text"]
        yield from (support["sentence"] for support in claim.get("support", ()))


def newest_brief(folder: Path, slug: str) -> Path | None:
    """``--since auto``: the newest JSON brief named ``<as-of>-<slug>.json`` in ``folder``."""
    pattern = re.compile(r"^\d{4}-\d{2}-\d{2}-" + re.escape(slug) + r"\.json$")
    try:
        found = sorted(path for path in folder.iterdir() if pattern.match(path.name) and path.is_file())
    except OSError:
        return None
    return found[-1] if found else None


def mark_changes(brief: Brief, previous: PreviousBrief) -> Brief:
    """The brief with stable story ids, each story's status and each claim's ``new``."""
    keys = {article.id: source_key(article.url, article.path) for article in brief.sources}
    renamed = matched_ids(brief.stories, previous, keys)
    before = {story.id: story for story in previous.stories}
    stories = []
    for story in brief.stories:
        new_id = renamed[story.id]
        earlier = before.get(new_id)
        claims = tuple(_marked(claim, earlier) for claim in story.summary)
        if earlier is None:
            status = "new"
        elif {keys[source] for source in story.sources} - earlier.articles or any(claim.new for claim in claims):
            status = "updated"
        else:
            status = "unchanged"
        stories.append(dataclasses.replace(story, summary=claims, status=status))
    return rename_stories(dataclasses.replace(brief, stories=tuple(stories), since=previous.as_of), renamed)


def matched_ids(stories: Iterable[Story], previous: PreviousBrief, keys: Mapping[str, str]) -> dict[str, str]:
    """Today's story id -> the id it keeps: the earlier story it shares most articles with
    (each earlier id given once, the biggest overlaps first); a story with no earlier
    match gets a fresh id after every id either brief uses."""
    stories = list(stories)
    overlaps = []
    for story in stories:
        articles = {keys[source] for source in story.sources}
        for earlier in previous.stories:
            shared = len(articles & earlier.articles)
            if shared:
                overlaps.append((-shared, story.id, earlier.id))
    taken: set[str] = set()
    renamed: dict[str, str] = {}
    for _, story_id, earlier_id in sorted(overlaps, key=lambda item: (item[0], _number(item[1]), _number(item[2]))):
        if story_id not in renamed and earlier_id not in taken:
            renamed[story_id] = earlier_id
            taken.add(earlier_id)
    used = {_number(story.id) for story in stories} | {_number(story.id) for story in previous.stories}
    following = max(used, default=0)
    for story in stories:
        if story.id not in renamed:
            if story.id in taken or any(earlier.id == story.id for earlier in previous.stories):
                following += 1
                renamed[story.id] = f"T{following}"
            else:
                renamed[story.id] = story.id
                taken.add(story.id)
    return renamed


def _marked(claim: Claim, earlier: PreviousStory | None) -> Claim:
    said_before = earlier is not None and (
        claim.text in earlier.claims or any(support.sentence in earlier.claims for support in claim.support)
    )
    return dataclasses.replace(claim, new=not said_before)


def rename_stories(brief: Brief, renamed: Mapping[str, str]) -> Brief:
    """The brief with every story id (stories, claims, themes, timeline, divergences) renamed."""
    if all(old == new for old, new in renamed.items()):
        return brief

    def claim(item: Claim) -> Claim:
        return dataclasses.replace(item, story=renamed.get(item.story, item.story)) if item.story else item

    def story(item: Story) -> Story:
        return dataclasses.replace(item, id=renamed[item.id], summary=tuple(map(claim, item.summary)))

    def entry(item: TimelineEntry) -> TimelineEntry:
        return dataclasses.replace(item, story=renamed.get(item.story, item.story)) if item.story else item

    def divergence(item: Divergence) -> Divergence:
        return dataclasses.replace(
            item, story=renamed.get(item.story, item.story) if item.story else None, claims=tuple(map(claim, item.claims))
        )

    return dataclasses.replace(
        brief,
        stories=tuple(map(story, brief.stories)),
        summary=tuple(map(claim, brief.summary)),
        themes=tuple(
            dataclasses.replace(section, stories=tuple(renamed.get(i, i) for i in section.stories))
            for section in brief.themes
        ),
        timeline=tuple(map(entry, brief.timeline)),
        divergences=tuple(map(divergence, brief.divergences)),
    )


def _number(story_id: str) -> int:
    digits = story_id[1:]
    return int(digits) if digits.isdigit() else 0

