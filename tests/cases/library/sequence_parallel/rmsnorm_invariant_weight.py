# RMSNorm on sequence-parallel activations [batch, seq/tp, hidden]. The norm weight is
# annotated Invariant on tp, as it is without sequence parallelism; with the sequence sharded,
# each rank's weight gradient is a partial sum, so the weight must be Replicate. The activation
# is asserted S(1) in forward and the weight is a Parameter (it requires grad): the product
# mixes Invariant with Varying whatever the caller passes.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))
        spmd.assert_type(self.weight, {"tp": I}, R)

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        spmd.assert_type(x, {"tp": S(1)})
        return self._norm(x) * self.weight  # E: spmd-invariant-mix


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    norm = RMSNorm(16)
    x = torch.randn(2, 2, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": S(1)})
    y = norm(x)
