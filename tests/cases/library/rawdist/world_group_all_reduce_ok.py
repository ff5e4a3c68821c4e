# Twin of world_group_all_reduce: under a mesh of one axis spanning the world, the world group
# is that axis, and the Partial sum becomes Replicate on it. (The checker does not tell a
# mesh over every rank from one over some of them: the result is Unknown to it.)
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def global_sum(x):
    dist.all_reduce(x)
    reveal_type(x)  # T: Unknown  # LT: Unknown
    return x


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (8,), mesh_dim_names=("dp",))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": P})
    global_sum(x)
