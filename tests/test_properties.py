"""Properties of the whole pipeline that must hold for any input (hypothesis).

- Any text or bytes in a file of any suffix: ``build`` returns a brief or
  raises ``BriefingError``, never another exception.
- Every ``support.sentence`` is verbatim in its source's cleaned text, and so
  is every claim's text.
- ``agreement`` never exceeds the number of distinct outlets behind a claim,
  and copies of one story under many outlets agree as one.
- With ``SOURCE_DATE_EPOCH`` set, two runs give byte-identical JSON, HTML and
  Markdown (also across processes with different hash seeds).

The spaCy model loads once per process (``briefing.engine.loaded_model``), so
each example costs only the per-article work; example counts are kept modest
so the module runs in about a minute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from briefing.errors import BriefingError
from briefing.pipeline import build
from briefing.render import render_bytes
from sample_brief import all_claims

pytestmark = pytest.mark.slow  # each case runs the whole pipeline: minutes in all

BUILD_EXAMPLES = 40
CORPUS_EXAMPLES = 30
DETERMINISM_EXAMPLES = 12

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SUFFIXES = ["", ".txt", ".md", ".html", ".jsonl", ".rss", ".xml", ".csv"]

SUBJECTS = ["Pakistan", "Russia", "The energy minister", "Imran Khan", "Officials", "The World Bank",
            "China", "Sergei Lavrov", "The central bank", "Protesters"]
VERBS = ["signed", "agreed on", "rejected", "announced", "discussed", "postponed", "criticised", "welcomed"]
OBJECTS = ["the gas pipeline deal", "a $2 billion loan", "talks on water sharing", "the border agreement",
           "new tariffs on steel", "joint military exercises", "a 3,000-megawatt power plant", "the Indus Waters Treaty"]
TAILS = ["on Monday", "in Islamabad", "last week", "on 7 April 2021", "", "after three days of talks",
         "in March 2021", "on Thursday, officials said", "according to Reuters"]
OUTLETS = ["Meridian Post", "Harbour Herald", "Lakeside Courier", "Capital Daily", None]


@st.composite
def sentences(draw) -> str:
    """A news-like sentence, sometimes with arbitrary text spliced in."""
    words = [draw(st.sampled_from(SUBJECTS)), draw(st.sampled_from(VERBS)), draw(st.sampled_from(OBJECTS)),
             draw(st.sampled_from(TAILS))]
    if draw(st.booleans()) and draw(st.booleans()):
        # printable noise: a control character (NUL) makes a file binary, which the any-bytes tests cover
        noise = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20)
        words.insert(draw(st.integers(1, 3)), draw(noise))
    text = " ".join(word for word in words if word)
    quoted = draw(st.booleans()) and draw(st.booleans())
    return f'"{text}," {draw(st.sampled_from(SUBJECTS))} said.' if quoted else text + draw(st.sampled_from([".", ".", "!", "?"]))


@st.composite
def articles(draw) -> tuple[str, str]:
    """(suffix, content) of a Markdown or plain-text article with optional front matter."""
    body = []
    for _ in range(draw(st.integers(1, 4))):
        body.append(" ".join(draw(st.lists(sentences(), min_size=1, max_size=4))))
    fields = {}
    outlet = draw(st.sampled_from(OUTLETS))
    if outlet:
        fields["outlet"] = outlet
    if draw(st.booleans()):
        fields["date"] = f"2021-0{draw(st.integers(1, 9))}-{draw(st.integers(10, 28))}"
    if draw(st.booleans()):
        fields["title"] = draw(st.sampled_from(OBJECTS)).capitalize()
    head = "---\n" + "".join(f"{key}: {value}\n" for key, value in fields.items()) + "---\n" if fields else ""
    return draw(st.sampled_from([".md", ".txt"])), head + "\n\n".join(body) + "\n"


corpora = st.lists(articles(), min_size=1, max_size=5)


@contextmanager
def written(files: list[tuple[str, str | bytes]]):
    """The files in a fresh folder, as paths."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, (suffix, content) in enumerate(files):
            path = Path(folder) / f"a{number:02d}{suffix}"
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
            paths.append(str(path))
        yield paths


def build_brief(paths: list[str]):
    """News-like articles must make a brief: a BriefingError here is a failure, not a pass."""
    brief = build(paths, cache=False, jobs=1)
    event("brief with claims" if brief.summary else "brief without claims")
    return brief


def build_or_error(paths: list[str]):
    try:
        brief = build(paths, cache=False, jobs=1)
    except BriefingError as error:
        assert str(error) and "\n" not in str(error)
        event(f"BriefingError: {type(error).__name__}")
        return None
    event("brief with claims" if brief.summary else "brief without claims")
    return brief


@st.composite
def spliced(draw, pieces) -> str | bytes:
    """News-like sentences with arbitrary pieces between them, so odd input reaches every stage."""
    parts = draw(st.lists(st.one_of(sentences(), sentences(), pieces), min_size=1, max_size=12))
    if any(isinstance(part, bytes) for part in parts):
        return b" ".join(part if isinstance(part, bytes) else part.encode(draw(ENCODINGS), "replace") for part in parts)
    return draw(st.sampled_from([" ", "\n", "\n\n"])).join(parts)


