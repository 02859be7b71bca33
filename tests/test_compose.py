"""Composing the brief from ranked stories: story order, the summary, theme
sections, timeline and the places where sources give different figures."""

from __future__ import annotations

from datetime import date

import pytest
from factbuilder import article, facts_of

from briefing.compose import RankedStory, compose
from briefing.model import Taxonomy, Theme
from briefing.rank import rank_story

TAXONOMY = Taxonomy((Theme("energy", "Energy"), Theme("security", "Security"), Theme("economy", "Economy")))
PIPELINE = "Russia and Pakistan signed a deal in Moscow to build a gas pipeline from Karachi to Lahore."
PIPELINE_AGAIN = (
    "Pakistan and Russia signed a deal to build the gas pipeline from Karachi to Lahore, in Moscow."
)
TWELVE = "Militants killed 12 soldiers in an attack on a checkpoint near Parachinar in Kurram."
NINE = "Militants killed nine soldiers in an attack on a checkpoint near Parachinar in Kurram."
SWAP = "Officials from both countries will hold talks on a currency swap in Islamabad next month."


def ranked(articles, facts, story_id="T1", headline="A story"):
    ranking = rank_story(facts, articles, story=story_id)
    ids = tuple(article.id for article in articles)
    return RankedStory(story_id, headline, True, ids, ranking.outlets, ranking.claims, ranking.divergences)


def brief_of(articles, facts, *, as_of=date(2024, 3, 5)):
    """The brief of one story made of all ``articles``."""
    return compose_stories([ranked(articles, facts)], articles, as_of=as_of)


def compose_stories(stories, articles, *, as_of=date(2024, 3, 5)):
    return compose(
        stories,
        articles,
        taxonomy=TAXONOMY,
        title="Test brief",
        as_of=as_of,
        generated_at="2024-03-05T00:00:00Z",
        model="test",
    )


def facts_for(articles, themes=None, dates=None, precisions=None):
    return [
        fact
        for source in articles
        for fact in facts_of(
            source,
            themes=(themes or {}).get(source.id),
            dates=(dates or {}).get(source.id),
            precisions=(precisions or {}).get(source.id),
        )
    ]


def test_different_figures_from_two_outlets_are_shown_side_by_side():
    articles = [article("S1", "Dawn", TWELVE, PIPELINE), article("S2", "Reuters", NINE, PIPELINE_AGAIN)]
    brief = brief_of(articles, facts_for(articles))
    (divergence,) = brief.divergences
    assert "12" in divergence.topic and "9" in divergence.topic
    assert {claim.text for claim in divergence.claims} == {TWELVE, NINE}
    assert {tuple(s.source for s in claim.support) for claim in divergence.claims} == {("S1",), ("S2",)}


def test_same_figure_from_two_outlets_is_agreement_not_divergence():
    articles = [
        article("S1", "Dawn", TWELVE),
        article("S2", "Reuters", TWELVE.replace("Militants", "Gunmen")),
    ]
    brief = brief_of(articles, facts_for(articles))
    assert brief.divergences == ()
    assert brief.summary[0].agreement == 2


def test_one_outlet_differing_with_itself_is_not_a_divergence():
    articles = [article("S1", "Dawn", TWELVE), article("S2", "Dawn", NINE)]
    assert brief_of(articles, facts_for(articles)).divergences == ()


def test_different_days_and_years_are_not_different_figures():
    first = "The court adjourned the hearing in the Karachi corruption case until March 12, 2024."
    second = "The court adjourned the hearing in the Karachi corruption case until March 14, 2025."
    articles = [article("S1", "Dawn", first), article("S2", "Reuters", second)]
    assert brief_of(articles, facts_for(articles)).divergences == ()


def test_a_story_is_filed_under_its_main_theme_only_when_enough_of_it_is_on_it():
    pipeline = [article("S1", "Dawn", PIPELINE, SWAP), article("S2", "Reuters", PIPELINE_AGAIN)]
    attack = [article("S3", "Geo", TWELVE), article("S4", "AP", NINE.replace("nine", "12"))]
    themes = {"S1": {0: ("energy",), 1: ("economy",)}, "S2": {0: ("energy",)},
              "S3": {0: ("security",)}, "S4": {0: ("security",)}}
    facts = facts_for(pipeline + attack, themes)
    stories = [
        ranked(pipeline, [fact for fact in facts if fact.source in ("S1", "S2")], "T1", "Pipeline deal"),
        ranked(attack, [fact for fact in facts if fact.source in ("S3", "S4")], "T2", "Checkpoint attack"),
    ]
    brief = compose_stories(stories, pipeline + attack)
    assert [(section.id, section.stories) for section in brief.themes] == [("energy", ("T1",)), ("security", ("T2",))]
    assert brief.story("T1").themes[0] == "energy" and "economy" in brief.story("T1").themes
    # one sentence about energy in a story of many others does not file it under Energy
    mostly = {"S1": {0: ("energy",)}}
    noise = [article("S1", "Dawn", PIPELINE, SWAP, TWELVE, "Talks on the swap resumed in Islamabad on Monday.",
                     "The central bank governor flew to Beijing for the currency talks.")]
    brief = brief_of(noise, facts_for(noise, mostly))
    assert brief.themes == () and brief.stories[0].themes == ()


