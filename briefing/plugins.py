"""Registries of formats: the ones briefing ships, then the ones other packages add.

The read stage keeps a registry of ``InputFormat``s, the render stage one of
``OutputFormat``s. Another package adds a format by naming one such object in
an entry point of the group ``briefing.readers`` or ``briefing.renderers``::

    [project.entry-points."briefing.renderers"]
    oneline = "briefing_oneline:ONELINE"

Entry points are looked up the first time a registry is asked, never at
import, so ``briefing --help`` does not pay for them. A plugin that cannot be
loaded, is not a format, or takes a name (or suffix) already taken is one
warning line and left out; the built-in formats always keep their names.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Sequence
from typing import Generic, Protocol, TypeVar

log = logging.getLogger("briefing")

BUILT_IN = "briefing"
"""The ``origin`` of the formats shipped with briefing."""


class Format(Protocol):
    name: str
    origin: str


Entry = TypeVar("Entry", bound=Format)


class Registry(Generic[Entry]):
    """Formats by name, in order: built-in ones first, then plugins sorted by entry-point name."""

    def __init__(self, group: str, kind: type[Entry], builtins: Sequence[Entry]) -> None:
        self.group = group
        self.kind = kind
        self.entries: dict[str, Entry] = {}
        for entry in builtins:
            self.add(entry)
        self.plugins_loaded = False

    def __iter__(self) -> Iterator[Entry]:
        self.load_plugins()
        return iter(tuple(self.entries.values()))

    def get(self, name: str) -> Entry | None:
        self.load_plugins()
        return self.entries.get(name)

    def names(self) -> tuple[str, ...]:
        return tuple(entry.name for entry in self)

    def add(self, entry: Entry) -> None:
        """Register ``entry``; a clash with one already registered is a ValueError saying why."""
        problem = self.clash(entry)
        if problem:
            raise ValueError(problem)
        self.entries[entry.name] = entry

    def clash(self, entry: Entry) -> str | None:
        """Why ``entry`` cannot join the registry, or None. Subclasses add their own rules."""
        if entry.name in self.entries:
            return f"the name {entry.name!r} is taken by {self.entries[entry.name].origin}"
        return None

    def load_plugins(self) -> None:
        """Add the formats installed packages declare, once; each broken one is one warning."""
        if self.plugins_loaded:
            return
        self.plugins_loaded = True
        from importlib.metadata import entry_points

        try:
            found = sorted(entry_points(group=self.group), key=lambda point: point.name)
        except Exception as error:  # damaged package metadata must not stop a build
            log.warning("%s: cannot list the installed plugins (%s)", self.group, error)
            return
        for point in found:
            where = f"{self.group} plugin {point.name!r} ({point.value})"
            try:
                entry = point.load()
            except Exception as error:
                log.warning("%s: cannot be loaded (%s: %s); left out", where, type(error).__name__, error)
                continue
            if not isinstance(entry, self.kind):
                log.warning("%s: is a %s, not an %s; left out", where, type(entry).__name__, self.kind.__name__)
                continue
            origin = point.dist.name if point.dist is not None else point.value.partition(":")[0]
            try:
                self.add(dataclasses.replace(entry, origin=origin))
            except ValueError as clash:
                log.warning("%s: %s; left out", where, clash)
