"""Global mode: to_local of a Shard(0) DTensor is V with no PartitionSpec, so the first op on it fails."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": I, "tp": S(0)})
    d = DTensor.from_local(x, mesh, [Replicate(), Shard(0)])
    y = d.to_local()
    reveal_type(y)  # T: {dp: I, tp: V}
    z = y * 2  # E: spmd-global-unsharded-varying
