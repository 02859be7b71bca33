"""The stories stage: clean, deduped ``Article``s and their ``Fact``s in, ``StoryGroup``s out.

A story is one real-world event or developing situation; every article is in
exactly one, and a copy (``duplicate_of``) is always in its original's.

The method is streaming single-pass clustering, after Miranda et al.,
"Multilingual Clustering of Streaming News" (EMNLP 2018): articles arrive in
publication order (then id), each becomes a sparse TF-IDF vector of what spaCy
already found, and it joins the story whose centroid is most similar when that
similarity, after a decay for the time the story has been quiet, reaches
``THRESHOLD``; otherwise it starts a new story. Stories are found through an
inverted index (term -> stories whose centroid holds it), never by comparing
all pairs, and every vector and centroid keeps its ``TERMS`` heaviest terms per
feature space, so time and memory grow linearly with the articles. Nothing is
ever reclustered, so a saved ``StoryIndex`` takes tomorrow's articles as they
come: old stories keep their ids, new ones continue the count.

Similarity combines two cosines, as Miranda et al. compare per feature space:
one over the words of the normalized entity names (who and where), one over
the content lemmas written in lower case (what happened: "famine", "launch",
"sentence"; names and demonyms, written capitalized, are left to the first
space, so that one name is not counted twice). An event is the same actors
doing the same thing, so the two cosines are combined by their harmonic mean,
which, like an F-measure, is high only when both are: the arithmetic mean let
the same people in the same weeks (North Korea's famine and its nuclear site,
a pipeline deal and a border clash between the same two countries) carry an
unrelated action. Each space counts the same however many terms it holds, so
one name weighs far more than one common word. Vectors use sublinear term
frequency and smoothed IDF; document frequencies count every article the index
has seen, a batch's own articles included before any of them is placed: a
fresh build uses the whole corpus's statistics, an incremental one all it has
seen so far, and a vector once placed is kept as it was (a centroid is the sum
of its members').

In one pass an article that comes before the rest of its story has nothing to
join, and starts a story of its own. So once a batch has been placed, each of
its articles still alone in a story the batch started gets a second look, by
the same rule, at the stories as they now stand. Only the batch's own stories
are touched: earlier articles never move and earlier ids hold.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import orjson

from briefing.errors import StoryIndexError
from briefing.model import Article, Fact

THRESHOLD = 0.10
"""Similarity (harmonic mean of the entity and lemma cosines, after the time
decay) an article needs with a story's centroid to join it: both cosines must
be about 0.1, or one above 0.05 and the other near 1 (the same names, barely a
common word). Measured on the DUC pile (50 terms per space): two articles on
one event score 0.06 (10th percentile) to 0.18 (median) with each other, and an article
0.20 (10th percentile) to 0.39 (median) with the rest of its own story; two
articles on different events score 0 (median) to 0.02 (90th percentile). At
0.10, 98% of articles pass with the rest of their story and 1.2% of pairs on
different events pass (nearly all of them related events: the same actors the
same weeks). Not tuned: dev B-cubed F1 stays within 0.02 of its value anywhere
from 0.08 to 0.12, and falls by 0.03 at 0.15 and 0.07 at 0.20."""

HALF_LIFE_DAYS = 30.0
"""A story quiet for a month pulls a new article half as strongly, one quiet
for a season an eighth: reports on one event come days apart (in DUC's
clusters the median gap is one day, the 90th percentile two weeks), and the
same people meeting again a year later is a new story."""

TERMS = 50
"""Terms kept per feature space, in an article's vector and in a story's
centroid: the cut bounds the index's memory and each lookup's work. An
article's 50 heaviest lemmas carry its subject. Dev B-cubed F1 is 0.84 to
0.89 for 20 to 100 terms; at 200 the lemma vectors take in common words that
raise every cosine, and it falls to 0.80 (THRESHOLD was measured at 50)."""

GIST_TERMS = 10
"""Terms kept per space of a titled article, to find a story's most central title."""

NAMES_KEPT = 5
"""Entity names remembered per article, for the label of a story without titles."""

LABEL_NAMES = 3
"""Names in such a label ("Hun Sen, Sam Rainsy, Cambodia")."""

INDEX_FORMAT = "briefing-stories/2"  # 2: signed with the cache key (HMAC), no longer a plain checksum

ENTITY, LEMMA = "e", "l"
SPACES = (ENTITY, LEMMA)

Vector = dict[str, dict[str, float]]
"""A sparse vector per feature space: {"e": {"khan": 0.61, ...}, "l": {"visit": 0.12, ...}}."""


