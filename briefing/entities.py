"""Entity names for the extract stage: spaCy entity spans in, one canonical name per thing out.

An alias table (``briefing/data/aliases.toml``, extendable by the user) says
which written forms mean the same country or body ("the Russian Federation"
is "Russia"), which nationality words count as the country, and which
titles to strip from a person's name ("PM Imran Khan" is "Imran Khan").
Within one article a short name ("Khan", "Lavrov") becomes the full name
seen elsewhere in the same article when only one full name fits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # spaCy loads only where text is analysed: a warm rerun never needs it
    from spacy.tokens import Doc, Span

from briefing.errors import ThemesError
from briefing.model import Fact
from briefing.themes import read_toml

DEFAULT_ALIASES = files("briefing") / "data" / "aliases.toml"

NAMED_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "NORP")
"""Entity labels that name a thing a reader would follow across sources."""

PERSON_LIKE = ("PERSON", "ORG", "GPE")
"""The small model often calls a person ORG or GPE ("Lavrov", "Qureshi"); these may be re-read as people."""

_EDGE_JUNK = " \t\n\"'“”‘’«»()[]{}<>,.;:!?-–—#@*_=/\\|"
_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_PARENTHESES = re.compile(r"(?<!\s)\s*\([^)]*(?:\)|$)|^\s*\([^)]*(?:\)|$)")


@dataclass(frozen=True)
class Aliases:
    """Canonical names for written forms (keys are case-folded)."""

    names: Mapping[str, str] = field(default_factory=dict)
    demonyms: Mapping[str, str] = field(default_factory=dict)
    titles: tuple[str, ...] = ()  # longest first, so "Prime Minister" goes before "Minister"
    ignore: frozenset[str] = frozenset()  # case-folded words never taken as a name on their own
    source: str = "default"

    def canonical(self, name: str) -> str:
        return self.names.get(name.casefold(), name)


def load_aliases(path: Path | None = None) -> Aliases:
    """The default alias table with the user's file merged over it (its entries win, its titles add)."""
    names, demonyms, titles, ignore = _parse_aliases(read_toml(DEFAULT_ALIASES, "aliases.toml"), "aliases.toml")
    source = "default"
    if path is not None:
        path = Path(path)
        user_names, user_demonyms, user_titles, user_ignore = _parse_aliases(read_toml(path, str(path)), str(path))
        names |= user_names
        demonyms |= user_demonyms
        titles = [*titles, *user_titles]
        ignore = [*ignore, *user_ignore]
        source = f"default + {path}"
    ordered_titles = tuple(sorted(dict.fromkeys(titles), key=lambda title: (-len(title), title)))
    return Aliases(
        names=names, demonyms=demonyms, titles=ordered_titles,
        ignore=frozenset(word.casefold() for word in ignore), source=source,
    )


def _parse_aliases(document: Mapping[str, Any], name: str) -> tuple[dict[str, str], dict[str, str], list[str], list[str]]:
    for key in document:
        if key not in ("aliases", "demonyms", "titles", "ignore"):
            raise ThemesError(f"{name}: unknown key '{key}' (expected aliases, demonyms, titles, ignore)")
    tables = []
    for key in ("aliases", "demonyms"):
        table = document.get(key, {})
        if not isinstance(table, dict) or not all(isinstance(value, str) and value.strip() for value in table.values()):
            raise ThemesError(f"{name}: [{key}] must map names to non-empty strings")
        # Keys are cleaned as names found in text are ("U.S." is looked up as "U.S"), or they never match.
        tables.append({clean_name(written).casefold(): canonical.strip() for written, canonical in table.items()})
    lists = []
    for key in ("titles", "ignore"):
        values = document.get(key, [])
        if not isinstance(values, list) or not all(isinstance(value, str) and value.strip() for value in values):
            raise ThemesError(f"{name}: '{key}' must be a list of non-empty strings")
        lists.append([value.strip() for value in values])
    return tables[0], tables[1], lists[0], lists[1]


