"""An spmd_typecheck hook runs with the mode popped: its ops are unchecked (relu of a Partial is not an error), and a typecheck() entered there does not push the mode back; its rules operations still check."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2

    @staticmethod
    def spmd_typecheck(*, x):
        with typecheck():
            probe = torch.relu(x)
        return rules.einsum("...->...", x, linear_in=(0,))


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": P})
    reveal_type(Double.apply(x))  # T: {dp: V, tp: P}
