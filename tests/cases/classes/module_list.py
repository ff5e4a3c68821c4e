# Blocks held in an nn.ModuleList, built by a comprehension, run in a loop; a base class provides forward.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Base(nn.Module):
    def forward(self, x):
        return self.step(x)


class Block(Base):
    def __init__(self, tp):
        super().__init__()
        self.tp = tp
        self.weight = nn.Parameter(torch.randn(8, 8))
        spmd.assert_type(self.weight, {"dp": R, "tp": V})

    def step(self, x):
        h = spmd.convert(x, self.tp, src=I, dst=R)
        return spmd.all_reduce(h @ self.weight, self.tp, src=V, dst=I)


class Stack(nn.Module):
    def __init__(self, tp):
        super().__init__()
        self.blocks = nn.ModuleList([Block(tp) for _ in range(3)])

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    model = Stack(mesh.get_group("tp"))
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": I})
    reveal_type(model(x))  # T: {dp: V, tp: I}
