"""DTensor interop as the runtime types it (``_dtensor.py``, ``_dtensor_checker.py``): what a
local tensor's SPMD type is for a DTensor's placements, and what the checker knows of the
placements of a DTensor an op returns.

Pure functions over values, no interpreter: ``dtensor_api`` (the handlers) and ``ops`` (ops
with a DTensor operand run unchecked) use them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .lattice import AxisType, I, P, R, V
from .tensortype import EXACT, UNKNOWN_TYPE, TensorType, Term, Unknown
from .values import (
    ConstVal,
    DTensorVal,
    MeshVal,
    Placement,
    PlacementVal,
    RefVal,
    ScalarVal,
    TensorVal,
    TupleVal,
    Value,
)

REPLICATE = PlacementVal(Placement.REPLICATE)
PARTIAL = PlacementVal(Placement.PARTIAL)
Placements = tuple[PlacementVal | None, ...]

# Element-wise ops of one tensor that are not linear: DTensor keeps a Replicate or Shard
# placement and redistributes a Partial one, to Replicate or to a Shard as its cost model
# picks (so a Partial dim is not known after them). Checked against torch 2.13.0 by
# tests/cases/dtensor/unary_ops_keep_placements.py.
ELEMENTWISE = frozenset(
    name
    for op in ("relu", "exp", "log", "sqrt", "rsqrt", "tanh", "sigmoid", "abs", "clone")
    for name in (f"torch.{op}", f"Tensor.{op}")
) | frozenset(
    f"torch.nn.functional.{op}"
    for op in ("relu", "gelu", "silu", "sigmoid", "tanh", "softplus", "elu", "leaky_relu")
)
# Ops of one DTensor (and numbers) after which DTensor keeps every placement, Partial too.
PRESERVING = frozenset(
    {
        "Tensor.detach",
        "torch.detach",
        "Tensor.contiguous",
        "Tensor.float",
        "Tensor.to",
        "Tensor.neg",
        "torch.neg",
        "Tensor.__neg__",
        "Tensor.__mul__",
        "Tensor.__truediv__",
    }
)


def among(values: Iterable[Value]) -> DTensorVal | None:
    """The first DTensor among call arguments (in lists and tuples too)."""
    for value in values:
        if isinstance(value, DTensorVal):
            return value
        if isinstance(value, TupleVal):
            found = among(value.items)
            if found is not None:
                return found
    return None


def placements_of(value: Value, mesh: MeshVal | None) -> Placements | None:
    """A placements argument: a literal list (an element the checker cannot read is None);
    ``None`` (the argument's default) is Replicate on every dim of the mesh. None: not
    known."""
    if isinstance(value, ConstVal) and value.value is None:
        if mesh is None or mesh.dims is None:
            return None
        return (REPLICATE,) * len(mesh.dims)
    if isinstance(value, TupleVal):
        return tuple(p if isinstance(p, PlacementVal) else None for p in value.items)
    return None


def axis_types(
    placement: PlacementVal | None, grad: PlacementVal | None, default: bool
) -> frozenset[AxisType]:
    """The local type on a dim's axis (``dtensor_placement_to_spmd_type``, S(i) stored as V):
    Replicate is I, or R when its grad placement is Partial; Shard is V; Partial is P. An
    unknown placement (None) may be any of them. ``default``: no grad placements were given
    (each is the placement, Partial as Replicate: never Partial); else ``grad`` None is one
    the checker cannot read."""
    grad_may_be_partial = not default and (grad is None or grad.kind is Placement.PARTIAL)
    grad_may_be_other = default or grad is None or grad.kind is not Placement.PARTIAL
    if placement is None:
        return frozenset({I, V, P} | ({R} if grad_may_be_partial else set()))
    if placement.kind is Placement.SHARD:
        return frozenset({V})
    if placement.kind is Placement.PARTIAL:
        return frozenset({P})
    return frozenset(
        ({R} if grad_may_be_partial else set()) | ({I} if grad_may_be_other else set())
    )


def local_types(
    mesh: MeshVal | None, placements: Placements | None, grads: Placements | None
) -> dict[str, frozenset[AxisType]] | None:
    """Per mesh axis, the types the local tensor of these placements may have (``grads``
    None: the default grad placements; a dim of size 1 is no axis: the runtime drops it).
    None when the mesh's dims are not known, or the placements do not match them (torch
    itself rejects that)."""
    if mesh is None or mesh.dims is None or mesh.axes is None:
        return None
    count = len(mesh.dims)
    if placements is None:
        placements = (None,) * count
    if len(placements) != count or (grads is not None and len(grads) != count):
        return None
    return {
        dim: axis_types(placement, grads[i] if grads is not None else None, grads is None)
        for i, (dim, placement) in enumerate(zip(mesh.dims, placements, strict=True))
        if dim in mesh.axes
    }


def local_tensor_type(types: dict[str, frozenset[AxisType]] | None) -> TensorType:
    """The type of a fresh local tensor typed from placements (``to_local``): exactly the
    mesh's axes."""
    if types is None:
        return UNKNOWN_TYPE
    items: dict[str, Term] = {}
    for axis, options in types.items():
        items[axis] = next(iter(options)) if len(options) == 1 else Unknown(frozenset(options))
    return TensorType(items, EXACT)


def grads_of(value: Value, count: int) -> Placements | None:
    """A ``grad_placements`` argument (None: not given, or not readable)."""
    if isinstance(value, TupleVal) and len(value.items) == count:
        return tuple(p if isinstance(p, PlacementVal) else None for p in value.items)
    if isinstance(value, ConstVal) and value.value is None:
        return None
    return (None,) * count  # given, but not readable: any grad placement


def unchecked(op: str, dtensor: DTensorVal, operands: Sequence[Value]) -> DTensorVal:
    """The DTensor an op with a DTensor operand returns (the runtime does not check it):
    its placements are DTensor's business, known only after an op of that one DTensor that
    keeps them (all of them, or all but a Partial one)."""
    rest = operands[1:]
    alone = bool(operands) and operands[0] is dtensor and among(rest) is None
    if not alone or dtensor.placements is None:
        return DTensorVal(dtensor.mesh, None)
    if op in PRESERVING and all(isinstance(v, ScalarVal | ConstVal | RefVal) for v in rest):
        return dtensor
    if op in ELEMENTWISE and not any(isinstance(v, TensorVal) for v in rest):
        return DTensorVal(
            dtensor.mesh,
            tuple(
                None if p is None or p.kind is Placement.PARTIAL else p for p in dtensor.placements
            ),
        )
    return DTensorVal(dtensor.mesh, None)
