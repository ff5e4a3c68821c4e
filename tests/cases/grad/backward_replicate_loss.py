# backward() on a loss all-reduced to R (not I) is an error.
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
    local = spmd.reinterpret((x @ w).sum(), "dp", src=V, dst=P)
    loss = spmd.all_reduce(local, "dp", src=P, dst=R)
    reveal_type(loss)  # T: {dp: R, tp: I}
    loss.backward()  # E: spmd-backward-loss
