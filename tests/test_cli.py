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


# Habits users know from other command-line tools ----------------------------------------


SUBCOMMANDS = ("build", "summarize", "email", "themes", "init", "completion")


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_command_help_has_examples_and_the_reading_commands_list_the_input_formats(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert "\nexamples:\n  briefing " + command in result.stdout
    if command in ("build", "summarize", "email"):
        for form in (".txt, .md", ".html", ".jsonl", "RSS or Atom", "- for stdin"):
            assert form in result.stdout


def test_verbose_and_quiet_work_before_and_after_the_command(tmp_path: Path):
    (tmp_path / "briefing.toml").write_text('title = "Desk"\n')  # reading it is said at -v
    said = "settings from briefing.toml"
    for args in (("-v", "themes"), ("themes", "-v"), ("--verbose", "themes")):
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 0 and said in result.stderr, args
    for args in (("themes",), ("-v", "themes", "-q"), ("-q", "themes")):
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 0 and result.stderr == "", args


def test_output_dash_writes_one_json_brief_to_stdout_and_no_folder(story: Path, tmp_path: Path):
    result = run("build", str(story), "-o", "-", "-f", "json", "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sources"][0]["outlet"] == "Dawn"
    assert not (tmp_path / "-").exists()


def test_output_dash_writes_html_into_a_pipe(story: Path, tmp_path: Path):
    result = run("build", str(story), "-o", "-", "-f", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.lower().startswith("<!doctype html") and "Dawn" in result.stdout


@pytest.mark.parametrize("formats, message", [
    ("json,md", "standard output takes one format, not json,md"),
    ("email", "email is two files"),
])
def test_output_dash_refuses_what_stdout_cannot_hold(story: Path, tmp_path: Path, formats, message):
    result = run("build", str(story), "-o", "-", "-f", formats, cwd=tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: -o -: {message}")
    assert result.stdout == "" and not (tmp_path / "-").exists()


def run_on_a_terminal(*args: str, stream: str, cwd: Path) -> tuple[int, str]:
    """Run with ``stream`` (stdout or stderr) on a pseudo-terminal; what it showed there."""
    import os
    import pty
    import threading

    leader, follower = pty.openpty()
    shown = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    other = "stderr" if stream == "stdout" else "stdout"
    process = subprocess.run([*BRIEFING, *args], **{stream: follower, other: subprocess.DEVNULL}, cwd=cwd, timeout=300)
    os.close(follower)
    reader.join(10)
    os.close(leader)
    return process.returncode, shown.decode("utf-8", "replace")


def test_output_dash_refuses_a_pdf_onto_a_terminal(story: Path, tmp_path: Path):
    code, shown = run_on_a_terminal("build", str(story), "-o", "-", "-f", "pdf", stream="stdout", cwd=tmp_path)
    assert code == 1 and shown == ""


def test_progress_shows_on_a_terminal_and_nowhere_else(story: Path, tmp_path: Path):
    code, shown = run_on_a_terminal("build", str(story), "-f", "json", "-o", "out", "--no-cache", stream="stderr",
                                    cwd=tmp_path)
    assert code == 0, shown
    for stage in ("reading…", "analysing: 0 of 1 articles", "ranking…", "rendering json…"):
        assert stage in shown
    piped = run("build", str(story), "-f", "json", "-o", "out2", "--no-cache", cwd=tmp_path)
    assert piped.returncode == 0 and piped.stderr == ""


def run_into_a_closed_pipe(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run with stdout a pipe whose reader has gone, as `briefing ... | head -1` ends."""
    import os

    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run([*BRIEFING, *args], stdout=writer, stderr=subprocess.PIPE, text=True, cwd=cwd,
                              timeout=300)
    finally:
        os.close(writer)


@pytest.mark.parametrize("command", ["themes", "summarize"])
def test_a_closed_pipe_ends_quietly_with_the_sigpipe_status(command, story: Path, tmp_path: Path):
    args = ["themes"] if command == "themes" else ["summarize", str(story)]
    result = run_into_a_closed_pipe(*args, cwd=tmp_path)
    assert result.returncode == 141
    assert result.stderr == ""


def test_a_full_stdout_is_one_error_line(tmp_path: Path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        result = subprocess.run([*BRIEFING, "themes"], stdout=full, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["error: standard output: cannot write: No space left on device"]


def completion_script(shell: str, tmp_path: Path) -> Path:
    result = run("completion", shell)
    assert result.returncode == 0, result.stderr
    path = tmp_path / f"briefing.{shell}"
    path.write_text(result.stdout)
    return path


BASH_COMPLETE = """
source "$1"
shift
for line in "$@"; do
    read -ra COMP_WORDS <<< "$line"
    [[ "$line" == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMP_LINE="$line"; COMP_POINT=${#line}; COMPREPLY=()
    _shtab_briefing
    echo "${COMPREPLY[*]}"
done
"""


def test_bash_completion_completes_commands_and_their_options(tmp_path: Path):
    script = completion_script("bash", tmp_path)
    (tmp_path / "articles").mkdir()
    lines = ["briefing b", "briefing ", "briefing build --ti", "briefing email --sm", "briefing build -o art"]
    result = subprocess.run(["bash", "-c", BASH_COMPLETE, "complete", str(script), *lines],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "build",
        "build summarize email themes init completion formats",
        "--title",
        "--smtp --smtp-timeout",
        "articles",
    ]


def test_zsh_completion_is_a_valid_compdef_script(tmp_path: Path):
    import shutil

    script = completion_script("zsh", tmp_path)
    text = script.read_text()
    assert text.startswith("#compdef briefing")
    for command in SUBCOMMANDS:
        assert f"\n    {command}:" in text
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed")
    assert subprocess.run(["zsh", "-n", str(script)]).returncode == 0
