"""The type-only operations of ``spmd_types.rules``, which an autograd Function's
``spmd_typecheck`` hook composes (the runtime's ``rules.py``; docs/runtime-semantics.md,
section 6.4): the transitions (``rules.all_reduce`` ... ``rules.convert``), ``rules.einsum``,
``rules.ignore`` and ``rules.output``.

They run whether or not the mode checks ops (a hook runs with the mode popped), and they
differ from the collectives they mirror: a pair outside the transition's table is an
SpmdTypeError (not a ValueError), the input must be exactly ``src`` (no implicit V -> P),
an input not typed on the axis is first asserted with ``src`` (the tensor itself is
annotated), and ``src=S(i)`` is compared with the PartitionSpec in local mode too. A result
is an ``NdimWithSpmdType`` (a rank and a type): here a ``TensorVal`` that requires grad
(so the R/I leniency of a real tensor that cannot receive a gradient never applies to it).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, replace

from . import axes, codes, global_mode, layout
from . import einsum as einsum_rule
from .codes import Code, Severity
from .evaluator import CallContext, Evaluator, Handler
from .lattice import AxisType, I, Kind, P, R, S, V
from .names import call_site_of
from .ops import as_tensor
from .results import Origin, Span
from .state import Frame
from .tensortype import (
    ABSENT,
    EXACT,
    KINDS,
    OPEN,
    UNKNOWN_TYPE,
    TensorType,
    Term,
    Unknown,
    as_term,
    join_terms,
)
from .values import UNKNOWN, AxisVal, ConstVal, ScalarVal, TensorVal, TupleVal, TypeVal, Value
from .verdicts import narrowed_to, possibilities

UNTYPED = TensorType({}, EXACT)  # a real output before it is stamped
# What a pattern of a transition's table matches: a type exactly, or one of these families.
_VARYING_OR_SHARD = "V|S"
_PARTIAL_OR_VARYING = "P|V"
Pattern = AxisType | str


@dataclass(frozen=True)
class Transition:
    """A type-only collective or local transition: its table of admitted (src, dst) pairs
    and its defaults (None: a required keyword)."""

    name: str
    allowed: tuple[tuple[Pattern, Pattern], ...]
    src: AxisType | None
    dst: AxisType | None


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("all_reduce", (("P|V", R), ("P|V", I)), P, None),
        Transition("all_gather", (("V|S", R), ("V|S", I)), V, None),
        Transition("reduce_scatter", (("P|V", "V|S"),), P, V),
        Transition("all_to_all", (("V|S", "V|S"),), V, V),
        Transition(
            "reinterpret",
            tuple(
                (a, b)
                for a, b in (
                    (R, R),
                    (I, I),
                    (V, V),
                    (P, P),
                    (V, P),
                    (R, V),
                    (R, P),
                    (I, V),
                    (I, P),
                    (R, I),
                    (I, R),
                )
            ),
            None,
            None,
        ),
        Transition(
            "convert",
            (
                (R, R),
                (I, I),
                (P, P),
                (R, I),
                (R, "V|S"),
                (R, P),
                (I, R),
                (I, "V|S"),
                (I, P),
                ("V|S", "V|S"),
                ("V|S", P),
            ),
            None,
            None,
        ),
    )
}


def _matches(pattern: Pattern, t: AxisType) -> bool:
    if pattern == _VARYING_OR_SHARD:
        return t.kind is Kind.V
    if pattern == _PARTIAL_OR_VARYING:
        return t in (P, V)
    return t == pattern


def pair_error(transition: Transition, src: AxisType, dst: AxisType) -> str | None:
    """``_check_pair``: the message when the table does not admit src -> dst."""
    if any(_matches(s, src) and _matches(d, dst) for s, d in transition.allowed):
        return None
    options = ", ".join(f"{s} -> {d}" for s, d in transition.allowed)
    return (
        f"rules.{transition.name}: {src} -> {dst} is not a transition the type system "
        f"admits for {transition.name}. Allowed: {options}"
    )


def canonical_shard(t: AxisType, ndim: int | None) -> AxisType | str | None:
    """``_canonicalize_shard``: S(i) resolved against the rank (None: the rank is not known
    and it matters); the runtime's message when it is out of bounds."""
    if t.shard_dim is None:
        return t
    dim = t.shard_dim
    if ndim is None:
        return t if dim >= 0 else None
    if dim < -ndim or dim >= ndim:
        return f"S({dim}) is out of bounds for tensor with ndim={ndim}"
    return S(dim + ndim) if dim < 0 else t


