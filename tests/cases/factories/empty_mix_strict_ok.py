# torch.zeros is deterministic (R), so it meets a typed tensor without help.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    buf = torch.zeros(4, 8)
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = torch.mul(buf, x)
    reveal_type(y)  # T: {dp: R, tp: R}
