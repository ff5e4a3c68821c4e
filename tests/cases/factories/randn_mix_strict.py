# In strict mode a randn tensor ({}) next to a typed tensor misses the mesh axes.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    noise = torch.randn(4, 8)
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    y = x + noise  # E: spmd-missing-axis
