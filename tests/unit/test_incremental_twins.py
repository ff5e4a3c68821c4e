"""Incremental equals from scratch, on edits that matter: every checker case and its
``_ok`` twin differ where the bug is (a collective added, a type changed, a method
rewritten), so checking one and then the other in the same analyzer is an edit of real
code. The second check, which replays whatever journals its keys allow, must give what a
fresh analyzer gives, both ways round. And every case file edited twice at random (seeded
by its name) as a user types: lines duplicated, deleted, inserted, a name changed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from spmd_check.analysis import Analyzer
from spmd_check.config import Config
from spmd_check.results import ModuleResult

CASES = Path(__file__).parents[1] / "cases"
PAIRS = sorted(
    (path.with_name(path.name.removesuffix("_ok.py") + ".py"), path)
    for path in CASES.rglob("*_ok.py")
    if path.with_name(path.name.removesuffix("_ok.py") + ".py").is_file()
)


def _summary(result: ModuleResult) -> tuple[object, ...]:
    return (
        [(d.span, d.code, d.message, d.severity, d.related) for d in result.diagnostics],
        list(result.reveals),
        {
            path: [(d.span, d.code, d.message) for d in found]
            for path, found in result.elsewhere.items()
        },
        list(result.collectives),
    )


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: str(pair[0].relative_to(CASES)))
def test_an_edit_from_a_case_to_its_twin_equals_a_fresh_check(pair: tuple[Path, Path]) -> None:
    error, ok = pair
    texts = [error.read_text(encoding="utf-8"), ok.read_text(encoding="utf-8")]
    path = str(error)  # one file, edited: the twin's text under the case's path
    analyzer = Analyzer(Config())
    for before, after in (texts, texts[::-1]):
        analyzer.check(path, before)
        edited = analyzer.check(path, after)
        assert _summary(edited) == _summary(Analyzer(Config()).check(path, after))


ALL_CASES = sorted(CASES.rglob("*.py"))


def _edits(text: str, seed: str) -> list[str]:
    """Two edits a user makes while typing, one after the other: a line duplicated, deleted,
    a blank line inserted (everything below shifts), a name changed on a line, or a letter
    typed into an indented line (inside a body: the next check carries signatures)."""
    rng = random.Random(seed)
    lines = text.split("\n")
    texts = []
    for _ in range(2):
        index = rng.randrange(len(lines))
        edit = rng.choice(("duplicate", "delete", "blank", "rename", "type"))
        if edit == "type":
            indented = [i for i, line in enumerate(lines) if line.startswith((" ", "\t"))]
            if indented:
                index = rng.choice(indented)
                column = rng.randrange(len(lines[index]) + 1)
                lines[index] = lines[index][:column] + "x" + lines[index][column:]
        elif edit == "duplicate":
            lines.insert(index, lines[index])
        elif edit == "delete":
            del lines[index]
        elif edit == "blank":
            lines.insert(index, "")
        else:
            lines[index] = lines[index].replace("x", "y", 1)
        texts.append("\n".join(lines))
    return texts


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda path: str(path.relative_to(CASES)))
def test_random_edits_of_a_case_equal_a_fresh_check(path: Path) -> None:
    analyzer = Analyzer(Config())
    analyzer.check(str(path), path.read_text(encoding="utf-8"))
    for text in _edits(path.read_text(encoding="utf-8"), str(path.relative_to(CASES))):
        edited = analyzer.check(str(path), text)
        assert _summary(edited) == _summary(Analyzer(Config()).check(str(path), text))
