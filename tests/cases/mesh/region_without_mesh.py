"""set_current_mesh() with only local_axes and no current mesh to re-use is a RuntimeError."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with typecheck(local=False):
    with spmd.set_current_mesh(local_axes=("dp",)):  # E: spmd-no-current-mesh
        x = torch.randn(4, 8)
