# Both branches reduce y to R, so relu after the join is fine.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    if x.shape[0] > 2:
        y = spmd.all_reduce(x, "tp", src=P, dst=R)
    else:
        y = spmd.all_reduce(x * 2.0, "tp", src=P, dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
    z = torch.relu(y)
    reveal_type(z)  # T: {dp: R, tp: R}
