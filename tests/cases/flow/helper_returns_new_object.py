# A helper that builds and returns an object gives a new object at every call: what one
# caller does to its object never reaches another's, even with the same arguments.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Holder:
    def __init__(self, t):
        self.t = t

    def load(self, t):
        self.t = t


def make(t):
    return Holder(t)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    p = torch.randn(8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    a = make(r)
    b = make(r)
    b.load(p)
    reveal_type(a.t)  # T: {dp: R, tp: R}
    reveal_type(b.t)  # T: {dp: R, tp: P}
