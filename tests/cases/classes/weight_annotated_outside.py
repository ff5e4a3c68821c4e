# A parameter annotated after construction, from outside the class; a Partial input then hits GELU inside forward.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Up(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(8, 8))

    def forward(self, x):
        return torch.nn.functional.gelu(x @ self.weight)  # E: spmd-partial-nonlinear


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    layer = Up()
    spmd.assert_type(layer.weight, {"dp": R, "tp": R})
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    reveal_type(layer(x))  # T: {dp: V, tp: R}
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": V, "tp": P})
    layer(p)
