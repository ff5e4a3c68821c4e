"""Twin of from_local_replicate_r: an I-typed tensor round-trips as I; an R one needs grad_placements=Partial."""
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
    reveal_type(d.to_local())  # T: {dp: I, tp: I}
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    e = DTensor.from_local(r, mesh, [Replicate(), Replicate()], grad_placements=[Partial(), Partial()])
    reveal_type(e.to_local())  # T: {dp: I, tp: I}
