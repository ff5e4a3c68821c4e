"""Twin of partition_spec_axis_not_varying: naming the PartitionSpec's axis V (or leaving it out) agrees with it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R}, PartitionSpec("dp", None))
    reveal_type(x)  # T: {dp: S(0), tp: R}
