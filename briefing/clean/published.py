"""Publication dates for the clean stage: where a date is written and which one
dates the article.

Input is an article's raw text and metadata hints; output is a date and a
``date_basis``. A written date is read as ``briefing.written_dates`` documents
(day/month order included), with anchored, bounded regexes.

Which date dates the article, first that is found and trusted wins:

``front_matter`` (front matter, JSONL field or sidecar), ``html`` (page
metadata) or ``feed`` (entry date), as the reader found them; then
``header`` (a " date 2021-04-07 " prefix, a "Published: ..." line or a line
holding only a date near the top); then ``dateline`` ("LONDON, March 3
(Reuters) -"; without a year, the year comes from other dates in the text,
else from the run date, choosing the most recent day not after ``today``);
then ``text``: the first full date written in the first paragraphs, else the
latest date signed under an embedded tweet (the article embeds the tweet, so
it cannot be older than it; the seeds show the tweet is from the day of the
story); then ``file`` (modification time, with a warning); else ``none``.
A date after ``today`` or before 1990 is not trusted: it is logged and the
next candidate is tried.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date

from briefing.english import WEEKDAYS
from briefing.clutter import TWEET_SIGNOFF
from briefing.written_dates import find_full_dates, parse_date, safe_date

log = logging.getLogger("briefing")

EARLIEST_TRUSTED = date(1990, 1, 1)

BARE_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")

DATE_PREFIX = re.compile(r"^\s{0,8}date\s{0,4}[:=]?\s{0,4}(\d{4}-\d{1,2}-\d{1,2})\s{0,8}", re.IGNORECASE)
PUBLISHED_LINE = re.compile(
    r"^(?:first\s)?(published|posted|dated?|updated|last updated|released)(?:\s(?:on|at))?\s{0,3}[:|–—-]?\s{0,3}(\S.{3,80})$",
    re.IGNORECASE,
)
# Words that may stand next to a date on a date-only header line.
DATE_LINE_FILLER = re.compile(
    rf"\b(?:{'|'.join(WEEKDAYS)})\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\s?(?:[ap]\.?m\.?)?"
    r"|\b(?:pkt|gmt|utc|ist|est|edt|cet|bst)\b|\b(?:updated|published|posted|last|on|at)\b|[|,·•:–—-]",
    re.IGNORECASE,
)

US_OUTLETS = frozenset(
    "ap|associated press|cnn|fox news|nbc news|abc news|cbs news|npr|the new york times|new york times"
    "|the washington post|washington post|usa today|the wall street journal|wall street journal|politico"
    "|axios|bloomberg|los angeles times|chicago tribune|voice of america|voa".split("|")
)


def is_us_source(outlet: str | None, url: str | None) -> bool:
    """Month-first numeric dates only for outlets or sites known to be American."""
    if outlet and outlet.strip().lower() in US_OUTLETS:
        return True
    return bool(url) and (".us/" in url + "/" or any(name.replace(" ", "") in url.lower() for name in ("nytimes", "washingtonpost", "usatoday", "wsj.com", "apnews")))


def date_prefix(paragraph: str) -> tuple[date | None, int]:
    """A leading " date 2021-04-07 " header: its date and how many characters it covers."""
    match = DATE_PREFIX.match(paragraph)
    if not match:
        return None, 0
    return parse_date(match.group(1)), match.end()


def header_line_date(line: str, *, us_order: bool = False) -> date | None:
    """The date of a header line: "Published: 7 April 2021", or a line that holds only a date."""
    line = line.strip()
    if len(line) > 100:
        return None
    published = PUBLISHED_LINE.match(line)
    if published and published.group(1).lower().startswith("updated"):
        return None  # an update time is not the publication date
    found = next(find_full_dates(line, us_order=us_order), None)
    if found is None:
        return None
    rest = line[: found.start] + line[found.end :]
    if published or not DATE_LINE_FILLER.sub("", rest).strip():
        return found.value
    return None


def tweet_dates(lines: Iterable[str]) -> list[date]:
    """Dates signed under embedded tweets ("— Name (@handle) April 7, 2021")."""
    dates = []
    for line in lines:
        match = TWEET_SIGNOFF.search(line)
        if match:
            value = parse_date(match.group(1))
            if value:
                dates.append(value)
    return dates


def complete_year(month: int, day: int, text: str, today: date) -> date | None:
    """A dateline's month and day with the most recent fitting year not after ``today``:
    years of full dates in the text first, then bare years, then the run date's."""
    years = {found.value.year for found in find_full_dates(text)}
    if not years:
        years = {int(year) for year in BARE_YEAR.findall(text)}
    if not years:
        years = {today.year, today.year - 1}
    candidates = [safe_date(year, month, day) for year in years]
    fitting = [value for value in candidates if value is not None and EARLIEST_TRUSTED <= value <= today]
    return max(fitting, default=None)


def trusted(value: date | None, *, basis: str, path: str, today: date) -> bool:
    """A publication date is trusted unless it lies after the run date or before 1990 (logged)."""
    if value is None:
        return False
    if value > today:
        log.warning("%s: %s date %s is in the future of %s; not used", path, basis, value, today)
        return False
    if value < EARLIEST_TRUSTED:
        log.warning("%s: %s date %s is before 1990; not used", path, basis, value)
        return False
    return True


def choose_publication(candidates: Iterable[tuple[str, date | None]], *, path: str, today: date) -> tuple[date | None, str]:
    """The first trusted candidate (basis, date) in priority order, or (None, "none")."""
    for basis, value in candidates:
        if value is not None and trusted(value, basis=basis, path=path, today=today):
            if basis == "file":
                log.warning("%s: no publication date in the text; using the file's modification date %s", path, value)
            return value, basis
    return None, "none"
