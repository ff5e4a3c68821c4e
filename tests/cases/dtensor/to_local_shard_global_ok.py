"""Twin of to_local_shard_global: re-assert S(0) on the local tensor."""
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
    spmd.assert_type(y, {"tp": S(0)})
    z = y * 2
    reveal_type(z)  # T: {dp: I, tp: S(0)}
