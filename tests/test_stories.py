"""The stories stage: articles on one event form one story, unrelated events do not
share one, copies follow their originals, and a saved index takes new articles
without moving the old ones."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from briefing.errors import BriefingError, StoryIndexError
from briefing.pipeline import read_corpus
from briefing.stories import StoryIndex, find_stories

PIPELINE_DEAL = """Norvania and Kestria signed a $4 billion agreement on Monday to build the Baltic Arc gas pipeline, \
Norvanian Energy Minister Lena Varga said in Tallon.

The 900-kilometre pipeline will carry Kestrian gas to the port of Tallon from 2027, ending Norvania's \
dependence on tankers.

Kestrian President Tomas Hald called the Baltic Arc pipeline the largest project the two countries have ever \
undertaken together.

Construction of the pipeline is due to start next spring, Varga said, and will employ about 6,000 workers."""

PIPELINE_FOLLOW_UP = """Investors welcomed the Baltic Arc gas pipeline deal signed by Norvania and Kestria, \
and shares in Norvanian energy companies rose in Tallon on Tuesday.

Energy Minister Lena Varga said the pipeline would cut gas prices for Norvanian households once Kestrian gas \
arrives in 2027.

Kestrian President Tomas Hald said his government would finance half of the $4 billion pipeline.

Critics in Tallon warned that the pipeline would tie Norvania to Kestria for decades."""

EARTHQUAKE = """A magnitude 6.8 earthquake struck the mountain province of Zalor in Dremia on Monday, \
killing at least 42 people and destroying hundreds of homes, the Dremian Red Crescent said.

Rescue teams were digging through rubble in the town of Ostrava Minor, where a school and a hospital \
collapsed.

The quake was felt as far away as the capital, Belgrin, where frightened residents ran into the streets.

Dremia's Interior Ministry said more than 3,000 people had spent the night in tents."""

EARTHQUAKE_FOLLOW_UP = """The death toll from Monday's earthquake in Dremia's Zalor province rose to 67 on Tuesday \
as rescuers pulled more bodies from collapsed buildings in Ostrava Minor.

The Dremian Red Crescent said aftershocks were hampering the search for survivors in the rubble.

Thousands of people who lost their homes in the quake were sheltering in tents as night temperatures fell \
below freezing.

Neighbouring countries sent rescue teams and field hospitals to Zalor, the Interior Ministry in Belgrin said."""

PIPELINE_OPENS = """Norvania and Kestria opened the Baltic Arc gas pipeline on Monday, and the first Kestrian gas \
reached the port of Tallon, Norvanian Energy Minister Lena Varga said.

Kestrian President Tomas Hald said the 900-kilometre pipeline had been finished on budget.

The pipeline ends Norvania's dependence on tankers, Varga said in Tallon."""


def write(folder: Path, name: str, text: str, *, title: str | None, outlet: str, published: date) -> None:
    front = [f"outlet: {outlet}", f"date: {published.isoformat()}"] + ([f"title: {title}"] if title else [])
    (folder / name).write_text("---\n" + "\n".join(front) + "\n---\n\n" + text + "\n", encoding="utf-8")


def sentences(text: str) -> list[str]:
    """The text as factbuilder takes it: one sentence an argument."""
    parts = text.replace("\n\n", " ").split(". ")
    return [part if part.endswith(".") else part + "." for part in parts]


@pytest.fixture(scope="module")
def two_events(tmp_path_factory) -> Path:
    """A pipeline deal and an earthquake, two reports each, and one republished wire copy."""
    folder = tmp_path_factory.mktemp("two-events")
    write(folder, "a-deal.md", PIPELINE_DEAL, title="Norvania and Kestria sign Baltic Arc pipeline deal",
          outlet="Harbour Times", published=date(2024, 5, 6))
    write(folder, "b-quake.md", EARTHQUAKE, title="Earthquake kills 42 in Dremia",
          outlet="Northgate Wire", published=date(2024, 5, 6))
    write(folder, "c-deal-reaction.md", PIPELINE_FOLLOW_UP, title="Investors cheer pipeline deal",
          outlet="Meridian Post", published=date(2024, 5, 7))
    write(folder, "d-quake-toll.md", EARTHQUAKE_FOLLOW_UP, title="Dremia quake toll rises to 67",
          outlet="Evening Courier", published=date(2024, 5, 7))
    write(folder, "e-quake-copy.md", EARTHQUAKE, title="Deadly quake in Zalor",
          outlet="Coastal Herald", published=date(2024, 5, 6))
    return folder


