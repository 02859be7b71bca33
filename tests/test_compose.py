"""Composing the brief: summary, theme sections, timeline and the places
where sources give different figures."""

from __future__ import annotations

from datetime import date

import pytest
from factbuilder import article, facts_of

from briefing.compose import compose
from briefing.model import Taxonomy, Theme
from briefing.rank import rank

TAXONOMY = Taxonomy((Theme("energy", "Energy"), Theme("security", "Security"), Theme("economy", "Economy")))
PIPELINE = "Russia and Pakistan signed a deal in Moscow to build a gas pipeline from Karachi to Lahore."
PIPELINE_AGAIN = (
    "Pakistan and Russia signed a deal to build the gas pipeline from Karachi to Lahore, in Moscow."
)
TWELVE = "Militants killed 12 soldiers in an attack on a checkpoint near Parachinar in Kurram."
NINE = "Militants killed nine soldiers in an attack on a checkpoint near Parachinar in Kurram."
SWAP = "Officials from both countries will hold talks on a currency swap in Islamabad next month."


def brief_of(articles, facts):
    return compose(
        rank(facts, articles),
        facts,
        articles,
        taxonomy=TAXONOMY,
        title="Test brief",
        as_of=date(2024, 3, 5),
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


def test_theme_sections_follow_the_taxonomy_and_skip_empty_themes():
    articles = [article("S1", "Dawn", TWELVE, PIPELINE), article("S2", "Reuters", PIPELINE_AGAIN, SWAP)]
    themes = {"S1": {0: ("security",), 1: ("energy", "economy")}, "S2": {0: ("energy",), 1: ("economy",)}}
    brief = brief_of(articles, facts_for(articles, themes))
    assert [section.id for section in brief.themes] == ["energy", "security", "economy"]
    energy, security, economy = brief.themes
    assert [claim.text for claim in energy.claims] == [PIPELINE]
    assert [claim.text for claim in security.claims] == [TWELVE]
    assert {claim.text for claim in economy.claims} == {PIPELINE, SWAP}
    brief = brief_of(articles, facts_for(articles, {"S1": {0: ("security",)}}))
    assert [section.id for section in brief.themes] == ["security"]


def test_summary_is_the_head_of_the_ranking_and_sources_are_all_articles():
    articles = [
        article("S1", "Dawn", TWELVE, PIPELINE),
        article("S2", "Reuters", PIPELINE_AGAIN, SWAP),
        article("S3", "Yahoo", TWELVE, PIPELINE, duplicate_of="S1"),
    ]
    facts = facts_for(articles)
    claims = rank(facts, articles)
    brief = brief_of(articles, facts)
    assert brief.summary == tuple(claims[: len(brief.summary)])
    assert brief.summary[0].text in (PIPELINE, PIPELINE_AGAIN)
    assert brief.summary[0].agreement == 2  # the copy S3 counts as S1
    assert brief.sources == tuple(articles)


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
    shown = brief.summary + tuple(claim for section in brief.themes for claim in section.claims)
    assert brief.summary[0].text == NINE and brief.summary[0].agreement == 3
    assert brief.summary[0].agreement == max(claim.agreement for claim in shown)
    assert TWELVE not in {claim.text for claim in shown}
    for claims in [brief.summary] + [section.claims for section in brief.themes]:
        assert [claim.agreement for claim in claims] == sorted((c.agreement for c in claims), reverse=True)
    (divergence,) = brief.divergences
    assert {claim.text for claim in divergence.claims} == {TWELVE, NINE}


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

    from briefing.pipeline import read_corpus

    manifest = tomllib.loads((examples_dir / "MANIFEST.toml").read_text(encoding="utf-8"))
    corpus = read_corpus([examples_dir], cache=False)
    brief = brief_of(list(corpus.articles), list(corpus.facts))
    file_of = {article.id: article.path.replace("\\", "/").rsplit("/", 1)[-1] for article in corpus.articles}

    (divergence,) = brief.divergences
    planted = {int(figure["value"]) for figure in manifest["divergence"]["figures"]}
    assert all(str(value) in divergence.topic for value in planted)
    cited = {file_of[support.source] for claim in divergence.claims for support in claim.support}
    assert cited >= {file for figure in manifest["divergence"]["figures"] for file in figure["files"]}

    pipeline = next(claim for claim in brief.summary if "15 billion cubic metres" in claim.text)
    assert pipeline.agreement >= 3
    assert brief.summary[0].agreement >= 3


@pytest.mark.shared
def test_real_articles_give_a_traceable_ordered_brief(seeds_dir):
    from briefing.pipeline import read_corpus

    corpus = read_corpus([seeds_dir], cache=False)
    articles, facts = list(corpus.articles), list(corpus.facts)
    brief = brief_of(articles, facts)
    texts = {article.id: article.text for article in articles}
    claims = brief.summary + tuple(claim for section in brief.themes for claim in section.claims)
    assert brief.summary
    for claim in claims:
        assert claim.text in {support.sentence for support in claim.support}
        assert all(support.sentence in texts[support.source] for support in claim.support)
    assert [entry.date for entry in brief.timeline] == sorted(entry.date for entry in brief.timeline)
    for entry in brief.timeline:
        assert any(entry.text in texts[source] for source in entry.sources)
    # Four of the five outlets report the Pakistan Stream pipeline: it leads.
    shown = brief.summary + tuple(claim for section in brief.themes for claim in section.claims)
    assert brief.summary[0].agreement == max(claim.agreement for claim in shown) == 4
    assert "Pakistan Stream" in brief.summary[0].text
