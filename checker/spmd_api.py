"""The spmd_types API as the interpreter runs it: assert_type and its relatives,
collectives and conversions, reveal_type, autograd Functions, backward().

Functions of the interpreter (``ev``), split from ``infer.py`` to keep each module to
one job: ``infer.py`` walks the code, this module knows what spmd_types' calls do.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from . import codes
from . import collectives as coll
from .codes import Severity
from .lattice import AxisType, Kind, LocalType, S
from .lattice import V as TYPE_V
from .names import call_site_of, parameter_names
from .results import AxisTransition, CollectiveFact, Origin, Related, Reveal, Span
from .rules import RuleViolation
from .values import (
    UNKNOWN,
    AxisVal,
    ClassVal,
    ConstVal,
    PartitionSpecVal,
    Registration,
    TensorVal,
    TupleVal,
    TypeDictVal,
    TypeVal,
    Value,
)

if TYPE_CHECKING:
    from .evaluator import Evaluator
    from .state import Frame

REGISTRATIONS = {
    "spmd.register_local_autograd_function": Registration.LOCAL,
    "spmd.register_autograd_function": Registration.TYPECHECK,
}


def reveal(ev: Evaluator, node: ast.Call, args: list[Value], frame: Frame) -> None:
    if not node.args:
        return
    value = args[0]
    types = value.type if isinstance(value, TensorVal) and value.exact else None
    span = frame.unit.span(node)
    ev.sink.reveal(Reveal(span, frame.unit.source_of(node.args[0]), types))


def collective(
    ev: Evaluator,
    function: str,
    node: ast.Call,
    args: list[Value],
    kwargs: dict[str, Value],
    kw_nodes: dict[str, ast.expr],
    frame: Frame,
) -> Value:
    signature = coll.SIGNATURES[function]
    x = args[0] if args else kwargs.get("x", UNKNOWN)
    x_node: ast.AST = node.args[0] if node.args else kw_nodes.get("x", node)
    axis_value = args[1] if len(args) > 1 else kwargs.get("axis", kwargs.get("group", UNKNOWN))
    axis_node = node.args[1] if len(node.args) > 1 else kw_nodes.get("axis", kw_nodes.get("group"))
    axis = ev.axis(axis_value, axis_node, frame)
    callee_span = frame.unit.span(node.func)
    params: dict[str, AxisType | None] = {}
    for which, default in (("src", signature.src), ("dst", signature.dst)):
        if signature.fixed:
            params[which] = default if isinstance(default, AxisType) else None
            continue
        given = kwargs.get(which)
        if given is None:
            if default is coll.REQUIRED:
                ev.sink.report(
                    callee_span,
                    codes.MISSING_ARGUMENT,
                    codes.MISSING_ARGUMENT.message(
                        function=function,
                        which=which,
                        also=" and should get" if which == "dst" else "",
                    ),
                    Severity.ERROR,
                    call_site_of(frame),
                )
                return UNKNOWN
            params[which] = default if isinstance(default, AxisType) else None
        else:
            params[which] = given.type if isinstance(given, TypeVal) else None
    src, dst = params["src"], params["dst"]
    expert = kwargs.get("expert_mode", ConstVal(False))
    expert_flag = (
        expert.value if isinstance(expert, ConstVal) and isinstance(expert.value, bool) else None
    )
    if src is not None and dst is not None:
        try:
            coll.validate_arguments(function, src, dst, expert_flag)
        except RuleViolation as violation:
            target = (
                kw_nodes.get("dst")
                if "dst" in violation.message.split(" must")[0]
                else kw_nodes.get("src")
            )
            ev.violation(violation, frame, target or node.func)
            return UNKNOWN
    if isinstance(axis, AxisVal) and src is not None and dst is not None:
        ev.sink.collective(
            CollectiveFact(
                callee_span,
                function,
                (
                    AxisTransition(
                        axis.name,
                        src,
                        dst,
                        coll.forward_text(src, dst),
                        coll.backward_text(function, src, dst),
                    ),
                ),
            ),
        )
    if (
        not isinstance(x, TensorVal)
        or x.type is None
        or not isinstance(axis, AxisVal)
        or src is None
        or dst is None
    ):
        return TensorVal(None, x.grad if isinstance(x, TensorVal) else None)
    origin = Origin(
        frame.unit.span(node),
        f"{function}(..., src={src}, dst={dst}) at line {frame.unit.span(node).line + 1}",
    )
    if not ev.state.checking:
        return TensorVal(LocalType(), x.grad, True, origin)
    state = ev.state
    no_grad = True if not state.grad else (None if x.grad is None else not x.grad)
    try:
        typed = coll.check_source(
            function, x.type, axis.name, src, strict=state.strict and x.exact, no_grad=no_grad
        )
    except RuleViolation as violation:
        related = []
        if x.origin is not None:
            related.append(
                Related(x.origin.span, f"the tensor got its type here: {x.origin.description}")
            )
        if frame.call_site is not None:
            related.append(frame.call_site)
        if violation.code is codes.MISSING_AXIS and not x.exact:
            return TensorVal(None, x.grad)
        fixes = ev.spelling.src_fix(
            function, x.type.get(axis.name), dst, expert_flag, kw_nodes.get("src"), frame
        )
        ev.sink.report(
            frame.unit.span(kw_nodes.get("src", x_node)),
            violation.code,
            violation.message,
            Severity.ERROR if violation.certain else Severity.WARNING,
            tuple(related),
            fixes,
        )
        return UNKNOWN
    if coll.is_noop(function, src, dst):
        # The call returns its operand itself, which the runtime then retypes: the tensor
        # keeps its PartitionSpec, and the caller's name sees the new type too.
        retyped = (
            x.type.with_axis(axis.name, AxisType(dst.kind, x.type[axis.name].shard_dim))
            if typed
            else x.type
        )
        same = TensorVal(retyped, x.grad, x.exact, origin, x.ndim)
        ev.mutate(x_node, same, frame)
        return same
    return TensorVal(
        coll.output_type(x.type, axis.name, dst, typed),
        x.grad if state.grad else False,
        x.exact,
        origin,
    )


def assert_type(
    ev: Evaluator, node: ast.Call, args: list[Value], kwargs: dict[str, Value], frame: Frame
) -> Value:
    if not args:
        return UNKNOWN
    span = frame.unit.span(node)
    if any(isinstance(a, ast.Starred) for a in node.args[1:]) or any(
        k.arg is None for k in node.keywords
    ):
        return assert_result(ev, args[0], node.args[0], None, False, span, frame)
    return assert_values(
        ev,
        args[0],
        node.args[0],
        list(zip(args[1:], node.args[1:], strict=True)),
        kwargs.get("partition_spec"),
        span,
        frame,
    )


def assert_values(
    ev: Evaluator,
    x: Value,
    x_node: ast.AST,
    type_args: list[tuple[Value, ast.AST]],
    spec_value: Value | None,
    span: Span,
    frame: Frame,
) -> Value:
    """assert_type(x, *types, partition_spec=...): merge the type arguments, then set or
    check (refine) x's type. Shared by assert_type, *_like and local_map boundaries."""
    asserted: dict[str, AxisType] = {}
    bare: AxisType | None = None
    known = True
    for value, arg_node in type_args:
        if isinstance(value, TypeDictVal):
            for axis, t in value.items:
                if not isinstance(ev.axis(axis, arg_node, frame), AxisVal):
                    return assert_result(ev, x, x_node, None, False, span, frame)
                if axis.name in asserted and asserted[axis.name] != t:
                    ev.sink.report(
                        frame.unit.span(arg_node),
                        codes.CONFLICTING_TYPES,
                        f"Conflicting types on axis {axis.name}: {asserted[axis.name]} and {t}",
                        Severity.ERROR,
                        call_site_of(frame),
                    )
                    return UNKNOWN
                asserted[axis.name] = t
        elif isinstance(value, TypeVal):
            if bare is not None:
                return UNKNOWN  # TypeError in the runtime: at most one bare type
            bare = value.type
        elif (isinstance(value, ConstVal) and value.value is None) or isinstance(
            value, PartitionSpecVal
        ):
            continue
        else:
            known = False
    specs = [v for v, _ in type_args if isinstance(v, PartitionSpecVal)]
    if spec_value is not None and not (
        isinstance(spec_value, ConstVal) and spec_value.value is None
    ):
        if isinstance(spec_value, PartitionSpecVal):
            specs.append(spec_value)
        else:
            known = False
    ndim = x.ndim if isinstance(x, TensorVal) else None
    shards = {axis: t for axis, t in asserted.items() if t.shard_dim is not None}
    if (
        shards
        and ndim is None
        and any(t.shard_dim is not None and t.shard_dim < 0 for t in shards.values())
    ):
        known = False
    if known:
        conflict = shard_conflict(asserted, shards, specs, ndim)
        if conflict is not None:
            ev.sink.report(
                span, codes.CONFLICTING_TYPES, conflict, Severity.ERROR, call_site_of(frame)
            )
            return UNKNOWN
        for spec in specs[:1]:
            for dim, spec_axes in enumerate(spec.dims):
                for spec_axis in spec_axes:
                    asserted[spec_axis] = S(dim)
        for name, t in list(asserted.items()):
            if t.shard_dim is not None and t.shard_dim < 0 and ndim is not None:
                asserted[name] = S(t.shard_dim + ndim)
    exact = True
    if bare is not None:
        state = ev.state
        if state.mesh_known and state.mesh is None:
            ev.sink.report(
                span,
                codes.NO_CURRENT_MESH,
                codes.NO_CURRENT_MESH_FOR_BARE_TYPE.format(type=bare),
                Severity.ERROR,
                call_site_of(frame),
            )
            return UNKNOWN
        if not state.mesh_known:
            known = False
        else:
            for mesh_axis in state.mesh or ():
                asserted.setdefault(mesh_axis, bare)
    elif ev.state.mesh_known and ev.state.mesh is not None:
        exact = set(asserted) >= set(ev.state.mesh)
    else:
        exact = False
    if not known:
        return assert_result(ev, x, x_node, None, False, span, frame)
    return assert_result(ev, x, x_node, LocalType(asserted), exact, span, frame)


