# torchtitan's tensor-parallel MLP, for sequence parallelism on and off: x_tp is S(1) or I,
# the input is redistributed x_tp -> R, and the output should be redistributed P -> x_tp. The
# output redistribute reuses src=x_tp: with sequence parallelism off (the driver) the Varying
# output does not match src=I. In the library view nothing is expected: with it on, src=S(1)
# matches, and enable_sp is the caller's.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class TensorParallelMLP(nn.Module):
    def __init__(self, dim, hidden_dim, tp_size, enable_sp):
        super().__init__()
        self.enable_sp = enable_sp
        self.w1 = nn.Parameter(torch.empty(dim, hidden_dim // tp_size))
        self.w2 = nn.Parameter(torch.empty(hidden_dim // tp_size, dim))
        spmd.assert_type(self.w1, {"tp": S(1)}, R)
        spmd.assert_type(self.w2, {"tp": S(0)}, R)

    def forward(self, x):
        x_tp = S(1) if self.enable_sp else I
        spmd.assert_type(x, {"tp": x_tp})
        x = spmd.redistribute(x, "tp", src=x_tp, dst=R)
        hidden = F.silu(x @ self.w1)
        out = hidden @ self.w2
        return spmd.redistribute(out, "tp", src=x_tp, dst=x_tp)  # E: spmd-src-mismatch  # L: -


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    mlp = TensorParallelMLP(16, 64, tp_size=4, enable_sp=False)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": I})
    y = mlp(x)
