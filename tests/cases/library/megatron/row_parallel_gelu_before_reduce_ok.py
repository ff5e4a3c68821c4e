# Megatron-style column/row parallel linears, the TP process group passed to __init__. The
# row-parallel layer marks its pending sum with reinterpret(V -> P); the block reduces it
# (reduce_from_tensor_model_parallel_region) before the GELU.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class ColumnParallelLinear(nn.Module):
    """Y = X A with A split by columns: each rank holds out_features / tp of the outputs."""

    def __init__(self, in_features, out_features, tp_group):
        super().__init__()
        self.tp_group = tp_group
        world_size = tp_group.size()
        self.weight = nn.Parameter(torch.empty(out_features // world_size, in_features))
        spmd.assert_type(self.weight, {tp_group: S(0)})

    def forward(self, input_):
        # copy_to_tensor_model_parallel_region: identity forward, all-reduce backward
        input_parallel = spmd.convert(input_, self.tp_group, src=I, dst=R)
        return F.linear(input_parallel, self.weight)


class RowParallelLinear(nn.Module):
    """Y = X A with A split by rows: the input is split on its last dim, outputs are partial sums."""

    def __init__(self, in_features, out_features, tp_group):
        super().__init__()
        self.tp_group = tp_group
        world_size = tp_group.size()
        self.weight = nn.Parameter(torch.empty(out_features, in_features // world_size))
        spmd.assert_type(self.weight, {tp_group: S(1)})

    def forward(self, input_parallel):
        output_parallel = F.linear(input_parallel, self.weight)
        return spmd.reinterpret(output_parallel, self.tp_group, src=V, dst=P)


class ParallelMLP(nn.Module):
    def __init__(self, hidden_size, ffn_hidden_size, tp_group):
        super().__init__()
        self.tp_group = tp_group
        self.dense_h_to_4h = ColumnParallelLinear(hidden_size, ffn_hidden_size, tp_group)
        self.dense_4h_to_h = RowParallelLinear(ffn_hidden_size, hidden_size, tp_group)

    def forward(self, hidden_states):
        intermediate = F.gelu(self.dense_h_to_4h(hidden_states))
        output = self.dense_4h_to_h(intermediate)
        reveal_type(output)  # T: {tp: P}  # LT: {tp_group: P}
        output = spmd.all_reduce(output, self.tp_group, dst=I)
        reveal_type(output)  # T: {tp: I}  # LT: {tp_group: I}
        return F.gelu(output)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    mlp = ParallelMLP(16, 64, mesh.get_group("tp"))
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"tp": I})
    y = mlp(x)
    reveal_type(y)  # T: {tp: I}
