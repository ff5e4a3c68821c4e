"""redistribute from S(0) routes to all_gather (-> R, -> I) and all_to_all (-> S(1))."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, tp: S(0)})
    a = spmd.redistribute(x, tp, src=S(0), dst=R)
    reveal_type(a)  # T: {dp: R, tp: R}
    b = spmd.redistribute(x, tp, src=S(0), dst=I)
    reveal_type(b)  # T: {dp: R, tp: I}
    c = spmd.redistribute(x, tp, src=S(0), dst=S(1))
    reveal_type(c)  # T: {dp: R, tp: V}
