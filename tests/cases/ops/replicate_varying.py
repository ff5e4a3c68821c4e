# R mixed with V gives V, through elementwise ops, matmul and torch functions.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(4, 4)
    spmd.assert_type(r, {"dp": R, "tp": R})
    v = torch.randn(4, 4)
    spmd.assert_type(v, {"dp": V, "tp": R})
    reveal_type(r + v)  # T: {dp: V, tp: R}
    reveal_type(v - r)  # T: {dp: V, tp: R}
    reveal_type(r @ v)  # T: {dp: V, tp: R}
    reveal_type(torch.maximum(r, v))  # T: {dp: V, tp: R}
    reveal_type(torch.tanh(v) * r)  # T: {dp: V, tp: R}
