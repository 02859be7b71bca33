"""Ranking: claims are grouped across sources, scored by how many independent
outlets report them, and ordered so that nothing is said twice near the top."""

from __future__ import annotations

from datetime import date

import numpy as np
import scipy.sparse as sp
from factbuilder import article, facts_of

from briefing.rank import (
    RankConfig,
    agreement,
    conflicting,
    outlet_key,
    quantities,
    rank,
    report_of,
    summarize,
)
from briefing.rank.concepts import concept_weights, lemma_pairs, word_pairs
from briefing.rank.similarity import neighbour_graph, vectorize

PIPELINE = "Russia and Pakistan signed a deal in Moscow to build a gas pipeline from Karachi to Lahore."
PIPELINE_AGAIN = (
    "Pakistan and Russia signed a deal to build the gas pipeline from Karachi to Lahore, in Moscow."
)
TALKS = "Officials from both countries will hold talks on a currency swap in Islamabad next month."
TALKS_AGAIN = "Officials of both countries will meet in Islamabad next month for talks on a currency swap."
WEATHER = "Heavy rain flooded several streets in the old quarter of Peshawar on Sunday evening."
# One attack as outlets report it, with different death tolls.
TWELVE_KILLED = "Militants killed 12 soldiers in an attack on a checkpoint near Parachinar in Kurram."
NINE_KILLED = "Militants killed nine soldiers in an attack on a checkpoint near Parachinar in Kurram."


def corpus():
    articles = [
        article("S1", "Dawn", PIPELINE, TALKS),
        article("S2", "Reuters", PIPELINE_AGAIN, WEATHER),
        article("S3", "Tass", PIPELINE, TALKS_AGAIN),
        article("S4", "Geo", PIPELINE_AGAIN),
    ]
    return articles, [fact for source in articles for fact in facts_of(source)]


def test_claim_most_outlets_report_ranks_first():
    articles, facts = corpus()
    claims = rank(facts, articles)
    assert claims[0].text in (PIPELINE, PIPELINE_AGAIN)
    assert claims[0].agreement == 4
    assert [support.source for support in claims[0].support] == ["S1", "S2", "S3", "S4"]
    talks = next(claim for claim in claims if claim.text in (TALKS, TALKS_AGAIN))
    assert talks.agreement == 2
    assert claims.index(talks) < next(i for i, claim in enumerate(claims) if claim.text == WEATHER)


def test_support_is_verbatim_sentences_of_each_source():
    articles, facts = corpus()
    texts = {source.id: source.text for source in articles}
    for claim in rank(facts, articles):
        assert claim.text in {support.sentence for support in claim.support}
        assert len({support.source for support in claim.support}) == len(claim.support)
        for support in claim.support:
            assert support.sentence in texts[support.source]


def test_claim_ids_and_order_are_deterministic():
    articles, facts = corpus()
    first = rank(facts, articles)
    second = rank(list(reversed(facts)), articles)
    assert [claim.id for claim in first] == [f"C{n}" for n in range(1, len(first) + 1)]
    assert [claim.text for claim in first] == [claim.text for claim in rank(facts, articles)]
    assert {claim.text for claim in first} == {claim.text for claim in second}


def test_agreement_counts_independent_outlets_not_articles():
    articles = [
        article("S1", "Dawn", PIPELINE),
        article("S2", "dawn ", PIPELINE_AGAIN),  # same outlet, written differently
        article("S3", "Yahoo News", PIPELINE, duplicate_of="S1"),  # syndicated copy of S1
        article("S4", None, PIPELINE_AGAIN),  # unknown outlet: its own
        article("S5", None, PIPELINE),
    ]
    facts = [fact for source in articles for fact in facts_of(source)]
    (claim,) = rank(facts, articles)
    assert len(claim.support) == 5
    assert claim.agreement == 3


def test_outlet_key_follows_copies_to_their_original():
    original = article("S1", "AP", PIPELINE)
    copy = article("S2", "Yahoo News", PIPELINE, duplicate_of="S1")
    anonymous = article("S3", None, PIPELINE)
    by_id = {source.id: source for source in (original, copy, anonymous)}
    assert outlet_key(copy, by_id) == outlet_key(original, by_id)
    assert outlet_key(anonymous, by_id) != outlet_key(original, by_id)
    assert agreement(["S1", "S2", "S3"], by_id) == 2


