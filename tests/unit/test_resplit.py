"""Splitting a file again around an edit (``resplit.LastSplits``) gives exactly the units
that splitting it whole gives: same texts, lines, keys and syntax errors, over random
sequences of edits that open and close strings, brackets, decorators and blocks."""

from __future__ import annotations

import random

import pytest
from spmd_check import resplit
from spmd_check.frontend import Unit, UnitCache, split_units

BASE = '''"""A module.

Text in column 0 of a docstring.
"""
import torch

@decorator
def first(x):
    return x


@a
@b(
    n=1,
)
class Layer:
    """Doc.
class NotAUnit:
    """

    def forward(self, x):
        y = (x +
1)
        return y

if torch.cuda.is_available():
    device = "cuda"
else:
    device = "cpu"
try:
    import numpy
except ImportError:
    numpy = None
TEXT = \'\'\'
def not_a_function():
\'\'\'
values = [
    1,
]
# a comment

def last(x):
    return [x
]
'''

# what typing inserts that moves unit bounds
SNIPPETS = [
    '"""',
    "'''",
    "@dec\n",
    "\n",
    "\r\n",
    "\r",
    "    ",
    "(",
    ")",
    "]",
    "[\n",
    "else:\n",
    "def g():\n",
    "def h(x):\n    return x\n",
    "class K:\n    pass\n",
    "x = 1\n",
    "# note\n",
    "\f",
    "é",
    ":",
]


def _shape(units: list[Unit]) -> list[tuple[str, int, str, bool]]:
    return [(u.text, u.start_line, u.key, u.error is None) for u in units]


def _edit(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    roll = rng.random()
    if roll < 0.55:
        return text[:at] + rng.choice(SNIPPETS) + text[at:]
    if roll < 0.85:
        return text[:at] + text[at + rng.randrange(1, 12) :]
    if text[at : at + 1].isalpha():  # an ordinary keystroke
        return text[:at] + "z" + text[at + 1 :]
    return text[:at] + "q" + text[at:]


@pytest.mark.parametrize("seed", range(40))
def test_random_edits_split_as_the_whole_file_does(seed: int) -> None:
    rng = random.Random(seed)
    splits = resplit.LastSplits()
    cache = UnitCache(2_000)
    text = BASE * rng.randrange(1, 4)
    if rng.random() < 0.3:
        text = text.replace("\n", "\r\n")
    for _ in range(60):
        around = splits.split(text, cache, "m.py")
        whole = split_units(text, UnitCache(2_000), "m.py")
        assert _shape(around) == _shape(whole), (seed, text)
        text = _edit(text, rng) if rng.random() < 0.9 else BASE  # sometimes a whole new text


def test_an_edit_inside_a_function_splits_only_around_it() -> None:
    """The units far from the edit are the previous check's own objects (they were not
    split again), and those below it moved with the lines the edit added."""
    text = "".join(f"def f{i}(x):\n    return x\n\n" for i in range(200))
    splits = resplit.LastSplits()
    cache = UnitCache(2_000)
    before = splits.split(text, cache, "m.py")
    edited = text.replace("def f100(x):\n    return x\n", "def f100(x):\n    y = x\n    return y\n")
    after = splits.split(edited, cache, "m.py")
    assert _shape(after) == _shape(split_units(edited, UnitCache(2_000), "m.py"))
    assert after[10] is before[10]  # above the edit: the same unit
    assert after[150] is not before[150] and after[150].start_line == before[150].start_line + 1
    assert after[150].key == before[150].key


def test_a_forgotten_path_is_split_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = resplit.split_units

    def counting(source: str, cache: UnitCache, path: str = "") -> list[Unit]:
        calls.append(path)
        return real(source, cache, path)

    monkeypatch.setattr(resplit, "split_units", counting)
    monkeypatch.setattr(resplit, "VERIFY_INCREMENTAL", False)
    splits = resplit.LastSplits()
    cache = UnitCache(100)
    splits.split("x = 1\ny = 2\n", cache, "m.py")
    splits.split("x = 1\ny = 3\n", cache, "m.py")
    assert calls == ["m.py"]  # the second text was split around its edit
    splits.forget("m.py")
    splits.split("x = 1\ny = 4\n", cache, "m.py")
    assert calls == ["m.py", "m.py"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [("abc", "abc", 3), ("abc", "abd", 2), ("", "x", 0), ("x" * 10_000, "x" * 9_999 + "y", 9_999)],
)
def test_common_prefix(old: str, new: str, expected: int) -> None:
    assert resplit.common_prefix(old, new) == expected


def test_common_suffix_stops_at_its_limit() -> None:
    assert resplit.common_suffix("a" * 9_000 + "bc", "c" + "a" * 9_000 + "bc", 9_002) == 9_002
    assert resplit.common_suffix("xbc", "ybc", 3) == 2
    assert resplit.common_suffix("abc", "abc", 1) == 1


@pytest.mark.parametrize("seed", range(20))
def test_common_prefix_and_suffix_as_counted_one_character_at_a_time(seed: int) -> None:
    rng = random.Random(seed)
    base = "".join(rng.choice("ab\n") for _ in range(rng.randrange(0, 20_000)))
    at = rng.randrange(len(base) + 1)
    new = (
        base[:at]
        + "".join(rng.choice("abc") for _ in range(rng.randrange(0, 5)))
        + base[at + rng.randrange(0, 5) :]
    )

    def prefix(a: str, b: str) -> int:
        n = 0
        while n < min(len(a), len(b)) and a[n] == b[n]:
            n += 1
        return n

    shared = prefix(base, new)
    assert resplit.common_prefix(base, new) == shared
    limit = min(len(base), len(new)) - shared
    assert resplit.common_suffix(base, new, limit) == min(prefix(base[::-1], new[::-1]), limit)
