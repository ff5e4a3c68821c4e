# A reveal_type inside a helper called with two different types shows what holds for
# both calls: the axis they agree on, and "..." for the one they do not.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def double(t):
    y = t + t
    reveal_type(y)  # T: {dp: R, ...}
    return y


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": R, "tp": V})
    reveal_type(double(r))  # T: {dp: R, tp: R}
    reveal_type(double(v))  # T: {dp: R, tp: V}
