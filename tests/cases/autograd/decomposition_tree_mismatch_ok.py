"""Twin of decomposition_tree_mismatch: the reference returns one tensor, like the fused forward."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class FusedLinearRelu(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w):
        return torch.relu(x @ w)

    @staticmethod
    def backward(ctx, g):
        return g, g


@spmd.register_decomposition(FusedLinearRelu)
def linear_relu(x, w):
    h = x @ w
    return torch.relu(h)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    w = torch.randn(8, 2)
    spmd.assert_type(w, {"dp": R, "tp": R})
    y = FusedLinearRelu.apply(x, w)
    reveal_type(y)  # T: {dp: V, tp: R}