@pytest.fixture(scope="module")
def corpus(two_events):
    return read_corpus([two_events])


def by_file(corpus) -> dict[str, str]:
    return {Path(article.path).name: article.id for article in corpus.articles}


def story_of(stories, article_id: str) -> str:
    return next(story.id for story in stories if article_id in story.articles)


def story_by_file(folder: Path) -> dict[str, str]:
    """File name -> the id of the story its article went to, for a folder built from scratch."""
    corpus = read_corpus([folder])
    stories = find_stories(corpus.articles, corpus.facts)
    return {name: story_of(stories, article_id) for name, article_id in by_file(corpus).items()}


def test_two_unrelated_events_are_two_stories(corpus):
    stories = find_stories(corpus.articles, corpus.facts)
    ids = by_file(corpus)
    assert len(stories) == 2
    assert story_of(stories, ids["a-deal.md"]) == story_of(stories, ids["c-deal-reaction.md"])
    assert story_of(stories, ids["b-quake.md"]) == story_of(stories, ids["d-quake-toll.md"])
    assert story_of(stories, ids["a-deal.md"]) != story_of(stories, ids["b-quake.md"])


def test_every_article_is_in_exactly_one_story_and_ids_count_up(corpus):
    stories = find_stories(corpus.articles, corpus.facts)
    placed = [article for story in stories for article in story.articles]
    assert sorted(placed) == sorted(article.id for article in corpus.articles)
    assert [story.id for story in stories] == [f"T{number}" for number in range(1, len(stories) + 1)]


def test_a_copy_joins_its_originals_story(corpus):
    copy = next(article for article in corpus.articles if Path(article.path).name == "e-quake-copy.md")
    assert copy.duplicate_of == by_file(corpus)["b-quake.md"]
    stories = find_stories(corpus.articles, corpus.facts)
    assert story_of(stories, copy.id) == story_of(stories, copy.duplicate_of)


def test_the_headline_is_the_title_of_an_article_of_the_story(corpus):
    stories = find_stories(corpus.articles, corpus.facts)
    titles = {article.id: article.title for article in corpus.articles}
    for story in stories:
        assert story.headline_is_title
        assert story.headline in {titles[article] for article in story.articles}
    assert stories[0].first_published == date(2024, 5, 6) and stories[0].last_published == date(2024, 5, 7)


def test_without_titles_the_headline_is_a_label_of_the_main_names(tmp_path: Path):
    write(tmp_path, "deal.md", PIPELINE_DEAL, title=None, outlet="Harbour Times", published=date(2024, 5, 6))
    untitled = read_corpus([tmp_path])
    (story,) = find_stories(untitled.articles, untitled.facts)
    assert not story.headline_is_title
    assert story.headline.split(", ") == list(story.entities[:3])
    assert "Norvania" in story.entities


def test_the_same_people_a_year_later_are_a_new_story(tmp_path: Path):
    write(tmp_path, "deal.md", PIPELINE_DEAL, title="Deal signed", outlet="Harbour Times", published=date(2024, 5, 6))
    write(tmp_path, "opens.md", PIPELINE_OPENS, title="Pipeline opens", outlet="Harbour Times",
          published=date(2025, 5, 5))
    write(tmp_path, "reaction.md", PIPELINE_FOLLOW_UP, title="Investors cheer", outlet="Meridian Post",
          published=date(2024, 5, 7))
    story = story_by_file(tmp_path)
    assert story["deal.md"] == story["reaction.md"]
    assert story["opens.md"] != story["deal.md"]


# The index that persists


