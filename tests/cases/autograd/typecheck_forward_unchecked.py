"""Inside typecheck_forward the checker is off: relu of a Partial there is not an error, and what it does not assert stays untyped."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Relu(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.relu(x)

    @staticmethod
    def backward(ctx, g):
        return g

    @staticmethod
    def typecheck_forward(x):
        out = Relu.apply(x)
        shadow = torch.relu(x)
        return out


spmd.register_autograd_function(Relu)

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = Relu.apply(x)
    reveal_type(y)  # T: {}