@dataclass(frozen=True)
class Failure:
    """Where the runtime raises: the code, its message, and whether it certainly does."""

    code: Code
    message: str
    certain: bool = True


def _report(ctx: CallContext, failure: Failure, node: object = None) -> None:
    fail(ctx.evaluator, ctx.frame, ctx.frame.unit.span(node or ctx.node), failure)  # type: ignore[arg-type]


def fail(ev: Evaluator, frame: Frame, span: Span, failure: Failure) -> None:
    """Report where the runtime raises; a certain error ends the path."""
    ev.sink.report(
        span,
        failure.code,
        failure.message,
        Severity.ERROR if failure.certain else Severity.WARNING,
        call_site_of(frame),
    )
    if failure.certain:
        frame.stop()


def _type_param(ctx: CallContext, which: str, default: AxisType | None) -> AxisType | str | None:
    """``src``/``dst``: the type given, the default, ``"missing"`` when a required one is not
    given, None when it is not a type the checker reads."""
    given = ctx.kwargs.get(which)
    if given is None:
        return default if default is not None else "missing"
    return given.type if isinstance(given, TypeVal) else None


def transition(ctx: CallContext) -> Value:
    """``rules.all_reduce(x, axis, src=, dst=, out=)`` and the other transitions
    (``_transition``)."""
    ev, frame = ctx.evaluator, ctx.frame
    spec = TRANSITIONS[ctx.name.rsplit(".", 1)[-1]]
    x_value = ctx.arg(0, "x")
    x_node = ctx.arg_node(0, "x")
    src = _type_param(ctx, "src", spec.src)
    dst = _type_param(ctx, "dst", spec.dst)
    for which, param in (("src", src), ("dst", dst)):
        if param == "missing":
            _report(
                ctx,
                Failure(
                    codes.MISSING_ARGUMENT,
                    codes.MISSING_ARGUMENT.message(
                        function=spec.name,
                        which=which,
                        also=" and should get" if which == "dst" else "",
                    ),
                ),
                ctx.node.func,
            )
            return UNKNOWN
    tensor = as_tensor(x_value, ev.numbers)
    if not isinstance(src, AxisType) or not isinstance(dst, AxisType):
        _forget(ctx, tensor, x_node)
        return TensorVal(UNKNOWN_TYPE, True)
    message = pair_error(spec, src, dst)
    if message is not None:
        _report(ctx, Failure(codes.RULES_TRANSITION, message))
        return UNKNOWN
    axis = ev.axis(ctx.arg(1, "axis"), ctx.arg_node(1, "axis"), frame)
    if tensor is None or not isinstance(axis, AxisVal):
        _forget(ctx, tensor, x_node)
        return TensorVal(UNKNOWN_TYPE, True)
    ndim = tensor.ndim
    src_c = canonical_shard(src, ndim)
    dst_c = canonical_shard(dst, ndim)
    for resolved in (src_c, dst_c):
        if isinstance(resolved, str):
            _report(ctx, Failure(codes.SHARD_DIM_RANGE, resolved))
            return UNKNOWN
    if src_c is None or dst_c is None:
        _forget(ctx, tensor, x_node)
        return TensorVal(UNKNOWN_TYPE, True)
    assert isinstance(src_c, AxisType) and isinstance(dst_c, AxisType)
    return _apply(ctx, spec, tensor, x_node, axis.name, src, src_c, dst, dst_c)


