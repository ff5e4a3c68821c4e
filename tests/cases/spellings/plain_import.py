# `import spmd_types` without an alias: spmd_types.P and spmd_types.assert_type are the same API.
import torch
import spmd_types
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd_types.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd_types.assert_type(x, {"dp": spmd_types.R, "tp": spmd_types.P})
    reveal_type(x)  # T: {dp: R, tp: P}
    y = torch.tanh(x)  # E: spmd-partial-nonlinear
