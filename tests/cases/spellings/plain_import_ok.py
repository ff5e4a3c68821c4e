# `import spmd_types` without an alias, reducing with spmd_types.all_reduce before tanh.
import torch
import spmd_types
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd_types.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd_types.assert_type(x, {"dp": spmd_types.R, "tp": spmd_types.P})
    x = spmd_types.all_reduce(x, "tp", src=spmd_types.P, dst=spmd_types.R)
    y = torch.tanh(x)
    reveal_type(y)  # T: {dp: R, tp: R}
