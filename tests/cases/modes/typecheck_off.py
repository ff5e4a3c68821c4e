"""Outside typecheck() nothing is checked or typed, even under a current mesh."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh):
    x = torch.randn(4, 8, requires_grad=True)
    y = torch.relu(x)
    reveal_type(y)  # T: {}