def test_figures_that_differ_split_a_claim():
    articles = [
        article("S1", "Dawn", TWELVE_KILLED),
        article("S2", "Reuters", NINE_KILLED),
        article("S3", "Geo", TWELVE_KILLED),
    ]
    facts = [fact for source in articles for fact in facts_of(source)]
    claims = rank(facts, articles)
    assert len(claims) == 2
    assert claims[0].text == TWELVE_KILLED and claims[0].agreement == 2
    assert claims[1].text == NINE_KILLED and [s.source for s in claims[1].support] == ["S2"]


def test_quantities_skip_dates_years_ordinals_and_times():
    (fact,) = facts_of(
        article("S1", "Dawn", "On March 12, 1998 the 21st convoy left at 5 pm with 40 trucks.")
    )
    assert quantities(fact) == {"truck": {40.0}}


def test_conflict_needs_the_same_thing_counted():
    twelve, nine, days = (
        facts_of(article("S1", "Dawn", text))[0]
        for text in (
            "Police said 12 soldiers died.",
            "Police said nine soldiers died.",
            "Police said 9 days passed.",
        )
    )
    assert conflicting(twelve, nine) == ("soldier",)
    assert conflicting(twelve, days) == ()
    assert conflicting(twelve, twelve) == ()


def test_repeated_statement_is_not_said_twice_near_the_top():
    # Two outlets disagree on the figure, so the two versions are two claims;
    # the second says nothing new and must come after every fresh claim.
    articles = [
        article("S1", "Dawn", TWELVE_KILLED, TALKS),
        article("S2", "Reuters", NINE_KILLED, TALKS_AGAIN),
        article("S3", "Geo", TWELVE_KILLED, WEATHER),
        article("S4", "Tass", NINE_KILLED, WEATHER),
    ]
    facts = [fact for source in articles for fact in facts_of(source)]
    claims = rank(facts, articles)
    texts = [claim.text for claim in claims]
    assert texts[-1] in (TWELVE_KILLED, NINE_KILLED)
    assert sum(text in (TWELVE_KILLED, NINE_KILLED) for text in texts[:3]) == 1


FILLERS = (
    "Snow closed the mountain pass above Chitral for the third time this winter.",
    "A cricket match in Multan drew a record crowd of local supporters.",
    "Traders in Quetta reported brisk sales of dried fruit before the holiday.",
    "The national museum in Karachi reopened its gallery of ancient coins.",
    "Farmers near Sukkur began harvesting an early crop of dates.",
)


def test_what_more_outlets_report_comes_first_even_with_a_lower_score():
    # The talks are each article's lead (a high score), but only two outlets report
    # them; the pipeline comes late in three articles (a low score).
    articles = [
        article("S1", "Dawn", TALKS, FILLERS[0], FILLERS[1], PIPELINE),
        article("S2", "Reuters", TALKS_AGAIN, FILLERS[2], FILLERS[3], PIPELINE_AGAIN),
        article("S3", "Tass", FILLERS[4], WEATHER, PIPELINE),
    ]
    facts = [fact for source in articles for fact in facts_of(source)]
    claims = rank(facts, articles)
    pipeline = next(claim for claim in claims if claim.text in (PIPELINE, PIPELINE_AGAIN))
    talks = next(claim for claim in claims if claim.text in (TALKS, TALKS_AGAIN))
    assert (pipeline.agreement, talks.agreement) == (3, 2)
    assert pipeline.score < talks.score
    assert claims[0] is pipeline and claims[1] is talks
    assert [claim.agreement for claim in claims] == sorted((claim.agreement for claim in claims), reverse=True)
    single = [claim for claim in claims if claim.agreement == 1]
    assert [claim.score for claim in single] == sorted((claim.score for claim in single), reverse=True)


