# Twin of gather_into_inputs_like: fresh output tensors, annotated Replicate (on every axis of
# the current mesh) before the raw all_gather writes the gathered shards into them.
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def gather_along_last_dim(input_, group):
    world_size = dist.get_world_size(group)
    tensor_list = [torch.empty(input_.shape) for _ in range(world_size)]
    for t in tensor_list:
        spmd.assert_type(t, R)
    dist.all_gather(tensor_list, input_, group=group)
    return torch.cat(tensor_list, dim=-1).contiguous()


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    full = gather_along_last_dim(x, mesh.get_group("tp"))
    reveal_type(full)  # T: {dp: R, tp: R}
