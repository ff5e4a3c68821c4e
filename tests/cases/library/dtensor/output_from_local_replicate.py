# A layer that hands its output to DTensor code: the local output is wrapped with
# DTensor.from_local on the mesh it was given. from_local asserts the placements' types on
# the local tensor, and a Replicate placement is Invariant: an output reduced to Replicate
# does not match. Which axes the placements name depends on the caller's mesh.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard


class ToDTensor(nn.Module):
    def __init__(self, mesh):
        super().__init__()
        self.mesh = mesh

    def forward(self, out):
        d = DTensor.from_local(out, self.mesh, [Replicate(), Replicate()])  # E: spmd-assert-mismatch  # L: -
        return d


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
layer = ToDTensor(mesh)
with spmd.set_current_mesh(mesh), typecheck():
    out = torch.randn(4, 8)
    spmd.assert_type(out, {"dp": R, "tp": R})
    layer(out)
