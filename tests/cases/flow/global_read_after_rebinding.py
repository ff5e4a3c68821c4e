# A function reads a module-level name as it is when the function is called: a second
# call with the same arguments, after the name is bound again, sees the new value.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def scaled(w):
    return w * SCALE


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    p = torch.randn(8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    SCALE = r
    reveal_type(scaled(r))  # T: {dp: R, tp: R}
    SCALE = p
    reveal_type(scaled(r))  # T: {dp: R, tp: P}
