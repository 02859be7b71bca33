"""The brief as JSON: the exact form DESIGN.md documents, deterministic text,
and a shipped JSON Schema that every brief passes and broken ones fail."""

from __future__ import annotations

import copy
import dataclasses
import json

import jsonschema
import pytest
from sample_brief import empty_brief, hostile_brief, long_brief, sample_brief

from briefing.errors import BriefingError
from briefing.jsonform import (
    brief_schema,
    brief_to_dict,
    brief_to_json,
    validate_brief_dict,
)

TOP_LEVEL_KEYS = [
    "schema",
    "title",
    "as_of",
    "generated_at",
    "model",
    "sources",
    "stories",
    "summary",
    "themes",
    "timeline",
    "divergences",
]
SOURCE_KEYS = [
    "id",
    "path",
    "url",
    "outlet",
    "title",
    "published",
    "date_basis",
    "words",
    "duplicate_of",
]
CLAIM_KEYS = [
    "id",
    "text",
    "score",
    "agreement",
    "date",
    "themes",
    "entities",
    "support",
]


@pytest.fixture(scope="module")
def form() -> dict:
    return brief_to_dict(sample_brief())


def test_keys_follow_the_documented_order(form):
    assert list(form) == [*TOP_LEVEL_KEYS, "notes"]
    assert all(list(source) == SOURCE_KEYS for source in form["sources"])
    claims = [*form["summary"], *(c for story in form["stories"] for c in story["summary"])]
    assert all(list(claim)[: len(CLAIM_KEYS)] == CLAIM_KEYS for claim in claims)
    assert list(form["stories"][0]) == ["id", "headline", "headline_is_title", "agreement", "sources",
                                        "first_published", "last_published", "themes", "summary"]
    assert list(form["themes"][0]) == ["id", "label", "stories"]
    assert list(form["timeline"][0]) == ["date", "text", "sources", "story"]
    assert list(form["divergences"][0]) == ["topic", "story", "claims"]


def test_values_are_plain_json_with_iso_dates(form):
    assert form["schema"] == "briefing/2"
    assert form["as_of"] == "2022-02-25"
    copy_of_wire = form["sources"][3]
    assert (
        copy_of_wire["duplicate_of"] == "S3"
        and copy_of_wire["published"] == "2021-04-08"
    )
    assert (
        form["sources"][6]["published"] is None and form["sources"][6]["outlet"] is None
    )
    assert form["sources"][0]["words"] == len(sample_brief().sources[0].text.split())
    first = form["summary"][1]
    assert first["date"] == "2021-04-07" and first["agreement"] == 4
    assert first["support"][0] == {"source": "S3", "sentence": first["text"]}
    assert form["timeline"][0] == {
        "date": "2021-04-06",
        "text": sample_brief().timeline[0].text,
        "sources": ["S3", "S4"],
        "story": "T2",
    }


def test_scores_are_rounded_to_four_places(form):
    pipeline = next(c for story in form["stories"] for c in story["summary"] if c["id"] == "C1")
    assert pipeline["score"] == 0.9123


def test_speaker_appears_only_for_quotes(form):
    claims = {c["id"]: c for story in form["stories"] for c in story["summary"]}
    assert claims["C7"]["speaker"] == "Sergey Lavrov"
    assert "speaker" not in claims["C1"]


def test_notes_appear_only_when_there_are_some():
    quiet = dataclasses.replace(sample_brief(), notes=())
    assert "notes" not in brief_to_dict(quiet)


def test_json_text_is_deterministic_and_keeps_unicode():
    text = brief_to_json(sample_brief())
    assert text == brief_to_json(sample_brief())
    assert "Pakistan–Russia" in text  # not \u2013
    assert text.startswith('{\n  "schema": "briefing/2",\n  "title"')
    assert json.loads(text) == brief_to_dict(sample_brief())


def test_the_shipped_schema_is_valid_draft_2020_12():
    schema = brief_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("build", [sample_brief, hostile_brief, long_brief])
def test_every_test_brief_passes_the_schema(build):
    validate_brief_dict(json.loads(brief_to_json(build())))


def test_an_empty_brief_passes_the_schema():
    empty = empty_brief()
    validate_brief_dict(brief_to_dict(empty))


def _broken(form: dict, change) -> dict:
    broken = copy.deepcopy(form)
    change(broken)
    return broken


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda f: f.pop("timeline"), "timeline"),
        (
            lambda f: f["sources"][0].update(published="7 April 2021"),
            "sources/0/published",
        ),
        (lambda f: f["sources"][0].update(date_basis="guess"), "sources/0/date_basis"),
        (lambda f: f["summary"][0].update(agreement="four"), "summary/0/agreement"),
        (lambda f: f["summary"][0].update(support=[]), "summary/0/support"),
        (lambda f: f["stories"][0]["summary"][0].update(extra=1), "stories/0/summary/0"),
        (lambda f: f["stories"][0].update(status="maybe"), "stories/0/status"),
        (lambda f: f.update(generated_at="yesterday"), "generated_at"),
    ],
)
def test_schema_violations_are_briefing_errors_naming_the_place(form, change, where):
    with pytest.raises(BriefingError, match=f"^brief JSON: .*{where}"):
        validate_brief_dict(_broken(form, change))


def test_citing_a_source_that_is_not_listed_is_an_error(form):
    def cite_unknown(f):
        f["summary"][0]["support"][0]["source"] = "S99"

    with pytest.raises(BriefingError, match="S99"):
        validate_brief_dict(_broken(form, cite_unknown))

    def duplicate_ids(f):
        f["sources"][1]["id"] = "S1"

    with pytest.raises(BriefingError, match="not unique"):
        validate_brief_dict(_broken(form, duplicate_ids))
