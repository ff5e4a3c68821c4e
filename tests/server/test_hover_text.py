"""Hover text (server/hover.py) from results built by hand: why a value has its type, what a
collective does, the errors inside the code a call runs."""

from __future__ import annotations

from spmd_check import library_models
from spmd_check.codes import Severity
from spmd_check.lattice import LocalType, P, R, V
from spmd_check.results import (
    AxisTransition,
    CollectiveFact,
    Diagnostic,
    ModuleResult,
    Origin,
    Related,
    Span,
    TypeFact,
)
from spmd_lsp.hover import history, hover_at

LINES = [
    "h = load()",  # 0
    "spmd.assert_type(h, {'tp': V})",  # 1
    "y = h @ w",  # 2
    "y = spmd.reinterpret(y, tp, src=V, dst=P)",  # 3
    "z = torch.relu(y)",  # 4
    "out = block(h)",  # 5
]


def _line(n: int, text: str) -> Span:
    start = LINES[n].index(text)
    return Span(n, start, n, start + len(text))


def _chain() -> tuple[Origin, ModuleResult]:
    load = Origin(_line(0, "load()"), "`load()`")
    asserted = Origin(_line(1, "spmd.assert_type(h, {'tp': V})"), "`spmd.assert_type(...)`", load)
    matmul = Origin(_line(2, "h @ w"), "`h @ w`", asserted)
    cast = Origin(
        _line(3, "spmd.reinterpret(y, tp, src=V, dst=P)"),
        "`spmd.reinterpret(y, tp, src=V, dst=P)`",
        matmul,
    )
    v, p = LocalType({"tp": V}), LocalType({"tp": P})
    facts = [
        TypeFact(asserted.span, "spmd.assert_type(h, {'tp': V})", v, False, asserted),
        TypeFact(matmul.span, "h @ w", v, False, matmul),
        TypeFact(cast.span, "spmd.reinterpret(...)", p, False, cast),
        TypeFact(_line(4, "y"), "y", p, False, cast),
    ]
    return cast, ModuleResult("m.py", facts=facts)


def test_why_shows_three_steps_with_their_types_and_lines() -> None:
    _, result = _chain()
    text, span = hover_at(result, LINES, 4, 15, markdown=False) or ("", None)
    assert span == _line(4, "y")
    assert text.splitlines() == [
        "y: {tp: P}",
        "gradient: `{tp: R}`",
        "requires_grad: False",
        "why: `{tp: P}` because of `spmd.reinterpret(y, tp, src=V, dst=P)` (line 4)",
        "from `{tp: V}` because of `h @ w` (line 3)",
        "from `{tp: V}` because of `spmd.assert_type(...)` (line 2)",
        "from …",
    ]


def test_why_names_another_file_and_unknown_values() -> None:
    elsewhere = Origin(Span(9, 4, 9, 30), "`spmd.assert_type(x, ...)`", path="/ws/helper.py")
    unseen = Origin(Span(0, 4, 0, 10), "the result of `load(...)`, which the checker cannot see")
    result = ModuleResult(
        "/ws/m.py",
        facts=[
            TypeFact(_line(2, "y"), "y", LocalType({"tp": P}), None, elsewhere),
            TypeFact(
                _line(4, "z"), "z", None, None, Origin(_line(4, "torch.relu(y)"), "`relu`", unseen)
            ),
        ],
    )
    text, _ = hover_at(result, LINES, 2, 0, markdown=False) or ("", None)
    assert "why: `spmd.assert_type(x, ...)` (line 10 of helper.py)" in text.splitlines()
    text, _ = hover_at(result, LINES, 4, 0, markdown=False) or ("", None)
    lines = text.splitlines()
    assert lines[0] == "z: Unknown"
    assert "not known to the checker" in lines
    assert lines[-1] == "from the result of `load(...)`, which the checker cannot see (line 1)"


def test_collective_hover_says_forward_backward_and_value() -> None:
    fact = CollectiveFact(
        _line(3, "spmd.reinterpret"),
        "reinterpret",
        (AxisTransition("tp", V, P, "no-op (V -> P)", "no-op (R -> V)"),),
    )
    result = ModuleResult("m.py", collectives=[fact])
    text, _ = hover_at(result, LINES, 3, 6, markdown=False) or ("", None)
    assert text.splitlines() == [
        "reinterpret: {tp: V -> P}",
        "forward: no-op (V -> P)",
        "backward: no-op (R -> V)",
        "value: the value becomes the sum of the ranks' values",
    ]
    reduce = CollectiveFact(
        _line(3, "spmd.reinterpret"),
        "all_reduce",
        (AxisTransition("tp", P, R, "all-reduce (P -> R)", "all-reduce (P -> R)"),),
    )
    text, _ = hover_at(ModuleResult("m.py", collectives=[reduce]), LINES, 3, 6) or ("", None)
    assert "value:" not in text


def test_hover_on_a_call_whose_code_raises() -> None:
    call = _line(5, "block(h)")
    inside = Diagnostic(
        Span(20, 8, 20, 9),
        "spmd-partial-nonlinear",
        "Partial type on axis tp cannot propagate through non-linear ops\nmore",
        Severity.ERROR,
        (
            Related(Span(19, 4, 19, 9), "the operand got its type here: `x`"),
            Related(call, "called from here with {tp: P}"),
        ),
    )
    other_file = Diagnostic(
        Span(3, 0, 3, 5),
        "spmd-src-mismatch",
        "all_reduce expects P",
        Severity.ERROR,
        (Related(call, "called from here with {tp: P}", path="/ws/m.py"),),
    )
    result = ModuleResult(
        "/ws/m.py",
        diagnostics=[inside],
        elsewhere={"/ws/lib.py": [other_file]},
        facts=[TypeFact(_line(5, "h"), "h", LocalType({"tp": P}), None)],
    )
    text, span = hover_at(result, LINES, 5, 7, markdown=False) or ("", None)
    assert span == call
    assert text.splitlines() == [
        "block(h)",
        "error in the code this call runs: spmd-partial-nonlinear (line 21): Partial type on "
        "axis tp cannot propagate through non-linear ops",
        "error in the code this call runs: spmd-src-mismatch (line 4 of lib.py): all_reduce "
        "expects P",
    ]
    # the argument is hovered, not the call
    text, span = hover_at(result, LINES, 5, 12, markdown=False) or ("", None)
    assert span == _line(5, "h") and "error in the code" not in text
    # the origin of an operand is no call site: no error there
    assert hover_at(result, LINES, 19, 5) is None


def test_why_stops_at_the_checkers_model_of_a_library() -> None:
    """A tensor typed inside a library the checker reads from its own model (the runtime's
    test base classes): the hover names the library, never the model's text or lines."""
    model = library_models.path_of("spmd_types._test_utils")
    inner = Origin(Span(40, 8, 40, 20), "`torch.randn(...)`", None, model)
    asserted = Origin(Span(48, 8, 48, 60), "`assert_type(result, ...)`", inner, model)
    local = Origin(_line(1, "spmd.assert_type(h, {'tp': V})"), "`assert_type(h, ...)`", asserted)
    lines = history(local, ModuleResult("m.py"))
    assert lines[-1] == "from code in spmd_types._test_utils"
    assert not any("line 4" in line or "randn" in line for line in lines)
