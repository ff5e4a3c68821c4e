"""Literal shapes: what the checker knows of a tensor's local shape when every size in it is
a literal (``torch.randn(8, 16)``), through the ops whose result shape follows from their
arguments alone. Used where the runtime's verdict depends on sizes: global SPMD mode's shard
propagation (global shape = local shape with each sharded dim times its axes' sizes; view
groups) and the shape rules of the collectives (docs/runtime-semantics.md, section 8).

Pure functions over ``Shape``; None wherever a size is not known.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

Shape = tuple[int, ...]


def normalize_dim(dim: int, ndim: int) -> int | None:
    """A dim index counted from the front (negative ones from the end); None out of range."""
    if -ndim <= dim < ndim:
        return dim + ndim if dim < 0 else dim
    return None


def broadcast(shapes: Sequence[Shape]) -> Shape | None:
    """The broadcast shape (aligned from the right), None when the shapes do not broadcast."""
    ndim = max((len(s) for s in shapes), default=0)
    out: list[int] = []
    for i in range(ndim):
        size = 1
        for s in shapes:
            k = i - (ndim - len(s))
            if k < 0 or s[k] == 1:
                continue
            if size not in (1, s[k]):
                return None
            size = s[k]
        out.append(size)
    return tuple(out)


def reduced(shape: Shape, dims: Sequence[int] | None, keepdim: bool) -> Shape | None:
    """A reduction's result over ``dims`` (None: every dim)."""
    picked = set(range(len(shape))) if dims is None else set()
    for dim in dims or ():
        d = normalize_dim(dim, len(shape))
        if d is None:
            return None
        picked.add(d)
    if keepdim:
        return tuple(1 if i in picked else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in picked)


def view_target(shape: Shape, sizes: Sequence[int]) -> Shape | None:
    """``view(*sizes)``'s shape (one ``-1`` inferred), None when it does not fit."""
    total = math.prod(shape)
    if sizes.count(-1) > 1 or any(s < -1 for s in sizes):
        return None
    known = math.prod(s for s in sizes if s != -1)
    if -1 in sizes:
        if known == 0 or total % known:
            return None
        return tuple(total // known if s == -1 else s for s in sizes)
    return tuple(sizes) if known == total else None


class Group(Enum):
    """What an output dim of a view is, in DTensor's ``view_groups``."""

    FORWARD = "forward"  # one input dim, same size
    FLATTEN = "flatten"  # several input dims flattened into it
    SPLIT = "split"  # one of several output dims an input group is split into
    SINGLETON = "singleton"  # a new dim of size 1


@dataclass(frozen=True)
class OutputDim:
    group: Group
    inputs: tuple[int, ...]  # the input dims of its group


def view_groups(src: Shape, dst: Shape) -> list[OutputDim]:
    """``torch.distributed.tensor._ops._view_ops.view_groups`` on literal shapes: per output
    dim, where it comes from. An input dim no output dim names (a size-1 dim dropped) is in
    no group."""
    out: list[OutputDim] = []
    i = j = 0
    while i < len(src) or j < len(dst):
        from_dims: list[int] = []
        to_sizes: list[int] = []
        if i >= len(src):
            f = 1
        else:
            f = src[i]
            from_dims.append(i)
            i += 1
        if j >= len(dst):
            t = 1
        else:
            t = dst[j]
            to_sizes.append(t)
            j += 1
        if f == 1 and t != 1:
            j -= 1
            to_sizes = []
        elif f != 1 and t == 1:
            i -= 1
            from_dims = []
        else:
            while f != t:
                if i < len(src) and (j >= len(dst) or t % f == 0 or t > f):
                    f *= src[i]
                    from_dims.append(i)
                    i += 1
                elif j < len(dst) and (i >= len(src) or f % t == 0 or f > t):
                    t *= dst[j]
                    to_sizes.append(dst[j])
                    j += 1
                else:
                    break
        if not to_sizes:
            continue
        if len(to_sizes) > 1:
            group = Group.SPLIT
        elif not from_dims:
            group = Group.SINGLETON
        elif len(from_dims) == 1:
            group = Group.FORWARD
        else:
            group = Group.FLATTEN
        out.extend(OutputDim(group, tuple(from_dims)) for _ in to_sizes)
    return out


def collective(
    function: str,
    src: int | None,
    dst: int | None,
    stacked: bool,
    unbound: bool,
    shape: Shape | None,
    size: int | None,
) -> tuple[int | None, Shape | None] | None:
    """A collective's result rank and shape from its operand's (``src``/``dst``: the dims of
    an S(i) given for them; ``stacked``: the stacking all_gather adds a dim of the axis size
    in front; ``unbound``: the unbinding reduce_scatter takes dim 0 away). None: the rank is
    not known."""
    if shape is None:
        return None
    dims = list(shape)
    if function in ("all_reduce", "reinterpret", "invariant_to_replicate"):
        return len(dims), shape
    if stacked:
        return len(dims) + 1, (size, *shape) if size is not None else None
    if unbound:
        return len(dims) - 1, shape[1:] if size is not None and shape and shape[0] == size else None
    if function not in ("all_gather", "reduce_scatter", "all_to_all", "unshard", "shard"):
        return None
    out: list[int] | None = dims
    for dim, grow in ((src, True), (dst, False)):
        if dim is None or out is None:
            continue
        if size is None or not 0 <= dim < len(dims):
            out = None
        elif grow:
            out[dim] *= size
        elif out[dim] % size == 0:
            out[dim] //= size
        else:
            out = None
    return len(dims), tuple(out) if out is not None else None
