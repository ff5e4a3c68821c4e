"""What the calls of torch and Python the checker models do, besides ops: grad-mode context
managers, ``nn.Parameter``, ``nn.ModuleList``, ``range`` and ``sum``, and
the functions that give plain numbers (``len``, ``math.sqrt``, ``dist.get_rank``). One
handler per function, in ``HANDLERS`` by canonical name, merged with the other handler
modules' tables into the interpreter's one table; what no table has is an op of the op
table. Also torch's ``LocalTensorMode``, a context whose ``rank_map`` makes tensors.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from .evaluator import UNROLL_LIMIT, CallContext, Handler
from .layout import NO_SPEC
from .results import Origin
from .tensortype import EXACT, TensorType
from .values import (
    UNKNOWN,
    ConstVal,
    ContextKind,
    ContextVal,
    ScalarVal,
    TensorVal,
    TupleVal,
    TypeDictVal,
    Value,
    keyword_type_dict,
)


def local_tensor_mode(ctx: CallContext) -> Value:
    """LocalTensorMode(world_size): a context whose rank_map makes tensors."""
    return ContextVal(ContextKind.LOCAL_TENSOR)


def no_grad(ctx: CallContext) -> Value:
    """torch.no_grad() and torch.inference_mode()."""
    return ContextVal(ContextKind.NO_GRAD)


def enable_grad(ctx: CallContext) -> Value:
    return ContextVal(ContextKind.ENABLE_GRAD)


def set_grad_enabled(ctx: CallContext) -> Value:
    flag = ctx.args[0] if ctx.args else UNKNOWN
    if isinstance(flag, ConstVal) and isinstance(flag.value, bool):
        return ContextVal(ContextKind.ENABLE_GRAD if flag.value else ContextKind.NO_GRAD)
    return UNKNOWN


def parameter(ctx: CallContext) -> Value:
    """nn.Parameter(data, requires_grad=True): a new, untyped tensor."""
    data = ctx.arg(0, "data")
    flag = ctx.kwargs.get("requires_grad", ctx.args[1] if len(ctx.args) > 1 else ConstVal(True))
    grad = flag.value if isinstance(flag, ConstVal) and isinstance(flag.value, bool) else None
    # a new tensor object: the SPMD type of ``data`` does not carry over
    span = ctx.span
    origin = Origin(span, "`nn.Parameter(...)`: a new tensor, untyped", None, ctx.frame.unit.path)
    ndim = data.ndim if isinstance(data, TensorVal) else None
    shape = data.shape if isinstance(data, TensorVal) else None
    return TensorVal(TensorType({}, EXACT), grad, origin, ndim, NO_SPEC, shape)


def dict_(ctx: CallContext) -> Value:
    """dict(type_dict): a copy (the type dict a later ``d[group] = t`` changes);
    dict(dp=V, tp=R): a type dict keyed by those names."""
    if len(ctx.args) == 1 and not ctx.kwargs and isinstance(ctx.args[0], TypeDictVal):
        return ctx.args[0]
    if not ctx.args and ctx.kwargs:
        return keyword_type_dict(ctx.kwargs)
    return UNKNOWN


def module_list(ctx: CallContext) -> Value:
    items = ctx.args[0] if ctx.args else TupleVal(())
    return items if isinstance(items, TupleVal) else UNKNOWN


def range_(ctx: CallContext) -> Value:
    """range() with literal bounds and few steps: the numbers (a loop over it is unrolled)."""
    if ctx.kwargs:
        return UNKNOWN
    bounds = [a.value for a in ctx.args if isinstance(a, ScalarVal) and isinstance(a.value, int)]
    if len(bounds) == len(ctx.args) and 1 <= len(bounds) <= 3:
        steps = range(*bounds)
        if len(steps) <= UNROLL_LIMIT:
            return TupleVal(tuple(ScalarVal(i) for i in steps))
    return UNKNOWN


def sum_(ctx: CallContext) -> Value:
    """Python's sum(items): 0 + a + b + ..., so a Partial first term is affine. With a start
    value or keywords, only a number of numbers is known."""
    node = ctx.node
    if len(node.args) != 1 or ctx.kwargs:
        return scalar_function(ctx)
    items = ctx.args[0]
    if not isinstance(items, TupleVal) or not items.items:
        return UNKNOWN
    item_nodes = (
        node.args[0].elts
        if isinstance(node.args[0], (ast.List, ast.Tuple))
        else [node.args[0]] * len(items.items)
    )
    total: Value = ScalarVal(0)
    total_node: ast.AST = node
    for item, item_node in zip(items.items, item_nodes, strict=True):
        total = ctx.evaluator.binary("add", total, item, total_node, item_node, node, ctx.frame)
        total_node = node
        if total is UNKNOWN:
            return UNKNOWN
    return total


def number(ctx: CallContext) -> Value:
    """A function that gives a number whatever its arguments (a rank, a world size)."""
    return ScalarVal(None)


def scalar_function(ctx: CallContext) -> Value:
    """A function of numbers (abs, max, math.sqrt): a number when its arguments are numbers;
    len, int and float give a number whatever they get."""
    if all(isinstance(a, ScalarVal) for a in ctx.args) or ctx.name in ("len", "int", "float"):
        return ScalarVal(None)
    return UNKNOWN


HANDLERS: Mapping[str, Handler] = {
    "torch.no_grad": no_grad,
    "torch.distributed._local_tensor.LocalTensorMode": local_tensor_mode,
    "torch.inference_mode": no_grad,
    "torch.enable_grad": enable_grad,
    "torch.set_grad_enabled": set_grad_enabled,
    "Parameter": parameter,
    "torch.nn.ModuleList": module_list,
    "dict": dict_,
    "range": range_,
    "sum": sum_,
    "torch.distributed.get_world_size": number,
    "torch.distributed.get_rank": number,
    "torch.distributed.is_initialized": number,
    **dict.fromkeys(
        [
            "len",
            "int",
            "float",
            "round",
            "abs",
            "min",
            "max",
            "math.sqrt",
            "math.ceil",
            "math.floor",
            "math.log",
        ],
        scalar_function,
    ),
}
