"""Fn.apply runs forward with the mode popped: a reinterpret and a non-linear op on a Partial there are not checked; the registered local rule types the result."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Fused(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        tp = mesh.get_group("tp")
        partial = spmd.reinterpret(x, tp, src=V, dst=P)
        return torch.relu(partial) + x

    @staticmethod
    def backward(ctx, g):
        return g


spmd.register_local_autograd_function(Fused)

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    reveal_type(Fused.apply(x))  # T: {dp: R, tp: V}
