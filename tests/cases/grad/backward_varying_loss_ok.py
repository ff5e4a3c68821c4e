# Reinterpreting the Varying loss as Partial makes backward() valid.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": I})
    w = torch.randn(8, 2, requires_grad=True)
    spmd.assert_type(w, {"dp": R, "tp": I})
    loss = (x @ w).sum()
    loss = spmd.reinterpret(loss, "dp", src=V, dst=P)
    reveal_type(loss)  # T: {dp: P, tp: I}
    loss.backward()
