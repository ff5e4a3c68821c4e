"""Without a current mesh every factory is typed on no axis, zeros included."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with typecheck():
    x = torch.zeros(4, 8)
    reveal_type(x)  # T: {}
    y = torch.randn(4, 8)
    reveal_type(y)  # T: {}
    z = x + y
    reveal_type(z)  # T: {}
