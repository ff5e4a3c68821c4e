"""Twin of rules_shard_dim: src=S(0) matches the recorded shard dim; an untyped axis is established by the rule's src."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")


class Gather(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 1

    @staticmethod
    def backward(ctx, g):
        return g

    @staticmethod
    def spmd_typecheck(*, x):
        return rules.all_gather(x, tp, src=S(0), dst=R)


with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": S(0)})
    reveal_type(Gather.apply(x))  # T: {dp: R, tp: R}
    u = torch.randn(4, 8)
    spmd.assert_type(u, {"dp": R})
    reveal_type(Gather.apply(u))  # T: {dp: R, tp: R}
    reveal_type(u)  # T: {dp: R, tp: S(0)}
