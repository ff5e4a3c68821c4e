# With no current mesh, torch.zeros is typed on no axis and cannot meet a typed tensor.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp = mesh.get_group("dp")
tp = mesh.get_group("tp")
with typecheck():
    z = torch.zeros(4, 8)
    reveal_type(z)  # T: {}
    x = torch.randn(4, 8)
    spmd.assert_type(x, {dp: R, tp: V})
    y = z + x  # E: spmd-missing-axis
