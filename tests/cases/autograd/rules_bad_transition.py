"""rules.all_reduce(src=P, dst=V) is not a transition all_reduce admits: an SpmdTypeError raised in the hook."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")


class Reduce(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 1

    @staticmethod
    def backward(ctx, g):
        return g

    @staticmethod
    def spmd_typecheck(*, x):
        return rules.all_reduce(x, tp, src=P, dst=V)  # E: spmd-rules-transition


with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = Reduce.apply(x)
