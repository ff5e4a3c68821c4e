"""redistribute between non-communicating types delegates to convert: R -> S(1), I -> R, R -> P."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    a = spmd.redistribute(x, "tp", src=R, dst=S(1))
    reveal_type(a)  # T: {dp: R, tp: V}
    w = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(w, {"dp": R, "tp": I})
    b = spmd.redistribute(w, "tp", src=I, dst=R)
    reveal_type(b)  # T: {dp: R, tp: R}
    c = spmd.redistribute(x, "dp", src=R, dst=P)
    reveal_type(c)  # T: {dp: P, tp: R}
