"""Twin of cross_mesh_no_destination: under the (dp, tp) mesh, compute with a tensor typed on its axes."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 2, 2), mesh_dim_names=("dp", "cp", "tp"))
dp_tp = mesh["dp", "tp"]
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "cp": R, "tp": V})
    with spmd.set_current_mesh(dp_tp):
        z = torch.randn(4, 8)
        spmd.assert_type(z, {"dp": R, "tp": V})
        y = z * 2
        reveal_type(y)  # T: {dp: R, tp: V}
