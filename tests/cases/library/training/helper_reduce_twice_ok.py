# Megatron's mapping helpers, called from forward; the MLP reduces its own output once.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def copy_to_tensor_model_parallel_region(x, group):
    return spmd.convert(x, group, src=I, dst=R)


def reduce_from_tensor_model_parallel_region(x, group):
    return spmd.all_reduce(x, group, src=V, dst=I)


class ParallelMLP(nn.Module):
    def __init__(self, hidden_size, ffn_hidden_size, tp_group):
        super().__init__()
        self.tp_group = tp_group
        tp_size = tp_group.size()
        self.w_in = nn.Parameter(torch.empty(ffn_hidden_size // tp_size, hidden_size))
        self.w_out = nn.Parameter(torch.empty(hidden_size, ffn_hidden_size // tp_size))
        spmd.assert_type(self.w_in, {tp_group: S(0)})
        spmd.assert_type(self.w_out, {tp_group: S(1)})

    def forward(self, x):
        x = copy_to_tensor_model_parallel_region(x, self.tp_group)
        h = F.gelu(F.linear(x, self.w_in))
        return reduce_from_tensor_model_parallel_region(F.linear(h, self.w_out), self.tp_group)


class TransformerLayer(nn.Module):
    def __init__(self, hidden_size, tp_group):
        super().__init__()
        self.tp_group = tp_group
        self.mlp = ParallelMLP(hidden_size, 4 * hidden_size, tp_group)

    def forward(self, hidden_states):
        mlp_output = self.mlp(hidden_states)
        reveal_type(mlp_output)  # T: {tp: I}  # LT: {tp_group: I}
        return hidden_states + mlp_output


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    layer = TransformerLayer(16, mesh.get_group("tp"))
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"tp": I})
    y = layer(x)
    reveal_type(y)  # T: {tp: I}
