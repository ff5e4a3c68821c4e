# RMSNorm on sequence-parallel activations: the weight is Replicate on tp (its gradient is a
# partial sum over the sequence shards, reduced before the optimizer step).
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))
        spmd.assert_type(self.weight, {"tp": R}, R)
        reveal_type(self.weight)  # T: {dp: R, tp: R}  # LT: {tp: R, ...}

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        spmd.assert_type(x, {"tp": S(1)})
        out = self._norm(x) * self.weight
        reveal_type(out)  # T: {dp: V, tp: V}  # LT: {tp: V, ...}
        return out


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    norm = RMSNorm(16)
    x = torch.randn(2, 2, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": S(1)})
    y = norm(x)
