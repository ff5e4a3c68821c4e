# Twin of broadcast_in_step: the broadcast runs with type checking paused (it keeps the type
# the tensor had: every rank now holds rank 0's value).
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def stage_input(x, group):
    with spmd.no_typecheck():
        dist.broadcast(x, group_src=0, group=group)
    return x


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = stage_input(x, mesh.get_group("tp"))
    reveal_type(y)  # T: {dp: R, tp: R}
