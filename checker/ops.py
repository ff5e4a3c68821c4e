"""Applying the op table: the type of an op's result, or a diagnostic where the runtime
would reject it whatever the unknowns are.

Operands are collected the way the runtime's ``_classify_args`` and
``_collect_scalar_types`` do (every tensor argument; Python numbers only at the op's
tensor positions). A value of unknown kind may be a tensor, a number or neither; a value
the caller supplies (``SymbolicVal``) is a tensor of unknown type. The rule runs over the
symbolic types (``verdicts.infer_op``): an error that holds for every assignment of the
unknowns is reported on the blamed operand and stops the path (the runtime raises there);
one that holds for some narrows what the path knows.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from dataclasses import replace

from . import codes, dtensors, global_mode, layout, mesh_types, optable, scalars, shardprop
from .evaluator import Evaluator, OpArgs, OpKwargs
from .lattice import AxisType, Kind, LocalType, R
from .layout import Spec
from .results import Origin, Span, after
from .rules import Linearity, RuleViolation, check_inplace, check_nonlinear_args
from .shapes import Shape
from .state import Frame, State
from .tensortype import EXACT, NOTHING, SCALAR, UNKNOWN_TYPE, Root, TensorType, fill
from .values import (
    UNKNOWN,
    ConstVal,
    DTensorVal,
    InstanceVal,
    ScalarVal,
    ShapeVal,
    SymbolicVal,
    TensorSeqVal,
    TensorVal,
    TupleVal,
    TypedScalarVal,
    Value,
)
from .verdicts import Operand, Verdict, infer_op, relabelled

_SEQUENCE_RESULTS = frozenset(["split", "chunk", "unbind", "tensor_split", "hsplit", "vsplit"])
# A comparison with the tensor on the right is the mirrored comparison on it (1 < t is t > 1).
_MIRRORED = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le", "eq": "eq", "ne": "ne"}
# Keyword arguments that never hold a tensor: an unknown value there is no operand.
_NOT_TENSOR_KEYWORDS = frozenset(
    {
        "dim",
        "keepdim",
        "training",
        "inplace",
        "p",
        "eps",
        "dtype",
        "device",
        "approximate",
        "negative_slope",
        "reduction",
        "ignore_index",
        "label_smoothing",
        "correction",
        "unbiased",
        "memory_format",
        "non_blocking",
        "copy",
        "is_causal",
        "dropout_p",
        "scale",
        "enable_gqa",
        "normalized_shape",
        "num_classes",
        "chunks",
        "split_size_or_sections",
        "start_dim",
        "end_dim",
        "dims",
        "output_size",
    }
)


_DESCRIBED = 48  # characters of source text an origin's description quotes at most


def quoted(frame: Frame, node: ast.AST) -> str:
    """A node's source text as an origin describes it: in backticks, on one line, short."""
    return _backticked(frame.unit.source_of(node))


def quoted_span(frame: Frame, span: Span) -> str:
    """The source text of a span of the frame's unit, as ``quoted`` gives a node's."""
    unit = frame.unit
    first, last = span.line - unit.start_line, span.end_line - unit.start_line
    if not 0 <= first <= last < len(unit.lines):
        return "this call"
    if first == last:
        return _backticked(unit.lines[first][span.column : span.end_column])
    return _backticked(unit.lines[first][span.column :] + " …")


