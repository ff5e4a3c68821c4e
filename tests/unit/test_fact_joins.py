"""An expression evaluated more than once in a check (a helper called with different
types, a loop's iterations, two entry points reaching one helper) gets one hover fact and
one reveal: what holds every time, never the last evaluation's type shown as if certain."""

from __future__ import annotations

from pathlib import Path

from spmd_check.analysis import Analyzer
from spmd_check.lattice import LocalType, R
from spmd_check.results import TypeFact

CASE = Path(__file__).parents[1] / "cases" / "flow" / "reveal_in_helper_called_twice.py"


def _fact(source: str, line_text: str, name: str) -> TypeFact:
    result = Analyzer().check("m.py", source)
    line = next(i for i, text in enumerate(source.splitlines()) if text.strip() == line_text)
    column = source.splitlines()[line].index(name)
    fact = result.fact_at(line, column)
    assert isinstance(fact, TypeFact), fact
    return fact


def test_a_helper_called_with_two_types_shows_what_both_calls_agree_on() -> None:
    fact = _fact(CASE.read_text(), "y = t + t", "y")
    assert fact.types is None  # not complete: the calls disagree on tp
    assert fact.known == LocalType({"dp": R})
    assert fact.shown == "{dp: R, ...}"


def test_a_helper_called_twice_with_one_type_keeps_the_complete_type() -> None:
    source = CASE.read_text().replace('{"dp": R, "tp": V}', '{"dp": R, "tp": R}')
    fact = _fact(source, "y = t + t", "y")
    assert fact.types == LocalType({"dp": R, "tp": R})


def test_an_expression_run_thousands_of_times_resolves_without_deep_recursion() -> None:
    """Every run of an expression adds to one flat entry (a chain of pairs recursed once per
    run: a RecursionError on hover in a 10,000-line module); past the limit it is not known."""
    from spmd_check.lattice import V
    from spmd_check.results import JoinedFact, Span, joined

    span = Span(3, 4, 3, 9)
    entry = None
    for run in range(3 * JoinedFact.LIMIT):
        fact = TypeFact(span, "y", LocalType({"dp": R, "tp": V if run % 2 else R}), True)
        entry = joined(entry, fact)
    assert isinstance(entry, JoinedFact)
    assert len(entry.entries) == JoinedFact.LIMIT + 1
    assert entry.resolve().types is None and entry.resolve().known is None
    few = None
    for run in range(2):
        few = joined(few, TypeFact(span, "y", LocalType({"dp": R, "tp": V if run else R}), True))
    assert few is not None
    assert few.resolve().known == LocalType({"dp": R})
