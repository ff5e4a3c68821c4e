"""Twin of slice_mesh_built_without_current_mesh: slice the mesh before it becomes the current mesh (with no current mesh there is no axis to miss)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

with typecheck():
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    tp = mesh["tp"].get_group()
    with spmd.set_current_mesh(mesh):
        x = torch.randn(4, 8)
        spmd.assert_type(x, {"dp": R, "tp": P})
        y = spmd.all_reduce(x, tp, src=P, dst=R)
        reveal_type(y)  # T: {dp: R, tp: R}
