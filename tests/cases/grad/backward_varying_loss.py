# backward() on a loss that is Varying on dp: each rank's implicit 1.0 gradient is wrong.
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
    reveal_type(loss)  # T: {dp: V, tp: I}
    loss.backward()  # E: spmd-backward-loss "Varying loss on axis dp"
