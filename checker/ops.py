"""Applying the op table: the type of an op's result, or a diagnostic where the runtime
would reject it.

Operands are collected the way the runtime's ``_classify_args`` and
``_collect_scalar_types`` do (every tensor argument; Python numbers only at the op's
tensor positions). An operand that is Unknown, or may hide a tensor, makes the result
Unknown and silences the op. Otherwise the rule runs; a rejection is reported on the
blamed operand and the result is Unknown (no cascades).
"""

from __future__ import annotations

import ast
from dataclasses import replace

from . import codes, optable
from .evaluator import Evaluator, OpArgs, OpKwargs
from .lattice import Kind, LocalType, R
from .results import Origin
from .rules import Linearity, RuleViolation, check_inplace, check_nonlinear_args, infer_output
from .state import Frame, State
from .values import (
    UNKNOWN,
    ConstVal,
    InstanceVal,
    ScalarVal,
    TensorSeqVal,
    TensorVal,
    TupleVal,
    Value,
)

_SEQUENCE_RESULTS = frozenset(["split", "chunk", "unbind", "tensor_split", "hsplit", "vsplit"])
# A comparison with the tensor on the right is the mirrored comparison on it (1 < t is t > 1).
_MIRRORED = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le", "eq": "eq", "ne": "ne"}


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
    """A binary operator: the tensor's dunder (reflected when the tensor is on the right)."""
    if isinstance(left, TensorVal):
        return apply(
            ev, f"Tensor.__{name}__", [(left, left_node), (right, right_node)], {}, node, frame
        )
    if isinstance(right, TensorVal):
        if left is UNKNOWN:
            return UNKNOWN
        reflected = f"Tensor.__r{name}__"
        if name in _MIRRORED:
            reflected = f"Tensor.__{_MIRRORED[name]}__"
        return apply(ev, reflected, [(right, right_node), (left, left_node)], {}, node, frame)
    if isinstance(left, ScalarVal) and isinstance(right, ScalarVal):
        return ScalarVal(None)
    return UNKNOWN


