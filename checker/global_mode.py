"""Global SPMD mode (``typecheck(local=False)``; docs/runtime-semantics.md, section 2): which
axes it governs, the check the runtime makes on every tensor argument of every call there
(a Varying axis needs a PartitionSpec entry; an entry needs a Varying axis), and what an
op's result is on the axes that shard an operand (``shardprop``). Outside global mode an op
result has no PartitionSpec.

Verdicts that need a tensor's PartitionSpec are made only when the checker knows all of
it (``known_spec``): a join of two specs, a tensor the unseen caller passes,
leave it unknown, and then nothing is reported and the sharded axes of a result are
Unknown.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Mapping, Sequence

from . import axes, codes, layout, shapes, shardprop
from .codes import Code, Severity
from .evaluator import Evaluator, OpArgs, OpKwargs
from .lattice import AxisType, Kind, P, S, V
from .names import call_site_of
from .shapes import Shape
from .state import Frame, State
from .tensortype import ABSENT, Marker, RestKind, TensorType, Term, Unknown
from .values import ConstVal, TensorVal, TupleVal, Value
from .verdicts import narrowed_to, possibilities

# Ops that may return their input itself (a no-op ``to``, ``contiguous``): the result keeps
# the input's PartitionSpec, whatever the mode.
RETURNS_SELF = frozenset(
    [
        "Tensor.to",
        "Tensor.type",
        "Tensor.type_as",
        "Tensor.short",
        "Tensor.char",
        "Tensor.byte",
        "Tensor.pin_memory",
        "Tensor.float",
        "Tensor.double",
        "Tensor.half",
        "Tensor.bfloat16",
        "Tensor.int",
        "Tensor.long",
        "Tensor.bool",
        "Tensor.contiguous",
        "Tensor.cpu",
        "Tensor.cuda",
    ]
)
# V or P: an axis shard propagation decides and the checker does not follow
_SHARDED_RESULT = Unknown(frozenset({V, P}))
ANY_AXIS = "*"  # an operand may shard axes its type does not list


def is_global_axis(state: State, axis: str) -> bool | None:
    """``_SpmdTypeMode._is_global_axis``: every axis in global mode, but the local axes of a
    mesh region; None when the region's axes are not known."""
    if not state.global_mode:
        return False
    if state.local_axes is None:
        return None
    return axis not in state.local_axes


def active(state: State) -> bool:
    """Whether the calls that run now get global mode's checks."""
    return state.checking and state.global_mode


def known_spec(tensor: TensorVal) -> layout.Spec | None:
    """A tensor's PartitionSpec when the checker knows it: recorded, or what its S(i) say
    when it has no Varying axis whose entry is unknown."""
    recorded = layout.effective(tensor.type, tensor.spec)
    if recorded is not None:
        return recorded
    rest = tensor.type.rest
    if rest.kind is not RestKind.EXACT and not (
        rest.kind is RestKind.FILL and rest.fill is not None and rest.fill.kind is not Kind.V
    ):
        return None  # axes it does not list may be sharded
    if any(
        not isinstance(t, AxisType) or (t.kind is Kind.V and t.shard_dim is None)
        for t in tensor.type.items.values()
    ):
        return None
    return layout.of_items(tensor.type.items)


def tensors_in(
    values: Iterable[tuple[Value, ast.AST | None]],
) -> list[tuple[TensorVal, ast.AST | None]]:
    """The tensor arguments of a call, those inside a list or tuple included."""
    out: list[tuple[TensorVal, ast.AST | None]] = []
    for value, node in values:
        if isinstance(value, TensorVal):
            out.append((value, node))
        elif isinstance(value, TupleVal):
            elements = (
                list(node.elts)
                if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) == len(value.items)
                else [node] * len(value.items)
            )
            out.extend(tensors_in(zip(value.items, elements, strict=True)))
    return out


# ---------------------------------------------------------------------- validation
def _report(ev: Evaluator, frame: Frame, node: ast.AST, code: Code, message: str) -> None:
    ev.sink.report(frame.unit.span(node), code, message, Severity.ERROR, call_site_of(frame))
    frame.stop()


