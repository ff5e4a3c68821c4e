"""What the calls of spmd_types do, as the interpreter runs them: one handler per function,
in ``HANDLERS`` by canonical name (``spmd.all_reduce``).

assert_type and its relatives set or check (refine) a tensor's type in place; collectives
and conversions check their arguments and src, then give the dst type; reveal_type records
the type; the context managers (typecheck, set_current_mesh...) are values a ``with``
enters. Also here, for the interpreter: local_map's boundary check (``assert_values``) and
``backward()``. Autograd Functions and their registrations are ``autograd_api``'s, the
type-only ``spmd.rules`` operations ``rules_api``'s.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import replace

from . import axes, codes, global_mode, layout, mesh_types, retyping, scalars, shape_rules
from . import collectives as coll
from .codes import Severity
from .evaluator import CallContext, Evaluator, Handler
from .lattice import AxisType, Kind, S
from .lattice import V as TYPE_V
from .names import call_site_of, canonical
from .ops import as_tensor, operand_origin, origin_at, quoted_span
from .results import (
    AxisTransition,
    CollectiveFact,
    Origin,
    Reveal,
    Span,
    after,
    origin_note,
)
from .rules import RuleViolation
from .state import Frame
from .tensortype import (
    EXACT,
    UNKNOWN_TYPE,
    Bindings,
    Rest,
    RestKind,
    TensorType,
    Term,
    as_term,
    fill,
    join_terms,
    join_types,
)
from .values import (
    UNKNOWN,
    AxisVal,
    ConstVal,
    ContextKind,
    ContextVal,
    ContractVal,
    PartitionSpecVal,
    RefVal,
    ScalarVal,
    TensorVal,
    TupleVal,
    TypeDictVal,
    TypeVal,
    Value,
    type_options,
)
from .verdicts import (
    AssertMismatch,
    Verdict,
    assert_axis,
    check_collective,
    collective_output,
    require,
)

_UNTYPED = TensorType({}, EXACT)  # a tensor with no SPMD type (or typed on no axis)


def reveal_type(ctx: CallContext) -> Value:
    node, frame = ctx.node, ctx.frame
    if not node.args:
        return UNKNOWN
    value = ctx.args[0]
    expression = frame.unit.source_of(node.args[0])
    tensor = as_tensor(value, ctx.evaluator.numbers)
    if tensor is None:
        reveal = Reveal(ctx.span, expression, None, complete=False)
    else:
        mesh = ctx.evaluator.state.known_mesh
        complete = tensor.type.concrete(frame.bindings, mesh)
        if complete is not None:
            reveal = Reveal(ctx.span, expression, axes.shown(complete))
        else:
            known = axes.shown(tensor.type.known(frame.bindings))
            shown = tensor.type.describe(frame.bindings, mesh)
            reveal = Reveal(ctx.span, expression, known or None, complete=False, shown=shown)
    ctx.evaluator.sink.reveal(reveal)
    return value


def collective(ctx: CallContext) -> Value:
    """A collective or conversion (``spmd.all_reduce``), or its type-only twin of
    ``spmd.rules`` (an autograd Function's ``spmd_typecheck`` declares its comms with them).
    A ``src``/``dst`` a flag picks (``src=x_tp``, ``S(1) if sp else I``) is checked for each
    choice: an error is reported when every choice raises it."""
    ev, node, frame = ctx.evaluator, ctx.node, ctx.frame
    function = ctx.name.rsplit(".", 1)[-1]
    x = ctx.arg(0, "x")
    x_node: ast.AST = ctx.arg_node(0, "x") or node
    params = _collective_params(ctx, function)
    if params is _MISSING:
        return UNKNOWN
    # global SPMD mode checks the operand's PartitionSpec before the function runs
    if isinstance(x, TensorVal) and not global_mode.validate(ev, [(x, x_node)], node, frame):
        return UNKNOWN
    axis = ev.axis(ctx.arg(1, "axis", "group"), ctx.arg_node(1, "axis", "group"), frame)
    expert = ctx.kwargs.get("expert_mode", ConstVal(False))
    expert_flag = (
        expert.value if isinstance(expert, ConstVal) and isinstance(expert.value, bool) else None
    )
    x_tensor = x if isinstance(x, TensorVal) else None
    size = dict(ev.state.axis_sizes).get(axis.name) if isinstance(axis, AxisVal) else None
    ranks = shape_rules.before_types(
        function,
        None,
        params["src"],  # type: ignore[index]
        params["dst"],  # type: ignore[index]
        ctx.kwargs,
        x_tensor.ndim if x_tensor is not None else None,
        None,
        None,
    )
    if ranks is not None:
        _refuse(ctx, ranks)
        return UNKNOWN
    pairs = _valid_pairs(ctx, function, params, expert_flag)  # type: ignore[arg-type]
    if pairs == []:
        return UNKNOWN
    refusal = shape_rules.before_types(
        function,
        pairs,
        params["src"],  # type: ignore[index]
        params["dst"],  # type: ignore[index]
        ctx.kwargs,
        x_tensor.ndim if x_tensor is not None else None,
        x_tensor.shape if x_tensor is not None else None,
        size,
    )
    if refusal is not None:
        _refuse(ctx, refusal)
        return UNKNOWN
    if isinstance(axis, AxisVal) and pairs is not None and len(pairs) == 1:
        _collective_fact(ctx, function, axis, *pairs[0])
    # what a collective gets is a tensor, whatever the checker knew of it
    tensor = as_tensor(x, ev.numbers) or (TensorVal(UNKNOWN_TYPE) if x is UNKNOWN else None)
    if tensor is None or not isinstance(axis, AxisVal) or pairs is None:
        return TensorVal(UNKNOWN_TYPE, tensor.grad if tensor is not None else None)
    origin = origin_at(frame, node, operand_origin(x, x_node, frame))
    state = ev.state
    if not state.checking:
        return TensorVal(TensorType({}, EXACT), tensor.grad, origin)
    if axis.trivial:  # a size-1 axis: no src check, nothing written
        return TensorVal(tensor.type.local, tensor.grad if state.grad else False, origin)
    no_grad = True if not state.grad else (None if tensor.grad is None else not tensor.grad)
    # a flattened axis acts on the tensor's component axes, each checked and written
    targets, operand = mesh_types.collective_axes(ev, tensor.type, axis.name, frame)
    outcomes = []
    for src, dst in pairs:
        narrowed = frame.bindings
        for target in targets:
            verdict, before = check_collective(
                function,
                operand,
                target,
                src,
                strict=state.strict,
                no_grad=no_grad,
                bindings=narrowed,
            )
            narrowed = verdict.bindings
            if verdict.failed:
                break
        outcomes.append((src, dst, verdict, before))
    passing = [o for o in outcomes if not o[2].failed]
    if not passing:
        _, dst, verdict, _ = outcomes[0]
        certain = all(o[2].certain for o in outcomes)
        _report_src_mismatch(ctx, function, tensor, axis, dst, verdict, expert_flag, certain)
        if certain:
            frame.stop()
        return UNKNOWN
    if len(passing) == 1 and not global_mode.check_collective(
        ev, function, tensor, axis.name, passing[0][0], node, frame
    ):
        return UNKNOWN
    types: list[TensorType] = []
    bindings = None
    noop = True
    for src, dst, verdict, before in passing:
        bindings = verdict.bindings if bindings is None else bindings.join(verdict.bindings)
        if len(targets) > 1:
            noop = False
            written = operand
            for target in targets:
                written = collective_output(written, target, dst, written.term(target))
            types.append(written)
        elif coll.is_noop(function, src, dst) and isinstance(before, AxisType):
            # the call returns its operand itself, retyped: it keeps its PartitionSpec
            types.append(operand.written(axis.name, AxisType(dst.kind, before.shard_dim)))
        else:
            noop = noop and coll.is_noop(function, src, dst)
            types.append(collective_output(operand, axis.name, dst, before))
    assert bindings is not None
    frame.bindings = bindings
    result_type = types[0]
    for t in types[1:]:
        result_type = join_types(result_type, t)
    returns_x = noop and all(coll.is_noop(function, s, d) for s, d, _, _ in passing)
    spec: layout.Spec | None = None
    ndim, shape = None, None
    if len(passing) == 1:
        result_type, spec = global_mode.collective_result(
            state, tensor, axis.name, passing[0][1], result_type, returns_x
        )
        ndim, shape = global_mode.collective_shape(
            state, function, tensor, axis.name, passing[0][0], passing[0][1], ctx.kwargs
        )
    if returns_x:
        # the caller's name sees the new type too: it is the same object
        same = TensorVal(result_type, tensor.grad, origin, tensor.ndim, spec, tensor.shape)
        if isinstance(x, TensorVal):
            ev.mutate(x_node, same, frame)
        return same
    return TensorVal(result_type, tensor.grad if state.grad else False, origin, ndim, spec, shape)


_MISSING = object()


def _refuse(ctx: CallContext, refusal: shape_rules.Refusal) -> None:
    """The collective raises on its own arguments or shapes: the path stops."""
    ctx.evaluator.sink.report(
        ctx.span, refusal.code, refusal.message, Severity.ERROR, call_site_of(ctx.frame)
    )
    ctx.frame.stop()


def _collective_params(
    ctx: CallContext, function: str
) -> dict[str, frozenset[AxisType] | None] | object:
    """``src`` and ``dst``: the types each may be (None: not a type the checker reads), or
    ``_MISSING`` after reporting a required one not given."""
    signature = coll.SIGNATURES[function]
    params: dict[str, frozenset[AxisType] | None] = {}
    for which, default in (("src", signature.src), ("dst", signature.dst)):
        given = None if signature.fixed else ctx.kwargs.get(which)
        if given is None:
            if default is coll.REQUIRED:
                frame = ctx.frame
                ctx.evaluator.sink.report(
                    frame.unit.span(ctx.node.func),
                    codes.MISSING_ARGUMENT,
                    codes.MISSING_ARGUMENT.message(
                        function=function,
                        which=which,
                        also=" and should get" if which == "dst" else "",
                    ),
                    Severity.ERROR,
                    call_site_of(frame),
                )
                frame.stop()
                return _MISSING
            params[which] = frozenset({default}) if isinstance(default, AxisType) else None
        else:
            params[which] = type_options(given)
    return params


def _valid_pairs(
    ctx: CallContext,
    function: str,
    params: dict[str, frozenset[AxisType] | None],
    expert_flag: bool | None,
) -> list[tuple[AxisType, AxisType]] | None:
    """The (src, dst) choices the function accepts (its ValueErrors), after reporting when
    it accepts none; None when a choice is not known."""
    srcs, dsts = params["src"], params["dst"]
    if srcs is None or dsts is None:
        return None
    pairs: list[tuple[AxisType, AxisType]] = []
    failures: list[RuleViolation] = []
    for src in sorted(srcs, key=str):
        for dst in sorted(dsts, key=str):
            try:
                coll.validate_arguments(function, src, dst, expert_flag)
                pairs.append((src, dst))
            except RuleViolation as rejected:
                # without its traceback: this frame, which holds the list, is in it
                failures.append(rejected.with_traceback(None))
    if not pairs:
        first = failures[0]
        kw_nodes, node, frame = ctx.kw_nodes, ctx.node, ctx.frame
        target = (
            kw_nodes.get("dst") if "dst" in first.message.split(" must")[0] else kw_nodes.get("src")
        )
        ctx.evaluator.violation(first, frame, target or node.func)
        if first.certain:
            frame.stop()
    return pairs


def _collective_fact(
    ctx: CallContext, function: str, axis: AxisVal, src: AxisType, dst: AxisType
) -> None:
    """What a hover on the call shows: the transition, forward and backward."""
    ctx.evaluator.sink.collective(
        CollectiveFact(
            ctx.frame.unit.span(ctx.node.func),
            function,
            (
                AxisTransition(
                    axes.label(axis.name),
                    src,
                    dst,
                    coll.forward_text(function, src, dst),
                    coll.backward_text(function, src, dst),
                ),
            ),
        ),
    )


def _report_src_mismatch(
    ctx: CallContext,
    function: str,
    tensor: TensorVal,
    axis: AxisVal,
    dst: AxisType,
    verdict: Verdict,
    expert_flag: bool | None,
    certain: bool,
) -> None:
    ev, frame, kw_nodes = ctx.evaluator, ctx.frame, ctx.kw_nodes
    assert verdict.violation is not None
    related = origin_note(tensor.origin, "tensor", ev.sink.path)
    if frame.call_site is not None:
        related.append(frame.call_site)
    actual = tensor.type.term(axis.name, frame.bindings)
    fixes = ev.spelling.src_fix(
        function,
        actual if isinstance(actual, AxisType) else None,
        dst,
        expert_flag,
        kw_nodes.get("src"),
        frame,
    )
    x_node = ctx.arg_node(0, "x") or ctx.node
    ev.sink.report(
        frame.unit.span(kw_nodes.get("src", x_node)),
        verdict.violation.code,
        verdict.violation.message,
        Severity.ERROR if certain else Severity.WARNING,
        tuple(related),
        fixes,
    )


def assert_type(ctx: CallContext) -> Value:
    """assert_type(x, *types, partition_spec=...) and assert_local_type."""
    ev, node, args, frame = ctx.evaluator, ctx.node, ctx.args, ctx.frame
    if not args:
        return UNKNOWN
    span = ctx.span
    if any(isinstance(a, ast.Starred) for a in node.args[1:]) or any(
        k.arg is None for k in node.keywords
    ):
        return assert_result(ev, args[0], node.args[0], None, span, frame)
    if ctx.name == "spmd.assert_type" and all(
        isinstance(a, PartitionSpecVal) or (isinstance(a, ConstVal) and a.value is None)
        for a in args[1:]
    ):
        ev.sink.report(
            span,
            codes.ASSERT_FORM,
            "assert_type() requires at least one type argument. (A PartitionSpec alone is no "
            "type: write assert_type(x, {}, spec).)",
            Severity.ERROR,
            call_site_of(frame),
        )
        frame.stop()
        return UNKNOWN
    return assert_values(
        ev,
        args[0],
        node.args[0],
        list(zip(args[1:], node.args[1:], strict=True)),
        ctx.kwargs.get("partition_spec"),
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
    choices: dict[str, frozenset[AxisType]] = {}  # axes whose type a flag picks
    bare: AxisType | None = None
    known = True
    rest: Rest | None = None  # get_local_type(y) asserted: y's other axes
    for value, arg_node in type_args:
        if isinstance(value, TypeDictVal) and value.rest is not None:
            rest = value.rest
        if isinstance(value, TypeDictVal):
            for axis, options in value.choices:
                resolved = ev.axis(axis, arg_node, frame)
                if not isinstance(resolved, AxisVal):
                    return assert_result(ev, x, x_node, None, span, frame)
                if not resolved.trivial:  # a size-1 axis is dropped
                    choices[axis.name] = options
            for axis, t in value.items:
                resolved = ev.axis(axis, arg_node, frame)
                if not isinstance(resolved, AxisVal):
                    return assert_result(ev, x, x_node, None, span, frame)
                if resolved.trivial:
                    continue
                if axis.name in asserted and asserted[axis.name] != t:
                    ev.sink.report(
                        frame.unit.span(arg_node),
                        codes.CONFLICTING_TYPES,
                        f"Conflicting types on axis {axes.label(axis.name)}: "
                        f"{asserted[axis.name]} and {t}",
                        Severity.ERROR,
                        call_site_of(frame),
                    )
                    frame.stop()
                    return UNKNOWN
                asserted[axis.name] = t
        elif isinstance(value, TypeVal) and value.type.shard_dim is not None:
            known = False  # a bare S(i) is no type the runtime merges (it fails on it)
        elif isinstance(value, TypeVal):
            if bare is not None:
                ev.sink.report(
                    span,
                    codes.ASSERT_FORM,
                    f"merge_types() takes at most one bare type, got {bare} and {value.type}.",
                    Severity.ERROR,
                    call_site_of(frame),
                )
                frame.stop()
                return UNKNOWN
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
        bounds = _out_of_bounds(shards, ndim)
        if bounds is not None:
            ev.sink.report(span, codes.SHARD_DIM_RANGE, bounds, Severity.ERROR, call_site_of(frame))
            frame.stop()
            return UNKNOWN
        # the runtime's types hold mutually orthogonal axes only (a flattened axis overlaps
        # its components)
        # (with the axes the tensor already has: an assertion refines its type)
        typed = as_tensor(x, ev.numbers)
        held = (
            [a for a, t in typed.type.listed(frame.bindings).items() if isinstance(t, AxisType)]
            if typed is not None
            else []
        )
        overlap = ev.algebra.overlap(list(dict.fromkeys([*held, *asserted, *choices])))
        if overlap is not None:
            ev.sink.report(
                span, codes.AXES_NOT_ORTHOGONAL, overlap, Severity.ERROR, call_site_of(frame)
            )
            frame.stop()
            return UNKNOWN
        conflict = shard_conflict(asserted, shards, specs, ndim)
        if conflict is not None:
            ev.sink.report(
                span, codes.CONFLICTING_TYPES, conflict, Severity.ERROR, call_site_of(frame)
            )
            frame.stop()
            return UNKNOWN
        for spec in specs[:1]:
            for dim, spec_axes in enumerate(spec.dims):
                for spec_axis in spec_axes:
                    if spec_axis not in ev.state.trivial:  # size-1 entries are dropped
                        asserted[spec_axis] = S(dim)
        for name, t in list(asserted.items()):
            if t.shard_dim is not None and t.shard_dim < 0 and ndim is not None:
                asserted[name] = S(t.shard_dim + ndim)
    # two groups the checker cannot tell apart may be one object at run time (the same
    # group passed twice): then the dict has one key, with the later value, so the earlier
    # axis may have either type. (A name and a group are two keys even for one axis: the
    # runtime rejects them as conflicting, so that path does not go on.)
    order = list(asserted)
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            groups = axes.is_symbolic(a) and axes.is_symbolic(b)
            if groups and asserted[a] != asserted[b]:
                choices[a] = choices.get(a, frozenset({asserted[a]})) | {asserted[b]}
    for name in choices:
        asserted.pop(name, None)
    state = ev.state
    rest_fill: AxisType | None = None
    if bare is not None:
        if state.mesh_known and state.mesh is None:
            ev.sink.report(
                span,
                codes.NO_CURRENT_MESH,
                codes.NO_CURRENT_MESH_FOR_BARE_TYPE.format(type=bare),
                Severity.ERROR,
                call_site_of(frame),
            )
            frame.stop()
            return UNKNOWN
        if not state.mesh_known:
            rest_fill = bare  # every other axis of a mesh the checker cannot see
        else:
            for mesh_axis in state.mesh or ():
                asserted.setdefault(mesh_axis, bare)
    if not known:
        return assert_result(ev, x, x_node, None, span, frame)
    ordered = layout.normalized(specs[0].dims) if specs else None
    result = assert_result(ev, x, x_node, asserted, span, frame, rest_fill, choices, ordered)
    if (
        rest is not None
        and rest_fill is None
        and isinstance(result, TensorVal)
        and result.type.rest.kind in (RestKind.OPEN, RestKind.ROW)
        and result.type.rest != rest
    ):
        # the tensor's other axes are now said to be those of the dict's tensor
        result = replace(result, type=TensorType(result.type.items, rest))
        ev.declare(result)
        ev.mutate(x_node, result, frame)
    return result


def assert_result(
    ev: Evaluator,
    x: Value,
    x_node: ast.AST,
    asserted: Mapping[str, AxisType] | None,
    span: Span,
    frame: Frame,
    rest_fill: AxisType | None = None,
    choices: Mapping[str, frozenset[AxisType]] | None = None,
    spec: layout.Spec | None = None,
) -> Value:
    """Set or check (refine) x's type with the asserted axes (None: an assertion the checker
    cannot read, which leaves x's type unknown); ``rest_fill``: a bare type on a mesh whose
    axes are not known fills every other axis; ``choices``: axes asserted with one of
    several types (a mismatch is reported when every choice mismatches); ``spec``: the
    PartitionSpec asserted, in order (else the S(i) of ``asserted`` say it)."""
    if (
        isinstance(x, TupleVal)
        and isinstance(x_node, (ast.Tuple, ast.List))
        and len(x_node.elts) == len(x.items)
    ):
        return TupleVal(
            tuple(
                assert_result(ev, item, item_node, asserted, span, frame, rest_fill, choices)
                for item, item_node in zip(x.items, x_node.elts, strict=True)
            )
        )
    tensor = as_tensor(x, ev.numbers)
    if tensor is None and x is not UNKNOWN:
        # a container the checker does not follow: what it holds is no longer known
        ev.mutate(x_node, UNKNOWN, frame)
        return UNKNOWN
    if tensor is None:
        if asserted is None:
            return x
        tensor = TensorVal(UNKNOWN_TYPE)
    previous = after(operand_origin(x, x_node, frame))
    origin = Origin(span, quoted_span(frame, span), previous, frame.unit.path)
    if asserted is None:
        new = TensorVal(UNKNOWN_TYPE, tensor.grad, origin)
        ev.mutate(x_node, new, frame)
        return new
    items = dict(tensor.type.items)
    bindings = frame.bindings
    if rest_fill is not None:
        # a bare type fills every axis nothing else names: those the tensor lists too
        named = set(asserted) | set(choices or {})
        filled = {
            axis: rest_fill
            for axis in tensor.type.listed(bindings)
            if axis not in named and not any(axes.may_alias(axis, other) for other in named)
        }
        asserted = {**filled, **asserted}
    for axis, wanted in asserted.items():
        term, bindings = assert_axis(tensor.type.term(axis, bindings), wanted, bindings)
        if isinstance(term, AssertMismatch):
            _report_mismatch(ev, tensor, x_node, axis, term, frame)
            frame.stop()
            return UNKNOWN
        items[axis] = term
    for axis, options in (choices or {}).items():
        have = tensor.type.term(axis, bindings)
        results: list[tuple[Term, Bindings]] = []
        mismatches: list[AssertMismatch] = []
        for wanted in sorted(options, key=str):
            outcome, narrowed = assert_axis(have, wanted, bindings)
            if isinstance(outcome, AssertMismatch):
                mismatches.append(outcome)
            else:
                results.append((outcome, narrowed))
        if not results:
            _report_mismatch(ev, tensor, x_node, axis, mismatches[0], frame)
            frame.stop()
            return UNKNOWN
        joined = results[0][0]
        bindings = results[0][1]
        for term, narrowed in results[1:]:
            joined = as_term(join_terms(joined, term)) or joined
            bindings = bindings.join(narrowed)
        items[axis] = joined
    frame.bindings = bindings
    # an axis the tensor lists under another name may be one the assertion set
    written = set(asserted) | set(choices or {})
    for other, old in tensor.type.items.items():
        if other in written:
            continue
        for axis in written:
            if axes.may_alias(axis, other):
                items[other] = as_term(join_terms(items[other], items[axis])) or old
    rest = tensor.type.rest
    state = ev.state
    if rest_fill is not None:
        rest = fill(state.mesh_root, rest_fill)
    elif state.mesh_known and state.mesh is not None and set(items) >= set(state.mesh):
        rest = EXACT  # typed on every axis of the mesh
    new = TensorVal(
        TensorType(items, rest),
        tensor.grad,
        origin,
        tensor.ndim,
        _asserted_spec(tensor, asserted, choices, spec),
        tensor.shape,
    )
    ev.declare(new)
    ev.mutate(x_node, new, frame)
    return new


def _asserted_spec(
    tensor: TensorVal,
    asserted: Mapping[str, AxisType],
    choices: Mapping[str, frozenset[AxisType]] | None,
    spec: layout.Spec | None,
) -> layout.Spec | None:
    """The PartitionSpec a tensor has after an ``assert_type`` (None: not known): an
    untyped tensor gets the asserted one, a typed one has it refined."""
    if any(t.shard_dim is not None for options in (choices or {}).values() for t in options):
        return None
    new = spec
    if new is None:
        new = layout.of_items({a: t for a, t in asserted.items() if t.shard_dim is not None})
    untyped = tensor.type == _UNTYPED and tensor.spec == layout.NO_SPEC
    old = layout.NO_SPEC if untyped else layout.effective(tensor.type, tensor.spec)
    if old is None or new is None:
        return None
    return layout.refined(old, new)


def _out_of_bounds(shards: Mapping[str, AxisType], ndim: int | None) -> str | None:
    """``_canonicalize_shard``'s refusal of an S(i) beyond the tensor's rank."""
    if ndim is None:
        return None
    for t in shards.values():
        dim = t.shard_dim
        if dim is not None and not -ndim <= dim < ndim:
            return f"S({dim}) is out of bounds for tensor with ndim={ndim}"
    return None


def _report_mismatch(
    ev: Evaluator,
    tensor: TensorVal,
    x_node: ast.AST,
    axis: str,
    mismatch: AssertMismatch,
    frame: Frame,
) -> None:
    shown = axes.label(axis)
    if mismatch.shard_conflict:
        ev.sink.report(
            frame.unit.span(x_node),
            codes.ASSERT_MISMATCH,
            f"PartitionSpec conflict on axis {shown}: the tensor is sharded on dim "
            f"{mismatch.have.shard_dim} ({mismatch.have}), the assertion says {mismatch.wanted}",
            Severity.ERROR,
            call_site_of(frame),
        )
        return
    related = origin_note(tensor.origin, "tensor", ev.sink.path)
    if frame.call_site is not None:
        related.append(frame.call_site)
    ev.sink.report(
        frame.unit.span(x_node),
        codes.ASSERT_MISMATCH,
        codes.ASSERT_MISMATCH.message(axis=shown, have=mismatch.have.local, want=mismatch.wanted),
        Severity.ERROR,
        tuple(related),
    )


def assert_type_like(ctx: CallContext) -> Value:
    """assert_type_like(x, like, overrides): ``like``'s type, shards included."""
    return _assert_like(ctx, keep_shards=True)


def assert_local_type_like(ctx: CallContext) -> Value:
    """assert_local_type_like(x, like, overrides): ``like``'s local type (S(i) as V)."""
    return _assert_like(ctx, keep_shards=False)


def _assert_like(ctx: CallContext, keep_shards: bool) -> Value:
    ev, node, args, frame = ctx.evaluator, ctx.node, ctx.args, ctx.frame
    if len(args) < 2 or len(node.args) < 2:
        return UNKNOWN
    source = args[1]
    overrides = ctx.arg(2, "overrides", default=ConstVal(None))
    span = ctx.span
    source_type = source.type.concrete(frame.bindings) if isinstance(source, TensorVal) else None
    if source_type is None:
        return assert_result(ev, args[0], node.args[0], None, span, frame)
    # assert_type_like copies the source's PartitionSpec (its S(i)s) as a PartitionSpec, of
    # the source's rank; the types are local
    spec = (
        _spec_of(source_type, source.ndim)
        if keep_shards and isinstance(source, TensorVal)
        else None
    )
    keep = keep_shards and spec is None  # a spec the checker cannot write: S(i) in the dict
    items = {axis: (t if keep else t.local) for axis, t in source_type.items()}
    if isinstance(overrides, TypeDictVal):
        for axis, t in overrides.items:
            items[axis.name] = t
    elif not (isinstance(overrides, ConstVal) and overrides.value is None):
        return assert_result(ev, args[0], node.args[0], None, span, frame)
    like = TypeDictVal(tuple((AxisVal(a, "group"), t) for a, t in items.items()))
    assert_values(ev, args[0], node.args[0], [(like, node.args[1])], spec, span, frame)
    return ConstVal(None)


def _spec_of(local: Mapping[str, AxisType], ndim: int | None) -> PartitionSpecVal | None:
    """The PartitionSpec a type's S(i)s stand for, on a tensor of rank ``ndim`` (None: no
    S(i), or not known: the rank, or the order of two axes sharding one dim)."""
    shards = {axis: t.shard_dim for axis, t in local.items() if t.shard_dim is not None}
    if not shards or ndim is None:
        return None
    dims: list[tuple[str, ...]] = [() for _ in range(ndim)]
    for axis, dim in shards.items():
        if dim is None or not -ndim <= dim < ndim or dims[dim]:
            return None
        dims[dim] = (axis,)
    return PartitionSpecVal(tuple(dims))


def mutate_type(ctx: CallContext) -> Value:
    """mutate_type(x, axis=None, *, src, dst): overwrite axes after checking they are ``src``."""
    ev, node, args, kwargs, frame = ctx.evaluator, ctx.node, ctx.args, ctx.kwargs, ctx.frame
    if not args or not node.args:
        return UNKNOWN
    x_node = node.args[0]
    x = as_tensor(args[0], ev.numbers)
    axis_value = ctx.arg(1, "axis", default=ConstVal(None))
    src, dst = kwargs.get("src"), kwargs.get("dst")

    def unknown() -> Value:
        ev.mutate(x_node, UNKNOWN, frame)
        return UNKNOWN

    if x is None or src is None or dst is None:
        return unknown()
    if isinstance(axis_value, ConstVal) and axis_value.value is None:
        listed = sorted(x.type.listed(frame.bindings))
        axes_ = listed if isinstance(src, TypeVal) and isinstance(dst, TypeVal) else []
        if axes_ and x.type.hidden_axes(frame.bindings) is None:
            return unknown()  # every axis: the checker does not know them all
    else:
        axis = ev.axis(axis_value, node.args[1] if len(node.args) > 1 else node, frame)
        if not isinstance(axis, AxisVal):
            return unknown()
        if axis.trivial:
            return args[0]  # a size-1 axis: unchanged
        axes_ = [axis.name]
    updates: dict[str, tuple[AxisType, AxisType]] = {}
    for name in axes_:
        if isinstance(src, TypeVal) and isinstance(dst, TypeVal):
            updates[name] = (src.type, dst.type)
    if isinstance(src, TypeDictVal) or isinstance(dst, TypeDictVal):
        src_map = {a.name: t for a, t in src.items} if isinstance(src, TypeDictVal) else None
        dst_map = {a.name: t for a, t in dst.items} if isinstance(dst, TypeDictVal) else None
        mismatch = retyping.mutate_keys_mismatch(src, dst)
        if mismatch is not None:
            ev.sink.report(
                ctx.span, codes.MUTATE_TYPE_FORM, mismatch, Severity.ERROR, call_site_of(frame)
            )
            frame.stop()
            return UNKNOWN
        for name in list(dst_map or src_map or {}):
            if name in ev.state.trivial:
                continue  # a size-1 axis: skipped
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
    current = x.type
    bindings = frame.bindings
    for name, (want, new) in updates.items():
        holds, have, bindings = require(current.term(name, bindings), want, bindings)
        if holds is False:
            ev.sink.report(
                frame.unit.span(x_node),
                codes.ASSERT_MISMATCH,
                f"mutate_type: expected {want} on axis {axes.label(name)}, but the tensor has "
                f"{have.local if isinstance(have, AxisType) else 'no type'}",
                Severity.ERROR,
                call_site_of(frame),
            )
            frame.stop()
            return UNKNOWN
        current = current.written(name, new.local)
    frame.bindings = bindings
    # the PartitionSpec is left as it was: an entry may now be on an axis that is not V
    spec = layout.effective(x.type, x.spec)
    updated = TensorVal(
        layout.with_shards(current, spec) if spec is not None else current,
        x.grad,
        origin_at(frame, node, x.origin),
        x.ndim,
        spec,
        x.shape,
    )
    ev.declare(updated)
    ev.mutate(x_node, updated, frame)
    return updated


def partition_spec(ctx: CallContext) -> Value:
    """PartitionSpec(dim0_axes, dim1_axes, ...): per tensor dim, the axes sharding it."""
    dims: list[tuple[str, ...]] = []
    for value, arg_node in zip(ctx.args, ctx.node.args, strict=True):
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
            # names stay as written until the spec is used, as in the runtime
            axis = (
                AxisVal(item.value, "name")
                if isinstance(item, ConstVal) and isinstance(item.value, str)
                else ctx.evaluator.axis(item, item_node, ctx.frame)
            )
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
    for dim, sharding in by_dim.items():
        if len(sharding) > 1:
            return (
                f"Tensor dim {dim} is sharded on multiple axes ({', '.join(sharding)}). Use an "
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
    args: Sequence[Value],
    kwargs: Mapping[str, Value],
    frame: Frame,
) -> None:
    """``loss.backward()``: the implicit gradient is Invariant, so the loss must be
    Invariant or Partial on every axis."""
    if args or "gradient" in kwargs or not ev.state.checking:
        return
    for axis, t in loss.type.listed(frame.bindings).items():
        if not isinstance(t, AxisType) or t.kind in (Kind.I, Kind.P):
            continue  # a backward that may be legal: not reported
        advice = (
            codes.BACKWARD_LOSS_REPLICATE if t.kind is Kind.R else codes.BACKWARD_LOSS_VARYING
        ).format(axis=axes.label(axis))
        related = tuple(origin_note(loss.origin, "loss", ev.sink.path))
        ev.sink.report(
            frame.unit.span(loss_node),
            codes.BACKWARD_LOSS,
            codes.BACKWARD_LOSS.message(
                kind=t.kind.full_name, axis=axes.label(axis), advice=advice
            ),
            Severity.ERROR,
            related,
            ev.spelling.reinterpret_loss(loss_node, axis, frame) if t.kind is Kind.V else (),
        )
        frame.stop()
        return


def local_map(ctx: CallContext) -> Value:
    """local_map(in_types=..., out_types=...): a contract for the function it decorates."""
    in_types = ctx.kwargs.get("in_types")
    if "out_types" not in ctx.kwargs:
        return UNKNOWN
    if is_infer(in_types):
        in_types = None
    return ContractVal(in_types, ctx.kwargs["out_types"])


def is_infer(value: Value | None) -> bool:
    return isinstance(value, RefVal) and canonical(value.qualname) == "spmd.Infer"


def infer_at_leaf(ev: Evaluator, span: Span | None, kind: str, frame: Frame) -> Value:
    """``Infer`` inside an ``in_types``/``out_types`` pytree: only the bare ``in_types`` may
    be Infer (the runtime raises when the call checks that leaf)."""
    ev.sink.report(
        span or Span(0, 0, 0, 0),
        codes.BOUNDARY_SPEC,
        f"local_map: {kind}_types contains Infer at a leaf; only the bare value of in_types "
        "may be Infer.",
        Severity.ERROR,
        call_site_of(frame),
    )
    frame.stop()
    return UNKNOWN


def shard(ctx: CallContext) -> Value:
    """S(i) / Shard(i) with a literal dim."""
    dim = ctx.arg(0, "dim")
    if isinstance(dim, ScalarVal) and isinstance(dim.value, int):
        return TypeVal(S(dim.value))
    return UNKNOWN


def mesh_axis_of(ctx: CallContext) -> Value:
    """MeshAxis.of(group) is the group's axis; MeshAxis.of(mesh, "tp") names tp, whatever
    the mesh is."""
    if len(ctx.args) > 1:
        name = ctx.args[1]
        if isinstance(name, ConstVal) and isinstance(name.value, str):
            return AxisVal(name.value, "meshaxis")
        return UNKNOWN
    if ctx.args:
        return ctx.evaluator.axis(ctx.args[0], ctx.arg_node(0), ctx.frame)
    return UNKNOWN


def normalize_axis(ctx: CallContext) -> Value:
    """normalize_axis(axis): the MeshAxis of a group or MeshAxis; a name is resolved against
    the current mesh (the runtime raises when it is not there)."""
    if len(ctx.args) != 1 or ctx.kwargs:
        return UNKNOWN
    axis = ctx.evaluator.axis(ctx.args[0], ctx.arg_node(0), ctx.frame)
    if isinstance(axis, AxisVal) and axis.spelling == "name":
        return replace(axis, spelling="meshaxis")
    return axis


def typecheck(ctx: CallContext) -> Value:
    """typecheck(strict_mode=..., local=...): checking on, in local SPMD mode."""
    mode = ctx.kwargs.get("strict_mode", ctx.args[0] if ctx.args else ConstVal(None))
    strict = None
    if isinstance(mode, ConstVal) and mode.value in ("strict", "permissive"):
        strict = mode.value == "strict"
    elif not (isinstance(mode, ConstVal) and mode.value is None):
        return ContextVal(ContextKind.NO_TYPECHECK)  # unknown mode: stay silent
    local = ctx.kwargs.get("local", ctx.args[1] if len(ctx.args) > 1 else ConstVal(None))
    if not (isinstance(local, ConstVal) and local.value in (None, True, False)):
        return ContextVal(ContextKind.NO_TYPECHECK)  # a mode the checker cannot read: silent
    flag = local.value if isinstance(local.value, bool) else None
    return ContextVal(ContextKind.TYPECHECK, strict=strict, local=flag)


def local(ctx: CallContext) -> Value:
    return ContextVal(ContextKind.LOCAL)


def get_local_type(ctx: CallContext) -> Value:
    """get_local_type(x): x's type as a dict (``{**get_local_type(x), group: I}``): the whole
    type, or what is known and x's other axes."""
    tensor = as_tensor(ctx.arg(0, "x"), ctx.evaluator.numbers)
    if tensor is None:
        return UNKNOWN
    bindings, mesh = ctx.frame.bindings, ctx.evaluator.state.known_mesh
    # the local type: an S(i) reads V (its shard lives in the PartitionSpec, apart)
    local = tensor.type.concrete(bindings, mesh)
    if local is not None:
        return TypeDictVal(tuple((AxisVal(axis, "meshaxis"), t.local) for axis, t in local.items()))
    listed = tensor.type.listed(bindings)
    if not all(isinstance(t, AxisType) for t in listed.values()):
        return UNKNOWN
    # what is known, and "the other axes of this tensor" for the rest; keyed by the runtime's
    # MeshAxis objects: a group for the same axis is another key
    known = tuple(
        (AxisVal(axis, "meshaxis"), t.local)
        for axis, t in listed.items()
        if isinstance(t, AxisType)
    )
    return TypeDictVal(known, (), tensor.type.rest)


HANDLERS: Mapping[str, Handler] = {
    "reveal_type": reveal_type,
    **{f"spmd.{function}": collective for function in coll.SIGNATURES},
    "spmd.assert_type": assert_type,
    "spmd.assert_local_type": assert_type,
    "spmd.assert_type_like": assert_type_like,
    "spmd.assert_local_type_like": assert_local_type_like,
    "spmd.mutate_type": mutate_type,
    "spmd.reinterpret_no_grad": retyping.reinterpret_no_grad,
    "spmd.Scalar": scalars.scalar,
    "spmd.local_map": local_map,
    "spmd.S": shard,
    "spmd.Shard": shard,
    "spmd.MeshAxis.of": mesh_axis_of,
    "spmd.normalize_axis": normalize_axis,
    "spmd.PartitionSpec": partition_spec,
    "spmd.typecheck": typecheck,
    "spmd.local": local,
    "spmd.get_local_type": get_local_type,
}
