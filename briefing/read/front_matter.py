"""Front matter of Markdown and text files, read by python-frontmatter: YAML
between ``---`` lines (Jekyll, Hugo, Eleventy), TOML between ``+++`` lines
(Hugo, Zola) and, in Markdown, the ``Key: value`` header lines Pelican and
MultiMarkdown write before the first blank line.

Input is a file's text and path; output is the metadata fields the reader
uses (title, outlet, url, date, as strings) and the body. Front matter that
does not parse is one warning line and the file is read as text.
"""

from __future__ import annotations

import logging
import re
import tomllib
from datetime import date, datetime

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler, YAMLHandler

log = logging.getLogger("briefing")

FIELD_NAMES = {
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
EMPTY_VALUES = {"", "null", "~", "none"}

HEADER_LINE = re.compile(r"^([A-Za-z][\w -]{0,40}?)[ \t]*:[ \t]+(\S.*)$")
CONTINUATION_LINE = re.compile(r"^[ \t]+\S")


class TextDateLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader, leaving dates as written: the reader's date parser then reads
    them like every other date, and an impossible one (31 February) is reported as a
    bad date, not as bad YAML."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


class YAMLTextDateHandler(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> object:
        return yaml.load(fm, Loader=TextDateLoader)


class TOMLHandler(BaseHandler):
    """``+++`` blocks, parsed by the standard library's tomllib (python-frontmatter's
    own TOML handler needs the unmaintained ``toml`` package)."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> dict:
        return tomllib.loads(fm)


HANDLERS = {"YAML": YAMLTextDateHandler(), "TOML": TOMLHandler()}
LOAD_ERRORS = (yaml.YAMLError, tomllib.TOMLDecodeError, RecursionError, ValueError, TypeError)


def split_front_matter(text: str, path: str, *, headers: bool = False) -> tuple[dict[str, str], str]:
    """The metadata fields and the body; with ``headers``, Pelican/MultiMarkdown
    ``Key: value`` lines count as front matter too (Markdown files)."""
    head = text.lstrip("\n")
    handler = frontmatter.detect_format(head, HANDLERS.values())
    if handler is None:
        return header_fields(text) if headers else ({}, text)
    try:
        block, body = handler.split(head)
    except ValueError:
        return {}, text  # an opening rule and no closing one: a rule, not front matter
    kind = next(name for name, known in HANDLERS.items() if known is handler)
    try:
        metadata = handler.load(block)
    except LOAD_ERRORS as error:
        log.warning("%s: front matter is not valid %s (%s); read as text", path, kind, first_line(error))
        return {}, text
    if not isinstance(metadata, dict):
        return {}, text  # a paragraph between two rules, not front matter
    return fields_of(metadata), body.lstrip("\n")


def header_fields(text: str) -> tuple[dict[str, str], str]:
    """Pelican/MultiMarkdown metadata: ``Key: value`` lines (indented lines continue the
    value) up to the first blank line. Only when every line of that first block is one
    and a key names a field we use, so a dateline ("LONDON: ...") stays text."""
    block, _, body = text.lstrip("\n").partition("\n\n")
    metadata: dict[str, str] = {}
    key = None
    for line in block.split("\n"):
        match = HEADER_LINE.match(line)
        if match:
            key = match.group(1).replace(" ", "").lower()
            metadata[key] = match.group(2).strip()
        elif key is not None and CONTINUATION_LINE.match(line):
            metadata[key] += " " + line.strip()
        else:
            return {}, text
    fields = fields_of(metadata)
    if not fields:
        return {}, text
    return fields, body.lstrip("\n")


def fields_of(metadata: dict) -> dict[str, str]:
    """The fields we use (the first of synonyms in the file wins), as strings;
    lists and tables (tags, categories, params) are not fields we use."""
    fields: dict[str, str] = {}
    for key, value in metadata.items():
        name = FIELD_NAMES.get(str(key).lower())
        text = scalar_text(value)
        if name and text is not None:
            fields.setdefault(name, text)
    return fields


def scalar_text(value: object) -> str | None:
    """A YAML/TOML scalar as text: dates in ISO form; None for lists, tables, booleans and empties."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value).strip()
    return None if text.lower() in EMPTY_VALUES else text


def first_line(error: Exception) -> str:
    """A parser's message without its multi-line context."""
    problem = getattr(error, "problem", None)
    mark = getattr(error, "problem_mark", None)
    if problem:
        return f"{problem}, line {mark.line + 2}" if mark is not None else str(problem)
    return (str(error).strip().split("\n") or [type(error).__name__])[0] or type(error).__name__
