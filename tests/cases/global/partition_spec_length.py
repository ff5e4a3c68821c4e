"""A PartitionSpec must have one entry per tensor dim: PartitionSpec("dp") on a 2-D tensor is an error."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, R, PartitionSpec("dp"))  # E: spmd-conflicting-types
