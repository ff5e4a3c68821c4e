"""Shard propagation of ops in global SPMD mode (``_typecheck_shard_propagation``;
docs/runtime-semantics.md, section 2.4), for a small table of DTensor strategies fixed by
dims (and, for broadcasting and views, by literal shapes).

Per global axis that shards an operand, the runtime sends each operand to DTensor as
``Shard(d)`` (the axis is in entry ``d`` of its PartitionSpec), ``Replicate`` (R or I) or
``Partial`` (P), and runs the op on a 1-D mesh of that axis's size with every
redistribution forbidden. The output is ``Shard(d)`` (the result's PartitionSpec gets the
axis at ``d``), ``Partial`` (the axis is promoted from V to P), or the op is rejected.
Each family of ops below says what DTensor does for it; an op outside the table, an
argument that is not a literal, or a shape that is not known gives None (Unknown), never a
guessed rejection. Pure functions: ``global_mode`` applies them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from . import axes, codes, layout, shapes
from .codes import Code
from .lattice import AxisType, Kind
from .shapes import Group, Shape
from .values import ConstVal, ScalarVal, TensorVal, TupleVal, Value

OpArg = tuple[Value, ast.AST | None]


@dataclass(frozen=True)
class Shard:
    dim: int


PARTIAL = "partial"
REPLICATE = "replicate"
Placement = Shard | str  # Shard(d), PARTIAL or REPLICATE


@dataclass(frozen=True)
class Rejection:
    """The runtime rejects the op on this axis: the code it stands for and its message."""

    code: Code
    message: str


Outcome = Placement | Rejection | None  # None: not known to the checker


@dataclass(frozen=True)
class Operand:
    """A tensor argument as propagation sees it: its type, its known PartitionSpec and
    literal shape."""

    value: TensorVal
    spec: layout.Spec | None
    shape: Shape | None

    @property
    def ndim(self) -> int | None:
        return len(self.shape) if self.shape is not None else self.value.ndim

    def placement(self, axis: str) -> Placement | None:
        """How DTensor sees it on the axis (None: the checker does not know)."""
        if self.spec is None:
            return None
        dim = layout.dim_of(self.spec, axis)
        if dim is not None:
            return Shard(dim)
        term = self.value.type.items.get(axis)
        if not isinstance(term, AxisType) or term.kind is Kind.V:
            return None
        return PARTIAL if term.kind is Kind.P else REPLICATE


@dataclass(frozen=True)
class Call:
    """One op call: its name (``torch.sum``), arguments, and the sizes of the mesh axes."""

    name: str
    args: Sequence[OpArg]
    kwargs: Mapping[str, OpArg]
    operands: Sequence[Operand]  # its tensor arguments, in order
    sizes: Mapping[str, int]

    @property
    def short(self) -> str:
        """``func.__name__`` as the runtime's messages print it (an operator is the op it
        dispatches to: ``x @ w`` is ``matmul``)."""
        short = self.name.rsplit(".", 1)[-1]
        return _DISPATCHED.get(short, short)

    def arg(self, index: int, keyword: str) -> Value | None:
        if index < len(self.args):
            return self.args[index][0]
        found = self.kwargs.get(keyword)
        return found[0] if found is not None else None

    def no_strategy(self, axis: str) -> Rejection:
        return Rejection(
            codes.GLOBAL_NO_STRATEGY,
            f"No valid sharding strategy for {self.short} on axis {axes.label(axis)}",
        )


_DISPATCHED = {
    "__add__": "add",
    "__sub__": "sub",
    "__mul__": "mul",
    "__truediv__": "div",
    "__matmul__": "matmul",
}


def _int(value: Value | None) -> int | None:
    if isinstance(value, ScalarVal) and isinstance(value.value, int):
        return value.value
    return None


def _ints(value: Value | None) -> list[int] | None:
    """An int, or a tuple of them, as a list."""
    single = _int(value)
    if single is not None:
        return [single]
    if isinstance(value, TupleVal):
        items = [_int(v) for v in value.items]
        if all(i is not None for i in items):
            return [i for i in items if i is not None]
    return None


def _flag(value: Value | None, default: bool) -> bool | None:
    if value is None:
        return default
    if isinstance(value, ConstVal) and isinstance(value.value, bool):
        return value.value
    return None


# ---------------------------------------------------------------------- families
POINTWISE = frozenset(
    [
        "Tensor.__add__",
        "Tensor.__radd__",
        "Tensor.__iadd__",
        "Tensor.add",
        "Tensor.add_",
        "torch.add",
        "Tensor.__sub__",
        "Tensor.__rsub__",
        "Tensor.__isub__",
        "Tensor.sub",
        "Tensor.sub_",
        "torch.sub",
        "Tensor.__mul__",
        "Tensor.__rmul__",
        "Tensor.__imul__",
        "Tensor.mul",
        "Tensor.mul_",
        "torch.mul",
        "Tensor.__truediv__",
        "Tensor.__rtruediv__",
        "Tensor.__itruediv__",
        "Tensor.div",
        "Tensor.div_",
        "torch.div",
        "Tensor.__neg__",
        "Tensor.neg",
        "torch.neg",
        "Tensor.__pow__",
        "Tensor.pow",
        "torch.pow",
        "torch.relu",
        "Tensor.relu",
        "torch.nn.functional.relu",
        "torch.nn.functional.gelu",
        "torch.nn.functional.silu",
        "torch.sigmoid",
        "Tensor.sigmoid",
        "torch.tanh",
        "Tensor.tanh",
        "torch.exp",
        "Tensor.exp",
        "torch.log",
        "Tensor.log",
        "torch.sqrt",
        "Tensor.sqrt",
        "torch.rsqrt",
        "Tensor.rsqrt",
        "torch.abs",
        "Tensor.abs",
        "Tensor.__abs__",
        "Tensor.contiguous",
        "Tensor.clone",
        "torch.clone",
        "Tensor.detach",
        "torch.detach",
        "Tensor.float",
        "Tensor.half",
        "Tensor.bfloat16",
        "Tensor.double",
    ]
)
# reductions over ``dim`` (every dim when None), and what DTensor makes of a sharded one
_REDUCTIONS: dict[str, str] = {
    **dict.fromkeys(("torch.sum", "Tensor.sum"), "sum"),
    **dict.fromkeys(("torch.mean", "Tensor.mean"), "avg"),
    **dict.fromkeys(("torch.amax", "Tensor.amax"), "max"),
    **dict.fromkeys(("torch.amin", "Tensor.amin"), "min"),
}
_SOFTMAX = frozenset(
    [
        "torch.softmax",
        "Tensor.softmax",
        "torch.nn.functional.softmax",
        "torch.log_softmax",
        "Tensor.log_softmax",
        "torch.nn.functional.log_softmax",
    ]
)
_TRANSPOSES = frozenset(["Tensor.t", "torch.t", "Tensor.T", "Tensor.transpose", "torch.transpose"])
_PERMUTES = frozenset(("Tensor.permute", "torch.permute"))
_UNSQUEEZES = frozenset(("Tensor.unsqueeze", "torch.unsqueeze"))
_VIEWS = frozenset(("Tensor.view", "Tensor.reshape", "torch.reshape"))
_FLATTENS = frozenset(("Tensor.flatten", "torch.flatten"))
_CATS = frozenset(("torch.cat", "torch.concat", "torch.concatenate"))
_STACKS = frozenset(("torch.stack",))
_MATMULS = frozenset(
    ["torch.matmul", "Tensor.matmul", "Tensor.__matmul__", "torch.mm", "Tensor.mm"]
)
_INDEX = "Tensor.__getitem__"
# each op of the table, and the family whose rules it follows
_FAMILIES: dict[str, str] = {
    name: family
    for family, members in (
        ("pointwise", POINTWISE),
        ("reduce", frozenset(_REDUCTIONS)),
        ("softmax", _SOFTMAX),
        ("transpose", _TRANSPOSES),
        ("permute", _PERMUTES),
        ("unsqueeze", _UNSQUEEZES),
        ("view", _VIEWS),
        ("flatten", _FLATTENS),
        ("cat", _CATS),
        ("stack", _STACKS),
        ("matmul", _MATMULS),
        ("index", frozenset((_INDEX,))),
    )
    for name in members
}


def covers(name: str) -> bool:
    """Whether the table has the op (else its sharded axes are Unknown)."""
    return name in _FAMILIES


# ---------------------------------------------------------------------- shapes
def result_shape(call: Call) -> Shape | None:
    """The result's local shape, when the op is in the table and its inputs' shapes and
    size arguments are literals."""
    rule = _SHAPES.get(_family(call.name))
    if rule is None:
        return None
    return rule(call)


def _family(name: str) -> str:
    return _FAMILIES.get(name, "")


def _first_shape(call: Call) -> Shape | None:
    return call.operands[0].shape if call.operands else None


def _pointwise_shape(call: Call) -> Shape | None:
    found = [o.shape for o in call.operands]
    if not found or any(s is None for s in found):
        return None
    return shapes.broadcast([s for s in found if s is not None])


def _reduce_dims(call: Call, ndim: int) -> tuple[list[int] | None, bool] | None:
    """The dims a reduction reduces (None: every dim) and keepdim; None when not literal."""
    keep = _flag(call.arg(2, "keepdim"), False)
    if keep is None:
        return None
    dim = call.arg(1, "dim")
    if dim is None or (isinstance(dim, ConstVal) and dim.value is None):
        return None, keep
    dims = _ints(dim)
    if dims is None:
        return None
    normal = [shapes.normalize_dim(d, ndim) for d in dims]
    if any(d is None for d in normal):
        return None
    return [d for d in normal if d is not None], keep


def _reduce_shape(call: Call) -> Shape | None:
    shape = _first_shape(call)
    if shape is None:
        return None
    found = _reduce_dims(call, len(shape))
    if found is None:
        return None
    dims, keep = found
    return shapes.reduced(shape, dims, keep)


def _transpose_order(call: Call, ndim: int) -> list[int] | None:
    """Per output dim, the input dim it is."""
    if call.name in ("Tensor.t", "torch.t", "Tensor.T"):
        if ndim > 2:
            return None
        return list(range(ndim))[::-1]
    a, b = _int(call.arg(1, "dim0")), _int(call.arg(2, "dim1"))
    if a is None or b is None:
        return None
    a, b = shapes.normalize_dim(a, ndim), shapes.normalize_dim(b, ndim)
    if a is None or b is None:
        return None
    order = list(range(ndim))
    order[a], order[b] = order[b], order[a]
    return order


def _int_list(values: Sequence[Value]) -> list[int] | None:
    """Sizes or dims given as varargs (``view(8, 16)``) or as one sequence (``view((8, 16))``)."""
    if len(values) == 1:
        return _ints(values[0])
    found = [_int(v) for v in values]
    return [i for i in found if i is not None] if None not in found else None


def _permute_order(call: Call, ndim: int) -> list[int] | None:
    dims = _int_list([v for v, _ in call.args[1:]])
    if dims is None or len(dims) != ndim:
        return None
    order = [shapes.normalize_dim(d, ndim) for d in dims]
    kept = [d for d in order if d is not None]
    return kept if sorted(kept) == list(range(ndim)) else None


def _moved_shape(call: Call) -> Shape | None:
    shape = _first_shape(call)
    if shape is None:
        return None
    order = (
        _permute_order(call, len(shape))
        if call.name in _PERMUTES
        else _transpose_order(call, len(shape))
    )
    return tuple(shape[i] for i in order) if order is not None else None


def _unsqueeze_dim(call: Call, ndim: int) -> int | None:
    dim = _int(call.arg(1, "dim"))
    return shapes.normalize_dim(dim, ndim + 1) if dim is not None else None


def _unsqueeze_shape(call: Call) -> Shape | None:
    shape = _first_shape(call)
    if shape is None:
        return None
    dim = _unsqueeze_dim(call, len(shape))
    return (*shape[:dim], 1, *shape[dim:]) if dim is not None else None


def _view_target(call: Call) -> Shape | None:
    shape = _first_shape(call)
    if shape is None:
        return None
    if call.name in _FLATTENS:
        start = _int(call.arg(1, "start_dim")) if call.arg(1, "start_dim") is not None else 0
        end = _int(call.arg(2, "end_dim")) if call.arg(2, "end_dim") is not None else -1
        if start is None or end is None:
            return None
        if not shape:
            return (1,)
        s, e = shapes.normalize_dim(start, len(shape)), shapes.normalize_dim(end, len(shape))
        if s is None or e is None or s > e:
            return None
        return (*shape[:s], _product(shape[s : e + 1]), *shape[e + 1 :])
    rest = [v for v, _ in call.args[1:]]
    if "shape" in call.kwargs:
        rest = [call.kwargs["shape"][0]]
    sizes = _int_list(rest)
    return shapes.view_target(shape, sizes) if sizes is not None else None


def _product(sizes: Sequence[int]) -> int:
    out = 1
    for s in sizes:
        out *= s
    return out


def _tensor_list(call: Call) -> list[Operand] | None:
    """The tensors of ``cat``/``stack`` (every element a known tensor)."""
    first = call.arg(0, "tensors")
    if not isinstance(first, TupleVal) or not first.items:
        return None
    if len(call.operands) != len(first.items):
        return None
    return list(call.operands)


def _list_dim(call: Call) -> int | None:
    dim = call.arg(1, "dim")
    return 0 if dim is None else _int(dim)


def _cat_shape(call: Call) -> Shape | None:
    tensors = _tensor_list(call)
    dim = _list_dim(call)
    if tensors is None or dim is None or any(t.shape is None for t in tensors):
        return None
    found = [t.shape for t in tensors if t.shape is not None]
    ndim = len(found[0])
    d = shapes.normalize_dim(dim, ndim)
    if d is None or any(len(s) != ndim for s in found):
        return None
    if any(s[:d] + s[d + 1 :] != found[0][:d] + found[0][d + 1 :] for s in found):
        return None
    return (*found[0][:d], sum(s[d] for s in found), *found[0][d + 1 :])


def _stack_shape(call: Call) -> Shape | None:
    tensors = _tensor_list(call)
    dim = _list_dim(call)
    if tensors is None or dim is None or any(t.shape is None for t in tensors):
        return None
    found = [t.shape for t in tensors if t.shape is not None]
    if any(s != found[0] for s in found):
        return None
    d = shapes.normalize_dim(dim, len(found[0]) + 1)
    return (*found[0][:d], len(found), *found[0][d:]) if d is not None else None


def _matmul_shape(call: Call) -> Shape | None:
    if len(call.operands) != 2:
        return None
    a, b = (o.shape for o in call.operands)
    if a is None or b is None or len(a) < 2 or len(b) != 2 or a[-1] != b[0]:
        return None
    return (*a[:-1], b[1])


@dataclass(frozen=True)
class _Index:
    """A literal index: per indexed dim, an int (the dim goes) or a full slice (it stays);
    ``new`` dims (``None``) are output dims that come from nothing."""

    kept: tuple[tuple[int, int] | None, ...]  # per output dim: (input dim, 0) or None (new)
    picked: tuple[int, ...]  # input dims indexed with an int


def _index(call: Call, ndim: int) -> _Index | None:
    if len(call.args) < 2:
        return None
    node = call.args[1][1]
    if node is None:
        return None
    elements: list[ast.AST] = list(node.elts) if isinstance(node, ast.Tuple) else [node]
    if sum(1 for e in elements if _is_ellipsis(e)) > 1:
        return None
    used = sum(1 for e in elements if not _is_ellipsis(e) and not _is_none(e))
    if used > ndim:
        return None
    kept: list[tuple[int, int] | None] = []
    picked: list[int] = []
    dim = 0
    for element in elements:
        if _is_ellipsis(element):
            for _ in range(ndim - used):
                kept.append((dim, 0))
                dim += 1
        elif _is_none(element):
            kept.append(None)
        elif isinstance(element, ast.Slice):
            if element.lower or element.upper or element.step:
                return None  # a partial slice: DTensor's strategy depends on it
            kept.append((dim, 0))
            dim += 1
        elif _literal_int(element) is not None:
            picked.append(dim)
            dim += 1
        else:
            return None
    while dim < ndim:
        kept.append((dim, 0))
        dim += 1
    return _Index(tuple(kept), tuple(picked))


def _is_ellipsis(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _literal_int(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return None


def _index_shape(call: Call) -> Shape | None:
    shape = _first_shape(call)
    if shape is None:
        return None
    index = _index(call, len(shape))
    if index is None:
        return None
    return tuple(shape[k[0]] if k is not None else 1 for k in index.kept)


_SHAPES: dict[str, Callable[[Call], Shape | None]] = {
    "pointwise": _pointwise_shape,
    "reduce": _reduce_shape,
    "softmax": _first_shape,
    "transpose": _moved_shape,
    "permute": _moved_shape,
    "unsqueeze": _unsqueeze_shape,
    "view": _view_target,
    "flatten": _view_target,
    "cat": _cat_shape,
    "stack": _stack_shape,
    "matmul": _matmul_shape,
    "index": _index_shape,
}


# ---------------------------------------------------------------------- one axis
def on_axis(call: Call, axis: str) -> Outcome:
    """What DTensor makes of the op on one axis that shards an operand."""
    placements = [o.placement(axis) for o in call.operands]
    if any(p is None for p in placements):
        return None
    rule = _RULES.get(_family(call.name))
    if rule is None:
        return None
    return rule(call, axis, [p for p in placements if p is not None])


def _pointwise(call: Call, axis: str, placements: list[Placement]) -> Outcome:
    """Operands aligned from the right: every sharded one on one output dim; a replicated one
    must broadcast along it (size 1, or no such dim), else the global shapes disagree."""
    if len(placements) == 1:
        return placements[0]  # one tensor (and numbers): every dim stays where it is
    ndims = [o.ndim for o in call.operands]
    if any(n is None for n in ndims):
        return None
    out_ndim = max(n for n in ndims if n is not None)
    sharded: set[int] = set()
    for p, n in zip(placements, ndims, strict=True):
        if p == PARTIAL:
            return None  # the local rule has rejected a Partial next to a shard
        if isinstance(p, Shard):
            assert n is not None
            sharded.add(p.dim + out_ndim - n)
    if len(sharded) != 1:
        return None
    (dim,) = sharded
    size = call.sizes.get(axis)
    for operand, p, n in zip(call.operands, placements, ndims, strict=True):
        assert n is not None
        if isinstance(p, Shard):
            if operand.shape is not None and operand.shape[p.dim] == 1:
                return None  # a sharded dim of local size 1 may broadcast: not modelled
            continue
        k = dim - (out_ndim - n)
        if k < 0:
            continue  # it has no such dim: broadcast
        if operand.shape is None:
            return None
        if operand.shape[k] == 1:
            continue
        local = _sharded_size(call, dim, out_ndim)
        if local is None or size is None:
            return None
        if operand.shape[k] != local * size:
            return call.no_strategy(axis)  # the global shapes do not broadcast
        return None
    return Shard(dim)


def _sharded_size(call: Call, dim: int, out_ndim: int) -> int | None:
    """The local size of the output dim ``dim`` in the sharded operands."""
    for operand in call.operands:
        if operand.shape is None:
            continue
        k = dim - (out_ndim - len(operand.shape))
        if k >= 0 and operand.shape[k] != 1:
            return operand.shape[k]
    return None


def _reduce(call: Call, axis: str, placements: list[Placement]) -> Outcome:
    (p,) = placements
    if not isinstance(p, Shard):
        return p
    ndim = call.operands[0].ndim
    if ndim is None:
        return None
    found = _reduce_dims(call, ndim)
    if found is None:
        return None
    dims, keep = found
    reduced = set(range(ndim)) if dims is None else set(dims)
    if p.dim not in reduced:
        return Shard(p.dim if keep else p.dim - sum(1 for d in reduced if d < p.dim))
    op = _REDUCTIONS[call.name]
    if op == "sum":
        return PARTIAL
    return Rejection(
        codes.GLOBAL_NON_SUM_PARTIAL, f"Only sum-Partial is supported, got reduce_op={op!r}"
    )


def _softmax(call: Call, axis: str, placements: list[Placement]) -> Outcome:
    (p,) = placements
    ndim = call.operands[0].ndim
    dim = _int(call.arg(1, "dim"))
    if not isinstance(p, Shard) or ndim is None or dim is None:
        return None if isinstance(p, Shard) else p
    d = shapes.normalize_dim(dim, ndim)
    if d is None:
        return None
    return call.no_strategy(axis) if d == p.dim else p


def _moved(call: Call, axis: str, placements: list[Placement]) -> Outcome:
    (p,) = placements
    ndim = call.operands[0].ndim
    if not isinstance(p, Shard) or ndim is None:
        return None if isinstance(p, Shard) else p
    order = _permute_order(call, ndim) if call.name in _PERMUTES else _transpose_order(call, ndim)
    return Shard(order.index(p.dim)) if order is not None else None


def _unsqueeze(call: Call, axis: str, placements: list[Placement]) -> Outcome:
    (p,) = placements
    ndim = call.operands[0].ndim
    if not isinstance(p, Shard) or ndim is None:
        return None if isinstance(p, Shard) else p
    dim = _unsqueeze_dim(call, ndim)
    if dim is None:
        return None
    return Shard(p.dim + 1 if p.dim >= dim else p.dim)


def _view(call: Call, axis: str, placements: list[Placement]) -> Outcome:
    """View groups on the local shapes (they are scale-invariant): the sharded dim forwarded
    keeps its shard, flattened first keeps it, flattened later becomes a _StridedShard;
    split into several dims, or dropped (local size 1), it is rejected."""
    (p,) = placements
    shape = _first_shape(call)
    target = _view_target(call)
    if not isinstance(p, Shard) or shape is None or target is None:
        return None if isinstance(p, Shard) else p
    groups = shapes.view_groups(shape, target)
    found = next(((o, g) for o, g in enumerate(groups) if p.dim in g.inputs), None)
    if found is None:
        return Rejection(
            codes.GLOBAL_RESHAPE,
            f"Reshaping a tensor sharded on dim {p.dim} (local size 1) is ambiguous: the "
            f"sharded dimension disappears in the reshape so we cannot determine which "
            f"output dimension carries the sharding. Consider redistributing to unshard dim "
            f"{p.dim} before reshaping. input shape (local): {shape}, target shape (local): "
            f"{target}",
        )
    out, group = found
    if group.group is Group.SPLIT:
        return Rejection(
            codes.GLOBAL_RESHAPE,
            f"Reshaping a tensor sharded on dim {p.dim} into multiple smaller dimensions is "
            f"not supported: the sharded dimension is split across multiple output "
            f"dimensions. Consider redistributing to unshard dim {p.dim} before reshaping. "
            f"input shape (local): {shape}, target shape (local): {target}",
        )
    if group.group is Group.FLATTEN and group.inputs[0] != p.dim:
        if any(shape[d] == 1 for d in group.inputs[: group.inputs.index(p.dim)]):
            return None
        return Rejection(
            codes.GLOBAL_RESHAPE,
            f"DTensor produced _StridedShard placement for {call.short} on axis "
            f"{axes.label(axis)}, which is not yet supported by the SPMD type checker.",
        )
    return Shard(out)


def _cat(call: Call, axis: str, placements: list[Placement]) -> Outcome:
    """Every tensor sharded on one dim other than the concatenated one keeps it; any other
    mix needs a redistribution (the global shapes disagree along the sharded dim)."""
    tensors = _tensor_list(call)
    dim = _list_dim(call)
    ndim = call.operands[0].ndim if call.operands else None
    if tensors is None or dim is None or ndim is None:
        return None
    d = shapes.normalize_dim(dim, ndim)
    if d is None:
        return None
    if any(isinstance(p, Shard) and p.dim == d for p in placements):
        return call.no_strategy(axis)
    if len(set(placements)) == 1 and isinstance(placements[0], Shard):
        return placements[0]
    if _cat_shape(call) is not None and any(p == REPLICATE for p in placements):
        return call.no_strategy(axis)
    return None


def _stack(call: Call, axis: str, placements: list[Placement]) -> Outcome:
    dim = _list_dim(call)
    ndim = call.operands[0].ndim if call.operands else None
    if dim is None or ndim is None or len(set(placements)) != 1:
        return None
    (p,) = set(placements)
    d = shapes.normalize_dim(dim, ndim + 1)
    if not isinstance(p, Shard) or d is None:
        return None
    return Shard(p.dim + 1 if p.dim >= d else p.dim)


def _matmul(call: Call, axis: str, placements: list[Placement]) -> Outcome:
    """``a @ b`` with ``b`` 2-D: a sharded batch or row dim of ``a`` or column dim of ``b``
    stays sharded; a contraction dim sharded in both gives a Partial; a contraction dim
    sharded in one only, or two output dims sharded on one axis, has no strategy."""
    if len(call.operands) != 2:
        return None
    a_ndim, b_ndim = (o.ndim for o in call.operands)
    if a_ndim is None or b_ndim != 2 or a_ndim < 2:
        return None
    pa, pb = placements
    if PARTIAL in (pa, pb):
        return None
    a_k = isinstance(pa, Shard) and pa.dim == a_ndim - 1
    b_k = isinstance(pb, Shard) and pb.dim == 0
    if a_k and b_k:
        return PARTIAL
    if a_k or b_k:
        return call.no_strategy(axis)
    if isinstance(pa, Shard) and isinstance(pb, Shard):
        return call.no_strategy(axis)
    if isinstance(pa, Shard):
        return pa
    if isinstance(pb, Shard):
        return Shard(a_ndim - 1)
    return REPLICATE


def _indexed(call: Call, axis: str, placements: list[Placement]) -> Outcome:
    p = placements[0]
    ndim = call.operands[0].ndim
    if not isinstance(p, Shard) or ndim is None or len(call.operands) != 1:
        return None if isinstance(p, Shard) or len(call.operands) != 1 else p
    index = _index(call, ndim)
    if index is None:
        return None
    if p.dim in index.picked:
        return call.no_strategy(axis)
    out = next((o for o, k in enumerate(index.kept) if k is not None and k[0] == p.dim), None)
    return Shard(out) if out is not None else None


_RULES: dict[str, Callable[[Call, str, list[Placement]], Outcome]] = {
    "pointwise": _pointwise,
    "reduce": _reduce,
    "softmax": _softmax,
    "transpose": _moved,
    "permute": _moved,
    "unsqueeze": _unsqueeze,
    "view": _view,
    "flatten": _view,
    "cat": _cat,
    "stack": _stack,
    "matmul": _matmul,
    "index": _indexed,
}


def factory_shape(args: Sequence[OpArg], kwargs: Mapping[str, OpArg]) -> Shape | None:
    """The shape a factory's literal sizes give: ``randn(8, 16)``, ``zeros((8, 16))``."""
    values = [kwargs["size"][0]] if "size" in kwargs else [v for v, _ in args]
    if len(values) == 1 and isinstance(values[0], TupleVal):
        values = list(values[0].items)
    sizes = [_int(v) for v in values]
    if not sizes or any(s is None or s < 0 for s in sizes):
        return None
    return tuple(s for s in sizes if s is not None)
