# Under a current mesh, even a one-operand op on a randn tensor ({}) misses the mesh axes.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    noise = torch.randn(4, 8)
    reveal_type(noise)  # T: {}
    scaled = noise * 0.1  # E: spmd-missing-axis
