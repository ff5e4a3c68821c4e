# A fused activation wrapped in spmd.local_map declares its input Varying on tp; the MLP hands
# it the column-parallel output as it is.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


@spmd.local_map(in_types=({"tp": V},), out_types={"tp": V})
def fused_swiglu(gate_up):
    """A fused activation kernel over this rank's columns: [gate | up] -> silu(gate) * up."""
    gate, up = gate_up.chunk(2, dim=-1)
    return F.silu(gate) * up


class MLP(nn.Module):
    def __init__(self, dim, hidden_dim, tp_size):
        super().__init__()
        self.w13 = nn.Parameter(torch.empty(2 * hidden_dim // tp_size, dim))
        self.w2 = nn.Parameter(torch.empty(dim, hidden_dim // tp_size))
        spmd.assert_type(self.w13, {"tp": S(0)}, R)
        spmd.assert_type(self.w2, {"tp": S(1)}, R)

    def forward(self, x):
        x = spmd.convert(x, "tp", src=I, dst=R)
        gate_up = F.linear(x, self.w13)
        reveal_type(gate_up)  # T: {dp: V, tp: V}  # LT: {tp: V, ...}
        h = fused_swiglu(gate_up)
        return spmd.all_reduce(F.linear(h, self.w2), "tp", src=V, dst=I)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    mlp = MLP(16, 32, tp_size=4)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": I})
    y = mlp(x)
    reveal_type(y)  # T: {dp: V, tp: I}
