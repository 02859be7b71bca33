"""Formats as registries: every built-in format registered once, and formats
from other packages, declared as entry points, used by ``briefing build``.

A plugin here is a real installed distribution as pip leaves it: a module and
a ``*.dist-info`` folder (METADATA, entry_points.txt) on the path.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from briefing.errors import RenderError
from briefing.jsonform import brief_to_json
from briefing.model import Article
from briefing.read import READERS, InputFormat, read_inputs
from briefing.read.formats import parse_document
from briefing.render import RENDERERS, OutputFormat, RenderOptions, output_path, render_bytes
from briefing.render.formats import BUILTIN_RENDERERS, Renderers
from sample_brief import sample_brief

ROOT = Path(__file__).resolve().parent.parent

ONELINE = '''
from briefing.render import OutputFormat

def render(brief, options):
    return f"{brief.as_of}: {brief.title} ({len(brief.sources)} sources)\\n"

ONELINE = OutputFormat("oneline", ".oneline.txt", render, "the brief in one line")
'''

NFO = '''
from briefing.model import Article
from briefing.read import InputFormat

def parse(text, path):
    """A scene .nfo: a banner of ~ lines, "Outlet: X" and "Title: Y" lines, then the text."""
    lines = [line for line in text.splitlines() if not line.startswith("~")]
    fields = dict(line.split(": ", 1) for line in lines[:2])
    return Article(id="", path=path, text="\\n".join(lines[2:]), title=fields["Title"],
                   outlet=fields["Outlet"], raw_format="nfo")

NFO = InputFormat("nfo", (".nfo",), parse, description="scene release notes")
'''


def install(site: Path, distribution: str, module: str, source: str, entry_points: str) -> None:
    """Install a one-module distribution into ``site`` the way pip would lay it out."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{module}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points), encoding="utf-8")


def briefing_with(site: Path, *args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(site)]), "BRIEFING_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "briefing.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site-packages")
    install(site, "briefing-oneline", "briefing_oneline", ONELINE, """
        [briefing.renderers]
        oneline = briefing_oneline:ONELINE
    """)
    install(site, "briefing-nfo", "briefing_nfo", NFO, """
        [briefing.readers]
        nfo = briefing_nfo:NFO
    """)
    return site


@pytest.fixture(scope="module")
def built_with_plugins(plugin_site: Path, examples_dir: Path, tmp_path_factory):
    """One build of the examples and an .nfo release note, to the plugin's format and JSON."""
    notes = tmp_path_factory.mktemp("notes")
    (notes / "release.nfo").write_text(
        "~~~~~~~~~~~~~~~~~~~~\nOutlet: Scene Wire\nTitle: Pipeline cracked\n~~~~~~~~~~~~~~~~~~~~\n"
        "Tarvia and Dovrenia signed the Trans-Steppe gas pipeline deal in Vostan on Tuesday.\n",
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("out")
    result = briefing_with(plugin_site, "build", str(examples_dir), str(notes), "-f", "oneline,json", "-o", str(out),
                           cache=tmp_path_factory.mktemp("cache"))
    return result, out


def test_the_built_in_formats_are_registered_once_each():
    assert READERS.names()[:6] == ("opml", "feed", "html", "jsonl", "md", "txt")
    assert RENDERERS.names()[:6] == ("pdf", "html", "email", "eml", "md", "json")
    assert RENDERERS.choices()[:5] == ("pdf", "html", "email", "md", "json")  # .eml comes with email
    assert RENDERERS.written_with("email") == ("email", "eml")
    assert READERS.for_suffix(".HTM").name == "html" and READERS.for_suffix(".nfo-none") is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('<?xml version="1.0"?><opml version="2.0"><head/><body><outline xmlUrl="https://a.example/feed"/>', "opml"),
        ('<?xml version="1.0"?><rss version="2.0"><channel>', "feed"),
        ('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "html"),
        ("<!DOCTYPE html><html><body><p>Text</p>", "html"),
        ('{"text": "Talks resumed.", "outlet": "APW"}\n', "jsonl"),
        ("---\ntitle: Talks\n---\nText.", "md"),
        ("Just words.", "txt"),
    ],
)
def test_text_without_a_known_suffix_is_recognised_by_the_rules_in_order(text: str, name: str):
    assert READERS.sniff(text, ".unknown").name == name


def test_an_output_format_gives_its_extension_and_its_bytes():
    brief = sample_brief()
    assert output_path(brief, Path("out"), "email").name.endswith(".email.html")
    assert render_bytes(brief, "json") == brief_to_json(brief).encode("utf-8")
    with pytest.raises(RenderError, match="docx: unknown format"):
        render_bytes(brief, "docx")


