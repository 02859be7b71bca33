"""The input formats: one decoded file to article drafts, per format: plain
text, Markdown with front matter, HTML (trafilatura), JSON Lines, RSS/Atom
feeds (feedparser), OPML lists of feeds, and any format an installed package
adds.

Input is a file's text and path; output is ``Article`` drafts (id still
empty, raw text, metadata hints) and ``Skipped`` entries for unusable parts.

``READERS``, at the end, is the one list of formats: each is registered under
its suffixes and the rule that recognises its text when the suffix says
nothing. To add a format, write its ``parse(text, path)`` and add it there
(or, from another package, declare an ``InputFormat`` in the entry-point
group ``briefing.readers``; see ``briefing.plugins``).
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
import xml.sax
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from briefing.written_dates import parse_date
from briefing.model import Article, Skipped
from briefing.plugins import BUILT_IN, Registry
from briefing.read.front_matter import split_front_matter

MARKDOWN_LINK = re.compile(r"!?\[([^\[\]\n]{0,300})\]\([^()\s]{0,500}\)")
MARKDOWN_STRONG = re.compile(r"(?<!\w)(\*\*|\*)(?=\S)([^*\n]{1,300}?)(?<=\S)\1(?!\w)")
MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

log = logging.getLogger("briefing")

NOT_NAMED_OPML = "an OPML list of feeds is read only when named as an input, not found in a folder"

JSON_TYPES = {list: "list", str: "string", int: "number", float: "number", bool: "boolean", dict: "object"}

PageFetcher = Callable[[Sequence[str]], "dict[str, Article]"]
"""Entry links to the articles fetched from them (the links that gave none left out)."""


@dataclass
class Parsed:
    """What one file gave: article drafts, and the parts that had to be skipped."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def parse_plain(text: str, path: str, fmt: str = "txt") -> Article:
    """Plain text; a front-matter block is honoured here too, since people put one in .txt files."""
    fields, body = split_front_matter(text, path)
    return article_from_fields(fields, body, path, fmt)


def parse_markdown(text: str, path: str) -> Article:
    """Markdown: front matter for metadata, a top heading as title, link and emphasis markup removed."""
    fields, body = split_front_matter(text, path, headers=True)
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
    import trafilatura  # here, not at the top: a folder of text and JSON Lines never pays its import

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


def parse_feed(text: str, path: str, *, base: str | None = None, fetch_pages: PageFetcher | None = None) -> Parsed:
    """Each feed entry is an article: its content, or for an entry that carries only a
    summary, the page its link names when ``fetch_pages`` fetches it (a feed given by
    URL; never a local path or ``file:`` link). ``base`` is the feed's own URL, against
    which relative links are resolved.

    A malformed feed gives what feedparser recovers from it; when that is nothing
    readable, the file is reported as unreadable rather than entry by entry."""
    # A stream, not a string: feedparser opens a string that looks like a path or URL.
    import feedparser

    feed = feedparser.parse(io.BytesIO(text.encode("utf-8")), response_headers={"content-location": base} if base else None)
    parsed = Parsed()
    outlet = feed.feed.get("title") or None
    if not feed.entries:
        reason = "feed without entries" if not feed.bozo else f"unreadable feed ({feed.bozo_exception})"
        parsed.skipped.append(Skipped(path, reason))
        return parsed
    summary_only = [entry.get("link") for entry in feed.entries if entry.get("link") and not entry.get("content")]
    pages = fetch_pages(summary_only) if (fetch_pages is not None and summary_only) else {}
    for number, entry in enumerate(feed.entries, start=1):
        where = f"{path}#{number}"
        published = entry_published = entry_date(entry)
        body, fmt, title, hint_outlet = entry_text(entry), "feed", entry.get("title"), outlet
        page = pages.get(entry.get("link"))
        if page is not None and len(page.text) > len(body):
            body, fmt = page.text, page.raw_format
            title = title or page.title
            hint_outlet = page.outlet or outlet
            published = published or page.published
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
                date_basis=("feed" if entry_published else "html") if published else "none",
                raw_format=fmt,
            )
        )
    if not parsed.articles and isinstance(feed.get("bozo_exception"), xml.sax.SAXException):
        return Parsed(skipped=[Skipped(path, f"unreadable feed ({feed.get('bozo_exception')})")])
    return parsed