def assert_result(
    ev: Evaluator,
    x: Value,
    x_node: ast.AST,
    asserted: LocalType | None,
    exact: bool,
    span: Span,
    frame: Frame,
) -> Value:
    if (
        isinstance(x, TupleVal)
        and isinstance(x_node, (ast.Tuple, ast.List))
        and len(x_node.elts) == len(x.items)
    ):
        return TupleVal(
            tuple(
                assert_result(ev, item, item_node, asserted, exact, span, frame)
                for item, item_node in zip(x.items, x_node.elts, strict=True)
            )
        )
    if not isinstance(x, TensorVal) and x is not UNKNOWN:
        # a container the checker does not follow: what it holds is no longer known
        ev.mutate(x_node, UNKNOWN, frame)
        return UNKNOWN
    if not isinstance(x, TensorVal):
        if asserted is None or x is not UNKNOWN:
            return x
        x = TensorVal(None, None, False)
    origin = Origin(span, f"assert_type at line {span.line + 1}")
    if asserted is None:
        new = TensorVal(None, x.grad, False, origin)
    elif x.type is None:
        new = TensorVal(asserted, x.grad, exact, origin, x.ndim)
    else:
        merged = dict(x.type)
        for axis, t in asserted.items():
            have = merged.get(axis)
            if have is None:
                merged[axis] = t
                continue
            if have.local == t.local:
                if (
                    have.shard_dim is not None
                    and t.shard_dim is not None
                    and have.shard_dim != t.shard_dim
                ):
                    ev.sink.report(
                        frame.unit.span(x_node),
                        codes.ASSERT_MISMATCH,
                        f"PartitionSpec conflict on axis {axis}: the tensor is sharded on dim "
                        f"{have.shard_dim} ({have}), the assertion says {t}",
                        Severity.ERROR,
                        call_site_of(frame),
                    )
                    return UNKNOWN
                if t.shard_dim is not None:
                    merged[axis] = t
                continue
            if have.local == TYPE_V and t.kind is Kind.P:
                merged[axis] = t
                continue
            related = (
                [Related(x.origin.span, f"the tensor got its type here: {x.origin.description}")]
                if x.origin
                else []
            )
            if frame.call_site is not None:
                related.append(frame.call_site)
            ev.sink.report(
                frame.unit.span(x_node),
                codes.ASSERT_MISMATCH,
                codes.ASSERT_MISMATCH.message(axis=axis, have=have.local, want=t),
                Severity.ERROR,
                tuple(related),
            )
            return UNKNOWN
        new = TensorVal(LocalType(merged), x.grad, x.exact or exact, origin, x.ndim)
    ev.mutate(x_node, new, frame)
    return new


