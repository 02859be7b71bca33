"""The package's shape: stages only import forward, and nothing imports in a circle.

Read from the source with ``ast`` (what ``briefing.imports`` reads), lazy
imports inside functions included: a late import is still a dependency.
``from briefing.render import pdf`` is an edge to the module ``briefing.render.pdf``,
not to the package ``briefing.render``, whose names it does not use.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from briefing.imports import PACKAGE, PACKAGE_DIR, _runtime_nodes, module_path


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
    return ".".join((PACKAGE, *(parts[:-1] if parts[-1] == "__init__" else parts)))


def imports_of(path: Path) -> set[str]:
    """The package modules ``path`` needs, each named as precisely as the import statement allows."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            anchor = package.split(".")[: len(package.split(".")) - max(node.level - 1, 0)]
            base = ".".join([*anchor, node.module] if node.level and node.module else anchor) if node.level else node.module
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if module_path(submodule) else base)
    return {name for name in found if module_path(name) is not None and name != module}


GRAPH = {module_name(path): imports_of(path) for path in sorted(PACKAGE_DIR.rglob("*.py"))}
def reaches(start: str, goal: str, graph: dict[str, set[str]] = GRAPH) -> list[str] | None:
    """An import path from ``start`` to ``goal`` (both included), or None."""
    paths = {start: [start]}
    todo = [start]
    while todo:
        current = todo.pop(0)
        for target in sorted(graph.get(current, ())):
            if target == goal:
                return [*paths[current], goal]
            if target not in paths:
                paths[target] = [*paths[current], target]
                todo.append(target)
    return None


def in_stage(module: str, stage: str) -> bool:
    return module == f"{PACKAGE}.{stage}" or module.startswith(f"{PACKAGE}.{stage}.")


def stage_imports(stage: str, other: str) -> list[str]:
    """The import paths, direct or not, from modules of ``stage`` to modules of ``other``."""
    graph = GRAPH
    paths = (
        reaches(source, target, graph)
        for source in graph
        if in_stage(source, stage)
        for target in graph
        if in_stage(target, other)
    )
    return sorted(" -> ".join(path) for path in paths if path)


def test_the_graph_sees_the_package():
    """Guard: the test reads real edges, lazy and precise ones included."""
    assert "briefing.render.pdf" in GRAPH["briefing.render.formats"]  # a lazy import inside a function
    assert "briefing.render" not in GRAPH["briefing.render.formats"]  # "from briefing.render import pdf"
    assert "briefing.written_dates" in GRAPH["briefing.read.formats"]
    assert len(GRAPH) > 30


def test_no_module_reaches_itself_through_its_imports():
    assert [path for module in GRAPH if (path := reaches(module, module))] == []


def test_no_module_imports_the_package_init():
    """The version lives in briefing.version, so nothing needs the API module."""
    assert [module for module, targets in GRAPH.items() if PACKAGE in targets] == []


def test_the_package_init_imports_nothing_that_imports_it_back():
    assert reaches(PACKAGE, PACKAGE) is None


def test_read_does_not_reach_into_clean():
    assert stage_imports("read", "clean") == []


def test_mail_and_render_do_not_import_each_other():
    """Delivery may build on rendering, never the reverse: the .eml is rendered, then mail sends it."""
    assert stage_imports("render", "mail") == []


def test_compose_does_not_import_rank():
    assert stage_imports("compose", "rank") == []