def opml_feeds(text: str) -> tuple[list[str], str | None]:
    """The feed URLs an OPML subscription list names (each outline's ``xmlUrl``, in
    order, once each), or the reason it is not one. Entities are never expanded."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(XML_DECLARATION.sub("", text, count=1), parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        return [], f"unreadable OPML ({str(error).splitlines()[0] if str(error) else 'not XML'})"
    if etree.QName(root).localname.lower() != "opml":
        return [], "not an OPML document"
    urls = []
    for outline in root.iter("{*}outline"):
        url = next((value for name, value in outline.attrib.items() if name.lower() == "xmlurl"), "").strip()
        if url:
            urls.append(url)
    return list(dict.fromkeys(urls)), None


def parse_opml(text: str, path: str) -> Parsed:
    """An OPML list read as a document gives nothing: its feeds are fetched by the
    reader, and only when the user named the list (``read.Reader.read_opml``)."""
    return Parsed(skipped=[Skipped(path, NOT_NAMED_OPML)])


def entry_date(entry) -> date | None:
    """The entry's publication (or else update) date as feedparser parsed it."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value: time.struct_time | None = entry.get(key)
        if value:
            return date(value.tm_year, value.tm_mon, value.tm_mday)
    return None


def entry_text(entry) -> str:
    """The fullest text an entry carries (content over summary), HTML turned to text by trafilatura."""
    import trafilatura

    candidates = [part.get("value", "") for part in entry.get("content", [])]
    candidates.append(entry.get("summary", ""))
    markup = max(candidates, key=len, default="")
    if "<" not in markup:
        return markup
    document = trafilatura.bare_extraction(f"<html><body>{markup}</body></html>", favor_recall=True)
    text = document.text if document is not None and document.text else trafilatura.html2txt(markup)
    return (text or "").replace("\n", "\n\n")


def looks_like_opml(head: str) -> bool:
    return head.startswith("<opml") or head.startswith("<?xml") and "<opml" in head


def looks_like_feed(head: str) -> bool:
    return head.startswith(("<?xml", "<rss", "<feed")) and any(tag in head for tag in ("<rss", "<feed", "<rdf"))


def looks_like_html(head: str) -> bool:
    """A web page, or (tried after feeds) an XML document that is not a feed."""
    return head.startswith(("<?xml", "<rss", "<feed", "<!doctype html", "<html")) or "<body" in head


def looks_like_jsonl(head: str) -> bool:
    return head.startswith("{") and head.split("\n", 1)[0].rstrip().endswith("}")


def looks_like_front_matter(head: str) -> bool:
    return head.startswith(("---\n", "+++\n"))


SNIFF_CHARACTERS = 1000
FALLBACK = "txt"
"""The format of a file that neither its suffix nor its first characters place."""

Parse = Callable[..., "Parsed | Article | Iterable[Article]"]


@dataclass(frozen=True)
class InputFormat:
    """One input format: the suffixes that name its files, the rule that recognises its
    text otherwise, and the function that reads it.

    ``parse(text, path)`` returns an ``Article``, several, or a ``Parsed`` (articles and
    skipped parts); ``sniff(head)`` gets the first characters, lower-cased, leading blanks
    stripped. ``shares`` lists suffixes of other formats under which this one is still
    told by its text (an OPML list saved as ``.xml``). With ``follows_links`` (feeds),
    ``parse`` also takes ``base=`` (the URL the document came from, or None) and
    ``fetch_pages=``, which fetches the http(s) pages entries link to; it is given
    only for a document fetched by URL, so a file on disk never leads to a fetch, and
    no link is ever read as a local file. A ``binary`` format (a zip, an office
    document) is found by its suffix only and ``parse`` gets the file's bytes."""

    name: str
    suffixes: tuple[str, ...]
    parse: Parse
    sniff: Callable[[str], bool] | None = None
    description: str = ""
    follows_links: bool = False
    binary: bool = False
    shares: tuple[str, ...] = ()
    origin: str = BUILT_IN

    def __post_init__(self) -> None:
        for name in ("suffixes", "shares"):
            suffixes = (getattr(self, name),) if isinstance(getattr(self, name), str) else getattr(self, name)
            object.__setattr__(self, name, tuple("." + suffix.lower().lstrip(".") for suffix in suffixes))


