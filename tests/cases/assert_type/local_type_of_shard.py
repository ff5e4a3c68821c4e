# get_local_type gives the local type: an axis asserted S(0) reads V there (the shard is in
# the PartitionSpec). Merging it with the same axis spelled as a group and S(1) is two keys
# for one axis with different types (the pattern of a typecheck_forward that re-types a
# gathered result from its input's type).
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
    spmd.assert_type(y, {**spmd.get_local_type(x), group: S(1)})  # E: spmd-conflicting-types "V and S(1)"
