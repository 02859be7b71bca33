"""Theme taxonomy: a TOML file in, a ``Taxonomy`` and per-sentence theme scores out.

The default taxonomy ships in ``briefing/data/themes.toml``. A user file
extends it (a known theme id adds lemmas and phrases and overrides label and
weights; a new id adds a theme) unless it says ``replace = true`` at the top
or the caller passes ``replace=True``, and then it is used alone.

Terms are matched on lemmas with spaCy's ``PhraseMatcher(attr="LEMMA")``,
in any of their usual cases, so "pipelines", "Pipeline" and "pipeline" are
one term, and a hyphen between two words of a term is optional ("counter
terrorism" matches "counter-terrorism").
"""

from __future__ import annotations

import math
import re
import stat
import textwrap
import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace as with_changes
from importlib.resources import files
from importlib.resources.abc import Traversable
from itertools import chain, product
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the taxonomy loads without spaCy (a warm rerun never imports it)
    from spacy.language import Language
    from spacy.tokens import Doc, Span

from briefing.errors import ThemesError
from briefing.model import Taxonomy, Theme, ThemeScore

DEFAULT_THEMES = files("briefing") / "data" / "themes.toml"

MIN_THEME_SCORE = 0.3
"""A sentence belongs to a theme whose normalized score reaches this (one lemma match scores 0.5)."""

LIST_KEYS = ("lemmas", "phrases", "entity_labels")
WEIGHT_KEYS = ("weight", "lemma_weight", "phrase_weight", "entity_weight")
THEME_KEYS = ("label", *LIST_KEYS, *WEIGHT_KEYS)
TOP_LEVEL_KEYS = ("replace", "themes")
THEME_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
ENTITY_LABEL = re.compile(r"^[A-Z][A-Z_]*$")
HYPHENS = ["-", "–", "‑"]


MAX_TOML_BYTES = 1024 * 1024
"""A taxonomy or alias file is a few kilobytes; a bigger one is a mistake (or /dev/zero)."""