def apply(
    ev: Evaluator, name: str, args: OpArgs, kwargs: OpKwargs, node: ast.AST, frame: Frame
) -> Value:
    """The result of the op ``name`` on these arguments, reporting what the runtime rejects."""
    spec = optable.lookup(name)
    state = ev.state
    origin = Origin(
        frame.unit.span(node),
        f"{name.replace('Tensor.', '.')}(...) at line {frame.unit.span(node).line + 1}",
    )
    operands: list[TensorVal | None] = []  # None: a Python number at a tensor position
    nodes: list[ast.AST | None] = []
    values: list[Value] = []
    unknown = False
    tensor_positions = set(spec.tensor_args)
    for index, (value, arg_node) in enumerate(args):
        unknown |= _collect(
            value, arg_node, index in tensor_positions, operands, nodes, values, name, index
        )
    for key, (value, arg_node) in kwargs.items():
        if key == "out":
            continue
        unknown |= _collect(
            value, arg_node, key in spec.tensor_kwargs, operands, nodes, values, name, -1
        )
    tensors = [t for t in operands if t is not None]
    grad_inputs = [t.grad for t in tensors]
    if not tensors:
        flag = kwargs.get("requires_grad", (ConstVal(False), None))[0]
        grad_inputs = [
            flag.value if isinstance(flag, ConstVal) and isinstance(flag.value, bool) else None
        ]
    if (not state.grad and tensors) or name in optable.NO_GRAD_RESULTS:
        grad: bool | None = False
    elif any(g is True for g in grad_inputs):
        grad = True
    elif all(g is False for g in grad_inputs):
        grad = False
    else:
        grad = None
    is_sequence = name.rsplit(".", 1)[-1] in _SEQUENCE_RESULTS

    def result(t: LocalType | None, exact: bool = True) -> Value:
        value = TensorVal(t, grad, exact, origin)
        return TensorSeqVal(value) if is_sequence else value

    if name in optable.NEW_FACTORIES:
        return result(_factory_type(state, deterministic=True))
    if not tensors and not any(t is None for t in operands):
        if unknown:
            return UNKNOWN if name not in optable.FACTORIES else result(None)
        if name in optable.FACTORIES or (
            name.startswith("torch.") and not name.startswith("torch.nn.functional")
        ):
            made = result(
                _factory_type(state, deterministic=name in optable.DETERMINISTIC_FACTORIES)
            )
            if isinstance(made, TensorVal) and name in optable.SHAPED_FACTORIES:
                made = replace(made, ndim=_literal_ndim(args))
            return made
        return UNKNOWN
    if not state.checking:
        return result(LocalType() if not unknown else None)
    if unknown or any(t is not None and t.type is None for t in operands):
        return result(None)
    types: list[LocalType | None] = [t.type if t is not None else None for t in operands]
    exact = all(t.exact for t in tensors)
    strict = state.strict and exact
    mesh = state.mesh if state.mesh_known and exact else None
    try:
        if spec.nonlinear_args:
            check_nonlinear_args(
                name.rsplit(".", 1)[-1],
                [
                    (i, _operand_type(args, p))
                    for i, p in enumerate(spec.nonlinear_args)
                    if p < len(args)
                ],
            )
        output = _infer(state, types, operands, spec, strict, mesh)
    except RuleViolation as violation:
        if violation.code is codes.PARTIAL_DIVISOR:
            # blame the divisor argument itself (its position in the call, not among operands)
            position = spec.nonlinear_args[violation.operand or 0]
            div_nodes = [args[position][1] if position < len(args) else None]
            violation = RuleViolation(
                violation.code, violation.message, operand=0, axis=violation.axis
            )
            ev.violation(
                violation,
                frame,
                node,
                div_nodes,
                [args[position][0]] if position < len(args) else None,
            )
        else:
            ev.violation(violation, frame, node, nodes, values)
        return UNKNOWN
    except _Undecided as undecided:
        ev.violation(undecided.violation, frame, node, nodes, values, certain=False)
        return UNKNOWN
    if optable.is_inplace(name) or "out" in kwargs:
        target = args[0][0] if args else None
        if isinstance(target, TensorVal) and target.type is not None:
            no_grad = None if target.grad is None else (not target.grad or not state.grad)
            try:
                check_inplace(name.rsplit(".", 1)[-1], target.type, output, no_grad)
            except RuleViolation as violation:
                ev.violation(violation, frame, node, nodes, values)
                return UNKNOWN
            output = _keep_shards(target.type, output)  # the same object: its PartitionSpec stays
    return result(output, exact)


def _collect(
    value: Value,
    node: ast.AST | None,
    tensor_position: bool,
    operands: list[TensorVal | None],
    nodes: list[ast.AST | None],
    values: list[Value],
    op: str,
    index: int,
) -> bool:
    """Add an argument's operands; True when it may hide a tensor of unknown type."""
    if isinstance(value, TensorVal):
        operands.append(value)
        nodes.append(node)
        values.append(value)
        return False
    if isinstance(value, TensorSeqVal):
        operands.append(value.element)
        nodes.append(node)
        values.append(value.element)
        return False
    if isinstance(value, TupleVal):
        unknown = False
        for k, item in enumerate(value.items):
            item_node = (
                node.elts[k]
                if isinstance(node, (ast.Tuple, ast.List)) and k < len(node.elts)
                else node
            )
            unknown |= _collect(
                item, item_node, tensor_position, operands, nodes, values, op, index
            )
        return unknown
    if isinstance(value, ScalarVal):
        if tensor_position:
            operands.append(None)
            nodes.append(node)
            values.append(value)
        return False
    if value is UNKNOWN or isinstance(value, InstanceVal):
        # A structural argument (a size, a dim) of a shape op is no tensor.
        spec = optable.lookup(op)
        return not (
            index > 0
            and not tensor_position
            and spec.linearity is not Linearity.NONLINEAR
            and spec.tensor_args == (0,)
        )
    return False


