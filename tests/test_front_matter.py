"""Front matter as static-site generators write it: Jekyll and Hugo YAML with
lists and nesting, Hugo TOML, Pelican and MultiMarkdown header lines; and
front matter that does not parse is one warning and the file read as text."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from briefing.read import read_inputs

JEKYLL_POST = """---
layout: post
title: "Talks on the Kuldar pipeline resume"
date: 2024-03-04 09:30:00 +0000
categories: [news, energy]
tags:
  - energy
  - pipelines
outlet: Harbour Times
author:
  name: Ana Writer
  twitter: anawriter
---

Negotiators from both countries met in Halden on Monday to resume talks on the Kuldar pipeline.
"""

HUGO_YAML = """---
title: Dam opens on the upper river
date: 2024-05-02T08:00:00+02:00
draft: false
tags:
- energy
- water
outlet: Lakeside Courier
url: /news/dam-opens/
---
The new dam on the upper river opened on Thursday after four years of work.
"""

HUGO_TOML = """+++
title = "Ferry timetable changes"
date = 2024-02-09T10:00:00+01:00
draft = false
outlet = "Harbour Notes"
tags = ["transport", "islands"]

[params]
  series = "Island life"
+++

The island ferry will run every two hours from next month, the operator said.
"""

PELICAN = """Title: Mill to close in June
Date: 2024-03-06 10:30
Modified: 2024-03-07 19:30
Category: Economy
Tags: mill, jobs
Slug: mill-to-close
Authors: Valley Gazette staff
Summary: The paper mill will close.

The paper mill on the east bank will close in June, its owners said on Wednesday.
"""

MULTIMARKDOWN = """Title:  Port expansion approved
Author: Coastal Courier desk
Date:   2 November 2023
URL:    https://coastalcourier.example/port-expansion
Source: Coastal Courier
Keywords: port,
    council, shipping

The city council approved a plan on Thursday to double the size of the container port.
"""


def read_one(path: Path, text: str):
    path.write_text(text)
    result = read_inputs([path])
    assert len(result.articles) == 1, result
    return result.articles[0]


def test_a_jekyll_post_with_lists_and_nesting_keeps_its_title_outlet_and_date(tmp_path: Path):
    article = read_one(tmp_path / "2024-03-04-kuldar.md", JEKYLL_POST)
    assert article.title == "Talks on the Kuldar pipeline resume"
    assert article.outlet == "Harbour Times"
    assert (article.published, article.date_basis) == (date(2024, 3, 4), "front_matter")
    assert article.text.startswith("Negotiators from both countries met in Halden")
    assert "energy" not in article.text and "layout" not in article.text


def test_a_hugo_yaml_block_with_a_dash_list_keeps_title_and_outlet(tmp_path: Path):
    article = read_one(tmp_path / "dam-opens.md", HUGO_YAML)
    assert (article.title, article.outlet, article.url) == (
        "Dam opens on the upper river", "Lakeside Courier", "/news/dam-opens/")
    assert article.published == date(2024, 5, 2)
    assert article.text.strip() == "The new dam on the upper river opened on Thursday after four years of work."


def test_a_hugo_toml_block_is_front_matter(tmp_path: Path):
    article = read_one(tmp_path / "ferry.md", HUGO_TOML)
    assert (article.title, article.outlet, article.published) == (
        "Ferry timetable changes", "Harbour Notes", date(2024, 2, 9))
    assert article.text.strip() == "The island ferry will run every two hours from next month, the operator said."


def test_pelican_header_lines_give_the_title_and_date_not_a_title_that_starts_with_title(tmp_path: Path):
    article = read_one(tmp_path / "mill.md", PELICAN)
    assert article.title == "Mill to close in June"
    assert (article.published, article.date_basis) == (date(2024, 3, 6), "front_matter")
    assert article.text.strip() == "The paper mill on the east bank will close in June, its owners said on Wednesday."


def test_multimarkdown_metadata_with_padding_and_continuation_lines(tmp_path: Path):
    article = read_one(tmp_path / "port.md", MULTIMARKDOWN)
    assert (article.title, article.outlet, article.url) == (
        "Port expansion approved", "Coastal Courier", "https://coastalcourier.example/port-expansion")
    assert article.published == date(2023, 11, 2)
    assert "council, shipping" not in article.text
    assert article.text.startswith("The city council approved a plan")


def test_a_dateline_first_paragraph_is_not_taken_for_header_lines(tmp_path: Path):
    text = "LONDON: The central bank kept its main rate unchanged on Wednesday.\n\nMore follows.\n"
    article = read_one(tmp_path / "rates.md", text)
    assert article.title is None
    assert article.text.startswith("LONDON: The central bank kept its main rate")


def test_header_lines_are_markdown_only_a_text_file_is_read_as_written(tmp_path: Path):
    article = read_one(tmp_path / "mill.txt", PELICAN)
    assert article.text == PELICAN and article.title is None


def test_yaml_that_would_run_code_is_one_warning_and_the_file_is_read_as_text(tmp_path: Path, caplog):
    text = "---\ntitle: !!python/object/apply:os.system ['touch pwned']\n---\nThe minister arrived in Halden on Monday.\n"
    with caplog.at_level(logging.WARNING, logger="briefing"):
        article = read_one(tmp_path / "evil.md", text)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    assert article.title is None and "The minister arrived in Halden on Monday." in article.text
    [warning] = [record.getMessage() for record in caplog.records]
    assert warning.startswith(f"{tmp_path / 'evil.md'}: front matter is not valid YAML (")
    assert warning.endswith("; read as text") and "\n" not in warning


def test_bad_toml_front_matter_is_one_warning_and_the_file_is_read_as_text(tmp_path: Path, caplog):
    text = '+++\ntitle = "Unclosed\n+++\nThe ferry will run every two hours.\n'
    with caplog.at_level(logging.WARNING, logger="briefing"):
        article = read_one(tmp_path / "ferry.md", text)
    assert article.title is None and "The ferry will run every two hours." in article.text
    assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
        f"{tmp_path / 'ferry.md'}: front matter is not valid TOML"]


def test_an_impossible_yaml_date_is_a_bad_date_not_bad_yaml(tmp_path: Path, caplog):
    with caplog.at_level(logging.WARNING, logger="briefing"):
        article = read_one(tmp_path / "feb.md", "---\ntitle: Leap\ndate: 2021-02-31\n---\nThe dam opened.\n")
    assert article.title == "Leap" and article.published is None
    assert "not a real date" in caplog.text and "YAML" not in caplog.text


def test_deeply_nested_front_matter_is_one_warning_not_a_crash(tmp_path: Path, caplog):
    yaml_block = "---\ntitle: " + "[" * 50000 + "]" * 50000 + "\n---\nThe dam opened.\n"
    toml_block = "+++\ntitle = 'T'\nx = " + "[" * 5000 + "]" * 5000 + "\n+++\nThe dam opened.\n"
    for name, text in (("deep-yaml.md", yaml_block), ("deep-toml.md", toml_block)):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="briefing"):
            article = read_one(tmp_path / name, text)
        assert article.title is None and "The dam opened." in article.text
        [warning] = [record.getMessage() for record in caplog.records]
        assert warning.startswith(f"{tmp_path / name}: front matter is not valid ")
