# A Function registered as local gets the element-wise rule: Partial is rejected.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.register_local_autograd_function
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * x

    @staticmethod
    def backward(ctx, g):
        return g


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": R})
    reveal_type(Square.apply(v))  # T: {dp: V, tp: R}
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    Square.apply(p)  # E: spmd-partial-nonlinear