def clean_name(text: str) -> str:
    """Collapse spaces, drop emoji, quotes, a possessive and a leading "the"."""
    text = "".join(char for char in text if unicodedata.category(char) not in ("So", "Sk", "Cs", "Co"))
    text = _PARENTHESES.sub("", " ".join(text.split())).strip(_EDGE_JUNK)
    text = _POSSESSIVE.sub("", text).strip(_EDGE_JUNK)
    return _LEADING_THE.sub("", text)


def strip_titles(name: str, aliases: Aliases) -> tuple[str, str | None]:
    """The name without leading titles (and nationality words), and the last title stripped."""
    stripped_title = None
    changed = True
    while changed:
        changed = False
        first, _, rest = name.partition(" ")
        if rest and first.casefold() in aliases.demonyms:
            name, changed = rest, True
            continue
        for title in aliases.titles:
            if name.casefold().startswith(title.casefold() + " "):
                name = name[len(title) + 1:].lstrip()
                stripped_title = title
                changed = True
                break
    return name, stripped_title


@dataclass(frozen=True)
class Mention:
    """One entity span and the canonical name it resolves to in its article."""

    start: int  # token offsets in the doc
    end: int
    label: str
    name: str
    person: bool


def resolve_mentions(doc: Doc, aliases: Aliases) -> list[Mention]:
    """Canonical names of the article's entity spans, short names expanded to full ones where unambiguous."""
    drafts = []
    for entity in doc.ents:
        if entity.label_ not in NAMED_LABELS:
            continue
        draft = _draft(entity, aliases)
        if draft is not None:
            drafts.append(draft)
    full_names = {name for _, _, _, name, person in drafts if person and " " in name}
    resolved = []
    for start, end, label, name, person in drafts:
        if label in PERSON_LIKE and name not in full_names:
            expanded = _expand_short_name(name, full_names)
            if expanded is not None:
                name, person = expanded, True
        resolved.append(Mention(start=start, end=end, label=label, name=aliases.canonical(name), person=person))
    return resolved


def _draft(entity: Span, aliases: Aliases) -> tuple[int, int, str, str, bool] | None:
    if entity.label_ == "PERSON":
        entity = _with_given_names(entity, aliases)
    text = clean_name(entity.text)
    if len(text) < 2 or not any(char.isalpha() for char in text) or "@" in text or "#" in text or "twitter.com" in text:
        return None
    if entity.label_ == "NORP":
        country = aliases.demonyms.get(text.casefold())
        return (entity.start, entity.end, "GPE", country, False) if country else None
    if text.casefold() in aliases.ignore:
        return None
    if text.casefold() in aliases.names:
        return entity.start, entity.end, entity.label_, aliases.names[text.casefold()], entity.label_ == "PERSON"
    named_after = _after_known_name(text, aliases)
    if named_after is not None:
        return entity.start, entity.end, entity.label_, named_after, True
    person = entity.label_ == "PERSON" or (entity.label_ in PERSON_LIKE and _follows_title(entity, aliases))
    if person:
        text, _ = strip_titles(text, aliases)
        text = aliases.canonical(text)
    return entity.start, entity.end, entity.label_, text, person


def _after_known_name(text: str, aliases: Aliases) -> str | None:
    """ "Russian Federation Sergei Lavrov" (a country run into a name by the model) -> "Sergey Lavrov"."""
    words = text.split()
    for cut in range(len(words) - 2, 0, -1):
        if " ".join(words[:cut]).casefold() in aliases.names and all(word[:1].isupper() for word in words[cut:]):
            return aliases.canonical(" ".join(words[cut:]))
    return None


def _with_given_names(entity: Span, aliases: Aliases) -> Span:
    """The small model sometimes tags only the surname ("Imran [Khan]"); take in capitalized names before it."""
    titles = {title.casefold() for title in aliases.titles}
    start = entity.start
    while (
        start > max(0, entity.start - 2)
        and (token := entity.doc[start - 1]).pos_ == "PROPN" and token.is_title and not token.ent_type_
        and token.lower_ not in titles and token.lower_ not in aliases.demonyms
    ):
        start -= 1
    if start == entity.start:
        return entity
    from spacy.tokens import Span

    return Span(entity.doc, start, entity.end, label=entity.label)


