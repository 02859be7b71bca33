"""The command line as a user meets it: files written where promised, one
clear line for every problem, and the right exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest

BRIEFING = [sys.executable, "-m", "briefing.cli"]


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*BRIEFING, *args], capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def built(examples_dir: Path, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("out")
    return run("build", str(examples_dir), "-o", str(out), "-f", "pdf,html,json"), out


def test_build_writes_dated_pdf_html_and_json(built):
    result, out = built
    assert result.returncode == 0, result.stderr
    brief = json.loads(next(out.glob("*.json")).read_text())
    stem = f"{brief['as_of']}-"
    names = sorted(p.name for p in out.iterdir())
    assert [n.rsplit(".", 1)[1] for n in names] == ["html", "json", "pdf"]
    assert all(n.startswith(stem) for n in names)
    assert result.stdout.split() == [str(out / n) for n in (names[2], names[0], names[1])]


def test_pdf_text_read_back_has_claims_and_outlets(built):
    _, out = built
    brief = json.loads(next(out.glob("*.json")).read_text())
    pdf = pypdfium2.PdfDocument(next(out.glob("*.pdf")))
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pdf)
    for claim in brief["summary"]:
        assert " ".join(claim["text"].split())[:60] in text
    for source in brief["sources"]:
        if source["outlet"]:
            assert source["outlet"] in text


def test_html_links_every_claim_to_its_sources(built):
    _, out = built
    brief = json.loads(next(out.glob("*.json")).read_text())
    html = next(out.glob("*.html")).read_text()
    for source in brief["sources"]:
        assert f'id="src-{source["id"]}"' in html
    for claim in brief["summary"]:
        for support in claim["support"]:
            assert f'href="#src-{support["source"]}"' in html


def test_help_does_not_import_spacy_or_weasyprint():
    probe = "import sys, briefing.cli; print(any(m in sys.modules for m in ('spacy', 'weasyprint')))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


def test_missing_input_is_one_line_and_exit_1(tmp_path: Path):
    result = run("build", str(tmp_path / "nope"), "-o", str(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and "nope" in lines[-1]
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.pdf"))


def test_bad_file_among_good_ones_is_reported_and_skipped(examples_dir: Path, tmp_path: Path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for article in sorted(examples_dir.glob("*.md"))[:2]:
        (inputs / article.name).write_bytes(article.read_bytes())
    (inputs / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = run("build", str(inputs), "-o", str(tmp_path / "out"), "-f", "json")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "broken.txt" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning: ")
    brief = json.loads(next((tmp_path / "out").glob("*.json")).read_text())
    assert len(brief["sources"]) == 2


def test_unknown_format_is_a_usage_error(tmp_path: Path):
    result = run("build", str(tmp_path), "-f", "docx")
    assert result.returncode == 2
    assert "unknown format docx" in result.stderr


def test_summarize_respects_the_word_limit(examples_dir: Path):
    result = run("summarize", str(examples_dir), "--words", "60")
    assert result.returncode == 0, result.stderr
    words = result.stdout.split()
    assert 20 <= len(words) <= 60


def test_blank_title_is_a_usage_error(tmp_path: Path):
    result = run("build", str(tmp_path), "--title", "   ")
    assert result.returncode == 2
    assert "the title is empty" in result.stderr


def test_json_only_build_does_not_load_weasyprint(examples_dir: Path, tmp_path: Path):
    probe = (
        "import sys; from briefing.cli import main; "
        f"code = main(['build', {str(examples_dir)!r}, '-o', {str(tmp_path)!r}, '-f', 'json', '-q']); "
        "print(code, 'weasyprint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert result.stdout.split()[-2:] == ["0", "False"], result.stderr
    assert len(list(tmp_path.glob("*.json"))) == 1
