"""The clean stage: clutter out, every real sentence kept verbatim, and the
title, outlet and publication date a careful reader would find."""

from __future__ import annotations

import logging
import re
import time
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.clean import clean_article, split_paragraphs
from briefing.clutter import clutter_kind, cut_credit_tail
from briefing.clean.outlet import reported_outlet
from briefing.written_dates import find_full_dates
from briefing.model import Article
from briefing.read import read_inputs

TODAY = date(2024, 6, 1)
LEAD = "Ministers from both countries met in Vostan on Tuesday to sign the pipeline agreement."
SECOND = "The deal will cost $6.5 billion, officials said."
SENTENCE = re.compile(r"(?<=[.!?])[”\"’')]?\s+(?=[“\"‘'(A-Z0-9])")


def cleaned(text: str, *, today: date = TODAY, **hints) -> Article:
    return clean_article(Article(id="S1", path="story.txt", text=text, **hints), today=today)


def sentences(text: str) -> list[str]:
    return [part for paragraph in split_paragraphs(text) for part in SENTENCE.split(paragraph) if part.strip()]


CLUTTER_LINES = [
    "Also Read: FM Qureshi holds delegation level talks with Russian counterpart",
    "Read More: Russian foreign minister calls on COAS Qamar Bajwa, discusses Afghan peace process",
    "Read more: Tarvia raises gas output at Kuldar field ahead of export deal",
    "Related: Five things to know about the pipeline",
    "Read Comments",
    "Comments",
    "comments",
    "14 comments",
    "Comments (3)",
    "Share on Facebook",
    "Share on Facebook | Share on Twitter | Email",
    "Tweet",
    "Share this article",
    "Foreign Minister of Russian Federation Sergey Lavrov called on Prime Minister @ImranKhanPTI today. "
    "pic.twitter.com/Rdv95EjzQL — Prime Minister’s Office, Pakistan (@PakPMO) April 7, 2021",
    "Great to welcome my counterpart to Islamabad. — Shah Mahmood Qureshi (@SMQureshiPTI) April 6, 2021",
    "#Pakistan #Russia #PakistanStream",
    "Photo: Daniyar Abenov/The Steppe Ledger",
    "Photo credit: Reuters",
    "Ministers at the signing ceremony in Vostan. (Photo: AFP)",
    "* * *",
    "-----",
    "=====",
    "Advertisement",
    "ADVERTISEMENT",
    "Subscribe to our newsletter for daily updates",
    "Sign up for our morning briefing newsletter and get the news in your inbox.",
    "Follow us on Twitter and Facebook for the latest updates.",
    "Copyright 2024 Harbour Times. All rights reserved.",
    "Russia offers Pakistan military support to counter-terrorism",
    "‘Putin goes out of way to welcome PM Imran’",
]


@pytest.mark.parametrize("line", CLUTTER_LINES)
def test_each_kind_of_clutter_line_is_removed_and_the_sentences_around_it_kept(line: str):
    article = cleaned(f"{LEAD}\n\n{line}\n\n{SECOND}\n")
    assert article.text == f"{LEAD}\n\n{SECOND}"


REAL_PARAGRAPHS = [
    LEAD,
    SECOND,
    "“This pipeline ties our economies together for a generation,” Serikova told reporters.",
    "About 3,500 troops will take part in the exercise next month. Helicopters will join them.",
    "Sarkand's Foreign Ministry said it was “following closely” the military cooperation.",
    "Prices rose 2.1% on Thursday, 7 March 2024, traders said.",
    "Is the deal good value? Analysts in Halden are not sure.",
]


@settings(max_examples=60, deadline=None)
@given(
    real=st.lists(st.sampled_from(REAL_PARAGRAPHS), min_size=1, max_size=6),
    clutter=st.lists(st.sampled_from(CLUTTER_LINES), max_size=6),
    positions=st.lists(st.integers(min_value=0, max_value=12), max_size=6),
    separator=st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\n \n"]),
)
def test_clutter_anywhere_leaves_exactly_the_real_paragraphs_in_order(real, clutter, positions, separator):
    lines = list(real)
    for line, position in zip(clutter, positions, strict=False):
        lines.insert(position % (len(lines) + 1), line)
    assert cleaned(separator.join(lines)).text == "\n\n".join(real)


@pytest.mark.parametrize(
    "sentence",
    [
        "Comments made by the minister on Tuesday drew criticism from the opposition.",
        "Share prices rose 3% after the announcement, traders said.",
        "Photographers were kept away from the signing, officials said.",
        "Advertisement spending fell sharply last year, the agency reported.",
        "Subscribers to the state gas plan will pay less from April.",
        "He said: “We will read more of the agreement before we sign.”",
    ],
)
def test_sentences_that_merely_start_like_clutter_are_kept(sentence: str):
    assert cleaned(f"{LEAD}\n\n{sentence}\n").text == f"{LEAD}\n\n{sentence}"


