"""from_local on an untyped tensor types that tensor itself from the placements (Shard is V, with no PartitionSpec)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    reveal_type(x)  # T: {}
    d = DTensor.from_local(x, mesh, [Replicate(), Shard(0)])
    reveal_type(x)  # T: {dp: I, tp: V}
    reveal_type(d.to_local())  # T: {dp: I, tp: V}
