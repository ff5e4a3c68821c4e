# A helper calling another helper with a Partial shift: the result is Partial.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def scale(t):
    return t * 2.0


def shift(t, b):
    return scale(t) + b


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    b = torch.randn(4, 8)
    spmd.assert_type(b, {"dp": R, "tp": P})
    reveal_type(shift(p, b))  # T: {dp: R, tp: P}
