"""Typed scalars: ``spmd.Scalar(value, {axis: type})`` and their arithmetic.

A Scalar is a number with a local type (``_scalar.py``). Built, its type goes through
``normalize_local_type``: R, I, V or P only, size-1 axes dropped, axes orthogonal. Under
type checking, arithmetic with a number keeps the Scalar's type, and between two Scalars
needs the same axes and, per axis, the same type or R with V (giving V); anything else
returns ``NotImplemented``, a ``TypeError`` in Python. Outside type checking the operators
give plain numbers. In an op, a Scalar is an operand with its exact type at any argument
position (``ops.py``).
"""

from __future__ import annotations

import ast

from . import codes
from .codes import Severity
from .evaluator import CallContext, Evaluator
from .lattice import AxisType, Kind, LocalType, V
from .names import call_site_of
from .state import Frame
from .values import UNKNOWN, AxisVal, ConstVal, ScalarVal, TypeDictVal, TypedScalarVal, Value

# the operators Scalar defines (the others are NotImplemented on a Scalar)
_ARITHMETIC = {
    "add": "+",
    "sub": "-",
    "mul": "*",
    "truediv": "/",
    "floordiv": "//",
    "mod": "%",
    "pow": "**",
}


def scalar(ctx: CallContext) -> Value:
    """spmd.Scalar(value, spmd_type)."""
    ev, frame = ctx.evaluator, ctx.frame
    value = ctx.arg(0, "value")
    given = ctx.arg(1, "spmd_type")
    if isinstance(value, ConstVal) and isinstance(value.value, bool):
        return _reject(
            ctx,
            codes.SCALAR_TYPE,
            f"Scalar value must be int, float, or complex (not bool), got bool: {value.value!r}",
        )
    if not isinstance(given, TypeDictVal) or given.choices or given.rest is not None:
        return UNKNOWN
    items: dict[str, AxisType] = {}
    for axis, t in given.items:
        resolved = ev.axis(axis, ctx.arg_node(1, "spmd_type"), frame)
        if not isinstance(resolved, AxisVal):
            return UNKNOWN
        if t.shard_dim is not None:
            return _reject(
                ctx,
                codes.SCALAR_TYPE,
                "Expected PerMeshAxisLocalSpmdType (R, I, V, or P) on axis "
                f"{resolved.name!r}, got {t}",
            )
        if not resolved.trivial:
            items[resolved.name] = t
    problem = ev.algebra.overlap(list(items))
    if problem is not None:
        return _reject(ctx, codes.AXES_NOT_ORTHOGONAL, problem)
    if not isinstance(value, ScalarVal):
        return UNKNOWN
    return TypedScalarVal(LocalType(items))


def _reject(ctx: CallContext, code: codes.Code, message: str) -> Value:
    ctx.evaluator.sink.report(ctx.span, code, message, Severity.ERROR, call_site_of(ctx.frame))
    ctx.frame.stop()
    return UNKNOWN


def _merged(a: LocalType, b: LocalType) -> LocalType | None:
    """``Scalar._merge_types``: the same axes, per axis the same type or R with V."""
    if set(a) != set(b):
        return None
    out: dict[str, AxisType] = {}
    for axis, t in a.items():
        other = b[axis]
        if t == other:
            out[axis] = t
        elif {t.kind, other.kind} == {Kind.R, Kind.V}:
            out[axis] = V
        else:
            return None
    return LocalType(out)


def arithmetic(
    ev: Evaluator, name: str, left: Value, right: Value, node: ast.AST, frame: Frame
) -> Value | None:
    """A binary operator where a Scalar meets a Scalar or a number (None: not such a
    pair). A Scalar pair that cannot merge is Python's TypeError."""
    typed = [v for v in (left, right) if isinstance(v, TypedScalarVal)]
    if not typed or not all(isinstance(v, (TypedScalarVal, ScalarVal)) for v in (left, right)):
        return None
    symbol = _ARITHMETIC.get(name)
    if not ev.state.checking:
        return ScalarVal(None)  # the operators unwrap: a plain number
    if symbol is None:
        return UNKNOWN
    if len(typed) == 1:
        return typed[0]  # a number adopts the Scalar's type
    merged = _merged(typed[0].type, typed[1].type)
    if merged is not None:
        return TypedScalarVal(merged)
    ev.sink.report(
        frame.unit.span(node),
        codes.SCALAR_MIX,
        f"unsupported operand type(s) for {symbol}: 'Scalar' and 'Scalar' (their types "
        f"{typed[0].type} and {typed[1].type} do not combine: a Scalar pair needs the same "
        "axes and, per axis, the same type or R with V)",
        Severity.ERROR,
        call_site_of(frame),
    )
    frame.stop()
    return UNKNOWN


def signed(ev: Evaluator, operand: TypedScalarVal) -> Value:
    """``-s`` / ``+s``: the same type under type checking, else a plain number."""
    return operand if ev.state.checking else ScalarVal(None)
