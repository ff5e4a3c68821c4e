# A row-parallel projection marks its local products as a pending sum with reinterpret(V, P):
# no data changes, only the type.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class MLP(nn.Module):
    def __init__(self, dim, hidden_dim, tp_size):
        super().__init__()
        self.up = nn.Parameter(torch.empty(hidden_dim // tp_size, dim))
        self.down = nn.Parameter(torch.empty(dim, hidden_dim // tp_size))
        spmd.assert_type(self.up, {"tp": S(0)}, R)
        spmd.assert_type(self.down, {"tp": S(1)}, R)

    def forward(self, x):
        h = F.gelu(F.linear(x, self.up))
        out = F.linear(h, self.down)
        out = spmd.reinterpret(out, "tp", src=V, dst=P)
        reveal_type(out)  # T: {dp: V, tp: P}  # LT: {tp: P, ...}
        return spmd.all_reduce(out, "tp", dst=R)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    mlp = MLP(16, 64, tp_size=4)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    y = mlp(x)
    reveal_type(y)  # T: {dp: V, tp: R}
