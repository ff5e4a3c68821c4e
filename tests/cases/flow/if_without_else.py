# An if without else: the branch keeps the variable's type (V stays V).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": R})
    h = v
    if v.dim() == 2:
        h = torch.tanh(v) * 2.0
    reveal_type(h)  # T: {dp: V, tp: R}
