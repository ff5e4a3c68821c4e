"""reinterpret_no_grad checks its dst before it looks at the axis: dst=V is a ValueError on a size-1 axis too."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 1, 4), mesh_dim_names=("dp", "cp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = spmd.reinterpret_no_grad(x, "cp", dst=V)  # E: spmd-reinterpret-no-grad
