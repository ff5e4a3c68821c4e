# Reduce the Partial operand first; R + V is then V.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": R, "tp": V})
    r = spmd.all_reduce(x, "tp", src=P, dst=R)
    y = r + v
    reveal_type(y)  # T: {dp: R, tp: V}