def validate(
    ev: Evaluator,
    arguments: Sequence[tuple[TensorVal, ast.AST | None]],
    node: ast.AST,
    frame: Frame,
) -> bool:
    """``_validate_partition_spec_for_global_spmd`` on every tensor argument, in order, before
    any other rule of the call: False after reporting where the runtime raises."""
    state = ev.state
    if not active(state):
        return True
    for tensor, _ in arguments:
        spec = layout.effective(tensor.type, tensor.spec)
        if spec is None:
            continue  # only what the S(i) say is known: no verdict
        dims = layout.axis_dims(spec)
        for axis in sorted(tensor.type.items, key=axes.label):
            if axis in dims or is_global_axis(state, axis) is not True:
                continue
            if not _holds(ev, tensor.type.items[axis], lambda t: t != V, frame):
                _report(
                    ev,
                    frame,
                    node,
                    codes.GLOBAL_UNSHARDED_VARYING,
                    f"Tensor has Varying type on axis {axes.label(axis)} but no PartitionSpec "
                    f"entry. Use assert_type with S(i) or PartitionSpec to specify which "
                    f"dimension is sharded. Otherwise, reinterpret the tensor from V to P.",
                )
                return False
        for axis in dims:
            if is_global_axis(state, axis) is not True:
                continue
            term = tensor.type.items.get(axis, ABSENT)
            if not _holds(ev, term, lambda t: isinstance(t, AxisType) and t.kind is Kind.V, frame):
                shown = term.local if isinstance(term, AxisType) else None
                _report(
                    ev,
                    frame,
                    node,
                    codes.GLOBAL_SPEC_MISMATCH,
                    f"Tensor has PartitionSpec on axis {axes.label(axis)} but local type is "
                    f"{shown}, not V. PartitionSpec (sharding) is only valid for Varying axes.",
                )
                return False
    return True


def _holds(ev: Evaluator, term: Term | object, check: object, frame: Frame) -> bool:
    """Whether a check of one axis's type can hold: False when it fails for every value the
    type may have; otherwise the path goes on with the values that pass."""
    assert callable(check)
    every = possibilities(term)  # type: ignore[arg-type]
    passing = [variables for value, variables in every if check(value)]
    if not passing:
        return False
    frame.bindings = narrowed_to(frame.bindings, passing, [v for _, v in every])
    return True


# ---------------------------------------------------------------------- op results
def place(
    ev: Evaluator,
    name: str,
    args: OpArgs,
    kwargs: OpKwargs,
    output: TensorType,
    node: ast.AST,
    frame: Frame,
) -> tuple[TensorType, layout.Spec | None, Shape | None] | None:
    """An op result's type, PartitionSpec and shape: in global mode, the axes that shard an
    operand are propagated (``shardprop``); None after reporting where the runtime raises."""
    state = ev.state
    arguments = tensors_in([*args, *kwargs.values()])
    operands = [shardprop.Operand(t, known_spec(t), t.shape) for t, _ in arguments]
    call = shardprop.Call(name, args, kwargs, operands, dict(state.axis_sizes))
    shape = shardprop.result_shape(call)
    if not active(state):
        if name in RETURNS_SELF and operands and operands[0].spec != layout.NO_SPEC:
            return _maybe_self(output, operands[0].value), None, shape
        return output, layout.NO_SPEC, shape
    certain, possible = _shard_axes(state, operands)
    if certain is None or _foreign(state, operands):
        # a region the checker cannot read, or an operand the runtime first re-reads on
        # the current mesh (its PartitionSpec regrouped): not followed
        return _unknown_shards(output, [o.value for o in operands]), None, shape
    conflict = _order_conflict(operands, state)
    if conflict is not None:
        _report(ev, frame, node, codes.GLOBAL_SPEC_ORDER, conflict)
        return None
    items: dict[str, Term] = dict(output.items)
    known = True
    placed: dict[str, int] = {}
    if ANY_AXIS in possible:
        possible |= set(items)
        known = False
    for axis in possible - set(certain):
        if axis in items and _may_be_v(items[axis]):
            items[axis] = _SHARDED_RESULT
            known = False
    for axis in certain:
        if axis not in items:
            continue  # permissive mode skipped it
        outcome = shardprop.on_axis(call, axis) if shardprop.covers(name) else None
        if isinstance(outcome, shardprop.Rejection):
            _report(ev, frame, node, outcome.code, outcome.message)
            return None
        if items[axis] != V or outcome is None or outcome == shardprop.REPLICATE:
            items[axis] = _SHARDED_RESULT if _may_be_v(items[axis]) else items[axis]
            known = False
        elif outcome == shardprop.PARTIAL:
            items[axis] = P  # DTensor's Partial: the runtime promotes V to P
        else:
            assert isinstance(outcome, shardprop.Shard)
            items[axis] = S(outcome.dim)
            placed[axis] = outcome.dim
    spec = _result_spec(placed, operands) if known else None
    return TensorType(items, output.rest), spec, shape


