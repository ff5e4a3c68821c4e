"""Twin of local_axes_unknown: with every axis local, global mode checks nothing global (V needs no PartitionSpec)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh, local_axes=("dp", "tp")), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": V})
    reveal_type(x + 1)  # T: {dp: V, tp: V}
