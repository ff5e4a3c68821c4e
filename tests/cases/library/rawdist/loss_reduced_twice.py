# A data-parallel loss average over a group the framework passes in: the loss is summed with
# spmd.all_reduce, then once more with the raw dist.all_reduce over the same group. The raw
# collective needs a Partial input (it sums again: world_size times the loss).
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def average_loss(loss, dp_group, world_size):
    loss = spmd.all_reduce(loss, dp_group, src=P, dst=R)
    dist.all_reduce(loss, group=dp_group)  # E: spmd-src-mismatch
    return loss / world_size


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    loss = torch.randn(())
    spmd.assert_type(loss, {"dp": P, "tp": R})
    average_loss(loss, mesh.get_group("dp"), 2)
