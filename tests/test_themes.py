"""The theme taxonomy: loading, extending and replacing it, errors, and how sentences are scored."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.errors import ThemesError
from briefing.themes import ThemeMatcher, format_taxonomy, load_taxonomy


@pytest.fixture(scope="module")
def matcher(nlp):
    return ThemeMatcher(nlp, load_taxonomy())


def themes_of(nlp, matcher, text):
    doc = nlp(text)
    return {score.theme: score.score for score in matcher.score(doc[:])}


def top_theme(nlp, matcher, text):
    scores = themes_of(nlp, matcher, text)
    return max(scores, key=scores.get) if scores else None


def test_default_taxonomy_has_the_five_themes():
    taxonomy = load_taxonomy()
    assert [theme.id for theme in taxonomy.themes] == ["energy", "security", "regional", "diplomacy", "economy"]
    assert taxonomy.theme("regional").label == "Regional issues"


@pytest.mark.parametrize(
    ("sentence", "theme", "not_theme"),
    [
        ("Pakistan and Russia signed a deal to build the gas pipeline from Karachi to Lahore.", "energy", "security"),
        ("The two navies began a joint military drill in the Arabian Sea on Monday.", "security", "energy"),
        ("Indian and Pakistani forces exchanged fire in a border clash with the neighbouring country.", "regional", "energy"),
        ("The foreign ministers held talks during the official visit and signed an agreement.", "diplomacy", "energy"),
        ("Bilateral trade rose and both sides discussed tariffs and sanctions on exports.", "economy", "security"),
        ("The power plant will add 1,200 megawatts of electricity to the grid.", "energy", "economy"),
        ("Militants attacked an army convoy, and troops launched a counter-terrorism operation.", "security", "economy"),
        ("Refugees crossed the border as the ceasefire collapsed in the disputed region.", "regional", "energy"),
    ],
)
def test_each_theme_catches_its_facts_and_not_its_neighbours(nlp, matcher, sentence, theme, not_theme):
    scores = themes_of(nlp, matcher, sentence)
    assert top_theme(nlp, matcher, sentence) == theme
    assert not_theme not in scores


def test_plurals_and_capitals_match_the_same_term(nlp, matcher):
    assert "energy" in themes_of(nlp, matcher, "Work on the Gas Pipelines will start next year, officials said.")
    assert "energy" in themes_of(nlp, matcher, "Work on the pipeline will start next year, officials said.")


def test_hyphen_is_optional_inside_a_phrase(nlp, matcher):
    with_hyphen = themes_of(nlp, matcher, "They agreed on counter-terrorism cooperation.")
    without = themes_of(nlp, matcher, "They agreed on counter terrorism cooperation.")
    assert with_hyphen["security"] == without["security"] > 0


def test_more_matched_terms_score_higher(nlp, matcher):
    one = themes_of(nlp, matcher, "The talks ended late in the evening in the capital.")["diplomacy"]
    more = themes_of(nlp, matcher, "The foreign ministers held talks and signed an agreement during the visit.")["diplomacy"]
    assert 0 < one < more <= 1


def test_a_word_inside_another_themes_phrase_counts_for_that_theme_only(nlp, matcher):
    scores = themes_of(nlp, matcher, "Russia holds the presidency of the UN Security Council this month.")
    assert "diplomacy" in scores and "security" not in scores
    assert "security" in themes_of(nlp, matcher, "The security situation in the province has worsened.")


def test_a_sentence_without_theme_terms_has_no_theme(nlp, matcher):
    assert themes_of(nlp, matcher, "The weather was pleasant and the crowd cheered loudly.") == {}


def test_user_file_extends_a_theme_and_adds_a_new_one(tmp_path: Path):
    path = tmp_path / "mine.toml"
    path.write_text(
        '[themes.energy]\nlabel = "Energy and power"\nlemmas = ["turbine"]\n\n'
        '[themes.health]\nlabel = "Health"\nlemmas = ["vaccine"]\n',
        encoding="utf-8",
    )
    taxonomy = load_taxonomy(path)
    energy = taxonomy.theme("energy")
    assert energy.label == "Energy and power"
    assert "turbine" in energy.lemmas and "pipeline" in energy.lemmas
    assert taxonomy.theme("health").lemmas == ("vaccine",)
    assert taxonomy.theme("security").label == "Security"


def test_user_file_replaces_the_default_when_asked(tmp_path: Path):
    path = tmp_path / "only.toml"
    path.write_text('[themes.health]\nlabel = "Health"\nlemmas = ["vaccine"]\n', encoding="utf-8")
    assert [theme.id for theme in load_taxonomy(path, replace=True).themes] == ["health"]
    path.write_text('replace = true\n[themes.health]\nlabel = "Health"\nlemmas = ["vaccine"]\n', encoding="utf-8")
    assert [theme.id for theme in load_taxonomy(path).themes] == ["health"]


def test_malformed_toml_names_file_and_line(tmp_path: Path):
    path = tmp_path / "themes.toml"
    path.write_text('[themes.energy]\nlabel = "Energy"\nlemmas = ["gas", "oil"\n\n[themes.x]\n', encoding="utf-8")
    with pytest.raises(ThemesError, match=r"themes\.toml:\d+: "):
        load_taxonomy(path)


def test_unknown_key_names_the_theme_and_its_line(tmp_path: Path):
    path = tmp_path / "themes.toml"
    path.write_text('[themes.energy]\nlabel = "Energy"\n\nlemma = ["gas"]\n', encoding="utf-8")
    with pytest.raises(ThemesError, match=r"themes\.toml:4: theme 'energy': unknown key 'lemma'"):
        load_taxonomy(path)


def test_wrong_type_names_the_theme(tmp_path: Path):
    path = tmp_path / "themes.toml"
    path.write_text('[themes.energy]\nlemmas = "gas"\n', encoding="utf-8")
    with pytest.raises(ThemesError, match=r"theme 'energy': 'lemmas' must be a list"):
        load_taxonomy(path)


def test_entity_labels_must_look_like_spacy_labels(tmp_path: Path):
    path = tmp_path / "themes.toml"
    path.write_text('[themes.economy]\nentity_labels = ["money"]\n', encoding="utf-8")
    with pytest.raises(ThemesError, match=r"themes\.toml:2: theme 'economy': 'entity_labels'"):
        load_taxonomy(path)


def test_entity_label_adds_to_a_theme_already_matched(nlp, matcher):
    with_money = themes_of(nlp, matcher, "Bilateral trade reached $5 billion last year.")["economy"]
    without = themes_of(nlp, matcher, "Bilateral trade reached new heights last year.")["economy"]
    assert with_money > without
    assert "economy" not in themes_of(nlp, matcher, "He paid $5 for a ticket to the football match on Sunday.")


def test_missing_file_is_a_themes_error(tmp_path: Path):
    with pytest.raises(ThemesError, match="missing.toml: cannot read"):
        load_taxonomy(tmp_path / "missing.toml")


def test_format_lists_every_theme_with_its_terms():
    text = format_taxonomy(load_taxonomy())
    for theme in load_taxonomy().themes:
        assert f"{theme.id}: {theme.label}" in text
    assert "pipeline" in text and "military exercise" in text
