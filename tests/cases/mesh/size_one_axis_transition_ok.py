"""Twin of size_one_axis_transition: all_reduce(P -> R) is the valid spelling; on a size-1 axis it leaves the type alone."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 1, 4), mesh_dim_names=("dp", "cp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    y = spmd.all_reduce(x, "cp", src=P, dst=R)
    reveal_type(y)  # T: {dp: R, tp: V}
