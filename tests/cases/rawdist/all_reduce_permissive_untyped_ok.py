"""Permissive mode: raw dist.all_reduce of a tensor not typed on the group's axis skips the check and still makes it R there."""
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
with spmd.set_current_mesh(mesh), typecheck(strict_mode="permissive"):
    x = torch.randn(4, 8)
    dist.all_reduce(x, group=tp)
    reveal_type(x)  # T: {tp: R}
