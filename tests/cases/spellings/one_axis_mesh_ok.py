# A one-dimensional mesh of 4 ranks: P - P is P, and R - R is R.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"tp": P})
    reveal_type(x - x * 3.0)  # T: {tp: P}
    z = torch.zeros(4, 8)
    reveal_type(z - spmd.all_reduce(x, "tp", dst=R))  # T: {tp: R}