def _maybe_self(output: TensorType, operand: TensorVal) -> TensorType:
    """The result of an op that may return its operand itself (keeping its PartitionSpec)
    or a new tensor (without one): a shard of the operand's may or may not be there."""
    items = dict(output.items)
    for axis, term in operand.type.items.items():
        if isinstance(term, AxisType) and term.shard_dim is not None and items.get(axis) == V:
            items[axis] = Unknown(frozenset({V, term}))
    return TensorType(items, output.rest)


def _foreign(state: State, operands: Sequence[shardprop.Operand]) -> bool:
    """Whether an operand is typed on an axis the current mesh does not have."""
    mesh = state.known_mesh
    if mesh is None:
        return False
    return any(a not in mesh for o in operands for a in o.value.type.items)


def _unknown_shards(output: TensorType, values: Sequence[TensorVal]) -> TensorType:
    """The result with every axis an operand may shard Unknown (V or P)."""
    items = dict(output.items)
    for axis, term in items.items():
        if _may_be_v(term) and any(_may_be_v(v.type.term(axis)) for v in values):
            items[axis] = _SHARDED_RESULT
    return TensorType(items, output.rest)


def _may_be_v(term: Term | Marker) -> bool:
    return term == V or (isinstance(term, Unknown) and V in term.domain)


def _shard_axes(
    state: State, operands: Sequence[shardprop.Operand]
) -> tuple[list[str] | None, set[str]]:
    """The global axes that certainly shard an operand (in first-seen order; None when the
    region's policy is not known), and those that may (an operand whose spec is not
    known)."""
    certain: list[str] = []
    possible: set[str] = set()
    for operand in operands:
        if operand.spec is None:
            rest = operand.value.type.rest
            if rest.kind is not RestKind.EXACT and not (
                rest.kind is RestKind.FILL
                and rest.fill is not None
                and rest.fill.kind is not Kind.V
            ):
                possible.add(ANY_AXIS)  # it may shard axes it does not list
            for axis, term in operand.value.type.items.items():
                if _may_be_v(term) and is_global_axis(state, axis) is not False:
                    possible.add(axis)
            continue
        for entry in operand.spec:
            for axis in entry:
                policy = is_global_axis(state, axis)
                if policy is None:
                    return None, possible
                if policy and axis not in certain:
                    certain.append(axis)
    return certain, possible


def _order_conflict(operands: Sequence[shardprop.Operand], state: State) -> str | None:
    """``_collect_shard_axes``: multi-axis entries must order their global axes alike."""
    before: set[tuple[str, str]] = set()
    for operand in operands:
        for entry in operand.spec or ():
            ordered = [a for a in entry if is_global_axis(state, a)]
            for a, b in itertools.pairwise(ordered):
                if (b, a) in before:
                    return (
                        f"PartitionSpec device ordering conflict: {axes.label(b)} before "
                        f"{axes.label(a)} vs {axes.label(a)} before {axes.label(b)}"
                    )
                before.add((a, b))
    return None


def _result_spec(
    placed: Mapping[str, int], operands: Sequence[shardprop.Operand]
) -> layout.Spec | None:
    """The result's PartitionSpec from the per-axis output dims, the axes of one dim in the
    order an input's entry gives them (None when none does)."""
    by_dim: dict[int, list[str]] = {}
    for axis, dim in placed.items():
        by_dim.setdefault(dim, []).append(axis)
    dims: list[tuple[str, ...]] = [()] * (max(by_dim) + 1 if by_dim else 0)
    for dim, found in by_dim.items():
        if len(found) == 1:
            dims[dim] = (found[0],)
            continue
        order = next(
            (
                tuple(a for a in entry if a in found)
                for operand in operands
                for entry in operand.spec or ()
                if set(found) <= set(entry)
            ),
            None,
        )
        if order is None:
            return None
        dims[dim] = order
    return layout.normalized(dims)


