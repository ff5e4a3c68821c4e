# An R operand that does not require grad adopts I: I(grad) + R(no grad) is I.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    w = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(w, {"dp": R, "tp": I})
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = w + x
    reveal_type(y)  # T: {dp: R, tp: I}
    z = torch.ones(4, 8) * w
    reveal_type(z)  # T: {dp: R, tp: I}
