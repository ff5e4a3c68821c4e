"""A PartitionSpec entry implies V on its axis: naming that axis R in the same assert_type is an error."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R}, PartitionSpec("dp", None))  # E: spmd-conflicting-types
