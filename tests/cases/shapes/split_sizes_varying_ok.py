"""Twin of split_sizes_varying: uneven gather from S(0); uneven reduce_scatter to S(0)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    y = spmd.all_gather(x, "tp", src=S(0), dst=R, split_sizes=[4, 4, 4, 4])
    reveal_type(y)  # T: {dp: R, tp: R}
    p = torch.randn(16, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    z = spmd.reduce_scatter(p, "tp", src=P, dst=S(0), split_sizes=[4, 4, 4, 4])
    reveal_type(z)  # T: {dp: R, tp: V}
