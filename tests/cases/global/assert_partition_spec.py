"""assert_type with a PartitionSpec: its axes become V with that shard dim; a bare type fills the other mesh axes."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, R, PartitionSpec("dp", "tp"))
    reveal_type(x)  # T: {dp: S(0), tp: S(1)}
    y = torch.randn(4, 8)
    spmd.assert_type(y, {"tp": R}, PartitionSpec("dp", None))
    reveal_type(y)  # T: {dp: S(0), tp: R}
    z = torch.randn(4, 8)
    spmd.assert_type(z, {"tp": R}, partition_spec=PartitionSpec(None, "dp"))
    reveal_type(z * 2)  # T: {dp: S(1), tp: R}
