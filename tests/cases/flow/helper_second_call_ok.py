# The helper called with Varying and then Replicate arguments: both calls are fine.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def act(t):
    return torch.sigmoid(t)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": R})
    reveal_type(act(v))  # T: {dp: V, tp: R}
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    reveal_type(act(spmd.all_reduce(p, "tp", src=P, dst=R)))  # T: {dp: R, tp: R}
