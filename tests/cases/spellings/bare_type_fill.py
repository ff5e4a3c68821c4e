# A bare R fills every current-mesh axis; R plus a dict fills the axes the dict does not name.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, R)
    reveal_type(x)  # T: {dp: R, tp: R}
    y = torch.randn(4, 8)
    spmd.assert_type(y, R, {"tp": P})
    reveal_type(y)  # T: {dp: R, tp: P}
    z = x + y  # E: spmd-partial-affine