@dataclass(frozen=True)
class StoryGroup:
    """One story: the articles on one event or developing situation, and what to call it."""

    id: str  # "T1", "T2", ... in the order stories were started; stable across incremental builds
    articles: tuple[str, ...]  # Article ids, copies included, in the order the articles were given
    headline: str  # the most central article's title, verbatim, or a label of the main entities
    headline_is_title: bool
    entities: tuple[str, ...]  # the story's main entity names, most widely mentioned first
    first_published: date | None = None
    last_published: date | None = None


@dataclass
class _Story:
    id: str
    centroid: Vector  # sum of the members' vectors, each space cut to its TERMS heaviest terms
    first: date | None = None
    last: date | None = None
    members: list[str] = field(default_factory=list)  # article keys, in the order they joined

    def widen(self, published: date | None) -> None:
        if published is not None:
            self.first = min(self.first or published, published)
            self.last = max(self.last or published, published)

    def gap_days(self, published: date | None) -> int:
        """Days between ``published`` and the story's span (0 inside it, or when either is undated)."""
        if published is None or self.first is None or self.last is None:
            return 0
        if published < self.first:
            return (self.first - published).days
        return max(0, (published - self.last).days)


@dataclass
class _Member:
    story: str
    title: str | None
    published: date | None
    gist: Vector | None = None  # a titled original's heaviest terms, to rank titles by closeness to the story
    names: tuple[str, ...] = ()  # its most mentioned entity names (none for a copy: its original's count)
    copy_of: str | None = None  # key of the original, for a copy


class _Idf(dict):
    """Smoothed IDF, ln((1 + N) / (1 + df)) + 1, of one feature space's terms, computed once per term and batch."""

    def __init__(self, index: StoryIndex, space: str) -> None:
        super().__init__()
        self.frequency, self.documents = index.frequency[space], index.documents

    def __missing__(self, term: str) -> float:
        value = self[term] = math.log((1 + self.documents) / (1 + self.frequency[term])) + 1.0
        return value


def find_stories(articles: Sequence[Article], facts: Iterable[Fact]) -> tuple[StoryGroup, ...]:
    """The stories of one corpus: a new, empty index that takes every article."""
    index = StoryIndex()
    index.add(articles, facts)
    return index.stories(articles)