def test_adding_in_two_halves_groups_as_one_build_and_keeps_old_ids(corpus):
    ids = by_file(corpus)
    first_half = [article for article in corpus.articles if article.id in (ids["a-deal.md"], ids["b-quake.md"])]
    index = StoryIndex()
    before = index.add(first_half, corpus.facts)
    after = index.add(corpus.articles, corpus.facts)
    assert {article: after[article] for article in before} == before
    whole = {article: story.id for story in find_stories(corpus.articles, corpus.facts) for article in story.articles}
    assert after == whole
    assert len(index) == 2


def test_new_stories_continue_the_count(corpus, tmp_path: Path):
    write(tmp_path, "opens.md", PIPELINE_OPENS, title="Pipeline opens", outlet="Harbour Times",
          published=date(2025, 5, 5))
    later = read_corpus([tmp_path])
    index = StoryIndex()
    index.add(corpus.articles, corpus.facts)
    (placed,) = index.add(later.articles, later.facts).values()
    assert placed == "T3"
    assert index.changed == {"T3"}


def test_articles_already_placed_cost_nothing_and_move_nowhere(corpus):
    index = StoryIndex()
    first = index.add(corpus.articles, corpus.facts)
    assert index.changed == {"T1", "T2"}
    saved = index.to_json()
    assert index.add(corpus.articles, corpus.facts) == first
    assert index.to_json() == saved
    assert index.changed == set()


def test_the_index_round_trips_through_json(corpus, tmp_path: Path):
    ids = by_file(corpus)
    first_half = [article for article in corpus.articles if article.id in (ids["a-deal.md"], ids["b-quake.md"])]
    index = StoryIndex()
    index.add(first_half, corpus.facts)
    index.save(tmp_path / "stories.json")
    loaded = StoryIndex.load(tmp_path / "stories.json")
    assert loaded.to_json() == index.to_json()
    assert loaded.add(corpus.articles, corpus.facts) == index.add(corpus.articles, corpus.facts)
    assert loaded.stories(corpus.articles) == index.stories(corpus.articles)
    assert json.loads((tmp_path / "stories.json").read_text(encoding="utf-8"))["format"] == "briefing-stories/2"


def saved_index(corpus, folder: Path) -> Path:
    index = StoryIndex()
    index.add(corpus.articles, corpus.facts)
    path = folder / "stories.json"
    index.save(path)
    return path


