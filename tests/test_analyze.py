"""The analyze stage: model loading through the fallback chain, the trimmed pipeline, nlp.pipe."""

from __future__ import annotations

import pytest

from briefing.analyze import analyze, load_model, model_label
from briefing.errors import ModelError


def test_pipeline_keeps_only_what_the_extractors_read(nlp):
    assert "parser" not in nlp.pipe_names
    assert {"ner", "lemmatizer", "tagger"} <= set(nlp.pipe_names)


def test_model_label_names_the_installed_package(nlp):
    name, version = model_label(nlp).split(" ")
    assert name.startswith("en_core_web_sm")
    assert version == nlp.meta["version"]


def test_unknown_model_falls_back_to_an_installed_one(caplog):
    nlp = load_model("no_such_model_xyz")
    assert model_label(nlp).startswith("en_core_web_sm")
    assert "no_such_model_xyz" in caplog.text


def test_no_loadable_model_names_every_model_tried(monkeypatch):
    monkeypatch.setattr("briefing.analyze.FALLBACK_MODELS", ("missing_model_b",))
    with pytest.raises(ModelError) as error:
        load_model("missing_model_a")
    assert "missing_model_a" in str(error.value) and "missing_model_b" in str(error.value)


def test_analyze_keeps_input_order_and_text(nlp):
    texts = ["Russia and Pakistan signed a deal.", "Troops held a drill near the border."]
    docs = list(analyze(texts, nlp, batch_size=1))
    assert [doc.text for doc in docs] == texts
    assert [entity.text for entity in docs[0].ents if entity.label_ == "GPE"] == ["Russia", "Pakistan"]


def test_analyze_in_several_processes_gives_the_same_docs(nlp):
    texts = [f"Russia offers Pakistan support {n}\n\nThe minister arrived on Tuesday. He said so." for n in range(6)]
    alone = [[(s.text, s.start) for s in doc.sents] for doc in analyze(texts, nlp)]
    shared = [[(s.text, s.start) for s in doc.sents] for doc in analyze(texts, nlp, jobs=2, batch_size=2)]
    assert shared == alone


def test_a_blank_line_always_ends_a_sentence(nlp):
    doc = nlp("Russia offers Pakistan military support\n\nThe minister arrived on Tuesday.")
    sentences = [sentence.text.strip() for sentence in doc.sents if sentence.text.strip()]
    assert sentences == ["Russia offers Pakistan military support", "The minister arrived on Tuesday."]


def test_an_opening_quote_stays_with_its_sentence(nlp):
    doc = nlp('He spoke at length. "We will act," he said.')
    assert [sentence.text.strip() for sentence in doc.sents] == ["He spoke at length.", '"We will act," he said.']


def test_lemmas_merge_plural_and_singular(nlp):
    doc = nlp("The pipelines and the pipeline were discussed.")
    assert [token.lemma_ for token in doc if token.lower_.startswith("pipeline")] == ["pipeline", "pipeline"]
