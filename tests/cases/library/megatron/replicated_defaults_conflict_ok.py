# The table of defaults leaves the TP axis out, and the process group supplies it.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V

DATA_PARALLEL_REPLICATED = {"dp": R}


class ColumnParallelLinear(nn.Module):
    def __init__(self, in_features, out_features, tp_group):
        super().__init__()
        self.tp_group = tp_group
        self.weight = nn.Parameter(torch.empty(out_features // tp_group.size(), in_features))
        spmd.assert_type(self.weight, {**DATA_PARALLEL_REPLICATED, tp_group: S(0)})
        reveal_type(self.weight)  # T: {dp: R, tp: S(0)}  # LT: {dp: R, tp_group: S(0)}

    def forward(self, x):
        return F.linear(spmd.convert(x, self.tp_group, src=I, dst=R), self.weight)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    layer = ColumnParallelLinear(16, 32, mesh.get_group("tp"))
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": V, "tp": I})
    reveal_type(layer(x))  # T: {dp: V, tp: V}
