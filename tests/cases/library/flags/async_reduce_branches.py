# A branch on a flag set in __init__ from the caller's config picks a synchronous or an
# asynchronous all_reduce; both produce Invariant, and the output contract says Replicate. The
# flag is unknown in the library view, but both branches contradict the contract, so the
# assert fails whichever runs.
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


@dataclass
class CommConfig:
    async_reduce: bool = False


class RowParallelLinear(nn.Module):
    def __init__(self, in_features, out_features, tp_size, comm: CommConfig):
        super().__init__()
        self.async_reduce = comm.async_reduce
        self.weight = nn.Parameter(torch.empty(out_features, in_features // tp_size))
        spmd.assert_type(self.weight, {"tp": S(1)}, R)

    def forward(self, x):
        out = F.linear(x, self.weight)
        if self.async_reduce:
            out = spmd.all_reduce(out, "tp", src=V, dst=I, async_op=True)
        else:
            out = spmd.all_reduce(out, "tp", src=V, dst=I)
        # the output contract: Replicate on tp (the next layer uses it per rank)
        spmd.assert_type(out, {"tp": R})  # E: spmd-assert-mismatch
        return out


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    layer = RowParallelLinear(16, 16, tp_size=4, comm=CommConfig())
    x = torch.randn(2, 8, 4)
    spmd.assert_type(x, {"dp": S(0), "tp": S(2)})
    y = layer(x)
