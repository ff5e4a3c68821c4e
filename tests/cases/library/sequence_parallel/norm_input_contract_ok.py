# A sequence-parallel norm states its input contract; the driver scatters the sequence first
# (scatter_to_sequence_parallel_region: convert I -> S(1)).
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class SequenceParallelRMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))
        spmd.assert_type(self.weight, {"tp": R}, R)

    def forward(self, x):
        spmd.assert_type(x, {"tp": S(1)})
        reveal_type(x)  # T: {dp: V, tp: S(1)}  # LT: {tp: S(1), ...}
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return x * self.weight


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    norm = SequenceParallelRMSNorm(16)
    h = torch.randn(2, 8, 16)
    spmd.assert_type(h, {"dp": S(0), "tp": I})
    h = spmd.convert(h, "tp", src=I, dst=S(1))
    y = norm(h)
    reveal_type(y)  # T: {dp: V, tp: V}
