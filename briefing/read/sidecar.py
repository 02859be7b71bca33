"""Sidecar metadata for the read stage: ``sources.toml`` or ``sources.csv``
in an input folder maps file names to outlet, url and date.

Input is a folder; output is a mapping file name -> fields, applied to the
article drafts read from that folder (sidecar values win over what the file
itself says, since the user wrote them on purpose).

sources.toml::

    ["a.txt"]
    outlet = "Dawn"
    url = "https://www.dawn.com/news/1"
    date = 2021-04-07

sources.csv has a header row ``file,outlet,url,date``.
"""

from __future__ import annotations

import csv
import io
import logging
import tomllib
from dataclasses import replace
from datetime import date
from pathlib import Path

from briefing.written_dates import parse_date
from briefing.model import Article, Skipped

log = logging.getLogger("briefing")

SIDECAR_NAMES = ("sources.toml", "sources.csv")
FIELDS = ("title", "outlet", "url", "date")

Sidecar = dict[str, dict[str, str]]


def load_sidecar(folder: Path) -> tuple[Sidecar, list[Skipped]]:
    """The folder's sidecar mapping (empty when there is none) and any problem reading it."""
    mapping: Sidecar = {}
    problems: list[Skipped] = []
    for name in SIDECAR_NAMES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
            mapping.update(parse_toml(text) if name.endswith(".toml") else parse_csv(text))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, csv.Error, ValueError) as error:
            problems.append(Skipped(str(path), f"sidecar not used ({error})"))
        except RecursionError:
            problems.append(Skipped(str(path), "sidecar not used (nested too deeply)"))
    return mapping, problems


def parse_toml(text: str) -> Sidecar:
    """``[file name]`` tables of outlet/url/date/title."""
    return {
        str(name): {key: stringify(value) for key, value in table.items() if key in FIELDS}
        for name, table in tomllib.loads(text).items()
        if isinstance(table, dict)
    }


def parse_csv(text: str) -> Sidecar:
    """Rows of file,outlet,url,date (header row required)."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "file" not in [name.strip().lower() for name in reader.fieldnames]:
        raise ValueError('no "file" column in the header row')
    mapping: Sidecar = {}
    for row in reader:
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
        if row.get("file"):
            mapping[row["file"]] = {key: row[key] for key in FIELDS if row.get(key)}
    return mapping


def stringify(value: object) -> str:
    """TOML dates arrive as date objects; everything else as written."""
    return value.isoformat() if isinstance(value, date) else str(value)


def apply_sidecar(article: Article, fields: dict[str, str] | None) -> Article:
    """The draft with the sidecar's fields filled in over its own hints."""
    if not fields:
        return article
    published = parse_date(fields["date"]) if fields.get("date") else None
    if fields.get("date") and published is None:
        log.warning("%s: sidecar date %r is not a real date; not used", article.path, fields["date"])
    return replace(
        article,
        title=fields.get("title") or article.title,
        outlet=fields.get("outlet") or article.outlet,
        url=fields.get("url") or article.url,
        published=published or article.published,
        date_basis="front_matter" if published else article.date_basis,
    )
