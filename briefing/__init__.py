"""briefing: news articles in, a dated and attributed briefing note out.

The public API is two functions, ``build`` and ``render``; both are imported
lazily so that ``briefing --help`` does not pay for spaCy and WeasyPrint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from briefing.version import __version__

__all__ = ["build", "render", "BriefingError", "__version__"]

from briefing.errors import BriefingError

if TYPE_CHECKING:
    from briefing.pipeline import build
    from briefing.render import render


def __getattr__(name: str) -> Any:
    if name == "build":
        from briefing.pipeline import build

        return build
    if name == "render":
        from briefing.render import render

        return render
    raise AttributeError(f"module 'briefing' has no attribute {name!r}")
