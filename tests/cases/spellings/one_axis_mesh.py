# A one-dimensional mesh of 4 ranks with a single axis "tp".
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"tp": P})
    reveal_type(x * 3.0)  # T: {tp: P}
    z = torch.zeros(4, 8)
    reveal_type(z)  # T: {tp: R}
    y = x - z  # E: spmd-partial-affine
