"""mutate_type on an axis the tensor is not typed on is an error (a size-1 axis would be skipped)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(strict_mode="permissive"):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R})
    spmd.mutate_type(x, "tp", src=R, dst=I)  # E: spmd-assert-mismatch
