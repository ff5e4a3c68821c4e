"""Global mode: flattening a sharded dim into an outer one would need a strided shard, which the runtime does not support (DTensorPropagationError)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": R, "tp": S(1)})
    y = x.flatten(0, 1)  # E: spmd-global-reshape
