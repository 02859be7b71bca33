"""Outlets for the clean stage: who published an article, as a careful reader
would tell from the page.

Input is the metadata hint from the reader and clues found in the raw text;
output is one outlet name. Order: the reader's hint (front matter, JSONL,
sidecar, HTML site name, feed title); a byline naming an outlet ("By Staff
Reporter, Meridian Post": the site that republished a wire story is its
outlet, the wire is not); a dateline credit "(Reuters)"; a credit tail
("--IANS", "= DNA", "__Tribune.com", "-PR"); a credit line ("Published in
Dawn, ...", "Source: ..."); "X reported" / "reports X" near the top.
Credits are named as outlets.toml says; "-PR" is a press release.

Two outlet names are one outlet when their ``outlet_identity`` is the same:
compared after NFKC, without format characters (zero-width space, joiners,
bidi controls), with letters of other scripts that look like Latin ones
("Меridian", Cyrillic М and е) folded to them, case and spacing ignored. So
one outlet cannot pass for several and inflate agreement; the brief still
shows each name as its article wrote it.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources

REPORTED_BY = re.compile(r"(?:^|,\s)((?:[A-Z][\w&.'-]{0,30}\s){0,4}[A-Z][\w&.'-]{0,30})\s(?:reported|reports|said in a report)\b")
REPORTS = re.compile(r"\breport(?:s|ed)\s(?:the\s)?((?:[A-Z][\w&.'-]{0,30}\s){0,4}[A-Z][\w&.'-]{0,30})")


@cache
def outlet_names() -> dict[str, str]:
    """The credit -> outlet table shipped as outlets.toml."""
    text = resources.files("briefing.clean").joinpath("outlets.toml").read_text(encoding="utf-8")
    return {key.lower(): value for key, value in tomllib.loads(text)["outlets"].items()}


def outlet_name(credit: str | None) -> str | None:
    """The outlet a credit names, as the brief shows it."""
    if not credit:
        return None
    credit = credit.strip().strip(".,;:-_=").strip()
    return outlet_names().get(credit.lower(), credit) if credit else None


def reported_outlet(paragraphs: Iterable[str]) -> str | None:
    """"..., ARY News reported." or "..., reports Xinhua news agency." near the top."""
    for paragraph in paragraphs:
        for pattern in (REPORTED_BY, REPORTS):
            match = pattern.search(paragraph[:2000])
            if match:
                return outlet_name(match.group(1))
    return None


def first_outlet(*candidates: str | None) -> str | None:
    """The first outlet found, in the order of the module's rule."""
    return next((outlet_name(candidate) for candidate in candidates if candidate), None)


@lru_cache(maxsize=4096)
def outlet_identity(name: str) -> str:
    """What makes two outlet names one outlet (see the module docstring); "" for no name."""
    from confusable_homoglyphs import confusables

    text = "".join(char for char in unicodedata.normalize("NFKC", name) if unicodedata.category(char) != "Cf")
    found = confusables.is_confusable(text, greedy=True, preferred_aliases=["latin", "common"]) or []
    folded = {}
    for entry in found:
        latin = [glyph["c"] for glyph in entry["homoglyphs"] if glyph["n"].startswith("LATIN ")]
        if latin and len(latin[0]) == 1:
            folded[entry["character"]] = latin[0]
    text = "".join(folded.get(char, char) for char in text)
    return " ".join(text.casefold().split())
