# The activation comes from a @dataclass config (the caller's: unknown in the library view),
# and is applied to a partial sum. Both choices are non-linear, so the line fails whichever
# the config picks: the library view finds it without knowing the config, on each side of the
# conditional expression.
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


@dataclass
class MLPConfig:
    dim: int
    hidden_dim: int
    tp_size: int
    activation: str = "gelu"


class HiddenParallelMLP(nn.Module):
    """An MLP whose input arrives sharded on the hidden dim: the up projection contracts the
    sharded dim, so its output is a partial sum."""

    def __init__(self, config: MLPConfig):
        super().__init__()
        self.config = config
        self.up = nn.Parameter(torch.empty(config.hidden_dim, config.dim // config.tp_size))
        self.down = nn.Parameter(torch.empty(config.dim, config.hidden_dim))
        spmd.assert_type(self.up, {"tp": S(1)}, R)
        spmd.assert_type(self.down, R)

    def forward(self, x):
        h = spmd.reinterpret(F.linear(x, self.up), "tp", src=V, dst=P)
        h = F.silu(h) if self.config.activation == "silu" else F.gelu(h)  # E: spmd-partial-nonlinear  # LE: spmd-partial-nonlinear, spmd-partial-nonlinear
        return F.linear(h, self.down)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    mlp = HiddenParallelMLP(MLPConfig(dim=16, hidden_dim=32, tp_size=4))
    x = torch.randn(2, 8, 4)
    spmd.assert_type(x, {"dp": S(0), "tp": S(2)})
    y = mlp(x)
