"""Typing rules of ordinary (non-collective) ops, per mesh axis, and the fix candidates.

A faithful port of ``_infer_local_type_for_axis_raw``, ``infer_output_type``
and ``_suggest_fixes`` of the reference runtime (spmd_types 0.3.1,
``spmd_types/_checker/__init__.py``). Pure functions over types: a rule
either returns the output type or raises :class:`RuleViolation` naming the
diagnostic code, the runtime's message and the operand to blame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from . import codes
from .codes import Code
from .lattice import AxisType, I, Kind, LocalType, P, R, V


class Linearity(Enum):
    """How an op treats a Partial operand (``OpLinearity`` in the runtime)."""

    NONLINEAR = "nonlinear"  # P cannot propagate (the default for unknown ops)
    LINEAR = "linear"  # all-P -> P (add, sum, cat, views ...)
    MULTILINEAR = "multilinear"  # exactly one P factor with R/scalars -> P (mul, matmul ...)


class _ScalarMarker:
    """A Python number at a tensor position: it adopts the other operands' type."""

    _instance: _ScalarMarker | None = None

    def __new__(cls) -> _ScalarMarker:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "scalar"


SCALAR = _ScalarMarker()
AxisEntry = AxisType | _ScalarMarker


@dataclass(frozen=True)
class FixCandidate:
    """A repair the runtime would suggest: retype one operand on one axis."""

    operand: int  # index into the op's operand list
    axis: str
    from_type: AxisType
    to_type: AxisType
    function: str  # "all_reduce" or "convert"
    consequence: str

    def call_text(
        self, tensor: str, axis_text: str, module_prefix: str = "", type_prefix: str = ""
    ) -> str:
        """The call that performs the repair, spelled with the module's own names."""
        return (
            f"{module_prefix}{self.function}({tensor}, {axis_text}, "
            f"src={type_prefix}{self.from_type}, dst={type_prefix}{self.to_type})"
        )


class RuleViolation(Exception):
    """An op the runtime would reject. ``operand`` is the operand to blame."""

    def __init__(
        self,
        code: Code,
        message: str,
        *,
        operand: int | None = None,
        axis: str | None = None,
        fixes: Sequence[FixCandidate] = (),
        certain: bool = True,
    ) -> None:
        super().__init__(message)
        self.certain = certain  # False: the verdict hangs on something static analysis cannot see
        self.code = code
        self.message = message
        self.operand = operand
        self.axis = axis
        self.fixes = tuple(fixes)


def _fmt_types(types: Sequence[AxisEntry]) -> str:
    return "[" + ", ".join(repr(t) if t is SCALAR else str(t) for t in types) + "]"


def _first_index(types: Sequence[AxisEntry], wanted: AxisType) -> int:
    for i, t in enumerate(types):
        if t == wanted:
            return i
    return 0


def infer_axis(
    axis: str,
    types: Sequence[AxisEntry],
    linearity: Linearity,
    no_grad: Sequence[bool] | None = None,
) -> AxisType:
    """The output type on one axis, or RuleViolation. ``operand`` indexes ``types``.

    ``no_grad[i]`` is True when operand i cannot receive a gradient (it does
    not require grad, or grad mode is off); such R/I operands adopt the flavor
    of the others, which is what lets an Invariant mix under ``no_grad``.
    """
    local = [t if t is SCALAR else t.local for t in types]  # type: ignore[union-attr]
    type_set: set[AxisEntry] = set(local)
    if no_grad is not None and I in type_set and not type_set <= {I, SCALAR}:
        fixed = {t for t, ng in zip(local, no_grad, strict=True) if not ng and t in (R, I)}
        if len(fixed) <= 1:
            flavor = I if fixed == {I} else R
            type_set = {
                flavor if ng and t in (R, I) else t for t, ng in zip(local, no_grad, strict=True)
            }

    if type_set <= {R, SCALAR}:
        return R
    if type_set <= {I, SCALAR}:
        return I
    if type_set <= {R, V, SCALAR}:
        return V
    found = _fmt_types(local)
    if I in type_set:
        raise RuleViolation(
            codes.INVARIANT_MIX,
            codes.INVARIANT_MIX.message(axis=axis, found=found),
            operand=_first_index(local, I),
            axis=axis,
        )
    # P is present from here on.
    non_p = type_set - {P, SCALAR}
    p_index = _first_index(local, P)
    if non_p - {R}:
        raise RuleViolation(
            codes.PARTIAL_VARYING,
            codes.PARTIAL_VARYING.message(axis=axis, found=found),
            operand=p_index,
            axis=axis,
        )
    if linearity is Linearity.NONLINEAR:
        raise RuleViolation(
            codes.PARTIAL_NONLINEAR,
            codes.PARTIAL_NONLINEAR.message(axis=axis, found=found),
            operand=p_index,
            axis=axis,
        )
    if linearity is Linearity.LINEAR and (non_p or SCALAR in type_set):
        raise RuleViolation(
            codes.PARTIAL_AFFINE,
            codes.PARTIAL_AFFINE.message(axis=axis, found=found),
            operand=p_index,
            axis=axis,
        )
    if linearity is Linearity.MULTILINEAR and sum(1 for t in local if t == P) > 1:
        second_p = [i for i, t in enumerate(local) if t == P][1]
        raise RuleViolation(
            codes.PARTIAL_PRODUCT,
            codes.PARTIAL_PRODUCT.message(axis=axis, found=found),
            operand=second_p,
            axis=axis,
        )
    return P


