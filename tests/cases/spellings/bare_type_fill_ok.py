# A bare R fills every current-mesh axis; x * y with y Partial on tp is Partial.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, R)
    y = torch.randn(4, 8)
    spmd.assert_type(y, R, {"tp": P})
    z = x * y
    reveal_type(z)  # T: {dp: R, tp: P}