def test_a_repeat_names_the_claim_it_repeats_and_follows_every_fresh_claim():
    articles = [
        article("S1", "Dawn", TWELVE_KILLED, TALKS),
        article("S2", "Reuters", NINE_KILLED, TALKS_AGAIN),
        article("S3", "Geo", TWELVE_KILLED, WEATHER),
        article("S4", "Tass", NINE_KILLED),
        article("S5", "AP", NINE_KILLED),
    ]
    facts = [fact for source in articles for fact in facts_of(source)]
    claims = rank(facts, articles)
    by_text = {claim.text: claim for claim in claims}
    # Three outlets give nine, two give 12: nine is kept, 12 repeats it, however they score.
    assert (by_text[NINE_KILLED].agreement, by_text[TWELVE_KILLED].agreement) == (3, 2)
    assert by_text[NINE_KILLED].repeats is None
    assert by_text[TWELVE_KILLED].repeats == by_text[NINE_KILLED].id
    assert claims[-1] is by_text[TWELVE_KILLED]
    fresh = [claim for claim in claims if claim.repeats is None]
    assert claims[: len(fresh)] == fresh


def test_a_claim_is_dated_only_by_dates_known_to_the_day():
    signing = article("S1", "Dawn", PIPELINE, TALKS)
    again = article("S2", "Reuters", PIPELINE_AGAIN, TALKS_AGAIN)
    articles = [signing, again]
    facts = facts_of(signing, dates={0: date(2024, 3, 1), 1: date(2024, 4, 1)}, precisions={1: "month"})
    facts += facts_of(again, dates={0: date(2024, 3, 1), 1: date(2024, 4, 1)}, precisions={0: "week", 1: "month"})
    claims = {claim.text: claim for claim in rank(facts, articles)}
    pipeline = claims.get(PIPELINE) or claims[PIPELINE_AGAIN]
    talks = claims.get(TALKS) or claims[TALKS_AGAIN]
    assert pipeline.date == date(2024, 3, 1)  # one source gives the day, the other only the week
    assert talks.date is None  # "next month" is no day


PIPELINE_THIRD = "Pakistan signed a deal with Russia on Friday to build a gas pipeline from Karachi to Lahore."
TALKS_THIRD = "Officials of both countries will hold talks in Islamabad next month on a currency swap."


def test_summary_packs_what_most_reports_say_without_saying_it_twice():
    articles = [
        article("S1", "Dawn", PIPELINE, TALKS, FILLERS[0]),
        article("S2", "Reuters", PIPELINE_AGAIN, FILLERS[1], TALKS_AGAIN),
        article("S3", "Tass", TALKS_THIRD, PIPELINE_THIRD, WEATHER),
    ]
    facts = [fact for source in articles for fact in facts_of(source)]
    summary = summarize(rank(facts, articles), facts, articles, words=40)
    pipelines = [text for text in (PIPELINE, PIPELINE_AGAIN, PIPELINE_THIRD) if text in summary]
    talks = [text for text in (TALKS, TALKS_AGAIN, TALKS_THIRD) if text in summary]
    assert len(pipelines) == 1 and len(talks) == 1
    assert summary in (f"{pipelines[0]} {talks[0]}", f"{talks[0]} {pipelines[0]}")
    assert len(summary.split()) <= 40


def test_a_syndicated_copy_is_one_report_for_the_summary():
    articles = [
        article("S1", "Dawn", PIPELINE),
        article("S2", "Geo", PIPELINE, duplicate_of="S1"),  # what dedupe decided
        article("S3", "Tass", *FILLERS[:4], PIPELINE),
        article("S4", "Reuters", WEATHER, PIPELINE_AGAIN),
    ]
    facts = [fact for source in articles for fact in facts_of(source)]
    reports = {source.id: report_of(source.id, {a.id: a for a in articles}) for source in articles}

    def weights(chosen):
        return concept_weights(
            chosen, [word_pairs(fact) for fact in chosen], reports, first_counts_most=True, min_reports=3
        )

    # three reports use "gas pipeline": first sentence (S1 and its copy S2), fifth and second
    assert weights(facts)[("gas", "pipeline")] == 1 + 1 / 5 + 1 / 2
    assert ("gas", "pipeline") not in weights([fact for fact in facts if fact.source != "S4"])  # two reports
    talks = facts_of(article("S5", "Dawn", TALKS))[0]
    assert ("on", "a") not in word_pairs(talks)  # two stop words
    assert {("a", "currency"), ("currency", "swap")} <= word_pairs(talks)