def test_a_torn_index_file_is_detected(corpus, tmp_path: Path):
    path = saved_index(corpus, tmp_path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(StoryIndexError):
        StoryIndex.load(path)


def test_an_edited_index_file_is_detected(corpus, tmp_path: Path):
    path = saved_index(corpus, tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace('"story":"T1"', '"story":"T2"', 1), encoding="utf-8")
    with pytest.raises(StoryIndexError, match="not signed"):
        StoryIndex.load(path)


def test_an_index_signed_with_another_users_key_is_refused(corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import briefing.cache

    monkeypatch.setattr(briefing.cache, "cache_key", lambda: b"someone else's key, 32 bytes...")
    path = saved_index(corpus, tmp_path)
    monkeypatch.undo()
    with pytest.raises(StoryIndexError, match="not signed with this user's key"):
        StoryIndex.load(path)


def test_an_inconsistent_index_is_detected_even_with_a_matching_checksum(corpus, tmp_path: Path):
    from briefing.stories import seal

    payload = json.loads(saved_index(corpus, tmp_path).read_text(encoding="utf-8"))["index"]
    first_article = next(iter(payload["articles"].values()))
    first_article["story"] = "T9"
    with pytest.raises(StoryIndexError, match="damaged"):
        StoryIndex.from_json(seal(json.dumps(payload, separators=(",", ":"))))


@pytest.mark.parametrize("content", [b"", b"\xff\xfe not text", b"[1, 2, 3]", b'{"format": "other"}'])
def test_anything_but_a_saved_index_is_refused_with_one_error_type(tmp_path: Path, content: bytes):
    path = tmp_path / "stories.json"
    path.write_bytes(content)
    with pytest.raises(StoryIndexError) as caught:
        StoryIndex.load(path)
    assert isinstance(caught.value, BriefingError)


def test_a_missing_index_file_is_the_same_error(tmp_path: Path):
    with pytest.raises(StoryIndexError):
        StoryIndex.load(tmp_path / "absent.json")


def test_an_index_that_cannot_be_written_is_the_same_error(tmp_path: Path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    with pytest.raises(StoryIndexError):
        StoryIndex().save(tmp_path / "a-file" / "stories.json")


# Real articles


@pytest.mark.shared
def test_seeds_the_2022_moscow_visit_is_apart_from_the_2021_islamabad_visit(seeds_dir: Path):
    corpus = read_corpus([seeds_dir])
    stories = find_stories(corpus.articles, corpus.facts)
    published = {article.id: article.published for article in corpus.articles}
    moscow = [article for article, day in published.items() if day == date(2022, 2, 25)]
    islamabad = [article for article, day in published.items() if day and (day.year, day.month) == (2021, 4)]
    assert len(moscow) == 1 and len(islamabad) == 3
    assert len({story_of(stories, article) for article in islamabad}) == 1
    assert story_of(stories, moscow[0]) != story_of(stories, islamabad[0])
    assert len(stories) == 3


def test_a_copy_follows_its_original_whatever_its_words():
    """The rule, not the similarity: a marked copy is placed with its original even when its
    facts would put it elsewhere (dedupe's judgement is final)."""
    from factbuilder import article, facts_of

    deal = article("S1", "Harbour Times", *sentences(PIPELINE_DEAL))
    quake = article("S2", "Northgate Wire", *sentences(EARTHQUAKE))
    marked = article("S3", "Coastal Herald", *sentences(EARTHQUAKE), duplicate_of="S1")
    facts = facts_of(deal) + facts_of(quake) + facts_of(marked)
    stories = find_stories([deal, quake, marked], facts)
    assert story_of(stories, "S3") == story_of(stories, "S1") != story_of(stories, "S2")


def test_a_copy_given_in_a_later_batch_joins_its_originals_story():
    from factbuilder import article, facts_of

    deal = article("S1", "Harbour Times", *sentences(PIPELINE_DEAL))
    quake = article("S2", "Northgate Wire", *sentences(EARTHQUAKE))
    index = StoryIndex()
    first = index.add([deal, quake], facts_of(deal) + facts_of(quake))
    marked = article("S3", "Coastal Herald", *sentences(EARTHQUAKE_FOLLOW_UP), duplicate_of="S1")
    later = index.add([deal, quake, marked], facts_of(deal) + facts_of(quake) + facts_of(marked))
    assert later == {**first, "S3": first["S1"]}
    assert index.changed == {first["S1"]}


def test_an_original_read_after_its_copy_joins_the_copys_story():
    """A rerun may find an earlier version of an article already placed: dedupe now marks the
    placed one as the copy, and the newcomer goes where the copy is."""
    from factbuilder import article, facts_of

    deal = article("S1", "Harbour Times", *sentences(PIPELINE_DEAL))
    quake = article("S2", "Northgate Wire", *sentences(EARTHQUAKE))
    index = StoryIndex()
    first = index.add([deal, quake], facts_of(deal) + facts_of(quake))
    earlier = article("S3", "Evening Courier", *sentences(PIPELINE_OPENS), published=date(2024, 3, 1))
    quake_now_a_copy = article("S2", "Northgate Wire", *sentences(EARTHQUAKE), duplicate_of="S3")
    everything = [deal, quake_now_a_copy, earlier]
    later = index.add(everything, facts_of(deal) + facts_of(quake_now_a_copy) + facts_of(earlier))
    assert later == {**first, "S3": first["S2"]}


# Who and what: an event is the same actors doing the same thing

BORDER_CLASH = """Norvanian and Kestrian troops exchanged fire on Wednesday near the border village of Oska, \
killing three soldiers and wounding eleven, Norvanian Energy Minister Lena Varga said in Tallon.

Kestrian President Tomas Hald accused Norvanian patrols of crossing the frontier and ordered reinforcements \
to the area.

Villagers fled across the river as artillery shells hit farms around Oska.

The clash was the deadliest on the border in a decade."""

BORDER_CLASH_FOLLOW_UP = """Hundreds of villagers from Oska sheltered in schools on Thursday after the border clash \
between Norvania and Kestria that killed three soldiers.

Kestrian President Tomas Hald said his troops would hold their positions on the frontier.

Lena Varga said in Tallon that Norvanian patrols had fired only after being shot at.

Artillery fire was heard again near the river overnight, villagers said."""


def test_the_same_two_countries_on_another_event_are_another_story(tmp_path: Path):
    """The pipeline deal and a border clash a day later share every name; what happened differs."""
    write(tmp_path, "deal.md", PIPELINE_DEAL, title="Deal signed", outlet="Harbour Times", published=date(2024, 5, 6))
    write(tmp_path, "reaction.md", PIPELINE_FOLLOW_UP, title="Investors cheer", outlet="Meridian Post",
          published=date(2024, 5, 7))
    write(tmp_path, "clash.md", BORDER_CLASH, title="Border clash", outlet="Northgate Wire",
          published=date(2024, 5, 8))
    write(tmp_path, "villagers.md", BORDER_CLASH_FOLLOW_UP, title="Villagers flee", outlet="Evening Courier",
          published=date(2024, 5, 9))
    story = story_by_file(tmp_path)
    assert story["deal.md"] == story["reaction.md"]
    assert story["clash.md"] == story["villagers.md"]
    assert story["deal.md"] != story["clash.md"]


def test_names_and_demonyms_are_left_out_of_the_lemmas():
    from briefing.model import Fact
    from briefing.stories import lower_case_lemmas

    sentence = "Officials in Gaza said Korean Aid stopped and aid workers left."
    fact = Fact(source="S1", sentence=sentence, start=0, end=len(sentence), position=0,
                lemmas=("official", "gaza", "korean", "aid", "stop", "aid", "worker", "leave"))
    # "Officials" is capitalized only as the first word, "Aid" is also written "aid": both are common words.
    assert lower_case_lemmas(fact) == ["official", "aid", "stop", "aid", "worker", "leave"]


def hand_built(article_id: str, day: int, lemmas: str):
    """An article on Norvania and Kestria whose one fact has exactly these (lower-case) lemmas."""
    from briefing.model import Article, Fact

    text = lemmas + "."
    return (Article(id=article_id, path=f"{article_id}.txt", text=text, published=date(2024, 5, day)),
            Fact(source=article_id, sentence=text, start=0, end=len(text), position=0,
                 entities=("Norvania", "Kestria"), lemmas=tuple(lemmas.split())))


DEAL_WORDS = ("pipeline gas deal sign billion construction worker budget minister export contract kilometre price "
              "supply investor share bank loan route valve compressor station engineer steel tender bid award design")


def test_an_article_that_came_before_its_story_joins_it_once_the_batch_is_in():
    """The first article shares one word with the second and several with the third: alone when it
    came, it joins the story the other two formed, and the emptied story's id is not left as a gap."""
    early = hand_built("S1", 6, "tanker port storm harbour ferry fishing crew wave coast guard rescue boat sailor "
                                "night wind rain flood alert closure dock")
    deal = hand_built("S2", 7, DEAL_WORDS + " tanker")
    follow_up = hand_built("S3", 7, DEAL_WORDS + " port crew harbour ferry dock")
    articles, facts = zip(early, deal, follow_up)
    index = StoryIndex()
    assert index.add(articles, facts) == {"S1": "T1", "S2": "T1", "S3": "T1"}
    assert len(index) == 1 and index.changed == {"T1"}
    later = hand_built("S4", 8, DEAL_WORDS)
    assert index.add([later[0]], [later[1]]) == {"S4": "T1"}  # the renumbered story is indexed under its new id
    assert StoryIndex.from_json(index.to_json()).to_json() == index.to_json()
