"""The op table: how each torch function, Tensor method and operator treats SPMD types.

Data, in one place. A row names an op the way the checker resolves it:
``torch.add`` for functions (``torch.nn.functional.gelu`` for F), ``Tensor.add``
for methods and properties, ``Tensor.__add__`` for operators. Rows mirror
``_OP_REGISTRY``, ``_DECOMP_TYPE_RULES``, ``_DETERMINISTIC_FACTORIES`` and
``_PASSTHROUGH`` of the reference runtime; any torch op without a row is
NONLINEAR, the runtime's safe default. Adding an op is adding a row;
``tests/test_optable.py`` checks that every name exists in torch 2.13.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .rules import Linearity

LINEAR = Linearity.LINEAR
MULTILINEAR = Linearity.MULTILINEAR
NONLINEAR = Linearity.NONLINEAR


class Decomposition(Enum):
    """Compound ops typed as ``linear(multilinear(a, b), self)`` (addmm and friends)."""

    ADD_PRODUCT = "self + a@b"


@dataclass(frozen=True)
class OpSpec:
    """How one op interacts with SPMD types (``_OpSpec`` in the runtime).

    ``tensor_args``/``tensor_kwargs``: positions where a Python number counts
    as an operand (a scalar adopting the others' type); tensors count
    wherever they are. ``nonlinear_args``: positions that may not be Partial
    (a divisor).
    """

    linearity: Linearity
    tensor_args: tuple[int, ...] = ()
    tensor_kwargs: tuple[str, ...] = ()
    nonlinear_args: tuple[int, ...] = ()
    decomposition: Decomposition | None = None


def _rows(names: str, spec: OpSpec) -> dict[str, OpSpec]:
    return dict.fromkeys(names.split(), spec)


_BINARY = OpSpec(LINEAR, (0, 1), ("input", "other"))
_BINARY_METHOD = OpSpec(LINEAR, (0, 1), ("other",))
_UNARY = OpSpec(LINEAR, (0,))
_LIST = OpSpec(LINEAR, (0,), ("tensors",))
_DIV = OpSpec(MULTILINEAR, (0, 1), ("input", "other"), nonlinear_args=(1,))
_DIV_METHOD = OpSpec(MULTILINEAR, (0, 1), ("other",), nonlinear_args=(1,))
_PRODUCT = OpSpec(MULTILINEAR)
_ADD_PRODUCT = OpSpec(LINEAR, decomposition=Decomposition.ADD_PRODUCT)
_NONLINEAR = OpSpec(NONLINEAR)

OPS: dict[str, OpSpec] = {
    # LINEAR: add / sub
    **_rows("torch.add torch.sub torch.subtract", _BINARY),
    **_rows(
        "Tensor.add Tensor.add_ Tensor.__add__ Tensor.__radd__ Tensor.__iadd__ "
        "Tensor.sub Tensor.subtract Tensor.sub_ Tensor.__sub__ Tensor.__rsub__ Tensor.__isub__",
        _BINARY_METHOD,
    ),
    # LINEAR: negation, clone, detach, reductions
    **_rows(
        "torch.neg Tensor.neg Tensor.neg_ Tensor.__neg__ torch.negative Tensor.negative "
        "Tensor.negative_ torch.positive Tensor.positive Tensor.__pos__ "
        "torch.clone Tensor.clone torch.detach Tensor.detach Tensor.detach_ "
        "torch.sum Tensor.sum torch.mean Tensor.mean torch.nansum torch.nanmean "
        "torch.cumsum Tensor.cumsum",
        _UNARY,
    ),
    # LINEAR: concatenation of a tensor list
    **_rows(
        "torch.cat torch.concat torch.concatenate torch.stack torch.hstack torch.vstack "
        "torch.dstack torch.column_stack torch.row_stack",
        _LIST,
    ),
    # LINEAR: structural / shape ops and views
    **_rows(
        "torch.block_diag torch.reshape Tensor.reshape Tensor.view Tensor.view_as "
        "torch.transpose Tensor.transpose Tensor.transpose_ Tensor.T Tensor.mT Tensor.H Tensor.mH "
        "Tensor.real Tensor.imag torch.t Tensor.t Tensor.t_ torch.permute Tensor.permute "
        "Tensor.contiguous torch.flatten Tensor.flatten torch.unflatten Tensor.unflatten "
        "torch.ravel Tensor.ravel torch.squeeze Tensor.squeeze Tensor.squeeze_ "
        "torch.unsqueeze Tensor.unsqueeze Tensor.unsqueeze_ Tensor.expand Tensor.expand_as "
        "torch.broadcast_to torch.narrow Tensor.narrow torch.select Tensor.select "
        "torch.index_select Tensor.index_select torch.gather Tensor.gather torch.split "
        "Tensor.split torch.chunk Tensor.chunk torch.unbind Tensor.unbind torch.flip Tensor.flip "
        "torch.fliplr torch.flipud torch.roll Tensor.roll torch.movedim Tensor.movedim "
        "torch.moveaxis Tensor.moveaxis torch.swapaxes Tensor.swapaxes torch.swapdims "
        "Tensor.swapdims torch.diagonal Tensor.diagonal Tensor.repeat torch.tile Tensor.tile "
        "torch.repeat_interleave Tensor.repeat_interleave Tensor.unfold",
        _UNARY,
    ),
    # MULTILINEAR with a nonlinear divisor: division is linear in its numerator only
    **_rows("torch.div torch.divide torch.true_divide", _DIV),
    **_rows(
        "Tensor.div Tensor.divide Tensor.true_divide Tensor.div_ Tensor.__truediv__ "
        "Tensor.__itruediv__",
        _DIV_METHOD,
    ),
    "Tensor.__rtruediv__": OpSpec(MULTILINEAR, (0, 1), ("other",), nonlinear_args=(0,)),
    # MULTILINEAR: products
    **_rows(
        "torch.mul torch.multiply Tensor.mul Tensor.multiply Tensor.mul_ Tensor.__mul__ "
        "Tensor.__rmul__ Tensor.__imul__ torch.matmul torch.mm torch.bmm Tensor.matmul Tensor.mm "
        "Tensor.bmm Tensor.__matmul__ Tensor.__rmatmul__ torch.einsum torch.dot Tensor.dot "
        "torch.mv Tensor.mv",
        _PRODUCT,
    ),
    # Decompositions: self + product(a, b)
    **_rows(
        "torch.addmm Tensor.addmm torch.addmv Tensor.addmv torch.addbmm Tensor.addbmm "
        "torch.baddbmm Tensor.baddbmm torch.addr Tensor.addr",
        _ADD_PRODUCT,
    ),
    # NONLINEAR, listed for documentation: the default for every op without a row.
    **_rows(
        "torch.relu torch.exp torch.log torch.sqrt torch.tanh torch.sigmoid torch.softmax "
        "Tensor.__getitem__ Tensor.__setitem__ Tensor.__pow__ Tensor.__abs__ Tensor.float "
        "Tensor.to Tensor.item torch.nn.functional.linear torch.nn.functional.gelu "
        "torch.nn.functional.relu torch.nn.functional.silu torch.nn.functional.softmax "
        "torch.nn.functional.layer_norm torch.nn.functional.dropout "
        "torch.nn.functional.cross_entropy torch.nn.functional.embedding "
        "torch.nn.functional.scaled_dot_product_attention",
        _NONLINEAR,
    ),
}

# Deterministic factories: R on every axis of the current mesh when called
# with no typed operand; ``{}`` when no mesh is set.
DETERMINISTIC_FACTORIES: frozenset[str] = frozenset(
    [
        "torch.zeros",
        "torch.ones",
        "torch.full",
        "torch.zeros_like",
        "torch.ones_like",
        "torch.full_like",
        "torch.arange",
        "torch.linspace",
        "torch.logspace",
        "torch.eye",
        "torch.tensor",
    ]
)
# new_zeros/new_ones/new_full: R on the mesh whatever the input's type.
NEW_FACTORIES: frozenset[str] = frozenset(
    ["Tensor.new_zeros", "Tensor.new_ones", "Tensor.new_full"]
)
# Factories whose values differ per rank: typed on no axis (``{}``).
RANDOM_FACTORIES: frozenset[str] = frozenset(
    [
        "torch.randn",
        "torch.rand",
        "torch.randint",
        "torch.randperm",
        "torch.empty",
        "torch.empty_like",
        "torch.randn_like",
        "torch.rand_like",
        "torch.randint_like",
        "torch.normal",
        "torch.empty_strided",
    ]
)

# Factories whose positional arguments are the sizes (the result's rank is known from them).
SHAPED_FACTORIES: frozenset[str] = frozenset(
    ["torch.zeros", "torch.ones", "torch.randn", "torch.rand", "torch.empty"]
)

# Methods that are not tensor math (``_PASSTHROUGH``): no typing, no check.
PASSTHROUGH_METHODS: frozenset[str] = frozenset(
    [
        "requires_grad_",
        "retain_grad",
        "__len__",
        "_is_view",
        "dim",
        "dim_order",
        "element_size",
        "get_device",
        "is_complex",
        "is_contiguous",
        "is_floating_point",
        "is_inference",
        "is_pinned",
        "is_shared",
        "is_signed",
        "ndimension",
        "nelement",
        "numel",
        "size",
        "storage_offset",
        "stride",
        "untyped_storage",
    ]
)
# Properties that return metadata or an untyped tensor (only registered ones are ops).
PASSTHROUGH_PROPERTIES: frozenset[str] = frozenset(
    [
        "shape",
        "ndim",
        "dtype",
        "device",
        "grad",
        "data",
        "requires_grad",
        "is_leaf",
        "grad_fn",
        "layout",
        "is_cuda",
        "names",
    ]
)
# Ops whose result never requires grad.
NO_GRAD_RESULTS: frozenset[str] = frozenset(["torch.detach", "Tensor.detach", "Tensor.detach_"])

# torch.* callables that are not ops on tensors (they never create a typed value).
NOT_OPS: frozenset[str] = frozenset(
    [
        "torch.no_grad",
        "torch.enable_grad",
        "torch.inference_mode",
        "torch.set_grad_enabled",
        "torch.is_grad_enabled",
        "torch.manual_seed",
        "torch.device",
        "torch.Size",
        "torch.finfo",
        "torch.iinfo",
        "torch.is_tensor",
        "torch.numel",
        "torch.get_default_dtype",
        "torch.set_default_dtype",
        "torch.compile",
        "torch.cuda.is_available",
        "torch.autocast",
    ]
)

# torch.* calls that the checker treats as creating a tensor with no typed operand.
FACTORIES: frozenset[str] = DETERMINISTIC_FACTORIES | RANDOM_FACTORIES


def lookup(name: str) -> OpSpec:
    """The spec of an op; NONLINEAR when the table has no row (the runtime's default)."""
    return OPS.get(name, _NONLINEAR)


def is_inplace(method: str) -> bool:
    """The runtime's in-place naming heuristic: ``add_``, ``__iadd__``."""
    short = method.rsplit(".", 1)[-1]
    if short.endswith("_") and not short.startswith("__"):
        return True
    return short.startswith("__i") and short.endswith("__") and len(short) > 5
