"""No regular expression in briefing can be made to run for ages.

Every pattern the package compiles (module globals, found by importing every
module) or passes as a literal to ``re.search``/``re.sub``/... (found in the
source) is run over long adversarial strings: 50,000 characters of one
character or fragment repeated, built both from a fixed list of usual
suspects and from the characters and words of the pattern itself, each also
with a character that spoils the match at the end. Each run must finish
within a time bound; an alarm stops a catastrophic one so the suite goes on.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import briefing

LENGTH = 50_000
BOUND = 1.0  # seconds for one pattern over one adversarial string (the safe ones take < 0.05 s)
ALARM = 3  # seconds before a pattern's whole run is cut short
PACKAGE = Path(briefing.__file__).resolve().parent

SUSPECTS = [
    "a", "A", " ", "\n", "\n\n", "\t ", ". ", "1", "12", "1/", "1-", "1.", "1,", ", ", "a ", "A ", "Ab ", "ab", "aA",
    "a.", "A. ", "A.", ".", "-", "--", "—", "*", "**", "_", "#", "@", "(", ")", "[", "]", "[a](", "(@a) ", "<", "<a ",
    "'", '"', ":", "|", "/", "\\", "=", "~", "&", "a'", "Ab-", "January 1 ", "1 January ", "Jan. 1, ", "(c) ",
]
ENDINGS = ["", "!"]


def patterns_in(value: object) -> Iterator[re.Pattern]:
    if isinstance(value, re.Pattern):
        yield value
    elif isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from patterns_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from patterns_in(item)


def compiled_patterns() -> dict[str, re.Pattern]:
    """Every pattern a briefing module holds in a global (also inside tuples, lists and dicts)."""
    found: dict[str, re.Pattern] = {}
    for module_info in pkgutil.walk_packages(briefing.__path__, "briefing."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            for index, pattern in enumerate(patterns_in(value)):
                key = f"{module.__name__}.{name}" + (f"[{index}]" if not isinstance(value, re.Pattern) else "")
                found.setdefault(key, pattern)
    return found


def only_matched_at_the_start(name: str) -> bool:
    """Whether the global ``name`` is only ever used with .match/.fullmatch, which try one position."""
    uses = set()
    for path in PACKAGE.rglob("*.py"):
        uses |= set(re.findall(rf"\b{re.escape(name)}\.(\w+)\(", path.read_text()))
    return bool(uses) and uses <= {"match", "fullmatch"}


RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split"}
FLAG_ARGUMENT = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2, "split": 3,
                 "sub": 4, "subn": 4}


def literal_flags(node: ast.expr | None) -> int | None:
    """The value of a flags argument written as re.I, re.IGNORECASE | re.M, ..., or None if it is not."""
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
        return int(getattr(re, node.attr))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = literal_flags(node.left), literal_flags(node.right)
        return None if left is None or right is None else left | right
    return None


def literal_patterns() -> dict[str, re.Pattern]:
    """Every pattern written as a string literal in a call to re.search, re.sub, ... in the source."""
    found: dict[str, re.Pattern] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in RE_FUNCTIONS and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue  # an f-string: compiled at import, so found among the globals
            position = FLAG_ARGUMENT[node.func.attr]
            keyword = next((k.value for k in node.keywords if k.arg == "flags"), None)
            flags = literal_flags(node.args[position] if len(node.args) > position else keyword)
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            found[where] = re.compile(first.value, flags or 0)
            if node.func.attr in ("match", "fullmatch"):
                ANCHORED.add(where)
    return found


ANCHORED: set[str] = set()  # patterns only tried at the start of the text (re.match, .match)


def all_patterns() -> dict[str, re.Pattern]:
    patterns: dict[str, re.Pattern] = {}
    seen: set[tuple[str, int]] = set()
    for name, pattern in {**compiled_patterns(), **literal_patterns()}.items():
        if (pattern.pattern, pattern.flags) not in seen:
            seen.add((pattern.pattern, pattern.flags))
            patterns[name] = pattern
            if "[" not in name and "/" not in name and only_matched_at_the_start(name.rsplit(".", 1)[1]):
                ANCHORED.add(name)
    return patterns


PATTERNS = all_patterns()


def adversarial(pattern: re.Pattern) -> Iterator[str]:
    """Long strings of repeated near-matches: usual suspects, then the pattern's own characters and words."""
    pieces = list(SUSPECTS)
    pieces += sorted({char for char in pattern.pattern if char.isprintable() and char not in "\\"})
    words = sorted(set(re.findall(r"[A-Za-z]{2,}", pattern.pattern)))
    pieces += [f"{word} " for word in words] + [f"{word}." for word in words[:20]] + words[:20]
    for piece in dict.fromkeys(pieces):
        body = piece * (LENGTH // len(piece))
        for ending in ENDINGS:
            yield body + ending


class TooSlow(Exception):
    pass


def stop(signum, frame):
    raise TooSlow


def test_the_patterns_were_found():
    """Guard: the collection sees the patterns of every stage that matches text."""
    names = " ".join(PATTERNS)
    for module in ("briefing.read.formats", "briefing.clutter", "briefing.clean.published",
                   "briefing.written_dates", "briefing/dates.py", "briefing.extract", "briefing.render.view", "briefing/rank/quantities.py"):
        assert module in names, module
    assert len(PATTERNS) > 60


NOT_OVER_ARTICLE_TEXT = {
    "briefing/themes.py:68": "reads tomllib's one-line error message, never article text",
}

KNOWN_SLOW: dict[str, str] = {}  # pattern name -> why it is still slow (an xfail)


def pattern_params():
    for name in sorted(PATTERNS):
        marks = []
        if name in NOT_OVER_ARTICLE_TEXT:
            marks.append(pytest.mark.skip(reason=NOT_OVER_ARTICLE_TEXT[name]))
        if name in KNOWN_SLOW:
            marks.append(pytest.mark.xfail(reason=KNOWN_SLOW[name], strict=True))
        yield pytest.param(name, id=name, marks=marks)


def test_the_known_slow_patterns_still_exist():
    assert set(KNOWN_SLOW) | set(NOT_OVER_ARTICLE_TEXT) <= set(PATTERNS)


@pytest.mark.parametrize("name", list(pattern_params()))
def test_pattern_is_linear_on_adversarial_input(name: str):
    pattern = PATTERNS[name]
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(ALARM)
    slowest, worst = 0.0, ""
    try:
        for text in adversarial(pattern):
            started = time.perf_counter()
            if name in ANCHORED:
                pattern.match(text)
            else:
                for _ in pattern.finditer(text):
                    pass
            elapsed = time.perf_counter() - started
            if elapsed > slowest:
                slowest, worst = elapsed, text[:12] + "..." + repr(text[-1])
    except TooSlow:
        pytest.fail(f"{name} ({pattern.pattern[:80]!r}) ran over {ALARM} s on {text[:12]!r}... ({len(text)} chars)")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert slowest < BOUND, f"{name} took {slowest:.2f} s on {worst!r}"
