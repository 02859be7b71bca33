"""The dedupe stage: wire copies and lightly edited re-runs are marked as
copies of the earliest article; different stories on one event are not."""

from __future__ import annotations

import random
import tomllib
from datetime import date
from pathlib import Path

import pytest

import briefing.dedupe
from briefing.clean import clean_article
from briefing.dedupe import THRESHOLD, jaccard, mark_duplicates, shingles
from briefing.model import Article
from briefing.read import read_inputs

WIRE = """KEMIR, Tarvia, March 6 (Northgate Wire) - Twelve Tarvian soldiers were killed on Wednesday in a clash with Sarkand forces in the disputed Ashar Valley, Tarvia's Defence Ministry said, the deadliest fighting on the border in years.

The ministry said Sarkand troops opened fire on a Tarvian border post at dawn and that the fighting lasted several hours before a local ceasefire was agreed through military channels.

About 4,000 people fled villages near the line of contact and were sheltering in schools and sports halls in Kemir, the regional governor said.

Sarkand's government said its forces had returned fire after Tarvian units crossed into its territory, and accused Vostan of provoking the clash to strengthen its hand in talks.

Oil and gas prices rose in early trading as investors weighed the risk to export routes in the region, while diplomats in Halden called on both sides to show restraint."""


def article(number: int, text: str, published: date | None = None, outlet: str = "Outlet") -> Article:
    return Article(id=f"S{number}", path=f"{number}.txt", text=text, outlet=f"{outlet} {number}", published=published)


def lightly_edited(text: str) -> str:
    """The same story as another site runs it: a few words changed, one sentence added."""
    edited = text.replace("About 4,000", "Around 4,000").replace("said", "stated", 2).replace("rose", "climbed")
    return edited + "\n\nTarvia's Foreign Ministry summoned Sarkand's ambassador in Vostan later on Wednesday."


def other_story(seed: int) -> str:
    rng = random.Random(seed)
    words = "minister talks gas border trade bank rate port rail grain vote court police army water power budget".split()
    return " ".join(rng.choice(words) for _ in range(120)) + "."


def test_an_exact_copy_points_at_the_first_article():
    marked = mark_duplicates([article(1, WIRE), article(2, other_story(1)), article(3, WIRE)])
    assert [a.duplicate_of for a in marked] == [None, None, "S1"]


def test_a_lightly_edited_republication_is_a_copy():
    marked = mark_duplicates([article(1, WIRE), article(2, lightly_edited(WIRE))])
    assert marked[1].duplicate_of == "S1"


def test_the_earliest_published_article_is_the_original_even_when_read_later():
    marked = mark_duplicates([
        article(1, lightly_edited(WIRE), date(2024, 3, 7)),
        article(2, WIRE, date(2024, 3, 6)),
        article(3, WIRE, None),
    ])
    assert [a.duplicate_of for a in marked] == ["S2", None, "S2"]


def test_articles_keep_their_order_and_everything_but_the_mark():
    articles = [article(1, WIRE, date(2024, 3, 6)), article(2, WIRE, date(2024, 3, 6))]
    marked = mark_duplicates(articles)
    assert [a.id for a in marked] == ["S1", "S2"]
    assert marked[1].text == WIRE and marked[1].outlet == "Outlet 2" and marked[1].published == date(2024, 3, 6)


def test_empty_texts_copy_nothing():
    marked = mark_duplicates([article(1, ""), article(2, ""), article(3, WIRE)])
    assert [a.duplicate_of for a in marked] == [None, None, None]


def test_marking_is_deterministic():
    articles = [article(n, lightly_edited(WIRE) if n % 2 else WIRE) for n in range(1, 9)]
    assert mark_duplicates(articles) == mark_duplicates(list(articles))


def test_threshold_separates_copies_from_stories_that_share_quotes():
    assert jaccard(shingles(WIRE), shingles(lightly_edited(WIRE))) > THRESHOLD + 0.2
    assert jaccard(shingles(WIRE), shingles(other_story(1))) < THRESHOLD - 0.3


def test_a_copy_with_one_word_in_ten_changed_is_still_found():
    words = WIRE.split()
    edited = " ".join("changed" if position % 10 == 5 else word for position, word in enumerate(words))
    assert THRESHOLD < jaccard(shingles(WIRE), shingles(edited)) < 0.6
    assert mark_duplicates([article(1, WIRE), article(2, edited)])[1].duplicate_of == "S1"


def test_each_article_is_compared_with_its_likely_copies_only(monkeypatch):
    calls = 0

    def counted(first, second):
        nonlocal calls
        calls += 1
        return jaccard(first, second)

    monkeypatch.setattr(briefing.dedupe, "jaccard", counted)
    articles = [article(n, other_story(n)) for n in range(1, 301)] + [article(301, WIRE), article(302, WIRE)]
    marked = mark_duplicates(articles)
    assert marked[-1].duplicate_of == "S301"
    assert calls < 300, "a pairwise comparison would make about 45,000 calls"


def test_seed_articles_are_different_stories(seeds_dir: Path):
    articles = [clean_article(a, today=date(2026, 1, 1)) for a in read_inputs([seeds_dir]).articles]
    assert [a.duplicate_of for a in mark_duplicates(articles)] == [None] * 5


def test_example_corpus_duplicates_are_those_of_the_manifest(examples_dir: Path):
    manifest_path = examples_dir / "MANIFEST.toml"
    if not manifest_path.is_file():
        pytest.skip("examples/MANIFEST.toml is absent")
    manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    articles = [clean_article(a, today=date(2026, 1, 1)) for a in read_inputs([examples_dir]).articles]
    names = {a.id: Path(a.path).name for a in articles}
    found = {names[a.id]: names[a.duplicate_of] for a in mark_duplicates(articles) if a.duplicate_of}
    expected = {name: spec["duplicate_of"] for name, spec in manifest["files"].items() if spec.get("duplicate")}
    assert found == expected and expected


