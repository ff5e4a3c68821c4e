"""Twin of amax_over_shard: amax over the other dim keeps S(0); keepdim keeps the dim in place."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    reveal_type(x.amax(1))  # T: {dp: S(0), tp: R}
    reveal_type(torch.sum(x, 1, True))  # T: {dp: S(0), tp: R}
    reveal_type(x.sum(0, keepdim=True))  # T: {dp: P, tp: R}
