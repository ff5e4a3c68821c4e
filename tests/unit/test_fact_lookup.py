"""Hover looks up one fact: ``ModuleResult.fact_at`` indexes the spans and resolves only the
fact it finds (resolving a whole file's facts after every keystroke was most of the
server's CPU on a large file). It must answer what resolving everything answers."""

from __future__ import annotations

from pathlib import Path

from spmd_check.analysis import Analyzer
from spmd_check.results import CollectiveFact, TypeFact

EXAMPLES = Path(__file__).parents[2] / "examples"


def _innermost(
    facts: list[TypeFact | CollectiveFact], line: int, column: int
) -> TypeFact | CollectiveFact | None:
    best = None
    for fact in facts:
        span = fact.span
        if span.contains(line, column) and (
            best is None
            or (span.end_line - span.line, span.end_column - span.column)
            < (best.span.end_line - best.span.line, best.span.end_column - best.span.column)
        ):
            best = fact
    return best


def test_fact_at_answers_as_resolving_every_fact_does() -> None:
    files = sorted(EXAMPLES.rglob("*.py"))
    looked_up = 0
    for path in files:
        text = path.read_text()
        analyzer = Analyzer()
        lazy = analyzer.check(str(path), text)
        eager = analyzer.check(str(path), text)
        everything: list[TypeFact | CollectiveFact] = [*eager.collectives, *eager.facts]
        for line, source in enumerate(text.splitlines()):
            for column in range(len(source)):
                found = lazy.fact_at(line, column)
                assert found == _innermost(everything, line, column), (path.name, line, column)
                looked_up += found is not None
        for fact in eager.facts:
            assert lazy.fact_for(fact.span) == fact
    assert looked_up > 1000  # the examples are typed: the comparison is not vacuous