class StoryIndex:
    """Stories found so far, ready to take more articles without clustering again.

    Saved as plain JSON (``to_json``/``save``), never pickle: a cache file must
    not be able to run code. A damaged or foreign file raises ``StoryIndexError``
    on load, and the caller rebuilds.
    """

    def __init__(self) -> None:
        self.documents = 0  # articles counted in the document frequencies
        self.frequency: dict[str, Counter[str]] = {space: Counter() for space in SPACES}  # term -> articles with it
        self.story_list: list[_Story] = []
        self.members: dict[str, _Member] = {}  # article key -> where it went
        # Per space, term -> {story number: the term's weight in that story's centroid}: the inverted index.
        self.postings: dict[str, dict[str, dict[int, float]]] = {space: {} for space in SPACES}
        self.norms: list[dict[str, float]] = []  # per story, the length of its centroid in each space
        self.idf = {space: _Idf(self, space) for space in SPACES}
        self.changed: set[str] = set()  # stories the last ``add`` gave new articles (new stories included)

    def __len__(self) -> int:
        return len(self.story_list)

    # Placing articles

    def add(self, articles: Sequence[Article], facts: Iterable[Fact]) -> dict[str, str]:
        """Place the articles in stories and return article id -> story id, for every article given.

        Articles already in the index (same text, title, outlet and date) stay
        where they are, so a caller may pass the whole corpus every time and
        only the new articles cost anything. A copy follows its original when
        the original is among ``articles`` or already placed; a copy whose
        original is not given is placed like any article.
        """
        keys = {article.id: article_key(article) for article in articles}
        originals_of = original_articles(articles)
        assigned = {article.id: self.members[keys[article.id]].story
                    for article in articles if keys[article.id] in self.members}
        fresh = [article for article in articles if article.id not in assigned]
        copies = [article for article in fresh if article.id in originals_of]
        originals = list({keys[article.id]: article for article in reversed(fresh)
                          if article.id not in originals_of}.values())  # one per key: the first given
        words = article_words(facts, {article.id for article in originals})
        for article in originals:
            for space in SPACES:
                self.frequency[space].update(words[article.id][space].keys())
        self.documents += len(originals)
        self.idf = {space: _Idf(self, space) for space in SPACES}  # frequencies are fixed until the next batch
        # An original read after one of its copies was placed (a rerun found an earlier version) joins that copy.
        copied_in = {article.duplicate_of: assigned[article.id]
                     for article in articles if article.duplicate_of and article.id in assigned}
        first_new, vectors = len(self.story_list), {}
        for article in sorted(originals, key=stream_order):
            key = keys[article.id]
            vector = vectors[key] = self.vector(words[article.id])
            if article.id in copied_in:
                story = self.story_list[story_number(copied_in[article.id])]
            else:
                story = self.best_story(vector, article.published) or self.start_story()
                self.absorb(story, vector)
            names = tuple(name for name, _ in sorted(words[article.id]["names"].items(),
                                                     key=lambda item: (-item[1], item[0]))[:NAMES_KEPT])
            gist = {space: heaviest(vector[space], GIST_TERMS) for space in SPACES} if article.title else None
            self.place(key, story, _Member(story.id, article.title, article.published, gist, names))
            assigned[article.id] = story.id
        if self.second_look(first_new, vectors):
            assigned.update({article.id: self.members[keys[article.id]].story for article in originals})
        for article in sorted(copies, key=stream_order):
            key, original = keys[article.id], keys[originals_of[article.id]]
            if key not in self.members:
                story = self.story_list[story_number(self.members[original].story)]
                self.place(key, story, _Member(story.id, article.title, article.published, copy_of=original))
            assigned[article.id] = self.members[key].story
        for article in fresh:  # the same content given twice under two ids
            assigned.setdefault(article.id, self.members[keys[article.id]].story)
        self.changed = {assigned[article.id] for article in fresh}
        return assigned

    def unplaced(self, articles: Sequence[Article]) -> list[Article]:
        """The articles not in the index yet: the only ones whose facts ``add`` reads."""
        return [article for article in articles if article_key(article) not in self.members]

    def second_look(self, first_new: int, vectors: Mapping[str, Vector]) -> bool:
        """Move each article alone in a story this batch started to the story it now fits best, if one passes.

        Stories left empty are dropped and the batch's later stories renumbered,
        so ids still count up without gaps. True when anything moved.
        """
        emptied = set()
        for number in range(first_new, len(self.story_list)):
            story = self.story_list[number]
            if len(story.members) != 1:
                continue
            key = story.members[0]
            member = self.members[key]
            target = self.best_story(vectors[key], member.published, exclude=number)
            if target is None:
                continue
            self.unpost(number)
            story.members, story.centroid = [], {space: {} for space in SPACES}
            self.absorb(target, vectors[key])
            self.place(key, target, member)
            member.story = target.id
            emptied.add(number)
        if not emptied:
            return False
        for number in range(first_new, len(self.story_list)):
            if number not in emptied:
                self.unpost(number)
        kept = [story for number, story in enumerate(self.story_list[first_new:], first_new) if number not in emptied]
        del self.story_list[first_new:], self.norms[first_new:]
        for story in kept:
            number = len(self.story_list)
            story.id = f"T{number + 1}"
            self.story_list.append(story)
            self.norms.append({space: 0.0 for space in SPACES})
            self.post(number, story)
            for key in story.members:
                self.members[key].story = story.id
        return True

    def unpost(self, number: int) -> None:
        """Take a story's centroid out of the postings."""
        for space in SPACES:
            postings = self.postings[space]
            for term in self.story_list[number].centroid[space]:
                posted = postings.get(term)
                if posted is not None and posted.pop(number, None) is not None and not posted:
                    del postings[term]

    def place(self, key: str, story: _Story, member: _Member) -> None:
        story.members.append(key)
        story.widen(member.published)
        self.members[key] = member

    def vector(self, counts: Mapping[str, Counter[str]]) -> Vector:
        """Sublinear TF x smoothed IDF per feature space, cut to TERMS and scaled to unit length."""
        vector: Vector = {}
        for space in SPACES:
            terms = counts[space]
            weights = dict(zip(terms, map(self.idf[space].__getitem__, terms)))
            for term, count in terms.items():
                if count > 1:
                    weights[term] *= 1.0 + math.log(count)
            vector[space] = unit(heaviest(weights, TERMS))
        return vector

    def best_story(self, vector: Vector, published: date | None, exclude: int | None = None) -> _Story | None:
        """The story whose centroid is most similar (after the time decay), if it passes THRESHOLD.

        Similarity is the harmonic mean of the cosines in the spaces where the
        article has terms. Only stories sharing a term with the article are
        looked at, through the postings; ``exclude`` is a story number to pass over.
        """
        spaces = [space for space in SPACES if vector[space]]
        if not spaces:
            return None
        products_by_space = []
        for space in spaces:
            postings, products = self.postings[space], defaultdict(float)
            for term, weight in vector[space].items():
                for number, centroid_weight in postings.get(term, {}).items():
                    products[number] += weight * centroid_weight
            products_by_space.append(products)
        best, best_score = None, THRESHOLD
        for number in set(products_by_space[0]).intersection(*products_by_space[1:]):  # a zero cosine scores 0
            if number == exclude:
                continue
            norms = self.norms[number]
            score = len(spaces) / sum(norms[space] / products[number]
                                      for space, products in zip(spaces, products_by_space))
            if score < THRESHOLD:  # the time decay only lowers a score
                continue
            score *= 0.5 ** (self.story_list[number].gap_days(published) / HALF_LIFE_DAYS)
            if score > best_score or (score == best_score and (best is None or number < best)):
                best, best_score = number, score
        return None if best is None else self.story_list[best]

    def start_story(self) -> _Story:
        story = _Story(id=f"T{len(self.story_list) + 1}", centroid={space: {} for space in SPACES})
        self.story_list.append(story)
        self.norms.append({space: 0.0 for space in SPACES})
        return story

    def absorb(self, story: _Story, vector: Vector) -> None:
        """Add an article's vector to the story's centroid, keep its TERMS heaviest terms, update the postings."""
        number = story_number(story.id)
        for space in SPACES:
            total = story.centroid[space]
            for term, weight in vector[space].items():
                total[term] = total.get(term, 0.0) + weight
            kept = heaviest(total, TERMS)
            postings = self.postings[space]
            for term in total.keys() - kept.keys():
                posted = postings.get(term)
                if posted is not None and posted.pop(number, None) is not None and not posted:
                    del postings[term]
            for term in vector[space].keys() & kept.keys():
                postings.setdefault(term, {})[number] = kept[term]
            story.centroid[space] = kept
            self.norms[number][space] = math.sqrt(sum(weight * weight for weight in kept.values()))

    def post(self, number: int, story: _Story) -> None:
        """Index a story's centroid (a story read back from JSON)."""
        for space in SPACES:
            postings = self.postings[space]
            for term, weight in story.centroid[space].items():
                postings.setdefault(term, {})[number] = weight
            self.norms[number][space] = math.sqrt(sum(weight * weight for weight in story.centroid[space].values()))

    # Reading stories out

    def stories(self, articles: Sequence[Article]) -> tuple[StoryGroup, ...]:
        """The stories holding any of ``articles`` (all placed already), in id order, with their headlines."""
        ids_by_story: dict[str, list[str]] = defaultdict(list)
        for article in articles:
            member = self.members.get(article_key(article))
            if member is None:
                raise KeyError(f"{article.id} is not in the story index")
            ids_by_story[member.story].append(article.id)
        groups = []
        for story in self.story_list:
            if story.id in ids_by_story:
                names = self.main_names(story)
                title = self.central_title(story)
                groups.append(StoryGroup(
                    id=story.id,
                    articles=tuple(ids_by_story[story.id]),
                    headline=title or ", ".join(names[:LABEL_NAMES]) or "Untitled story",
                    headline_is_title=title is not None,
                    entities=names,
                    first_published=story.first,
                    last_published=story.last,
                ))
        return tuple(groups)

    def central_title(self, story: _Story) -> str | None:
        """The title, verbatim, of the story's article closest to its centroid (a copy counts as its original)."""
        centroid = {space: unit(story.centroid[space]) for space in SPACES}
        best: tuple[float, str] | None = None
        for key in story.members:
            member = self.members[key]
            if not (member.title or "").strip():
                continue
            gist = member.gist if member.copy_of is None else self.members[member.copy_of].gist
            closeness = sum(dot(gist[space], centroid[space]) for space in SPACES) if gist else 0.0
            if best is None or closeness > best[0]:
                best = (closeness, member.title)
        return best[1] if best else None

    def main_names(self, story: _Story) -> tuple[str, ...]:
        """The entity names most of the story's articles mention, then the most mentioned first."""
        articles: Counter[str] = Counter()
        for key in story.members:
            articles.update(self.members[key].names)
        return tuple(name for name, _ in sorted(articles.items(), key=lambda item: (-item[1], item[0]))[:NAMES_KEPT])

    # Saving and loading

    def to_json(self) -> str:
        payload = {
            "parameters": parameters(),
            "documents": self.documents,
            "frequency": {space: dict(sorted(self.frequency[space].items())) for space in SPACES},
            "stories": [
                {"id": story.id, "first": iso(story.first), "last": iso(story.last),
                 "centroid": story.centroid, "members": story.members}
                for story in self.story_list
            ],
            "articles": {
                key: {"story": member.story, "title": member.title, "published": iso(member.published),
                      "gist": member.gist, "names": list(member.names), "copy_of": member.copy_of}
                for key, member in self.members.items()
            },
        }
        return seal(orjson.dumps(payload).decode("utf-8"))  # compact; 10x json.dumps on a 20,000-article index

    @classmethod
    def from_json(cls, text: str) -> StoryIndex:
        """The index saved in ``text``; ``StoryIndexError`` when it is damaged or was made differently."""
        try:
            payload = orjson.loads(unseal(text))
            if payload["parameters"] != parameters():
                raise StoryIndexError("story index made with other parameters")
            index = cls()
            index.documents = int(payload["documents"])
            index.frequency = {
                space: Counter({str(term): int(count) for term, count in payload["frequency"][space].items()})
                for space in SPACES
            }
            for number, saved in enumerate(payload["stories"]):
                story = index.start_story()
                if saved["id"] != story.id:
                    raise StoryIndexError(f"story index damaged (story {number + 1} is {saved['id']!r})")
                story.first, story.last = from_iso(saved["first"]), from_iso(saved["last"])
                story.centroid = read_vector(saved["centroid"])
                story.members = [str(key) for key in saved["members"]]
                index.post(number, story)
            for key, saved in payload["articles"].items():
                index.members[str(key)] = _Member(
                    story=str(saved["story"]), title=optional_text(saved["title"]),
                    published=from_iso(saved["published"]),
                    gist=None if saved["gist"] is None else read_vector(saved["gist"]),
                    names=tuple(str(name) for name in saved["names"]), copy_of=optional_text(saved["copy_of"]),
                )
            index.check()
        except StoryIndexError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, IndexError, orjson.JSONDecodeError) as error:
            raise StoryIndexError(f"story index damaged ({type(error).__name__}: {error})") from error
        return index

    def check(self) -> None:
        """Every member is where its story says, and every copy's original is known."""
        for story in self.story_list:
            for key in story.members:
                if self.members[key].story != story.id:
                    raise StoryIndexError(f"story index damaged ({story.id} and its article disagree)")
        for member in self.members.values():
            if story_number(member.story) >= len(self.story_list):
                raise StoryIndexError(f"story index damaged (no story {member.story})")
            if member.copy_of is not None and member.copy_of not in self.members:
                raise StoryIndexError("story index damaged (a copy without its original)")

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index atomically (temporary file, then rename): a reader sees all of it or none."""
        from briefing.atomic import write_atomically

        try:
            write_atomically(Path(path), self.to_json().encode("utf-8"))
        except OSError as error:
            raise StoryIndexError(f"{path}: cannot write the story index ({error.strerror or error})") from error

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> StoryIndex:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise StoryIndexError(f"{path}: cannot read the story index ({error})") from error
        return cls.from_json(text)


# Helpers


def article_key(article: Article) -> str:
    """An article's identity across runs: its content, never its id (which depends on input order)."""
    from briefing.cache import article_key as content_key

    return content_key(article, "stories")


