# Twin of inplace_under_no_grad_keeps_grad: an Invariant input is what
# invariant_to_replicate takes, whatever was done to it in place under no_grad.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": I})
    y = x.sum(0)
    with torch.no_grad():
        y += y
    reveal_type(y)  # T: {dp: R, tp: I}
    z = spmd.invariant_to_replicate(y, "tp")
