"""Under torch.no_grad() an Invariant operand may mix with Varying and Replicate ones."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": I})
    v = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(v, {"dp": R, "tp": V})
    r = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(r, {"dp": R, "tp": R})
    with torch.no_grad():
        a = x + v
        reveal_type(a)  # T: {dp: R, tp: V}
        b = x * r
        reveal_type(b)  # T: {dp: R, tp: R}
