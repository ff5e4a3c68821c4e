"""Twin of hook_coverage_same_tensor: the hook accounts for w with rules.ignore."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class ScaledCopy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w):
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
    reveal_type(ScaledCopy.apply(x, x))  # T: {dp: V, tp: R}
    w = torch.randn(4, 8)
    spmd.assert_type(w, {"dp": V, "tp": R})
    reveal_type(ScaledCopy.apply(x, w))  # T: {dp: V, tp: R}
