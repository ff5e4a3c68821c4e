# all_reduce(..., dst=I) gives an Invariant loss, which backward() accepts.
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
    loss = spmd.all_reduce(local, "dp", src=P, dst=I)
    reveal_type(loss)  # T: {dp: I, tp: I}
    loss.backward()