def _infer(
    state: State,
    types: list[LocalType | None],
    operands: list[TensorVal | None],
    spec: optable.OpSpec,
    strict: bool,
    mesh: tuple[str, ...] | None,
) -> LocalType:
    """Run the rule with the no-grad flags; an unknown flag that decides the verdict raises
    _Undecided."""

    def flags(assume: bool) -> list[bool]:
        out = []
        for t in operands:
            if t is None or not state.grad:
                out.append(True)
            elif t.grad is None:
                out.append(assume)
            else:
                out.append(not t.grad)
        return out

    def run(no_grad: list[bool]) -> LocalType:
        if spec.decomposition is optable.Decomposition.ADD_PRODUCT and len(types) >= 3:
            product = infer_output(
                types[1:3],
                Linearity.MULTILINEAR,
                mesh_axes=mesh,
                strict=strict,
                no_grad=no_grad[1:3],
            )
            return infer_output(
                [product, types[0]],
                Linearity.LINEAR,
                mesh_axes=mesh,
                strict=strict,
                no_grad=[False, no_grad[0]],
            )
        return infer_output(types, spec.linearity, mesh_axes=mesh, strict=strict, no_grad=no_grad)

    has_unknown_flag = state.grad and any(t is not None and t.grad is None for t in operands)
    if not has_unknown_flag:
        return run(flags(True))
    try:
        relaxed = run(flags(True))
    except RuleViolation:
        relaxed = None
    try:
        tight = run(flags(False))
    except RuleViolation as violation:
        if relaxed is None:
            raise
        message = (
            violation.message
            + " This is an error only if the Invariant operand requires grad, and whether it "
            "does is not known here (it comes from outside the code the checker can see)."
        )
        raise _Undecided(
            RuleViolation(
                violation.code,
                message,
                operand=violation.operand,
                axis=violation.axis,
                fixes=violation.fixes,
            )
        ) from None
    if relaxed is None:
        return run(flags(True))  # raises the relaxed violation
    return tight if tight == relaxed else relaxed


def _factory_type(state: State, deterministic: bool) -> LocalType | None:
    """A new tensor's type: while checking, a deterministic factory (the same values on every
    rank) gives Replicate on every axis of the current mesh, Unknown when whether a mesh is
    current is not known; anything else is typed on no axis."""
    if not state.checking:
        return LocalType()
    if not deterministic:
        return LocalType()
    if not state.mesh_known:
        return None
    if state.mesh is None:
        return LocalType()
    return LocalType({axis: R for axis in state.mesh})


class _Undecided(Exception):
    """The verdict hangs on whether an operand requires grad, which is not known."""

    def __init__(self, violation: RuleViolation) -> None:
        super().__init__(violation.message)
        self.violation = violation


def _operand_type(args: OpArgs, position: int) -> LocalType | None:
    value = args[position][0]
    return value.type if isinstance(value, TensorVal) else None


def _keep_shards(before: LocalType, after: LocalType) -> LocalType:
    """An in-place result keeps the target's S(i) where it is still Varying."""
    if all(t.shard_dim is None for t in before.values()):
        return after
    return LocalType(
        {
            axis: before[axis]
            if axis in before and before[axis].shard_dim is not None and t.kind is Kind.V
            else t
            for axis, t in after.items()
        }
    )


def _literal_ndim(args: OpArgs) -> int | None:
    """The rank of a factory's result when its sizes are literal: randn(4, 8), zeros((4, 8))."""
    if len(args) == 1 and isinstance(args[0][0], TupleVal):
        return len(args[0][0].items)
    if args and all(isinstance(v, ScalarVal) for v, _ in args):
        return len(args)
    return None
