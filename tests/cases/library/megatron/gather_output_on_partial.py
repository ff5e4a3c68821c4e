# An output layer that gathers the row-parallel result as if it were column-parallel
# (gather_from_tensor_model_parallel_region): the all_gather's src=V does not match the
# Partial sums, whatever the input was.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class RowParallelLinear(nn.Module):
    def __init__(self, input_size, output_size, tp_group):
        super().__init__()
        self.tp_group = tp_group
        self.weight = nn.Parameter(torch.empty(output_size, input_size // tp_group.size()))
        spmd.assert_type(self.weight, {tp_group: S(1)})

    def forward(self, input_parallel):
        output_parallel = F.linear(input_parallel, self.weight)
        return spmd.reinterpret(output_parallel, self.tp_group, src=V, dst=P)


class OutputHead(nn.Module):
    def __init__(self, hidden_size, num_classes, tp_group):
        super().__init__()
        self.tp_group = tp_group
        self.proj = RowParallelLinear(hidden_size, num_classes, tp_group)

    def forward(self, hidden_states, gather_output=True):
        logits = self.proj(hidden_states)
        if gather_output:
            logits = spmd.all_gather(logits, self.tp_group, src=V, dst=R)  # E: spmd-src-mismatch "got P"
        return logits


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    head = OutputHead(32, 10, mesh.get_group("tp"))
    h = torch.randn(8, 8)
    spmd.assert_type(h, {"tp": V})
    logits = head(h)
