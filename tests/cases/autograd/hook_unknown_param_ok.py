"""Twin of hook_unknown_param: the hook names forward's x; a hook parameter with a default may be absent from forward."""
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
    def spmd_typecheck(*, x, bias=None):
        return x


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    reveal_type(Double.apply(x))  # T: {dp: V, tp: R}
