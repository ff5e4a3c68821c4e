"""Global mode: a Replicate operand broadcasts along the sharded dim only with size 1; a column of the local size disagrees with the global size."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    col = torch.randn(8, 1)
    spmd.assert_type(col, {"dp": R, "tp": R})
    y = x + col  # E: spmd-global-no-strategy
