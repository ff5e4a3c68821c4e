"""Incremental equals from scratch, on edits that matter: every checker case and its
``_ok`` twin differ where the bug is (a collective added, a type changed, a method
rewritten), so checking one and then the other in the same analyzer is an edit of real
code. The second check, which replays whatever journals its keys allow, must give what a
fresh analyzer gives, both ways round."""

from __future__ import annotations

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