def read_toml(source: Path | Traversable, name: str) -> dict[str, Any]:
    """Parse a TOML file, turning syntax errors into one line naming the file and line.
    Only a regular file of at most ``MAX_TOML_BYTES`` is read: a device or a pipe never hangs the run."""
    try:
        text = _read_small_file(source) if isinstance(source, Path) else source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ThemesError(f"{name}: cannot read ({getattr(error, 'strerror', None) or error})") from None
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise ThemesError(f"{name}: nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        located = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
        if located:
            problem = message[: located.start()] + message[located.end():]
            raise ThemesError(f"{name}:{located.group(1)}: {problem} (column {located.group(2)})") from None
        raise ThemesError(f"{name}: {message}") from None


def _read_small_file(path: Path) -> str:
    if not stat.S_ISREG(path.stat().st_mode):  # before opening: opening a FIFO waits for a writer
        raise OSError(0, "not a regular file")
    with path.open("rb") as stream:
        data = stream.read(MAX_TOML_BYTES + 1)
    if len(data) > MAX_TOML_BYTES:
        raise OSError(0, f"larger than {MAX_TOML_BYTES // 1024} KB")
    return data.decode("utf-8")


def load_taxonomy(path: Path | None = None, *, replace: bool = False) -> Taxonomy:
    """The default taxonomy, extended by (or, with replace, replaced by) the user's file."""
    default = _parse_taxonomy(read_toml(DEFAULT_THEMES, "themes.toml"), "themes.toml", DEFAULT_THEMES)
    if path is None:
        return Taxonomy(themes=tuple(default.values()), source="default")
    path = Path(path)
    document = read_toml(path, str(path))
    user = _parse_taxonomy(document, str(path), path)
    if replace or document.get("replace") is True:
        if not user:
            raise ThemesError(f"{path}: replaces the default taxonomy but defines no themes")
        return Taxonomy(themes=tuple(user.values()), source=str(path))
    merged = dict(default)
    for theme_id, theme in user.items():
        merged[theme_id] = _extend(merged[theme_id], theme, document["themes"][theme_id]) if theme_id in merged else theme
    return Taxonomy(themes=tuple(merged.values()), source=f"default + {path}")


def _extend(base: Theme, extra: Theme, written: Mapping[str, Any]) -> Theme:
    """A known theme extended by a user's table: lists added, label and weights overridden."""
    changes: dict[str, Any] = {key: _unique((*getattr(base, key), *getattr(extra, key))) for key in LIST_KEYS}
    for key in ("label", *WEIGHT_KEYS):
        if key in written:
            changes[key] = getattr(extra, key)
    return with_changes(base, **changes)


def _parse_taxonomy(document: Mapping[str, Any], name: str, source: Path | Traversable) -> dict[str, Theme]:
    """Check the shape of a taxonomy document and build its themes, in file order."""
    for key in document:
        if key not in TOP_LEVEL_KEYS:
            raise ThemesError(f"{where_in_toml(name, source, key)}: unknown key '{key}' (expected {', '.join(TOP_LEVEL_KEYS)})")
    if not isinstance(document.get("replace", False), bool):
        raise ThemesError(f"{where_in_toml(name, source, 'replace')}: 'replace' must be true or false")
    tables = document.get("themes", {})
    if not isinstance(tables, dict):
        raise ThemesError(f"{name}: 'themes' must be a table of [themes.ID] tables")
    return {theme_id: _parse_theme(theme_id, table, name, source) for theme_id, table in tables.items()}


def _parse_theme(theme_id: str, table: Any, name: str, source: Path | Traversable) -> Theme:
    where = f"{where_in_toml(name, source, f'[themes.{theme_id}]')}: theme '{theme_id}'"
    if not THEME_ID.match(theme_id):
        raise ThemesError(f"{where}: an id is lower-case letters, digits, '-' or '_'")
    if not isinstance(table, dict):
        raise ThemesError(f"{where}: must be a table")
    fields: dict[str, Any] = {}
    for key, value in table.items():
        at = f"{where_in_toml(name, source, key, after=f'[themes.{theme_id}]')}: theme '{theme_id}'"
        if key not in THEME_KEYS:
            raise ThemesError(f"{at}: unknown key '{key}' (expected {', '.join(THEME_KEYS)})")
        if key == "label" and not (isinstance(value, str) and value.strip()):
            raise ThemesError(f"{at}: 'label' must be a non-empty string")
        if key in LIST_KEYS and not (isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)):
            raise ThemesError(f"{at}: '{key}' must be a list of non-empty strings")
        if key == "entity_labels" and not all(ENTITY_LABEL.match(item) for item in value):
            raise ThemesError(f"{at}: 'entity_labels' are spaCy labels in capitals, such as GPE, MONEY, QUANTITY")
        if key in WEIGHT_KEYS and (isinstance(value, bool) or not isinstance(value, int | float)
                                   or not math.isfinite(value) or value < 0):
            raise ThemesError(f"{at}: '{key}' must be a finite number >= 0")
        fields[key] = value
    lists = {key: _unique(item.strip() for item in fields.get(key, ())) for key in LIST_KEYS}
    weights = {key: float(fields[key]) for key in WEIGHT_KEYS if key in fields}
    label = fields.get("label") or theme_id.replace("_", " ").capitalize()
    return Theme(id=theme_id, label=label.strip(), **lists, **weights)


