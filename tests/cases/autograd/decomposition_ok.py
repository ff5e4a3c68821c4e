"""Twin of decomposition: with a Replicate weight the reference types the output; the call form registers the same way."""
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


class FusedScale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


@spmd.register_decomposition(FusedLinearRelu)
def linear_relu(x, w):
    return torch.relu(x @ w)


def scale(x):
    return x * 2


spmd.register_decomposition(FusedScale, scale)

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    w = torch.randn(8, 2)
    spmd.assert_type(w, {"dp": R, "tp": R})
    reveal_type(FusedLinearRelu.apply(x, w))  # T: {dp: V, tp: R}
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": V, "tp": P})
    reveal_type(FusedScale.apply(p))  # T: {dp: V, tp: P}