def _backticked(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _DESCRIBED:
        text = text[: _DESCRIBED - 1] + "…"
    return f"`{text}`"


def origin_at(frame: Frame, node: ast.AST, previous: Origin | None = None) -> Origin:
    """The origin of a value made at ``node``: what happened there, in the code's own words
    (the place is the span), after ``previous``."""
    return Origin(frame.unit.span(node), quoted(frame, node), after(previous), frame.unit.path)


def operand_origin(value: Value, node: ast.AST | None, frame: Frame) -> Origin | None:
    """Where the type of an operand came from, for the origin of what is made from it: its
    own origin; for a value the caller supplies or one the checker does not know, why."""
    if isinstance(value, TensorSeqVal):
        value = value.element
    if isinstance(value, TensorVal):
        return value.origin
    if node is None:
        return None
    span, path = frame.unit.span(node), frame.unit.path
    if isinstance(value, SymbolicVal):
        return Origin(span, f"{quoted(frame, node)}, which comes from the caller", None, path)
    if value is UNKNOWN:
        if isinstance(node, ast.Call):
            return Origin(
                span,
                f"the result of {quoted(frame, node.func)[:-1]}(...)`, which the checker "
                "cannot see",
                None,
                path,
            )
        return Origin(span, f"{quoted(frame, node)}, which the checker does not know", None, path)
    return None


def _first_operand(args: OpArgs, frame: Frame) -> Origin | None:
    """The origin of an op's first tensor operand; when there is none, of the first value that
    may be one (a value the checker does not know)."""
    flat: list[tuple[Value, ast.AST | None]] = []

    def add(value: Value, node: ast.AST | None) -> None:
        if isinstance(value, TupleVal):
            items = node.elts if isinstance(node, (ast.Tuple, ast.List)) else None
            for k, item in enumerate(value.items):
                add(item, items[k] if items is not None and k < len(items) else node)
        else:
            flat.append((value, node))

    for value, node in args:
        add(value, node)
    for value, node in flat:
        if isinstance(value, (TensorVal, TensorSeqVal, SymbolicVal)):
            return operand_origin(value, node, frame)
    for value, node in flat:
        if value is UNKNOWN:
            return operand_origin(value, node, frame)
    return None


def as_tensor(value: Value, numbers: Collection[str] = ()) -> TensorVal | None:
    """The tensor a value is, when it is one or may be one the caller supplies (one the
    code uses as a number, ``numbers``, is none)."""
    if isinstance(value, TensorVal):
        return value
    if isinstance(value, SymbolicVal) and not is_number(value, numbers):
        return value.as_tensor()
    return None


def is_number(value: Value, numbers: Collection[str]) -> bool:
    """A value the caller supplies that the code uses as a size or count (``hidden // tp``
    as a factory's size): a number, not a tensor."""
    return isinstance(value, SymbolicVal) and value.root.key.split("|", 1)[0] in numbers


def note_number(value: Value, numbers: set[str]) -> None:
    """Remember that a value the caller supplies is used as a number."""
    if isinstance(value, SymbolicVal):
        numbers.add(value.root.key.split("|", 1)[0])


def derived(value: SymbolicVal, how: str) -> SymbolicVal:
    """A value computed from one the caller supplies (a size, a scaled tensor): also
    unknown to the checker, and related to nothing."""
    root = value.root
    return SymbolicVal(Root(f"{root.key}|{how}", f"{root.label}"))


def binary(
    ev: Evaluator,
    name: str,
    left: Value,
    right: Value,
    left_node: ast.AST,
    right_node: ast.AST,
    node: ast.AST,
    frame: Frame,
) -> Value:
    """A binary operator: the tensor's dunder (reflected when the tensor is on the right).
    Between values the caller supplies and numbers, whether a tensor is involved is not
    known (``dim // n_heads`` is a size): the result is another value the caller supplies."""
    if is_number(left, ev.numbers):
        left = ScalarVal(None)
    if is_number(right, ev.numbers):
        right = ScalarVal(None)
    if isinstance(left, DTensorVal) or isinstance(right, DTensorVal):
        # first: an operator with a DTensor runs unchecked, whatever the other operand is
        # (``apply`` hands it to ``dtensors.unchecked``)
        return apply(
            ev, f"Tensor.__{name}__", [(left, left_node), (right, right_node)], {}, node, frame
        )
    typed = scalars.arithmetic(ev, name, left, right, node, frame)
    if typed is not None:
        return typed
    if (
        name in ("floordiv", "mod")
        and isinstance(left, SymbolicVal)
        and (isinstance(right, ScalarVal) or is_number(right, ev.numbers))
    ):
        note_number(left, ev.numbers)  # a size computed from it
    if isinstance(left, TensorVal):
        return apply(
            ev, f"Tensor.__{name}__", [(left, left_node), (right, right_node)], {}, node, frame
        )
    if isinstance(left, SymbolicVal) and isinstance(right, TensorVal):
        return apply(
            ev, f"Tensor.__{name}__", [(left, left_node), (right, right_node)], {}, node, frame
        )
    if isinstance(left, SymbolicVal):
        return derived(left, name)
    if isinstance(right, SymbolicVal) and isinstance(left, (ScalarVal, TypedScalarVal)):
        return derived(right, name)
    if isinstance(right, TensorVal):
        if left is UNKNOWN:
            return UNKNOWN
        reflected = f"Tensor.__r{name}__"
        if name in _MIRRORED:
            reflected = f"Tensor.__{_MIRRORED[name]}__"
        return apply(ev, reflected, [(right, right_node), (left, left_node)], {}, node, frame)
    if isinstance(left, (ScalarVal, ShapeVal)) and isinstance(right, (ScalarVal, ShapeVal)):
        return ScalarVal(None)  # sizes and numbers: never a tensor
    return UNKNOWN


class _Operands:
    """An op's operands as the runtime collects them, with the expressions they came from."""

    def __init__(self, state: State, op: str, numbers: set[str]) -> None:
        self.state = state
        self.numbers = numbers
        self.op = op
        self.spec = optable.lookup(op)
        self.operands: list[Operand] = []
        self.nodes: list[ast.AST | None] = []
        self.values: list[Value] = []
        self.tensors = 0  # operands that are certainly tensors
        self.typed_scalars = 0  # spmd.Scalar operands (typed, at any position)
        self.unknown = False  # some argument may hide a tensor
        self.grads: list[bool | None] = []

    def add(self, value: Value, node: ast.AST | None, tensor_position: bool, index: int) -> None:
        if isinstance(value, TensorSeqVal):
            value = value.element
        if isinstance(value, TypedScalarVal):
            # its exact type at any position; it never receives a gradient
            self._operand(Operand(TensorType.of(value.type), True), node, value)
            self.typed_scalars += 1
            return
        if isinstance(value, SymbolicVal) and (
            self._structural(tensor_position, index) or self._sizes_only()
        ):
            note_number(value, self.numbers)
            return  # a size or a dim the caller passes: no tensor
        if is_number(value, self.numbers):
            value = ScalarVal(None)
        tensor = as_tensor(value, self.numbers)
        if tensor is not None:
            self._operand(Operand(tensor.type, self._no_grad(tensor.grad)), node, tensor)
            self.tensors += 1
            self.grads.append(tensor.grad)
            return
        if isinstance(value, TupleVal):
            for k, item in enumerate(value.items):
                item_node = (
                    node.elts[k]
                    if isinstance(node, (ast.Tuple, ast.List)) and k < len(node.elts)
                    else node
                )
                self.add(item, item_node, tensor_position, index)
            return
        if isinstance(value, ScalarVal):
            if tensor_position:
                self._operand(Operand(None), node, value)
            return
        if value is UNKNOWN or isinstance(value, InstanceVal):
            if self._structural(tensor_position, index) or self._sizes_only():
                return  # a size or a dim of a shape op, a factory's size: no tensor
            # a tensor, or a number (counted only at a tensor position), or neither
            extra = frozenset({SCALAR, NOTHING} if tensor_position else {NOTHING})
            self._operand(Operand(UNKNOWN_TYPE, None, extra), node, value)
            self.unknown = True
            self.grads.append(None)

    def _operand(self, operand: Operand, node: ast.AST | None, value: Value) -> None:
        self.operands.append(operand)
        self.nodes.append(node)
        self.values.append(value)

    def _no_grad(self, grad: bool | None) -> bool | None:
        if not self.state.grad:
            return True
        return None if grad is None else not grad

    def _sizes_only(self) -> bool:
        """A factory that takes sizes (``torch.zeros(n, d)``), not a tensor (``zeros_like``)."""
        name = self.op
        factory = name in optable.FACTORIES or name in optable.SHAPED_FACTORIES
        return factory and not name.endswith("_like")

    def _structural(self, tensor_position: bool, index: int) -> bool:
        spec = self.spec
        return (
            index > 0
            and not tensor_position
            and spec.linearity is not Linearity.NONLINEAR
            and spec.tensor_args == (0,)
        )


def apply(
    ev: Evaluator, name: str, args: OpArgs, kwargs: OpKwargs, node: ast.AST, frame: Frame
) -> Value:
    """The result of the op ``name`` on these arguments, reporting what the runtime rejects."""
    dtensor = dtensors.among([v for v, _ in args] + [v for v, _ in kwargs.values()])
    if dtensor is not None:
        # an op of a DTensor: the runtime does not check it, DTensor places the result. So
        # before anything of the checker's (reading operands on the current mesh, Scalar
        # operands): none of it runs for such an op
        return dtensors.unchecked(name, dtensor, [v for v, _ in [*args, *kwargs.values()]])
    spec = optable.lookup(name)
    state = ev.state
    origin = origin_at(frame, node, _first_operand(args, frame))
    collected = _Operands(state, name, ev.numbers)
    tensor_positions = set(spec.tensor_args)
    for index, (value, arg_node) in enumerate(args):
        collected.add(value, arg_node, index in tensor_positions, index)
    for key, (value, arg_node) in kwargs.items():
        if key == "out" or (key in _NOT_TENSOR_KEYWORDS and not isinstance(value, TensorVal)):
            continue
        collected.add(value, arg_node, key in spec.tensor_kwargs, -1)
    grad = _result_grad(state, name, collected, kwargs)
    is_sequence = name.rsplit(".", 1)[-1] in _SEQUENCE_RESULTS

    # a new tensor has no PartitionSpec, unless global mode's propagation gives it one
    fresh = layout.NO_SPEC if not global_mode.active(state) else None

    def result(t: TensorType, spec: Spec | None = fresh, shape: Shape | None = None) -> Value:
        value = TensorVal(t, grad, origin, len(shape) if shape is not None else None, spec, shape)
        return TensorSeqVal(value) if is_sequence else value

    if name in optable.NEW_FACTORIES:
        return result(factory_type(state, deterministic=True), layout.NO_SPEC)
    if collected.tensors == 0 and not (collected.typed_scalars and state.checking):
        if collected.unknown:
            # an op of values whose kind is not known: a tensor of unknown type
            return result(UNKNOWN_TYPE)
        if all(op.type is not None for op in collected.operands):  # no numbers either
            if name in optable.FACTORIES or (
                name.startswith("torch.") and not name.startswith("torch.nn.functional")
            ):
                made = result(
                    factory_type(state, deterministic=name in optable.DETERMINISTIC_FACTORIES),
                    layout.NO_SPEC,
                )
                if isinstance(made, TensorVal) and name in optable.SHAPED_FACTORIES:
                    size = shardprop.factory_shape(args, kwargs)
                    made = replace(made, ndim=_literal_ndim(args), shape=size)
                return made
            return UNKNOWN
    if not state.checking:
        untyped = TensorType({}, EXACT) if not collected.unknown else UNKNOWN_TYPE
        unchecked = global_mode.place(ev, name, args, kwargs, untyped, node, frame)
        assert unchecked is not None  # nothing is checked: nothing is rejected
        return result(*unchecked)
    # global SPMD mode checks every tensor argument's PartitionSpec before any other rule
    if not global_mode.validate(ev, global_mode.tensors_in([*args, *kwargs.values()]), node, frame):
        return UNKNOWN
    divisor = _divisor_violation(spec, args, name, frame)
    if divisor is not None:
        violation, position = divisor
        ev.violation(violation, frame, node, [args[position][1]], [args[position][0]], certain=True)
        frame.stop()
        return UNKNOWN
    operands = _on_current_mesh(ev, collected, node, frame)
    if operands is None:
        return UNKNOWN
    verdict = _infer(operands, spec, state, frame)
    if verdict.failed:
        assert verdict.violation is not None
        ev.violation(
            _tensor_fixes_only(verdict.violation, collected.values),
            frame,
            node,
            collected.nodes,
            collected.values,
            certain=verdict.certain,
        )
        if verdict.certain:
            frame.stop()
        return UNKNOWN
    frame.bindings = verdict.bindings
    assert verdict.output is not None
    output = verdict.output
    target = args[0][0] if args else None
    inplace = optable.is_inplace(name) or "out" in kwargs
    if inplace and isinstance(target, TensorVal):
        no_grad = None if target.grad is None else (not target.grad or not state.grad)
        try:
            check_inplace(
                name.rsplit(".", 1)[-1],
                target.type.known(frame.bindings),
                output.known(frame.bindings),
                no_grad,
            )
        except RuleViolation as violation:
            # without its traceback: this frame holds it (``shown`` may be the same object)
            shown = relabelled(violation.with_traceback(None), set(output.items))
            ev.violation(shown, frame, node, collected.nodes, collected.values)
            if violation.certain:
                frame.stop()
            return UNKNOWN
    placed = global_mode.place(ev, name, args, kwargs, output, node, frame)
    if placed is None:
        return UNKNOWN  # global mode's shard propagation rejects it
    output, result_spec, result_shape = placed
    if inplace and isinstance(target, TensorVal) and not global_mode.active(state):
        # the same object: its PartitionSpec stays (``out=``: another object, not known)
        output = _keep_shards(target.type, output)
        result_spec = layout.effective(target.type, target.spec) if "out" not in kwargs else None
        # an in-place op that may reshape its target (``unsqueeze_``, ``resize_``): not known
        same_shape = "out" not in kwargs and name in shardprop.POINTWISE
        result_shape = target.shape if same_shape else None
    if inplace and isinstance(target, TensorVal):
        # the same object keeps its requires_grad (an in-place op under no_grad does not
        # detach it)
        kept = TensorVal(
            output,
            target.grad if not state.grad else grad,
            origin,
            len(result_shape) if result_shape is not None else None,
            result_spec,
            result_shape,
        )
        return TensorSeqVal(kept) if is_sequence else kept
    return result(output, result_spec, result_shape)


def _tensor_fixes_only(violation: RuleViolation, values: list[Value]) -> RuleViolation:
    """The runtime's fixes wrap an operand in a collective: never a Scalar (no tensor)."""
    kept = tuple(
        f
        for f in violation.fixes
        if not (f.operand < len(values) and isinstance(values[f.operand], TypedScalarVal))
    )
    if len(kept) == len(violation.fixes):
        return violation
    return RuleViolation(
        violation.code,
        violation.message,
        operand=violation.operand,
        axis=violation.axis,
        fixes=kept,
        certain=violation.certain,
    )


def _on_current_mesh(
    ev: Evaluator, collected: _Operands, node: ast.AST, frame: Frame
) -> list[Operand] | None:
    """The operands as the rule sees them: one typed on another mesh's axes is first read on
    the current mesh (``mesh_types.on_current_mesh``); None after reporting one that cannot
    be (the runtime raises there)."""
    operands = list(collected.operands)
    for i, operand in enumerate(operands):
        if operand.type is None or not operand.type.items:
            continue
        moved = mesh_types.on_current_mesh(ev, operand.type, frame)
        if isinstance(moved, RuleViolation):
            moved = RuleViolation(moved.code, f"args[{i}] {moved.message}", operand=i)
            ev.violation(moved, frame, node, collected.nodes, collected.values, certain=True)
            frame.stop()
            return None
        if moved is mesh_types.NOT_FOLDED:
            operands[i] = replace(operand, type=UNKNOWN_TYPE)  # its type on this mesh: not known
        elif moved is not None:
            operands[i] = replace(operand, type=moved)
    return operands


def _result_grad(state: State, name: str, collected: _Operands, kwargs: OpKwargs) -> bool | None:
    grads = collected.grads
    if not grads:
        flag = kwargs.get("requires_grad", (ConstVal(False), None))[0]
        grads = [
            flag.value if isinstance(flag, ConstVal) and isinstance(flag.value, bool) else None
        ]
    if (not state.grad and collected.grads) or name in optable.NO_GRAD_RESULTS:
        return False
    if any(g is True for g in grads):
        return True
    if all(g is False for g in grads):
        return False
    return None


def _infer(operands: list[Operand], spec: optable.OpSpec, state: State, frame: Frame) -> Verdict:
    """The rule over the operands (an addmm-like op is a product, then a sum)."""
    mesh, strict, bindings = state.known_mesh, state.strict, frame.bindings
    if spec.decomposition is optable.Decomposition.ADD_PRODUCT and len(operands) >= 3:
        product = infer_op(
            operands[1:3],
            Linearity.MULTILINEAR,
            mesh=mesh,
            strict=strict,
            bindings=bindings,
            grad_mode=state.grad,
        )
        if product.failed:
            return _shifted(product, 1)
        assert product.output is not None
        total = infer_op(
            [Operand(product.output, False), operands[0]],
            Linearity.LINEAR,
            mesh=mesh,
            strict=strict,
            bindings=product.bindings,
            grad_mode=state.grad,
        )
        # blame the product's first factor for the product, the input for itself
        return _remapped(total, {0: 1, 1: 0})
    return infer_op(
        operands, spec.linearity, mesh=mesh, strict=strict, bindings=bindings, grad_mode=state.grad
    )


def _shifted(verdict: Verdict, by: int) -> Verdict:
    violation = verdict.violation
    if violation is None:
        return verdict
    return _remapped(verdict, {i: i + by for i in range(8)})


def _remapped(verdict: Verdict, mapping: dict[int, int]) -> Verdict:
    violation = verdict.violation
    if violation is None:
        return verdict
    moved = RuleViolation(
        violation.code,
        violation.message,
        operand=mapping.get(violation.operand, violation.operand)
        if violation.operand is not None
        else None,
        axis=violation.axis,
        fixes=tuple(replace(f, operand=mapping.get(f.operand, f.operand)) for f in violation.fixes),
        certain=violation.certain,
    )
    return replace(verdict, violation=moved)


def _divisor_violation(
    spec: optable.OpSpec, args: OpArgs, name: str, frame: Frame
) -> tuple[RuleViolation, int] | None:
    """A divisor (an operand that enters nonlinearly) known to be Partial on an axis."""
    if not spec.nonlinear_args:
        return None
    positions = [p for p in spec.nonlinear_args if p < len(args)]
    known: list[tuple[int, LocalType | None]] = []
    for i, p in enumerate(positions):
        value = args[p][0]
        typed = (
            value.type.known(frame.bindings)
            if isinstance(value, TensorVal)
            else value.type
            if isinstance(value, TypedScalarVal)
            else None
        )
        known.append((i, typed))
    try:
        check_nonlinear_args(name.rsplit(".", 1)[-1], known)
    except RuleViolation as violation:
        assert violation.code is codes.PARTIAL_DIVISOR
        position = positions[violation.operand or 0]
        return RuleViolation(
            violation.code, violation.message, operand=0, axis=violation.axis
        ), position
    return None


def factory_type(state: State, deterministic: bool) -> TensorType:
    """A new tensor's type: while checking, a deterministic factory (the same values on every
    rank) gives Replicate on every axis of the current mesh (a fill when its axes are not
    known); anything else is typed on no axis."""
    if not state.checking or not deterministic:
        return TensorType({}, EXACT)
    if not state.mesh_known:
        return TensorType({}, fill(state.mesh_root, R))
    if state.mesh is None:
        return TensorType({}, EXACT)
    return TensorType({axis: R for axis in state.mesh}, EXACT)


def _keep_shards(before: TensorType, after: TensorType) -> TensorType:
    """An in-place result keeps the target's S(i) where it is still Varying."""
    kept = {}
    for axis, term in after.items.items():
        was = before.items.get(axis)
        if (
            isinstance(was, AxisType)
            and was.shard_dim is not None
            and isinstance(term, AxisType)
            and term.kind is Kind.V
        ):
            kept[axis] = was
    if not kept:
        return after
    return TensorType({**after.items, **kept}, after.rest)


def _literal_ndim(args: OpArgs) -> int | None:
    """The rank of a factory's result when its sizes are literal: randn(4, 8), zeros((4, 8))."""
    if len(args) == 1 and isinstance(args[0][0], TupleVal):
        return len(args[0][0].items)
    if args and all(isinstance(v, ScalarVal) for v, _ in args):
        return len(args)
    return None
