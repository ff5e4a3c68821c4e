# A method that sets an attribute of the object it is given: after the call, the object
# holds what the call wrote, even where the caller had set that attribute itself, and
# every call writes again (a second call with the same arguments is not skipped).
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


def load_into(holder, t):
    holder.t = t


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    p = torch.randn(8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    h = Holder(r)
    h.t = p
    h.load(r)
    reveal_type(h.t)  # T: {dp: R, tp: R}
    h.t = p
    h.load(r)
    reveal_type(torch.relu(h.t))  # T: {dp: R, tp: R}
    h.t = p
    load_into(h, r)
    reveal_type(torch.relu(h.t))  # T: {dp: R, tp: R}
    h.t = p
    load_into(h, r)
    reveal_type(torch.relu(h.t))  # T: {dp: R, tp: R}
