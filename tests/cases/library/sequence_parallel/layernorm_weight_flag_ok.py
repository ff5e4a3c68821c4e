# A LayerNorm for both layouts: the weight and bias follow the flag (Replicate with sequence
# parallelism, Invariant without), like the activation.
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
            spmd.assert_type(param, {"tp": R if sequence_parallel else I}, R)

    def forward(self, x):
        x_tp = S(1) if self.sequence_parallel else I
        spmd.assert_type(x, {"tp": x_tp})
        return F.layer_norm(x, x.shape[-1:], self.weight, self.bias, self.eps)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    sp_norm = LayerNorm(16, sequence_parallel=True)
    x = torch.randn(2, 2, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": S(1)})
    reveal_type(sp_norm(x))  # T: {dp: V, tp: V}
    norm = LayerNorm(16)
    h = torch.randn(2, 8, 16)
    spmd.assert_type(h, {"dp": S(0), "tp": I})
    reveal_type(norm(h))  # T: {dp: V, tp: I}
