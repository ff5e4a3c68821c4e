# Names imported directly: `from spmd_types import R, P, all_reduce, assert_type, set_current_mesh`.
import torch
from spmd_types import P, R, all_reduce, assert_type, set_current_mesh
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    assert_type(x, {"dp": R, "tp": P})
    y = x.sigmoid()  # E: spmd-partial-nonlinear
