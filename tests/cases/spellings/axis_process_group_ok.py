# Axes spelled as process groups: all_reduce(x, tp_group, ...) reduces the tp axis.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp = mesh.get_group("dp")
tp = mesh.get_group("tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {dp: R, tp: P})
    x = spmd.all_reduce(x, tp, src=P, dst=R)
    y = torch.relu(x)
    reveal_type(y)  # T: {dp: R, tp: R}
