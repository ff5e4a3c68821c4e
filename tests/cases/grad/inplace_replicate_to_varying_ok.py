# R -> V in place is allowed on a tensor that does not require grad.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    h = torch.zeros(4, 8)
    reveal_type(h)  # T: {dp: R, tp: R}
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": R, "tp": V})
    h += v
    reveal_type(h)  # T: {dp: R, tp: V}
