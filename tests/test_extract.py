"""The extract stage: which sentences become facts, and what each fact carries."""

from __future__ import annotations

import re
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


@pytest.fixture(scope="module")
def quoting_nlp():
    from briefing.analyze import load_model

    return load_model(join_quotes=True)


@pytest.fixture(scope="module")
def quoting_extract(quoting_nlp):
    return make_extractor(quoting_nlp, load_taxonomy(), load_aliases())


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


def test_a_sentence_is_clutter_exactly_when_clean_would_drop_it_as_a_line(nlp, extract):
    text = (
        "Talks on the pipeline resumed in Islamabad on Tuesday, officials said. "
        "Also read: Russia and Pakistan sign a gas pipeline deal in Moscow.\n\n"
        "Comments made by the minister on Tuesday drew criticism from the opposition."
    )
    assert sentences(facts_of(nlp, extract, text)) == [
        "Talks on the pipeline resumed in Islamabad on Tuesday, officials said.",
        "Comments made by the minister on Tuesday drew criticism from the opposition.",
    ]


def test_an_agency_sign_off_run_into_the_last_sentence_is_left_out(nlp, extract):
    text = "The Prime Minister stressed the importance of talks with Russia on trade.-PR"
    (fact,) = facts_of(nlp, extract, text)
    assert fact.sentence == "The Prime Minister stressed the importance of talks with Russia on trade."
    assert text[fact.start:fact.end] == fact.sentence


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


@pytest.mark.parametrize(
    ("opening", "closing"), [('"', '"'), ("“", "”"), ("``", "''")], ids=["straight", "curly", "backticks"]
)
def test_a_quotation_of_several_sentences_is_one_fact_with_its_speaker(quoting_nlp, quoting_extract, opening, closing):
    quote = (
        f"{opening}We welcome any step that stops the shooting. Talks are better than artillery,{closing}"
        " Foreign Minister Aliya Serikova said in a statement."
    )
    text = f"Tarvia and Dovrenia agreed on a ceasefire in Vostan on Tuesday. {quote} The border stayed closed on Wednesday."
    facts = facts_of(quoting_nlp, quoting_extract, text)
    quoted = [fact for fact in facts if "artillery" in fact.sentence]
    assert [fact.sentence for fact in quoted] == [quote]
    assert quoted[0].speaker == "Aliya Serikova"
    assert not any("shooting" in fact.sentence for fact in facts if fact is not quoted[0])
    for fact in facts:
        assert text[fact.start:fact.end] == fact.sentence


def test_an_unclosed_quotation_does_not_swallow_its_paragraph(quoting_nlp, quoting_extract):
    text = (
        '"Tarvia will defend the Ashar Valley. Our troops arrived in Vostan on Monday. '
        "The pipeline to Dovrenia will carry gas in 2025. Sanctions on Sarkand will stay in force. "
        "Trade with Dovrenia doubled in 2023. The exercises in Halden ended on Friday.\n"
        "Foreign Minister Tomas Reinholt met Irina Volkova in Vostan on Tuesday."
    )
    facts = facts_of(quoting_nlp, quoting_extract, text)
    assert facts[0].sentence.startswith('"Tarvia will defend') and "Sanctions" not in facts[0].sentence
    assert any(fact.sentence == "The exercises in Halden ended on Friday." for fact in facts)
    assert facts[-1].sentence == "Foreign Minister Tomas Reinholt met Irina Volkova in Vostan on Tuesday."
    for fact in facts:
        assert text[fact.start:fact.end] == fact.sentence


def test_a_quotation_left_open_at_a_line_break_stays_split_and_a_reopened_quote_starts_a_fact(quoting_nlp, quoting_extract):
    text = (
        '"Tarvia will defend the Ashar Valley. Our troops arrived in Vostan on Monday.\n'
        '"The pipeline to Dovrenia will carry gas in 2025. Sanctions on Sarkand will stay in force," Reinholt said. '
        "``Trade with Dovrenia doubled in 2023. ``The exercises in Halden ended on Friday,'' Volkova said."
    )
    starts = [fact.sentence[:12] for fact in facts_of(quoting_nlp, quoting_extract, text)]
    assert starts == ['"Tarvia will', "Our troops a", '"The pipelin', "``Trade with", "``The exerci"]


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


def test_hedged_and_spelled_out_quantities_compare_equal(nlp, extract):
    (first,) = facts_of(nlp, extract, "About 3,500 troops from Tarvia will take part in the exercise, officials said.")
    (second,) = facts_of(nlp, extract, "Around 3500 troops from Tarvia will take part in the exercise, officials said.")
    (third,) = facts_of(nlp, extract, "Twelve soldiers from Tarvia were killed in the clash, the ministry said.")
    assert "3500" in first.numbers and first.numbers == second.numbers
    assert third.numbers == ("12",)


