"""Twin of empty_type_global: torch.zeros is Replicate on every mesh axis, in global mode too."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.zeros(4, 8)
    reveal_type(x)  # T: {dp: R, tp: R}
    y = x * 2
    reveal_type(y)  # T: {dp: R, tp: R}
