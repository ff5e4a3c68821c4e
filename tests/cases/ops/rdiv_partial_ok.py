# 1.0 / R and P / 4.0 are both fine.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    r = spmd.all_reduce(x, "tp", src=P, dst=R)
    y = 1.0 / r
    reveal_type(y)  # T: {dp: R, tp: R}
    z = x / 4.0
    reveal_type(z)  # T: {dp: R, tp: P}