def test_claims_weigh_a_concept_by_the_independent_reports_using_it():
    articles = [
        article("S1", "Dawn", PIPELINE, PIPELINE_THIRD),
        article("S2", "Geo", PIPELINE, duplicate_of="S1"),
        article("S3", "Tass", PIPELINE_AGAIN),
    ]
    facts = [fact for source in articles for fact in facts_of(source)]
    reports = {source.id: report_of(source.id, {a.id: a for a in articles}) for source in articles}
    weights = concept_weights(facts, [lemma_pairs(fact) for fact in facts], reports)
    assert weights[("gas", "pipeline")] == 2  # S1 (twice, and its copy S2) and S3
    assert weights[("pakistan", "signed")] == 1  # S1 (twice) and its copy S2


def test_summarize_keeps_whole_sentences_within_the_word_limit():
    # Four articles, two wordings, each syndicated once: two reports, so no
    # concept is widely shared and the summary is the head of the ranking.
    articles = [
        article("S1", "Dawn", PIPELINE, TALKS),
        article("S2", "Reuters", PIPELINE_AGAIN, WEATHER),
        article("S3", "Tass", PIPELINE, TALKS_AGAIN, duplicate_of="S1"),
        article("S4", "Geo", PIPELINE_AGAIN, duplicate_of="S2"),
    ]
    facts = [fact for source in articles for fact in facts_of(source)]
    claims = rank(facts, articles)
    summary = summarize(claims, facts, articles, words=35)
    assert len(summary.split()) <= 35
    assert summary.startswith(claims[0].text)
    assert summary == " ".join(claim.text for claim in claims if claim.text in summary)
    assert summarize(claims, facts, articles, words=5) == ""
    assert summarize([], [], [], words=100) == ""
    everything = summarize(claims, facts, articles, words=1000)
    assert all(claim.text in everything for claim in claims)


def test_recent_events_outrank_old_ones_when_backing_is_equal():
    old = article("S1", "Dawn", TALKS, published=date(2023, 1, 2))
    old_too = article("S2", "Geo", TALKS_AGAIN, published=date(2023, 1, 2))
    new = article("S3", "Tass", PIPELINE, published=date(2024, 3, 4))
    new_too = article("S4", "Reuters", PIPELINE_AGAIN, published=date(2024, 3, 4))
    articles = [old, old_too, new, new_too]
    facts = [fact for source in articles for fact in facts_of(source)]
    claims = rank(facts, articles, config=RankConfig(as_of=date(2024, 3, 5)))
    assert claims[0].text in (PIPELINE, PIPELINE_AGAIN)
    assert claims[1].score < claims[0].score


def test_neighbour_graph_matches_dense_cosine_in_small_blocks():
    articles, facts = corpus()
    vectors = vectorize(facts)
    dense = (vectors @ vectors.T).toarray()
    np.fill_diagonal(dense, 0)
    dense[dense < 0.3] = 0
    graph = neighbour_graph(vectors, threshold=0.3, neighbours=50, block=3)
    assert sp.issparse(graph)
    assert np.allclose(graph.toarray(), dense)


def test_what_counts_as_a_common_word_grows_with_the_corpus():
    """500 sentences that share one word, among 40,000: the word is in 1.25% of them,
    not common, so they are linked. A fixed count of 300 would call it common, and
    the larger the corpus the more such stories it would fail to join."""
    n, story = 40_000, 500
    columns = np.where(np.arange(n) < story, 0, np.arange(n))  # the story's word, else a word of its own
    vectors = sp.csr_matrix((np.ones(n), (np.arange(n), columns)), shape=(n, n))
    graph = neighbour_graph(vectors, threshold=0.5, neighbours=3)
    linked = np.diff(graph.indptr) > 0
    assert linked[:story].all() and not linked[story:].any()


def test_neighbour_graph_finds_pairs_through_rare_features_with_exact_cosine():
    articles, facts = corpus()
    vectors = vectorize(facts)
    dense = (vectors @ vectors.T).toarray()
    np.fill_diagonal(dense, 0)
    frequency = np.bincount(vectors.indices, minlength=vectors.shape[1])
    binary = (vectors > 0).astype(int)
    rare_overlap = (binary[:, frequency <= 2] @ binary[:, frequency <= 2].T).toarray() > 0
    graph = neighbour_graph(vectors, threshold=0.3, neighbours=50, common=2).toarray()
    found = graph > 0
    assert np.allclose(graph[found], dense[found])  # exact cosine, common features included
    assert (found == ((dense >= 0.3) & rare_overlap)).all()


