"""Every option of a build, as one frozen object (like black's ``Mode``).

The CLI, the project file and the Python API all make a ``BuildOptions``;
the pipeline, the engines and the caches read it (or the part of it they
need). No dict of options passes between functions.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

Engine = Literal["local", "dask"]
ENGINES: tuple[str, ...] = ("local", "dask")

_NOT_OUTPUT = {"output": False}
"""Field metadata: an option that changes where or how fast the work runs, never the brief."""


@dataclass(frozen=True)
class BuildOptions:
    """What a build may be told; every field has the default a bare ``briefing build`` uses."""

    title: str | None = None  # default: the two subjects most sources name
    as_of: date | None = None  # default: the newest publication date
    themes: Path | None = None  # a TOML taxonomy that extends (or replaces) the default
    replace_themes: bool = False
    aliases: Path | None = None  # extra entity aliases (TOML)
    model: str | None = None  # spaCy model; None: the fallback chain (see analyze)
    join_quotes: bool = True  # a multi-sentence quotation is one sentence (the brief); summarize keeps sentences
    offline: bool = False  # refuse every network access
    jobs: int | None = field(default=None, metadata=_NOT_OUTPUT)  # processes for spaCy; None: by corpus size
    cache: bool = field(default=True, metadata=_NOT_OUTPUT)  # use the analysis and brief caches
    engine: Engine = field(default="local", metadata=_NOT_OUTPUT)
    scheduler: str | None = field(default=None, metadata=_NOT_OUTPUT)  # Dask scheduler address
    since: Path | None = field(default=None, metadata=_NOT_OUTPUT)  # an earlier JSON brief: mark what changed

    def __post_init__(self) -> None:
        for name in ("themes", "aliases", "since"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))

    def replace(self, **changes: object) -> BuildOptions:
        return dataclasses.replace(self, **changes)

    def cache_key(self) -> str:
        """A digest of the options that can change the brief (not jobs, cache, engine or scheduler).

        The themes and aliases files enter by path here; their content enters the
        analysis context (see cache.analysis_context), so an edited file is seen too.
        """
        digest = hashlib.sha256()
        for option in dataclasses.fields(self):
            if option.metadata.get("output", True):
                digest.update(f"{option.name}={getattr(self, option.name)!r}\0".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()


def options_from(options: BuildOptions | None, changes: dict[str, object]) -> BuildOptions:
    """``options`` (or the defaults) with the keyword arguments of the convenience API applied."""
    unknown = set(changes) - {option.name for option in dataclasses.fields(BuildOptions)}
    if unknown:
        raise TypeError(f"unknown build option(s): {', '.join(sorted(unknown))}")
    return dataclasses.replace(options or BuildOptions(), **changes)
