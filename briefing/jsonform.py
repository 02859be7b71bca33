"""The brief as JSON (DESIGN.md, "The brief as JSON"): a ``Brief`` in, a
plain dict or a deterministic JSON text out, checked against the JSON
Schema shipped in ``briefing/schema/brief.schema.json``."""

from __future__ import annotations

import importlib.resources
import json
from functools import lru_cache

import jsonschema

from briefing.errors import BriefingError
from briefing.model import Article, Brief, Claim, Story

SCORE_DECIMALS = 4


def brief_to_dict(brief: Brief) -> dict:
    """The JSON form of a brief, keys in the documented order."""
    form = {
        "schema": brief.schema,
        "title": brief.title,
        "as_of": _iso(brief.as_of),
        "generated_at": brief.generated_at,
        "model": brief.model,
        "sources": [_source(article) for article in brief.sources],
        "stories": [_story(story) for story in brief.stories],
        "summary": [_claim(claim) for claim in brief.summary],
        "themes": [
            {"id": section.id, "label": section.label, "stories": list(section.stories)}
            for section in brief.themes
        ],
        "timeline": [
            {
                "date": _iso(entry.date),
                "text": entry.text,
                "sources": list(entry.sources),
                **({"story": entry.story} if entry.story else {}),
                **({"claim": entry.claim} if entry.claim else {}),
            }
            for entry in brief.timeline
        ],
        "divergences": [
            {
                "topic": divergence.topic,
                **({"story": divergence.story} if divergence.story else {}),
                "claims": [_claim(c) for c in divergence.claims],
            }
            for divergence in brief.divergences
        ],
    }
    if brief.since is not None:
        form["since"] = _iso(brief.since)
    if brief.notes:
        form["notes"] = list(brief.notes)
    return form


def brief_to_json(brief: Brief) -> str:
    """The same brief always gives the same text (fixed key order, rounded
    scores), so outputs can be diffed and checked into version control.
    orjson writes the very text ``json.dumps(indent=2, ensure_ascii=False)`` did, 20x
    faster: the standard library's encoder is pure Python once it indents."""
    import orjson

    return orjson.dumps(brief_to_dict(brief), option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def validate_brief_dict(form: dict) -> None:
    """Raise BriefingError naming the first place where ``form`` breaks the schema."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(form))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        raise BriefingError(f"brief JSON: {where}: {error.message}")
    _check_references(form)


def _check_references(form: dict) -> None:
    """What a JSON Schema cannot say: every cited source id is in the sources list."""
    ids = [source["id"] for source in form["sources"]]
    if len(set(ids)) != len(ids):
        raise BriefingError("brief JSON: sources: source ids are not unique")
    known = set(ids)
    claims = [
        *form["summary"],
        *(c for story in form["stories"] for c in story["summary"]),
        *(c for d in form["divergences"] for c in d["claims"]),
    ]
    cited = {
        *(support["source"] for claim in claims for support in claim["support"]),
        *(source for entry in form["timeline"] for source in entry["sources"]),
        *(
            source["duplicate_of"]
            for source in form["sources"]
            if source["duplicate_of"]
        ),
    }
    cited |= {source for story in form["stories"] for source in story["sources"]}
    unknown = sorted(cited - known)
    if unknown:
        raise BriefingError(
            f"brief JSON: cites source {unknown[0]}, which is not in sources"
        )
    story_ids = [story["id"] for story in form["stories"]]
    if len(set(story_ids)) != len(story_ids):
        raise BriefingError("brief JSON: stories: story ids are not unique")
    named = {
        *(story for section in form["themes"] for story in section["stories"]),
        *(entry["story"] for entry in form["timeline"] if "story" in entry),
        *(claim["story"] for claim in claims if "story" in claim),
    }
    missing = sorted(named - set(story_ids))
    if missing:
        raise BriefingError(f"brief JSON: names story {missing[0]}, which is not in stories")


def brief_schema() -> dict:
    """The JSON Schema (draft 2020-12) of the brief, as shipped in the package."""
    return json.loads(_schema_text())


@lru_cache(maxsize=1)
def _schema_text() -> str:
    resource = importlib.resources.files("briefing") / "schema" / "brief.schema.json"
    return resource.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        brief_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _source(article: Article) -> dict:
    return {
        "id": article.id,
        "path": article.path,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "published": _iso(article.published),
        "date_basis": article.date_basis,
        "words": article.words,
        "duplicate_of": article.duplicate_of,
    }


def _story(story: Story) -> dict:
    form = {
        "id": story.id,
        "headline": story.headline,
        "headline_is_title": story.headline_is_title,
        "agreement": story.agreement,
        "sources": list(story.sources),
        "first_published": _iso(story.first_published),
        "last_published": _iso(story.last_published),
        "themes": list(story.themes),
        "summary": [_claim(claim) for claim in story.summary],
    }
    if story.status is not None:
        form["status"] = story.status
    return form


def _claim(claim: Claim) -> dict:
    form = {
        "id": claim.id,
        "text": claim.text,
        "score": round(claim.score, SCORE_DECIMALS),
        "agreement": claim.agreement,
        "date": _iso(claim.date),
        "themes": list(claim.themes),
        "entities": list(claim.entities),
        "support": [
            {"source": s.source, "sentence": s.sentence} for s in claim.support
        ],
    }
    if claim.speaker is not None:
        form["speaker"] = claim.speaker
    if claim.story is not None:
        form["story"] = claim.story
    if claim.new is not None:
        form["new"] = claim.new
    return form


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
