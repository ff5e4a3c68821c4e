"""Twin of register_without_hook: a legacy typecheck_forward; the decorator and the call form both register it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.register_autograd_function
class ReduceToInvariant(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 1

    @staticmethod
    def backward(ctx, g):
        return g

    @staticmethod
    def typecheck_forward(x):
        out = ReduceToInvariant.apply(x)
        spmd.assert_type(out, {"dp": R, "tp": I})
        return out


class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 3

    @staticmethod
    def backward(ctx, g):
        return g * 3

    @staticmethod
    def typecheck_forward(x):
        out = Scale.apply(x)
        spmd.assert_type_like(out, x)
        return out


spmd.register_autograd_function(Scale)

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    reveal_type(ReduceToInvariant.apply(x))  # T: {dp: R, tp: I}
    reveal_type(Scale.apply(x))  # T: {dp: R, tp: P}
