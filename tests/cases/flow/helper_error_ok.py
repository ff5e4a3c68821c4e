# The same helper called with a Varying activation returns Varying.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def mlp(x, w):
    h = x @ w
    return torch.relu(h)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    w = torch.randn(8, 8)
    spmd.assert_type(w, {"dp": R, "tp": R})
    y = mlp(x, w)
    reveal_type(y)  # T: {dp: V, tp: R}
