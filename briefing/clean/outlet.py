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
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
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
