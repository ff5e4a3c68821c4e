"""spmd_redistribute gathers a Shard(0) DTensor with spmd_types collectives; to_local of the result is I (Replicate placement)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": I, "tp": V})
    d = DTensor.from_local(x, mesh, [Replicate(), Shard(0)])
    e = spmd.spmd_redistribute(d, spmd.TensorSharding("tp"), spmd.TensorSharding())
    reveal_type(e.to_local())  # T: {dp: I, tp: I}
