"""The project file: briefing.toml read into typed settings, every mistake one
line naming FILE:LINE, the starting file from `briefing init`, and the command
line winning over the file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.cli import main
from briefing.config import EmailSettings, ProjectSettings, find_project, load_project, write_starter
from briefing.errors import BriefingError, ConfigError

BRIEFING = [sys.executable, "-m", "briefing.cli"]

FULL = """\
inputs = ["articles/", "https://example.org/feed.xml", "/srv/news/*.txt", "-"]
title = "  Pakistan-Russia   relations "
formats = ["PDF", "html", "pdf"]
output = "briefs"
themes = "themes.toml"
aliases = "/etc/briefing/aliases.toml"
organisation = "Policy Unit"
paper = "letter"

[email]
to = ["a@example.org", "b@example.org"]
from = "Unit <unit@example.org>"
smtp = "smtps://mail.example.org:465"
unsubscribe = "https://example.org/unsubscribe"
"""


def project(tmp_path: Path, text: str, name: str = "briefing.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_setting_is_read_into_typed_settings_with_paths_from_the_files_folder(tmp_path):
    folder = tmp_path / "desk"
    folder.mkdir()
    settings = load_project(project(folder, FULL))
    assert settings == ProjectSettings(
        source=folder / "briefing.toml",
        inputs=(str(folder / "articles/"), "https://example.org/feed.xml", "/srv/news/*.txt", "-"),
        title="Pakistan-Russia relations",
        formats=("pdf", "html"),
        output=folder / "briefs",
        themes=folder / "themes.toml",
        aliases=Path("/etc/briefing/aliases.toml"),
        organisation="Policy Unit",
        paper="Letter",
        email=EmailSettings(
            to=("a@example.org", "b@example.org"),
            sender="Unit <unit@example.org>",
            smtp="smtps://mail.example.org:465",
            unsubscribe="https://example.org/unsubscribe",
        ),
    )


def test_a_path_may_start_at_the_home_folder(tmp_path):
    settings = load_project(project(tmp_path, 'inputs = ["~/news/*.md"]\noutput = "~/briefs"\n'))
    assert settings.inputs == (str(Path.home() / "news/*.md"),) and settings.output == Path.home() / "briefs"


def test_an_empty_file_says_nothing_and_no_file_is_no_settings(tmp_path):
    assert load_project(project(tmp_path, "")) == ProjectSettings(source=tmp_path / "briefing.toml")
    assert find_project(folder=tmp_path / "nowhere") == ProjectSettings()


def test_the_working_folders_file_is_found_and_config_names_another(tmp_path):
    project(tmp_path, 'title = "Here"\n')
    other = project(tmp_path, 'title = "There"\n', "weekly.toml")
    assert find_project(folder=tmp_path).title == "Here"
    assert find_project(other, folder=tmp_path).title == "There"
    with pytest.raises(ConfigError, match=r"missing\.toml: cannot read"):
        find_project(tmp_path / "missing.toml", folder=tmp_path)


@pytest.mark.parametrize("text, line, message", [
    ('title = "T"\ncolour = "blue"\n', 2, r"unknown key 'colour' in the top level \(expected inputs, title"),
    ('title = "T"\n\n[email]\nto = ["a@example.org"]\ncc = "b@example.org"\n', 5, r"unknown key 'cc' in \[email\]"),
    ('[email]\nto = "a@example.org"\ntitle = "T"\n', 3, r"unknown key 'title' in \[email\].*top-level keys go before \[email\]"),
    ('[output]\nfolder = "x"\n', 1, r"'output' must be a non-empty string"),
    ('[smtp]\nhost = "x"\n', 1, r"unknown key 'smtp' in the top level"),
    ('title = 3\n', 1, r"'title' must be a non-empty string"),
    ('inputs = "articles/"\nformats = "pdf"\npaper = "B5"\n', 3, r"'paper' must be one of A4, Letter"),
    ('formats = ["pdf", "docx"]\n', 1, r"'formats' has unknown format 'docx'"),
    ('inputs = []\n', 1, r"'inputs' must be a list of non-empty strings"),
    ('inputs = ["a", 2]\n', 1, r"'inputs' must be a list of non-empty strings"),
    ('email = "a@example.org"\n', 1, r"'email' must be a table"),
    ('title = "T"\ntitle = "U"\n', 2, r"Cannot overwrite a value"),
    ('title = "T\n', 1, r"Illegal character|unclosed|Unterminated"),
    ('[email]\npassword = "s3cret"\n', 2, r"'password': passwords never go in the project file.*BRIEFING_SMTP_PASSWORD"),
    ('smtp_password = "s3cret"\n', 1, r"passwords never go in the project file"),
])
def test_a_wrong_key_or_value_is_one_error_naming_file_and_line(tmp_path, text, line, message):
    path = project(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_project(path)
    assert str(raised.value).startswith(f"{path}:{line}: "), raised.value
    assert re.search(message, str(raised.value)), raised.value
    assert "s3cret" not in str(raised.value)


def test_a_folder_or_a_fifo_is_not_a_project_file(tmp_path):
    import os

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    for path in (tmp_path, fifo):
        with pytest.raises(ConfigError, match="not a regular file"):
            load_project(path)


def test_config_errors_are_briefing_errors():
    assert issubclass(ConfigError, BriefingError)


# briefing init --------------------------------------------------------------------


def test_init_writes_a_commented_file_whose_every_setting_is_valid(tmp_path):
    path = write_starter(tmp_path / "briefing.toml")
    text = path.read_text()
    assert load_project(path) == ProjectSettings(source=path)  # all commented out
    settings = re.findall(r"^# (\w+ = .*)$", text, flags=re.MULTILINE)
    assert {line.split()[0] for line in settings} >= {
        "inputs", "title", "formats", "output", "themes", "aliases", "organisation", "paper",
        "to", "from", "smtp", "unsubscribe",
    }
    uncommented = re.sub(r"^# (\w+ = )", r"\1", text, flags=re.MULTILINE)
    path.write_text(uncommented)
    settings = load_project(path)
    assert settings.email.smtp == "smtps://mail.example.org:465" and settings.paper == "A4"
    assert "password" not in text.replace("BRIEFING_SMTP_PASSWORD", "")


def test_init_never_replaces_an_existing_file(tmp_path, capsys):
    path = project(tmp_path, 'title = "Mine"\n')
    assert main(["init", str(path)]) == 1
    assert capsys.readouterr().err.strip() == f"error: {path}: already exists; edit it, or remove it first"
    assert path.read_text() == 'title = "Mine"\n'


def test_init_without_a_file_writes_briefing_toml_in_the_working_folder(tmp_path):
    result = subprocess.run([*BRIEFING, "init"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "briefing.toml" and (tmp_path / "briefing.toml").is_file()


# The command line and the file ----------------------------------------------------------------


@pytest.fixture
def desk(tmp_path, story) -> Path:
    """A project folder: briefing.toml, its articles in a folder beside it."""
    folder = tmp_path / "desk"
    (folder / "articles").mkdir(parents=True)
    story.rename(folder / "articles" / story.name)
    project(folder, 'inputs = ["articles"]\ntitle = "Gas desk"\nformats = ["json"]\noutput = "briefs"\n')
    return folder


def test_build_with_no_arguments_does_what_the_project_file_says(desk):
    result = subprocess.run([*BRIEFING, "build", "--no-cache"], capture_output=True, text=True, cwd=desk, timeout=300)
    assert result.returncode == 0, result.stderr
    [written] = (desk / "briefs").glob("*.json")
    assert result.stdout.split() == [str(Path("briefs") / written.name)]  # relative to the file, as written
    brief = json.loads(written.read_text())
    assert brief["title"] == "Gas desk" and [s["outlet"] for s in brief["sources"]] == ["Dawn"]


def test_options_on_the_command_line_win_over_the_file_found_with_config(desk, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [*BRIEFING, "--config", str(desk / "briefing.toml"), "build", "--no-cache", "--title", "Mine", "-f", "md",
         "-o", "here"],
        capture_output=True, text=True, cwd=elsewhere, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [written] = (elsewhere / "here").iterdir()
    assert written.suffix == ".md" and written.read_text().startswith("# Mine")
    assert not (desk / "briefs").exists()


def test_a_broken_project_file_is_one_error_line_and_exit_1(tmp_path):
    project(tmp_path, 'inputs = ["articles"]\nformat = ["json"]\n')
    result = subprocess.run([*BRIEFING, "build"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: briefing.toml:2: unknown key 'format' in the top level "
        "(expected inputs, title, formats, output, themes, aliases, organisation, paper, email)"
    ]


def test_no_inputs_anywhere_is_a_usage_error(tmp_path):
    project(tmp_path, 'title = "Gas desk"\n')
    result = subprocess.run([*BRIEFING, "build"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "no INPUT" in result.stderr and "briefing.toml" in result.stderr


def test_themes_shows_the_taxonomy_the_project_file_names(tmp_path):
    project(tmp_path, 'themes = "mine.toml"\n')
    (tmp_path / "mine.toml").write_text('[themes.water]\nlabel = "Water"\nlemmas = ["dam"]\n')
    result = subprocess.run([*BRIEFING, "themes"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "water: Water" in result.stdout and "mine.toml" in result.stdout.splitlines()[0]