def test_a_story_holds_its_ranked_claims_and_the_summary_is_its_lead_point():
    articles = [
        article("S1", "Dawn", TWELVE, PIPELINE),
        article("S2", "Reuters", PIPELINE_AGAIN, SWAP),
        article("S3", "Yahoo", TWELVE, PIPELINE, duplicate_of="S1"),
    ]
    facts = facts_for(articles)
    ranking = rank_story(facts, articles, story="T1")
    brief = brief_of(articles, facts)
    (story,) = brief.stories
    fresh = [claim for claim in ranking.claims if claim.repeats is None]
    assert [claim.text for claim in story.summary] == [claim.text for claim in fresh]
    assert [claim.id for claim in story.summary] == [f"C{n}" for n in range(1, len(fresh) + 1)]
    assert all(claim.story == "T1" for claim in story.summary)
    assert brief.summary == story.summary[:1]
    assert brief.summary[0].text in (PIPELINE, PIPELINE_AGAIN)
    assert brief.summary[0].agreement == 2  # the copy S3 counts as S1
    assert story.agreement == 2 and story.sources == ("S1", "S2", "S3")
    assert brief.sources == tuple(articles)


def test_stories_are_ordered_by_outlets_decayed_by_how_long_they_have_been_quiet():
    old_but_wide = [article(f"S{n}", outlet, PIPELINE, published=date(2024, 1, 5))
                    for n, outlet in enumerate(["Dawn", "Reuters", "AP", "Geo"], 1)]
    fresh_and_narrow = [article("S5", "Tass", TWELVE, published=date(2024, 3, 5))]
    everything = old_but_wide + fresh_and_narrow
    facts = facts_for(everything)
    stories = [
        ranked(old_but_wide, [fact for fact in facts if fact.source != "S5"], "T1", "Old"),
        ranked(fresh_and_narrow, [fact for fact in facts if fact.source == "S5"], "T2", "New"),
    ]
    brief = compose_stories(stories, everything)
    assert [story.id for story in brief.stories] == ["T2", "T1"]  # four outlets two months ago < one today
    brief = compose_stories(stories, everything, as_of=date(2024, 1, 6))
    assert [story.id for story in brief.stories] == ["T1", "T2"]


def test_a_point_opening_on_a_pronoun_is_shown_by_a_sentence_that_names_who():
    named = "Imran Khan reiterated his invitation for President Putin to visit Pakistan in March."
    pronoun = "He reiterated his invitation for President Putin to visit Pakistan in March."
    articles = [article("S1", "Dawn", pronoun), article("S2", "Reuters", named)]
    brief = brief_of(articles, facts_for(articles))
    (claim,) = brief.stories[0].summary
    assert claim.text == named
    assert {support.sentence for support in claim.support} == {named, pronoun}  # support stays verbatim


def test_summary_and_sections_lead_with_the_most_outlets_and_never_repeat():
    # 12 (two outlets) and nine (three) are one attack told twice: the brief shows
    # the version more outlets give, first, and the other one nowhere but in the
    # divergences; the better-scored two-outlet pipeline comes after it.
    articles = [
        article("S1", "Dawn", PIPELINE, TWELVE),
        article("S2", "Reuters", PIPELINE_AGAIN, TWELVE),
        article("S3", "Tass", SWAP, NINE),
        article("S4", "Geo", SWAP, NINE),
        article("S5", "AP", NINE),
    ]
    everything = ("security", "energy")
    themes = {source.id: {0: everything, 1: everything} for source in articles}
    brief = brief_of(articles, facts_for(articles, themes))
    shown = brief.stories[0].summary
    assert shown[0].text == NINE and shown[0].agreement == 3
    assert brief.summary[0] == shown[0]
    assert TWELVE not in {claim.text for claim in shown if claim.agreement > 2}
    assert [claim.agreement for claim in shown] == sorted((c.agreement for c in shown), reverse=True)
    assert len({claim.text for claim in shown}) == len(shown)
    (divergence,) = brief.divergences
    assert {claim.text for claim in divergence.claims} == {TWELVE, NINE}
    assert divergence.story == "T1"


