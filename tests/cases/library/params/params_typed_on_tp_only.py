# library-config: mesh-axes = ["dp", "tp"]
# A layer written for a 1-D tensor-parallel mesh annotates its parameters on tp only. The
# training mesh also has dp (the library configuration says so): in strict mode the
# parameters, typed on no dp axis, cannot meet the input. With mesh-axes configured the
# library view knows the mesh, and finds it.
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
            spmd.assert_type(param, {"tp": S(0)})

    def forward(self, x):
        x = spmd.convert(x, "tp", src=I, dst=R)
        return F.linear(x, self.weight, self.bias)  # E: spmd-missing-axis


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    layer = ColumnParallelLinear(16, 32, tp_size=4)
    x = torch.randn(4, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": I})
    y = layer(x)
