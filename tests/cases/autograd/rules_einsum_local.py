"""Local mode: rules.einsum ignores shard dims, so the same sharded contraction is V on tp, not P."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Matmul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w):
        return x @ w

    @staticmethod
    def backward(ctx, g):
        return g, g

    @staticmethod
    def spmd_typecheck(*, x, w):
        return rules.einsum("mk,kn->mn", x, w)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": S(0), "tp": S(1)})
    w = torch.randn(8, 2)
    spmd.assert_type(w, {"dp": R, "tp": S(0)})
    y = Matmul.apply(x, w)
    reveal_type(y)  # T: {dp: V, tp: V}
