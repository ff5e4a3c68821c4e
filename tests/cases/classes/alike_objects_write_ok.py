# The well-typed twin of alike_objects_write.py: the second object is loaded with a
# replicated tensor, so its activation is fine whatever the first one holds.
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

    def act(self):
        return torch.relu(self.t)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    p = torch.randn(8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    a = Holder(r)
    b = Holder(r)
    a.load(p)
    b.load(r)
    y = b.act()
    reveal_type(y)  # T: {dp: R, tp: R}
