"""The package's own import graph, read from its source with ``ast``.

The fact cache's key must cover every module whose code can change a fact;
deriving that set from the imports, instead of a hand-kept list, means a new
dependency of the extractor (as ``dates`` came to use ``clean``) is covered
the day it is written.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

PACKAGE = "briefing"
PACKAGE_DIR = Path(__file__).resolve().parent


def module_path(module: str, root: Path = PACKAGE_DIR) -> Path | None:
    """The file of ``briefing.x.y`` (a module or a package's ``__init__``), None when it is not ours."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=None)  # a build asks for several stages' code, which share most modules
def imported_modules(path: Path, module: str) -> frozenset[str]:
    """Every ``briefing`` module ``path`` imports, at the top or inside a function
    (lazy imports run too), but not under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # "from briefing.clean import published"
    return frozenset(name for name in found if name.split(".")[0] == PACKAGE)


def _runtime_nodes(tree: ast.AST) -> Iterable[ast.AST]:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@lru_cache(maxsize=4)
def modules_reached(roots: tuple[str, ...], root: Path = PACKAGE_DIR) -> tuple[Path, ...]:
    """The files of ``roots`` and of every package module they import, directly or not.

    Importing ``briefing.clean.published`` runs ``briefing/clean/__init__.py`` too, so a
    package's ``__init__`` counts (and what it imports). The top package's ``__init__``
    is the exception: it only names the public API, lazily, and its version is in the
    cache key on its own.
    """
    seen: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        path = module_path(module, root)
        if path is None:
            continue
        seen[module] = path
        parents = module.split(".")
        todo.extend(".".join(parents[:end]) for end in range(2, len(parents)))
        todo.extend(imported_modules(path, module))
    return tuple(sorted(set(seen.values())))
