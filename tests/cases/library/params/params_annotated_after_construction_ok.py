# Parameters made in __init__ without a type, annotated later by the framework's parallelize
# step (torchtitan's style): a method analysed on its own cannot know their type, so it
# must not read the factory's default ({} or Replicate) as if the framework had kept it.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class GroupedExperts(nn.Module):
    def __init__(self, num_experts, dim, hidden):
        super().__init__()
        self.w1 = nn.Parameter(torch.empty(num_experts, hidden, dim))
        self.scale = nn.Parameter(torch.ones(hidden))

    def forward(self, x):
        w1 = self.w1
        reveal_type(w1)  # T: {dp: R, tp: V}  # LT: Unknown
        h = torch.matmul(x, w1.transpose(-2, -1))
        return h * self.scale


def parallelize(experts):
    spmd.assert_type(experts.w1, {"dp": R, "tp": V})
    spmd.assert_type(experts.scale, {"dp": R, "tp": V})


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
experts = GroupedExperts(2, 8, 16)
with spmd.set_current_mesh(mesh), typecheck():
    parallelize(experts)
    x = torch.randn(2, 4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    y = experts(x)
    reveal_type(y)  # T: {dp: V, tp: V}
