# A sequence-parallel MLP block: the partial output is reduce-scattered to the sequence shards,
# then added to the residual shard.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class ColumnParallelLinear(nn.Module):
    def __init__(self, in_features, out_features, tp_size):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features // tp_size, in_features))
        spmd.assert_type(self.weight, {"tp": S(0)}, R)

    def forward(self, x):
        return F.linear(x, self.weight)


class RowParallelLinear(nn.Module):
    def __init__(self, in_features, out_features, tp_size):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features // tp_size))
        spmd.assert_type(self.weight, {"tp": S(1)}, R)

    def forward(self, x):
        return spmd.reinterpret(F.linear(x, self.weight), "tp", src=V, dst=P)


class SequenceParallelMLP(nn.Module):
    def __init__(self, hidden_size, ffn_hidden_size, tp_size):
        super().__init__()
        self.fc1 = ColumnParallelLinear(hidden_size, ffn_hidden_size, tp_size)
        self.fc2 = RowParallelLinear(ffn_hidden_size, hidden_size, tp_size)

    def forward(self, hidden_states):
        spmd.assert_type(hidden_states, {"tp": S(1)})
        residual = hidden_states
        full = spmd.all_gather(hidden_states, "tp", src=S(1), dst=R)
        reveal_type(full)  # T: {dp: V, tp: R}  # LT: {tp: R, ...}
        out = self.fc2(F.gelu(self.fc1(full)))
        reveal_type(out)  # T: {dp: V, tp: P}  # LT: {tp: P, ...}
        out = spmd.reduce_scatter(out, "tp", dst=S(1))
        return residual + out


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    block = SequenceParallelMLP(16, 32, tp_size=4)
    x = torch.randn(2, 2, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": S(1)})
    y = block(x)
    reveal_type(y)  # T: {dp: V, tp: V}
