"""Site clutter: which lines of a page are not the article. The clean stage drops
such lines; the extract stage drops a sentence that is one (a caption or link
teaser run into a paragraph), by the same decision (``clutter_kind``).

Input is one paragraph (a line) of raw article text, or a sentence; output is
the kind of clutter it is (or None), or the paragraph with a credit tail cut
off and the credit it named. Every pattern is anchored and has only bounded,
non-nested repetition, so a long hostile line costs linear time.
"""

from __future__ import annotations

import re

from briefing.written_dates import MONTH

RELATED_LINK = re.compile(
    r"^(?:also read|read more|read also|also see|see also|more on this(?: story)?|related(?: stories| articles| news| coverage| content)?"
    r"|recommended(?: for you| stories)?|don'?t miss|must read|you may also like|you might also like|trending(?: now)?"
    r"|more from [^:|\n]{1,40}|latest news|top stories|watch|listen|explainer)\s{0,3}[:|»>–—-]",
    re.IGNORECASE,
)
STANDALONE = frozenset(
    """comments|comment|read comments|view comments|show comments|hide comments|leave a comment|post a comment
    |add a comment|join the conversation|advertisement|advertisment|ad|sponsored|sponsored content
    |story continues below advertisement|article continues below|continue reading|continue reading below
    |scroll to continue|share|share this|share this article|share this story|share article|share story
    |tweet|print|email|e-mail|whatsapp|facebook|twitter|linkedin|telegram|pinterest|reddit|copy link
    |save|bookmark|related|related stories|related articles|recommended|read more|also read|more stories
    |top stories|latest news|follow us|back to top|skip to content|subscribe|listen to this article
    |ends|end|(ends)|-ends-|###""".replace("\n", "").replace(" |", "|").split("|")
)
BUTTON = re.compile(
    r"^(?:(?:share|post|send|pin)(?: (?:this|it))?(?: (?:article|story|page|link))?(?: (?:on|to|via|with) [a-z][a-z+ ]{0,20})?"
    r"|\d[\d,.]{0,8}k?\s(?:comments?|shares?|likes?|views?|reactions?|responses?)|comments?\s?\(\d{1,6}\))$"
)
BUTTON_SEPARATOR = re.compile(r"\s{0,3}[|•·]\s{0,3}|\s{3,}")
PHOTO_CAPTION = re.compile(
    r"^(?:photo|photos|photograph|image|picture|pic|file photo|file image|caption|photo credit|image credit|illustration|video)"
    r"\s{0,3}(?:by\s|[:|/©–—-])",
    re.IGNORECASE,
)
PHOTO_CREDIT_TAIL = re.compile(r"(?:\(|\s[|–—-]\s?)(?:photo|file photo|image|picture)(?: credit)?\s?[:/]\s?[^.()\n]{1,60}\)?$", re.IGNORECASE)
NEWSLETTER = re.compile(
    r"^(?:sign up|subscribe|get (?:our|the)|join (?:our|us)|follow (?:us|our)|click here|download (?:our|the)"
    r"|like us|for (?:the )?latest|for more|stay (?:informed|updated|up to date)|never miss|want more|don'?t miss)\b",
    re.IGNORECASE,
)
NEWSLETTER_WORDS = re.compile(
    r"newsletter|subscribe|inbox|\bapp\b|channel|follow|updates|whatsapp|telegram|facebook|twitter|instagram|youtube|alerts|e-?mail|notifications",
    re.IGNORECASE,
)
REPORTING_CREDIT = re.compile(
    r"\((?:(?:additional )?reporting|writing|editing|edited|compiled|compiling|written|reported) by [^()\n]{1,300}\)\s{0,3}$",
    re.IGNORECASE,
)
INPUTS_CREDIT = re.compile(r"^\(?(?:with )?(?:additional )?inputs? from [^()\n]{1,60}\)?\.?$", re.IGNORECASE)
STAFF_INITIALS = re.compile(r"^/?[a-z]{2,4}(?:/[a-z]{2,4}){0,3}/?$")
AGENCY_TAIL = re.compile(
    r"(?:^|(?<=[.!?\"'”’)\]]))\s{0,3}(?:-{1,2}|—|–|=|_{2})\s{0,2}([A-Z][A-Za-z.&']{0,20}(?: [A-Z][A-Za-z.&']{0,20}){0,2})\s{0,3}$"
)
PUBLISHED_IN = re.compile(r"^published in (?:the )?([A-Z][\w.&' ]{1,40}?),\s{0,2}(.{6,40})$", re.IGNORECASE)
COPYRIGHT = re.compile(r"^(?:copyright|©|\(c\))\s", re.IGNORECASE)
SOURCE_LINE = re.compile(r"^(?:source|sources|via|courtesy)\s{0,2}:\s{0,2}(\S[^\n]{1,60})$", re.IGNORECASE)
BYLINE = re.compile(r"^by\s{1,2}([A-Z][^,|\n]{1,60}?)(?:,\s{0,2}|\s[|–—-]\s)([A-Z][\w.&' -]{1,50})$", re.IGNORECASE)
OUTLET_WORDS = re.compile(
    r"\b(?:post|times|news|tribune|herald|daily|journal|express|gazette|wire|ledger|observer|guardian|telegraph"
    r"|chronicle|standard|mail|star|today|review|recorder|dawn|nation|agency|tv|radio|press|media|reuters|afp)\b",
    re.IGNORECASE,
)
TWEET_SIGNOFF = re.compile(rf"\(@\w{{1,15}}\)\s{{1,3}}({MONTH}\s{{1,3}}\d{{1,2}},\s{{1,3}}\d{{4}})\s{{0,3}}$", re.IGNORECASE)
"""The sign-off of an embedded tweet: "— Name (@handle) April 7, 2021"."""
WORD = re.compile(r"\w+")
TERMINAL = ".!?…:;"
CLOSERS = "\"'”’»)]*_"
SEPARATOR_CHARS = set("*-=_~#•·.+ \t")


