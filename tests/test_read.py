"""The read stage: every input format, encodings, folders, globs, stdin,
sidecars, and bad inputs skipped with one reason each."""

from __future__ import annotations

import io
import logging
import os
from datetime import date
from pathlib import Path

import pytest

from briefing.read import list_inputs, read_inputs

DATA = Path(__file__).parent / "data" / "read"


def only_article(result):
    assert len(result.articles) == 1, result
    return result.articles[0]


def test_markdown_front_matter_gives_the_metadata_and_markup_is_removed():
    article = only_article(read_inputs([DATA / "front.md"]))
    assert article.title == "Talks on the Kuldar pipeline resume"
    assert article.outlet == "Harbour Times"
    assert article.url == "https://harbourtimes.example/news/talks-resume"
    assert (article.published, article.date_basis) == (date(2024, 3, 4), "front_matter")
    assert article.raw_format == "md"
    assert "met in Halden on Monday to resume talks on the Kuldar pipeline." in article.text
    assert "---" not in article.text and "**" not in article.text and "](" not in article.text


def test_a_rule_at_the_top_is_not_taken_for_front_matter(tmp_path: Path):
    path = tmp_path / "story.md"
    path.write_text("---\nThe first paragraph is text, not metadata.\n---\n\nThe second paragraph.\n")
    article = only_article(read_inputs([path]))
    assert "The first paragraph is text, not metadata." in article.text
    assert article.title is None


def test_plain_text_is_read_as_written():
    article = only_article(read_inputs([DATA / "plain.txt"]))
    assert article.raw_format == "txt"
    assert article.text == (DATA / "plain.txt").read_text()
    assert (article.id, article.published, article.date_basis) == ("S1", None, "none")


def test_html_main_text_and_metadata_come_from_trafilatura_without_page_chrome():
    article = only_article(read_inputs([DATA / "page.html"]))
    assert article.outlet == "Coastal Courier"
    assert article.title == "Port expansion approved"
    assert article.url == "https://coastalcourier.example/port-expansion"
    assert (article.published, article.date_basis) == (date(2023, 11, 2), "html")
    assert "The city council approved a plan on Thursday to double the size of the container port." in article.text
    assert "Work on the new quay is due to begin in the spring." in article.text
    assert "Privacy policy" not in article.text and "Business" not in article.text


def test_jsonl_gives_one_article_per_line_and_skips_bad_lines(caplog):
    path = DATA / "articles.jsonl"
    with caplog.at_level(logging.WARNING, logger="briefing"):
        result = read_inputs([path])
    first, second = result.articles
    assert (first.path, first.title, first.outlet, first.published) == (
        f"{path}:1", "Rates on hold", "Capital Daily", date(2024, 1, 17))
    assert first.text.startswith("The central bank kept its main rate unchanged on Wednesday.")
    assert (second.path, second.title, second.url) == (f"{path}:2", None, None)
    assert second.published == date(2024, 1, 12), "12/01/2024 is read day-first"
    assert [(s.path, s.reason) for s in result.skipped] == [
        (f"{path}:3", "not valid JSON (Expecting value)"),
        (f"{path}:4", 'no "text" field'),
    ]
    assert f"{path}:3: not valid JSON" in caplog.text
    assert result.files == 1


def test_rss_entries_use_their_own_text_and_never_read_the_local_file_they_link_to():
    """A feed file's links are not followed, and a local path never is (issue 18): the
    mill entry links to linked-story.txt beside the feed and keeps its teaser."""
    result = read_inputs([DATA / "feed" / "news.rss"])
    bridge, mill = result.articles
    assert bridge.title == "Bridge reopens after repairs"
    assert bridge.outlet == "Valley Gazette"
    assert (bridge.published, bridge.date_basis) == (date(2024, 3, 5), "feed")
    assert "The old river bridge reopened on Tuesday after six months of repairs." in bridge.text
    assert "<p>" not in bridge.text
    assert mill.text == "Short teaser only."
    assert (DATA / "feed" / "linked-story.txt").read_text().split(",")[0] not in mill.text
    assert (mill.published, mill.date_basis) == (date(2024, 3, 6), "feed")


