"""In-place retyping without communication: ``reinterpret_no_grad`` and the call forms of
``mutate_type`` (whose per-axis work is ``spmd_api.mutate_type``).

``reinterpret_no_grad(x, axis, dst=R|I)`` (``runtime.py``) checks, in order: x does not
require grad (the flag, not grad mode: a ``ValueError``), dst is R or I (``ValueError``),
a size-1 axis leaves x as it is, x is typed on the axis and R or I there
(``SpmdTypeError``); then it retypes x itself, in place, and returns it.
"""

from __future__ import annotations

import weakref

from . import axes, codes
from .codes import Code, Severity
from .evaluator import CallContext
from .lattice import AxisType, Kind
from .names import call_site_of
from .ops import as_tensor, origin_at
from .tensortype import ABSENT, UNKNOWN_TYPE, Unknown, domain
from .values import UNKNOWN, AxisVal, TensorVal, TypeDictVal, TypeVal, Value

_NO_GRAD_KINDS = (Kind.R, Kind.I)
# the tensors reinterpret_no_grad returned: each is also its argument (one object under two
# names), as long as it lives
_RETYPED: weakref.WeakValueDictionary[int, TensorVal] = weakref.WeakValueDictionary()


def reinterpret_no_grad(ctx: CallContext) -> Value:
    ev, frame = ctx.evaluator, ctx.frame
    x = as_tensor(ctx.arg(0, "tensor"), ev.numbers)
    x_node = ctx.arg_node(0, "tensor")
    dst = ctx.kwargs.get("dst")
    if x is None or x_node is None:
        return UNKNOWN
    if x.grad is True:
        return _reject(
            ctx,
            codes.REINTERPRET_NO_GRAD,
            "reinterpret_no_grad requires tensor.requires_grad=False",
        )
    if not isinstance(dst, TypeVal):
        return _unknown(ctx, x)
    if dst.type.local.kind not in _NO_GRAD_KINDS:
        return _reject(
            ctx,
            codes.REINTERPRET_NO_GRAD,
            f"reinterpret_no_grad requires dst=R or dst=I; got dst={dst.type}",
        )
    axis = ev.axis(ctx.arg(1, "axis"), ctx.arg_node(1, "axis"), frame)
    if not isinstance(axis, AxisVal):
        return _unknown(ctx, x)
    if axis.trivial:
        return x  # a size-1 axis: unchanged
    if x.grad is None or not ev.state.checking:
        return _unknown(ctx, x)  # whether it requires grad (or is typed) is not known
    term = x.type.term(axis.name, frame.bindings)
    possible = domain(term)
    allowed = frozenset(
        p for p in possible if isinstance(p, AxisType) and p.local.kind in _NO_GRAD_KINDS
    )
    shown = axes.label(axis.name)
    if not allowed:
        if possible == {ABSENT}:
            return _reject(
                ctx,
                codes.ASSERT_MISMATCH,
                f"reinterpret_no_grad: axis {shown} not found in tensor's SPMD type",
            )
        have = next((p for p in possible if isinstance(p, AxisType)), None)
        if have is None:
            return _unknown(ctx, x)
        return _reject(
            ctx,
            codes.SRC_MISMATCH,
            "reinterpret_no_grad requires the current type to be R or I; got "
            f"{have.local} on axis {shown}",
        )
    if isinstance(term, Unknown) and term.var is not None:
        frame.bindings = frame.bindings.narrow(term.var, allowed)
    retyped = TensorVal(
        x.type.written(axis.name, dst.type.local),
        x.grad,
        origin_at(frame, ctx.node, x.origin),
        x.ndim,
    )
    ev.declare(retyped)
    ev.mutate(x_node, retyped, frame)  # the same tensor, retyped in place
    # the names an earlier reinterpret_no_grad left bound to this very tensor (``y`` of
    # ``y = reinterpret_no_grad(x, ...)`` is ``x``) see it too
    if _RETYPED.get(id(x)) is x:
        for name, value in list(frame.env.items()):
            if value is x:
                frame.env[name] = retyped
    _RETYPED[id(retyped)] = retyped
    return retyped


def _unknown(ctx: CallContext, x: TensorVal) -> Value:
    """What the call did to x is not known: neither is x's type."""
    node = ctx.arg_node(0, "tensor")
    unknown = TensorVal(UNKNOWN_TYPE, x.grad, x.origin, x.ndim)
    if node is not None:
        ctx.evaluator.mutate(node, unknown, ctx.frame)
    return unknown


def _reject(ctx: CallContext, code: Code, message: str) -> Value:
    ctx.evaluator.sink.report(ctx.span, code, message, Severity.ERROR, call_site_of(ctx.frame))
    ctx.frame.stop()
    return UNKNOWN


def mutate_keys_mismatch(src: Value | None, dst: Value | None) -> str | None:
    """mutate_type with ``src`` and ``dst`` both dicts: their keys must be the same Python
    objects. Keys with different names certainly differ; None when they match or may
    (a name and a group for one axis, groups the checker cannot name)."""
    if not isinstance(src, TypeDictVal) or not isinstance(dst, TypeDictVal):
        return None
    if src.choices or dst.choices or src.rest is not None or dst.rest is not None:
        return None
    keys: list[AxisVal] = [a for a, _ in (*src.items, *dst.items)]
    if any(axes.is_symbolic(a.name) for a in keys):
        return None
    src_names = {a.name for a, _ in src.items}
    dst_names = {a.name for a, _ in dst.items}
    if src_names == dst_names:
        return None
    differing = ", ".join(repr(axes.label(n)) for n in sorted(src_names ^ dst_names))
    return f"mutate_type() expected src and dst axes to match: {differing}"
