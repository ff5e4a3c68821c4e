# A row-parallel linear with a LoRA adapter: the base and adapter products are both per-rank
# partial results, summed locally and reduced once.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class RowParallelLinearWithLoRA(nn.Module):
    def __init__(self, in_features, out_features, rank, tp_size):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features // tp_size))
        self.lora_a = nn.Parameter(torch.empty(rank, in_features // tp_size))
        self.lora_b = nn.Parameter(torch.zeros(out_features, rank))
        spmd.assert_type(self.weight, {"tp": S(1)}, R)
        spmd.assert_type(self.lora_a, {"tp": S(1)}, R)
        spmd.assert_type(self.lora_b, R)

    def forward(self, x):
        spmd.assert_type(x, {"tp": S(2)})
        out = F.linear(x, self.weight) + F.linear(F.linear(x, self.lora_a), self.lora_b)
        reveal_type(out)  # T: {dp: V, tp: V}  # LT: {tp: V, ...}
        out = spmd.all_reduce(out, "tp", src=V, dst=R)
        reveal_type(out)  # T: {dp: V, tp: R}  # LT: {tp: R, ...}
        return out


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    layer = RowParallelLinearWithLoRA(32, 16, rank=4, tp_size=4)
    x = torch.randn(2, 8, 8)
    spmd.assert_type(x, {"dp": S(0), "tp": S(2)})
    y = layer(x)
