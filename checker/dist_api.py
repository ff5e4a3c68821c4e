"""What calls of ``torch.distributed`` do under ``typecheck()``: one handler per function, in
``HANDLERS`` by canonical name (``torch.distributed.all_reduce``); the interpreter looks a
call up here after ``spmd_api.HANDLERS``, ``mesh_api.HANDLERS`` and ``python_api.HANDLERS``.

- The raw collectives the runtime types (``collectives.RAW_RULES``): the input must be
  ``src`` on the group's axis, an in-place collective (``all_reduce``) retypes its input,
  each output tensor must already have one of the allowed types (outputs are never
  retyped). The checks are verdicts over symbolic types (``verdicts.check_term``): a
  group or a tensor the unseen caller passes gives an error only when it holds whatever
  they are.
- The raw collectives the runtime rejects whatever the types
  (``collectives.RAW_UNSUPPORTED``).
- Functional collectives (``torch.distributed._functional_collectives``): ops the runtime
  has no rule for, so the non-linear rule on their tensor argument.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

from . import axes, codes
from . import collectives as coll
from .codes import Severity
from .evaluator import CallContext, Evaluator, Handler
from .lattice import AxisType
from .names import call_site_of
from .ops import as_tensor
from .results import Origin
from .rules import RuleViolation
from .state import Frame, State
from .tensortype import UNKNOWN_TYPE, Marker, RestKind, Term
from .values import (
    UNKNOWN,
    AxisVal,
    ConstVal,
    SymbolicVal,
    TensorSeqVal,
    TensorVal,
    TupleVal,
    Value,
)
from .verdicts import check_term

_C10D = "torch.distributed.distributed_c10d."
_FUNCTIONAL = "torch.distributed._functional_collectives."
# Functional collectives that take one tensor (``self``) and return one.
_FUNCTIONAL_COLLECTIVES = (
    "wait_tensor",
    "broadcast",
    "all_reduce",
    "all_gather_single",
    "all_gather_single_autograd",
    "reduce_scatter_single",
    "reduce_scatter_single_autograd",
    "all_gather_tensor",
    "all_gather_tensor_autograd",
    "reduce_scatter_tensor",
    "reduce_scatter_tensor_autograd",
    "all_to_all_single",
    "all_to_all_single_autograd",
    "permute_tensor",
)


def raw_collective(ctx: CallContext) -> Value:
    """A raw collective the runtime types (``dist.all_reduce(x, group=tp)``)."""
    ev, frame = ctx.evaluator, ctx.frame
    rule = coll.RAW_RULES[ctx.name.rsplit(".", 1)[-1]]
    flag = ctx.arg(rule.async_position, "async_op", default=ConstVal(False))
    # a Work object when async (the type changes at the call all the same), else None
    result: Value = ConstVal(None) if flag == ConstVal(False) else UNKNOWN
    state = ev.state
    if not state.checking:
        return result
    value = ctx.arg(rule.input.position, rule.input.name)
    node = ctx.arg_node(rule.input.position, rule.input.name)
    tensor = as_tensor(value, ev.numbers) or (TensorVal(UNKNOWN_TYPE) if value is UNKNOWN else None)
    if tensor is None or node is None:
        return result  # not a tensor: torch itself rejects the call
    outputs = _outputs(ctx, rule)
    axis = _group_axis(ctx, rule, [tensor, *(out for out, _ in outputs)])
    if axis is None:
        # the rule checks and retypes an axis the checker cannot tell: any of the input's
        if rule.mutate_to is not None and value is not UNKNOWN:
            ev.mutate(node, TensorVal(UNKNOWN_TYPE, tensor.grad, tensor.origin, tensor.ndim), frame)
        return result
    strict = state.strict

    def check_input(have: AxisType | None) -> None:
        coll.check_raw_input(rule, have, axis, strict=strict)

    if not _holds(ctx, tensor.type.term(axis, frame.bindings), axis, check_input, node):
        return UNKNOWN
    if rule.mutate_to is not None and value is not UNKNOWN:
        span = frame.unit.span(ctx.node)
        origin = Origin(span, f"{ctx.name.rsplit('.', 1)[-1]} (in place)")
        retyped = tensor.type.written(axis, rule.mutate_to)
        ev.mutate(node, TensorVal(retyped, tensor.grad, origin, tensor.ndim), frame)
    for out, index in outputs:

        def check_output(have: AxisType | None, index: int | None = index) -> None:
            coll.check_raw_output(rule, have, axis, index, strict=strict)

        out_node = ctx.arg_node(rule.output.position, rule.output.name) if rule.output else None
        if not _holds(ctx, out.type.term(axis, frame.bindings), axis, check_output, out_node):
            return UNKNOWN
    return result


def _outputs(ctx: CallContext, rule: coll.RawRule) -> list[tuple[TensorVal, int | None]]:
    """The output tensors the checker can see, with their index in an output list."""
    if rule.output is None:
        return []
    value = ctx.arg(rule.output.position, rule.output.name)
    numbers = ctx.evaluator.numbers
    if not rule.output.is_list:
        tensor = as_tensor(value, numbers)
        return [(tensor, None)] if tensor is not None else []
    if isinstance(value, TensorSeqVal):
        return [(value.element, 0)]  # every element has this type: the first fails first
    if isinstance(value, TupleVal):
        found: list[tuple[TensorVal, int | None]] = []
        for index, item in enumerate(value.items):
            tensor = as_tensor(item, numbers)
            if tensor is None:
                return found  # not known from here on: what follows is not checked
            found.append((tensor, index))
        return found
    return []


def _group_axis(ctx: CallContext, rule: coll.RawRule, tensors: list[TensorVal]) -> str | None:
    """The axis the collective runs on (None: not one the checker can tell). ``group=None``
    is the world group: an axis of its own when it is certainly none of the tensors' axes."""
    ev = ctx.evaluator
    group = ctx.arg(rule.group, "group", default=ConstVal(None))
    if isinstance(group, ConstVal) and group.value is None:
        return axes.WORLD if _world_is_apart(ev.state, tensors, ctx.frame) else None
    if isinstance(group, (AxisVal, SymbolicVal)):
        axis = ev.axis(group, ctx.arg_node(rule.group, "group"), ctx.frame)
        return axis.name if isinstance(axis, AxisVal) else None
    return None


