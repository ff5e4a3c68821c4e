# A Megatron RowParallelLinear that reduces the partial sums first and adds the Replicate
# bias after the all_reduce, as Megatron does.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class RowParallelLinear(nn.Module):
    def __init__(self, input_size, output_size, tp_group, bias=True, input_is_parallel=True):
        super().__init__()
        self.tp_group = tp_group
        self.input_is_parallel = input_is_parallel
        world_size = tp_group.size()
        self.input_size_per_partition = input_size // world_size
        self.weight = nn.Parameter(torch.empty(output_size, self.input_size_per_partition))
        spmd.assert_type(self.weight, {tp_group: S(1)})
        if bias:
            self.bias = nn.Parameter(torch.zeros(output_size))
            spmd.assert_type(self.bias, {tp_group: R})
        else:
            self.register_parameter("bias", None)

    def forward(self, input_):
        if self.input_is_parallel:
            input_parallel = input_
        else:
            input_parallel = spmd.convert(input_, self.tp_group, src=I, dst=S(-1))
        output_parallel = F.linear(input_parallel, self.weight)
        output_parallel = spmd.reinterpret(output_parallel, self.tp_group, src=V, dst=P)
        output = spmd.all_reduce(output_parallel, self.tp_group, dst=R)
        if self.bias is not None:
            output = output + self.bias
        reveal_type(output)  # T: {tp: R}  # LT: {tp_group: R}
        return output


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    layer = RowParallelLinear(32, 16, mesh.get_group("tp"))
    x = torch.randn(8, 8)
    spmd.assert_type(x, {"tp": V})
    y = layer(x)
    reveal_type(y)  # T: {tp: R}
