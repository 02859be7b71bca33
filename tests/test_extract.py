"""The extract stage: which sentences become facts, and what each fact carries."""

from __future__ import annotations

from datetime import date

import pytest

from briefing.entities import load_aliases
from briefing.extract import make_extractor
from briefing.model import Article
from briefing.themes import load_taxonomy

PUBLISHED = date(2024, 3, 6)  # a Wednesday


@pytest.fixture(scope="module")
def extract(nlp):
    return make_extractor(nlp, load_taxonomy(), load_aliases())


def facts_of(nlp, extract, text, *, title=None, published=PUBLISHED):
    article = Article(id="S1", path="a.txt", text=text, title=title, published=published)
    return extract(article, nlp(text))


def sentences(facts):
    return [fact.sentence for fact in facts]


def test_fact_sentence_is_verbatim_at_its_offsets(nlp, extract):
    text = "  Prime Minister Imran Khan met Sergey Lavrov in Islamabad on Tuesday.  \n\nThey discussed the Pakistan Stream gas pipeline project.\n"
    facts = facts_of(nlp, extract, text)
    assert len(facts) == 2
    for fact in facts:
        assert text[fact.start:fact.end] == fact.sentence
        assert fact.sentence == fact.sentence.strip()
    assert [fact.position for fact in facts] == [0, 1]


def test_questions_bylines_captions_and_fragments_are_dropped(nlp, extract):
    text = (
        "By Sarah Ahmed\n\n"
        "Will the pipeline ever be built?\n\n"
        "Photo: Lavrov arrives at the airport in Islamabad.\n\n"
        "Russia and Pakistan.\n\n"
        "Russia offers Pakistan military support to fight terrorism\n\n"
        "Russia and Pakistan agreed to hold joint military exercises next year."
    )
    assert sentences(facts_of(nlp, extract, text)) == [
        "Russia and Pakistan agreed to hold joint military exercises next year."
    ]


def test_headline_repeated_in_the_body_is_dropped(nlp, extract):
    title = "Russia and Pakistan agree to build the gas pipeline."
    text = f"{title}\n\nThe two countries signed the pipeline agreement in Moscow on Tuesday."
    assert sentences(facts_of(nlp, extract, text, title=title)) == [
        "The two countries signed the pipeline agreement in Moscow on Tuesday."
    ]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"We will deepen our energy ties," Reinholt said on Tuesday.', "Reinholt"),
        ('"Trade between our countries has doubled," said Daniyar Kemelov.', "Daniyar Kemelov"),
        ("According to Bolat Ermekov, both countries will hold more military exercises.", "Bolat Ermekov"),
        ("Daniyar Kemelov told reporters that the pipeline would be finished by 2025.", "Daniyar Kemelov"),
        ("Tomas Reinholt, who is on a two-day visit to Vostan, said the pipeline deal was signed.", "Tomas Reinholt"),
    ],
)
def test_quotes_are_attributed_to_their_speaker(nlp, extract, text, speaker):
    (fact,) = facts_of(nlp, extract, text)
    assert fact.speaker == speaker


def test_he_said_resolves_to_the_last_named_speaker(nlp, extract):
    text = (
        "Foreign Minister Tomas Reinholt said Dovrenia was ready to supply military equipment to Tarvia.\n\n"
        "Later, Reinholt met President Irina Volkova in the capital.\n\n"
        '"Dovrenia and Tarvia have agreed to further facilitate the peace process," he said.'
    )
    facts = facts_of(nlp, extract, text)
    assert [fact.speaker for fact in facts] == ["Tomas Reinholt", None, "Tomas Reinholt"]


def test_the_minister_said_resolves_to_the_one_person_with_that_title(nlp, extract):
    text = (
        "Foreign Minister Tomas Reinholt met Prime Minister Daniyar Kemelov in Vostan on Monday.\n\n"
        "The prime minister said the gas pipeline would be finished next year."
    )
    assert facts_of(nlp, extract, text)[1].speaker == "Daniyar Kemelov"


def test_a_sentence_that_reports_nothing_has_no_speaker(nlp, extract):
    (fact,) = facts_of(nlp, extract, "Tarvia and Dovrenia signed the gas pipeline deal in Vostan on Tuesday.")
    assert fact.speaker is None


def test_titles_and_surnames_merge_into_one_person(nlp, extract):
    text = (
        "Prime Minister Imran Khan met Russian Foreign Minister Sergey Lavrov in Islamabad on Wednesday.\n\n"
        "Khan thanked Lavrov for the support of the Russian Federation on the Kashmir dispute.\n\n"
        "PM Imran Khan also discussed the gas pipeline with the visiting minister."
    )
    facts = facts_of(nlp, extract, text)
    people = {name for fact in facts for name in fact.entities} & {"Imran Khan", "Sergey Lavrov", "Khan", "Lavrov", "PM Imran Khan"}
    assert people == {"Imran Khan", "Sergey Lavrov"}
    assert "Russia" in facts[1].entities and "Russian Federation" not in facts[1].entities


def test_fact_carries_themes_numbers_lemmas_and_event_date(nlp, extract):
    (fact,) = facts_of(nlp, extract, "Russia will supply twelve helicopters and 3,000 tonnes of fuel to Pakistan, officials said on Tuesday.")
    assert fact.themes and fact.themes[0].theme == "security"
    assert "12" in fact.numbers and any("3000" in number for number in fact.numbers)
    assert {"helicopter", "supply", "russia"} <= set(fact.lemmas)
    assert "will" not in fact.lemmas and "and" not in fact.lemmas
    assert (fact.event_date, fact.event_date_basis) == (date(2024, 3, 5), "relative")


def test_extractor_refuses_a_doc_of_other_text(nlp, extract):
    article = Article(id="S1", path="a.txt", text="Russia and Pakistan signed a pipeline deal on Tuesday.")
    with pytest.raises(ValueError):
        extract(article, nlp("Something else entirely was said here today."))
