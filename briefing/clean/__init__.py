"""Clean stage: a raw ``Article`` in, the same article with body text only and
its title, outlet and publication date settled.

The cleaned text is the article's paragraphs, separated by blank lines, each
verbatim from the input; only whole clutter lines are dropped (links, share
buttons, tweets, captions, subheads, credits: see ``briefing.clutter``), and
only a leading date header or dateline and a trailing credit are cut from a
paragraph. Dates are chosen as ``published`` documents (read as
``briefing.written_dates`` does); outlets as ``outlet`` documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from briefing.clean.outlet import first_outlet, reported_outlet
from briefing.clean.published import (
    choose_publication,
    complete_year,
    date_prefix,
    header_line_date,
    is_us_source,
    tweet_dates,
)
from briefing.clutter import (
    byline_outlet,
    clutter_kind,
    credit_line_outlet,
    cut_credit_tail,
    is_headline_like,
    is_tweet,
    plain_words,
)
from briefing.model import Article
from briefing.written_dates import find_full_dates, month_day, safe_date

__all__ = ["clean_article"]

BLANK_LINE = re.compile(r"\n[ \t]{0,80}\n")
MONTH_WORD = r"[A-Za-z]{3,9}\.?"
DATELINE = re.compile(
    r"^([A-Z][A-Za-z.'-]{1,30}(?: [A-Z][A-Za-z.'-]{1,30}){0,3}(?:, [A-Z][A-Za-z.'-]{1,30}(?: [A-Z][A-Za-z.'-]{1,30}){0,2})?)"
    rf"(?:,\s{{0,2}}({MONTH_WORD}\s{{1,2}}\d{{1,2}}(?:,\s{{0,2}}\d{{4}})?|\d{{1,2}}\s{{1,2}}{MONTH_WORD}(?:,?\s{{0,2}}\d{{4}})?))?"
    r"\s{0,2}\(([A-Z][\w.&' ]{0,30})\)\s{0,2}(?:[-–—:]{1,2}\s{0,2})?"
)
DATELINE_WITHOUT_CREDIT = re.compile(
    r"^([A-Z]{2,20}(?: [A-Z]{2,20}){0,2}),\s{0,2}"
    rf"({MONTH_WORD}\s{{1,2}}\d{{1,2}}(?:,\s{{0,2}}\d{{4}})?|\d{{1,2}}\s{{1,2}}{MONTH_WORD}(?:,?\s{{0,2}}\d{{4}})?)"
    r"\s{0,2}[:–—-]{1,2}\s{0,2}"
)
TOP_PARAGRAPHS = 4
TAIL_PARAGRAPHS = 3


@dataclass
class Clues:
    """What the raw text says about the article besides its body."""

    header_date: date | None = None
    dateline_date: date | None = None
    dateline_credit: str | None = None
    tail_credit: str | None = None
    credit_line: str | None = None
    byline: str | None = None


def clean_article(article: Article, *, today: date) -> Article:
    """The article with clutter removed and title, outlet and publication date found."""
    raw_paragraphs = split_paragraphs(article.text)
    us_order = is_us_source(article.outlet, article.url)
    clues = Clues()
    body = strip_clutter(raw_paragraphs, clues, us_order=us_order)
    cut_tails(body, clues)
    strip_dateline(body, clues, article.text, today=today)
    title, body = separate_title(body, article.title)

    top_text = "\n".join(body[:2])
    written = next(find_full_dates(top_text, us_order=us_order), None)
    tweeted = max(tweet_dates(p for p in raw_paragraphs if is_tweet(p)), default=None)
    hint = article.published if article.date_basis in ("front_matter", "html", "feed") else None
    published, basis = choose_publication(
        [
            (article.date_basis, hint),
            ("header", clues.header_date),
            ("dateline", clues.dateline_date),
            ("text", written.value if written else None),
            ("text", tweeted),
            ("file", article.published if article.date_basis == "file" else None),
        ],
        path=article.path,
        today=today,
    )
    outlet = first_outlet(
        article.outlet,
        clues.byline,
        clues.dateline_credit,
        clues.tail_credit,
        clues.credit_line,
        reported_outlet(body[:3]),
    )
    return replace(
        article,
        text="\n\n".join(body),
        title=title,
        outlet=outlet,
        published=published,
        date_basis=basis,
    )


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs: blank-line blocks, and within a block each line, unless it is a hard-wrapped sentence."""
    paragraphs: list[str] = []
    for block in BLANK_LINE.split(text.replace("\r\n", "\n")):
        current = ""
        for line in block.split("\n"):
            line = line.strip()
            if not line:
                continue
            if current and current[-1] not in ".!?…:;\"”’" and line[0].islower():
                current = f"{current} {line}"
            else:
                if current:
                    paragraphs.append(current)
                current = line
        if current:
            paragraphs.append(current)
    return paragraphs


def strip_clutter(paragraphs: list[str], clues: Clues, *, us_order: bool) -> list[str]:
    """Body paragraphs without header dates, bylines and clutter lines."""
    body: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        near_top = index < TOP_PARAGRAPHS
        if index == 0:
            found, length = date_prefix(paragraph)
            if length:
                clues.header_date = found
                paragraph = paragraph[length:].strip()
                if not paragraph:
                    continue
        if clutter_kind(paragraph):
            if credit := credit_line_outlet(paragraph):  # "Published in Dawn, April 8th, 2021"
                clues.credit_line = clues.credit_line or credit
                clues.header_date = clues.header_date or header_line_date(paragraph, us_order=us_order)
            continue
        if near_top and (found := header_line_date(paragraph, us_order=us_order)):
            clues.header_date = clues.header_date or found
            continue
        if near_top and (named := byline_outlet(paragraph)):
            clues.byline = clues.byline or named
            continue
        body.append(paragraph)
    return body


def cut_tails(body: list[str], clues: Clues) -> None:
    """Cut credit tails ("--IANS", "= DNA", "-PR") off the last paragraphs, in place."""
    for _ in range(TAIL_PARAGRAPHS):
        if not body:
            return
        kept, credit = cut_credit_tail(body[-1])
        if kept == body[-1]:
            return
        clues.tail_credit = clues.tail_credit or credit
        if kept.strip():
            body[-1] = kept
            return
        body.pop()


def strip_dateline(body: list[str], clues: Clues, raw: str, *, today: date) -> None:
    """Cut a leading dateline ("ISLAMABAD, APR 07 (DNA) –") off one of the first paragraphs, in place."""
    for index, paragraph in enumerate(body[:3]):
        match = DATELINE.match(paragraph)
        credit = match.group(3) if match else None
        match = match or DATELINE_WITHOUT_CREDIT.match(paragraph)
        if not match or (credit is None and not match.group(2)):
            continue
        rest = paragraph[match.end() :]
        if not rest or not rest[0].isupper():
            continue
        clues.dateline_credit = credit
        if match.group(2):
            parts = month_day(match.group(2))
            if parts:
                month, day, year = parts
                clues.dateline_date = safe_date(year, month, day) if year else complete_year(month, day, raw, today)
        body[index] = rest
        return


def separate_title(body: list[str], title: str | None) -> tuple[str | None, list[str]]:
    """Take a headline-like first line as the title (or drop it if it repeats the title),
    then drop subheads, which are not sentences."""
    if body and is_headline_like(body[0]):
        first = body.pop(0)
        title = title or first
    elif body and title and plain_words(body[0]) == plain_words(title):
        body.pop(0)
    return title, [paragraph for paragraph in body if not is_headline_like(paragraph)]