class Readers(Registry[InputFormat]):
    """The input formats: found by suffix, else by sniffing in registration order, else plain text."""

    def clash(self, entry: InputFormat) -> str | None:
        taken = [suffix for suffix in entry.suffixes if self.for_suffix(suffix, load=False)]
        if taken:
            owner = self.for_suffix(taken[0], load=False)
            return f"the suffix {taken[0]} is read by {owner.name} ({owner.origin})"
        return super().clash(entry)

    def for_suffix(self, suffix: str, *, load: bool = True) -> InputFormat | None:
        """The format registered for a file suffix (".html"), if any."""
        if load:
            self.load_plugins()
        return next((entry for entry in self.entries.values() if suffix.lower() in entry.suffixes), None)

    def sniff(self, text: str, suffix: str) -> InputFormat:
        """The format named by the suffix (unless the text shows one that ``shares`` it),
        else the first whose rule recognises the text, else plain text."""
        head = text.lstrip()[:SNIFF_CHARACTERS].lower()
        sniffable = [entry for entry in self if entry.sniff is not None and not entry.binary]
        sharing = (entry for entry in sniffable if suffix.lower() in entry.shares and entry.sniff(head))
        by_suffix = next(sharing, None) or self.for_suffix(suffix)
        if by_suffix is not None:
            return by_suffix
        return next((entry for entry in sniffable if entry.sniff(head)), self.entries[FALLBACK])


def parse_document(
    text: str | bytes, path: str, fmt: InputFormat, *, base: str | None = None, fetch_pages: PageFetcher | None = None
) -> Parsed:
    """Read one file's text as ``fmt``; ``base`` and ``fetch_pages`` are for a document
    fetched by URL (see ``InputFormat``). A plugin's reader that fails costs that file, not the run."""
    try:
        if fmt.follows_links:
            return as_parsed(fmt.parse(text, path, base=base, fetch_pages=fetch_pages))
        return as_parsed(fmt.parse(text, path))
    except Exception as error:
        if fmt.origin == BUILT_IN:
            raise
        reason = f"the {fmt.name} reader of {fmt.origin} failed ({type(error).__name__}: {error})"
        return Parsed(skipped=[Skipped(path, reason)])


def as_parsed(result: Parsed | Article | Iterable[Article]) -> Parsed:
    """What a reader returned, as a ``Parsed``."""
    if isinstance(result, Parsed):
        return result
    articles = [result] if isinstance(result, Article) else list(result)
    strays = [type(item).__name__ for item in articles if not isinstance(item, Article)]
    if strays:
        raise TypeError(f"a reader must give Articles, not {strays[0]}")
    return Parsed(articles)


READERS = Readers(
    "briefing.readers",
    InputFormat,
    (  # sniffing tries the rules in this order: OPML lists and feeds are XML too (an OPML
        # list has a <body>), so they come before web pages
        InputFormat("opml", (".opml",), parse_opml, looks_like_opml,
                    "OPML list of feeds: each feed fetched, when the list is named as an input",
                    shares=(".xml",)),
        InputFormat("feed", (".xml", ".rss", ".atom"), parse_feed, looks_like_feed,
                    "RSS or Atom feed: each entry an article (fetched by URL: a summary-only entry's page too)",
                    follows_links=True),
        InputFormat("html", (".html", ".htm", ".xhtml"), parse_html, looks_like_html,
                    "web page: main text and metadata by trafilatura"),
        InputFormat("jsonl", (".jsonl", ".ndjson"), parse_jsonl, looks_like_jsonl,
                    "JSON Lines: one article a line (text, title, outlet, url, date)"),
        InputFormat("md", (".md", ".markdown"), parse_markdown, looks_like_front_matter,
                    "Markdown; front matter gives title, outlet, url, date"),
        InputFormat(FALLBACK, (".txt", ".text"), parse_plain, None,
                    "plain text (front matter honoured); also any file not recognised"),
    ),
)
