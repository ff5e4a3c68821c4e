"""A PartitionSpec entry may shard one dim over two axes, in order (dp, tp)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(8, 4, requires_grad=True)
    spmd.assert_type(x, R, partition_spec=spmd.PartitionSpec(("dp", "tp"), None))
    reveal_type(x)  # T: {dp: S(0), tp: S(0)}
