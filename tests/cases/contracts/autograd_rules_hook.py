# An spmd_typecheck hook written with spmd_types.rules declares the Function's typing.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

from spmd_types import rules


class ReduceToInvariant(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, group):
        return x.clone()

    @staticmethod
    def backward(ctx, g):
        return g, None

    @staticmethod
    def spmd_typecheck(*, x, group):
        return rules.all_reduce(x, group, src=P, dst=I)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    tp = mesh.get_group("tp")
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": P})
    y = ReduceToInvariant.apply(x, tp)
    reveal_type(y)  # T: {dp: V, tp: I}
