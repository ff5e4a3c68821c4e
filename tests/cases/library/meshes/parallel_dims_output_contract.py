# The mesh lives on a ParallelDims object; the layer takes its tp group from it at each call.
# The all_reduce produces Invariant (as Megatron's reduce_from_tensor_model_parallel_region
# does), but the layer's output contract says Replicate. get_group("tp") names the axis tp
# whatever the mesh, so the assert contradicts the all_reduce for any input.
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from torch.distributed.device_mesh import DeviceMesh, init_device_mesh


@dataclass
class ParallelDims:
    """torchtitan-style parallel dimensions; the trainer builds the mesh once."""

    dp: int
    tp: int
    mesh: DeviceMesh | None = field(default=None, init=False)

    def build_mesh(self, device_type="cpu"):
        self.mesh = init_device_mesh(device_type, (self.dp, self.tp), mesh_dim_names=("dp", "tp"))
        return self.mesh


class AttentionOutput(nn.Module):
    """The row-parallel output projection of an attention block; its output contract is
    Replicate on tp (the next block all-gathers nothing and uses it as is)."""

    def __init__(self, dim, parallel_dims):
        super().__init__()
        self.parallel_dims = parallel_dims
        self.wo = nn.Parameter(torch.empty(dim, dim // parallel_dims.tp))
        spmd.assert_type(self.wo, {"tp": S(1)}, R)

    def forward(self, ctx):
        tp = self.parallel_dims.mesh.get_group("tp")
        out = F.linear(ctx, self.wo)
        out = spmd.all_reduce(out, tp, src=V, dst=I)
        spmd.assert_type(out, {"tp": R})  # E: spmd-assert-mismatch
        return out


# --- driver ---
from spmd_types.checker import typecheck

parallel_dims = ParallelDims(dp=2, tp=4)
mesh = parallel_dims.build_mesh()
with spmd.set_current_mesh(mesh), typecheck():
    proj = AttentionOutput(16, parallel_dims)
    ctx = torch.randn(2, 8, 4)
    spmd.assert_type(ctx, {"dp": S(0), "tp": S(2)})
    out = proj(ctx)
