"""Element-wise ops of one DTensor run unchecked and keep its Replicate and Shard placements (DTensor's own propagation), so to_local() of the result has the same types; a Partial placement is redistributed, to Replicate or to a Shard as DTensor's cost model picks. detach, dtype casts, negation and scaling by a number keep every placement."""
import torch
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    d = DTensor.from_local(x, mesh, [Shard(1), Shard(0)])
    reveal_type(torch.relu(d).to_local())  # T: {dp: V, tp: V}
    reveal_type(F.gelu(d).to_local())  # T: {dp: V, tp: V}
    reveal_type(d.exp().to_local())  # T: {dp: V, tp: V}
    y = torch.randn(4, 8)
    e = DTensor.from_local(y, mesh, [Shard(0), Replicate()])
    reveal_type(torch.sigmoid(e).to_local())  # T: {dp: V, tp: I}
    reveal_type(F.silu(e).full_tensor())  # T: {dp: I, tp: I}
    p = torch.randn(4, 8)
    f = DTensor.from_local(p, mesh, [Partial(), Shard(1)])
    g = torch.tanh(f)
    reveal_type(g.redistribute(mesh, [Replicate(), Shard(1)]).to_local())  # T: {dp: I, tp: V}
    reveal_type(f.detach().float().to_local())  # T: {dp: P, tp: V}
    reveal_type((-f * 2 / 4).contiguous().to_local())  # T: {dp: P, tp: V}
