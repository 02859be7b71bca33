"""What a template sees: the Brief plus the numbers a reader needs (source
numbers for references, outlet counts, the scope line, chart geometry) and
the filters that format them. Plain data only; the templates own the markup."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import quote, urlsplit

from jinja2 import pass_context
from jinja2.runtime import Context

from briefing.clean.outlet import outlet_identity
from briefing.english import opens_on_reference
from briefing.model import Article, Brief, Claim, Story, TimelineEntry

URL_SAFE_CHARACTERS = "/:?#[]@!$&()*+,;=%~-._"  # RFC 3986 reserved and unreserved, less ' < > " and space
RELIABLE_DATE_BASES = frozenset({"header", "front_matter", "html", "feed"})
DATE_BASIS_NOTES = {
    "dateline": "date from the dateline",
    "text": "date inferred from the text",
    "file": "date of the file, not of publication",
    "none": "date unknown",
}
CHART_LABEL_CHARACTERS = 36
MAX_MONTH_TICKS = 5
TICK_MARGIN = 0.2  # axis marks nearer the ends than this would hide the end dates
# Points closer than this share of the axis go to the next lane: room for a
# marker of two digits; the pills of longer numbers get more, digit by digit.
TIMELINE_LANE_GAP = 0.06


KEY_POINTS = 4  # at most, per top story
THEME_STORIES = 8  # stories listed under one theme; the rest go to "Other stories"


@dataclass(frozen=True)
class StoryView:
    """A story as one part of the brief shows it."""

    story: Story
    points: tuple[Claim, ...]  # the claims printed with it (none for a headline-only line)
    themes: tuple[str, ...]  # labels of the themes it touches, its main one first
    top: bool  # shown in full under "Top stories"
    headline_source: str | None = None  # the article whose title is the headline

    @property
    def anchor(self) -> str:
        return f"story-{self.story.id}"


@dataclass(frozen=True)
class ThemeView:
    id: str
    label: str
    stories: tuple[StoryView, ...]


@dataclass(frozen=True)
class Layout:
    """Which story goes where, and which claims are printed, so that nothing is said twice."""

    top: tuple[StoryView, ...]
    themes: tuple[ThemeView, ...]
    others: tuple[StoryView, ...]
    printed: frozenset[str]  # ids of the claims printed in full

    def story(self, story_id: str) -> StoryView | None:
        for view in (*self.top, *(entry for theme in self.themes for entry in theme.stories), *self.others):
            if view.story.id == story_id:
                return view
        return None


@dataclass(frozen=True)
class SourceEntry:
    """One line of the sources list, and the target of every reference to it."""

    number: int
    article: Article
    duplicate_of: int | None  # number of the source this one copies

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def anchor(self) -> str:
        return f"src-{self.article.id}"

    @property
    def outlet(self) -> str:
        return self.article.outlet or "Unknown outlet"

    @property
    def date_note(self) -> str | None:
        """Why the reader should not trust the date, or None when it is reliable."""
        if (
            self.article.published is not None
            and self.article.date_basis in RELIABLE_DATE_BASES
        ):
            return None
        return DATE_BASIS_NOTES.get(
            self.article.date_basis, f"date from {self.article.date_basis}"
        )


@dataclass(frozen=True)
class Scope:
    """The cover line: N sources from M outlets between two dates, model used."""

    sources: int
    outlets: int
    duplicates: int
    first: date | None
    last: date | None
    model: str


@dataclass(frozen=True)
class AgreementBar:
    number: int  # position in the summary
    label: str
    outlets: int
    fraction: float  # outlets / outlets in scope, 0..1


@dataclass(frozen=True)
class TimelinePoint:
    number: int
    date: date
    text: str
    position: float  # 0..1 along the axis
    lane: int  # 0 = on the axis row, 1 = one row up, ...
    refs: tuple[SourceEntry, ...]
    story: str | None = None  # Story.id
    claim: str | None = None  # Claim.id of the event
    recalled: bool = False  # dated well before its story began: an earlier event its articles recall


@dataclass(frozen=True)
class AxisTick:
    label: str
    position: float  # 0..1 along the axis


@dataclass(frozen=True)
class TimelineChart:
    start: date | None
    end: date | None
    points: tuple[TimelinePoint, ...]
    lanes: int
    ticks: tuple[AxisTick, ...] = ()


def build_context(brief: Brief, *, options, format: str) -> dict:
    """Everything a template receives (templates/README.md lists it)."""
    layout = brief_layout(brief)
    sources = source_entries(brief, cited_sources(brief, layout))
    by_id = {entry.id: entry for entry in sources}
    scope = brief_scope(brief)
    return {
        "brief": brief,
        "options": options,
        "format": format,
        "layout": layout,
        "sources": sources,
        "uncited": len(brief.sources) - len(sources),
        "source_by_id": by_id,
        "scope": scope,
        "theme_labels": {section.id: section.label for section in brief.themes},
        "keywords": [section.label for section in brief.themes],
        "agreement_chart": story_bars(layout.top, scope.outlets),
        "timeline_chart": timeline_chart(brief, by_id, layout.printed),
        "markup": "markdown"
        if format == "md"
        else "text"
        if format == "text"
        else "html",
    }


def brief_layout(brief: Brief) -> Layout:
    """Top stories in full (two to four points each), then each theme's other stories by
    headline and lead point, then every remaining story by headline: each story once,
    each claim printed once."""
    labels = {section.id: section.label for section in brief.themes}
    labels.update({theme: labels.get(theme, theme.title()) for story in brief.stories for theme in story.themes})
    if brief.since is not None:  # what moved since the earlier brief leads; the rest shrinks to headlines
        top_ids = {story.id for story in brief.stories if story.status in ("new", "updated")}
    else:
        top_ids = {claim.story for claim in brief.summary}
    printed: set[str] = set()

    titles = {article.id: article.title for article in brief.sources}

    def view(story: Story, limit: int, top: bool) -> StoryView:
        if story.status == "unchanged":
            limit = 0
        claims = sorted(story.summary, key=lambda claim: not claim.new) if story.status == "updated" else story.summary
        points = tuple(claim for claim in claims if not opens_on_reference(claim.text))[:limit]
        printed.update(claim.id for claim in points)
        source = next((i for i in story.sources if story.headline_is_title and titles.get(i) == story.headline), None)
        return StoryView(story, points, tuple(labels[theme] for theme in story.themes), top, source)

    top = tuple(view(story, KEY_POINTS, True) for story in brief.stories if story.id in top_ids)
    shown = set(top_ids)
    themes = []
    for section in brief.themes:
        entries = []
        for story_id in section.stories:
            if story_id in top_ids:
                entries.append(next(entry for entry in top if entry.story.id == story_id))
            elif len(entries) < THEME_STORIES:
                entries.append(view(brief.story(story_id), 1, False))
                shown.add(story_id)
        themes.append(ThemeView(section.id, section.label, tuple(entries)))
    others = tuple(view(story, 0, False) for story in brief.stories if story.id not in shown)
    printed.update(claim.id for divergence in brief.divergences for claim in divergence.claims)
    return Layout(top, tuple(themes), others, frozenset(printed))



def cited_sources(brief: Brief, layout: Layout) -> set[str]:
    """The articles the rendered brief points to: its printed claims, timeline and divergences."""
    claims = [claim for story in brief.stories for claim in story.summary if claim.id in layout.printed]
    claims += [claim for divergence in brief.divergences for claim in divergence.claims]
    cited = {support.source for claim in claims for support in claim.support}
    cited.update(source for entry in brief.timeline for source in entry.sources)
    shown = (*layout.top, *(entry for theme in layout.themes for entry in theme.stories), *layout.others)
    cited.update(entry.headline_source for entry in shown if entry.headline_source)
    return cited


def source_entries(brief: Brief, cited: set[str] | None = None) -> tuple[SourceEntry, ...]:
    """Number the cited sources 1..n in the brief's order, as the sources list shows them
    (every source when ``cited`` is None)."""
    listed = [article for article in brief.sources if cited is None or article.id in cited]
    numbers = {article.id: number for number, article in enumerate(listed, start=1)}
    return tuple(
        SourceEntry(numbers[article.id], article, numbers.get(article.duplicate_of or "")) for article in listed
    )


def brief_scope(brief: Brief) -> Scope:
    originals = [article for article in brief.sources if article.duplicate_of is None]
    outlets = {outlet_identity(article.outlet or "") or article.id for article in originals}
    dates = sorted(article.published for article in brief.sources if article.published)
    return Scope(
        sources=len(brief.sources),
        outlets=len(outlets),
        duplicates=len(brief.sources) - len(originals),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        model=brief.model,
    )


def story_bars(stories: Iterable[StoryView], outlets_in_scope: int) -> tuple[AgreementBar, ...]:
    """One bar per top story: how many independent outlets report it."""
    return tuple(
        AgreementBar(
            number=number,
            label=shorten(entry.story.headline, CHART_LABEL_CHARACTERS),
            outlets=entry.story.agreement,
            fraction=min(1.0, entry.story.agreement / outlets_in_scope) if outlets_in_scope else 0.0,
        )
        for number, entry in enumerate(stories, start=1)
    )


RECALLED_AFTER_DAYS = 7
"""An event more than a week older than its story's first article is one the story recalls (an
earlier meeting, last year's vote), not the story's own: the timeline says so beside the pointer."""


def timeline_chart(brief: Brief, by_id: dict[str, SourceEntry], printed: frozenset[str] = frozenset()) -> TimelineChart:
    """Place each timeline entry on a date axis; entries too close to tell apart
    stack in lanes so their markers never overlap. Events of one story on one day
    whose sentences the brief already prints are one entry (shown as a pointer to the
    story), with all their sources."""
    entries = folded_events(sorted(brief.timeline, key=lambda entry: entry.date), printed)
    began = {story.id: story.first_published for story in brief.stories}
    if not entries:
        return TimelineChart(None, None, (), 0)
    start, end = entries[0].date, entries[-1].date
    span = (end - start).days or 1
    gap = TIMELINE_LANE_GAP * max(2, len(str(len(entries)))) / 2
    lane_ends: list[float] = []
    points = []
    for number, entry in enumerate(entries, start=1):
        position = (entry.date - start).days / span if end != start else 0.5
        lane = next(
            (
                index
                for index, last in enumerate(lane_ends)
                if position - last >= gap
            ),
            len(lane_ends),
        )
        if lane == len(lane_ends):
            lane_ends.append(position)
        lane_ends[lane] = position
        refs = tuple(
            sorted({by_id[s] for s in entry.sources if s in by_id}, key=_number)
        )
        points.append(
            TimelinePoint(number, entry.date, entry.text, position, lane, refs, entry.story, entry.claim,
                          recalled=bool(began.get(entry.story))
                          and (began[entry.story] - entry.date).days > RECALLED_AFTER_DAYS)
        )
    return TimelineChart(
        start, end, tuple(points), len(lane_ends), axis_ticks(start, end)
    )


def folded_events(entries: list[TimelineEntry], printed: frozenset[str]) -> list[TimelineEntry]:
    """The entries with those that point to the same story on the same day merged."""
    kept: list[TimelineEntry] = []
    pointer: dict[tuple[date, str], int] = {}
    for entry in entries:
        key = (entry.date, entry.story or "")
        if entry.claim in printed and entry.story and key in pointer:
            earlier = kept[pointer[key]]
            sources = tuple(dict.fromkeys((*earlier.sources, *entry.sources)))
            kept[pointer[key]] = replace(earlier, sources=sources)
            continue
        if entry.claim in printed and entry.story:
            pointer[key] = len(kept)
        kept.append(entry)
    return kept


def axis_ticks(start: date, end: date) -> tuple[AxisTick, ...]:
    """Year marks on a long axis, month marks on a shorter one, none on a few days;
    marks too close to either end are left out so labels never collide."""
    span = (end - start).days
    if span > 400:
        marks = [date(year, 1, 1) for year in range(start.year + 1, end.year + 1)]
        label = "{:%Y}"
    elif span > 60:
        months = (end.year - start.year) * 12 + end.month - start.month
        every = max(1, -(-months // MAX_MONTH_TICKS))
        first = start.replace(day=1)
        marks = [_add_months(first, step) for step in range(every, months + 1, every)]
        label = "{:%b %Y}"
    else:
        return ()
    ticks = []
    for mark in marks:
        position = (mark - start).days / span
        if TICK_MARGIN <= position <= 1 - TICK_MARGIN:
            ticks.append(AxisTick(label.format(mark), position))
    return tuple(ticks)


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.month - 1 + months
    return date(first_of_month.year + index // 12, index % 12 + 1, 1)


def shorten(text: str, limit: int) -> str:
    """Cut a chart label at a word boundary; the full sentence is in the brief."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _number(entry: SourceEntry) -> int:
    return entry.number