def register(name: str, cls: ClassVal) -> None:
    registration = REGISTRATIONS.get(name)
    if registration is not None:
        cls.registration = registration


def autograd_apply(
    ev: Evaluator, cls: ClassVal, node: ast.Call, args: list[Value], frame: Frame
) -> Value:
    """``Fn.apply(...)``: the typing rule the Function declares, as the runtime applies it."""
    positional = list(zip(args, node.args, strict=True))
    if not ev.state.checking:
        return ev.op(f"{cls.qualname}.apply", positional, {}, node, frame)
    hook = cls.method("spmd_typecheck")
    legacy = cls.method("typecheck_forward")
    if hook is not None:
        forward = cls.method("forward")
        hook_params = parameter_names(hook.node)
        if forward is None or hook_params or hook.node.args.vararg:
            return UNKNOWN  # a hook that stamps forward's outputs itself: not modelled
        names = parameter_names(forward.node)[1:]  # after ctx
        if len(names) < len(args):
            return UNKNOWN
        site = Related(frame.unit.span(node), f"{cls.qualname}.apply called here")
        return ev.invoke(hook, [], dict(zip(names, args, strict=False)), site)
    if cls.registration is Registration.TYPECHECK and legacy is not None:
        site = Related(frame.unit.span(node), f"{cls.qualname}.apply called here")
        return ev.invoke(legacy, list(args), {}, site)
    if cls.registration is Registration.LOCAL:
        return ev.op(f"{cls.qualname}.apply", positional, {}, node, frame)
    if ev.state.strict:
        ev.sink.report(
            frame.unit.span(node.func),
            codes.UNREGISTERED_FUNCTION,
            codes.UNREGISTERED_FUNCTION.message(function=cls.qualname),
            Severity.WARNING,
            call_site_of(frame),
        )
    return UNKNOWN


