"""A DTensor parameter (nn.Parameter of distribute_tensor, as DTensor-based tensor parallelism builds them) is a DTensor: ops with it run unchecked, and to_local() is typed from its placements."""
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard, distribute_tensor

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
w = nn.Parameter(distribute_tensor(torch.randn(8, 8), mesh, [Replicate(), Shard(0)]))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(8, 8)
    d = DTensor.from_local(x, mesh, [Replicate(), Replicate()])
    y = d @ w
    reveal_type(w.to_local())  # T: {dp: I, tp: V}
    reveal_type(y.redistribute(mesh, [Replicate(), Replicate()]).to_local())  # T: {dp: I, tp: I}
