# A comparison on R is R; torch.where(R mask, V, 0.0) is V.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    mask = r > 0
    reveal_type(mask)  # T: {dp: R, tp: R}
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": R, "tp": V})
    reveal_type(torch.where(mask, v, 0.0))  # T: {dp: R, tp: V}
