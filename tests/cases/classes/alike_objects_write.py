# A method that writes its object writes each object built alike: the second one's write
# is not taken for the first one's (see alike_objects.py).
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
        return torch.relu(self.t)  # E: spmd-partial-nonlinear


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    p = torch.randn(8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    a = Holder(r)
    b = Holder(r)
    a.load(p)
    b.load(p)
    y = b.act()