ENCODINGS = st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252", "latin-1", "utf-8-sig"])
any_text = st.one_of(st.text(max_size=2000), spliced(st.text(max_size=40)))
any_bytes = st.one_of(st.binary(max_size=2000), spliced(st.binary(max_size=40)))


@settings(max_examples=BUILD_EXAMPLES, **SETTINGS)
@given(suffix=st.sampled_from(SUFFIXES), text=any_text)
def test_any_text_builds_or_raises_briefing_error(suffix: str, text: str):
    with written([(suffix, text.encode("utf-8", "surrogatepass"))]) as paths:
        build_or_error(paths)


@settings(max_examples=BUILD_EXAMPLES, **SETTINGS)
@given(suffix=st.sampled_from(SUFFIXES), data=any_bytes)
def test_any_bytes_build_or_raise_briefing_error(suffix: str, data: bytes):
    with written([(suffix, data)]) as paths:
        build_or_error(paths)


@settings(max_examples=BUILD_EXAMPLES, **SETTINGS)
@given(corpus=corpora, noise=st.sampled_from(SUFFIXES).flatmap(lambda s: st.tuples(st.just(s), st.text(max_size=500))))
def test_news_like_text_with_noise_builds_or_raises_briefing_error(corpus, noise):
    with written([*corpus, noise]) as paths:
        build_or_error(paths)


@settings(max_examples=CORPUS_EXAMPLES, **SETTINGS)
@given(corpus=corpora)
def test_every_support_sentence_is_verbatim_in_its_source(corpus):
    with written(corpus) as paths:
        brief = build_brief(paths)
    for claim in all_claims(brief):
        assert claim.support
        for support in claim.support:
            assert support.sentence and support.sentence in brief.source(support.source).text
        assert any(claim.text in brief.source(support.source).text for support in claim.support)
    for entry in brief.timeline:
        assert all(brief.source(source) for source in entry.sources)


def outlets_behind(claim, brief) -> int:
    """Distinct outlets among a claim's sources, an article without an outlet counting as its own."""
    names = set()
    for support in claim.support:
        article = brief.source(support.source)
        outlet = " ".join((article.outlet or "").split()).casefold()
        names.add(f"outlet:{outlet}" if outlet else f"article:{article.id}")
    return len(names)


@settings(max_examples=CORPUS_EXAMPLES, **SETTINGS)
@given(corpus=corpora)
def test_agreement_never_exceeds_the_outlets_behind_a_claim(corpus):
    with written(corpus) as paths:
        brief = build_brief(paths)
    every_outlet = {(a.outlet or "").casefold() or a.id for a in brief.sources}
    for claim in all_claims(brief):
        assert 1 <= claim.agreement <= outlets_behind(claim, brief) <= len(every_outlet)


@settings(max_examples=CORPUS_EXAMPLES // 2, **SETTINGS)
@given(story=articles(), copies=st.integers(1, 4))
def test_copies_of_one_story_under_many_outlets_agree_as_one(story, copies):
    suffix, content = story
    body = content.split("---\n")[-1]
    corpus = [(".md", f"---\noutlet: {outlet}\n---\n{body}") for outlet in OUTLETS[: copies + 1] if outlet]
    with written(corpus) as paths:
        brief = build_brief(paths)
    assert all(claim.agreement == 1 for claim in all_claims(brief))


def rendered_twice(paths: list[str]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "1617753600"}):
        runs = []
        for _ in range(2):
            brief = build_brief(paths)
            runs.append({name: render_bytes(brief, name) for name in ("json", "html", "md")})
    return runs[0], runs[1]


@settings(max_examples=DETERMINISM_EXAMPLES, **SETTINGS)
@given(corpus=corpora)
def test_two_runs_give_byte_identical_json_html_and_markdown(corpus):
    with written(corpus) as paths:
        first, second = rendered_twice(paths)
    assert json.loads(first["json"])["generated_at"] == "2021-04-07T00:00:00Z"
    for name in first:
        assert first[name] == second[name], name


def test_two_processes_with_different_hash_seeds_write_identical_files(examples_dir: Path, tmp_path: Path):
    """Set and dict order must not leak into the output: each run gets its own PYTHONHASHSEED."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        environment = {**os.environ, "SOURCE_DATE_EPOCH": "1617753600", "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-m", "briefing.cli", "build", str(examples_dir), "-o", str(out), "-f", "json,html,md",
             "--no-cache"],
            capture_output=True, text=True, env=environment, timeout=300,
        )
        assert result.returncode == 0, result.stderr
        outputs.append({path.name: path.read_bytes() for path in sorted(out.iterdir())})
    assert sorted(outputs[0]) == sorted(outputs[1]) and len(outputs[0]) == 3
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name