def test_help_looks_up_no_plugins():
    """Entry points are read when a registry is first asked, so ``briefing --help`` stays fast."""
    probe = "import sys, briefing.cli; print(sorted(m for m in ('importlib.metadata', 'briefing.plugins') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_briefing_formats_lists_what_is_installed(plugin_site: Path, tmp_path: Path):
    result = briefing_with(plugin_site, "formats", cache=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    for name in ("feed", "html", "jsonl", "md", "txt", "pdf", "email", "eml", "json"):
        assert any(line.split()[0] == name for line in lines[1:]), name
    assert any(line.split()[:2] == ["nfo", ".nfo"] and line.endswith("[from briefing-nfo]") for line in lines)
    assert any(line.split()[:2] == ["oneline", ".oneline.txt"] and line.endswith("[from briefing-oneline]") for line in lines)


def test_build_writes_a_format_another_package_installed(built_with_plugins):
    result, out = built_with_plugins
    assert result.returncode == 0, result.stderr
    brief = json.loads(next(out.glob("*.json")).read_text())
    [written] = out.glob("*.oneline.txt")
    assert written.read_text() == f"{brief['as_of']}: {brief['title']} ({len(brief['sources'])} sources)\n"
    assert str(written) in result.stdout.split()


def test_build_reads_a_format_another_package_installed(built_with_plugins):
    result, out = built_with_plugins
    assert result.returncode == 0, result.stderr
    sources = json.loads(next(out.glob("*.json")).read_text())["sources"]
    [note] = [source for source in sources if source["path"].endswith("release.nfo")]
    assert (note["outlet"], note["title"]) == ("Scene Wire", "Pipeline cracked")  # read by the plugin, not as text


def test_unknown_format_names_the_installed_ones(plugin_site: Path, examples_dir: Path, tmp_path: Path):
    result = briefing_with(plugin_site, "build", str(examples_dir), "-f", "docx", cache=tmp_path)
    assert result.returncode == 2
    assert "unknown format docx; choose from pdf, html, email, md, json, oneline" in result.stderr


BROKEN = '''
from briefing.render import OutputFormat

def render(brief, options):
    return b""

NOT_A_FORMAT = render
TAKES_HTML = OutputFormat("html", ".htm", render)
'''


def test_a_broken_plugin_is_one_warning_and_the_rest_still_works(tmp_path: Path, monkeypatch, caplog):
    install(tmp_path, "briefing-broken", "briefing_broken", BROKEN, """
        [briefing.renderers]
        missing = briefing_no_such_module:FORMAT
        function = briefing_broken:NOT_A_FORMAT
        html = briefing_broken:TAKES_HTML
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    renderers = Renderers("briefing.renderers", OutputFormat, BUILTIN_RENDERERS)
    with caplog.at_level(logging.WARNING, logger="briefing"):
        assert renderers.names() == RENDERERS.names()
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 3 and all("\n" not in warning for warning in warnings)
    assert any("'missing'" in warning and "cannot be loaded (ModuleNotFoundError" in warning for warning in warnings)
    assert any("'function'" in warning and "is a function, not an OutputFormat" in warning for warning in warnings)
    assert any("'html'" in warning and "the name 'html' is taken by briefing" in warning for warning in warnings)
    assert renderers.find("html").extension == ".html"


def test_a_broken_plugin_on_the_command_line_is_one_warning_line(tmp_path: Path):
    """-f loads the renderers while the options are parsed: the warning is already one prefixed line."""
    install(tmp_path / "site", "briefing-broken", "briefing_broken", BROKEN, """
        [briefing.renderers]
        missing = briefing_no_such_module:FORMAT
    """)
    result = briefing_with(tmp_path / "site", "build", str(tmp_path / "absent.txt"), "-f", "json", cache=tmp_path)
    warnings = [line for line in result.stderr.splitlines() if "briefing.renderers" in line]
    assert warnings == [
        "warning: briefing.renderers plugin 'missing' (briefing_no_such_module:FORMAT): cannot be loaded "
        "(ModuleNotFoundError: No module named 'briefing_no_such_module'); left out"
    ]
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_a_plugin_reader_that_fails_costs_its_file_not_the_run(tmp_path: Path):
    def explode(text: str, path: str) -> Article:
        raise ValueError("no banner")

    broken = InputFormat("nfo", (".nfo",), explode, origin="briefing-nfo")
    parsed = parse_document("text", "a.nfo", broken)
    assert parsed.articles == []
    assert [(skipped.path, skipped.reason) for skipped in parsed.skipped] == [
        ("a.nfo", "the nfo reader of briefing-nfo failed (ValueError: no banner)")
    ]


def test_a_plugin_reader_may_claim_a_suffix_kept_for_data_files(tmp_path: Path, monkeypatch):
    """A .csv file in a folder is data and left out, unless an installed reader reads .csv."""
    (tmp_path / "notes.csv").write_text("Tarvia signed the deal.\n", encoding="utf-8")
    assert read_inputs([tmp_path]).articles == ()
    reader = InputFormat("csv", (".csv",), lambda text, path: Article(id="", path=path, text=text), origin="briefing-csv")
    monkeypatch.setitem(READERS.entries, "csv", reader)
    [article] = read_inputs([tmp_path]).articles
    assert article.path.endswith("notes.csv")


def test_a_binary_format_gets_the_files_bytes(tmp_path: Path, monkeypatch):
    """A .gz file is refused as binary, until a reader for .gz decodes it itself."""
    (tmp_path / "story.txt.gz").write_bytes(gzip.compress("Tarvia signed the deal on Tuesday.\n".encode()))
    assert [skipped.reason for skipped in read_inputs([tmp_path]).skipped] == ["binary file (gzip archive)"]

    def gunzip(data: bytes, path: str) -> Article:
        return Article(id="", path=path, text=gzip.decompress(data).decode("utf-8"), raw_format="gz")

    monkeypatch.setitem(READERS.entries, "gz", InputFormat("gz", (".gz",), gunzip, binary=True, origin="briefing-gz"))
    [article] = read_inputs([tmp_path]).articles
    assert article.text == "Tarvia signed the deal on Tuesday.\n"


def test_a_plugin_renderer_that_fails_is_a_render_error(monkeypatch):
    def explode(brief, options):
        raise KeyError("layout")

    monkeypatch.setitem(RENDERERS.entries, "boom", OutputFormat("boom", ".boom", explode, origin="briefing-boom"))
    with pytest.raises(RenderError, match=r"boom: the renderer of briefing-boom failed \(KeyError: 'layout'\)"):
        render_bytes(sample_brief(), "boom", options=RenderOptions())
