"""What DTensor interop does under ``typecheck()``: the handlers of ``DTensor.from_local``,
the placements, ``spmd.TensorSharding`` and ``spmd.spmd_redistribute`` (``HANDLERS``, by
canonical name), a DTensor's methods and attributes (``method``, ``attribute``), and calls
with a DTensor argument (``call_with_dtensor``), which the runtime does not check.

``from_local`` asserts its placements' types on the local tensor (``assert_type``
semantics: an untyped tensor is annotated in place, Replicate is I unless its grad
placement is Partial); ``to_local`` and ``full_tensor`` type their result from the
placements (``dtensors.local_types``).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import zip_longest

from . import codes, dtensors
from .codes import Severity
from .evaluator import CallContext, Handler
from .lattice import AxisType, Kind
from .layout import NO_SPEC
from .names import call_site_of
from .ops import as_tensor
from .results import Origin
from .spmd_api import assert_values
from .tensortype import EXACT, UNKNOWN_TYPE, TensorType
from .values import (
    UNKNOWN,
    AxisVal,
    BoundMethodVal,
    ConstVal,
    DTensorVal,
    MeshVal,
    Placement,
    PlacementVal,
    ScalarVal,
    ShapeVal,
    TensorShardingVal,
    TensorVal,
    TupleVal,
    TypeDictVal,
    Value,
)

# The modules that export DTensor and its placements (torch.distributed._tensor is the old
# name; placement_types and _api are where they are defined).
_MODULES = (
    "torch.distributed.tensor",
    "torch.distributed._tensor",
    "torch.distributed.tensor.placement_types",
    "torch.distributed._tensor.placement_types",
)
_DTENSOR_CLASSES = (
    "torch.distributed.tensor.DTensor",
    "torch.distributed._tensor.DTensor",
    "torch.distributed.tensor._api.DTensor",
    "torch.distributed._tensor.api.DTensor",
)
_ASSERTS = frozenset({"spmd.assert_type", "spmd.assert_local_type"})
# DTensor attributes that are metadata: numbers, never tensors
_METADATA = frozenset({"dtype", "device", "layout", "is_cuda", "requires_grad", "ndim"})


def placement(ctx: CallContext) -> Value:
    """``Replicate()``, ``Shard(dim)``, ``Partial(reduce_op)``."""
    kind = Placement(ctx.name.rsplit(".", 1)[-1])
    if kind is Placement.SHARD:
        dim = ctx.arg(0, "dim")
        value = dim.value if isinstance(dim, ScalarVal) and isinstance(dim.value, int) else None
        return PlacementVal(kind, value)
    return PlacementVal(kind)


def from_local(ctx: CallContext) -> Value:
    """``DTensor.from_local(x, mesh, placements, grad_placements=...)``: under
    ``typecheck()`` x is asserted to have the placements' types (annotated in place when it
    has none), then wrapped."""
    ev, frame = ctx.evaluator, ctx.frame
    mesh_value = ctx.arg(1, "device_mesh", default=ConstVal(None))
    mesh = mesh_value if isinstance(mesh_value, MeshVal) else None
    placements = dtensors.placements_of(ctx.arg(2, "placements", default=ConstVal(None)), mesh)
    result = DTensorVal(mesh, placements)
    x = ctx.arg(0, "local_tensor")
    x_node = ctx.arg_node(0, "local_tensor")
    if not ev.state.checking or x_node is None:
        return result
    count = len(mesh.dims) if mesh is not None and mesh.dims is not None else 0
    grads = dtensors.grads_of(ctx.kwargs.get("grad_placements", ConstVal(None)), count)
    expected = dtensors.local_types(mesh, placements, grads)
    if expected is None:
        # asserted on axes the checker cannot tell: what x's type becomes is not known
        tensor = as_tensor(x, ev.numbers)
        if tensor is not None:
            unknown = TensorVal(UNKNOWN_TYPE, tensor.grad, tensor.origin, tensor.ndim)
            ev.mutate(x_node, unknown, frame)
        return result
    items = tuple((AxisVal(a, "group"), next(iter(t))) for a, t in expected.items() if len(t) == 1)
    choices = tuple((AxisVal(a, "group"), t) for a, t in expected.items() if len(t) > 1)
    asserted = TypeDictVal(items, choices)
    assert_values(ev, x, x_node, [(asserted, ctx.node)], None, ctx.span, frame)
    return UNKNOWN if frame.terminated else result


def distribute_tensor(ctx: CallContext) -> Value:
    """``distribute_tensor(t, mesh, placements)``: a DTensor of these placements. (Inside
    ``typecheck()`` it slices ``t`` with ops the runtime checks, which reject an untyped
    ``t`` in strict mode; not reported.)"""
    mesh_value = ctx.arg(1, "device_mesh", default=ConstVal(None))
    mesh = mesh_value if isinstance(mesh_value, MeshVal) else None
    return DTensorVal(
        mesh, dtensors.placements_of(ctx.arg(2, "placements", default=ConstVal(None)), mesh)
    )


def tensor_sharding(ctx: CallContext) -> Value:
    """``spmd.TensorSharding("tp", None, ("dp", "cp"))``: per tensor dim, mesh dim names."""
    dims: list[tuple[str, ...]] = []
    for value in ctx.args:
        names = _names(value)
        if names is None:
            return UNKNOWN
        dims.append(names)
    return TensorShardingVal(tuple(dims))


def _names(value: Value) -> tuple[str, ...] | None:
    """One tensor dim's mesh dims (``normalize_dim_sharding``)."""
    if isinstance(value, ConstVal) and value.value is None:
        return ()
    if isinstance(value, ConstVal) and isinstance(value.value, str):
        return (value.value,)
    if isinstance(value, TupleVal):
        names = [_names(item) for item in value.items]
        if all(n is not None and len(n) == 1 for n in names):
            return tuple(n[0] for n in names if n)
    return None


