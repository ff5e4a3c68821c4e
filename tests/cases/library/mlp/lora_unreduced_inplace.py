# A row-parallel linear with a LoRA adapter. The base projection is all-reduced to Replicate;
# the adapter's output (its A matrix is row-sharded like the weight) is still a per-rank
# Varying value, and is added in place. The reduced output requires grad (it comes from the
# weight), so the in-place add would turn a Replicate tensor Varying, whatever the caller passes.
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
        out = spmd.all_reduce(F.linear(x, self.weight), "tp", src=V, dst=R)
        out += F.linear(F.linear(x, self.lora_a), self.lora_b)  # E: spmd-inplace-type-change
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
