"""to_local(grad_placements=...) decides R or I per axis: a Partial gradient placement reads Replicate as R."""
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
    reveal_type(d.to_local(grad_placements=[Partial(), Replicate()]))  # T: {dp: R, tp: I}
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": I, "tp": P})
    e = DTensor.from_local(p, mesh, [Replicate(), Partial()])
    reveal_type(e.to_local())  # T: {dp: I, tp: P}
