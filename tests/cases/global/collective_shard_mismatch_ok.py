"""Twin of collective_shard_mismatch: src=S(0) matches; unshard and redistribute follow the same rule."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    y = spmd.all_gather(x, "dp", src=S(0), dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
    u = spmd.unshard(x, "dp", src=S(0), dst=I)
    reveal_type(u)  # T: {dp: I, tp: R}
    c = spmd.convert(x, "tp", src=R, dst=S(1))
    reveal_type(c)  # T: {dp: S(0), tp: S(1)}
