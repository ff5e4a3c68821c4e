"""redistribute from P routes to all_reduce (-> R, -> I) and reduce_scatter (-> S(0), a plain V result)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": P})
    a = spmd.redistribute(x, "tp", src=P, dst=R)
    reveal_type(a)  # T: {dp: R, tp: R}
    b = spmd.redistribute(x, "tp", src=P, dst=I)
    reveal_type(b)  # T: {dp: R, tp: I}
    c = spmd.redistribute(x, "tp", src=P, dst=S(0))
    reveal_type(c)  # T: {dp: R, tp: V}
