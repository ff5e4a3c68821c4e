"""Twin of reduce_scatter_stack_dim0: dim 0 equal to the axis size (4) unbinds; the stacking all_gather(src=V) takes any dim 0."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = spmd.reduce_scatter(x, "tp", src=P, dst=V)
    reveal_type(y)  # T: {dp: R, tp: V}
    v = torch.randn(3, 8)
    spmd.assert_type(v, {"dp": R, "tp": V})
    g = spmd.all_gather(v, "tp", src=V, dst=R)
    reveal_type(g)  # T: {dp: R, tp: R}
