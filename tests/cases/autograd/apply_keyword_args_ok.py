"""Twin of apply_keyword_args: the same argument passed positionally."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale=2.0):
        return x * scale

    @staticmethod
    def backward(ctx, g):
        return g, None

    @staticmethod
    def spmd_typecheck(*, x):
        return rules.einsum("...->...", x, linear_in=(0,))


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    reveal_type(Scale.apply(x, 3.0))  # T: {dp: V, tp: R}
