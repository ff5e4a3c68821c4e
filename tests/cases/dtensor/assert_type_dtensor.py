"""assert_type on a DTensor is a TypeError: SPMD types live on local tensors only."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": I, "tp": I})
    d = DTensor.from_local(x, mesh, [Replicate(), Replicate()])
    spmd.assert_type(d, {"dp": I, "tp": I})  # E: spmd-dtensor-assert
