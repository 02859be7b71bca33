"""Extract stage: an ``Article`` and its spaCy ``Doc`` in, the ``Fact``s it states out.

A fact is a sentence that carries something a reader would note: a named
entity, a number, a date, a theme term or a reported statement. Questions,
a headline repeated in the body, bylines, captions, link teasers and
fragments (no verb, or fewer than six words) are left out. Each fact keeps
its verbatim text and character offsets, its themes, canonical entity
names, numbers, content lemmas, event date and, for reported speech, the
speaker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from briefing.dates import event_date
from briefing.entities import Aliases, Mention, load_aliases, names_in, person_name, resolve_mentions, strip_titles
from briefing.model import Article, Fact, Taxonomy
from briefing.themes import ThemeMatcher

__all__ = ["make_extractor", "load_aliases", "Extractor"]

MIN_WORDS = 4
"""Shorter sentences are fragments (datelines, captions, sign-offs)."""

MIN_WORDS_UNNAMED = 6
"""Sentences shorter than this that name nothing are fragments too ("Comments are closed.")."""

SPEECH_VERBS = frozenset({
    "say", "tell", "add", "state", "announce", "claim", "insist", "warn", "declare",
    "confirm", "deny", "assert", "ask", "reply", "tweet", "write",
})
"""Verbs that make a sentence reported speech on their own ("X said ...")."""

QUOTE_VERBS = SPEECH_VERBS | {
    "stress", "emphasise", "emphasize", "reiterate", "underline", "underscore", "note",
    "remark", "explain", "urge", "read", "observe", "point",
}
"""Verbs that attribute a quotation when the sentence has quotation marks."""

NUMBER_LABELS = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")
CONTENT_POS = ("NOUN", "PROPN", "VERB", "ADJ", "NUM")
PRONOUNS = ("he", "she")
QUOTE_MARKS = "\"“”«»"
WORD_NUMBERS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13",
    "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
    "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "100",
}

_BYLINE = re.compile(r"^(?:by|reporting by|written by|edited by|compiled by|additional reporting by)\s+\S", re.IGNORECASE)
_CAPTION = re.compile(
    r"^(?:photo|file photo|image|picture|video|watch|also read|read more|read also|related|caption|"
    r"follow us|click here|subscribe|comments?|share this)\b|pic\.twitter\.com|\((?:photo|file|image)\b",
    re.IGNORECASE,
)
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
    roles = _roles(doc, mentions, aliases)
    scores = themes.sentence_scores(doc)
    title = _normalized(article.title or "")
    facts: list[Fact] = []
    context = _SpeakerContext()
    position = -1
    for sentence in doc.sents:
        start, end = _trimmed(doc.text, sentence.start_char, sentence.end_char)
        if start == end:
            continue
        position += 1
        text = doc.text[start:end]
        names = names_in(mentions, sentence.start, sentence.end)
        speaker = _speaker(sentence, mentions, roles, context, aliases)
        context.update(sentence, mentions, speaker)
        if _dropped(sentence, text, title, named=bool(names)):
            continue
        sentence_themes = scores.get(sentence.start, ())
        numbers = _numbers(sentence)
        dates = [entity for entity in sentence.ents if entity.label_ in ("DATE", "TIME")]
        if not (names or numbers or dates or sentence_themes or speaker):
            continue
        when = event_date(sentence, article.published)
        facts.append(Fact(
            source=article.id, sentence=text, start=start, end=end, position=position,
            themes=sentence_themes, entities=names, numbers=numbers, lemmas=_lemmas(sentence),
            event_date=when.date, event_date_basis=when.basis, event_date_precision=when.precision, speaker=speaker,
        ))
    return facts


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _normalized(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _dropped(sentence: Span, text: str, title: str, *, named: bool) -> bool:
    """Questions, repeated headlines, bylines, captions, unfinished lines and fragments carry no fact."""
    words = [token for token in sentence if not (token.is_punct or token.is_space)]
    if len(words) < (MIN_WORDS if named else MIN_WORDS_UNNAMED):
        return True
    if not any(token.pos_ in ("VERB", "AUX") for token in words):
        return True
    bare = text.rstrip(QUOTE_MARKS + "'’)] ")
    if bare.endswith("?"):
        return True
    if title and _normalized(text) == title:
        return True
    if _BYLINE.match(text) and len(words) < 12:
        return True
    if _CAPTION.search(text):
        return True
    return not _TERMINATED.search(text)  # a headline or caption line: no closing punctuation


def _numbers(sentence: Span) -> tuple[str, ...]:
    """Quantities in the sentence, number words as digits ("twelve" -> "12"), thousands commas dropped."""
    found = [entity.text for entity in sentence.ents if entity.label_ in NUMBER_LABELS]
    covered = {token.i for entity in sentence.ents if entity.label_ in (*NUMBER_LABELS, "DATE", "TIME") for token in entity}
    found += [token.text for token in sentence if token.like_num and token.i not in covered and any(c.isdigit() for c in token.text)]
    return tuple(dict.fromkeys(_normalized_number(number) for number in found))


def _normalized_number(text: str) -> str:
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text.casefold().strip())
    return re.sub(r"[a-z]+", lambda word: WORD_NUMBERS.get(word.group(0), word.group(0)), text)


def _lemmas(sentence: Span) -> tuple[str, ...]:
    """Lower-case content-word lemmas, for the ranker's TF-IDF (no re-tokenizing downstream)."""
    return tuple(
        token.lemma_.lower() for token in sentence
        if token.pos_ in CONTENT_POS and not token.is_stop and not token.is_punct and not token.is_space
        and any(char.isalnum() for char in token.text)
    )


