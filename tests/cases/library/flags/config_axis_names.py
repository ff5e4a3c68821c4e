# The axis names come from a @dataclass parallelism config. The reduction uses the wrong
# field (dp_axis), so the output is still Partial on tp when it reaches the GELU. In the
# library view nothing is expected: the config is the caller's, and a config whose two names
# are one axis would make this correct; the checker cannot tell the two axes apart.
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


@dataclass
class ParallelismConfig:
    tp_axis: str = "tp"
    dp_axis: str = "dp"


class RowParallelProjection(nn.Module):
    """Names its mesh axes through the parallelism config it is given."""

    def __init__(self, dim, tp_size, config: ParallelismConfig):
        super().__init__()
        self.config = config
        self.weight = nn.Parameter(torch.empty(dim, dim // tp_size))
        spmd.assert_type(self.weight, {config.tp_axis: S(1)}, R)

    def forward(self, x):
        out = spmd.reinterpret(F.linear(x, self.weight), self.config.tp_axis, src=V, dst=P)
        out = spmd.all_reduce(out, self.config.dp_axis, dst=R)
        return F.gelu(out)  # E: spmd-partial-nonlinear  # L: -


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    proj = RowParallelProjection(16, tp_size=4, config=ParallelismConfig())
    x = torch.randn(2, 8, 4)
    spmd.assert_type(x, {"dp": S(0), "tp": S(2)})
    y = proj(x)