# (from, to, function, consequence), in the runtime's order (_FIX_CANDIDATES).
# Not suggested, as in the runtime: R->I (compute happens on R), P->V via
# reduce_scatter (needs the output size), V->P via reinterpret.
_FIX_TABLE: tuple[tuple[AxisType, AxisType, str, str], ...] = (
    (I, R, "convert", "no-op forward, all-reduce in backward"),
    (I, P, "convert", "zeros non-rank-0 in forward, no-op backward"),
    (P, R, "all_reduce", "all-reduce in forward, all-reduce in backward"),
    (P, I, "all_reduce", "all-reduce in forward, no-op backward"),
    (R, P, "convert", "zeros non-rank-0 in forward, zeros non-rank-0 in backward"),
)


def suggest_fixes(
    axis: str,
    types: Sequence[AxisEntry],
    operand_index: Sequence[int],
    linearity: Linearity,
) -> list[FixCandidate]:
    """The runtime's fix suggestions for a rejected axis.

    A candidate retypes the first operand of its ``from`` type; it is kept
    when the op then type-checks (under the strict rule, without the no-grad
    relaxation) and its output equals what the other operands alone give.
    ``operand_index[i]`` maps ``types[i]`` back to the op's operand list.
    """
    local = [t if t is SCALAR else t.local for t in types]  # type: ignore[union-attr]
    out: list[FixCandidate] = []
    for from_t, to_t, function, consequence in _FIX_TABLE:
        idx = next((i for i, t in enumerate(local) if t == from_t), None)
        if idx is None:
            continue
        modified = list(local)
        modified[idx] = to_t
        try:
            fixed = infer_axis(axis, modified, linearity)
        except RuleViolation:
            continue
        remaining = [t for i, t in enumerate(local) if i != idx]
        if remaining:
            try:
                if infer_axis(axis, remaining, linearity) != fixed:
                    continue
            except RuleViolation:
                pass
        out.append(FixCandidate(operand_index[idx], axis, from_t, to_t, function, consequence))
    return out


def _axes_text(axes: Sequence[str]) -> str:
    return "{" + ", ".join(sorted(axes)) + "}"


def infer_output(
    operands: Sequence[LocalType | None],
    linearity: Linearity,
    *,
    mesh_axes: Sequence[str] | None,
    strict: bool,
    no_grad: Sequence[bool] | None = None,
) -> LocalType:
    """The output type of an op over all axes (``infer_output_type``).

    ``operands[i]`` is a tensor's type, or None for a Python number at a
    tensor position (it adopts the type of the others on every axis they
    have). ``mesh_axes`` is the current mesh (None when none is set): in
    strict mode an operand lacking one of its axes, or lacking an axis
    another operand has, is an error; permissive mode skips it.
    """
    tensor_axes: set[str] = set()
    for t in operands:
        if t is not None:
            tensor_axes.update(t)
    all_axes = set(tensor_axes)
    if mesh_axes is not None:
        all_axes.update(mesh_axes)
    out: dict[str, AxisType] = {}
    for axis in sorted(all_axes):
        entries: list[AxisEntry] = []
        index: list[int] = []
        flags: list[bool] = []
        for i, t in enumerate(operands):
            # a scalar's type only spans the tensors' axes
            entry = t.get(axis) if t is not None else (SCALAR if axis in tensor_axes else None)
            if entry is None:
                if strict:
                    have = _axes_text(list(t)) if t is not None else "{}"
                    if mesh_axes is not None and axis in mesh_axes:
                        msg = codes.MISSING_AXIS_FROM_MESH.format(
                            index=i, axis=axis, mesh=_axes_text(mesh_axes), have=have
                        )
                    else:
                        msg = codes.MISSING_AXIS_FROM_OPERANDS.format(
                            index=i, axis=axis, have=have, union=_axes_text(sorted(all_axes))
                        )
                    raise RuleViolation(codes.MISSING_AXIS, msg, operand=i, axis=axis)
                continue
            entries.append(entry)
            index.append(i)
            if no_grad is not None:
                flags.append(True if t is None else no_grad[i])
        if not entries:
            continue
        try:
            out[axis] = infer_axis(axis, entries, linearity, flags if no_grad is not None else None)
        except RuleViolation as violation:
            fixes = suggest_fixes(axis, entries, index, linearity)
            operand = index[violation.operand] if violation.operand is not None else None
            raise RuleViolation(
                violation.code,
                violation.message,
                operand=operand,
                axis=axis,
                fixes=fixes,
            ) from None
    return LocalType(out)


def check_nonlinear_args(
    function_name: str, operands: Sequence[tuple[int, LocalType | None]]
) -> None:
    """A divisor (an operand that enters nonlinearly) may not be Partial."""
    for index, t in operands:
        if t is None:
            continue
        for axis, axis_type in t.items():
            if axis_type.kind is Kind.P:
                raise RuleViolation(
                    codes.PARTIAL_DIVISOR,
                    codes.PARTIAL_DIVISOR.message(function=function_name, axis=axis),
                    operand=index,
                    axis=axis,
                )


def check_inplace(
    function_name: str, target: LocalType, output: LocalType, target_no_grad: bool | None
) -> None:
    """An in-place op may not change its target's type (R/I -> V allowed without grad)."""
    for axis, new in output.items():
        old = target.get(axis)
        if old is None or old.local == new.local:
            continue
        if old.local in (R, I) and new.local == V and target_no_grad:
            continue
        if old.local in (R, I) and new.local == V and target_no_grad is None:
            raise RuleViolation(
                codes.INPLACE_TYPE_CHANGE,
                codes.INPLACE_TYPE_CHANGE_IF_GRAD.format(
                    function=function_name, axis=axis, old=old.local, new=new.local
                ),
                operand=0,
                axis=axis,
                certain=False,
            )
        raise RuleViolation(
            codes.INPLACE_TYPE_CHANGE,
            codes.INPLACE_TYPE_CHANGE.message(
                function=function_name, axis=axis, old=old.local, new=new.local
            ),
            operand=0,
            axis=axis,
        )
