# A layer keeps a cache as a buffer (register_buffer), Replicate on the tp group; its forward
# scales the partial sum by it (one Partial factor is fine) and reduces.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class ScaledPartial(nn.Module):
    def __init__(self, dim, tp_group):
        super().__init__()
        self.tp_group = tp_group
        self.register_buffer("cache", torch.ones(dim))
        spmd.assert_type(self.cache, {tp_group: R})

    def forward(self, x):
        spmd.assert_type(x, {self.tp_group: V})
        partial = spmd.reinterpret(x, self.tp_group, src=V, dst=P)
        out = spmd.all_reduce(partial * self.cache, self.tp_group, dst=R)
        reveal_type(out)  # T: {tp: R}  # LT: {tp_group: R, ...}
        return out


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    layer = ScaledPartial(8, mesh.get_group("tp"))
    x = torch.randn(2, 8)
    spmd.assert_type(x, {"tp": V})
    y = layer(x)