def _no_grad(ev_grad_mode: bool, tensor: TensorVal) -> bool | None:
    """Whether the input cannot receive a gradient (R and I may then stand in for each
    other); None when whether it requires grad is not known."""
    if not ev_grad_mode or tensor.grad is False:
        return True
    return None if tensor.grad is None else False


def _check(
    name: str,
    axis: str,
    have: object,
    src: AxisType,
    src_c: AxisType,
    dst_c: AxisType,
    convert: bool,
    no_grad: bool | None,
) -> AxisType | Failure:
    """One value of the input's type on the axis: the type it has after the operation's own
    ``assert_type`` (an untyped axis gets ``src``, a V gets the shard dim of ``src=S(i)``),
    or why the runtime raises."""
    shown = axes.label(axis)
    if not isinstance(have, AxisType):
        have = src_c  # untyped on the axis: the operation's src establishes it
    elif src_c.shard_dim is not None and have.shard_dim is None:
        if have.kind is not Kind.V:
            return Failure(
                codes.ASSERT_MISMATCH,
                codes.ASSERT_MISMATCH.message(axis=shown, have=have, want=V),
            )
        have = src_c
    expected = src_c.local
    if have.local != expected:
        if {have.local, expected} == {R, I} and no_grad is not False:
            if no_grad is None:
                return Failure(
                    codes.SRC_MISMATCH,
                    f"{name} expects its input to be {src} on axis {shown}, but it is "
                    f"{have.local}; R stands in for I only when the input cannot receive a "
                    f"gradient, and whether it requires grad is not known here.",
                    certain=False,
                )
        else:
            return Failure(
                codes.SRC_MISMATCH,
                f"{name} expects its input to be {src} on axis {shown}, but it is {have.local}",
            )
    if convert and src_c.shard_dim is not None and dst_c.shard_dim is not None and src_c != dst_c:
        return Failure(
            codes.RULES_TRANSITION,
            f"{name}: cannot change the shard dimension from {src_c} to {dst_c} without "
            f"communication; use all_to_all instead",
        )
    if src_c.shard_dim is not None and have.shard_dim != src_c.shard_dim:
        return Failure(
            codes.SRC_MISMATCH,
            f"{name} expects its input sharded on dim {src_c.shard_dim} along {shown}, but it "
            f"is sharded on dim {have.shard_dim}",
        )
    return have


def _apply(
    ctx: CallContext,
    spec: Transition,
    tensor: TensorVal,
    x_node: object,
    axis: str,
    src: AxisType,
    src_c: AxisType,
    dst: AxisType,
    dst_c: AxisType,
) -> Value:
    ev, frame = ctx.evaluator, ctx.frame
    name = f"rules.{spec.name}({axes.label(axis)}, src={src}, dst={dst})"
    no_grad = _no_grad(ev.state.grad, tensor)
    before = tensor.type.term(axis, frame.bindings)
    every = possibilities(before)
    outcomes = [
        (
            variables,
            _check(name, axis, have, src, src_c, dst_c, spec.name == "convert", no_grad),
        )
        for have, variables in every
    ]
    passing = [(v, r) for v, r in outcomes if isinstance(r, AxisType)]
    failures = [r for _, r in outcomes if isinstance(r, Failure)]
    if not passing:
        uncertain = [f for f in failures if not f.certain]
        _report(ctx, uncertain[0] if uncertain else failures[0])
        if not uncertain:
            return UNKNOWN
        # it fails only if the input gets a gradient: the path goes on as it is
        passing = [
            (v, have)
            for (v, r), (have, _) in zip(outcomes, every, strict=True)
            if isinstance(r, Failure) and not r.certain and isinstance(have, AxisType)
        ]
    frame.bindings = narrowed_to(frame.bindings, [v for v, _ in passing], [v for _, v in every])
    after: Term = passing[0][1]
    for _, refined in passing[1:]:
        after = as_term(join_terms(after, refined)) or after
    if after != as_term(before):
        # the operation's assert_type annotated (or refined) the input tensor itself
        retyped = tensor.type.written(axis, after)
        known = layout.effective(tensor.type, tensor.spec)
        if known is not None and isinstance(after, AxisType) and after.shard_dim is not None:
            known = layout.update_axis(known, axis, after.shard_dim)
        elif known is not None and not isinstance(after, AxisType):
            known = None
        tensor = replace(tensor, type=retyped, spec=known)
        ev.declare(tensor)  # the code stated its type (an object holding it keeps it)
        if x_node is not None:
            ev.mutate(x_node, tensor, frame)  # type: ignore[arg-type]
    result = _result(ctx, spec, tensor, axis, src, dst_c, name)
    if result is None:
        return UNKNOWN
    out = ctx.kwargs.get("out")
    if out is not None and not (isinstance(out, ConstVal) and out.value is None):
        return stamp(ctx, out, ctx.kw_nodes.get("out"), result)
    return result


