# Twin of local_type_of_shard: the local type of an S(0) axis is V, which the merged dict
# may repeat under the group's key; the shard dim goes in a PartitionSpec.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
group = mesh.get_group("tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {group: S(0)}, R)
    y = torch.randn(4, 8)
    spmd.assert_type(y, {"dp": R, "tp": V})
    spmd.assert_type(y, {**spmd.get_local_type(x), group: V})
    reveal_type(y)  # T: {dp: R, tp: V}
