# A row-parallel layer returns a Partial output when its caller defers the reduction and a
# Replicate one otherwise (P if defer_reduce else R). The block applies GELU to it as if it
# were always reduced; the driver defers. In the library view nothing is expected: the flag
# comes from the block's caller, and without it the GELU is fine.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class RowParallelLinear(nn.Module):
    """Reduces its output, unless the caller defers the reduction to fuse it with a later one."""

    def __init__(self, in_features, out_features, tp_size, defer_reduce=False):
        super().__init__()
        self.defer_reduce = defer_reduce
        self.weight = nn.Parameter(torch.empty(out_features, in_features // tp_size))
        spmd.assert_type(self.weight, {"tp": S(1)}, R)

    def forward(self, x):
        out = F.linear(x, self.weight)
        if self.defer_reduce:
            out = spmd.reinterpret(out, "tp", src=V, dst=P)
        else:
            out = spmd.all_reduce(out, "tp", src=V, dst=R)
        spmd.assert_type(out, {"tp": P if self.defer_reduce else R})
        return out


class ProjectionBlock(nn.Module):
    def __init__(self, dim, tp_size, defer_reduce=False):
        super().__init__()
        self.proj = RowParallelLinear(dim, dim, tp_size, defer_reduce=defer_reduce)

    def forward(self, x):
        h = self.proj(x)
        return F.gelu(h)  # E: spmd-partial-nonlinear  # L: -

# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    block = ProjectionBlock(16, tp_size=4, defer_reduce=True)
    x = torch.randn(2, 8, 4)
    spmd.assert_type(x, {"dp": S(0), "tp": S(2)})
    y = block(x)