def _world_is_apart(state: State, tensors: list[TensorVal], frame: Frame) -> bool:
    """Whether the world group is certainly none of the tensors' axes: each has a known set
    of axes, of the current mesh, which has two axes or more (so each is a proper subgroup
    of the world), or groups the checker cannot name (those may be the world: their
    verdicts are latent)."""
    mesh = state.known_mesh
    if mesh is None or not axes.apart_from_world(mesh):
        return False
    for tensor in tensors:
        t = tensor.type
        hidden = t.hidden_axes(frame.bindings)
        if hidden is None or t.rest.kind is RestKind.FILL:
            return False  # other axes the checker does not know: one may be the world
        named = [a for a in t.listed(frame.bindings) if not axes.is_symbolic(a)]
        if any(a not in mesh for a in [*named, *hidden]):
            return False
    return True


def _holds(
    ctx: CallContext,
    term: Term | Marker,
    axis: str,
    check: Callable[[AxisType | None], None],
    node: ast.AST | None,
) -> bool:
    """Run one check; report a manifest failure (and stop the path). Whether the path goes
    on."""
    frame = ctx.frame
    verdict = check_term(term, axis, check, frame.bindings)
    if verdict.violation is None:
        frame.bindings = verdict.bindings
        return True
    _report(ctx.evaluator, verdict.violation, node or ctx.node, frame)
    return False


def _report(ev: Evaluator, violation: RuleViolation, node: ast.AST, frame: Frame) -> None:
    ev.sink.report(
        frame.unit.span(node),
        violation.code,
        violation.message,
        Severity.ERROR if violation.certain else Severity.WARNING,
        call_site_of(frame),
    )
    if violation.certain:
        frame.stop()


def unsupported(ctx: CallContext) -> Value:
    """A raw collective the runtime rejects under ``typecheck()`` whatever the types."""
    ev, frame = ctx.evaluator, ctx.frame
    state = ev.state
    if not state.checking:
        return UNKNOWN
    if state.assumed:
        # only the checker's assumption puts this under typecheck(): utilities that seed or
        # set up groups (torchtitan's set_determinism broadcasts a seed) run outside it
        return UNKNOWN
    function = ctx.name.rsplit(".", 1)[-1]
    ev.sink.report(
        frame.unit.span(ctx.node.func),
        codes.RAW_DIST_UNSUPPORTED,
        codes.RAW_DIST_UNSUPPORTED.message(function=function),
        Severity.ERROR,
        call_site_of(frame),
    )
    frame.stop()
    return UNKNOWN


def functional_collective(ctx: CallContext) -> Value:
    """``funcol.all_reduce(x, "sum", group)``: an op the runtime has no rule for (the
    non-linear rule on ``x``, whatever the collective does with the data)."""
    x = ctx.arg(0, "self", "tensor")
    x_node = ctx.arg_node(0, "self", "tensor")
    if x_node is None:
        return UNKNOWN
    return ctx.evaluator.op(ctx.name, [(x, x_node)], {}, ctx.node, ctx.frame)


def default_group(ctx: CallContext) -> Value:
    """``_get_default_group()``: the world group. An axis of its own, but one the checker
    treats as it treats a group it cannot name: a mesh of one axis over the world is that
    same axis at run time."""
    return AxisVal(axes.symbolic(axes.WORLD, "torch.distributed.default_group"), "group")


def _names(short: str) -> list[str]:
    return [f"torch.distributed.{short}", f"{_C10D}{short}"]


HANDLERS: Mapping[str, Handler] = {
    **{name: raw_collective for short in coll.RAW_RULES for name in _names(short)},
    **{name: unsupported for short in coll.RAW_UNSUPPORTED for name in _names(short)},
    **{f"{_FUNCTIONAL}{short}": functional_collective for short in _FUNCTIONAL_COLLECTIVES},
    f"{_C10D}_get_default_group": default_group,
}