def _result(
    ctx: CallContext,
    spec: Transition,
    tensor: TensorVal,
    axis: str,
    src: AxisType,
    dst_c: AxisType,
    name: str,
) -> TensorVal | None:
    """The ``NdimWithSpmdType`` the transition gives: the input's type with the axis set to
    ``dst`` (its PartitionSpec entry moved with it), one dim more for the stacking
    all_gather, one less for the unbinding reduce_scatter."""
    items: dict[str, Term] = {a: t for a, t in tensor.type.items.items() if a != axis}
    items[axis] = dst_c if dst_c.shard_dim is not None else dst_c.local
    known = layout.effective(tensor.type, tensor.spec)
    if known is not None:
        known = layout.update_axis(known, axis, dst_c.shard_dim)
    ndim = tensor.ndim
    shift = 0
    if spec.name == "all_gather" and src == V:
        shift = 1
    elif spec.name == "reduce_scatter" and dst_c == V:
        if ndim == 0:
            _report(
                ctx, Failure(codes.RULES_TRANSITION, f"{name}: cannot unbind dim 0 of a scalar")
            )
            return None
        on_dim0 = [a for a, t in items.items() if isinstance(t, AxisType) and t.shard_dim == 0]
        if on_dim0:
            _report(
                ctx,
                Failure(
                    codes.RULES_TRANSITION,
                    f"{name}: dim 0 is unbound across ranks but is sharded on "
                    f"{axes.label(on_dim0[0])}",
                ),
            )
            return None
        shift = -1
    if shift:
        items = {a: _shift(t, shift) for a, t in items.items()}
        known = layout.shifted(known, shift) if known is not None else None
        ndim = ndim + shift if ndim is not None else None
    span = ctx.span
    return TensorVal(
        TensorType(items, tensor.type.rest),
        True,  # an NdimWithSpmdType: not a tensor that may skip its gradient
        Origin(span, name),
        ndim,
        known,
    )


def _shift(term: Term, by: int) -> Term:
    if isinstance(term, AxisType) and term.shard_dim is not None:
        return S(term.shard_dim + by)
    return term


def _forget(ctx: CallContext, tensor: TensorVal | None, x_node: object) -> None:
    """An operation the checker cannot follow may annotate its input in place (an untyped
    axis gets ``src``): the input's type is then not known where it was untyped."""
    if tensor is None or x_node is None:
        return
    axis = ctx.evaluator.axis(ctx.arg(1, "axis"), None, ctx.frame)
    if isinstance(axis, AxisVal):
        term = tensor.type.term(axis.name, ctx.frame.bindings)
        if term is not ABSENT and not (isinstance(term, Unknown) and ABSENT in term.domain):
            return
        retyped = tensor.type.written(axis.name, Unknown(KINDS))
    else:
        retyped = TensorType(tensor.type.items, OPEN)
    ctx.evaluator.mutate(x_node, replace(tensor, type=retyped, spec=None), ctx.frame)  # type: ignore[arg-type]


