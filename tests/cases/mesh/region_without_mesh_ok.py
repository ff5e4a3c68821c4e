"""Twin of region_without_mesh: inside set_current_mesh(mesh), a region with only local_axes re-uses that mesh."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with typecheck(local=False), spmd.set_current_mesh(mesh):
    with spmd.set_current_mesh(local_axes=("dp",)):
        x = torch.randn(4, 8)
        spmd.assert_type(x, {"dp": V, "tp": R})
        reveal_type(x + 1)  # T: {dp: V, tp: R}
