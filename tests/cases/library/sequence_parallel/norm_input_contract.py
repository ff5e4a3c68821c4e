# A sequence-parallel norm states its input contract (sequence sharded on tp). The driver's
# upstream block has sequence parallelism off and hands it an Invariant activation. In the
# library view nothing is expected: the assert is the contract, and whether it holds depends on
# the caller's x.
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
        spmd.assert_type(x, {"tp": S(1)})  # E: spmd-assert-mismatch  # L: -
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
    y = norm(h)
