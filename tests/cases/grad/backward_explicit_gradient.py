# backward(gradient) with an explicit gradient skips the loss-type check.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    w = torch.randn(8, 2, requires_grad=True)
    spmd.assert_type(w, {"dp": R, "tp": R})
    loss = (w * 3.0).sum()
    reveal_type(loss)  # T: {dp: R, tp: R}
    loss.backward(torch.ones_like(loss))
