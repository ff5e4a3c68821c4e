# torchtitan's tensor-parallel MLP, for sequence parallelism on and off: the output is
# redistributed from Partial (the row-parallel products) to the inter-block layout x_tp.
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
        reveal_type(x)  # T: {dp: V, tp: R}  # LT: {tp: R, ...}
        hidden = F.silu(x @ self.w1)
        out = hidden @ self.w2
        return spmd.redistribute(out, "tp", src=P, dst=x_tp)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    mlp = TensorParallelMLP(16, 64, tp_size=4, enable_sp=False)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": I})
    reveal_type(mlp(x))  # T: {dp: V, tp: I}
    sp_mlp = TensorParallelMLP(16, 64, tp_size=4, enable_sp=True)
    xs = torch.randn(2, 2, 16)
    spmd.assert_type(xs, {"dp": S(0), "tp": S(1)})
    reveal_type(sp_mlp(xs))  # T: {dp: V, tp: V}
