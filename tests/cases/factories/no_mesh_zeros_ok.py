# With no current mesh, a factory result must be typed (here with process-group axes) before use.
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
    spmd.assert_type(z, {dp: R, tp: R})
    x = torch.randn(4, 8)
    spmd.assert_type(x, {dp: R, tp: V})
    y = z + x
    reveal_type(y)  # T: {dp: R, tp: V}
