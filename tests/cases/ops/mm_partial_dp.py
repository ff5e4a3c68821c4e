# torch.mm with Partial on the dp axis in both factors.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": P, "tp": R})
    w = torch.randn(8, 2)
    spmd.assert_type(w, {"dp": P, "tp": V})
    y = torch.mm(x, w)  # E: spmd-partial-product