def spmd_redistribute(ctx: CallContext) -> Value:
    """``spmd.spmd_redistribute(d, src, dst)``: the placements of the mesh dims whose
    sharding changes become ``dst``'s (Shard(i), else Replicate); the collectives run
    inside an autograd Function of a DTensor, unchecked."""
    x, src, dst = ctx.arg(0, "x"), ctx.arg(1, "src"), ctx.arg(2, "dst")
    if not isinstance(x, DTensorVal):
        return UNKNOWN
    mesh = x.mesh
    if (
        not isinstance(src, TensorShardingVal)
        or not isinstance(dst, TensorShardingVal)
        or mesh is None
        or mesh.dims is None
    ):
        return DTensorVal(mesh, None)
    src_of: dict[str, AxisType] = {}
    dst_of: dict[str, AxisType] = {}
    for tensor_dim, (s, d) in enumerate(zip_longest(src.dims, dst.dims, fillvalue=())):
        if s != d and (len(s) > 1 or len(d) > 1):
            return UNKNOWN  # NotImplementedError: multi-axis sharding that changes
        for name in s:
            src_of[name] = AxisType(Kind.V, tensor_dim)
        for name in d:
            dst_of[name] = AxisType(Kind.V, tensor_dim)
    if x.placements is None:
        return DTensorVal(mesh, None)
    new = list(x.placements)
    for index, name in enumerate(mesh.dims):
        before, after = src_of.get(name), dst_of.get(name)
        if before != after:
            new[index] = (
                PlacementVal(Placement.SHARD, after.shard_dim)
                if after is not None
                else dtensors.REPLICATE
            )
    return DTensorVal(mesh, tuple(new))


def attribute(owner: DTensorVal, name: str) -> Value:
    """An attribute of a DTensor: its placements and mesh, metadata, else a method."""
    if name == "placements":
        if owner.placements is None or None in owner.placements:
            return UNKNOWN
        return TupleVal(tuple(p for p in owner.placements if p is not None))
    if name == "device_mesh":
        return owner.mesh if owner.mesh is not None else UNKNOWN
    if name == "shape":
        return ShapeVal(None)
    if name in _METADATA:
        return ScalarVal(None)
    if name in ("T", "mT"):
        return DTensorVal(owner.mesh, None)
    if name in ("grad", "data"):
        return UNKNOWN
    return BoundMethodVal(owner, name)