def test_a_feed_file_whose_links_name_local_files_never_reads_them(tmp_path: Path):
    """Issue 18: an item linking to /etc/passwd or a secret file (as a path or a file:
    URL) keeps its own summary; the file is not read."""
    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("The launch codes are hidden under the third floorboard.\n")
    items = "".join(
        f"<item><title>Item {n}</title><link>{link}</link><description>Summary {n} of the item.</description></item>"
        for n, link in enumerate([str(secret), f"file://{secret}", "file:///etc/passwd", "/etc/passwd", "private/secret.txt"])
    )
    feed = tmp_path / "hostile.rss"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>')
    result = read_inputs([feed])
    assert [article.text for article in result.articles] == [f"Summary {n} of the item." for n in range(5)]
    assert not result.skipped


def test_atom_feed_uses_the_published_date_not_the_update():
    article = only_article(read_inputs([DATA / "feed" / "updates.atom"]))
    assert (article.outlet, article.published, article.date_basis) == ("Harbour Notes", date(2024, 2, 9), "feed")
    assert article.text.strip() == "The island ferry will run every two hours from next month, the operator said."


def test_a_feed_without_a_feed_suffix_is_sniffed(tmp_path: Path):
    target = tmp_path / "download"
    target.write_bytes((DATA / "feed" / "updates.atom").read_bytes())
    assert only_article(read_inputs([target])).date_basis == "feed"


def test_folder_is_read_recursively_in_sorted_order_without_hidden_files_or_sidecars():
    result = read_inputs([DATA / "folder"])
    names = [Path(article.path).name for article in result.articles]
    assert names == ["a.txt", "b.txt", "c.md"]
    assert [article.id for article in result.articles] == ["S1", "S2", "S3"]
    assert result.files == 3 and not result.skipped


def test_sidecar_toml_gives_outlet_url_and_date_to_the_file_it_names():
    first, second, _ = read_inputs([DATA / "folder"]).articles
    assert (first.outlet, first.url, first.published) == ("Sidecar Times", "https://sidecar.example/a", date(2022, 5, 1))
    assert first.date_basis == "front_matter"
    assert (second.outlet, second.published) == (None, None)


def test_sidecar_csv_works_like_the_toml_one():
    article = only_article(read_inputs([DATA / "csvfolder"]))
    assert (article.outlet, article.url, article.published) == (
        "Comma Herald", "https://commaherald.example/story", date(2021, 9, 14))


def test_glob_expands_sorted_and_ids_follow_the_input_order():
    result = read_inputs([DATA / "plain.txt", str(DATA / "folder" / "*.txt")])
    assert [Path(a.path).name for a in result.articles] == ["plain.txt", "a.txt", "b.txt"]
    assert [a.id for a in result.articles] == ["S1", "S2", "S3"]


def test_glob_matching_nothing_is_skipped_with_a_reason():
    result = read_inputs([str(DATA / "*.nothing")])
    assert [s.reason for s in result.skipped] == ["no files match this pattern"]


def test_stdin_bytes_are_decoded_like_a_file():
    stream = io.TextIOWrapper(io.BytesIO("Café owners met on Monday.".encode("cp1252")), encoding="utf-8")
    assert only_article(read_inputs(["-"], stdin=stream)).text == "Café owners met on Monday."


def test_stdin_is_read_for_a_dash_text_or_bytes():
    text = only_article(read_inputs(["-"], stdin=io.StringIO("A story piped in on stdin.\n")))
    assert (text.path, text.raw_format, text.text.strip()) == ("<stdin>", "stdin", "A story piped in on stdin.")
    html = (DATA / "page.html").read_bytes()
    piped = only_article(read_inputs(["-"], stdin=io.BytesIO(html)))
    assert (piped.raw_format, piped.outlet) == ("html", "Coastal Courier")


TEXT = "Café owners in Zürich said the “new rules” would cost them — at least — 5% of sales."


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(TEXT.encode("utf-8"), id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), id="utf-8 BOM"),
        pytest.param(TEXT.encode("utf-16"), id="utf-16 BOM"),
        pytest.param(TEXT.encode("cp1252"), id="cp1252"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, encoded: bytes):
    path = tmp_path / "story.txt"
    path.write_bytes(encoded)
    assert only_article(read_inputs([path])).text == TEXT


def test_latin1_text_is_decoded(tmp_path: Path):
    text = "Le ministre a déclaré à Genève que la réunion était très utile pour la coopération régionale."
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode("latin-1"))
    assert only_article(read_inputs([path])).text == text


