# A helper that annotates its argument in place: the caller's tensor has the type afterwards.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def annotate_activation(x):
    spmd.assert_type(x, {"dp": V, "tp": R})


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    h = torch.randn(4, 8)
    annotate_activation(h)
    reveal_type(h)  # T: {dp: V, tp: R}
    w = torch.randn(8, 8)
    spmd.assert_type(w, {"dp": R, "tp": R})
    reveal_type(h @ w)  # T: {dp: V, tp: R}