def stamp(ctx: CallContext, out: Value, out_node: ast.AST | None, typed: Value) -> Value:
    """``rules.output(out, typed)`` (and ``out=``): the real output gets typed's type."""
    return stamp_output(ctx.evaluator, ctx.frame, ctx.span, out, out_node, typed)


def stamp_output(
    ev: Evaluator, frame: Frame, span: Span, out: Value, out_node: ast.AST | None, typed: Value
) -> Value:
    """``rules.output``: each real output gets the type (and PartitionSpec) of its typed
    counterpart, with ``assert_type`` (an untyped output is annotated, a typed one must
    already have that type). UNKNOWN after reporting where the runtime raises."""
    if isinstance(out, TupleVal):
        if isinstance(typed, TupleVal) and len(typed.items) == len(out.items):
            nodes: list[ast.AST | None] = (
                list(out_node.elts)
                if isinstance(out_node, (ast.Tuple, ast.List))
                and len(out_node.elts) == len(out.items)
                else [None] * len(out.items)
            )
            stamped: list[Value] = []
            for item, node, typed_item in zip(out.items, nodes, typed.items, strict=True):
                one = stamp_output(ev, frame, span, item, node, typed_item)
                if frame.raised:
                    return UNKNOWN
                stamped.append(one)
            return TupleVal(tuple(stamped))
        if isinstance(typed, (TensorVal, TupleVal)):
            count = len(typed.items) if isinstance(typed, TupleVal) else 1
            fail(
                ev,
                frame,
                span,
                Failure(
                    codes.CONFLICTING_TYPES,
                    f"rules.output: {len(out.items)} output(s) but {count} type(s)",
                ),
            )
            return UNKNOWN
        return UNKNOWN
    if isinstance(out, ConstVal) and out.value is None:
        return out  # an optional output
    tensor = out if isinstance(out, TensorVal) else None
    declared = typed if isinstance(typed, TensorVal) else None
    if tensor is None or declared is None:
        if tensor is not None and out_node is not None:
            ev.mutate(out_node, replace(tensor, type=UNKNOWN_TYPE, spec=None), frame)
        return UNKNOWN if tensor is None else replace(tensor, type=UNKNOWN_TYPE, spec=None)
    if tensor.ndim is not None and declared.ndim is not None and tensor.ndim != declared.ndim:
        fail(
            ev,
            frame,
            span,
            Failure(
                codes.CONFLICTING_TYPES,
                f"rules.output: output has {tensor.ndim} dim(s) but its declared type has "
                f"{declared.ndim}",
            ),
        )
        return UNKNOWN
    if tensor.type == UNTYPED:
        spec = layout.effective(declared.type, declared.spec)
        new = replace(tensor, type=declared.type, spec=spec, ndim=tensor.ndim or declared.ndim)
    else:
        mesh = ev.state.known_mesh
        have = tensor.type.concrete(frame.bindings, mesh)
        want = declared.type.concrete(frame.bindings, mesh)
        if have is not None and want is not None and have.local != want.local:
            fail(
                ev,
                frame,
                span,
                Failure(
                    codes.ASSERT_MISMATCH,
                    f"rules.output: output already has type {axes.shown(have.local)}, but the "
                    f"rule derives {axes.shown(want.local)}",
                ),
            )
            return UNKNOWN
        new = (
            tensor
            if have is not None and want is not None
            else replace(tensor, type=UNKNOWN_TYPE, spec=None)
        )
    ev.declare(new)
    if out_node is not None:
        ev.mutate(out_node, new, frame)
    return new


def output(ctx: CallContext) -> Value:
    """``rules.output(out, typed)``."""
    if len(ctx.args) < 2 and "typed" not in ctx.kwargs:
        return UNKNOWN
    stamp(ctx, ctx.arg(0, "out"), ctx.arg_node(0, "out"), ctx.arg(1, "typed"))
    return ConstVal(None)


def ignore(ctx: CallContext) -> Value:
    """``rules.ignore(*tensors)``: only accounts for them (hook coverage)."""
    return ConstVal(None)


