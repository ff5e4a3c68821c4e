"""Global mode: a sharded dim of local size 1 that a view drops is ambiguous (DTensorPropagationError)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(1, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    y = x.view(16)  # E: spmd-global-reshape
