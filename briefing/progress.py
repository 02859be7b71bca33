"""Progress of a long run: the pipeline says which stage it is in and how far
it has got; the command line shows that on a terminal.

The library takes a ``Progress`` (the default shows nothing) so that it
never writes to the terminal itself. ``TerminalProgress`` draws one tqdm bar
at a time on stderr; tqdm is imported only when a bar is first drawn, so
``briefing --help`` does not pay for it.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO


class Progress:
    """Where a run is: ``stage`` starts a step (with its size when known),
    ``advance`` counts work done in it, ``close`` ends the last one. This
    base class shows nothing."""

    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        """Start the step ``name``; ``total`` units of ``unit`` when it has a known size."""

    def advance(self, count: int = 1) -> None:
        """``count`` more units of the current step are done."""

    def close(self) -> None:
        """The run is over: take the display away."""


SILENT = Progress()

COUNTED = "{{desc}}: {{n_fmt}} of {{total_fmt}} {unit}s {{bar:20}} {{rate_noinv_fmt}}, {{remaining}} left"
UNCOUNTED = "{desc}…"


class TerminalProgress(Progress):
    """A tqdm bar on ``stream`` for each stage: ``analysing: 230 of 516 articles
    ███▌ 14.10 article/s, 00:20 left``. Bars are cleared when their stage ends,
    so the terminal keeps only the log lines."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.bar = None

    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        from tqdm import tqdm

        self.close()
        counted = total is not None
        unit = unit or "item"
        sized = terminal_columns(self.stream) > 0  # a terminal that says 0 columns would show nothing
        self.bar = tqdm(
            total=total,
            desc=name,
            unit=f" {unit}",  # "14.10 article/s"
            file=self.stream,
            leave=False,
            dynamic_ncols=sized,
            ncols=None if sized else 80,
            nrows=None if sized else 20,
            bar_format=COUNTED.format(unit=unit) if counted else UNCOUNTED,
            mininterval=0.2,
        )

    def advance(self, count: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def terminal_columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 0
