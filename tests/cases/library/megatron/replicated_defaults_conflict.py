# A library annotates its weight from a table of defaults keyed by mesh-dim name, then
# overrides the TP axis through the process group it was given. The driver's tp_group is the
# mesh's "tp" axis, so the dict gives that axis two types. In the library view nothing is
# expected: tp_group is an axis the checker cannot name, and it need not be "tp".
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V

REPLICATED = {"dp": R, "tp": R}


class ColumnParallelLinear(nn.Module):
    def __init__(self, in_features, out_features, tp_group):
        super().__init__()
        self.tp_group = tp_group
        self.weight = nn.Parameter(torch.empty(out_features // tp_group.size(), in_features))
        spmd.assert_type(self.weight, {**REPLICATED, tp_group: S(0)})  # E: spmd-conflicting-types  # L: -

    def forward(self, x):
        return F.linear(spmd.convert(x, self.tp_group, src=I, dst=R), self.weight)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    layer = ColumnParallelLinear(16, 32, mesh.get_group("tp"))