def where_in_toml(name: str, source: Path | Traversable, key: str, *, after: str | None = None) -> str:
    """``name:line`` of the first line that starts with ``key`` (after a header), for error messages."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return name
    start = 0
    if after is not None:
        start = next((number for number, line in enumerate(lines) if line.strip() == after), 0)
    for number in range(start, len(lines)):
        stripped = lines[number].strip()
        if stripped.startswith(key) and (key.startswith("[") or stripped[len(key):].lstrip().startswith("=")):
            return f"{name}:{number + 1}"
    return name


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def format_taxonomy(taxonomy: Taxonomy) -> str:
    """The taxonomy as plain text, for ``briefing themes``."""
    out = [f"Theme taxonomy ({taxonomy.source}): {len(taxonomy.themes)} themes", ""]
    for theme in taxonomy.themes:
        out.append(f"{theme.id}: {theme.label}" + (f" (weight {theme.weight:g})" if theme.weight != 1.0 else ""))
        for key, title, weight in (
            ("lemmas", "lemmas", theme.lemma_weight),
            ("phrases", "phrases", theme.phrase_weight),
            ("entity_labels", "entity labels", theme.entity_weight),
        ):
            values = getattr(theme, key)
            if values:
                text = f"{title} (x{weight:g}): " + ", ".join(values)
                out.append(textwrap.fill(text, width=88, initial_indent="  ", subsequent_indent="    "))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


class ThemeMatcher:
    """Scores sentences against a taxonomy; built once per model and taxonomy."""

    def __init__(self, nlp: Language, taxonomy: Taxonomy) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.taxonomy = taxonomy
        self.matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        terms = sorted({term for theme in taxonomy.themes for term in (*theme.lemmas, *theme.phrases)})
        # lemmas need the tagger, not the parser or the entity recognizer: a third of the time, every run
        lemmatized = nlp.pipe(terms, disable=[name for name in ("parser", "ner") if name in nlp.pipe_names])
        variants = {term: _lemma_variants(doc) for term, doc in zip(terms, lemmatized, strict=True)}
        for theme in taxonomy.themes:
            for kind, kind_terms in (("lemma", theme.lemmas), ("phrase", theme.phrases)):
                sequences = {sequence for term in kind_terms for sequence in variants[term]}
                if sequences:
                    patterns = [Doc(nlp.vocab, words=list(lemmas), lemmas=list(lemmas)) for lemmas in sorted(sequences)]
                    self.matcher.add(f"{theme.id}\t{kind}", patterns)

    def sentence_scores(
        self, doc: Doc, entities: Mapping[int, Sequence[Span]] | None = None
    ) -> dict[int, tuple[ThemeScore, ...]]:
        """Theme scores of every sentence of ``doc`` that has any, keyed by the sentence's first token
        (``entities``: each sentence's entities by its first token, when the caller has them)."""
        from spacy.tokens import Span

        sentences = list(doc.sents)
        starts = [sentence.start for sentence in sentences]
        found: dict[int, dict[str, list[tuple[Span, str]]]] = {}
        for match_id, start, end in self.matcher(doc):
            theme_id, kind = doc.vocab.strings[match_id].split("\t")
            number = bisect_right(starts, start) - 1
            found.setdefault(number, {}).setdefault(theme_id, []).append((Span(doc, start, end), kind))
        return {
            sentences[number].start: self._score(
                sentences[number], by_theme, None if entities is None else entities[sentences[number].start]
            )
            for number, by_theme in found.items()
        }

    def score(self, sentence: Span) -> tuple[ThemeScore, ...]:
        """Theme scores of one sentence (or any span), best first."""
        by_theme: dict[str, list[tuple[Span, str]]] = {}
        for match_id, start, end in self.matcher(sentence):
            theme_id, kind = sentence.doc.vocab.strings[match_id].split("\t")
            by_theme.setdefault(theme_id, []).append((sentence[start:end], kind))
        return self._score(sentence, by_theme)

    def _score(
        self, sentence: Span, by_theme: Mapping[str, list[tuple[Span, str]]], ents: Sequence[Span] | None = None
    ) -> tuple[ThemeScore, ...]:
        """Sum the weights of the longest non-overlapping matches per theme, then squash into 0..1.

        A word inside a longer phrase of another theme counts for that theme only: "Security
        Council" is diplomacy, not security; "energy security" is energy."""
        from spacy.util import filter_spans

        labels = {entity.label_ for entity in (sentence.ents if ents is None else ents)}
        phrases = [(span, theme_id) for theme_id, found in by_theme.items() for span, kind in found if kind == "phrase"]
        scores = []
        for theme in self.taxonomy.themes:
            matches = [
                (span, kind) for span, kind in by_theme.get(theme.id, ())
                if kind == "phrase" or not any(
                    other != theme.id and phrase.start <= span.start and span.end <= phrase.end and len(phrase) > len(span)
                    for phrase, other in phrases
                )
            ]
            if not matches:
                continue
            kinds = {(span.start, span.end): kind for span, kind in matches}
            kept = filter_spans([span for span, _ in matches])
            raw = sum(theme.phrase_weight if kinds[(span.start, span.end)] == "phrase" else theme.lemma_weight for span in kept)
            if labels.intersection(theme.entity_labels):
                raw += theme.entity_weight
            score = round(1.0 - 0.5 ** (raw * theme.weight), 3)
            if score >= MIN_THEME_SCORE:
                scores.append(ThemeScore(theme=theme.id, score=score))
        return tuple(sorted(scores, key=lambda item: -item.score))


def _lemma_variants(term: Doc) -> set[tuple[str, ...]]:
    """Every lemma sequence that counts as this term in a text: each word as written or as its
    lemma (nouns also with a plural -s, which capitalized proper nouns keep), in lower, Capitalized,
    Title and UPPER case (proper nouns keep their case as lemma), with or without hyphens."""
    choices = []
    for token in term:
        if token.is_space or token.text in HYPHENS:
            continue
        forms = {token.lower_, token.lemma_.lower()}
        if token.pos_ in ("NOUN", "PROPN") and token.is_alpha:
            forms |= {f"{form}s" for form in forms if not form.endswith("s")}
        choices.append(sorted(forms))
    if not choices:
        return set()
    sequences: set[tuple[str, ...]] = set()
    for words in product(*choices):
        for cased in (words, (words[0].capitalize(), *words[1:]), tuple(w.capitalize() for w in words), tuple(w.upper() for w in words)):
            sequences.add(cased)
            if len(cased) > 1:
                sequences.add(tuple(chain.from_iterable((word, "-") for word in cased))[:-1])
    return sequences