@pytest.mark.parametrize(
    ("ending", "outlet"),
    [
        ("\n\n--IANS\n\nksk/", "IANS"),
        (" = DNA", "DNA"),
        ("__Tribune.com", "The Express Tribune"),
        ("-PR\n\nRead Comments", "Press release"),
        ("\n\n— AFP", "AFP"),
    ],
)
def test_credit_tails_are_cut_and_name_the_outlet(ending: str, outlet: str):
    article = cleaned(f"{LEAD}\n\n{SECOND}{ending}")
    assert article.text == f"{LEAD}\n\n{SECOND}"
    assert article.outlet == outlet


def test_reporting_credit_is_cut_but_does_not_name_an_outlet():
    article = cleaned(f"{LEAD}\n\n{SECOND}\n\n(Reporting by Timur Alanov; Editing by Clare Whitfield)")
    assert article.text == f"{LEAD}\n\n{SECOND}"
    assert article.outlet is None


def test_a_headline_at_the_top_becomes_the_title_and_subheads_leave_the_body():
    article = cleaned(f"Pipeline deal signed in Vostan\n\n{LEAD}\n\nWhat comes next\n\n{SECOND}")
    assert article.title == "Pipeline deal signed in Vostan"
    assert article.text == f"{LEAD}\n\n{SECOND}"


def test_a_first_line_repeating_the_known_title_is_dropped():
    article = cleaned(f"Pipeline deal signed in Vostan.\n\n{LEAD}", title="Pipeline deal signed in Vostan")
    assert article.text == LEAD


def test_hard_wrapped_lines_are_joined_and_single_line_paragraphs_kept():
    article = cleaned("Ministers from both countries met in Vostan on\ntuesday to sign the deal.\nThe deal is worth $6.5 billion.")
    assert article.text == "Ministers from both countries met in Vostan on tuesday to sign the deal.\n\nThe deal is worth $6.5 billion."


# --- publication dates -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "basis"),
    [
        (f" date 2021-04-07 {LEAD}", date(2021, 4, 7), "header"),
        (f"Published: 7 April 2021\n\n{LEAD}", date(2021, 4, 7), "header"),
        (f"Published on April 7, 2021 10:35 PM\n\n{LEAD}", date(2021, 4, 7), "header"),
        (f"Deal signed\n\n27 Sep, 2019\n\n{LEAD}", date(2019, 9, 27), "header"),
        (f"Wednesday, April 7, 2021\n{LEAD}", date(2021, 4, 7), "header"),
        (f"ISLAMABAD, APR 07, 2021 (DNA) – {LEAD}", date(2021, 4, 7), "dateline"),
        (f"Gas prices rose on Thursday, 7 March 2024, as traders weighed the deal. {LEAD}", date(2024, 3, 7), "text"),
        (LEAD, None, "none"),
    ],
)
def test_each_date_form_is_found_with_its_basis(text: str, published, basis: str):
    article = cleaned(text)
    assert (article.published, article.date_basis) == (published, basis)


def test_header_and_dateline_are_cut_from_the_first_paragraph_and_the_sentence_kept():
    article = cleaned(f" date 2021-04-07 ISLAMABAD, APR 07 (DNA) – {LEAD}\n\n{SECOND}")
    assert article.text == f"{LEAD}\n\n{SECOND}"
    assert (article.published, article.date_basis, article.outlet) == (date(2021, 4, 7), "header", "DNA")


def test_an_update_time_is_not_a_publication_date():
    assert cleaned(f"Updated: 9 April 2021\n\n{LEAD}").date_basis == "none"


def test_dateline_without_year_takes_it_from_a_full_date_in_the_text():
    article = cleaned(f"LONDON, March 3 (Wire) - {LEAD} The talks began on 1 March 2021.", today=date(2024, 6, 1))
    assert (article.published, article.date_basis, article.outlet) == (date(2021, 3, 3), "dateline", "Wire")


def test_dateline_without_year_takes_it_from_a_year_in_the_text():
    article = cleaned(f"VOSTAN, March 5 (Northgate Wire) - {LEAD} The Steppe Shield-2024 exercise follows.", today=date(2026, 11, 23))
    assert (article.published, article.date_basis) == (date(2024, 3, 5), "dateline")


