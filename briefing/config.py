"""Project file: ``briefing.toml`` in, ``ProjectSettings`` out.

A recurring brief keeps its inputs, title, formats, outputs and email
settings in ``briefing.toml`` (DESIGN.md, "Project file"), so the daily run
is ``briefing build``. Options on the command line override the file; the
CLI does that merge. Paths in the file are relative to the file's folder.
Passwords are refused: the SMTP login comes only from the environment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.errors import ConfigError, ThemesError

PROJECT_FILE = "briefing.toml"
PAPER_SIZES = ("A4", "Letter")
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@dataclass(frozen=True)
class EmailSettings:
    """The ``[email]`` table: where ``briefing email`` sends the brief."""

    to: tuple[str, ...] = ()
    sender: str | None = None  # the file's ``from`` (a Python keyword)
    smtp: str | None = None
    unsubscribe: str | None = None


@dataclass(frozen=True)
class ProjectSettings:
    """What a project file says; ``None`` (or empty) where it says nothing."""

    source: Path | None = None  # the file read; None when there is no project file
    inputs: tuple[str, ...] = ()
    title: str | None = None
    formats: tuple[str, ...] | None = None
    output: Path | None = None
    themes: Path | None = None
    aliases: Path | None = None
    organisation: str | None = None
    paper: str | None = None
    email: EmailSettings = field(default_factory=EmailSettings)


def find_project(config: Path | None = None, *, folder: Path | None = None) -> ProjectSettings:
    """The settings of ``config`` (which must exist), else of ``briefing.toml`` in
    ``folder`` (the working folder) when there is one, else no settings at all."""
    if config is not None:
        return load_project(Path(config))
    candidate = (folder or Path.cwd()) / PROJECT_FILE
    if candidate.is_file():
        return load_project(Path(PROJECT_FILE) if folder is None else candidate)
    return ProjectSettings()


def load_project(path: Path) -> ProjectSettings:
    """Read and check one project file; every problem is one ``ConfigError`` naming FILE:LINE."""
    from briefing.themes import read_toml

    if path.exists() and not path.is_file():  # a folder, a FIFO or a device is not a project file
        raise ConfigError(f"{path}: not a regular file")
    try:
        document = read_toml(path, str(path))
    except ThemesError as error:  # the TOML reader's one-line message, file and line included
        raise ConfigError(str(error)) from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a project file") from None
    return _Checker(path).settings(document)


class _Checker:
    """Turns the parsed document into settings, naming the line of the first wrong key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder = path.parent

    def settings(self, document: Mapping[str, Any]) -> ProjectSettings:
        fields = self.table(document, TOP_LEVEL, table=None)
        email = document.get("email", {})
        if not isinstance(email, dict):
            raise self.error("email", "'email' must be a table: [email] followed by to, from, smtp")
        email_fields = self.table(email, EMAIL_KEYS, table="email")
        return ProjectSettings(
            source=self.path,
            **{key: value for key, value in fields.items() if key != "email"},
            email=EmailSettings(**{EMAIL_FIELDS.get(key, key): value for key, value in email_fields.items()}),
        )

    def table(self, values: Mapping[str, Any], keys: Mapping[str, Callable], *, table: str | None) -> dict[str, Any]:
        checked = {}
        for key, value in values.items():
            if "password" in key.lower():
                raise self.error(key, f"'{key}': passwords never go in the project file; "
                                 "set BRIEFING_SMTP_USER and BRIEFING_SMTP_PASSWORD in the environment", table)
            if key not in keys:
                where = f"[{table}]" if table else "the top level"
                hint = "; top-level keys go before [email]" if table and key in TOP_LEVEL else ""
                raise self.error(key, f"unknown key '{key}' in {where} (expected {', '.join(keys)}){hint}", table)
            try:
                checked[key] = keys[key](self, value)
            except ValueError as problem:
                raise self.error(key, f"'{key}' {problem}", table) from None
        return checked

    def error(self, key: str, message: str, table: str | None = None) -> ConfigError:
        """The error at the line that sets ``key`` (or opens its table)."""
        from briefing.themes import where_in_toml

        name = str(self.path)
        header = f"[{table}]" if table else None
        where = where_in_toml(name, self.path, key, after=header)
        if where == name:  # not a ``key = value`` line: a [key] or [table.key] header
            where = where_in_toml(name, self.path, f"[{table}.{key}]" if table else f"[{key}]")
        return ConfigError(f"{where}: {message}")

    # Each checker returns the typed value or raises ValueError("must be ...").

    def text(self, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be a non-empty string")
        return " ".join(value.split())

    def texts(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(item, str) and item.strip() for item in value):
            raise ValueError("must be a list of non-empty strings")
        return tuple(item.strip() for item in value)

    def path_in_folder(self, value: Any) -> Path:
        """A path as written, ``~`` expanded, relative to the file's folder."""
        return self.folder / Path(self.text(value)).expanduser()

    def inputs(self, value: Any) -> tuple[str, ...]:
        """Files, folders and globs relative to the file's folder; URLs and ``-`` as written."""
        return tuple(item if item == "-" or URL.match(item) else str(self.path_in_folder(item)) for item in self.texts(value))

    def formats(self, value: Any) -> tuple[str, ...]:
        from briefing.render import RENDERERS  # the registry, plugins included

        choices = RENDERERS.choices()
        formats = tuple(dict.fromkeys(item.lower() for item in self.texts(value)))
        unknown = [name for name in formats if name not in choices]
        if unknown:
            raise ValueError(f"has unknown format {unknown[0]!r} (choose from {', '.join(choices)})")
        return formats

    def paper(self, value: Any) -> str:
        sizes = {size.lower(): size for size in PAPER_SIZES}
        if not isinstance(value, str) or value.lower() not in sizes:
            raise ValueError(f"must be one of {', '.join(PAPER_SIZES)}")
        return sizes[value.lower()]

    def table_marker(self, value: Any) -> Any:
        return value  # [email] is checked as a table of its own


TOP_LEVEL: dict[str, Callable[[_Checker, Any], Any]] = {
    "inputs": _Checker.inputs,
    "title": _Checker.text,
    "formats": _Checker.formats,
    "output": _Checker.path_in_folder,
    "themes": _Checker.path_in_folder,
    "aliases": _Checker.path_in_folder,
    "organisation": _Checker.text,
    "paper": _Checker.paper,
    "email": _Checker.table_marker,
}
EMAIL_KEYS: dict[str, Callable[[_Checker, Any], Any]] = {
    "to": _Checker.texts,
    "from": _Checker.text,
    "smtp": _Checker.text,
    "unsubscribe": _Checker.text,
}
EMAIL_FIELDS = {"from": "sender"}


def write_starter(path: Path) -> Path:
    """Write the commented starting project file (briefing/data/briefing.toml);
    never over an existing file."""
    from importlib.resources import files

    starter = (files("briefing") / "data" / PROJECT_FILE).read_text(encoding="utf-8")
    try:
        with open(path, "x", encoding="utf-8") as output:
            output.write(starter)
    except FileExistsError:
        raise ConfigError(f"{path}: already exists; edit it, or remove it first") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot write: {error.strerror or error}") from None
    return path
