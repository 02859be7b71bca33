"""End to end through the Python API: the example corpus and the seeds become
briefs whose every line is traceable to a verbatim source sentence."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

import briefing
from briefing.errors import NoArticlesError
from briefing.jsonform import brief_to_dict, validate_brief_dict
from briefing.pipeline import read_corpus
from sample_brief import all_claims


@pytest.fixture(scope="module")
def example_corpus(examples_dir: Path):
    return read_corpus([examples_dir])


@pytest.fixture(scope="module")
def example_brief(examples_dir: Path):
    return briefing.build([examples_dir])


def test_every_support_sentence_is_verbatim_in_its_cleaned_source(example_corpus, example_brief):
    cleaned = {article.id: article.text for article in example_corpus.articles}
    checked = 0
    for claim in all_claims(example_brief):
        assert claim.text in {support.sentence for support in claim.support}
        for support in claim.support:
            assert support.sentence in cleaned[support.source], (claim.id, support.source)
            checked += 1
    assert checked >= 10


def independent_outlets(brief, source_ids) -> int:
    """Written out here, not with the code under test: a copy counts as its original,
    outlets are compared by name ignoring case, an article with no outlet is its own."""
    names = set()
    for source_id in source_ids:
        article = brief.source(source_id)
        while article.duplicate_of:
            article = brief.source(article.duplicate_of)
        names.add(article.outlet.casefold() if article.outlet else f"article {article.id}")
    return len(names)


def test_agreement_counts_independent_outlets(example_brief):
    claims = list(all_claims(example_brief))
    for claim in claims:
        assert claim.agreement == independent_outlets(example_brief, {s.source for s in claim.support}), claim.id
    assert max(claim.agreement for claim in claims) >= 3  # the example corpus has well-backed claims
    assert any(claim.agreement < len({s.source for s in claim.support}) for claim in claims)  # the wire copy


def test_republished_wire_story_counts_once(example_brief):
    copies = [source for source in example_brief.sources if source.duplicate_of]
    assert copies, "the example corpus has a wire story republished by two outlets"
    for copy in copies:
        original = example_brief.source(copy.duplicate_of)
        assert copy.outlet != original.outlet
        for claim in all_claims(example_brief):
            cited = {s.source for s in claim.support}
            if {copy.id, original.id} <= cited:
                assert claim.agreement == independent_outlets(example_brief, cited) < len(cited)


def test_every_article_is_in_exactly_one_story_and_copies_join_their_original(example_brief):
    story_of = {}
    for story in example_brief.stories:
        for source in story.sources:
            assert source not in story_of, f"{source} is in {story_of.get(source)} and {story.id}"
            story_of[source] = story.id
    assert set(story_of) == {article.id for article in example_brief.sources}
    for article in example_brief.sources:
        if article.duplicate_of:
            assert story_of[article.id] == story_of[article.duplicate_of]


def test_claims_stay_inside_their_story_and_no_story_says_a_thing_twice(example_brief):
    for story in example_brief.stories:
        texts = [claim.text for claim in story.summary]
        assert len(texts) == len(set(texts)), story.id
        for claim in story.summary:
            assert claim.story == story.id
            assert {support.source for support in claim.support} <= set(story.sources)
    shown = [claim.text for story in example_brief.stories for claim in story.summary]
    assert len(shown) == len(set(shown))


def test_the_summary_is_the_lead_point_of_the_top_stories_newest_first(example_brief):
    leads = {story.summary[0].id for story in example_brief.stories if story.summary}
    assert example_brief.summary and {claim.id for claim in example_brief.summary} <= leads
    dates = [claim.date for claim in example_brief.summary if claim.date]
    assert dates == sorted(dates, reverse=True)
    assert example_brief.as_of == max(s.published for s in example_brief.sources if s.published)


def test_json_form_validates_against_the_shipped_schema(example_brief):
    validate_brief_dict(brief_to_dict(example_brief))
    assert brief_to_dict(example_brief)["model"].startswith("en_core_web_sm")


def test_seed_articles_build_into_a_brief(seeds_dir: Path):
    brief = briefing.build([seeds_dir], title="Seed check")
    validate_brief_dict(brief_to_dict(brief))
    assert len(brief.sources) == 5
    backers = defaultdict(int)
    for claim in brief.summary:
        backers[claim.agreement] += 1
    assert max(backers) >= 3, "the seeds repeat the pipeline and visit facts across outlets"


def test_no_readable_article_is_an_error_naming_the_input(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(NoArticlesError, match=str(tmp_path)):
        briefing.build([tmp_path])


def test_public_api_renders_after_the_render_package_is_imported(example_brief, tmp_path: Path):
    import briefing.render  # the package import must not shadow the function

    brief = example_brief
    written = briefing.render(brief, "md", tmp_path / "brief.md")
    assert written == tmp_path / "brief.md"
    assert brief.summary[0].text.split("\n")[0][:40] in " ".join(written.read_text().split())


def test_default_title_names_the_two_subjects_most_articles_share(example_brief):
    assert example_brief.title == "Tarvia and Dovrenia"


def test_quotations_in_the_brief_are_whole(example_brief):
    for claim in all_claims(example_brief):
        straight = claim.text.count('"')
        curly_open, curly_close = claim.text.count("\u201c"), claim.text.count("\u201d")
        assert straight % 2 == 0 and curly_open == curly_close, claim.text