def test_dateline_without_any_year_is_the_most_recent_such_day_not_after_today():
    assert cleaned(f"LONDON, March 3 (Wire) - {LEAD}", today=date(2024, 2, 1)).published == date(2023, 3, 3)
    assert cleaned(f"LONDON, March 3 (Wire) - {LEAD}", today=date(2024, 3, 3)).published == date(2024, 3, 3)


def test_a_date_signed_under_an_embedded_tweet_dates_an_otherwise_undated_article():
    tweet = "Talks went well today. pic.twitter.com/abc — Foreign Office (@ForeignOfficePk) April 7, 2021"
    article = cleaned(f"{LEAD}\n\n{tweet}\n\n{SECOND}")
    assert (article.published, article.date_basis) == (date(2021, 4, 7), "text")
    assert "twitter" not in article.text


def test_front_matter_date_outranks_a_date_in_the_text():
    article = cleaned(f"Published: 7 April 2021\n\n{LEAD}", published=date(2021, 4, 8), date_basis="front_matter")
    assert (article.published, article.date_basis) == (date(2021, 4, 8), "front_matter")


@pytest.mark.parametrize(
    ("hint", "reason"),
    [(date(2031, 1, 1), "in the future of 2024-06-01"), (date(1985, 5, 5), "before 1990")],
)
def test_dates_in_the_future_or_before_1990_are_warned_about_and_not_trusted(caplog, hint, reason):
    with caplog.at_level(logging.WARNING, logger="briefing"):
        article = cleaned(LEAD, published=hint, date_basis="front_matter")
    assert (article.published, article.date_basis) == (None, "none")
    assert caplog.messages == [f"story.txt: front_matter date {hint} is {reason}; not used"]


def test_an_untrusted_date_gives_way_to_the_next_candidate(caplog):
    with caplog.at_level(logging.WARNING, logger="briefing"):
        article = cleaned(f"Published: 7 April 2021\n\n{LEAD}", published=date(2031, 1, 1), date_basis="front_matter")
    assert (article.published, article.date_basis) == (date(2021, 4, 7), "header")
    assert "story.txt" in caplog.text


def test_file_date_is_the_last_resort_and_is_warned_about(caplog):
    with caplog.at_level(logging.WARNING, logger="briefing"):
        article = cleaned(LEAD, published=date(2024, 5, 1), date_basis="file")
    assert (article.published, article.date_basis) == (date(2024, 5, 1), "file")
    assert "story.txt: no publication date in the text" in caplog.text
    assert cleaned(f"Published: 7 April 2021\n\n{LEAD}", published=date(2024, 5, 1), date_basis="file").date_basis == "header"


def test_a_us_outlet_reads_numeric_dates_month_first():
    article = cleaned(f"Published: 07/04/2021\n\n{LEAD}", outlet="Associated Press")
    assert article.published == date(2021, 7, 4)


# --- outlets -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hints", "outlet"),
    [
        (f"LONDON (Reuters) - {LEAD}", {}, "Reuters"),
        (f"LONDON (Reuters) - {LEAD}", {"outlet": "Dawn"}, "Dawn"),
        (f"Deal signed\nBy Staff Reporter, Meridian Post\n\nLONDON (Reuters) - {LEAD}", {}, "Meridian Post"),
        (f"{LEAD}\n\nSource: Harbour Times", {}, "Harbour Times"),
        (f"{LEAD}\n\nPublished in Dawn, April 8th, 2021", {}, "Dawn"),
        (f"ISLAMABAD: The minister met Lavrov on Wednesday, ARY News reported.\n\n{SECOND}", {}, "ARY News"),
        (f"Lavrov arrived on Tuesday, reports Xinhua news agency.\n\n{SECOND}", {}, "Xinhua"),
        (f"By Imran Ali, Islamabad\n\n{LEAD}", {}, None),
    ],
)
def test_outlet_is_found_in_the_order_a_reader_would_trust(text: str, hints: dict, outlet: str | None):
    assert cleaned(text, **hints).outlet == outlet


def test_dateline_credit_outranks_a_reported_by_mention():
    text = f"Lavrov arrived on Tuesday, reports Xinhua news agency.\n\nIslamabad, April 8 (IANS) {LEAD}"
    assert cleaned(text).outlet == "IANS"


# --- hostile input ---------------------------------------------------------------

