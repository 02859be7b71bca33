"""Extract stage: an ``Article`` and its spaCy ``Doc`` in, the ``Fact``s it states out.

A fact is a sentence that carries something a reader would note: a named
entity, a number, a date, a theme term or a reported statement. Questions,
a headline repeated in the body, bylines, site clutter (captions, link
teasers: ``briefing.clutter``, as the clean stage decides it), lines
without closing punctuation (headlines, sign-offs) and fragments (no verb,
fewer than four words, or fewer than six that name nothing) are left out. Each fact keeps
its verbatim text and character offsets, its themes, canonical entity
names, numbers, content lemmas, words, event date and, for reported speech,
the speaker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from briefing.analyze import entities_by_sentence
from briefing.clutter import clutter_kind, plain_words
from briefing.dates import event_date
from briefing.english import NUMBER_WORDS
from briefing.entities import (
    Aliases,
    load_aliases,
    names_in,
    resolve_mentions,
    unify_names,
)
from briefing.model import Article, Fact, Taxonomy
from briefing.speakers import SpeakerFinder
from briefing.themes import ThemeMatcher

__all__ = ["Extractor", "load_aliases", "make_extractor", "unify_names"]

MIN_WORDS = 4
"""Shorter sentences are fragments (datelines, captions, sign-offs)."""

MIN_WORDS_UNNAMED = 6
"""Sentences shorter than this that name nothing are fragments too ("Comments are closed.")."""

NUMBER_LABELS = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")
CONTENT_POS = ("NOUN", "PROPN", "VERB", "ADJ", "NUM")

_BYLINE = re.compile(r"^(?:by|reporting by|written by|edited by|compiled by|additional reporting by)\s+\S", re.IGNORECASE)
_APPROXIMATELY = re.compile(
    r"^(?:about|around|some|nearly|almost|roughly|approximately|an estimated|estimated|up to|over|"
    r"more than|at least|less than|fewer than|close to|just over|just under)\s+"
)
_SIGN_OFF = re.compile(r"[.!?][\"'”’]?(\s*(?:__|--|-|=|—|–)\s*[A-Za-z][\w.]{0,24})$")
_TERMINATED = re.compile(r"[.!?…][\"'”’»)\]]*$")

Extractor = Callable[[Article, Doc], list[Fact]]


def make_extractor(nlp: Language, taxonomy: Taxonomy, aliases: Aliases) -> Extractor:
    """Build the fact extractor once (theme matcher included) and return it."""
    themes = ThemeMatcher(nlp, taxonomy)

    def extract(article: Article, doc: Doc) -> list[Fact]:
        """The facts of one article, in the order they appear."""
        if doc.text != article.text:
            raise ValueError(f"{article.id}: the Doc was not made from this article's text")
        return extract_facts(article, doc, themes, aliases)

    return extract


def extract_facts(article: Article, doc: Doc, themes: ThemeMatcher, aliases: Aliases) -> list[Fact]:
    """Walk the sentences in order, keeping who spoke last so "he said" can be resolved."""
    mentions = resolve_mentions(doc, aliases)
    speakers = SpeakerFinder(doc, mentions, aliases)
    entities = entities_by_sentence(doc)
    scores = themes.sentence_scores(doc, entities)
    title = plain_words(article.title or "")
    facts: list[Fact] = []
    position = -1
    for sentence in doc.sents:
        start, end = _trimmed(article.text, sentence.start_char, sentence.end_char)
        if start == end:
            continue
        position += 1
        text = article.text[start:end]  # the same as doc.text, which spaCy rebuilds on every access
        names = names_in(mentions, sentence.start, sentence.end)
        speaker = speakers.speaker_of(sentence)
        if _dropped(sentence, text, title, named=bool(names)):
            continue
        sentence_themes = scores.get(sentence.start, ())
        numbers = _numbers(sentence, entities[sentence.start])
        ents = entities[sentence.start]
        dates = [entity for entity in ents if entity.label_ in ("DATE", "TIME")]
        if not (names or numbers or dates or sentence_themes or speaker):
            continue
        when = event_date(sentence, article.published, ents)
        facts.append(Fact(
            source=article.id, sentence=text, start=start, end=end, position=position,
            themes=sentence_themes, entities=names, numbers=numbers, lemmas=_lemmas(sentence),
            words=_words(sentence, end),
            event_date=when.date, event_date_basis=when.basis, event_date_precision=when.precision, speaker=speaker,
        ))
    return speakers.attribute_open_quotes(facts)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence's offsets without surrounding spaces or an agency sign-off run into its end
    ("... common interest.-PR", "... diverse fields.__Tribune.com")."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    sign_off = _SIGN_OFF.search(text, start, end)
    if sign_off and sign_off.end() == end:
        end = sign_off.start(1)
    return start, end


def _dropped(sentence: Span, text: str, title: str, *, named: bool) -> bool:
    """Questions, repeated headlines, bylines, captions, unfinished lines and fragments carry no fact."""
    words = [token for token in sentence if not (token.is_punct or token.is_space)]
    if len(words) < (MIN_WORDS if named else MIN_WORDS_UNNAMED):
        return True
    if not any(token.pos_ in ("VERB", "AUX") for token in words):
        return True
    bare = text.rstrip("\"“”«»'’)] ")
    if bare.endswith("?"):
        return True
    if title and plain_words(text) == title:
        return True
    if _BYLINE.match(text) and len(words) < 12:
        return True
    if clutter_kind(text):
        return True  # a caption, link teaser or share line run into a paragraph
    return not _TERMINATED.search(text)  # a headline or caption line: no closing punctuation


def _numbers(sentence: Span, ents: Sequence[Span]) -> tuple[str, ...]:
    """Quantities in the sentence, number words as digits ("twelve" -> "12"), thousands commas dropped."""
    found = [entity.text for entity in ents if entity.label_ in NUMBER_LABELS]
    covered = {
        token.i for entity in ents
        if entity.label_ in NUMBER_LABELS or (entity.label_ in ("DATE", "TIME") and not _bare_count(entity.text))
        for token in entity
    }
    found += [token.text for token in sentence if token.like_num and token.i not in covered and any(c.isdigit() for c in token.text)]
    return tuple(dict.fromkeys(_normalized_number(number) for number in found))


def _bare_count(text: str) -> bool:
    """A "date" that is only a number and no plausible year ("3500 troops" tagged DATE by the model)."""
    digits = text.replace(",", "")
    return digits.isdigit() and not 1800 <= int(digits) <= 2100


def _normalized_number(text: str) -> str:
    """ "About 3,500" and "around 3500" are one quantity: hedges dropped, digits only."""
    text = _APPROXIMATELY.sub("", re.sub(r"(?<=\d),(?=\d{3})", "", text.casefold().strip()))
    return re.sub(r"[a-z]+", lambda word: _digits(word.group(0)), text).strip()


def _digits(word: str) -> str:
    """A number word as digits ("twelve" -> "12"); any other word as it is."""
    value = NUMBER_WORDS.get(word)
    return word if value is None else str(value)


def _words(sentence: Span, end: int) -> str:
    """The sentence's words (tokens with a letter or digit) up to ``end``, lower case, as spaCy
    split them, one space between: the summary weighs their pairs, as ROUGE reads words.
    One string, not a tuple: a tuple of a fact's words held four times the memory of its text."""
    return " ".join(
        token.lower_ for token in sentence if token.idx < end and any(char.isalnum() for char in token.text)
    )


def _lemmas(sentence: Span) -> tuple[str, ...]:
    """Lower-case content-word lemmas, for the ranker's TF-IDF (no re-tokenizing downstream)."""
    return tuple(
        token.lemma_.lower() for token in sentence
        if token.pos_ in CONTENT_POS and not token.is_stop and not token.is_punct and not token.is_space
        and any(char.isalnum() for char in token.text)
    )
