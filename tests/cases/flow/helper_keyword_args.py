# A helper called with keyword arguments: the keyword binds the Replicate bias, and P + R is affine.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def linear(x, w, *, bias=None):
    y = x @ w
    if bias is not None:
        y = y + bias  # E: spmd-partial-affine
    return y


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    w = torch.randn(8, 2)
    spmd.assert_type(w, {"dp": R, "tp": R})
    reveal_type(linear(x, w))  # T: {dp: R, tp: P}
    y = linear(x, w, bias=torch.zeros(2))
