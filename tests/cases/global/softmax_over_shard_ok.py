"""Twin of softmax_over_shard: softmax and amax over the unsharded dim keep S(0); gather first to reduce dim 0."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    reveal_type(torch.softmax(x, 1))  # T: {dp: S(0), tp: R}
    reveal_type(x.amax(1))  # T: {dp: S(0), tp: R}
    full = spmd.all_gather(x, "dp", src=S(0), dst=R)
    reveal_type(torch.softmax(full, 0))  # T: {dp: R, tp: R}
