# Random and uninitialised factories are typed on no axis ({}).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    reveal_type(torch.randn(4, 8))  # T: {}
    reveal_type(torch.rand(4))  # T: {}
    reveal_type(torch.empty(2, 2))  # T: {}
    reveal_type(torch.randint(0, 10, (3,)))  # T: {}