def test_timeline_shows_only_events_dated_to_the_day():
    flood = "Floods cut the Karakoram Highway near Gilgit and stranded hundreds of travellers."
    vote = "The provincial assembly elected a new chief minister after a week of talks."
    articles = [article("S1", "Dawn", vote, flood), article("S2", "Reuters", PIPELINE)]
    dates = {"S1": {0: date(2024, 3, 1), 1: date(2024, 2, 26)}, "S2": {0: date(2024, 2, 1)}}
    precisions = {"S1": {1: "week"}, "S2": {0: "month"}}  # "last week", "in February"
    brief = brief_of(articles, facts_for(articles, dates=dates, precisions=precisions))
    assert [(entry.date, entry.text) for entry in brief.timeline] == [(date(2024, 3, 1), vote)]


def test_timeline_is_oldest_first_and_merges_sources_of_one_event():
    flood = "Floods cut the Karakoram Highway near Gilgit and stranded hundreds of travellers."
    flood_again = "Floods cut off the Karakoram Highway near Gilgit, stranding hundreds of travellers."
    vote = "The provincial assembly elected a new chief minister after a week of talks."
    articles = [
        article("S1", "Dawn", vote, flood),
        article("S2", "Reuters", flood_again),
        article("S3", "Geo", PIPELINE),  # no date in the text: not on the timeline
    ]
    dates = {
        "S1": {0: date(2024, 3, 1), 1: date(2024, 2, 27)},
        "S2": {0: date(2024, 2, 27)},
    }
    brief = brief_of(articles, facts_for(articles, dates=dates))
    assert [entry.date for entry in brief.timeline] == [date(2024, 2, 27), date(2024, 3, 1)]
    assert brief.timeline[0].text in (flood, flood_again)
    assert brief.timeline[0].sources == ("S1", "S2")
    assert brief.timeline[1].sources == ("S1",)


def test_example_corpus_brief_shows_the_planted_disagreement(examples_dir):
    import tomllib

    import briefing

    manifest = tomllib.loads((examples_dir / "MANIFEST.toml").read_text(encoding="utf-8"))
    brief = briefing.build([examples_dir], cache=False)
    file_of = {article.id: article.path.replace("\\", "/").rsplit("/", 1)[-1] for article in brief.sources}

    planted = {int(figure["value"]) for figure in manifest["divergence"]["figures"]}
    (divergence,) = [d for d in brief.divergences if all(str(value) in d.topic for value in planted)]
    cited = {file_of[support.source] for claim in divergence.claims for support in claim.support}
    assert cited >= {file for figure in manifest["divergence"]["figures"] for file in figure["files"]}
    assert divergence.story and all(claim.story == divergence.story for claim in divergence.claims)

    pipeline = next(claim for story in brief.stories for claim in story.summary if "15 billion cubic metres" in claim.text)
    assert pipeline.agreement >= 3


@pytest.mark.shared
def test_real_articles_give_a_traceable_brief_of_three_stories_newest_first(seeds_dir):
    import briefing

    brief = briefing.build([seeds_dir], cache=False)
    texts = {article.id: article.text for article in brief.sources}
    published = {article.id: article.published for article in brief.sources}
    # The seeds are three meetings: New York, September 2019; Islamabad, April 2021; Moscow, February 2022.
    assert len(brief.stories) == 3
    years = [sorted({published[source].year for source in story.sources}) for story in brief.stories]
    assert years == [[2022], [2021], [2019]]
    assert brief.stories[1].agreement == 3
    for story in brief.stories:
        for claim in story.summary:
            assert claim.text in {support.sentence for support in claim.support}
            assert all(support.sentence in texts[support.source] for support in claim.support)
            assert {support.source for support in claim.support} <= set(story.sources)  # no claim spans two stories
    assert [entry.date for entry in brief.timeline] == sorted(entry.date for entry in brief.timeline)
    for entry in brief.timeline:
        assert any(entry.text in texts[source] for source in entry.sources)
    assert brief.summary[0].story == brief.stories[0].id and brief.summary[0].date.year == 2022
    april = brief.stories[1]
    assert any("Pakistan Stream" in claim.text for claim in april.summary[:4])
