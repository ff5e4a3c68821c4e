"""local_axes naming an axis the mesh does not have is a ValueError."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh, local_axes=("ep",)), typecheck(local=False):  # E: spmd-mesh-region
    x = torch.randn(4, 8)
