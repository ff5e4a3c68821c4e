"""Twin of rules_bad_transition: all_reduce P -> I, then reduce_scatter is the P -> V spelling."""
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
        return rules.all_reduce(x, tp, src=P, dst=I)


class ReduceScatter(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x[0] * 1

    @staticmethod
    def backward(ctx, g):
        return g

    @staticmethod
    def spmd_typecheck(*, x):
        return rules.reduce_scatter(x, tp, src=P, dst=V)


with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    reveal_type(Reduce.apply(x))  # T: {dp: R, tp: I}
    reveal_type(ReduceScatter.apply(x))  # T: {dp: R, tp: V}
