# library-config: mesh-axes = ["dp", "tp"]
# A layer annotates its parameters on tp and fills the other mesh axes with Replicate (a dict
# merged with a bare R). With mesh-axes configured, the library view knows the whole type.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class ColumnParallelLinear(nn.Module):
    def __init__(self, in_features, out_features, tp_size):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features // tp_size, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features // tp_size))
        for param in (self.weight, self.bias):
            spmd.assert_type(param, {"tp": S(0)}, R)

    def forward(self, x):
        x = spmd.convert(x, "tp", src=I, dst=R)
        out = F.linear(x, self.weight, self.bias)
        reveal_type(out)  # T: {dp: V, tp: V}  # LT: {tp: V, ...}
        return out


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    layer = ColumnParallelLinear(16, 32, tp_size=4)
    x = torch.randn(4, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": I})
    y = layer(x)
    reveal_type(y)  # T: {dp: V, tp: V}
