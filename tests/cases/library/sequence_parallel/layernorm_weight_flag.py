# A LayerNorm that supports both layouts through a sequence_parallel flag, but types its
# weight and bias Invariant in both. With the flag on (the driver's), the S(1) activation
# meets the Invariant weight. In the library view nothing is expected: with the flag off the
# activation is Invariant too, and the flag comes from the unseen caller.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class LayerNorm(nn.Module):
    def __init__(self, hidden_size, eps=1e-5, sequence_parallel=False):
        super().__init__()
        self.eps = eps
        self.sequence_parallel = sequence_parallel
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.bias = nn.Parameter(torch.zeros(hidden_size))
        for param in (self.weight, self.bias):
            spmd.assert_type(param, {"tp": I}, R)

    def forward(self, x):
        x_tp = S(1) if self.sequence_parallel else I
        spmd.assert_type(x, {"tp": x_tp})
        return F.layer_norm(x, x.shape[-1:], self.weight, self.bias, self.eps)  # E: spmd-invariant-mix  # L: -


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    norm = LayerNorm(16, sequence_parallel=True)
    x = torch.randn(2, 2, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": S(1)})
    y = norm(x)