def assert_like(
    ev: Evaluator,
    node: ast.Call,
    args: list[Value],
    kwargs: dict[str, Value],
    frame: Frame,
    keep_shards: bool,
) -> Value:
    if len(args) < 2 or len(node.args) < 2:
        return UNKNOWN
    source = args[1]
    overrides = args[2] if len(args) > 2 else kwargs.get("overrides", ConstVal(None))
    span = frame.unit.span(node)
    if not isinstance(source, TensorVal) or source.type is None or not source.exact:
        return assert_result(ev, args[0], node.args[0], None, False, span, frame)
    items = {axis: (t if keep_shards else t.local) for axis, t in source.type.items()}
    if isinstance(overrides, TypeDictVal):
        for axis, t in overrides.items:
            items[axis.name] = t
    elif not (isinstance(overrides, ConstVal) and overrides.value is None):
        return assert_result(ev, args[0], node.args[0], None, False, span, frame)
    like = TypeDictVal(tuple((AxisVal(a, "group"), t) for a, t in items.items()))
    assert_values(ev, args[0], node.args[0], [(like, node.args[1])], None, span, frame)
    return ConstVal(None)


def mutate_type(
    ev: Evaluator, node: ast.Call, args: list[Value], kwargs: dict[str, Value], frame: Frame
) -> Value:
    """mutate_type(x, axis=None, *, src, dst): overwrite axes after checking they are ``src``."""
    if not args or not node.args:
        return UNKNOWN
    x, x_node = args[0], node.args[0]
    axis_value = args[1] if len(args) > 1 else kwargs.get("axis", ConstVal(None))
    src, dst = kwargs.get("src"), kwargs.get("dst")

    def unknown() -> Value:
        ev.mutate(x_node, UNKNOWN, frame)
        return UNKNOWN

    if not isinstance(x, TensorVal) or x.type is None or src is None or dst is None:
        return unknown()
    current = dict(x.type)
    if isinstance(axis_value, ConstVal) and axis_value.value is None:
        axes = sorted(current) if isinstance(src, TypeVal) and isinstance(dst, TypeVal) else []
    else:
        axis = ev.axis(axis_value, node.args[1] if len(node.args) > 1 else node, frame)
        if not isinstance(axis, AxisVal):
            return unknown()
        axes = [axis.name]
    updates: dict[str, tuple[AxisType, AxisType]] = {}
    for name in axes:
        if isinstance(src, TypeVal) and isinstance(dst, TypeVal):
            updates[name] = (src.type, dst.type)
    if isinstance(src, TypeDictVal) or isinstance(dst, TypeDictVal):
        src_map = {a.name: t for a, t in src.items} if isinstance(src, TypeDictVal) else None
        dst_map = {a.name: t for a, t in dst.items} if isinstance(dst, TypeDictVal) else None
        names = list(dst_map or src_map or {})
        for name in names:
            s_t = (
                src_map[name]
                if src_map is not None and name in src_map
                else (src.type if isinstance(src, TypeVal) else None)
            )
            d_t = (
                dst_map[name]
                if dst_map is not None and name in dst_map
                else (dst.type if isinstance(dst, TypeVal) else None)
            )
            if s_t is None or d_t is None:
                return unknown()
            updates[name] = (s_t, d_t)
    if not updates:
        return unknown()
    for name, (want, new) in updates.items():
        have = current.get(name)
        if have is None or have.local != want.local:
            if have is None and not x.exact:
                return unknown()
            ev.sink.report(
                frame.unit.span(x_node),
                codes.ASSERT_MISMATCH,
                f"mutate_type: expected {want} on axis {name}, but the tensor has "
                f"{have.local if have is not None else 'no type'}",
                Severity.ERROR,
                call_site_of(frame),
            )
            return unknown()
        current[name] = new.local
    updated = TensorVal(
        LocalType(current),
        x.grad,
        x.exact,
        Origin(frame.unit.span(node), f"mutate_type at line {frame.unit.span(node).line + 1}"),
        x.ndim,
    )
    ev.mutate(x_node, updated, frame)
    return updated