def einsum(ctx: CallContext) -> Value:
    """``rules.einsum(equation, *operands, linear_in=(), out=None)``."""
    ev, frame, state = ctx.evaluator, ctx.frame, ctx.evaluator.state
    text = ctx.arg(0, "equation")
    operands = list(ctx.args[1:])
    span = ctx.span
    origin = Origin(span, "rules.einsum")
    unknown = TensorVal(UNKNOWN_TYPE, True, origin)
    if not isinstance(text, ConstVal) or not isinstance(text.value, str):
        return unknown
    if any(isinstance(a, ast.Starred) for a in ctx.node.args):
        return unknown
    groups_value = _linear_in(ctx.kwargs.get("linear_in"))
    tensors = [as_tensor(v, ev.numbers) for v in operands]
    if groups_value is None or any(t is None for t in tensors):
        return unknown
    present = [t for t in tensors if t is not None]
    try:
        eq = einsum_rule.parse(text.value)
        groups = einsum_rule.linear_groups(groups_value, len(present))
        bound = einsum_rule.bind(eq, [t.ndim for t in present])
    except einsum_rule.EinsumError as error:
        if error.code is not None:
            _report(ctx, Failure(error.code, error.message))
            return UNKNOWN
        return unknown
    ndim = len(bound[1]) if bound is not None else None
    unknown = replace(unknown, ndim=ndim)
    mesh = state.known_mesh
    types = [t.type.concrete(frame.bindings, mesh) for t in present]
    if any(t is None for t in types):
        return unknown
    concrete = [t for t in types if t is not None]
    found: dict[str, tuple[str, ...]] = {}
    partial: set[str] = set()
    if state.global_mode:
        specs = [global_mode.known_spec(t) for t in present]
        policy = {a: global_mode.is_global_axis(state, a) for t in concrete for a in t}
        if bound is None or any(s is None for s in specs) or None in policy.values():
            return unknown
        try:
            found, partial = einsum_rule.label_axes(
                eq,
                bound[0],
                bound[1],
                [s for s in specs if s is not None],
                concrete,
                lambda a: policy.get(a, True) is True,
                axes.label,
            )
        except einsum_rule.EinsumError as error:
            assert error.code is not None
            _report(ctx, Failure(error.code, error.message))
            return UNKNOWN
    try:
        local = einsum_rule.local_type(
            text.value, concrete, groups, partial, mesh, state.strict, axes.label
        )
    except einsum_rule.EinsumError as error:
        assert error.code is not None
        _report(ctx, Failure(error.code, error.message))
        return UNKNOWN
    spec = layout.normalized(found.get(name, ()) for name in (bound[1] if bound else ()))
    result = TensorVal(layout.with_shards(TensorType.of(local), spec), True, origin, ndim, spec)
    out = ctx.kwargs.get("out")
    if out is not None and not (isinstance(out, ConstVal) and out.value is None):
        return stamp(ctx, out, ctx.kw_nodes.get("out"), result)
    return result


def _linear_in(value: Value | None) -> list[int | tuple[int, ...]] | None:
    """``linear_in`` as written: operand positions, or tuples of them (None: not literal)."""
    if value is None:
        return []
    if not isinstance(value, TupleVal):
        return None
    out: list[int | tuple[int, ...]] = []
    for item in value.items:
        if isinstance(item, ScalarVal) and isinstance(item.value, int):
            out.append(item.value)
        elif isinstance(item, TupleVal) and all(
            isinstance(i, ScalarVal) and isinstance(i.value, int) for i in item.items
        ):
            out.append(tuple(int(i.value) for i in item.items))  # type: ignore[union-attr,arg-type]
        else:
            return None
    return out


HANDLERS: Mapping[str, Handler] = {
    **{f"spmd.rules.{name}": transition for name in TRANSITIONS},
    "spmd.rules.einsum": einsum,
    "spmd.rules.ignore": ignore,
    "spmd.rules.output": output,
}
