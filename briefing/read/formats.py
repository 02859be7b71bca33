"""One decoded file to article drafts, per format: plain text, Markdown with
front matter, HTML (trafilatura), JSON Lines and RSS/Atom feeds (feedparser).

Input is a file's text and path; output is ``Article`` drafts (id still
empty, raw text, metadata hints) and ``Skipped`` entries for unusable parts.
"""

from __future__ import annotations

import json
import logging
import re
import time
import xml.sax
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

import feedparser
import trafilatura

from briefing.clean.published import parse_date
from briefing.model import Article, Skipped

SUFFIX_FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}

FRONT_MATTER_KEYS = {
    "title": "title",
    "headline": "title",
    "outlet": "outlet",
    "source": "outlet",
    "publication": "outlet",
    "site": "outlet",
    "url": "url",
    "link": "url",
    "date": "date",
    "published": "date",
}

FRONT_MATTER_LINE = re.compile(r"^([A-Za-z_][\w-]{0,30})\s{0,4}:\s?(.{0,500})$")
MARKDOWN_LINK = re.compile(r"!?\[([^\[\]\n]{0,300})\]\([^()\s]{0,500}\)")
MARKDOWN_STRONG = re.compile(r"(?<!\w)(\*\*|\*)(?=\S)([^*\n]{1,300}?)(?<=\S)\1(?!\w)")
MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+")

log = logging.getLogger("briefing")

JSON_TYPES = {list: "list", str: "string", int: "number", float: "number", bool: "boolean", dict: "object"}

LocalReader = Callable[[Path], "list[Article] | None"]


@dataclass
class Parsed:
    """What one file gave: article drafts, and the parts that had to be skipped."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def sniff_format(text: str, suffix: str) -> str:
    """The format named by the suffix, else guessed from the first characters."""
    if suffix.lower() in SUFFIX_FORMATS:
        return SUFFIX_FORMATS[suffix.lower()]
    head = text.lstrip()[:1000].lower()
    if head.startswith(("<?xml", "<rss", "<feed")):
        return "feed" if ("<rss" in head or "<feed" in head or "<rdf" in head) else "html"
    if head.startswith(("<!doctype html", "<html")) or "<body" in head:
        return "html"
    if head.startswith("{") and head.split("\n", 1)[0].rstrip().endswith("}"):
        return "jsonl"
    if head.startswith("---\n"):
        return "md"
    return "txt"


def parse_document(text: str, path: str, fmt: str, *, read_local: LocalReader | None = None) -> Parsed:
    """Dispatch to the parser for ``fmt``."""
    if fmt == "html":
        return Parsed([parse_html(text, path)])
    if fmt == "jsonl":
        return parse_jsonl(text, path)
    if fmt == "feed":
        return parse_feed(text, path, read_local=read_local)
    if fmt == "md":
        return Parsed([parse_markdown(text, path)])
    return Parsed([parse_plain(text, path, fmt)])


def parse_plain(text: str, path: str, fmt: str = "txt") -> Article:
    """Plain text; a front-matter block is honoured here too, since people put one in .txt files."""
    fields, body = split_front_matter(text)
    return article_from_fields(fields, body, path, fmt)


def parse_markdown(text: str, path: str) -> Article:
    """Markdown: front matter for metadata, a top heading as title, link and emphasis markup removed."""
    fields, body = split_front_matter(text)
    lines = [MARKDOWN_HEADING.sub("", line) for line in body.split("\n")]
    if "title" not in fields:
        first = next((i for i, line in enumerate(body.split("\n")) if line.strip()), None)
        if first is not None and MARKDOWN_HEADING.match(body.split("\n")[first]):
            fields["title"] = lines[first].strip()
            lines[first] = ""
    body = "\n".join(lines)
    body = MARKDOWN_LINK.sub(r"\1", body)
    body = MARKDOWN_STRONG.sub(r"\2", body)
    return article_from_fields(fields, body, path, "md")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a leading ``---`` block of ``key: value`` lines from the body."""
    stripped = text.lstrip("\n")
    if not stripped.startswith("---\n"):
        return {}, text
    end = stripped.find("\n---", 3)
    if end < 0:
        return {}, text
    fields: dict[str, str] = {}
    block = [line.strip() for line in stripped[4:end].split("\n") if line.strip()]
    if not block or not all(FRONT_MATTER_LINE.match(line) for line in block):
        return {}, text  # a rule between paragraphs, not front matter
    for line in block:
        match = FRONT_MATTER_LINE.match(line)
        if match and match.group(1).lower() in FRONT_MATTER_KEYS:
            value = unquote_value(match.group(2).strip())
            if value and value.lower() not in ("null", "~", "none"):
                fields.setdefault(FRONT_MATTER_KEYS[match.group(1).lower()], value)
    body = stripped[end + 4 :]
    return fields, body.split("\n", 1)[1] if "\n" in body else ""