def method(ctx: CallContext, receiver: DTensorVal) -> Value:
    """A method of a DTensor: ``to_local``, ``full_tensor``, ``redistribute``, metadata;
    any other is an op the runtime does not check (a DTensor of placements DTensor
    decides)."""
    name = ctx.name.rsplit(".", 1)[-1]
    if name == "to_local":
        return _local(ctx, receiver, receiver.placements, fresh=ctx.evaluator.state.grad)
    if name == "full_tensor":
        count = len(receiver.mesh.dims) if receiver.mesh and receiver.mesh.dims else None
        replicated = (dtensors.REPLICATE,) * count if count is not None else None
        return _local(ctx, receiver, replicated, fresh=True)
    if name == "redistribute":
        mesh_value = ctx.arg(0, "device_mesh", default=ConstVal(None))
        mesh = mesh_value if isinstance(mesh_value, MeshVal) else None
        if mesh is None and isinstance(mesh_value, ConstVal) and mesh_value.value is None:
            mesh = receiver.mesh
        given = ctx.arg(1, "placements", default=UNKNOWN)
        return DTensorVal(
            mesh, dtensors.placements_of(given, None) if given is not UNKNOWN else None
        )
    if name in ("size", "stride") and not ctx.args and not ctx.kwargs:
        return ShapeVal(None)
    if name in ("size", "dim", "numel", "ndimension", "nelement", "stride"):
        return ScalarVal(None)
    values = [receiver, *ctx.args, *ctx.kwargs.values()]
    return dtensors.unchecked(f"Tensor.{name}", receiver, values)


def _local(
    ctx: CallContext,
    receiver: DTensorVal,
    placements: dtensors.Placements | None,
    fresh: bool,
) -> Value:
    """The local tensor ``to_local``/``full_tensor`` returns: under ``typecheck()`` a fresh
    view asserted with the placements' types; unchecked, a view typed on no axis. Without
    grad, ``to_local`` returns the DTensor's own local tensor (``fresh`` False): whatever
    code annotated it, so its type is not known."""
    ev, frame = ctx.evaluator, ctx.frame
    span = frame.unit.span(ctx.node)
    origin = Origin(span, f"{ctx.name.rsplit('.', 1)[-1]}()")
    if not fresh:
        return TensorVal(UNKNOWN_TYPE, None, origin)
    # a fresh view has no PartitionSpec (a Shard placement gives V without an entry, which
    # global mode's next op rejects)
    if not ev.state.checking:
        return TensorVal(TensorType({}, EXACT), None, origin, None, NO_SPEC)
    mesh = receiver.mesh
    count = len(mesh.dims) if mesh is not None and mesh.dims is not None else 0
    grads = dtensors.grads_of(ctx.kwargs.get("grad_placements", ConstVal(None)), count)
    types = dtensors.local_types(mesh, placements, grads)
    return TensorVal(dtensors.local_tensor_type(types), None, origin, None, NO_SPEC)


def call_with_dtensor(ctx: CallContext, dtensor: DTensorVal) -> Value | None:
    """A call with a DTensor argument, unless its handler knows DTensors (None: handle it
    as usual). ``assert_type`` rejects DTensors (with or without ``typecheck()``); torch
    functions run unchecked and return a DTensor; spmd_types functions run unchecked too,
    with a result the checker does not know."""
    name = ctx.name
    if name in HANDLERS or name == "reveal_type":
        return None
    if name in _ASSERTS:
        if ctx.args and isinstance(ctx.args[0], DTensorVal):
            frame = ctx.frame
            ctx.evaluator.sink.report(
                frame.unit.span(ctx.arg_node(0) or ctx.node),
                codes.DTENSOR_ASSERT,
                codes.DTENSOR_ASSERT.message(),
                Severity.ERROR,
                call_site_of(frame),
            )
            frame.stop()
            return UNKNOWN
        return None
    data = ctx.arg(0, "data")
    if name == "Parameter" and isinstance(data, DTensorVal):
        return data  # nn.Parameter of a DTensor is a DTensor, of the same placements
    if name.startswith(("torch.", "Tensor.")):
        return dtensors.unchecked(name, dtensor, [*ctx.args, *ctx.kwargs.values()])
    if name.startswith("spmd."):
        return UNKNOWN
    return None


HANDLERS: Mapping[str, Handler] = {
    **{f"{cls}.from_local": from_local for cls in _DTENSOR_CLASSES},
    **{f"{module}.{kind.value}": placement for module in _MODULES for kind in Placement},
    **{f"{module}.distribute_tensor": distribute_tensor for module in _MODULES[:2]},
    "spmd.TensorSharding": tensor_sharding,
    "spmd.spmd_redistribute": spmd_redistribute,
    "spmd._dtensor.spmd_redistribute": spmd_redistribute,
}