def clutter_kind(line: str) -> str | None:
    """The kind of clutter a whole line is, or None for a line that may be article text."""
    text = line.strip()
    lowered = text.lower().rstrip(":").strip()
    if not text:
        return None
    if len(text) >= 3 and set(text) <= SEPARATOR_CHARS:
        return "separator"
    if lowered in STANDALONE:
        return "standalone"
    if len(text) <= 400:
        if RELATED_LINK.match(text):
            return "related link"
        if all(BUTTON.match(part) or part in STANDALONE for part in BUTTON_SEPARATOR.split(lowered) if part):
            return "share buttons"
        if PHOTO_CAPTION.match(text) or PHOTO_CREDIT_TAIL.search(text):
            return "photo caption"
        if NEWSLETTER.match(text) and NEWSLETTER_WORDS.search(text):
            return "newsletter prompt"
        if COPYRIGHT.match(text):
            return "copyright"
        if STAFF_INITIALS.match(text) and "/" in text:
            return "staff initials"
        if INPUTS_CREDIT.match(text) or PUBLISHED_IN.match(text):
            return "credit"
        if SOURCE_LINE.match(text):
            return "source line"
    if is_tweet(text):
        return "embedded tweet"
    if is_hashtags(text):
        return "hashtags"
    return None


def is_tweet(text: str) -> bool:
    """An embedded tweet: a pic.twitter.com link or the "— Name (@handle) April 7, 2021" sign-off."""
    return "pic.twitter.com/" in text or bool(TWEET_SIGNOFF.search(text, max(0, len(text) - 200)))


def is_hashtags(text: str) -> bool:
    """A line of hashtags and nothing else."""
    words = text.split()
    return bool(words) and all(word.startswith("#") and len(word) > 1 for word in words)


def is_headline_like(line: str) -> bool:
    """A short line without final punctuation: a title or subhead, not a sentence."""
    text = line.strip().rstrip(CLOSERS).rstrip()
    if not text or text[-1] in TERMINAL:
        return False
    return len(text.split()) <= 20


def plain_words(text: str) -> str:
    """Lower-case words only: a title and a line or sentence that repeats it compare equal
    however either is punctuated."""
    return " ".join(WORD.findall(text.casefold()))


def cut_credit_tail(line: str) -> tuple[str, str | None]:
    """Cut a credit tail ("-- IANS", "= DNA", "__Tribune.com", "-PR", "(Reporting by ...)") off a line.

    Returns the line without it and the credited name (None for a reporting
    credit, which names people, not an outlet).
    """
    text = line.rstrip()
    reporting = REPORTING_CREDIT.search(text, max(0, len(text) - 400))
    if reporting:
        return text[: len(text) - len(reporting.group(0))].rstrip(), None
    agency = AGENCY_TAIL.search(text, max(0, len(text) - 80))
    if agency:
        return text[: len(text) - len(agency.group(0))].rstrip(), agency.group(1).strip()
    return line, None


def credit_line_outlet(line: str) -> str | None:
    """The outlet a credit line names: "Published in Dawn, April 8th, 2021", "Source: Reuters"."""
    text = line.strip()
    for pattern in (PUBLISHED_IN, SOURCE_LINE):
        match = pattern.match(text)
        if match:
            return match.group(1).strip()
    return None


def byline_outlet(line: str) -> str | None:
    """The outlet of a byline such as "By Staff Reporter, Meridian Post" (only when it reads like one)."""
    match = BYLINE.match(line.strip())
    if match and OUTLET_WORDS.search(match.group(2)):
        return match.group(2).strip()
    return None
