"""The rules a collective enforces on its own arguments and shapes, before any type rule
(docs/runtime-semantics.md, section 8): an S(i) resolved against the operand's rank, the
dims given apart from ``src``/``dst`` (``gather_dim``, ``scatter_dim``, ``split_dim``,
``concat_dim``) and ``split_sizes`` agreeing with them, and the sizes the exchange needs.
They hold whether or not the mode checks types (the function raises them itself).

Each is judged on literals only: a dim or size the checker does not know is no verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import codes
from .codes import Code
from .lattice import AxisType, Kind
from .shapes import Shape, normalize_dim
from .values import ConstVal, ScalarVal, Value

# the parameters each function resolves against the operand's rank (``_canonicalize_shard``)
_CANONICAL: dict[str, tuple[str, ...]] = {
    "all_gather": ("src",),
    "reduce_scatter": ("dst",),
    "all_to_all": ("src", "dst"),
    "redistribute": ("src", "dst"),
}


@dataclass(frozen=True)
class Refusal:
    """Where the collective raises: the code of its exception class and its message."""

    code: Code
    message: str


def _given(kwargs: Mapping[str, Value], name: str) -> int | str | None:
    """A dim or size keyword: its literal int, None when not given, ``"?"`` otherwise."""
    value = kwargs.get(name)
    if value is None or (isinstance(value, ConstVal) and value.value is None):
        return None
    if isinstance(value, ScalarVal) and isinstance(value.value, int):
        return value.value
    return "?"


def out_of_bounds(function: str, src: AxisType, dst: AxisType, ndim: int | None) -> Refusal | None:
    """An S(i) beyond the operand's rank, for the parameters the function resolves."""
    if ndim is None:
        return None
    for which in _CANONICAL.get(function, ()):
        dim = (src if which == "src" else dst).shard_dim
        if dim is not None and normalize_dim(dim, ndim) is None:
            return Refusal(
                codes.SHARD_DIM_RANGE, f"S({dim}) is out of bounds for tensor with ndim={ndim}"
            )
    return None


def arguments(
    function: str, src: AxisType, dst: AxisType, kwargs: Mapping[str, Value], ndim: int | None
) -> Refusal | None:
    """The ValueErrors of the dims and split sizes given apart from ``src``/``dst``."""

    def invalid(message: str) -> Refusal:
        return Refusal(codes.INVALID_TRANSITION, message)

    def resolved(t: AxisType) -> int | None:
        if t.shard_dim is None or ndim is None:
            return t.shard_dim if t.shard_dim is not None and t.shard_dim >= 0 else None
        return normalize_dim(t.shard_dim, ndim)

    if function == "all_gather":
        if "split_sizes" in kwargs and src.shard_dim is None and src.kind is Kind.V:
            return invalid(f"all_gather split_sizes is only supported with src=S(i), got src={src}")
        gather, dim = _given(kwargs, "gather_dim"), resolved(src)
        if isinstance(gather, int) and dim is not None and gather != dim:
            return invalid(
                f"all_gather got gather_dim={gather} but src=S({dim}); these conflict. Either "
                f"use src=S({gather}) or remove gather_dim."
            )
    if function == "reduce_scatter":
        if "split_sizes" in kwargs and dst.shard_dim is None and dst.kind is Kind.V:
            return invalid(
                f"reduce_scatter split_sizes is only supported with dst=S(i), got dst={dst}"
            )
        scatter, dim = _given(kwargs, "scatter_dim"), resolved(dst)
        if isinstance(scatter, int) and dim is not None and scatter != dim:
            return invalid(
                f"reduce_scatter got scatter_dim={scatter} but dst=S({dim}); these conflict. "
                f"Either use dst=S({scatter}) or remove scatter_dim."
            )
    return None


def exchange(
    function: str,
    src: AxisType,
    dst: AxisType,
    kwargs: Mapping[str, Value],
    shape: Shape | None,
    size: int | None,
) -> Refusal | None:
    """What the exchange itself rejects for the sizes it gets: an ``all_to_all`` split dim
    the axis size does not divide, an unbinding ``reduce_scatter`` whose dim 0 is not the
    axis size (the process group's error)."""
    if shape is None or size is None:
        return None
    if function == "all_to_all" and (src.shard_dim is not None or dst.shard_dim is not None):
        if any(k in kwargs for k in ("split_dim", "concat_dim", "output_split_sizes")):
            return None
        dim = dst.shard_dim if dst.shard_dim is not None else src.shard_dim
        if src.shard_dim is not None and dst.shard_dim is None:
            dim = src.shard_dim
        assert dim is not None
        split = normalize_dim(dim, len(shape))
        if split is not None and shape[split] % size:
            return Refusal(
                codes.INVALID_TRANSITION,
                f"all_to_all: tensor dimension {split} (size {shape[split]}) is not evenly "
                f"divisible by world_size ({size})",
            )
    if function == "reduce_scatter" and dst.shard_dim is None and dst.kind is Kind.V:
        scatter = _given(kwargs, "scatter_dim")
        if scatter not in (None, 0) or not shape:
            return None
        if shape[0] != size:
            return Refusal(
                codes.SHAPE,
                "input tensor must be the same size as output size times world size",
            )
    return None


def before_types(
    function: str,
    pairs: list[tuple[AxisType, AxisType]] | None,
    params_src: frozenset[AxisType] | None,
    params_dst: frozenset[AxisType] | None,
    kwargs: Mapping[str, Value],
    ndim: int | None,
    shape: Shape | None,
    size: int | None,
) -> Refusal | None:
    """Everything of this module a call of ``function`` raises, in the runtime's order:
    the ranks (before the function's own argument checks, so ``pairs`` may be None), then
    the dims and the exchange (for the one (src, dst) pair the call has)."""
    if (
        params_src is not None
        and params_dst is not None
        and len(params_src) == len(params_dst) == 1
    ):
        (src,), (dst,) = params_src, params_dst
        found = out_of_bounds(function, src, dst, ndim)
        if found is not None or pairs is None or len(pairs) != 1:
            return found
        return arguments(function, src, dst, kwargs, ndim) or exchange(
            function, src, dst, kwargs, shape, size
        )
    return None
