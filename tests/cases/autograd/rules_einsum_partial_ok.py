"""Twin of rules_einsum_partial: linear_in=(0, 1) (multilinear) lets the single Partial factor through."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w):
        return x * w

    @staticmethod
    def backward(ctx, g):
        return g, g

    @staticmethod
    def spmd_typecheck(*, x, w):
        return rules.einsum("mk,mk->mk", x, w, linear_in=(0, 1))


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": P})
    w = torch.randn(4, 8)
    spmd.assert_type(w, {"dp": R, "tp": R})
    y = Mul.apply(x, w)
    reveal_type(y)  # T: {dp: V, tp: P}
