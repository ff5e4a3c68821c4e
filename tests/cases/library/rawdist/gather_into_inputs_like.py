# A Megatron-style gather over the tensor-parallel group: the output list is made with
# empty_like(input_), which has the input's type (Varying on the group, as all_gather
# requires), and the input itself is put at this rank's place. The raw collective never
# retypes its outputs: each must already be R or I on the group.
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def gather_along_last_dim(input_, group):
    world_size = dist.get_world_size(group)
    rank = dist.get_rank(group)
    tensor_list = [torch.empty_like(input_) for _ in range(world_size)]
    tensor_list[rank] = input_
    dist.all_gather(tensor_list, input_, group=group)  # E: spmd-raw-output-type
    return torch.cat(tensor_list, dim=-1).contiguous()


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    gather_along_last_dim(x, mesh.get_group("tp"))