# Filters -----------------------------------------------------------------


@pass_context
def refs(context: Context, item) -> list[SourceEntry]:
    """The sources a claim (its support) or a timeline entry cites, in list order."""
    by_id = context["source_by_id"]
    if isinstance(item, Claim):
        ids = [support.source for support in item.support]
    else:
        ids = list(getattr(item, "sources", item))
    return sorted({by_id[source] for source in ids if source in by_id}, key=_number)


def outlets(count: int) -> str:
    """'1 outlet', '3 outlets'."""
    return f"{count} outlet" if count == 1 else f"{count} outlets"


def long_date(value: date | None) -> str:
    """'25 February 2022', the way a briefing note writes dates."""
    if value is None:
        return "undated"
    return f"{value.day} {value:%B %Y}"


def short_date(value: date | None) -> str:
    """'25 Feb 2022', for charts and tight columns."""
    if value is None:
        return "undated"
    return f"{value.day} {value:%b %Y}"


def date_range(first: date | None, last: date | None) -> str:
    if first is None or last is None:
        return "no publication dates"
    if first == last:
        return long_date(first)
    return f"{long_date(first)} – {long_date(last)}"


_MARKDOWN_INLINE = re.compile(
    r"[\\`*\[\]<>|~]"  # always special
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"  # _ only starts emphasis at a word edge
    r"|&(?=#?\w+;)"  # & only when it would start an entity
)
_MARKDOWN_LINE_START = re.compile(r"[#+\-=]|\d+(?=[.)])")


