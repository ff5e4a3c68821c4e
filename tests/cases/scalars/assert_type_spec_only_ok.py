"""Twin of assert_type_spec_only: an empty mapping next to the PartitionSpec is enough (its axes become V)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {}, PartitionSpec("dp", "tp"))
    reveal_type(x)  # T: {dp: S(0), tp: S(1)}
