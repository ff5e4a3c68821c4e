# Twin of loss_reduced_twice: the Partial loss is summed once, in place, by the raw collective;
# afterwards it is Replicate on the group (whatever the caller's other axes are).
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def average_loss(loss, dp_group, world_size):
    dist.all_reduce(loss, group=dp_group)
    reveal_type(loss)  # T: {dp: R, tp: R}  # LT: {dp_group: R, ...}
    return loss / world_size


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    loss = torch.randn(())
    spmd.assert_type(loss, {"dp": P, "tp": R})
    mean = average_loss(loss, mesh.get_group("dp"), 2)
    reveal_type(mean)  # T: {dp: R, tp: R}
