# The row-parallel result is reduced (all_reduce P -> R); a column-parallel layer's Varying
# output is what gather_from_tensor_model_parallel_region all-gathers.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class ColumnParallelLinear(nn.Module):
    def __init__(self, input_size, output_size, tp_group, gather_output=False):
        super().__init__()
        self.tp_group = tp_group
        self.gather_output = gather_output
        self.weight = nn.Parameter(torch.empty(output_size // tp_group.size(), input_size))
        spmd.assert_type(self.weight, {tp_group: S(0)})

    def forward(self, input_):
        input_parallel = spmd.convert(input_, self.tp_group, src=I, dst=R)
        output_parallel = F.linear(input_parallel, self.weight)
        reveal_type(output_parallel)  # T: {tp: V}  # LT: {tp_group: V}
        if self.gather_output:
            return spmd.all_gather(output_parallel, self.tp_group, src=S(-1), dst=R)
        return output_parallel


class RowParallelLinear(nn.Module):
    def __init__(self, input_size, output_size, tp_group):
        super().__init__()
        self.tp_group = tp_group
        self.weight = nn.Parameter(torch.empty(output_size, input_size // tp_group.size()))
        spmd.assert_type(self.weight, {tp_group: S(1)})

    def forward(self, input_parallel):
        output_parallel = F.linear(input_parallel, self.weight)
        output_parallel = spmd.reinterpret(output_parallel, self.tp_group, src=V, dst=P)
        return spmd.all_reduce(output_parallel, self.tp_group, dst=R)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    tp = mesh.get_group("tp")
    head = RowParallelLinear(32, 10, tp)
    h = torch.randn(8, 8)
    spmd.assert_type(h, {"tp": V})
    reveal_type(head(h))  # T: {tp: R}
    classifier = ColumnParallelLinear(16, 12, tp, gather_output=True)
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"tp": I})
    reveal_type(classifier(x))  # T: {tp: R}
