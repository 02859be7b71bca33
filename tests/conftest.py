"""Shared fixtures: real inputs (the example corpus, the seed articles) and
one loaded spaCy model per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    seeds = shared_dir / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is absent")
    return seeds


@pytest.fixture(scope="session")
def nlp():
    from briefing.analyze import load_model

    return load_model()


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory) -> Path:
    """Tests never read or fill the user's real analysis cache."""
    import os

    folder = tmp_path_factory.mktemp("briefing-cache")
    previous = os.environ.get("BRIEFING_CACHE_DIR")
    os.environ["BRIEFING_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("BRIEFING_CACHE_DIR", None)
    else:
        os.environ["BRIEFING_CACHE_DIR"] = previous


@pytest.fixture(autouse=True)
def briefing_logger():
    """``main()`` points the briefing logger at the stderr of the test that ran it; the next
    test gets the logger back as it was, not writing to a capture that is closed by then."""
    import logging

    logger = logging.getLogger("briefing")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    yield logger
    logger.handlers[:], logger.propagate = saved[0], saved[1]
    logger.setLevel(saved[2])


GAS_STORY = """---
title: Gas deal signed in Moscow
outlet: Dawn
date: 2022-02-24
---

Pakistan and Russia signed the gas pipeline deal in Moscow on Thursday, officials said.

The pipeline will carry gas from Karachi to Lahore from next year, the energy minister said.
"""


@pytest.fixture
def story(tmp_path: Path) -> Path:
    """One short article with front matter: enough for a quick run of the whole command."""
    path = tmp_path / "gas.md"
    path.write_text(GAS_STORY)
    return path
