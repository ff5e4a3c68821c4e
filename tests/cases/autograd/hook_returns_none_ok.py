"""Twin of hook_returns_none: the hook returns a type composed with rules (an identity einsum, linear in its operand)."""
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
        return rules.einsum("...->...", x, linear_in=(0,))


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": P})
    y = Double.apply(x)
    reveal_type(y)  # T: {dp: V, tp: P}
