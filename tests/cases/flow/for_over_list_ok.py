# Looping over a list of Replicate weights keeps h Varying.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    h = torch.randn(4, 4)
    spmd.assert_type(h, {"dp": R, "tp": V})
    w1 = torch.randn(4, 4)
    spmd.assert_type(w1, {"dp": R, "tp": R})
    w2 = torch.randn(4, 4)
    spmd.assert_type(w2, {"dp": R, "tp": R})
    for w in [w1, w2]:
        h = h @ w
    reveal_type(h)  # T: {dp: R, tp: V}