HOSTILE = [
    "a" * 200_000,
    "-" * 100_000 + "x",
    "(@" * 50_000,
    "Photo " * 30_000,
    "1/" * 50_000,
    "A " * 50_000 + "reported",
    "ISLAMABAD " * 20_000,
    "#" + " #a" * 50_000 + " b",
    "March 3 " * 20_000,
    ". " + "--" * 50_000 + "A",
    "(Reporting by " * 20_000,
]


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda text: repr(text[:12]))
def test_patterns_stay_fast_on_long_hostile_lines(hostile: str):
    start = time.perf_counter()
    clutter_kind(hostile)
    cut_credit_tail(hostile)
    list(find_full_dates(hostile))
    reported_outlet([hostile])
    cleaned(f"{hostile}\n\n{LEAD}\n\n{hostile}")
    assert time.perf_counter() - start < 2.0


# --- the real seed articles --------------------------------------------------------

SEEDS = {
    "000": ("DNA", date(2021, 4, 7), "header"),
    "001": ("ARY News", date(2021, 4, 7), "text"),
    "002": ("IANS", date(2021, 4, 8), "header"),
    "003": ("The Express Tribune", date(2022, 2, 25), "header"),
    "004": ("Press release", date(2019, 9, 27), "header"),
}
SEED_CLUTTER = ["Also Read", "Read More", "pic.twitter.com", "Comments", "comments", "--IANS", "ksk/", "= DNA",
                "__Tribune.com", "-PR", "Read Comments", "@PakPMO", "#IIOJK", " date 20"]


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, tuple[Article, Article]]:
    return {Path(a.path).name[:3]: (a, clean_article(a, today=date(2026, 1, 1))) for a in read_inputs([seeds_dir]).articles}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_outlet_and_publication_date_are_what_a_careful_reader_finds(seeds, seed: str):
    _, article = seeds[seed]
    assert (article.outlet, article.published, article.date_basis) == SEEDS[seed]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_clutter_never_reaches_the_cleaned_text(seeds, seed: str):
    raw, article = seeds[seed]
    for clutter in SEED_CLUTTER:
        assert clutter not in article.text, clutter
    paragraphs = article.text.split("\n\n")
    assert all(paragraph and paragraph in raw.text for paragraph in paragraphs), "every paragraph is verbatim"


def test_seed_subheads_and_title_leave_the_body(seeds):
    assert seeds["004"][1].title == "Imran, briefs Lavrov about IOK situation"
    assert "27 Sep, 2019" not in seeds["004"][1].text
    assert "Russia offers Pakistan military support to counter-terrorism" not in seeds["001"][1].text
    assert "Putin goes out of way" not in seeds["003"][1].text
    assert seeds["000"][1].text.startswith("Prime Minister Imran Khan on Wednesday met with a Russian delegation")


def test_seed_sentences_all_survive(seeds):
    raw, article = seeds["002"]
    kept = sentences(article.text)
    assert "Visiting Russian Foreign Minister Sergei Lavrov met Pakistan Prime Minister Imran Khan" in kept[1]
    assert len(kept) == len(sentences(raw.text)) - 2  # "--IANS" and "ksk/"


# --- the example corpus, as its manifest describes it -----------------------------------


@pytest.fixture(scope="module")
def manifest(examples_dir: Path) -> dict:
    path = examples_dir / "MANIFEST.toml"
    if not path.is_file():
        pytest.skip("examples/MANIFEST.toml is absent")
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def examples(examples_dir: Path, manifest: dict) -> dict[str, tuple[Article, Article]]:
    articles = read_inputs([examples_dir]).articles
    return {Path(a.path).name: (a, clean_article(a, today=date(2026, 1, 1))) for a in articles}


def test_every_manifest_file_is_read(manifest, examples):
    assert set(examples) == set(manifest["files"])


def test_examples_have_the_outlet_title_and_date_of_the_manifest(manifest, examples):
    for name, expected in manifest["files"].items():
        _, article = examples[name]
        assert (article.outlet, article.title, article.published, article.date_basis) == (
            expected["outlet"], expected["title"], expected.get("published"), expected["date_basis"]), name


def test_examples_lose_their_planted_clutter_and_header_lines(manifest, examples):
    for name, expected in manifest["files"].items():
        _, article = examples[name]
        for line in expected["clutter"] + expected["header_lines"] + expected.get("boilerplate", []):
            assert line not in article.text.split("\n\n"), (name, line)
            assert line not in article.text or len(line) < 12, (name, line)


def test_examples_keep_every_other_sentence(manifest, examples):
    for name, expected in manifest["files"].items():
        raw, article = examples[name]
        planted = set(expected["clutter"]) | set(expected["header_lines"]) | {expected["title"]}
        body = [paragraph for paragraph in split_paragraphs(raw.text) if paragraph not in planted]
        assert len(sentences(article.text)) == len(sentences("\n\n".join(body))), name
        for paragraph in article.text.split("\n\n"):
            assert any(original.endswith(paragraph) for original in body), (name, paragraph)