def markdown_escape(text: str) -> str:
    """Text shown literally in Markdown: one line, every character that could
    start emphasis, a link, HTML, a heading or a list backslash-escaped."""
    text = _MARKDOWN_INLINE.sub(
        lambda match: "\\" + match.group(0), " ".join(str(text).split())
    )
    marker = _MARKDOWN_LINE_START.match(text)
    if marker is None:
        return text
    if marker.group(0)[0].isdigit():  # "1986. The year" would start a numbered list
        return f"{text[: marker.end()]}\\{text[marker.end() :]}"
    return f"\\{text}"


_MARKDOWN_URL_ESCAPES = str.maketrans(
    {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}
)


def markdown_url(url: str) -> str:
    """A URL safe inside Markdown link parentheses."""
    return url.translate(_MARKDOWN_URL_ESCAPES)


def link_url(url: str | None) -> str:
    """The URL when it is safe to link (http or https), else ''."""
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        # Characters that could close the attribute or open a tag are encoded,
        # since css_inline re-serializes href escaping only & and ".
        return quote(url.strip(), safe=URL_SAFE_CHARACTERS)
    return ""


@pass_context
def escape_text(context: Context, value) -> str:
    """Escape for the text format in use: Markdown escapes, plain text only
    joins lines (HTML templates rely on autoescape instead). Both drop bidi embedding,
    override and isolate controls: plain text cannot isolate them (HTML puts titles and
    outlets in <bdi>), and a stray U+202E would turn the rest of the line around."""
    value = BIDI_CONTROLS.sub("", str(value))
    if context.get("markup") == "markdown":
        return markdown_escape(value)
    return " ".join(value.split())


BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Bidi classes of the characters that can reorder the text around them:
# right-to-left letters and digits, and the embedding/override/isolate controls.
REORDERING_CLASSES = frozenset({"R", "AL", "AN", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"})


def needs_isolation(value) -> bool:
    """Whether text could reorder its neighbours on a left-to-right page: it
    holds a right-to-left character or a bidi control. Only such text needs
    a <bdi> in the PDF, where every element costs layout time."""
    return any(unicodedata.bidirectional(character) in REORDERING_CLASSES for character in str(value))


FILTERS = {
    "refs": refs,
    "outlets": outlets,
    "long_date": long_date,
    "short_date": short_date,
    "date_range": date_range,
    "esc": escape_text,
    "md_url": markdown_url,
    "link_url": link_url,
    "shorten": shorten,
}
TESTS = {"needing_isolation": needs_isolation}