def unquote_value(value: str) -> str:
    """A front-matter value without the quotes that wrap it (quotes inside are kept)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def article_from_fields(fields: dict[str, str], body: str, path: str, fmt: str, basis: str = "front_matter") -> Article:
    """An article draft from metadata fields (front matter, JSONL, sidecar) and a body."""
    published = parse_date(fields["date"]) if fields.get("date") else None
    if fields.get("date") and published is None:
        log.warning("%s: %s date %r is not a real date; not used", path, basis, fields["date"])
    return Article(
        id="",
        path=path,
        text=body,
        title=fields.get("title"),
        outlet=fields.get("outlet"),
        url=fields.get("url"),
        published=published,
        date_basis=basis if published else "none",
        raw_format=fmt,
    )


def parse_html(text: str, path: str) -> Article:
    """Main text and metadata of a web page with trafilatura, favouring recall so short articles survive."""
    document = trafilatura.bare_extraction(
        text,
        favor_recall=True,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None:
        body = trafilatura.html2txt(text) or ""
        return Article(id="", path=path, text=body, raw_format="html")
    published = parse_date(document.date) if document.date else None
    return Article(
        id="",
        path=path,
        text=(document.text or "").replace("\n", "\n\n"),
        title=document.title or None,
        outlet=document.sitename or None,
        url=document.url or None,
        published=published,
        date_basis="html" if published else "none",
        raw_format="html",
    )


def parse_jsonl(text: str, path: str) -> Parsed:
    """One article per line: text, title, outlet, url, date; a bad line is skipped, the rest kept."""
    parsed = Parsed()
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            parsed.skipped.append(Skipped(where, f"not valid JSON ({error.msg})"))
            continue
        except RecursionError:
            parsed.skipped.append(Skipped(where, "JSON nested too deeply"))
            continue
        problem = record_problem(record)
        if problem:
            parsed.skipped.append(Skipped(where, problem))
            continue
        fields = {key: str(record[key]) for key in ("title", "outlet", "url", "date") if record.get(key)}
        parsed.articles.append(article_from_fields(fields, record["text"], where, "jsonl"))
    return parsed


def record_problem(record: object) -> str | None:
    """Why a JSON Lines record is not an article, or None when it is one."""
    if not isinstance(record, dict):
        return f"not a JSON object (a {JSON_TYPES.get(type(record), type(record).__name__)})"
    if "text" not in record:
        return 'no "text" field'
    if record["text"] is None:
        return '"text" is null'
    if not isinstance(record["text"], str):
        return f'"text" is not a string (a {JSON_TYPES.get(type(record["text"]), type(record["text"]).__name__)})'
    return None


def parse_feed(text: str, path: str, *, read_local: LocalReader | None = None) -> Parsed:
    """Each feed entry is an article: its content, or the local file its link points to.

    A malformed feed gives what feedparser recovers from it; when that is nothing
    readable, the file is reported as unreadable rather than entry by entry."""
    feed = feedparser.parse(text)
    parsed = Parsed()
    outlet = feed.feed.get("title") or None
    if not feed.entries:
        reason = "feed without entries" if not feed.bozo else f"unreadable feed ({feed.bozo_exception})"
        parsed.skipped.append(Skipped(path, reason))
        return parsed
    for number, entry in enumerate(feed.entries, start=1):
        where = f"{path}#{number}"
        published = entry_date(entry)
        local = local_target(entry.get("link"), Path(path).parent)
        linked = read_local(local) if (local is not None and read_local is not None) else None
        if linked:
            article = linked[0]
            body, fmt = article.text, article.raw_format
            title = article.title or entry.get("title")
            hint_outlet = article.outlet or outlet
            where = f"{where} ({local.name})"
        else:
            body, fmt = entry_text(entry), "feed"
            title, hint_outlet = entry.get("title"), outlet
        if not body.strip():
            parsed.skipped.append(Skipped(where, "feed entry without text"))
            continue
        parsed.articles.append(
            Article(
                id="",
                path=where,
                text=body,
                title=title or None,
                outlet=hint_outlet,
                url=entry.get("link"),
                published=published,
                date_basis="feed" if published else "none",
                raw_format=fmt,
            )
        )
    if not parsed.articles and isinstance(feed.get("bozo_exception"), xml.sax.SAXException):
        return Parsed(skipped=[Skipped(path, f"unreadable feed ({feed.get('bozo_exception')})")])
    return parsed


def entry_date(entry) -> date | None:
    """The entry's publication (or else update) date as feedparser parsed it."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value: time.struct_time | None = entry.get(key)
        if value:
            return date(value.tm_year, value.tm_mon, value.tm_mday)
    return None


def entry_text(entry) -> str:
    """The fullest text an entry carries (content over summary), HTML turned to text by trafilatura."""
    candidates = [part.get("value", "") for part in entry.get("content", [])]
    candidates.append(entry.get("summary", ""))
    markup = max(candidates, key=len, default="")
    if "<" not in markup:
        return markup
    document = trafilatura.bare_extraction(f"<html><body>{markup}</body></html>", favor_recall=True)
    text = document.text if document is not None and document.text else trafilatura.html2txt(markup)
    return (text or "").replace("\n", "\n\n")


def local_target(link: str | None, folder: Path) -> Path | None:
    """The local file an entry links to (relative path or file: URL), if it exists."""
    if not link:
        return None
    parts = urlparse(link)
    if parts.scheme not in ("", "file"):
        return None
    target = Path(unquote(parts.path))
    if not target.is_absolute():
        target = folder / target
    return target if target.is_file() else None