def counting_jaccard(monkeypatch) -> list[int]:
    calls = [0]

    def counted(first, second):
        calls[0] += 1
        return jaccard(first, second)

    monkeypatch.setattr(briefing.dedupe, "jaccard", counted)
    return calls


def test_thousands_of_near_copies_of_a_short_text_are_compared_near_linearly(monkeypatch):
    """5,000 such files took 38 s when every LSH candidate pair was compared (n^2/2 comparisons)."""
    calls = counting_jaccard(monkeypatch)
    texts = [f"Officials said on Monday that gate {n} of the Diamer dam on the Indus river opened at {n % 24} hours, "
             "the water ministry said." for n in range(2000)]
    marked = mark_duplicates([article(n, text) for n, text in enumerate(texts, start=1)])
    assert [item.duplicate_of for item in marked[1:]] == ["S1"] * 1999
    assert calls[0] < 4 * 2000, "comparing each with every earlier one would make about 2,000,000 calls"


def test_thousands_of_similar_but_different_short_texts_are_compared_near_linearly(monkeypatch):
    calls = counting_jaccard(monkeypatch)
    texts = [f"Note {n} says the dam gate {n} opened." for n in range(2000)]
    marked = mark_duplicates([article(n, text) for n, text in enumerate(texts, start=1)])
    assert all(item.duplicate_of is None for item in marked)
    assert calls[0] < 2000


def test_a_chain_of_edits_is_one_group_as_with_pairwise_comparison():
    """Each version edits the one before it: the last is far from the first, yet all are one story."""
    versions = [WIRE]
    for step in range(6):
        words = versions[-1].split()
        words[step * 15 : step * 15 + 12] = [f"changed{step}"] * 12
        versions.append(" ".join(words))
    assert jaccard(shingles(versions[0]), shingles(versions[-1])) < THRESHOLD
    marked = mark_duplicates([article(n, text) for n, text in enumerate(versions, start=1)])
    assert [item.duplicate_of for item in marked] == [None] + ["S1"] * 6


def test_an_earlier_state_gives_the_same_marks_as_a_run_from_scratch():
    from briefing.dedupe import marked_with_state

    texts = [
        "Tarvia and Dovrenia signed a gas pipeline agreement in Vostan on Tuesday, officials said.",
        "Wheat prices rose four percent on the Karsk exchange after the central bank raised rates.",
        "Tarvia and Dovrenia signed a gas pipeline agreement in Vostan on Tuesday, officials said today.",
        "Wheat prices rose four percent on the Karsk exchange after the central bank raised interest rates.",
        "A harbour strike in Ostrel entered its third day as dockers rejected the port authority's offer.",
    ]
    articles = [Article(id=f"S{n}", path=f"{n}.txt", text=text, published=date(2024, 3, 10 - n))
                for n, text in enumerate(texts, 1)]
    _, state = marked_with_state(articles[:2], None)
    assert len(state.digests) == 2
    marked, grown = marked_with_state(articles, state)
    assert grown is state and len(state.digests) == 5  # the new texts were added, nothing rebuilt
    assert marked == mark_duplicates(articles)
    # a copy published earlier than the text it copies becomes the group's original
    assert marked[0].duplicate_of == "S3" and marked[1].duplicate_of == "S4" and marked[4].duplicate_of is None
    # a state holding a text no longer given is not used
    _, rebuilt = marked_with_state(articles[1:], state)
    assert rebuilt is not state and len(rebuilt.digests) == 4


def test_the_state_is_what_new_texts_are_compared_with():
    from briefing.dedupe import marked_with_state

    first = Article(id="S1", path="1.txt", text="Ministers of Tarvia and Dovrenia met in Vostan to sign a gas deal.")
    copy = Article(id="S2", path="2.txt", text="Ministers of Tarvia and Dovrenia met in Vostan to sign a gas deal today.")
    _, state = marked_with_state([first], None)
    state.band_keys[:] = 0  # the earlier text's band keys no longer match any text
    marked, _ = marked_with_state([first, copy], state)
    assert marked[1].duplicate_of is None  # only the stored keys are looked at, not the earlier text again
    assert mark_duplicates([first, copy])[1].duplicate_of == "S1"


def test_a_rerun_fingerprints_only_the_texts_it_has_not_seen(tmp_path, monkeypatch):
    import briefing.dedupe as dedupe
    from briefing.pipeline import dedupe_remembering

    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    texts = ["Dockers in Ostrel extended their harbour strike into a third day on Monday.",
             "Wheat prices climbed on the Karsk commodity exchange after the rate rise.",
             "Tarvia and Dovrenia signed a gas pipeline agreement in Vostan on Tuesday.",
             "Twelve soldiers were killed in a border clash in the Ashar Valley, officials said.",
             "The central bank of Karsk raised its main interest rate to twelve percent."]
    articles = [Article(id=f"S{n}", path=f"{n}.txt", text=text) for n, text in enumerate(texts, 1)]
    hashed: list[str] = []
    real = dedupe.shingles
    monkeypatch.setattr(dedupe, "shingles", lambda text, *rest: hashed.append(text) or real(text, *rest))
    first = dedupe_remembering(articles[:4], ["project"])
    assert len(hashed) == 4
    hashed.clear()
    second = dedupe_remembering(articles, ["project"])
    assert hashed == [articles[4].text]  # (a near-copy among the old texts would be compared exactly, too)
    assert second[:4] == first and second == dedupe.mark_duplicates(articles)
