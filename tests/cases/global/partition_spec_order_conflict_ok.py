"""Twin of partition_spec_order_conflict: both operands in (dp, tp) order; the result keeps it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    a = torch.randn(8, 8)
    spmd.assert_type(a, R, PartitionSpec(("dp", "tp"), None))
    b = torch.randn(8, 8)
    spmd.assert_type(b, R, PartitionSpec(("dp", "tp"), None))
    c = a + b
    reveal_type(c)  # T: {dp: S(0), tp: S(0)}
    assert spmd.get_partition_spec(c) == PartitionSpec((spmd.MeshAxis.of(mesh.get_group("dp")), spmd.MeshAxis.of(mesh.get_group("tp"))), None)
