# The bias is added after reducing the Partial product, so the helper returns R.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def linear(x, w, *, bias=None):
    y = spmd.all_reduce(x @ w, "tp", src=P, dst=R)
    if bias is not None:
        y = y + bias
    return y


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    w = torch.randn(8, 2)
    spmd.assert_type(w, {"dp": R, "tp": R})
    y = linear(x, w, bias=torch.zeros(2))
    reveal_type(y)  # T: {dp: R, tp: R}
