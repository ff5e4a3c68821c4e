# A Python scalar adopts the type of the tensor it meets (R, I, V, P).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    i = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(i, {"dp": I, "tp": I})
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": V})
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": P, "tp": P})
    reveal_type(r + 1)  # T: {dp: R, tp: R}
    reveal_type(i - 3.0)  # T: {dp: I, tp: I}
    reveal_type(2 * v)  # T: {dp: V, tp: V}
    reveal_type(p * 0.5)  # T: {dp: P, tp: P}
    reveal_type(v / 2)  # T: {dp: V, tp: V}