def article_words(facts: Iterable[Fact], sources: set[str]) -> dict[str, dict[str, Counter[str]]]:
    """Per article of ``sources``: how often each name word ("e"), lower-case lemma ("l") and name ("names") is met."""
    found: dict[str, tuple[list[str], list[str]]] = {source: ([], []) for source in sources}
    for fact in facts:
        lists = found.get(fact.source)
        if lists is not None:
            lists[0].extend(fact.entities)
            lists[1].extend(lower_case_lemmas(fact))
    counts = {}
    for source, (names, lemmas) in found.items():
        named = Counter(names)
        words: Counter[str] = Counter()
        for name, count in named.items():
            for word in name_words(name):
                words[word] += count
        counts[source] = {ENTITY: words, LEMMA: Counter(lemmas), "names": named}
    return counts


WORD = re.compile(r"[^\W\d_][\w'.-]*")


def lower_case_lemmas(fact: Fact) -> list[str]:
    """The fact's lemmas less those its sentence writes only capitalized, past its first word.

    Those are names ("Anwar", "Gaza") and demonyms ("Korean", "Palestinian"):
    who and where, which the entity space holds already. What is left says what
    happened, and two events with the same actors differ there.
    """
    words = WORD.findall(fact.sentence)
    names = {word.casefold() for word in words[1:] if word[0].isupper()}.intersection(fact.lemmas)
    if not names:
        return list(fact.lemmas)
    written = set(words)  # a name written in lower case somewhere, or only as the first word, is a common word
    names = {name for name in names if name not in written and name != words[0].casefold()}
    return [lemma for lemma in fact.lemmas if lemma not in names]


