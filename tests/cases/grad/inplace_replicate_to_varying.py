# x += v changes R to V in place; not allowed when x requires grad.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    w = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(w, {"dp": R, "tp": R})
    h = w * 2.0
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": R, "tp": V})
    h += v  # E: spmd-inplace-type-change
