"""rules.reduce_scatter(dst=V) unbinds dim 0 across the axis: dim 0 must not be sharded on another axis."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")


class Scatter(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x[0] * 1

    @staticmethod
    def backward(ctx, g):
        return g

    @staticmethod
    def spmd_typecheck(*, x):
        return rules.reduce_scatter(x, tp, src=P, dst=V)  # E: spmd-rules-transition


with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": S(0), "tp": P})
    y = Scatter.apply(x)