def test_extractor_refuses_a_doc_of_other_text(nlp, extract):
    article = Article(id="S1", path="a.txt", text="Russia and Pakistan signed a pipeline deal on Tuesday.")
    with pytest.raises(ValueError):
        extract(article, nlp("Something else entirely was said here today."))


# What a careful reader of the five seed articles files under each theme: every body sentence
# that states one of these facts must become a fact carrying that theme.
SEED_FACTS = {
    "energy": r"Pakistan[- ]Stream|Gas Pipeline",
    "security": r"counter[- ]terrorism|military exercises|military equipment|military support|security situation",
    "regional": r"Kashmir dispute|Afghan peace process|conflict in Afghanistan|Illegally Occupied|peace process|Afghan parties",
}
SEED_HEADER = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2})\s+")


def read_seed(path) -> Article:
    """A seed article with its " date YYYY-MM-DD " header line taken off and used as the date."""
    text = path.read_text(encoding="utf-8")
    header = SEED_HEADER.match(text)
    published = date.fromisoformat(header.group(1)) if header else None
    return Article(id=path.stem, path=str(path), text=text[header.end():] if header else text, published=published)


@pytest.fixture(scope="module")
def seed_facts(seeds_dir, nlp, extract):
    articles = [read_seed(path) for path in sorted(seeds_dir.glob("*.txt"))]
    return [(article, doc, extract(article, doc)) for article, doc in zip(articles, nlp.pipe(a.text for a in articles))]


@pytest.mark.shared
@pytest.mark.parametrize("theme", sorted(SEED_FACTS))
def test_seed_facts_a_careful_reader_files_under_a_theme_are_caught(seed_facts, theme):
    pattern = re.compile(SEED_FACTS[theme])
    checked = 0
    for article, doc, facts in seed_facts:
        by_sentence = {fact.sentence: fact for fact in facts}
        for sentence in doc.sents:
            text = sentence.text.strip()
            if not pattern.search(text) or not text.endswith((".", ".”", '."')) or text.startswith(("Read More", "Also Read")):
                continue
            checked += 1
            assert text in by_sentence, f"{article.id}: not a fact: {text}"
            assert theme in {score.theme for score in by_sentence[text].themes}, f"{article.id}: not {theme}: {text}"
    assert checked >= 4


@pytest.mark.shared
def test_seed_pipeline_facts_are_energy_and_not_security(seed_facts):
    pipeline_facts = [fact for _, _, facts in seed_facts for fact in facts if "Stream" in fact.sentence]
    assert len(pipeline_facts) >= 4
    for fact in pipeline_facts:
        assert fact.themes[0].theme == "energy"
        assert "security" not in {score.theme for score in fact.themes}
        assert "Pakistan Stream" in fact.entities


@pytest.mark.shared
def test_seed_names_merge_across_spellings_and_titles(seed_facts):
    names = {name for _, _, facts in seed_facts for fact in facts for name in fact.entities}
    assert {"Imran Khan", "Sergey Lavrov", "Vladimir Putin", "Russia", "Kashmir"} <= names
    assert not names & {"Khan", "Lavrov", "Sergei Lavrov", "Putin", "Russian Federation", "Prime Minister Imran Khan", "PM Imran Khan"}


@pytest.mark.shared
def seed_fact(seed_facts, beginning):
    (fact,) = [fact for _, _, facts in seed_facts for fact in facts if fact.sentence.startswith(beginning)]
    return fact


@pytest.mark.shared
@pytest.mark.parametrize(
    ("beginning", "speaker"),
    [
        ('"This serves in the interest of all states', "Sergey Lavrov"),  # "..., Lavrov said"
        ('"Russia and Pakistan have agreed', "Sergey Lavrov"),  # "..., he said" after Lavrov spoke
        ("“Russian foreign minister has assured", "Shah Mehmood Qureshi"),  # "..., said Qureshi"
        ("“We [Pakistan] want to further", "Fawad Chaudhry"),  # "he said" after Chaudhry spoke
        ("The visiting Foreign Minister said", "Sergey Lavrov"),  # the one foreign minister named so
        ("Russian Foreign Minister Sergey Lavrov, who is in Islamabad", "Sergey Lavrov"),
    ],
)
def test_seed_quotes_get_their_speakers(seed_facts, beginning, speaker):
    assert seed_fact(seed_facts, beginning).speaker == speaker


@pytest.mark.shared
def test_seed_relative_days_resolve_against_publication(seed_facts):
    def dated(beginning):
        fact = seed_fact(seed_facts, beginning)
        return fact.event_date, fact.event_date_basis

    assert dated("Lavrov arrived in Pakistan on") == (date(2021, 4, 6), "relative")  # Tuesday before Thu 8 April
    assert dated("The premier reached Russia on") == (date(2022, 2, 23), "relative")  # Wednesday night, published Fri 25
    assert dated("According to an official statement") == (date(2022, 2, 24), "relative")  # Thursday
    assert dated("The Prime Minister recalled his interaction") == (date(2019, 6, 13), "explicit")


