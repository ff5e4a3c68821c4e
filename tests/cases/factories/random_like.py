# randn_like/empty_like of a typed tensor take the argument's type.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": R})
    reveal_type(torch.randn_like(r))  # T: {dp: R, tp: R}
    reveal_type(torch.rand_like(v))  # T: {dp: V, tp: R}
    reveal_type(torch.empty_like(v))  # T: {dp: V, tp: R}
