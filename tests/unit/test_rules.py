"""The typing rules over every combination of operand types, against the reference runtime.

For each linearity class and each list of up to three per-axis operand types
(R, I, V, P and a Python scalar), ``rules.infer_axis`` must give the output
the runtime's ``_infer_local_type_for_axis_raw`` gives, or fail where it
fails, with the code that corresponds to the runtime's message. Fix
suggestions must equal the runtime's ``_suggest_fixes``.
"""

from __future__ import annotations

import itertools

import pytest
from spmd_check.lattice import I, P, R, V
from spmd_check.rules import SCALAR, Linearity, RuleViolation, infer_axis, suggest_fixes

runtime = pytest.importorskip("spmd_types._checker")
rt_types = pytest.importorskip("spmd_types.types")
from spmd_types._scalar_sentinel import _Scalar  # noqa: E402

OURS_TO_RUNTIME = {R: rt_types.R, I: rt_types.I, V: rt_types.V, P: rt_types.P, SCALAR: _Scalar}
RUNTIME_NAMES = {rt_types.R: "R", rt_types.I: "I", rt_types.V: "V", rt_types.P: "P"}
LINEARITY = {
    Linearity.LINEAR: runtime.OpLinearity.LINEAR,
    Linearity.MULTILINEAR: runtime.OpLinearity.MULTILINEAR,
    Linearity.NONLINEAR: runtime.OpLinearity.NONLINEAR,
}
# The first words of each runtime message, mapped to our code.
MESSAGE_CODES = {
    "Invariant type on axis": "spmd-invariant-mix",
    "Partial type on axis tp cannot combine with Varying": "spmd-partial-varying",
    "Partial type on axis tp cannot propagate": "spmd-partial-nonlinear",
    "Partial type on axis tp in a linear op": "spmd-partial-affine",
    "Partial in multiple factors": "spmd-partial-product",
}
ENTRIES = [R, I, V, P, SCALAR]
COMBOS = [
    list(combo)
    for n in (1, 2, 3)
    for combo in itertools.product(ENTRIES, repeat=n)
    if any(t is not SCALAR for t in combo)
]


def _runtime_axis() -> object:
    return "tp"


def _runtime_verdict(types: list[object], linearity: Linearity, no_grad: list[bool] | None) -> str:
    try:
        out = runtime._infer_local_type_for_axis_raw(
            _runtime_axis(),
            [OURS_TO_RUNTIME[t] for t in types],
            linearity=LINEARITY[linearity],
            no_grad=no_grad,
        )
    except rt_types.SpmdTypeError as error:
        text = str(error).replace("'tp'", "tp")
        for prefix, code in MESSAGE_CODES.items():
            if text.startswith(prefix):
                return code
        raise AssertionError(f"unmapped runtime message: {text}") from None
    return RUNTIME_NAMES[out]


def _our_verdict(types: list[object], linearity: Linearity, no_grad: list[bool] | None) -> str:
    try:
        return str(infer_axis("tp", types, linearity, no_grad))  # type: ignore[arg-type]
    except RuleViolation as violation:
        return violation.code.name


@pytest.mark.parametrize("linearity", list(Linearity), ids=lambda x: x.value)
@pytest.mark.parametrize(
    "types", COMBOS, ids=lambda c: ",".join("s" if t is SCALAR else str(t) for t in c)
)
def test_rule_matches_runtime(types: list[object], linearity: Linearity) -> None:
    assert _our_verdict(types, linearity, None) == _runtime_verdict(types, linearity, None)
    for flags in itertools.product([False, True], repeat=len(types)):
        no_grad = [True if t is SCALAR else f for t, f in zip(types, flags, strict=True)]
        assert _our_verdict(types, linearity, no_grad) == _runtime_verdict(
            types, linearity, no_grad
        ), no_grad


@pytest.mark.parametrize("linearity", list(Linearity), ids=lambda x: x.value)
@pytest.mark.parametrize(
    "types", COMBOS, ids=lambda c: ",".join("s" if t is SCALAR else str(t) for t in c)
)
def test_fixes_match_runtime(types: list[object], linearity: Linearity) -> None:
    try:
        infer_axis("tp", types, linearity)  # type: ignore[arg-type]
    except RuleViolation:
        pass
    else:
        return
    ours = [
        (f.function, str(f.from_type), str(f.to_type))
        for f in suggest_fixes("tp", types, list(range(len(types))), linearity)  # type: ignore[arg-type]
    ]
    theirs = runtime._suggest_fixes(
        _runtime_axis(),
        [OURS_TO_RUNTIME[t] for t in types],
        lambda a, t: runtime._infer_local_type_for_axis_raw(a, t, linearity=LINEARITY[linearity]),
    )
    expected = [
        (op.split("(")[0], op.split("src=")[1].split(",")[0], op.split("dst=")[1].rstrip(")"))
        for op, _consequence, _from in theirs
    ]
    assert ours == expected
