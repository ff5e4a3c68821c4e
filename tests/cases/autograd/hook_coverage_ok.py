"""Twin of hook_coverage: rules.ignore(w) declares the tensor saved only for backward."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class ScaledCopy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(w)
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2, None

    @staticmethod
    def spmd_typecheck(*, x, w):
        rules.ignore(w)
        return rules.einsum("...->...", x, linear_in=(0,))


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    w = torch.randn(4, 8)
    spmd.assert_type(w, {"dp": R, "tp": R})
    y = ScaledCopy.apply(x, w)
    reveal_type(y)  # T: {dp: V, tp: R}
