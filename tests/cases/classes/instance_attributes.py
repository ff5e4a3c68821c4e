# Each instance keeps its own attribute types; calling an instance runs forward.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Scale(nn.Module):
    def __init__(self, weight):
        super().__init__()
        self.weight = weight

    def forward(self, x):
        return x * self.weight


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    v = torch.randn(8)
    spmd.assert_type(v, {"dp": R, "tp": V})
    a = Scale(r)
    b = Scale(v)
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    reveal_type(a(x))  # T: {dp: V, tp: R}
    reveal_type(b(x))  # T: {dp: V, tp: V}
