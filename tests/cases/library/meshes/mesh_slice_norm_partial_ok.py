# A norm over a tp-sharded hidden dim takes its group from the mesh it is given
# (mesh["tp"].get_group()); the sum of squares is all-reduced before the epsilon.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class HiddenParallelRMSNorm(nn.Module):
    """RMSNorm over a hidden dim that is sharded on tp: each rank's sum of squares is a
    partial sum of the full one."""

    def __init__(self, hidden_size, mesh, eps=1e-6):
        super().__init__()
        self.tp = mesh["tp"].get_group()
        self.hidden_size = hidden_size
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(hidden_size // self.tp.size()))
        spmd.assert_type(self.weight, {self.tp: S(0)}, R)

    def forward(self, x):
        spmd.assert_type(x, {self.tp: S(2)})
        sum_sq = spmd.reinterpret(x.pow(2).sum(-1, keepdim=True), self.tp, src=V, dst=P)
        mean_sq = spmd.all_reduce(sum_sq, self.tp, dst=R) / self.hidden_size
        reveal_type(mean_sq)  # T: {dp: V, tp: R}  # LT: {tp: R, ...}
        return x * torch.rsqrt(mean_sq + self.eps) * self.weight


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh):
    norm = HiddenParallelRMSNorm(16, mesh)  # mesh["tp"] slices the mesh: outside typecheck()
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(2, 8, 4)
    spmd.assert_type(x, {"dp": S(0), "tp": S(2)})
    y = norm(x)
    reveal_type(y)  # T: {dp: V, tp: V}
