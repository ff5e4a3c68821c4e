"""partition_spec= names the sharded dims; its axes become V (shown as S(i))."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R}, partition_spec=spmd.PartitionSpec(None, "tp"))
    reveal_type(x)  # T: {dp: R, tp: S(1)}
    y = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(y, R, partition_spec=spmd.PartitionSpec("dp", None))
    reveal_type(y)  # T: {dp: S(0), tp: R}