@pytest.fixture(scope="module")
def example_facts(examples_dir, nlp, extract):
    """Facts of the example corpus, read and cleaned by the real earlier stages, names unified."""
    from pathlib import Path

    from briefing.clean import clean_article
    from briefing.entities import unify_names
    from briefing.read import read_inputs

    if not (examples_dir / "MANIFEST.toml").is_file():
        pytest.skip("examples/ is absent")
    articles = [clean_article(a, today=date(2024, 3, 31)) for a in read_inputs([examples_dir]).articles]
    facts = [fact for article, doc in zip(articles, nlp.pipe(a.text for a in articles)) for fact in extract(article, doc)]
    names = {article.id: Path(article.path).name for article in articles}
    return names, unify_names(facts, load_aliases())


def example_manifest(examples_dir):
    import tomllib

    return tomllib.loads((examples_dir / "MANIFEST.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("pattern", "theme"),
    [
        (r"(gas pipeline|Trans-Steppe Pipeline) (will|would) carry|15 b(illion cubic metres|cm)", "energy"),
        (r"joint (military )?exercise|Steppe Shield", "security"),
        (r"air-defence systems", "security"),
        (r"clash with Sarkand|fled .*(villages|Ashar Valley)|talks on a ceasefire", "regional"),
        (r"sanctions on Sarkand|double bilateral trade", "economy"),
        (r"signed (an agreement|the deal)", "diplomacy"),
    ],
)
def test_example_facts_land_in_their_theme(example_facts, pattern, theme):
    _, facts = example_facts
    matching = [fact for fact in facts if re.search(pattern, fact.sentence)]
    assert len(matching) >= 2
    missed = [fact.sentence for fact in matching if theme not in {score.theme for score in fact.themes}]
    assert not missed


def test_example_pipeline_facts_are_not_security(example_facts):
    _, facts = example_facts
    carrying = [fact for fact in facts if re.search(r"(will|would) carry (up to )?15 billion", fact.sentence)]
    assert carrying
    for fact in carrying:
        assert fact.themes[0].theme == "energy" and "security" not in {score.theme for score in fact.themes}


def test_example_people_merge_under_one_name(example_facts, examples_dir):
    _, facts = example_facts
    names = {name for fact in facts for name in (*fact.entities, fact.speaker) if name}
    for canonical, forms in example_manifest(examples_dir)["aliases"].items():
        assert canonical in names
        assert not (set(forms) - {canonical}) & names, canonical


def test_example_quotes_get_their_speakers(example_facts):
    _, facts = example_facts
    by_beginning = {fact.sentence[:35]: fact.speaker for fact in facts}
    assert by_beginning['"This pipeline ties our economies t'] == "Aliya Serikova"  # ..., Serikova told reporters
    assert by_beginning['"Dovrenia wants diversity of supply'] == "Irina Volkova"  # quote closed by "said Irina Volkova"
    assert by_beginning["“We sell to partners who defend the"] == "Elena Markovic"  # "she said" after Markovic spoke


def test_example_headlines_bylines_and_clutter_are_not_facts(example_facts, examples_dir):
    _, facts = example_facts
    sentences = {fact.sentence for fact in facts}
    for entry in example_manifest(examples_dir)["files"].values():
        assert entry["title"] not in sentences
        assert not any(line in sentences for line in entry.get("clutter", []))
    assert not any(sentence.startswith("By ") for sentence in sentences)


def test_abbreviated_country_names_with_dots_merge(nlp):
    from briefing.entities import load_aliases, resolve_mentions

    aliases = load_aliases()
    doc = nlp("Officials in Washington said the U.S. would send envoys, and the United States of America agreed.")
    names = {mention.name for mention in resolve_mentions(doc, aliases)}
    assert "United States" in names
    assert not any(name.startswith("U.S") for name in names)


def test_a_common_noun_is_not_taken_for_a_surname_across_articles():
    """"Serikova" becomes "Aliya Serikova"; "Parliament" must not become another article's "Chilean Parliament",
    because the articles also write "the parliament" in lower case."""
    from briefing.entities import load_aliases, unify_names
    from briefing.model import Fact

    def fact(source, sentence, *entities):
        return Fact(source=source, sentence=sentence, start=0, end=len(sentence), position=0, entities=entities)

    facts = [
        fact("S1", "Aliya Serikova signed the deal before the Chilean Parliament voted.", "Aliya Serikova", "Chilean Parliament"),
        fact("S2", "Serikova said Parliament would debate it; the parliament meets on Monday.", "Serikova", "Parliament"),
    ]
    unified = unify_names(facts, load_aliases())
    assert unified[1].entities == ("Aliya Serikova", "Parliament")
