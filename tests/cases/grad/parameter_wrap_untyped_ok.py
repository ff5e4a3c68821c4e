# Typing the Parameter itself, after wrapping, makes it usable.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    t = torch.randn(8, 2)
    w = torch.nn.Parameter(t)
    spmd.assert_type(w, {"dp": R, "tp": R})
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    y = x @ w
    reveal_type(y)  # T: {dp: V, tp: R}