def _follows_title(entity: Span, aliases: Aliases) -> bool:
    """True when the words right before the entity are a person's title ("FM Shah Mahmood Qureshi")."""
    before = " " + entity.doc[max(0, entity.start - 3): entity.start].text.casefold()
    return any(before.endswith(" " + title.casefold()) for title in aliases.titles)


def _expand_short_name(name: str, full_names: Iterable[str]) -> str | None:
    """The one full name that contains every word of ``name`` (or that ``name`` ends with), if exactly one does."""
    words = name.casefold().split()
    fits = [
        full for full in full_names
        if set(words) <= set(full.casefold().split()) or name.casefold().endswith(" " + full.casefold())
    ]
    return fits[0] if len(fits) == 1 else None


def person_name(text: str, aliases: Aliases, mentions: Iterable[Mention]) -> str | None:
    """The canonical name of a person written as ``text`` in an article whose mentions are known
    ("Reinholt" -> "Tomas Reinholt" when the article names him in full)."""
    name, _ = strip_titles(clean_name(text), aliases)
    if not name or name.casefold() in aliases.ignore:
        return None
    name = aliases.canonical(name)
    full_names = {mention.name for mention in mentions if mention.person and " " in mention.name}
    if name in full_names:
        return name
    return _expand_short_name(name, full_names) or name


def names_in(mentions: Iterable[Mention], start: int, end: int) -> tuple[str, ...]:
    """Canonical names of the mentions inside tokens [start, end), deduplicated in order of appearance."""
    return tuple(dict.fromkeys(mention.name for mention in mentions if start <= mention.start and mention.end <= end))


def lower_case_uses(words: set[str], sentences: Iterable[str]) -> set[str]:
    """Which of ``words`` (lower case) some sentence writes in lower case: one scan of
    all the text for lower-case words (an alternation of hundreds of names was 1.3 s
    on 1,000 articles; this is a tenth of that)."""
    if not words:
        return set()
    return words & set(LOWER_CASE_WORD.findall("\n".join(sentences)))


LOWER_CASE_WORD = re.compile(r"(?<![\w-])[a-z][a-z'-]*")


def unify_names(facts: Sequence[Fact], aliases: Aliases) -> list[Fact]:
    """Across all articles, a lone surname ("Serikova") becomes the one full name that ends with it
    ("Aliya Serikova"), so an article that never spells the name out still agrees with the others.
    Countries and other canonical names from the alias table are left alone."""
    names = {name for fact in facts for name in (*fact.entities, fact.speaker) if name}
    protected = {canonical.casefold() for canonical in (*aliases.names.values(), *aliases.demonyms.values())}
    full_by_last: dict[str, set[str]] = {}
    for name in names:
        words = name.split()
        if 2 <= len(words) <= 4 and all(word[:1].isupper() for word in words):
            full_by_last.setdefault(words[-1].casefold(), set()).add(name)
    expanded = {
        name: next(iter(full_by_last[name.casefold()]))
        for name in names
        if " " not in name and name.casefold() not in protected and len(full_by_last.get(name.casefold(), ())) == 1
    }
    if expanded:
        # A word the articles also write in lower case ("the parliament") is a common noun, not a
        # surname: "Parliament" must not become the one "Chilean Parliament" of another article.
        common = lower_case_uses({name.casefold() for name in expanded}, (fact.sentence for fact in facts))
        expanded = {name: full for name, full in expanded.items() if name.casefold() not in common}
    if not expanded:
        return list(facts)
    return [
        replace(
            fact,
            entities=tuple(dict.fromkeys(expanded.get(name, name) for name in fact.entities)),
            speaker=expanded.get(fact.speaker, fact.speaker) if fact.speaker else None,
        )
        for fact in facts
    ]