def _roles(doc: Doc, mentions: Sequence[Mention], aliases: Aliases) -> dict[str, str | None]:
    """Who holds which title in this article ("prime minister" -> "Imran Khan"); None when two people do."""
    roles: dict[str, str | None] = {}
    titles = {title.casefold() for title in aliases.titles}
    for mention in mentions:
        if not mention.person:
            continue
        _, title = strip_titles(doc[mention.start:mention.end].text, aliases)
        for words in (3, 2, 1):
            lead = doc[max(0, mention.start - words): mention.start].text.casefold()
            if title is None and lead in titles:
                title = lead
        if title:
            key = title.casefold()
            roles[key] = mention.name if roles.get(key, mention.name) == mention.name else None
    if "prime minister" in roles:
        roles.setdefault("premier", roles["prime minister"])
        roles.setdefault("pm", roles["prime minister"])
    return roles


class _SpeakerContext:
    """The last named speaker and the last person named, for "he said" in a later sentence."""

    def __init__(self) -> None:
        self.speaker: str | None = None
        self.person: str | None = None

    def update(self, sentence: Span, mentions: Sequence[Mention], speaker: str | None) -> None:
        people = [mention.name for mention in mentions if mention.person and sentence.start <= mention.start < sentence.end]
        if people:
            self.person = people[-1]
        if speaker:
            self.speaker = speaker


def _speaker(
    sentence: Span, mentions: Sequence[Mention], roles: dict[str, str | None], context: _SpeakerContext, aliases: Aliases
) -> str | None:
    """The person a reported statement is attributed to: "X said", "said X", "according to X", "he said"."""
    quoted = any(mark in sentence.text for mark in QUOTE_MARKS) or sentence.text.count("‘") or sentence.text.count("’ ")
    verbs = QUOTE_VERBS if quoted else SPEECH_VERBS
    doc = sentence.doc
    by_start = {mention.start: mention for mention in mentions if mention.label in ("PERSON", "ORG", "GPE") or mention.person}
    by_end = {mention.end: mention for mention in by_start.values()}
    for token in sentence:
        if token.lower_ == "according" and token.i + 1 < sentence.end and doc[token.i + 1].lower_ == "to":
            named = _mention_after(doc, token.i + 2, sentence.end, by_start)
            if named:
                return named
            continue
        if token.lemma_.lower() not in verbs or token.pos_ not in ("VERB", "AUX"):
            continue
        before = token.i
        while before > sentence.start and doc[before - 1].pos_ in ("AUX", "ADV", "PART") and doc[before - 1].lower_ != "not":
            before -= 1
        if before in by_end:
            return by_end[before].name
        appositive = _before_appositive(doc, sentence.start, before)
        if appositive in by_end:
            return by_end[appositive].name
        subject = doc[before - 1] if before > sentence.start else None
        if subject is not None and subject.lower_ in PRONOUNS:
            return context.speaker or context.person
        role = _role_before(doc, sentence.start, before, roles)
        if role:
            return role
        unlabeled = _proper_name_before(doc, sentence.start, before)
        if unlabeled is not None:
            return person_name(unlabeled.text, aliases, mentions)
        if token.lemma_.lower() in SPEECH_VERBS and token.i > sentence.start and doc[token.i - 1].is_punct:
            named = _mention_after(doc, token.i + 1, min(sentence.end, token.i + 5), by_start)
            if named:
                return named
    return None


def _proper_name_before(doc: Doc, floor: int, before: int) -> Span | None:
    """A capitalized name the model did not tag, right before the verb (' ," Reinholt said')."""
    start = before
    while start > max(floor, before - 3) and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title and not doc[start - 1].ent_type_:
        start -= 1
    if start == before or not (start == floor or doc[start - 1].is_punct or doc[start - 1].lower_ in ("and", "but")):
        return None
    return doc[start:before]


def _before_appositive(doc: Doc, floor: int, before: int) -> int | None:
    """ "Lavrov, who is in Islamabad on a visit, said" -> the token index where "Lavrov" ends."""
    if before - 1 <= floor or doc[before - 1].text != ",":
        return None
    for index in range(before - 2, max(floor, before - 25), -1):
        if doc[index].text == ",":
            return index if doc[index + 1].lower_ in ("who", "whose", "which") else None
    return None


def _mention_after(doc: Doc, start: int, end: int, by_start: dict[int, Mention]) -> str | None:
    """The first named mention within a few title-like words after ``start`` ("said Foreign Minister Lavrov")."""
    for index in range(start, min(end, start + 4)):
        if index in by_start:
            return by_start[index].name
        if not (doc[index].is_title or doc[index].is_upper or doc[index].lower_ in ("the", "a", "an")):
            return None
    return None


def _role_before(doc: Doc, floor: int, before: int, roles: dict[str, str | None]) -> str | None:
    """ "the prime minister said" -> the one person this article calls prime minister."""
    for words in (2, 1, 3):
        start = before - words
        if start < floor:
            continue
        role = doc[start:before].text.casefold()
        if role in roles and roles[role] and (start == floor or doc[start - 1].lower_ in ("the", "visiting", "federal")):
            return roles[role]
    return None
