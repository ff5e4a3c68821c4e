"""redistribute passes expert_mode=True to convert itself: R -> I, I -> P and V -> P need no flag."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    a = spmd.redistribute(x, "tp", src=R, dst=I)
    reveal_type(a)  # T: {dp: R, tp: I}
    b = spmd.redistribute(a, "tp", src=I, dst=P)
    reveal_type(b)  # T: {dp: R, tp: P}
    w = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(w, {"dp": R, "tp": V})
    c = spmd.redistribute(w, "tp", src=V, dst=P)
    reveal_type(c)  # T: {dp: R, tp: P}
