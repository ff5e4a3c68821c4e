# A helper returning a tuple: unpacking its result gives each element the helper's types.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def project(x, w):
    qk = x @ w
    return qk.chunk(2, dim=-1)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    w = torch.randn(8, 8)
    spmd.assert_type(w, {"dp": R, "tp": V})
    q, k = project(x, w)
    reveal_type(q)  # T: {dp: V, tp: V}
    reveal_type(q @ k.t())  # T: {dp: V, tp: V}
