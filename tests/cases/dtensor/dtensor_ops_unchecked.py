# checker: pending -- DTensor interop: DTensor ops are not type-checked
"""Ops on DTensors pass through the checker untouched (DTensor tracks its own placements): relu of a Partial DTensor is not an SPMD error."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": I, "tp": P})
    d = DTensor.from_local(x, mesh, [Replicate(), Partial()])
    e = torch.relu(d)
    y = e.to_local()
    reveal_type(y)  # T: {dp: I, tp: I}
    z = d.redistribute(mesh, [Replicate(), Replicate()]).to_local()
    reveal_type(z)  # T: {dp: I, tp: I}
