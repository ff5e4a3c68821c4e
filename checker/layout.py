"""What the runtime records of a tensor besides its local types: its PartitionSpec.

A PartitionSpec (``Spec``) says, per tensor dim, which mesh axes shard it, outermost first:
``(("dp", "tp"), ())`` is dim 0 sharded on dp, then on tp within each dp shard. The
runtime stores one with every ``assert_type`` that names S(i) or a PartitionSpec, in both
SPMD modes; global SPMD mode reads it on every op and writes it on every result, the
``rules`` operations in both modes (docs/runtime-semantics.md, sections 2 and 6). Here it
is normalised: trailing unsharded dims are dropped, so ``()`` is "no PartitionSpec".

The checker keeps a tensor's spec (``TensorVal.spec``) when it knows all of it. A spec
must agree with the S(i) of the tensor's type (``effective``): code that changes a type
without knowing the spec leaves it behind, and then only the S(i) are known. What a
known spec adds to the S(i): the order of the axes of one dim, entries whose axis is no
longer Varying (``mutate_type`` leaves them), and that a V axis has *no* entry.

Pure functions; no inference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .lattice import AxisType, Kind, S
from .tensortype import TensorType, Term

Spec = tuple[tuple[str, ...], ...]
NO_SPEC: Spec = ()


def normalized(entries: Iterable[Iterable[str]]) -> Spec:
    """A spec from its per-dim entries, without its trailing unsharded dims."""
    dims = [tuple(entry) for entry in entries]
    while dims and not dims[-1]:
        dims.pop()
    return tuple(dims)


def axis_dims(spec: Spec) -> dict[str, int]:
    """Each sharding axis and the dim it shards."""
    return {axis: dim for dim, entry in enumerate(spec) for axis in entry}


def dim_of(spec: Spec, axis: str) -> int | None:
    return axis_dims(spec).get(axis)


def entry(spec: Spec, dim: int) -> tuple[str, ...]:
    return spec[dim] if 0 <= dim < len(spec) else ()


def outer_axes(spec: Spec, axis: str) -> tuple[str, ...]:
    """The axes after which ``axis`` comes in its entry: a collective on it is only allowed
    when none comes after it (the innermost), so this is the entry when that fails."""
    for item in spec:
        if axis in item:
            return item if item[-1] != axis else ()
    return ()


def update_axis(spec: Spec, axis: str, insert: int | None) -> Spec:
    """``_update_axis_in_partition_spec``: the axis removed, then (a collective's dst S(j))
    appended innermost to entry ``insert``."""
    dims = [tuple(a for a in item if a != axis) for item in spec]
    if insert is not None:
        while len(dims) <= insert:
            dims.append(())
        dims[insert] = (*dims[insert], axis)
    return normalized(dims)


def shifted(spec: Spec, by: int) -> Spec:
    """The spec after a dim is added in front (``by`` 1: the stacking all_gather) or dim 0 is
    taken away (``by`` -1: the unbinding reduce_scatter, whose dim 0 is unsharded)."""
    if by > 0:
        return normalized(((),) * by + spec) if spec else spec
    return normalized(spec[-by:])


def of_items(items: Mapping[str, Term]) -> Spec | None:
    """The spec the S(i) of a type stand for, when no dim has several (their order is only
    in a spec)."""
    by_dim: dict[int, list[str]] = {}
    for axis, term in items.items():
        if isinstance(term, AxisType) and term.shard_dim is not None:
            by_dim.setdefault(term.shard_dim, []).append(axis)
    if any(len(found) > 1 for found in by_dim.values()):
        return None
    if not by_dim:
        return NO_SPEC
    dims: list[tuple[str, ...]] = [()] * (max(by_dim) + 1)
    for dim, found in by_dim.items():
        dims[dim] = tuple(found)
    return normalized(dims)


def effective(t: TensorType, spec: Spec | None) -> Spec | None:
    """A tensor's known spec when it agrees with its type: every S(i) of the type in entry
    i, every plain V in none; an entry may also hold an axis that is no longer Varying (a
    stale one) or one the type does not list."""
    if spec is None:
        return None
    dims = axis_dims(spec)
    for axis, term in t.items.items():
        if not isinstance(term, AxisType):
            if axis in dims:
                return None  # an entry on an axis whose type is not known
            continue
        if term.kind is Kind.V and dims.get(axis) != term.shard_dim:
            return None
    return spec


def with_shards(t: TensorType, spec: Spec) -> TensorType:
    """A type with its V axes written as the S(i) the spec gives them (a plain V for those
    it does not list)."""
    dims = axis_dims(spec)
    items: dict[str, Term] = {}
    for axis, term in t.items.items():
        if isinstance(term, AxisType) and term.kind is Kind.V:
            dim = dims.get(axis)
            items[axis] = S(dim) if dim is not None else term.local
        else:
            items[axis] = term
    return TensorType(items, t.rest)


def show(spec: Spec) -> str:
    """As the runtime prints a PartitionSpec: ``PartitionSpec((dp, tp), None)``."""
    parts = []
    for item in spec:
        if not item:
            parts.append("None")
        elif len(item) == 1:
            parts.append(item[0])
        else:
            parts.append("(" + ", ".join(item) + ")")
    return "PartitionSpec(" + ", ".join(parts) + ")"


def refined(old: Spec, new: Spec) -> Spec | None:
    """A re-asserted spec (``assert_type`` on a typed tensor): entries may only be added at
    unsharded dims, for axes that shard no other dim; None where the runtime rejects it."""
    dims = list(old) + [()] * max(0, len(new) - len(old))
    sharding = axis_dims(old)
    for dim, item in enumerate(new):
        if not item:
            continue
        if dims[dim]:
            if dims[dim] != item:
                return None
            continue
        if any(axis in sharding for axis in item):
            return None
        dims[dim] = item
    return normalized(dims)
