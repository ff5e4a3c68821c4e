# A weight stored [in, out], sharded on dim 1; forward checks the same layout.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class ColumnParallelLinear(nn.Module):
    def __init__(self, in_features, out_features, tp_size):
        super().__init__()
        # Stored as [in, out] since the fused kernel change: the output columns are dim 1.
        self.weight = nn.Parameter(torch.empty(in_features, out_features // tp_size))
        spmd.assert_type(self.weight, {"tp": S(1)}, R)

    def forward(self, x):
        spmd.assert_type(x, {"tp": R})
        spmd.assert_type(self.weight, {"tp": S(1)})
        reveal_type(self.weight)  # T: {dp: R, tp: S(1)}  # LT: {tp: S(1), ...}
        return x @ self.weight


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    layer = ColumnParallelLinear(16, 32, tp_size=4)
    x = torch.randn(2, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    y = layer(x)
    reveal_type(y)  # T: {dp: V, tp: V}
