# Mesh axes held by a ParallelContext as spmd.MeshAxis.of(mesh.get_group(...)). The head turns
# its Replicate weight Invariant with convert(R, I), which needs expert_mode=True (the backward
# of R -> I is rarely what the forward pass wants): the call fails on its arguments alone.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class ParallelContext:
    """The process groups and their mesh axes, handed to every layer."""

    def __init__(self, mesh):
        self.mesh = mesh
        self.dp = spmd.MeshAxis.of(mesh.get_group("dp"))
        self.tp = spmd.MeshAxis.of(mesh.get_group("tp"))


class InvariantClassifier(nn.Module):
    """A small head computed identically on every tp rank (Megatron's Invariant style)."""

    def __init__(self, dim, num_classes, ctx):
        super().__init__()
        self.ctx = ctx
        self.weight = nn.Parameter(torch.empty(num_classes, dim))
        spmd.assert_type(self.weight, {ctx.tp: R}, R)

    def forward(self, x):
        spmd.assert_type(x, {self.ctx.tp: I})
        # the weight is Replicate; the head wants it Invariant like its input
        weight = spmd.convert(self.weight, self.ctx.tp, src=R, dst=I)  # E: spmd-expert-mode
        return F.linear(x, weight)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
ctx = ParallelContext(mesh)
with spmd.set_current_mesh(mesh), typecheck():
    head = InvariantClassifier(16, 4, ctx)
    x = torch.randn(2, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": I})
    y = head(x)
