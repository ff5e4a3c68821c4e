"""The ``torch.nn`` modules the checker models when a script builds them itself:
``torch.nn.Linear``, an object holding a weight ``[out, in]`` and a bias ``[out]`` (new,
untyped Parameters) whose call is one ``F.linear`` (the op the runtime checks when the
module's forward runs). Any other torch module is Unknown, as before.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

from .evaluator import CallContext, Evaluator, Handler
from .layout import NO_SPEC
from .results import Origin
from .state import Frame
from .tensortype import EXACT, TensorType
from .values import UNKNOWN, ClassVal, ConstVal, InstanceVal, ScalarVal, TensorVal, Value

LINEAR = "torch.nn.Linear"


def _parameter(shape: tuple[int, ...] | None, origin: Origin) -> TensorVal:
    """A new Parameter: untyped, requires grad, no PartitionSpec."""
    ndim = len(shape) if shape is not None else None
    return TensorVal(TensorType({}, EXACT), True, origin, ndim, NO_SPEC, shape)


def _size(value: Value) -> int | None:
    return value.value if isinstance(value, ScalarVal) and isinstance(value.value, int) else None


def linear(ctx: CallContext) -> Value:
    """``torch.nn.Linear(in_features, out_features, bias=True)``."""
    in_features = _size(ctx.arg(0, "in_features"))
    out_features = _size(ctx.arg(1, "out_features"))
    bias = ctx.arg(2, "bias", default=ConstVal(True))
    if not isinstance(bias, ConstVal) or not isinstance(bias.value, bool):
        return UNKNOWN
    span = ctx.span
    origin = Origin(span, "nn.Linear parameter (untyped)")
    weight_shape: tuple[int, ...] | None = None
    bias_shape: tuple[int, ...] | None = None
    if in_features is not None and out_features is not None:
        weight_shape, bias_shape = (out_features, in_features), (out_features,)
    node = ast.ClassDef(name="Linear", bases=[], keywords=[], body=[], decorator_list=[])
    cls = ClassVal(node, ctx.frame.unit, LINEAR, torch_module=LINEAR)
    attributes: dict[str, Value] = {
        "weight": _parameter(weight_shape, origin),
        "bias": _parameter(bias_shape, origin) if bias.value else ConstVal(None),
    }
    return InstanceVal(cls, attributes)


def call(
    ev: Evaluator,
    module: InstanceVal,
    node: ast.AST,
    args: Sequence[Value],
    kwargs: Mapping[str, Value],
    frame: Frame,
) -> Value:
    """Calling a modelled module: its forward's one op (Unknown for any other object)."""
    if module.cls.torch_module != LINEAR or len(args) != 1 or kwargs:
        return UNKNOWN
    input_node = node.args[0] if isinstance(node, ast.Call) and node.args else None
    weight = module.attributes.get("weight", UNKNOWN)
    bias = module.attributes.get("bias", ConstVal(None))
    operands = [(args[0], input_node), (weight, None), (bias, None)]
    return ev.op("torch.nn.functional.linear", operands, {}, node, frame)


HANDLERS: Mapping[str, Handler] = {LINEAR: linear}