def test_crlf_line_ends_become_newlines(tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_bytes(b"First paragraph here.\r\n\r\nSecond paragraph here.\r\n")
    assert only_article(read_inputs([path])).text == "First paragraph here.\n\nSecond paragraph here.\n"


def test_stray_invalid_bytes_do_not_lose_the_rest_of_the_text(tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_bytes("The minister’s visit — “historic”, he said.".encode() + b"\xff\xfe bad \x81 bytes. " + "Talks went on in Zürich.".encode())
    text = only_article(read_inputs([path])).text
    assert text.startswith("The minister’s visit — “historic”, he said.")
    assert text.endswith("Talks went on in Zürich.")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\n  ", "empty file (whitespace only)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (PNG image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (PDF document)"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "binary file (zip archive)"),
        (b"some text\x00\x00\x00 with NUL bytes", "binary file (NUL bytes)"),
        (bytes(range(1, 32)) * 20, "binary file (control characters)"),
    ],
)
def test_bad_files_are_skipped_with_one_warning_naming_the_reason(tmp_path: Path, caplog, content: bytes, reason: str):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("A good article is still read.")
    with caplog.at_level(logging.WARNING, logger="briefing"):
        result = read_inputs([bad, good])
    assert [(s.path, s.reason) for s in result.skipped] == [(str(bad), reason)]
    assert [a.path for a in result.articles] == [str(good)]
    assert caplog.messages == [f"{bad}: {reason}"]
    assert result.summary_line == "read 1 articles from 2 files (1 skipped)"


def test_missing_path_is_skipped_and_the_run_goes_on(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text("Still read.")
    result = read_inputs([tmp_path / "missing.txt", good])
    assert [s.reason for s in result.skipped] == ["no such file or directory"]
    assert len(result.articles) == 1


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for a user
        original = Path.read_bytes

        def refuse(self):
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return original(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)
    result = read_inputs([locked])
    assert [(s.path, s.reason) for s in result.skipped] == [(str(locked), "permission denied")]


def test_files_over_the_size_limit_are_skipped(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text("word " * 100)
    result = read_inputs([big], max_bytes=100)
    assert result.skipped[0].reason == "file too large (500 bytes, limit 100)"
    assert not result.articles


def test_symlink_loops_do_not_hang_the_walk(tmp_path: Path):
    (tmp_path / "story.txt").write_text("The only story.")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    result = read_inputs([tmp_path])
    assert [Path(a.path).name for a in result.articles] == ["story.txt"]
    reasons = {s.reason for s in result.skipped}
    assert "symbolic link loop" in reasons
    assert "symbolic link loop (folder already read)" in reasons


def test_data_files_in_a_folder_are_not_taken_for_articles(tmp_path: Path):
    (tmp_path / "MANIFEST.toml").write_text('[files]\nx = "y"\n')
    (tmp_path / "story.txt").write_text("The story.")
    result = read_inputs([tmp_path])
    assert [Path(a.path).name for a in result.articles] == ["story.txt"] and not result.skipped


def test_file_modification_date_is_used_only_when_asked(tmp_path: Path):
    path = tmp_path / "undated.txt"
    path.write_text("No date anywhere in this text.")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    assert only_article(read_inputs([path])).date_basis == "none"
    dated = only_article(read_inputs([path], file_dates=True))
    assert (dated.published, dated.date_basis) == (date.fromtimestamp(1_700_000_000), "file")


def test_seed_articles_are_all_read(seeds_dir: Path):
    result = read_inputs([seeds_dir])
    assert result.summary_line == "read 5 articles from 5 files (0 skipped)"
    assert [a.id for a in result.articles] == ["S1", "S2", "S3", "S4", "S5"]
    assert all(a.text.strip() for a in result.articles)


def test_the_walk_of_a_pattern_leaves_out_what_a_folder_walk_leaves_out(tmp_path: Path):
    """A glob leaves sidecars, hidden and data files out, as a folder does (both engines read this walk)."""
    (tmp_path / "a.txt").write_text("Tarvia and Dovrenia signed a gas deal on Tuesday.\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text('["a.txt"]\noutlet = "Northgate Wire"\n', encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden\n", encoding="utf-8")
    units, skipped = list_inputs([str(tmp_path / "*")])
    assert units == [str(tmp_path / "a.txt")] and not skipped
    units, skipped = list_inputs([str(tmp_path / "*.toml")])
    assert units == [] and [(s.path, s.reason) for s in skipped] == [
        (str(tmp_path / "*.toml"), "no article files match this pattern")
    ]