def test_greedy_packing_covers_the_heaviest_concepts_within_the_budget():
    from briefing.rank.summary import choose, choose_greedily

    weights = {("gas", "deal"): 5.0, ("pipeline", "route"): 4.0, ("border", "clash"): 3.0, ("wheat", "price"): 1.0}
    concepts = [
        frozenset({("gas", "deal"), ("pipeline", "route")}),  # 10 words, 9.0
        frozenset({("gas", "deal")}),  # 4 words: says again what the first says
        frozenset({("border", "clash")}),  # 5 words
        frozenset({("wheat", "price")}),  # 5 words
    ]
    lengths = [10, 4, 5, 5]
    def covered(chosen):
        return sum(weights[c] for c in set().union(*(concepts[i] for i in chosen)))

    chosen = choose_greedily(concepts, weights, lengths, 15)
    assert sum(lengths[i] for i in chosen) <= 15
    assert not ({0, 1} <= set(chosen) and concepts[1] <= concepts[0])  # nothing said twice
    exact = choose(concepts, weights, lengths, 15)
    assert covered(exact) == 12.0
    assert covered(chosen) >= (1 - 1 / 2.718281828) / 2 * covered(exact)  # the greedy rule's guarantee
    # one heavy sentence beats a crowd of light ones that fill the budget first
    assert choose_greedily([frozenset({("a", "b")}), frozenset({("c", "d")})], {("a", "b"): 1.0, ("c", "d"): 9.0},
                           [1, 10], 10) == [1]


def test_greedy_packing_with_leaders_holds_one_and_otherwise_packs_by_coverage():
    from briefing.rank.summary import choose_greedily

    weights = {("gas", "deal"): 5.0, ("pipeline", "route"): 4.0, ("border", "clash"): 1.0}
    concepts = [
        frozenset({("gas", "deal")}),  # 5 words
        frozenset({("pipeline", "route")}),  # 5 words
        frozenset({("border", "clash")}),  # 5 words: the leader, light
    ]
    lengths = [5, 5, 5]
    assert choose_greedily(concepts, weights, lengths, 10) == [0, 1]
    # the rule's choice holds no leader: the leader is taken first, coverage fills the rest
    assert choose_greedily(concepts, weights, lengths, 10, leaders=[2]) == [0, 2]
    # the rule's choice already holds a leader: coverage alone decides
    assert choose_greedily(concepts, weights, lengths, 10, leaders=[1, 2]) == [0, 1]
    # a leader that cannot fit the budget is no leader
    assert choose_greedily(concepts, weights, [5, 5, 11], 10, leaders=[2]) == [0, 1]


def key_point_corpus():
    """The talks lead three reports of two outlets (Dawn twice): what the reports share most.
    The pipeline comes late in four outlets' articles: the best-backed claim."""
    articles = [
        article("S1", "Dawn", TALKS, FILLERS[0], PIPELINE),
        article("S2", "Dawn", TALKS_AGAIN, FILLERS[1]),
        article("S3", "Reuters", TALKS, FILLERS[2], PIPELINE_AGAIN),
        article("S4", "Tass", FILLERS[3], PIPELINE),
        article("S5", "Geo", FILLERS[4], WEATHER, PIPELINE_AGAIN),
    ]
    return articles, [fact for source in articles for fact in facts_of(source)]


def test_key_points_are_chosen_by_coverage_but_the_best_backed_claim_leads(monkeypatch):
    import briefing.rank
    from briefing.rank.summary import packed

    articles, facts = key_point_corpus()
    kept = [claim for claim in rank(facts, articles) if claim.repeats is None]
    by_coverage = packed(kept, facts, articles, words=18, candidates=50, exact=False)
    backed = packed(kept, facts, articles, words=18, candidates=50, exact=False, backed_lead=True)
    assert [(kept[place].agreement, fact.sentence) for place, fact in by_coverage] == [(2, TALKS)]
    assert [kept[place].agreement for place, _ in backed] == [4]
    # a story's budget that holds one point: the point four outlets report leads it
    monkeypatch.setattr(briefing.rank, "KEY_POINT_WORDS", 18)
    claims = rank(facts, articles)
    assert claims[0].agreement == 4 and claims[0].text in (PIPELINE, PIPELINE_AGAIN)
    assert claims[1].text in (TALKS, TALKS_AGAIN)
