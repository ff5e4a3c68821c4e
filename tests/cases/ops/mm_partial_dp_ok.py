# torch.mm with one Partial factor per axis: P on dp, V on tp.
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
    spmd.assert_type(w, {"dp": R, "tp": V})
    y = torch.mm(x, w)
    reveal_type(y)  # T: {dp: P, tp: V}
