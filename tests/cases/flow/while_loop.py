# A while loop whose body keeps h Varying.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    h = torch.randn(4, 4)
    spmd.assert_type(h, {"dp": V, "tp": R})
    w = torch.randn(4, 4)
    spmd.assert_type(w, {"dp": R, "tp": R})
    step = 0
    while step < 3:
        h = torch.tanh(h @ w)
        step += 1
    reveal_type(h)  # T: {dp: V, tp: R}
