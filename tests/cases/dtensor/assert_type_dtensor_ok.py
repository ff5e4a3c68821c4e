"""Twin of assert_type_dtensor: assert the local tensor from to_local()."""
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
    y = d.to_local()
    spmd.assert_type(y, {"dp": I, "tp": I})
    reveal_type(y)  # T: {dp: I, tp: I}