# ---------------------------------------------------------------------- collectives
def check_collective(
    ev: Evaluator,
    function: str,
    tensor: TensorVal,
    axis: str,
    src: AxisType,
    node: ast.AST,
    frame: Frame,
) -> bool:
    """``_typecheck_spmd_function``'s global part, on a global collective axis: the axis must
    be the innermost of its PartitionSpec entry, and ``src=S(i)`` must be its shard dim.
    False after reporting where the runtime raises."""
    state = ev.state
    if not active(state) or is_global_axis(state, axis) is not True:
        return True
    spec = known_spec(tensor)
    have: int | None = None
    if spec is not None:
        group = layout.outer_axes(spec, axis)
        if group:
            shown = ", ".join(axes.label(a) for a in group)
            _report(
                ev,
                frame,
                node,
                codes.GLOBAL_NOT_INNERMOST,
                f"redistribute on axis {axes.label(axis)} is not allowed because it is not "
                f"the innermost axis in its PartitionSpec group ({shown}). Only the innermost "
                f"axis ({axes.label(group[-1])}) can be directly redistributed.",
            )
            return False
        have = layout.dim_of(spec, axis)
    else:
        term = tensor.type.items.get(axis)
        have = term.shard_dim if isinstance(term, AxisType) else None
    want = src.shard_dim
    if want is not None and want >= 0 and have is not None and have != want:
        _report(
            ev,
            frame,
            node,
            codes.SRC_MISMATCH,
            f"{function}: expected input shard S({want}) on axis {axes.label(axis)}, got S({have})",
        )
        return False
    return True


def collective_result(
    state: State, tensor: TensorVal, axis: str, dst: AxisType, result: TensorType, same: bool
) -> tuple[TensorType, layout.Spec | None]:
    """A collective's result type and PartitionSpec: on a global axis the input's spec with
    the axis moved to ``dst``'s dim (or taken out; the stacking forms keep the input's
    dims, as the runtime does); otherwise a new tensor has none, and the input returned
    itself (``same``) keeps its own."""
    policy = is_global_axis(state, axis) if active(state) else False
    if policy is None or (policy and axis not in tensor.type.items):
        return result, None
    if policy:
        spec = known_spec(tensor)
        if spec is None or (dst.shard_dim is not None and dst.shard_dim < 0):
            return result, None
        moved = layout.update_axis(spec, axis, dst.shard_dim)
        return layout.with_shards(result, moved), moved
    if same:
        kept = layout.effective(tensor.type, tensor.spec)
        return result, kept
    return result, layout.NO_SPEC


def collective_shape(
    state: State,
    function: str,
    tensor: TensorVal,
    axis: str,
    src: AxisType,
    dst: AxisType,
    kwargs: Mapping[str, Value],
) -> tuple[int | None, Shape | None]:
    """A collective's result rank and literal shape (None where not known)."""
    if any(k in kwargs for k in ("gather_dim", "scatter_dim", "split_sizes", "split_dim")):
        return None, None  # dims given apart from src/dst: not followed
    shape = tensor.shape
    if shape is None:
        return None, None
    size = dict(state.axis_sizes).get(axis)
    stacked = function in ("all_gather", "unshard") and src == V
    unbound = function == "reduce_scatter" and dst == V
    src_dim = shapes.normalize_dim(src.shard_dim, len(shape)) if src.shard_dim is not None else None
    dst_dim = shapes.normalize_dim(dst.shard_dim, len(shape)) if dst.shard_dim is not None else None
    if (src.shard_dim is not None and src_dim is None) or (
        dst.shard_dim is not None and dst_dim is None
    ):
        return None, None
    found = shapes.collective(function, src_dim, dst_dim, stacked, unbound, shape, size)
    return found if found is not None else (None, None)


def region_axes(value: Value | None) -> frozenset[str] | None:
    """``set_current_mesh(..., local_axes=...)`` as the names of the region's local axes:
    none outside a region; None when they are not literal names (a string is its
    characters, as the runtime iterates it)."""
    if value is None or (isinstance(value, ConstVal) and value.value is None):
        return frozenset()
    if isinstance(value, ConstVal) and isinstance(value.value, str):
        return frozenset(value.value)
    items = value.items if isinstance(value, TupleVal) else (value,)
    names = [i.value for i in items if isinstance(i, ConstVal) and isinstance(i.value, str)]
    return frozenset(names) if len(names) == len(items) else None