@lru_cache(maxsize=65536)
def name_words(entity: str) -> tuple[str, ...]:
    """The words of a name that identify it: "Rep. Robert L. Livingston" -> robert, livingston.

    Across articles one person or body is written many ways ("Bob Livingston",
    "Robert L. Livingston", "Livingston"); its words still match. Titles and
    initials ("Rep.", "L.") carry a full stop and are left out.
    """
    return tuple(word.casefold() for word in entity.split() if len(word) > 1 and word.isalpha())


def original_articles(articles: Sequence[Article]) -> dict[str, str]:
    """Copy id -> the id of the original it leads back to, for copies whose original is among ``articles``."""
    by_id = {article.id: article for article in articles}
    originals = {}
    for article in articles:
        seen, original = {article.id}, article
        while original.duplicate_of in by_id and original.duplicate_of not in seen:
            original = by_id[original.duplicate_of]
            seen.add(original.id)
        if original is not article and original.duplicate_of not in seen:  # a loop has no original
            originals[article.id] = original.id
    return originals


def stream_order(article: Article) -> tuple:
    """Publication order, undated last, then id in natural order ("S2" before "S10")."""
    return (article.published is None, article.published or date.min, natural(article.id))


def natural(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def story_number(story_id: str) -> int:
    if not story_id.startswith("T") or not story_id[1:].isdigit():
        raise ValueError(f"not a story id: {story_id!r}")
    return int(story_id[1:]) - 1


def heaviest(weights: Mapping[str, float], count: int) -> dict[str, float]:
    """The ``count`` heaviest terms (ties keep their order, so the cut is deterministic)."""
    if len(weights) <= count:
        return dict(weights)
    return dict(sorted(weights.items(), key=itemgetter(1), reverse=True)[:count])


def unit(weights: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(weight * weight for weight in weights.values()))
    return {term: weight / norm for term, weight in weights.items()} if norm else {}


def dot(first: Mapping[str, float], second: Mapping[str, float]) -> float:
    if len(first) > len(second):
        first, second = second, first
    return sum(weight * second.get(term, 0.0) for term, weight in first.items())


def parameters() -> dict:
    return {"threshold": THRESHOLD, "half_life_days": HALF_LIFE_DAYS, "terms": TERMS,
            "similarity": "harmonic mean of the name and lower-case lemma cosines"}


SEAL = re.compile(r'\{"format":"(?P<format>[^"]*)","hmac":"(?P<hmac>[0-9a-f]{64})","index":')


def seal(payload: str) -> str:
    """The saved form: one JSON object whose "hmac" is the HMAC-SHA256 of its "index" text under
    this user's cache key (the one the pickled caches are signed with), written first: a torn
    write, or an index planted by someone else in a shared cache folder, is refused on load."""
    return f'{{"format":"{INDEX_FORMAT}","hmac":"{signature(payload)}","index":{payload}}}'


def unseal(text: str) -> str:
    """The "index" text of a saved index whose format and signature match, or ``StoryIndexError``."""
    head = SEAL.match(text)
    if head is None or not text.endswith("}"):
        raise StoryIndexError("not a saved story index")
    if head["format"] != INDEX_FORMAT:
        raise StoryIndexError(f"story index in the {head['format']} format, not {INDEX_FORMAT}")
    payload = text[head.end():-1]
    if not hmac.compare_digest(signature(payload), head["hmac"]):
        raise StoryIndexError("story index damaged or not signed with this user's key")
    return payload


def signature(payload: str) -> str:
    from briefing.cache import cache_key

    return hmac.new(cache_key(), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def from_iso(text: str | None) -> date | None:
    return date.fromisoformat(text) if text is not None else None


def optional_text(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def read_vector(saved: Mapping) -> Vector:
    return {space: {str(term): float(weight) for term, weight in saved[space].items()} for space in SPACES}
