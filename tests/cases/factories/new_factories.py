# new_zeros/new_ones/new_full are R whatever the source tensor's type.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": V})
    reveal_type(p.new_zeros(3))  # T: {dp: R, tp: R}
    reveal_type(v.new_ones(2, 2))  # T: {dp: R, tp: R}
    reveal_type(v.new_full((2,), 7.0))  # T: {dp: R, tp: R}
