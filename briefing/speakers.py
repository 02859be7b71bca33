"""Speaker attribution for the extract stage: the sentences of one article in, who said each one out.

Token patterns stand in for a dependency parse (the parser is not loaded):
"X said", "X, who ..., said", "said X", "according to X", "X told
reporters", "the prime minister said" (the one person the article calls
so), and "he said" (the last person named as the subject of a verb, else
whoever spoke last, else the last person named). A quotation that runs over several sentences is given
the speaker named where it closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc, Span

from briefing.entities import PERSON_LIKE, Aliases, Mention, person_name, strip_titles
from briefing.model import Fact

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

PRONOUNS = ("he", "she")
ROLE_MODIFIERS = ("the", "visiting", "federal", "her", "his", "their")


class SpeakerFinder:
    """Finds who speaks in each sentence of one article, read in order."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention], aliases: Aliases) -> None:
        self.doc = doc
        self.mentions = mentions
        self.aliases = aliases
        self.roles = roles_in(doc, mentions, aliases)
        subjects = [mention for mention in mentions if mention.label in PERSON_LIKE or mention.person]
        self.by_start = {mention.start: mention for mention in subjects}
        self.by_end = {mention.end: mention for mention in subjects}
        self.last_speaker: str | None = None
        self.last_person: str | None = None
        self.last_subject: str | None = None  # the last person named right before a verb ("Qureshi reiterated")
        self.curly_depth = 0
        self.straight_open = False
        self.unattributed_quote: list[int] = []  # start offsets of sentences inside a quote still open
        self.quote_speakers: dict[int, str] = {}

    def speaker_of(self, sentence: Span) -> str | None:
        """The speaker of this sentence; call once per sentence, in order."""
        speaker = self._find(sentence)
        self._follow_quotes(sentence, speaker)
        people = [m.name for m in self.mentions if m.person and sentence.start <= m.start < sentence.end]
        if people:
            self.last_person = people[-1]
        subjects = [m.name for m in self.mentions if m.person and sentence.start <= m.start and m.end < sentence.end
                    and self.doc[m.end].pos_ in ("VERB", "AUX")]
        if speaker:
            self.last_speaker = self.last_subject = speaker
        elif subjects:
            self.last_subject = subjects[0]  # the main clause's subject comes first
        return speaker

    def attribute_open_quotes(self, facts: Sequence[Fact]) -> list[Fact]:
        """Facts from the first sentences of a multi-sentence quotation get the speaker named at its end."""
        return [
            replace(fact, speaker=self.quote_speakers[fact.start])
            if fact.speaker is None and fact.start in self.quote_speakers else fact
            for fact in facts
        ]

    def _follow_quotes(self, sentence: Span, speaker: str | None) -> None:
        text = sentence.text.strip()
        if not text:
            return
        was_open = self.curly_depth > 0 or self.straight_open
        opened, closed = text.count("“") + text.count("``"), text.count("”") + text.count("''")
        self.curly_depth = max(0, self.curly_depth + opened - closed)
        if text.count('"') % 2:
            self.straight_open = not self.straight_open
        still_open = self.curly_depth > 0 or self.straight_open
        start = self.doc[sentence.start:sentence.end].start_char + (len(sentence.text) - len(sentence.text.lstrip()))
        if still_open:
            self.unattributed_quote.append(start)
        elif was_open:
            if speaker:
                self.quote_speakers.update(dict.fromkeys(self.unattributed_quote, speaker))
            self.unattributed_quote = []

    def _find(self, sentence: Span) -> str | None:
        text = sentence.text
        quoted = any(mark in text for mark in "\"“”«»‘") or "``" in text
        verbs = QUOTE_VERBS if quoted else SPEECH_VERBS
        doc = self.doc
        for token in sentence:
            if token.lower_ == "according" and token.i + 1 < sentence.end and doc[token.i + 1].lower_ == "to":
                named = self._mention_after(token.i + 2, sentence.end)
                if named:
                    return named
                continue
            if token.lemma_.lower() not in verbs or token.pos_ not in ("VERB", "AUX"):
                continue
            found = self._subject_of(token, sentence)
            if found:
                return found
        return None

    def _subject_of(self, verb, sentence: Span) -> str | None:
        doc = self.doc
        before = verb.i
        while before > sentence.start and doc[before - 1].pos_ in ("AUX", "ADV", "PART") and doc[before - 1].lower_ != "not":
            before -= 1
        mention = self.by_end.get(before)
        if mention is not None and self._is_subject(mention, sentence.start):
            return mention.name
        appositive = self._before_appositive(sentence.start, before)
        if appositive is not None:
            return appositive.name
        subject = doc[before - 1] if before > sentence.start else None
        if subject is not None and subject.lower_ in PRONOUNS:
            return self.last_subject or self.last_speaker or self.last_person
        role = self._role_before(sentence.start, before)
        if role:
            return role
        unlabeled = _proper_name_before(doc, sentence.start, before)
        if unlabeled is not None:
            return person_name(unlabeled.text, self.aliases, self.mentions)
        if verb.lemma_.lower() in SPEECH_VERBS and verb.i > sentence.start and doc[verb.i - 1].is_punct:
            return self._mention_after(verb.i + 1, sentence.end)
        return None

    def _is_subject(self, mention: Mention, floor: int) -> bool:
        """ "Analysts in Halden said": a place after a preposition is not who spoke."""
        return mention.start == floor or self.doc[mention.start - 1].pos_ != "ADP"

    def _before_appositive(self, floor: int, before: int) -> Mention | None:
        """ "Lavrov, who is in Islamabad, said" and "Volkova, an analyst at X, said" -> the named one."""
        doc = self.doc
        if before - 1 <= floor or doc[before - 1].text != ",":
            return None
        for index in range(before - 2, max(floor, before - 25), -1):
            if doc[index].text == ",":
                mention = self.by_end.get(index)
                if mention and (mention.person or doc[index + 1].lower_ in ("who", "whose", "which")):
                    return mention
                return None
        return None

    def _mention_after(self, start: int, end: int) -> str | None:
        """The named mention a few title-like words after ``start`` that ends the clause ("said Foreign Minister Lavrov.")."""
        doc = self.doc
        for index in range(start, min(end, start + 4)):
            mention = self.by_start.get(index)
            if mention is not None:
                closes = mention.end >= end or doc[mention.end].is_punct or doc[mention.end].lower_ in ("of", "from", "at")
                return mention.name if closes else None
            if not (doc[index].is_title or doc[index].is_upper or doc[index].lower_ in ("the", "a", "an")):
                return None
        return None

    def _role_before(self, floor: int, before: int) -> str | None:
        """ "the prime minister said" -> the one person this article calls prime minister."""
        doc = self.doc
        for words in (2, 1, 3):
            start = before - words
            if start < floor:
                continue
            role = doc[start:before].text.casefold()
            if self.roles.get(role) and (start == floor or doc[start - 1].lower_ in ROLE_MODIFIERS):
                return self.roles[role]
        return None


def roles_in(doc: Doc, mentions: Sequence[Mention], aliases: Aliases) -> dict[str, str | None]:
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
    if roles.get("prime minister"):
        roles.setdefault("premier", roles["prime minister"])
        roles.setdefault("pm", roles["prime minister"])
    return roles


def _proper_name_before(doc: Doc, floor: int, before: int) -> Span | None:
    """A capitalized name the model did not tag, right before the verb (' ," Reinholt said')."""
    start = before
    while start > max(floor, before - 3) and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title and not doc[start - 1].ent_type_:
        start -= 1
    if start == before or not (start == floor or doc[start - 1].is_punct or doc[start - 1].lower_ in ("and", "but")):
        return None
    return doc[start:before]
