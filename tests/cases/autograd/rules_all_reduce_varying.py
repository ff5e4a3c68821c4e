"""rules.all_reduce has no implicit V -> P (unlike spmd.all_reduce): src=P on a Varying input is an error, raised in the hook."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")


class SumShards(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 4

    @staticmethod
    def backward(ctx, g):
        return g

    @staticmethod
    def spmd_typecheck(*, x):
        return rules.all_reduce(x, tp, src=P, dst=R)  # E: spmd-src-mismatch


with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    y = SumShards.apply(x)