def partition_spec(ev: Evaluator, node: ast.Call, args: list[Value], frame: Frame) -> Value:
    dims: list[tuple[str, ...]] = []
    for value, arg_node in zip(args, node.args, strict=True):
        if isinstance(value, ConstVal) and value.value is None:
            dims.append(())
            continue
        items = value.items if isinstance(value, TupleVal) else (value,)
        item_nodes = (
            arg_node.elts
            if isinstance(arg_node, (ast.Tuple, ast.List))
            else [arg_node] * len(items)
        )
        names: list[str] = []
        for item, item_node in zip(items, item_nodes, strict=True):
            axis = ev.axis(item, item_node, frame)
            if not isinstance(axis, AxisVal):
                return UNKNOWN
            names.append(axis.name)
        dims.append(tuple(names))
    return PartitionSpecVal(tuple(dims))


def shard_conflict(
    asserted: dict[str, AxisType],
    shards: dict[str, AxisType],
    specs: list[PartitionSpecVal],
    ndim: int | None,
) -> str | None:
    """The runtime's refusals of an assert_type's shard information, or None."""
    if shards and specs:
        return (
            "Cannot use S(i) in type dict and partition_spec at the same time. Use either S(i) "
            "in the type dict or an explicit PartitionSpec."
        )
    if len({s.dims for s in specs}) > 1:
        return "Conflicting PartitionSpecs: " + " and ".join(str(s.dims) for s in specs)
    by_dim: dict[int, list[str]] = {}
    for axis, t in shards.items():
        dim = (
            t.shard_dim
            if t.shard_dim is None or t.shard_dim >= 0 or ndim is None
            else t.shard_dim + ndim
        )
        by_dim.setdefault(dim or 0, []).append(axis)
    for dim, axes in by_dim.items():
        if len(axes) > 1:
            return (
                f"Tensor dim {dim} is sharded on multiple axes ({', '.join(axes)}). Use an "
                f"explicit PartitionSpec to specify the axis ordering."
            )
    for spec in specs:
        if ndim is not None and len(spec.dims) != ndim:
            return f"PartitionSpec length {len(spec.dims)} doesn't match tensor ndim {ndim}"
        for spec_axes in spec.dims:
            for spec_axis in spec_axes:
                given = asserted.get(spec_axis)
                if given is not None and given.local != TYPE_V:
                    return (
                        f"Mesh axis {spec_axis} appears in partition_spec (implying Varying/Shard) "
                        f"but is specified as {given} in type."
                    )
    return None


def backward(
    ev: Evaluator,
    loss: TensorVal,
    loss_node: ast.AST,
    args: list[Value],
    kwargs: dict[str, Value],
    frame: Frame,
) -> None:
    if args or "gradient" in kwargs or not ev.state.checking or loss.type is None:
        return
    for axis, t in loss.type.items():
        if t.kind in (Kind.I, Kind.P):
            continue
        advice = (
            codes.BACKWARD_LOSS_REPLICATE if t.kind is Kind.R else codes.BACKWARD_LOSS_VARYING
        ).format(axis=axis)
        related = (
            (Related(loss.origin.span, f"the loss got its type here: {loss.origin.description}"),)
            if loss.origin
            else ()
        )
        ev.sink.report(
            frame.unit.span(loss_node),
            codes.BACKWARD_LOSS,
            codes.BACKWARD_LOSS.message(kind=t.kind.full_name, axis=axis, advice=advice),
            Severity.ERROR,
            related,
            ev.spelling.reinterpret_loss(loss_node, axis, frame) if t.kind is Kind.V else (),
        )
        return
