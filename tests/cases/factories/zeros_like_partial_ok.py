# zeros_like/ones_like take the type of a typed argument; zeros(shape) is R.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": R})
    reveal_type(torch.zeros_like(v))  # T: {dp: V, tp: R}
    reveal_type(torch.ones_like(v))  # T: {dp: V, tp: R}
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    reveal_type(torch.zeros(p.shape))  # T: {dp: R, tp: R}
