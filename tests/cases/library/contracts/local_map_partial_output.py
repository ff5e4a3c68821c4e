# A fused row-parallel kernel wrapped in spmd.local_map declares its output Partial on tp
# (out_types). The MLP applies a second activation to it before the reduction: the contract
# makes the result Partial whatever the input.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


@spmd.local_map(in_types=({"tp": S(2)}, {"tp": S(1)}), out_types={"tp": P})
def row_parallel_matmul(x, weight):
    """A fused kernel's local computation: this rank's slice of the contraction."""
    return x @ weight.t()


class MLP(nn.Module):
    def __init__(self, dim, hidden_dim, tp_size):
        super().__init__()
        self.w1 = nn.Parameter(torch.empty(hidden_dim // tp_size, dim))
        self.w2 = nn.Parameter(torch.empty(dim, hidden_dim // tp_size))
        spmd.assert_type(self.w1, {"tp": S(0)}, R)
        spmd.assert_type(self.w2, {"tp": S(1)}, R)

    def forward(self, x):
        x = spmd.convert(x, "tp", src=I, dst=R)
        h = F.silu(F.linear(x, self.w1))
        out = row_parallel_matmul(h, self.w2)
        return F.gelu(out)  # E: spmd-partial-nonlinear

# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    mlp = MLP(16, 32, tp_size=4)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": I})
    y = mlp(x)
